"""A case's callback claimed by one counsellor or rescheduled (answered through
``/callback-outcome``; the queue itself is ``GET /callbacks``), and reopening a case."""

from fastapi import APIRouter

from api.auth import AuditTrailDep, CaseWorker, Counsellor
from api.deps import CaseCommandsDep, TaskBoardDep
from api.routes.case_actions import ActionKey
from api.routes.cases import CaseId
from api.schemas.callbacks import CallbackReschedule, CaseReopen
from api.schemas.errors import CASE_UPDATE_ERRORS, ErrorMessage
from api.services import callback_claims
from domain import contract
from domain.case import CaseView

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
    return await callback_claims.claim_callback(case_id, actor.subject, tasks, commands, audit)


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
