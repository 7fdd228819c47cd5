"""TaskBoard: work handed to people, created by retried activities, claimed by people."""

import asyncio
from datetime import timedelta

import pytest

from domain.tasks import TaskKind
from relais.db import Database, NotFound, TaskAlreadyClaimed, TaskAlreadyDone, TaskBoard
from tests.db.builders import T0, task_record


async def test_creating_a_task_twice_keeps_the_first(database: Database) -> None:
    tasks = TaskBoard(database)
    first = task_record(due_at=T0 + timedelta(hours=48))

    assert await tasks.create(first) is True
    assert await tasks.create(task_record(summary="a retried creation")) is False

    assert await tasks.get("t-1") == first
    assert await tasks.get("t-missing") is None


async def test_concurrent_creations_of_one_task_make_one(database: Database) -> None:
    tasks = TaskBoard(database)

    created = await asyncio.gather(*(tasks.create(task_record()) for _ in range(8)))

    assert sorted(created) == [False] * 7 + [True]
    assert len(await tasks.list_open()) == 1


async def test_open_tasks_are_soonest_due_first_undated_last(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record("undated-old", created_at=T0))
    await tasks.create(task_record("due-late", due_at=T0 + timedelta(days=2)))
    await tasks.create(task_record("undated-new", created_at=T0 + timedelta(minutes=1)))
    await tasks.create(
        task_record("due-soon", due_at=T0 + timedelta(hours=1), created_at=T0 + timedelta(hours=1))
    )
    await tasks.create(
        task_record(
            "escalation",
            kind=TaskKind.SUPERVISOR_ESCALATION,
            for_role="supervisor",
            case_id="case-2",
        )
    )
    await tasks.create(task_record("done", due_at=T0, done_at=T0))

    open_ids = [t.task_id for t in await tasks.list_open(for_role="counsellor")]
    assert open_ids == ["due-soon", "due-late", "undated-old", "undated-new"]
    assert [t.task_id for t in await tasks.list_open(for_role="supervisor")] == ["escalation"]
    assert [t.task_id for t in await tasks.list_open(case_id="case-2")] == ["escalation"]
    assert len(await tasks.list_open()) == 5


async def test_a_claimed_task_belongs_to_its_claimer(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record())

    claimed = await tasks.claim("t-1", "counsellor-a", T0 + timedelta(minutes=1))
    again = await tasks.claim("t-1", "counsellor-a", T0 + timedelta(minutes=9))

    assert (claimed.claimed_by, claimed.claimed_at) == ("counsellor-a", T0 + timedelta(minutes=1))
    assert again == claimed  # claiming your own task again changes nothing
    with pytest.raises(TaskAlreadyClaimed) as refused:
        await tasks.claim("t-1", "counsellor-b", T0 + timedelta(minutes=2))
    assert refused.value.claimed_by == "counsellor-a"
    assert await tasks.get("t-1") == claimed


async def test_two_people_racing_for_a_task_one_wins(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record())
    people = [f"counsellor-{n}" for n in range(6)]

    outcomes = await asyncio.gather(
        *(tasks.claim("t-1", who, T0) for who in people), return_exceptions=True
    )

    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(o, TaskAlreadyClaimed) for o in outcomes if o not in winners)
    stored = await tasks.get("t-1")
    assert stored is not None and stored.claimed_by == winners[0].claimed_by


async def test_claiming_a_done_or_missing_task_is_refused(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record())
    await tasks.complete("t-1", T0)

    with pytest.raises(TaskAlreadyDone):
        await tasks.claim("t-1", "counsellor-a", T0)
    with pytest.raises(NotFound):
        await tasks.claim("t-missing", "counsellor-a", T0)


async def test_completing_is_idempotent_and_keeps_the_first_time(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record())
    await tasks.claim("t-1", "counsellor-a", T0)

    done = await tasks.complete("t-1", T0 + timedelta(minutes=5))
    again = await tasks.complete("t-1", T0 + timedelta(minutes=30))

    assert done.done_at == T0 + timedelta(minutes=5)
    assert again == done
    assert await tasks.list_open() == []
    with pytest.raises(NotFound):
        await tasks.complete("t-missing", T0)


async def test_the_workflow_closes_every_open_task_of_a_kind(database: Database) -> None:
    tasks = TaskBoard(database)
    await tasks.create(task_record("cb-1"))
    await tasks.create(task_record("cb-2"))
    await tasks.create(task_record("cb-done", done_at=T0))
    await tasks.create(task_record("review", kind=TaskKind.NOTICE_REVIEW))
    await tasks.create(task_record("cb-other-case", case_id="case-2"))
    at = T0 + timedelta(hours=1)

    assert await tasks.complete_for_case("case-1", TaskKind.CALLBACK_DUE, at) == 2
    assert await tasks.complete_for_case("case-1", TaskKind.CALLBACK_DUE, at) == 0

    assert sorted(t.task_id for t in await tasks.list_open()) == ["cb-other-case", "review"]
    closed = await tasks.get("cb-done")
    assert closed is not None and closed.done_at == T0  # already done: untouched
