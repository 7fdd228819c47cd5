"""The task board: callbacks due, escalations and reviews the workflows hand to people
(``application.tasks``)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.doors import HelplineDep, permitted
from api.idempotency import ActionKey
from api.schemas.errors import ErrorMessage
from application import tasks
from application.acting import Permit
from domain.records import TaskRecord

router = APIRouter(prefix="/tasks", tags=["tasks"])

TaskId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("")
async def list_open_tasks(
    permit: Annotated[Permit, permitted(tasks.list_open_tasks)],
    helpline: HelplineDep,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[TaskRecord]:
    """Open tasks, soonest due first: a supervisor sees all, a counsellor the
    counsellors' tasks."""
    return await tasks.list_open_tasks(helpline, permit, case_id)


@router.post(
    "/{task_id}/claim",
    responses={409: {"model": ErrorMessage, "description": "Someone else has it, or it is done"}},
)
async def claim_task(
    task_id: TaskId,
    permit: Annotated[Permit, permitted(tasks.claim_task)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> TaskRecord:
    """Take a task, so no one else works it (409 when someone already has)."""
    return await tasks.claim_task(helpline, permit, task_id, idempotency_key)
