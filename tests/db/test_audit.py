"""AuditLog: who did what on a case, when; read back oldest first."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from domain.audit import AuditEntry
from relais.db import AuditLog, CaseDirectory, Database
from relais.db.repositories.access import AccessReason, CaseAccessBook
from tests.db.builders import T0, case_record


def entry(minutes: int, **changes: object) -> AuditEntry:
    values: dict[str, object] = {
        "at": T0 + timedelta(minutes=minutes),
        "actor": "counsellor-a",
        "role": "counsellor",
        "action": "case.read",
        "case_id": "case-1",
    }
    return AuditEntry.model_validate(values | changes)


async def test_entries_read_back_oldest_first_whatever_the_write_order(
    database: Database,
) -> None:
    audit = AuditLog(database)
    ids = [await audit.record(entry(m, detail=f"m{m}")) for m in (30, 10, 20)]

    listed = await audit.list()

    assert len(set(ids)) == 3
    assert [e.detail for e in listed] == ["m10", "m20", "m30"]
    assert [e.id for e in listed] == [ids[1], ids[2], ids[0]]
    assert listed[0] == entry(10, detail="m10", id=ids[1])


async def test_entries_at_the_same_instant_keep_their_recording_order(
    database: Database,
) -> None:
    audit = AuditLog(database)
    for n in range(5):
        await audit.record(entry(0, detail=f"step-{n}"))

    assert [e.detail for e in await audit.list()] == [f"step-{n}" for n in range(5)]


async def test_filters_narrow_and_time_windows_do_not_overlap(database: Database) -> None:
    audit = AuditLog(database)
    await audit.record(entry(0, action="case.open"))
    await audit.record(entry(5, actor="supervisor-s", role="supervisor", action="task.claim"))
    await audit.record(entry(10, case_id="case-2"))
    await audit.record(entry(15, case_id=None, action="report.export", actor="auditor-x"))

    assert [e.action for e in await audit.list(case_id="case-1")] == ["case.open", "task.claim"]
    assert [e.actor for e in await audit.list(actor="supervisor-s")] == ["supervisor-s"]
    assert [e.case_id for e in await audit.list(action="case.read")] == ["case-2"]
    first = await audit.list(since=T0, until=T0 + timedelta(minutes=10))
    second = await audit.list(since=T0 + timedelta(minutes=10), until=T0 + timedelta(hours=1))
    assert [e.action for e in first] == ["case.open", "task.claim"]
    assert [e.action for e in second] == ["case.read", "report.export"]
    assert [e.action for e in await audit.list(limit=1)] == ["case.open"]
    with pytest.raises(ValueError):
        await audit.list(limit=0)


async def test_a_retried_entry_with_a_key_is_recorded_once(database: Database) -> None:
    audit = AuditLog(database)
    keyed = entry(0, action="notice.decision", idempotency_key="wf-1/notice.decision/3")

    ids = await asyncio.gather(*(audit.record(keyed) for _ in range(5)))
    ids.append(await audit.record(keyed))
    unkeyed = [await audit.record(entry(1)) for _ in range(2)]

    assert len(set(ids)) == 1
    assert len(set(unkeyed)) == 2  # entries without a key are distinct events
    assert len(await audit.list()) == 3


async def test_an_access_and_its_audit_line_are_stored_together_or_not_at_all(
    database: Database,
) -> None:
    book, audit = CaseAccessBook(database), AuditLog(database)
    opened = entry(0, action="case.open")
    assert await book.grant(
        "case-1", "counsellor-a", AccessReason.OWNER, "counsellor-a", T0, audited=opened
    )
    # An audit line the database refuses (no actor: the column is NOT NULL).
    refused = entry(1, action="case.share").model_copy(update={"actor": None})

    with pytest.raises(IntegrityError):
        await book.grant(
            "case-1", "counsellor-b", AccessReason.SHARED, "counsellor-a", T0, audited=refused
        )

    assert set(await book.subjects("case-1")) == {"counsellor-a"}
    assert [e.action for e in await audit.list(case_id="case-1")] == ["case.open"]


async def test_a_cases_first_row_and_the_line_of_its_opening_are_stored_together_once(
    database: Database,
) -> None:
    """The case writes its first directory row with the audit line its door handed it
    (``record_case_opened``): retried, the line stays one; refused, neither is kept."""
    cases, audit = CaseDirectory(database), AuditLog(database)
    opened = entry(0, action="case.open", idempotency_key="act:first-request")
    for _ in range(2):  # the activity run again after its answer was lost
        await cases.upsert(case_record("case-1"), audited=opened)
    assert [e.action for e in await audit.list(case_id="case-1")] == ["case.open"]
    assert await cases.get("case-1") is not None

    refused = entry(0, action="case.open", idempotency_key="act:second").model_copy(
        update={"actor": None, "case_id": "case-2"}
    )
    with pytest.raises(IntegrityError):
        await cases.upsert(case_record("case-2"), audited=refused)
    assert await cases.get("case-2") is None
