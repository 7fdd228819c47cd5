"""The case page's callback: take it, move it, record how it went; as
``/cases/{id}/callback/claim``, ``/callback/reschedule`` and ``/callback-outcome``."""

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from api.schemas.callbacks import CallbackReschedule
from api.schemas.case_actions import CallbackOutcomeCreate
from api.services import callback_claims
from console.forms import Kind, first
from console.routes.acting import COUNSELLOR, act, parsed
from console.routes.case_page import CaseId
from console.web import Posted, SignedIn, idempotency_key
from domain import contract

router = APIRouter(prefix="/console/cases/{case_id}")


OUTCOME = {"result": Kind.TEXT, "close_case": Kind.BOOL, "notes_code": Kind.TEXT}


@router.post("/callback-outcome")
async def record_callback(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(CallbackOutcomeCreate, form, OUTCOME)
        await p.commands.update(
            case_id,
            contract.RECORD_CALLBACK_OUTCOME,
            body.request(p.actor.subject),
            idempotency_key(form),
        )
        await p.audit.record("case.callback.record", case_id, f"result={body.result.value}")

    return await act(
        p, case_id, "callback-outcome", form, OUTCOME, COUNSELLOR, run, "callback_outcome"
    )


@router.post("/callback/claim")
async def claim_callback(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        await callback_claims.claim_callback(case_id, p.actor.subject, p.tasks, p.commands, p.audit)

    return await act(p, case_id, "claim", form, {}, COUNSELLOR, run, "claim")


RESCHEDULE = {"at": Kind.TEXT}


@router.post("/callback/reschedule")
async def reschedule(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        at = local_time(first(form, "at"), p.timezone)
        body = parsed(CallbackReschedule, form, RESCHEDULE, **({"at": at} if at else {}))
        await p.commands.update(
            case_id,
            contract.RESCHEDULE_CALLBACK,
            body.request(p.actor.subject),
            idempotency_key(form),
        )
        await p.audit.record("case.callback.reschedule", case_id, None)

    return await act(p, case_id, "reschedule", form, RESCHEDULE, COUNSELLOR, run, "reschedule")


def local_time(typed: str, timezone: str) -> datetime | None:
    """A time typed on the page (``2026-12-02T18:00``) is the helpline's local time."""
    try:
        naive = datetime.fromisoformat(typed.strip())
    except ValueError:
        return None
    return naive if naive.tzinfo else naive.replace(tzinfo=ZoneInfo(timezone))
