"""The trusted-flagger report over a year of notices: time to build it from the
notices ledger, on SQLite and on PostgreSQL.

Fills a fresh database with ``--notices`` notices spread over a year (random
platform, qualification and outcome, fixed seed), then builds the yearly report as
``GET /reports/trusted-flagger?year=...`` does and prints how long it took.

    .venv/bin/python -m bench.report                     # 1,000,000 notices
    .venv/bin/python -m bench.report --notices 100000 --backend sqlite
"""

import argparse
import asyncio
import json
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from api.services.periods import year_period
from api.services.trusted_flagger_report import build_report
from bench.common import print_table
from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from relais.db import Database
from relais.db.tables import NoticeRow
from tests.support.databases import DEFAULT_POSTGRES_URL

YEAR = 2026
PLATFORMS = ["tiktok", "instagram", "snapchat", "x", "youtube", "discord", "roblox", "yubo"]
OUTCOMES = [  # (status, decision, weight)
    (NoticeStatus.VERIFIED_REMOVED, Decision.REMOVED, 70),
    (NoticeStatus.DECIDED, Decision.RESTRICTED, 8),
    (NoticeStatus.REFUSED, Decision.REFUSED, 12),
    (NoticeStatus.ACKNOWLEDGED, None, 6),
    (NoticeStatus.STILL_ONLINE, Decision.REMOVED, 2),
    (NoticeStatus.CANCELLED, None, 2),
]
BATCH = 10_000


def notice_batches(count: int, seed: int = 7) -> Iterator[list[dict[str, Any]]]:
    """``count`` notices in batches of ``BATCH`` (a million rows never sit in memory)."""
    rng = random.Random(seed)
    start, end = year_period(YEAR)
    span = (end - start).total_seconds()
    weights = [w for *_, w in OUTCOMES]
    rows: list[dict[str, Any]] = []
    for n in range(count):
        status, decision, _ = rng.choices(OUTCOMES, weights)[0]
        submitted = start + timedelta(seconds=rng.random() * span)
        rows.append(
            {
                "notice_id": f"bench-n{n}",
                "case_id": f"bench-c{n // 3}",
                "version": 1,
                "platform": rng.choice(PLATFORMS),
                "legal_qualification": rng.choice(list(LegalQualification)).value,
                "idempotency_key": f"bench-n{n}",
                "status": status.value,
                "decision": decision.value if decision else None,
                "submitted_at": submitted,
                "renotices": 0,
                "sla_breached": False,
                "updated_at": submitted + timedelta(hours=3),
            }
        )
        if len(rows) == BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


async def measure(database: Database, notices: int) -> dict[str, Any]:
    await database.create_schema()
    filled = time.perf_counter()
    for batch in notice_batches(notices):
        async with database.session_factory.begin() as session:
            await session.execute(insert(NoticeRow), batch)
    fill_s = time.perf_counter() - filled
    since, until = year_period(YEAR)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = await build_report(database, since, until)
        timings.append(time.perf_counter() - started)
    assert report.total.submitted == notices
    return {
        "notices": notices,
        "fill_s": round(fill_s, 1),
        "report_s": [round(t, 2) for t in timings],
        "cells": len(report.cells),
    }


async def run(notices: int, backends: list[str], postgres: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="relais-bench-report-") as tmp:
                database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'relais.db'}")
                try:
                    results[backend] = await measure(database, notices)
                finally:
                    await database.dispose()
        else:
            schema = f"relais_bench_{secrets.token_hex(4)}"
            database = Database(postgres, schema=schema)
            try:
                results[backend] = await measure(database, notices)
            finally:
                await database.dispose()
                admin = create_async_engine(postgres)
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                await admin.dispose()
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1_000_000, help="notices (1,000,000)")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="(both)"
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL, help="PostgreSQL URL")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = asyncio.run(run(args.notices, backends, args.postgres))
    print_table(
        f"Trusted-flagger report over {args.notices:,} notices in a year",
        [
            (
                backend,
                f"report built in {min(r['report_s'])} s (best of 3: {r['report_s']}); "
                f"{r['cells']} cells; ledger filled in {r['fill_s']} s",
            )
            for backend, r in results.items()
        ],
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
