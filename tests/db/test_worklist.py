"""A counsellor's worklist and a case changing hands, in SQL on SQLite and PostgreSQL:
which cases are theirs, in which order, which tasks and callbacks; after a handover
the new owner has the case, its claimed tasks and access, the previous owner keeps
access only through a share."""

from datetime import timedelta

from domain.case import CaseStatus
from domain.intake import Urgency
from domain.records import CaseFilter, TaskRecord
from domain.tasks import TaskKind
from relais.db import CaseDirectory, Database, TaskBoard
from relais.db.repositories.access import AccessReason, CaseAccessBook
from relais.db.repositories.worklist import WorklistBook
from tests.db.builders import T0, case_record

LEA, SAM = "lea", "sam"


async def open_case(db: Database, case_id: str, owner: str = LEA, **changes: object) -> None:
    await CaseDirectory(db).upsert(case_record(case_id, opened_by=owner, owner=owner, **changes))
    await CaseAccessBook(db).grant(case_id, owner, AccessReason.OWNER, owner, T0)


def task(
    case_id: str, kind: TaskKind, claimed_by: str | None = None, **changes: object
) -> TaskRecord:
    values: dict[str, object] = {
        "task_id": f"{case_id}:{kind.value}",
        "case_id": case_id,
        "kind": kind,
        "for_role": "counsellor",
        "summary": "do it",
        "due_at": T0,
        "created_at": T0,
        "claimed_by": claimed_by,
    }
    return TaskRecord.model_validate(values | changes)


async def test_my_open_cases_come_most_urgent_first_then_soonest(database: Database) -> None:
    soon, later = T0 + timedelta(hours=1), T0 + timedelta(hours=5)
    await open_case(database, "normal-soon", urgency=Urgency.NORMAL, next_action_at=soon)
    await open_case(database, "critical-none", urgency=Urgency.CRITICAL)
    await open_case(database, "critical-later", urgency=Urgency.CRITICAL, next_action_at=later)
    await open_case(database, "critical-soon", urgency=Urgency.CRITICAL, next_action_at=soon)
    await open_case(database, "closed", status=CaseStatus.CLOSED, urgency=Urgency.CRITICAL)
    await open_case(database, "sams", owner=SAM, urgency=Urgency.CRITICAL)
    book = WorklistBook(database)

    page, total = await book.cases(LEA, limit=3, offset=0)
    rest, _ = await book.cases(LEA, limit=3, offset=3)

    assert [c.case_id for c in page + rest] == [
        "critical-soon",
        "critical-later",
        "critical-none",
        "normal-soon",
    ]
    assert total == 4


async def test_shared_cases_and_their_tasks_are_on_my_worklist(database: Database) -> None:
    await open_case(database, "sams", owner=SAM)
    await CaseAccessBook(database).grant("sams", LEA, AccessReason.SHARED, SAM, T0)
    board = TaskBoard(database)
    await board.create(task("sams", TaskKind.NOTICE_REVIEW))
    await board.create(task("sams", TaskKind.SUPERVISOR_ESCALATION, for_role="supervisor"))
    book = WorklistBook(database)

    cases, _ = await book.cases(LEA, limit=10, offset=0)
    tasks = await book.tasks(LEA)

    assert [c.case_id for c in cases] == ["sams"]
    assert [(t.task_id, urgency) for t, urgency in tasks] == [("sams:notice_review", "normal")]


async def test_callbacks_planned_soon_are_listed(database: Database) -> None:
    await open_case(
        database,
        "soon",
        status=CaseStatus.CALLBACK_SCHEDULED,
        next_action_at=T0 + timedelta(hours=1),
    )
    await open_case(
        database,
        "later",
        status=CaseStatus.CALLBACK_SCHEDULED,
        next_action_at=T0 + timedelta(days=2),
    )

    soon = await WorklistBook(database).callbacks_soon(LEA, T0 + timedelta(hours=4))

    assert [c.case_id for c in soon] == ["soon"]


async def test_a_handover_moves_access_and_claimed_tasks_to_the_new_owner(
    database: Database,
) -> None:
    await open_case(database, "case-1")
    board, access = TaskBoard(database), CaseAccessBook(database)
    await board.create(task("case-1", TaskKind.CALLBACK_DUE, claimed_by=LEA))
    await board.create(task("case-1", TaskKind.NOTICE_REVIEW))

    await access.transfer("case-1", LEA, SAM, "supervisor", T0)
    moved = await board.reassign("case-1", LEA, SAM, T0)

    assert moved == 1
    assert (await board.get("case-1:callback_due")).claimed_by == SAM  # type: ignore[union-attr]
    assert set(await access.subjects("case-1")) == {SAM}
    directory = CaseDirectory(database)
    assert await directory.list(CaseFilter(readable_by=LEA)) == []
    assert [c.case_id for c in await directory.list(CaseFilter(readable_by=SAM))] == ["case-1"]


async def test_a_previous_owner_the_case_is_shared_with_keeps_access(database: Database) -> None:
    await open_case(database, "case-1", owner=SAM)
    access = CaseAccessBook(database)
    await access.grant("case-1", LEA, AccessReason.SHARED, SAM, T0)
    await access.transfer("case-1", SAM, LEA, SAM, T0)  # Lea owns it now, through her share

    await access.transfer("case-1", LEA, SAM, LEA, T0)  # and hands it back

    assert await access.subjects("case-1") == {LEA: AccessReason.SHARED, SAM: AccessReason.OWNER}
