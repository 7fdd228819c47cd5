"""Liveness and readiness, the same for the API and the worker.

*Live* means the process serves: a probe that fails restarts it, so it never
depends on anything outside the process (a restart would not bring Temporal back).
*Ready* means it can do its work: Temporal answers, the app database answers and is
migrated to head, the adapters are loaded. A load balancer sends traffic, and a
rollout moves on, only to ready processes. Every check has a time limit, so a
probe answers even when a dependency hangs.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import text
from temporalio.client import Client

from relais.db import Database
from relais.db.migrate import schema_revisions

PROBE_TIMEOUT = timedelta(seconds=3)


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, Check]


Probe = Callable[[], Awaitable[Check]]


async def readiness(probes: dict[str, Probe]) -> Readiness:
    """Run every probe at once; ready when all pass. A probe that raises or runs past
    the time limit fails with the exception's type (never its message, which may quote
    a connection string)."""

    async def run(probe: Probe) -> Check:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT.total_seconds()):
                return await probe()
        except TimeoutError:
            return Check(ok=False, detail=f"no answer within {PROBE_TIMEOUT.total_seconds():g} s")
        except Exception as exc:
            return Check(ok=False, detail=f"failed: {type(exc).__name__}")

    results = await asyncio.gather(*(run(probe) for probe in probes.values()))
    checks = dict(zip(probes, results, strict=True))
    return Readiness(ready=all(c.ok for c in checks.values()), checks=checks)


def temporal_probe(client: Client) -> Probe:
    async def probe() -> Check:
        ok = await client.service_client.check_health(timeout=PROBE_TIMEOUT)
        return Check(ok=ok, detail="frontend serving" if ok else "frontend not serving")

    return probe


def database_probe(database: Database) -> Probe:
    async def probe() -> Check:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return Check(ok=True, detail="answers")

    return probe


def migrations_probe(database: Database) -> Probe:
    """The schema is at the newest migration: a process newer than its database would
    fail on the first query that needs a new column."""

    async def probe() -> Check:
        async with database.engine.connect() as conn:
            current, heads = await conn.run_sync(schema_revisions)
        head = ", ".join(sorted(heads))
        if current != heads:
            at = ", ".join(sorted(current)) or "no revision"
            return Check(ok=False, detail=f"schema at {at}, head is {head}")
        return Check(ok=True, detail=f"at head {head}")

    return probe


def adapters_probe(loaded: Callable[[], int], problems: Callable[[], int]) -> Probe:
    """Ready with at least one adapter loaded; adapters that failed to load (when the
    settings tolerate it) are named in the detail but do not hold the process back."""

    async def probe() -> Check:
        count, failed = loaded(), problems()
        detail = f"{count} loaded" + (f", {failed} configuration problems" if failed else "")
        return Check(ok=count > 0, detail=detail)

    return probe
