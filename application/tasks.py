"""The task board: callbacks due, escalations and reviews the workflows hand to
people. A supervisor sees and takes every task; anyone else the tasks for their role.
Who takes a case's task may read the case from then on."""

from application.acting import CASE_WORKERS, Actor, Permit, service
from application.errors import Forbidden, NotFound
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.records import TaskRecord
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason
from relais.settings import Role


def _visible_role(actor: Actor) -> str | None:
    """A supervisor sees every task; anyone else the tasks for their role."""
    return None if actor.role is Role.SUPERVISOR else actor.role.value


@service(*CASE_WORKERS)
async def list_open_tasks(
    helpline: Helpline, permit: Permit, case_id: str | None = None
) -> list[TaskRecord]:
    """Open tasks, soonest due first (of one case, with ``case_id``)."""
    tasks = await helpline.tasks.list_open(for_role=_visible_role(permit.actor), case_id=case_id)
    await helpline.audit(permit).record(AuditAction.TASK_LIST, case_id, f"tasks={len(tasks)}")
    return tasks


@service(*CASE_WORKERS)
async def claim_task(
    helpline: Helpline, permit: Permit, task_id: str, key: str | None = None
) -> TaskRecord:
    """Take a task, so no one else works it (``TaskAlreadyClaimed`` when someone has)."""
    existing = await helpline.tasks.get(task_id)
    if existing is None:
        raise NotFound(f"no task {task_id}")
    role = _visible_role(permit.actor)
    if role is not None and existing.for_role != role:
        raise Forbidden(f"task {task_id} is for the role '{existing.for_role}'")
    who = permit.actor.subject
    task = await helpline.tasks.claim(task_id, who, utc_now())
    if permit.actor.role is Role.COUNSELLOR:  # who works a case's task may read the case
        await helpline.access.grant(task.case_id, who, AccessReason.TASK, who, utc_now())
    await helpline.audit(permit).record(
        AuditAction.TASK_CLAIM, task.case_id, f"task={task_id} kind={task.kind.value}", key=key
    )
    return task
