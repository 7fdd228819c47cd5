"""The case page's actions of a counsellor's day: a note, a later contact, new risk,
the urgency (supervisors), an intake correction, a handover or an assignment. Each
parses the JSON route's schema, makes the route's service call (with the form's
idempotency key) and writes the route's audit entry."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.schemas.casework import (
    CaseHandover,
    ContactCreate,
    IntakeCorrection,
    NoteCreate,
    RiskCreate,
    UrgencyChange,
)
from api.services.case_handover import CaseHandovers
from console.forms import FormData, Kind
from console.routes.acting import CASE_WORKERS, COUNSELLOR, SUPERVISOR, act, parsed
from console.routes.case_page import CaseId
from console.web import Page, Posted, SignedIn, idempotency_key
from domain import contract
from domain.casework import Handover
from relais.clock import utc_now
from relais.db.repositories.access import CaseAccessBook

router = APIRouter(prefix="/console/cases/{case_id}")


NOTE = {"text": Kind.TEXT}


@router.post("/notes")
async def add_note(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(NoteCreate, form, NOTE)
        note = await p.commands.update(
            case_id, contract.ADD_NOTE, body.request(p.actor.subject), idempotency_key(form)
        )
        await p.audit.record("case.note.add", case_id, f"note={note.note_id}")

    return await act(p, case_id, "note", form, NOTE, CASE_WORKERS, run, "note")


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
    async def run() -> None:
        body = parsed(ContactCreate, form, CONTACT)
        contact = await p.commands.update(
            case_id, contract.ADD_CONTACT, body.request(p.actor.subject), idempotency_key(form)
        )
        flags = ",".join(f.value for f in body.risk_flags) or "none"
        await p.audit.record(
            "case.contact.add",
            case_id,
            f"contact={contact.contact_id} channel={body.channel.value} "
            f"caller={body.caller_role.value} risk={flags} "
            f"details_updated={body.contact is not None}",
        )

    return await act(p, case_id, "contact-add", form, CONTACT, COUNSELLOR, run, "contact")


RISK = {"risk_flags": Kind.LIST}


@router.post("/risk")
async def record_risk(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(RiskCreate, form, RISK)
        view = await p.commands.update(
            case_id, contract.RECORD_RISK, body.request(p.actor.subject), idempotency_key(form)
        )
        flags = ",".join(f.value for f in body.risk_flags)
        await p.audit.record(
            "case.risk.record", case_id, f"risk={flags} urgency={view.urgency.value}"
        )

    return await act(p, case_id, "risk", form, RISK, CASE_WORKERS, run, "risk")


URGENCY = {"urgency": Kind.TEXT, "reason": Kind.TEXT}


@router.post("/urgency")
async def change_urgency(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(UrgencyChange, form, URGENCY)
        await p.commands.update(
            case_id, contract.CHANGE_URGENCY, body.request(p.actor.subject), idempotency_key(form)
        )
        await p.audit.record("case.urgency.change", case_id, f"urgency={body.urgency.value}")

    return await act(p, case_id, "urgency", form, URGENCY, SUPERVISOR, run, "urgency")


INTAKE = {"categories": Kind.LIST, "age_band": Kind.TEXT, "caller_role": Kind.TEXT}


@router.post("/intake")
async def correct_intake(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        data = {"categories": form.get("categories") or None}
        body = parsed(IntakeCorrection, form, INTAKE, **data)
        corrected = await p.commands.update(
            case_id, contract.CORRECT_INTAKE, body.request(p.actor.subject), idempotency_key(form)
        )
        changes = "; ".join(f"{c.field} {c.old} -> {c.new}" for c in corrected.changes)
        await p.audit.record("case.intake.correct", case_id, changes)

    return await act(p, case_id, "intake", form, INTAKE, CASE_WORKERS, run, "intake")


HANDOVER = {"to": Kind.TEXT, "note": Kind.TEXT}


async def _hand_over(p: Page, case_id: str, form: FormData, kind: Handover) -> None:
    body = parsed(CaseHandover, form, HANDOVER)
    handovers = CaseHandovers(p.commands, CaseAccessBook(p.database), p.tasks)
    assigned = await handovers.hand_over(
        case_id, body.request(p.actor.subject, kind), idempotency_key(form), utc_now()
    )
    action = "case.assign" if kind is Handover.ASSIGNED else "case.handover"
    await p.audit.record(action, case_id, f"from={assigned.previous_owner} to={assigned.owner}")


@router.post("/handover")
async def hand_over(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        await _hand_over(p, case_id, form, Handover.HANDED_OVER)

    return await act(
        p, case_id, "handover", form, HANDOVER, COUNSELLOR, run, "handover", then="/worklist"
    )


@router.post("/assignment")
async def assign(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        await _hand_over(p, case_id, form, Handover.ASSIGNED)

    return await act(p, case_id, "assignment", form, HANDOVER, SUPERVISOR, run, "assignment")
