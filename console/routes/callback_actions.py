"""The case page's callback (``application.callback``): take it, move it, record how it
went; as ``/cases/{id}/callback/claim``, ``/callback/reschedule`` and ``/callback-outcome``."""

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from application import callback
from application.acting import Permit
from application.requests.callback import CallbackOutcomeCreate, CallbackReschedule
from console.forms import Kind, first
from console.routes.acting import act, parsed
from console.routes.case_page import CaseId
from console.web import Posted, SignedIn, idempotency_key

router = APIRouter(prefix="/console/cases/{case_id}")


OUTCOME = {"result": Kind.TEXT, "close_case": Kind.BOOL, "notes_code": Kind.TEXT}


@router.post("/callback-outcome")
async def record_callback(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(CallbackOutcomeCreate, form, OUTCOME)
        await callback.record_callback_outcome(p.helpline, permit, body, idempotency_key(form))

    service = callback.record_callback_outcome
    return await act(
        p, case_id, "callback-outcome", form, OUTCOME, service, run, "callback_outcome"
    )


@router.post("/callback/claim")
async def claim_callback(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        await callback.claim_callback(p.helpline, permit, idempotency_key(form))

    return await act(p, case_id, "claim", form, {}, callback.claim_callback, run, "claim")


RESCHEDULE = {"at": Kind.TEXT}


@router.post("/callback/reschedule")
async def reschedule(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        at = local_time(first(form, "at"), p.timezone)
        body = parsed(CallbackReschedule, form, RESCHEDULE, **({"at": at} if at else {}))
        await callback.reschedule_callback(p.helpline, permit, body, idempotency_key(form))

    service = callback.reschedule_callback
    return await act(p, case_id, "reschedule", form, RESCHEDULE, service, run, "reschedule")


def local_time(typed: str, timezone: str) -> datetime | None:
    """A time typed on the page (``2026-12-02T18:00``) is the helpline's local time."""
    try:
        naive = datetime.fromisoformat(typed.strip())
    except ValueError:
        return None
    return naive if naive.tzinfo else naive.replace(tzinfo=ZoneInfo(timezone))
