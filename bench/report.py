"""The trusted-flagger report and the per-platform scorecard over a year of
notices: time to build each from the notices ledger, on SQLite and on PostgreSQL,
next to a baseline measured in the same run (one ``count(*)`` over the year's
notices: the floor of any figure that reads them all).

Fills a fresh database with ``--notices`` notices spread over a year (random
platform, qualification, outcome, time to removal, re-notices and SLA breaches,
fixed seed), then builds the yearly report as ``GET /reports/trusted-flagger?year=``
does and the scorecard as ``GET /stats/platforms?year=`` does, and draws both as
pages and PDFs, each best of three.

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
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from api.pages.html import report_page, scorecard_page
from application.figures.pdf import report_pdf, scorecard_pdf
from application.figures.periods import year_period
from application.figures.platform_scorecard import build_scorecard
from application.figures.trusted_flagger_report import build_report
from bench.cli import parse_args
from bench.common import print_table
from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from relais.db import Database
from relais.db.repositories.notice_figures import NoticeFigures
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
    """``count`` notices in batches of ``BATCH`` (a million rows never sit in memory).
    Times to removal are log-uniform between a minute and 60 days; 5 % of notices
    are appeals."""
    rng = random.Random(seed)
    start, end = year_period(YEAR)
    span = (end - start).total_seconds()
    weights = [w for *_, w in OUTCOMES]
    rows: list[dict[str, Any]] = []
    for n in range(count):
        status, decision, _ = rng.choices(OUTCOMES, weights)[0]
        submitted = start + timedelta(seconds=rng.random() * span)
        to_removal = timedelta(seconds=60 * 86400 ** rng.random())
        renotices = min(int(to_removal.total_seconds() // 86400), 30)
        verified = status is NoticeStatus.VERIFIED_REMOVED
        rows.append(
            {
                "notice_id": f"bench-n{n}",
                "case_id": f"bench-c{n // 3}",
                "version": 1,
                "platform": rng.choice(PLATFORMS),
                "legal_qualification": rng.choice(list(LegalQualification)).value,
                "appeal_of": f"bench-n{n - 1}" if rng.random() < 0.05 else None,
                "idempotency_key": f"bench-n{n}",
                "status": status.value,
                "decision": decision.value if decision else None,
                "submitted_at": submitted,
                "acknowledged_at": submitted + timedelta(seconds=30),
                "decided_at": submitted + to_removal if decision else None,
                "verified_at": submitted + to_removal if verified else None,
                "checked_at": submitted + to_removal if verified else None,
                "renotices": renotices,
                "renoticed_at": [],
                "sla_breached": to_removal > timedelta(days=2),
                "updated_at": submitted + to_removal,
            }
        )
        if len(rows) == BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


async def best_of_three(build: Callable[[], Awaitable[Any]]) -> tuple[list[float], Any]:
    timings, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = await build()
        timings.append(round(time.perf_counter() - started, 3))
    return timings, result


async def measure(database: Database, notices: int) -> dict[str, Any]:
    await database.create_schema()
    filled = time.perf_counter()
    for batch in notice_batches(notices):
        async with database.session_factory.begin() as session:
            await session.execute(insert(NoticeRow), batch)
    fill_s = time.perf_counter() - filled
    async with database.engine.begin() as conn:
        if database.is_sqlite:  # as a live database would be: the bulk load checkpointed
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        await conn.execute(text("ANALYZE notices"))
    since, until = year_period(YEAR)

    async def baseline() -> int:
        statement = select(func.count()).where(
            NoticeRow.submitted_at >= since, NoticeRow.submitted_at < until
        )
        async with database.session_factory() as session:
            return int((await session.execute(statement)).scalar_one())

    baseline_s, counted = await best_of_three(baseline)
    report_s, report = await best_of_three(lambda: build_report(database, since, until))
    card_s, card = await best_of_three(
        lambda: build_scorecard(NoticeFigures(database), since, until)
    )

    async def draw() -> None:
        report_page(report, [])
        scorecard_page(card, [])
        report_pdf(report)
        scorecard_pdf(card)

    draw_s, _ = await best_of_three(draw)
    assert counted == notices
    assert report.total.submitted + report.appeals.submitted == notices
    assert sum(s.notices + s.appeals.appeals for s in card.platforms) == notices
    return {
        "notices": notices,
        "fill_s": round(fill_s, 1),
        "baseline_count_s": baseline_s,
        "report_s": report_s,
        "scorecard_s": card_s,
        "pages_and_pdfs_s": draw_s,
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


SMOKE = {"notices": 1000}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1_000_000, help="notices (1,000,000)")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="(both)"
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL, help="PostgreSQL URL")
    args = parse_args(parser, argv, SMOKE)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = asyncio.run(run(args.notices, backends, args.postgres))
    print_table(
        f"Trusted-flagger report and platform scorecard over {args.notices:,} notices",
        [
            (
                backend,
                f"report {min(r['report_s'])} s, scorecard {min(r['scorecard_s'])} s "
                f"(best of 3); baseline count(*) {min(r['baseline_count_s'])} s; "
                f"both drawn as pages and PDFs {min(r['pages_and_pdfs_s'])} s; "
                f"{r['cells']} cells; ledger filled in {r['fill_s']} s",
            )
            for backend, r in results.items()
        ],
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
