"""Steps the bare-worker workflow tests share: open a case on the worker, read it,
move a workflow's virtual clock, list the tasks the fakes were asked to open."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.audit import AuditEntry
from domain.case import CaseView
from domain.policy import CasePolicy
from domain.tasks import TaskKind
from tests.support import builders
from tests.support.waiting import eventually
from tests.workflows.fakes import CATALOG, FakeActivities

T = TypeVar("T")

PRODUCTION = CasePolicy()


async def open_case(
    env: WorkflowEnvironment,
    task_queue: str,
    policy: CasePolicy = PRODUCTION,
    opening_line: AuditEntry | None = None,
    **intake: Any,
) -> WorkflowHandle[Any, Any]:
    opening = builders.opening(
        intake=builders.intake(**intake), catalog=CATALOG, policy=policy, opening_line=opening_line
    )
    return await env.client.start_workflow(
        contract.SUPPORT_CASE.name,
        opening,
        id=contract.SUPPORT_CASE.workflow_id(opening.case_id),
        task_queue=task_queue,
    )


async def view(handle: WorkflowHandle[Any, Any]) -> CaseView:
    result: CaseView = await handle.query(contract.CASE_VIEW.name, result_type=CaseView)
    return result


async def until(handle: WorkflowHandle[Any, Any], what: str, test: Any) -> CaseView:
    return await eventually(lambda: view(handle), test, what=what)


async def move_to(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], at: datetime) -> None:
    """Move the workflow's virtual clock to ``at`` (and a second past it)."""
    now = await env.get_current_time(handle)
    await env.fast_forward(handle, at - now + timedelta(seconds=1))


def task_ids(fakes: FakeActivities, kind: TaskKind) -> list[str]:
    return sorted(t.task_id for t in fakes.tasks.values() if t.kind is kind)


async def seen(read: Callable[[], T], test: Callable[[T], bool], what: str) -> T:
    """Wait until what the fakes recorded passes ``test``."""

    async def probe() -> T:
        return read()

    return await eventually(probe, test, what=what)
