"""The task board: callbacks due, escalations and reviews the workflows hand to people."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import Actor, AuditTrailDep, CaseWorker
from api.deps import DatabaseDep, TaskBoardDep
from api.schemas.errors import ErrorMessage
from api.services.errors import Forbidden, NotFound
from domain.records import TaskRecord
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason, CaseAccessBook
from relais.settings import Role

router = APIRouter(prefix="/tasks", tags=["tasks"])

TaskId = Annotated[str, Path(min_length=1, max_length=128)]


def _visible_role(actor: Actor) -> str | None:
    """A supervisor sees every task; anyone else the tasks for their role."""
    return None if actor.role is Role.SUPERVISOR else actor.role.value


@router.get("")
async def list_open_tasks(
    actor: CaseWorker,
    board: TaskBoardDep,
    audit: AuditTrailDep,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[TaskRecord]:
    """Open tasks, soonest due first: a supervisor sees all, a counsellor the
    counsellors' tasks."""
    tasks = await board.list_open(for_role=_visible_role(actor), case_id=case_id)
    await audit.record("task.list", case_id, f"tasks={len(tasks)}")
    return tasks


@router.post(
    "/{task_id}/claim",
    responses={409: {"model": ErrorMessage, "description": "Someone else has it, or it is done"}},
)
async def claim_task(
    task_id: TaskId,
    actor: CaseWorker,
    board: TaskBoardDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
) -> TaskRecord:
    """Take a task, so no one else works it (409 when someone already has)."""
    existing = await board.get(task_id)
    if existing is None:
        raise NotFound(f"no task {task_id}")
    role = _visible_role(actor)
    if role is not None and existing.for_role != role:
        raise Forbidden(f"task {task_id} is for the role '{existing.for_role}'")
    task = await board.claim(task_id, actor.subject, utc_now())
    if actor.role is Role.COUNSELLOR:  # who works a case's task may read the case
        await CaseAccessBook(db).grant(
            task.case_id, actor.subject, AccessReason.TASK, actor.subject, utc_now()
        )
    await audit.record("task.claim", task.case_id, f"task={task_id} kind={task.kind.value}")
    return task
