"""A case's callback (``application.callback``): claimed by one counsellor, moved, its
outcome recorded; and the queue of due callbacks (``GET /callbacks``)."""

from typing import Annotated

from fastapi import APIRouter

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.schemas.errors import CASE_UPDATE_ERRORS, ErrorMessage
from application import callback
from application.acting import Permit
from application.requests.callback import CallbackOutcomeCreate, CallbackReschedule, DueCallback
from domain.case import CaseView

router = APIRouter(prefix="/cases/{case_id}", tags=["callbacks"], responses=CASE_UPDATE_ERRORS)
queue = APIRouter(tags=["callbacks"])


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
    permit: Annotated[Permit, permitted(callback.claim_callback)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Take the due callback of a case: one counsellor calls, the others see it is taken."""
    return await callback.claim_callback(helpline, permit, idempotency_key)


@router.post("/callback/reschedule")
async def reschedule_callback(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(callback.reschedule_callback)],
    body: CallbackReschedule,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Move the callback; the time is kept inside opening hours and the safe window."""
    return await callback.reschedule_callback(helpline, permit, body, idempotency_key)


@router.post("/callback-outcome")
async def record_callback_outcome(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(callback.record_callback_outcome)],
    body: CallbackOutcomeCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Record how a follow-up call went."""
    return await callback.record_callback_outcome(helpline, permit, body, idempotency_key)


@queue.get("/callbacks")
async def due_callbacks(
    permit: Annotated[Permit, permitted(callback.due_callbacks)], helpline: HelplineDep
) -> list[DueCallback]:
    """Callbacks due now, oldest first: claimed ones show who has them."""
    return await callback.due_callbacks(helpline, permit)
