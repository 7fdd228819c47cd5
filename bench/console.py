"""Console pages with a full directory: every page's latency beside the JSON route that
serves the same data, measured in the same run.

Relais runs as separate processes (dev server on a SQLite file, simulator, API with the
console, worker). The app database gets ``--cases`` cases in the directory (a twentieth
of them the counsellor's, with tasks and callbacks due), as many verified notices for
the time-to-removal chart, and a few real cases are opened through the API so their
pages query a live workflow. Each page is then fetched ``--requests`` times one after
the other by a signed-in counsellor (the dashboard by a supervisor), next to the JSON
route it is built on.

    ./dev bench console                    # 10,000 cases, 200 requests a page
    ./dev bench console --cases 1000 --requests 50
"""

import argparse
import asyncio
import json
import random
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from bench.cli import parse_args
from bench.common import (
    SUPERVISOR,
    TOKEN,
    Bench,
    bench_stack,
    intake,
    item,
    percentile,
    print_table,
)
from domain.case import CaseStatus
from domain.intake import Urgency
from relais.db.tables import CaseAccessRow, CaseLabelRow, CaseRow, NoticeRow, TaskRow

COUNSELLOR = "local-counsellor"
PLATFORMS = ["tiktok", "instagram", "snapchat", "youtube", "discord"]
BATCH = 1000
BUDGET_MS = 300.0  # the bar: every page under 300 ms p95
Get = Callable[[], Awaitable[httpx.Response]]


def seeded_rows(cases: int, seed: int = 3018) -> dict[str, list[dict[str, Any]]]:
    """The directory of ``cases`` cases, a twentieth of them the counsellor's."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    rows: dict[str, list[dict[str, Any]]] = {
        "cases": [],
        "labels": [],
        "access": [],
        "tasks": [],
        "notices": [],
    }
    statuses = list(CaseStatus)
    for n in range(cases):
        case_id = f"bench{n:027d}"
        opened = now - timedelta(minutes=rng.randrange(60 * 24 * 90))
        status = rng.choice(statuses)
        platform = rng.choice(PLATFORMS)
        owner = COUNSELLOR if n % 20 == 0 else f"counsellor-{n % 37}"
        rows["cases"].append(
            {
                "case_id": case_id,
                "version": 1,
                "status": status.value,
                "urgency": rng.choice(list(Urgency)).value,
                "channel": "phone",
                "caller_role": "victim",
                "age_band": "15_17",
                "categories": ["cyberharassment"],
                "platforms": [platform],
                "partners": [],
                "opened_by": owner,
                "owner": owner,
                "opened_at": opened,
                "updated_at": opened,
                "closed_at": opened + timedelta(days=3) if status is CaseStatus.CLOSED else None,
                "next_action_at": now + timedelta(hours=rng.randrange(-24, 72)),
                "sla_breached": rng.random() < 0.05,
                "notices_open": 0,
                "referrals_open": 0,
            }
        )
        rows["labels"] += [
            {"case_id": case_id, "kind": "category", "slug": "cyberharassment"},
            {"case_id": case_id, "kind": "platform", "slug": platform},
        ]
        rows["access"].append(
            {
                "case_id": case_id,
                "subject": owner,
                "reason": "owner",
                "granted_by": owner,
                "granted_at": opened,
            }
        )
        if status is CaseStatus.CALLBACK_DUE:
            rows["tasks"].append(
                {
                    "task_id": f"{case_id}-callback-1",
                    "case_id": case_id,
                    "kind": "callback_due",
                    "for_role": "counsellor",
                    "summary": f"Call back the young person of case {case_id} (attempt 1)",
                    "due_at": now - timedelta(minutes=5),
                    "created_at": now - timedelta(minutes=5),
                }
            )
        submitted = opened + timedelta(minutes=5)
        rows["notices"].append(
            {
                "notice_id": f"{case_id}-n1",
                "case_id": case_id,
                "version": 1,
                "platform": platform,
                "legal_qualification": "cyberharassment",
                "idempotency_key": f"{case_id}-n1",
                "status": "verified_removed",
                "decision": "removed",
                "submitted_at": submitted,
                "verified_at": submitted + timedelta(minutes=rng.randrange(5, 60 * 48)),
                "renotices": 0,
                "sla_breached": False,
                "updated_at": submitted,
            }
        )
    return rows


async def seed(database_url: str, cases: int) -> float:
    started = time.perf_counter()
    engine = create_async_engine(database_url)
    tables = {
        "cases": CaseRow,
        "labels": CaseLabelRow,
        "access": CaseAccessRow,
        "tasks": TaskRow,
        "notices": NoticeRow,
    }
    try:
        rows = seeded_rows(cases)
        async with engine.begin() as conn:
            for name, table in tables.items():
                for start in range(0, len(rows[name]), BATCH):
                    await conn.execute(insert(table), rows[name][start : start + BATCH])
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def signed_in(base_url: str, token: str) -> httpx.AsyncClient:
    """A console session, signed in through the sign-in form like a person."""
    http = httpx.AsyncClient(base_url=base_url, timeout=60)
    form = await http.get("/console/sign-in")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert found, form.text[:500]
    answer = await http.post("/console/sign-in", data={"csrf": found[1], "token": token})
    assert answer.status_code == 303, answer.text[:500]
    return http


async def timed(call: Get, requests: int) -> list[float]:
    for _ in range(3):  # warm up
        (await call()).raise_for_status()
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        response = await call()
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return latencies


def figures(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
    }


async def measure(bench: Bench, cases: int, requests: int) -> dict[str, Any]:
    seed_s = await seed(bench.stack.database_url, cases)
    opened = await bench.open_case(intake())
    case_id = opened["case_id"]
    added = await bench.api.post(
        f"/cases/{case_id}/items",
        json={"items": [item(1)]},
        headers={**TOKEN, "Idempotency-Key": uuid.uuid4().hex},
    )
    added.raise_for_status()
    base = bench.stack.api_url
    lea = await signed_in(base, "local-counsellor-token")
    boss = await signed_in(base, "local-supervisor-token")
    anonymous = httpx.AsyncClient(base_url=base, timeout=60)
    api = bench.api
    pages: dict[
        str, tuple[Callable[[], Awaitable[httpx.Response]], Callable[[], Awaitable[httpx.Response]]]
    ] = {
        "sign-in": (lambda: anonymous.get("/console/sign-in"), lambda: api.get("/healthz")),
        "worklist": (
            lambda: lea.get("/console/worklist"),
            lambda: api.get("/me/worklist", headers=TOKEN),
        ),
        "worklist (live part)": (
            lambda: lea.get("/console/worklist/live"),
            lambda: api.get("/me/worklist", headers=TOKEN),
        ),
        "new case": (lambda: lea.get("/console/cases/new"), lambda: api.get("/healthz")),
        "case page": (
            lambda: lea.get(f"/console/cases/{case_id}"),
            lambda: api.get(f"/cases/{case_id}", headers=TOKEN),
        ),
        "case (live part)": (
            lambda: lea.get(f"/console/cases/{case_id}/live"),
            lambda: api.get(f"/cases/{case_id}", headers=TOKEN),
        ),
        "dashboard": (
            lambda: boss.get("/console/dashboard"),
            lambda: api.get("/cases", params={"open_only": "true"}, headers=SUPERVISOR),
        ),
    }
    results: dict[str, Any] = {}
    try:
        for name, (page, baseline) in pages.items():
            results[name] = {
                "console_ms": figures(await timed(page, requests)),
                "json_route_ms": figures(await timed(baseline, requests)),
            }
    finally:
        for http in (lea, boss, anonymous):
            await http.aclose()
    return {"cases": cases, "requests": requests, "seed_s": round(seed_s, 1), "pages": results}


async def run(cases: int, requests: int, keep: str | None) -> dict[str, Any]:
    async with bench_stack(keep=keep) as bench:
        return await measure(bench, cases, requests)


SMOKE = {"cases": 200, "requests": 5}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the directory")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--keep", help="keep logs and databases in this folder")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.cases, args.requests, args.keep))
    rows = []
    for name, r in result["pages"].items():
        page, route = r["console_ms"], r["json_route_ms"]
        verdict = "ok" if page["p95"] < BUDGET_MS else f"over {BUDGET_MS:.0f} ms"
        rows.append(
            (
                name,
                f"p50 {page['p50']} ms, p95 {page['p95']} ms, max {page['max']} ms ({verdict}); "
                f"its JSON route p50 {route['p50']} ms, p95 {route['p95']} ms",
            )
        )
    print_table(
        f"Console pages, {result['cases']:,} cases in the directory, "
        f"{result['requests']} requests a page",
        rows,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
