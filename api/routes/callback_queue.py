"""The callbacks queue: due callbacks listed for counsellors, oldest first."""

from fastapi import APIRouter

from api.auth import CaseWorker
from api.deps import TaskBoardDep
from api.schemas.callbacks import DueCallback
from domain.tasks import TaskKind

router = APIRouter(tags=["callbacks"])


@router.get("/callbacks")
async def due_callbacks(actor: CaseWorker, tasks: TaskBoardDep) -> list[DueCallback]:
    """Callbacks due now, oldest first: claimed ones show who has them."""
    open_tasks = await tasks.list_open(for_role="counsellor")
    return [
        DueCallback(
            case_id=t.case_id,
            task_id=t.task_id,
            summary=t.summary,
            due_at=t.due_at,
            claimed_by=t.claimed_by,
            claimed_at=t.claimed_at,
        )
        for t in open_tasks
        if t.kind is TaskKind.CALLBACK_DUE
    ]
