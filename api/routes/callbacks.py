"""A case's callback claimed by one counsellor or rescheduled (answered through
``/callback-outcome``; the queue itself is ``GET /callbacks``), and reopening a case."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status

from api.auth import AuditTrailDep, CaseWorker, Counsellor
from api.deps import CaseCommandsDep, TaskBoardDep
from api.routes.case_actions import ActionKey
from api.routes.cases import CaseId
from api.schemas.callbacks import CallbackReschedule, CaseReopen
from api.schemas.errors import CASE_UPDATE_ERRORS, ErrorMessage
from domain import contract
from domain.case import CaseView, ClaimCallbackRequest
from domain.tasks import TaskKind
from relais.db import TaskAlreadyClaimed

router = APIRouter(prefix="/cases/{case_id}", tags=["callbacks"], responses=CASE_UPDATE_ERRORS)


@router.post(
    "/callback/claim",
    responses={
        409: {
            "model": ErrorMessage,
            "description": "No callback is due on this case, or another counsellor took it",
        }
    },
)
async def claim_callback(
    case_id: CaseId,
    actor: Counsellor,
    tasks: TaskBoardDep,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
) -> CaseView:
    """Take the due callback of a case: one counsellor calls, the others see it is taken."""
    due = [t for t in await tasks.list_open(case_id=case_id) if t.kind is TaskKind.CALLBACK_DUE]
    if not due:
        raise HTTPException(status.HTTP_409_CONFLICT, "no callback is due on this case")
    try:
        await tasks.claim(due[0].task_id, actor.subject, datetime.now(UTC))
    except TaskAlreadyClaimed as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    view = await commands.update(
        case_id, contract.CLAIM_CALLBACK, ClaimCallbackRequest(actor=actor.subject)
    )
    await audit.record("case.callback.claim", case_id, f"task={due[0].task_id}")
    return view


@router.post("/callback/reschedule")
async def reschedule_callback(
    case_id: CaseId,
    body: CallbackReschedule,
    actor: Counsellor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Move the callback; the time is kept inside opening hours and the safe window."""
    view = await commands.update(
        case_id, contract.RESCHEDULE_CALLBACK, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.callback.reschedule", case_id, None)
    return view


@router.post("/reopen")
async def reopen_case(
    case_id: CaseId,
    body: CaseReopen,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Reopen a closed case within the reopen window: same case, same history."""
    view = await commands.update(
        case_id, contract.REOPEN, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.reopen", case_id, None)
    return view
