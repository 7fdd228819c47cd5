"""The case page's forms of a counsellor's day (``application.casework``,
``application.case_handover``): a note, a later contact, new risk, the urgency
(supervisors), an intake correction, a handover or an assignment. Each parses the
form into the service's request and calls the service with the form's idempotency
key."""

from fastapi import APIRouter
from fastapi.responses import Response

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
from console.forms import Kind
from console.routes.acting import act, parsed
from console.routes.case_page import CaseId
from console.web import Posted, SignedIn, idempotency_key

router = APIRouter(prefix="/console/cases/{case_id}")


NOTE = {"text": Kind.TEXT}


@router.post("/notes")
async def add_note(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(NoteCreate, form, NOTE)
        await casework.add_note(p.helpline, permit, body, idempotency_key(form))

    return await act(p, case_id, "note", form, NOTE, casework.add_note, run, "note")


CONTACT = {
    "channel": Kind.TEXT,
    "caller_role": Kind.TEXT,
    "summary": Kind.TEXT,
    "risk_flags": Kind.LIST,
    "contact.first_name": Kind.TEXT,
    "contact.phone": Kind.TEXT,
    "contact.email": Kind.TEXT,
}


@router.post("/contacts")
async def add_contact(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(ContactCreate, form, CONTACT)
        await casework.add_contact(p.helpline, permit, body, idempotency_key(form))

    service = casework.add_contact
    return await act(p, case_id, "contact-add", form, CONTACT, service, run, "contact")


RISK = {"risk_flags": Kind.LIST}


@router.post("/risk")
async def record_risk(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(RiskCreate, form, RISK)
        await casework.record_risk(p.helpline, permit, body, idempotency_key(form))

    return await act(p, case_id, "risk", form, RISK, casework.record_risk, run, "risk")


URGENCY = {"urgency": Kind.TEXT, "reason": Kind.TEXT}


@router.post("/urgency")
async def change_urgency(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(UrgencyChange, form, URGENCY)
        await casework.change_urgency(p.helpline, permit, body, idempotency_key(form))

    service = casework.change_urgency
    return await act(p, case_id, "urgency", form, URGENCY, service, run, "urgency")


INTAKE = {"categories": Kind.LIST, "age_band": Kind.TEXT, "caller_role": Kind.TEXT}


@router.post("/intake")
async def correct_intake(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        data = {"categories": form.get("categories") or None}
        body = parsed(IntakeCorrection, form, INTAKE, **data)
        await casework.correct_intake(p.helpline, permit, body, idempotency_key(form))

    service = casework.correct_intake
    return await act(p, case_id, "intake", form, INTAKE, service, run, "intake")


HANDOVER = {"to": Kind.TEXT, "note": Kind.TEXT}


@router.post("/handover")
async def hand_over(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(CaseHandover, form, HANDOVER)
        await case_handover.hand_over_case(p.helpline, permit, body, idempotency_key(form))

    service = case_handover.hand_over_case
    return await act(
        p, case_id, "handover", form, HANDOVER, service, run, "handover", then="/worklist"
    )


@router.post("/assignment")
async def assign(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(CaseHandover, form, HANDOVER)
        await case_handover.assign_case(p.helpline, permit, body, idempotency_key(form))

    service = case_handover.assign_case
    return await act(p, case_id, "assignment", form, HANDOVER, service, run, "assignment")
