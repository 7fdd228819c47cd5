"""Adapter health on SQLite and PostgreSQL: last success, last failure and its
reason, kept in order whatever order the (retried, concurrent) reports land in."""

import asyncio
from datetime import UTC, datetime, timedelta

from relais.db import Database
from relais.db.repositories.adapter_health import AdapterHealthBook

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


async def test_success_then_failure_then_success(database: Database) -> None:
    book = AdapterHealthBook(database)

    await book.record_success("tiktok", "submit_notice", T0)
    await book.record_failure(
        "tiktok",
        "fetch_decision",
        T0 + timedelta(minutes=1),
        "partner unavailable (503)",
        permanent=False,
    )
    failing = await book.get("tiktok")
    await book.record_success("tiktok", "fetch_decision", T0 + timedelta(minutes=2))
    recovered = await book.get("tiktok")

    assert failing is not None and recovered is not None
    assert failing.last_success_at == T0
    assert failing.last_failure_at == T0 + timedelta(minutes=1)
    assert failing.last_failure_reason == "partner unavailable (503)"
    assert failing.last_failure_permanent is False
    assert failing.failures_since_success == 1
    assert recovered.last_success_operation == "fetch_decision"
    assert recovered.failures_since_success == 0
    assert recovered.last_failure_reason == "partner unavailable (503)"  # kept for the record


async def test_a_late_report_does_not_overwrite_a_newer_one(database: Database) -> None:
    book = AdapterHealthBook(database)

    await book.record_failure("pharos", "hand_over", T0, "refused (422)", permanent=True)
    await book.record_failure(
        "pharos", "fetch_status", T0 - timedelta(hours=1), "older", permanent=False
    )
    await book.record_success("pharos", "hand_over", T0 - timedelta(hours=2))

    health = await book.get("pharos")
    assert health is not None
    assert health.last_failure_reason == "refused (422)"
    assert health.last_failure_operation == "hand_over"
    assert health.last_success_at == T0 - timedelta(hours=2)
    assert health.failures_since_success == 2


async def test_concurrent_first_reports_create_one_row(database: Database) -> None:
    book = AdapterHealthBook(database)

    await asyncio.gather(
        *(book.record_success("x", "submit_notice", T0 + timedelta(seconds=i)) for i in range(8))
    )

    everything = await book.all()
    assert list(everything) == ["x"]
    assert everything["x"].last_success_at == T0 + timedelta(seconds=7)
