"""A counsellor's day on a case beyond its opening (``application.casework``,
``application.case_handover``): read back whom to call, write notes, attach a later
contact, record new risk, correct the intake, hand the case over. Each action is a
workflow update (a refusal is a 422 naming the field); an ``Idempotency-Key`` makes a
retry safe."""

from typing import Annotated, Any

from fastapi import APIRouter, Response, status

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.schemas.errors import CASE_READ_ERRORS, CASE_UPDATE_ERRORS, ErrorMessage
from application import case_handover, casework
from application.acting import Permit
from application.requests.casework import (
    CaseHandover,
    ContactCreate,
    IntakeCorrection,
    NoteCreate,
    RiskCreate,
    UrgencyChange,
)
from domain.case import CaseView
from domain.casework import Assigned, CaseContact, CaseNote, ContactCard, IntakeCorrected

router = APIRouter(prefix="/cases/{case_id}", tags=["counsellor's day"])

NO_STORE = {"Cache-Control": "no-store"}
CONTACT_ERRORS: dict[int | str, dict[str, Any]] = {
    **CASE_READ_ERRORS,
    410: {
        "model": ErrorMessage,
        "description": "The case's personal data was purged at the end of its retention",
    },
}


@router.get("/contact", responses=CONTACT_ERRORS)
async def read_contact(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.read_contact)],
    helpline: HelplineDep,
    response: Response,
) -> ContactCard:
    """Whom to call and how (first name, phone, e-mail, handles, instructions, safe
    window). Personal data: every read is an audit entry of its own; never cached."""
    response.headers.update(NO_STORE)
    return await casework.read_contact(helpline, permit)


@router.post("/notes", status_code=status.HTTP_201_CREATED, responses=CASE_UPDATE_ERRORS)
async def add_note(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.add_note)],
    body: NoteCreate,
    helpline: HelplineDep,
    response: Response,
    idempotency_key: ActionKey = None,
) -> CaseNote:
    """Write a case note (personal data: encrypted, shown to the case's readers only;
    the timeline says who wrote it, never what)."""
    response.headers.update(NO_STORE)
    return await casework.add_note(helpline, permit, body, idempotency_key)


@router.post("/contacts", status_code=status.HTTP_201_CREATED, responses=CASE_UPDATE_ERRORS)
async def add_contact(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.add_contact)],
    body: ContactCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseContact:
    """Attach a later contact (the young person again, a parent): it reopens a closed
    case inside its reopen window; new risk flags are triaged at once."""
    return await casework.add_contact(helpline, permit, body, idempotency_key)


@router.post("/risk", responses=CASE_UPDATE_ERRORS)
async def record_risk(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.record_risk)],
    body: RiskCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """New signs of danger: urgency rises at once; immediate danger starts the
    emergency referrals at once, never a second one to a partner already under way."""
    return await casework.record_risk(helpline, permit, body, idempotency_key)


@router.post("/urgency", responses=CASE_UPDATE_ERRORS)
async def change_urgency(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.change_urgency)],
    body: UrgencyChange,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """A supervisor sets the urgency, lowering it included (with a reason)."""
    return await casework.change_urgency(helpline, permit, body, idempotency_key)


@router.patch("/intake", responses=CASE_UPDATE_ERRORS)
async def correct_intake(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(casework.correct_intake)],
    body: IntakeCorrection,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> IntakeCorrected:
    """Fix a category, age band or caller role recorded at intake; statistics and
    search attributes follow, the old and new values go in the timeline and audit."""
    return await casework.correct_intake(helpline, permit, body, idempotency_key)


@router.post("/assignment", responses=CASE_UPDATE_ERRORS)
async def assign_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_handover.assign_case)],
    body: CaseHandover,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> Assigned:
    """A supervisor gives the case to a counsellor."""
    return await case_handover.assign_case(helpline, permit, body, idempotency_key)


@router.post("/handover", responses=CASE_UPDATE_ERRORS)
async def hand_over_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_handover.hand_over_case)],
    body: CaseHandover,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> Assigned:
    """The case's counsellor hands it over to a colleague, with a note: the colleague
    gets access, the case's tasks and its claimed callback; the counsellor keeps
    access only if the case is also shared with them."""
    return await case_handover.hand_over_case(helpline, permit, body, idempotency_key)
