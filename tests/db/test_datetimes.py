"""Times are timezone-aware UTC in and out, on SQLite (no time zones) too."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from domain.audit import AuditEntry
from domain.records import CaseFilter
from relais.db import AuditLog, CaseDirectory, Database, TaskBoard
from tests.db.builders import T0, case_record, task_record

PARIS_SUMMER = timezone(timedelta(hours=2))


async def test_a_time_in_any_zone_reads_back_as_the_same_instant_in_utc(
    database: Database,
) -> None:
    cases = CaseDirectory(database)
    opened = datetime(2026, 7, 14, 23, 30, 15, 123456, tzinfo=PARIS_SUMMER)
    await cases.upsert(case_record(opened_at=opened, next_action_at=opened + timedelta(days=2)))

    stored = await cases.get("case-1")

    assert stored is not None
    assert stored.opened_at == opened  # same instant, microseconds kept
    assert stored.opened_at.utcoffset() == timedelta(0)
    assert stored.opened_at.isoformat() == "2026-07-14T21:30:15.123456+00:00"
    assert stored.next_action_at is not None and stored.next_action_at.utcoffset() == timedelta(0)


async def test_comparisons_use_the_instant_not_the_wall_clock(database: Database) -> None:
    audit = AuditLog(database)
    # 10:30 in Paris is 08:30 UTC: earlier than 09:00 UTC although its wall clock is later.
    early = datetime(2026, 3, 2, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    await audit.record(AuditEntry(at=early, actor="a", role="counsellor", action="early"))
    await audit.record(AuditEntry(at=T0, actor="a", role="counsellor", action="on-time"))

    assert [e.action for e in await audit.list()] == ["early", "on-time"]
    assert [e.action for e in await audit.list(since=T0)] == ["on-time"]
    assert [e.action for e in await audit.list(until=T0)] == ["early"]


async def test_open_tasks_order_by_instant_across_zones(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record("utc-09", due_at=T0))
    await tasks.create(
        task_record("paris-10", due_at=T0.astimezone(PARIS_SUMMER) - timedelta(hours=1))
    )

    assert [t.task_id for t in await tasks.list_open()] == ["paris-10", "utc-09"]


async def test_a_naive_time_is_refused_rather_than_guessed(database: Database) -> None:
    cases = CaseDirectory(database)

    with pytest.raises(StatementError, match="naive datetime"):
        await cases.upsert(case_record(opened_at=datetime(2026, 3, 2, 9, 0)))
    assert await cases.count(CaseFilter()) == 0
