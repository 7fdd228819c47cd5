"""A counsellor's day on a case beyond its opening: read back whom to call, write
notes, attach a later contact, record new risk, correct the intake, hand the case
over. Each action is a workflow update (a refusal is a 422 naming the field); an
``Idempotency-Key`` makes a retry safe."""

from fastapi import APIRouter, Response, status

from api.auth import AuditTrailDep, CaseWorker, Counsellor, Supervisor
from api.deps import CaseCommandsDep, DatabaseDep, TaskBoardDep
from api.routes.case_actions import ActionKey
from api.routes.cases import CaseId
from api.schemas.casework import (
    CaseHandover,
    ContactCreate,
    IntakeCorrection,
    NoteCreate,
    RiskCreate,
    UrgencyChange,
)
from api.services.case_handover import CaseHandovers
from api.services.errors import Gone
from domain import contract
from domain.case import CaseView
from domain.casework import Assigned, CaseContact, CaseNote, ContactCard, Handover, IntakeCorrected
from relais.clock import utc_now
from relais.db.repositories.access import CaseAccessBook
from relais.db.repositories.retention import RetentionBook

router = APIRouter(prefix="/cases/{case_id}", tags=["counsellor's day"])

NO_STORE = {"Cache-Control": "no-store"}


@router.get("/contact")
async def read_contact(
    case_id: CaseId,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    response: Response,
) -> ContactCard:
    """Whom to call and how (first name, phone, e-mail, handles, instructions, safe
    window). Personal data: every read is an audit entry of its own; never cached."""
    response.headers.update(NO_STORE)
    if purged := await RetentionBook(db).purged_at(case_id):
        raise Gone(
            f"the personal data of case {case_id} was purged on {purged:%Y-%m-%d} "
            "(end of retention); the case's statistics remain"
        )
    card = await commands.query(case_id, contract.CASE_CONTACT)
    await audit.record("case.contact.read", case_id, "personal data read")
    return card


@router.post("/notes", status_code=status.HTTP_201_CREATED)
async def add_note(
    case_id: CaseId,
    body: NoteCreate,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    response: Response,
    idempotency_key: ActionKey = None,
) -> CaseNote:
    """Write a case note (personal data: encrypted, shown to the case's readers only;
    the timeline says who wrote it, never what)."""
    response.headers.update(NO_STORE)
    note = await commands.update(
        case_id, contract.ADD_NOTE, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.note.add", case_id, f"note={note.note_id}")
    return note


@router.post("/contacts", status_code=status.HTTP_201_CREATED)
async def add_contact(
    case_id: CaseId,
    body: ContactCreate,
    actor: Counsellor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseContact:
    """Attach a later contact (the young person again, a parent): it reopens a closed
    case inside its reopen window; new risk flags are triaged at once."""
    contact = await commands.update(
        case_id, contract.ADD_CONTACT, body.request(actor.subject), idempotency_key
    )
    flags = ",".join(f.value for f in body.risk_flags) or "none"
    await audit.record(
        "case.contact.add",
        case_id,
        f"contact={contact.contact_id} channel={body.channel.value} "
        f"caller={body.caller_role.value} risk={flags} details_updated={body.contact is not None}",
    )
    return contact


@router.post("/risk")
async def record_risk(
    case_id: CaseId,
    body: RiskCreate,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """New signs of danger: urgency rises at once; immediate danger starts the
    emergency referrals at once, never a second one to a partner already under way."""
    view = await commands.update(
        case_id, contract.RECORD_RISK, body.request(actor.subject), idempotency_key
    )
    flags = ",".join(f.value for f in body.risk_flags)
    await audit.record("case.risk.record", case_id, f"risk={flags} urgency={view.urgency.value}")
    return view


@router.post("/urgency")
async def change_urgency(
    case_id: CaseId,
    body: UrgencyChange,
    actor: Supervisor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """A supervisor sets the urgency, lowering it included (with a reason)."""
    view = await commands.update(
        case_id, contract.CHANGE_URGENCY, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.urgency.change", case_id, f"urgency={body.urgency.value}")
    return view


@router.patch("/intake")
async def correct_intake(
    case_id: CaseId,
    body: IntakeCorrection,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> IntakeCorrected:
    """Fix a category, age band or caller role recorded at intake; statistics and
    search attributes follow, the old and new values go in the timeline and audit."""
    corrected = await commands.update(
        case_id, contract.CORRECT_INTAKE, body.request(actor.subject), idempotency_key
    )
    changes = "; ".join(f"{c.field} {c.old} -> {c.new}" for c in corrected.changes)
    await audit.record("case.intake.correct", case_id, changes)
    return corrected


@router.post("/assignment")
async def assign_case(
    case_id: CaseId,
    body: CaseHandover,
    actor: Supervisor,
    commands: CaseCommandsDep,
    tasks: TaskBoardDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    idempotency_key: ActionKey = None,
) -> Assigned:
    """A supervisor gives the case to a counsellor."""
    return await _hand_over(
        case_id, body, Handover.ASSIGNED, actor.subject, commands, tasks, audit, db, idempotency_key
    )


@router.post("/handover")
async def hand_over_case(
    case_id: CaseId,
    body: CaseHandover,
    actor: Counsellor,
    commands: CaseCommandsDep,
    tasks: TaskBoardDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    idempotency_key: ActionKey = None,
) -> Assigned:
    """The case's counsellor hands it over to a colleague, with a note: the colleague
    gets access, the case's tasks and its claimed callback; the counsellor keeps
    access only if the case is also shared with them."""
    return await _hand_over(
        case_id,
        body,
        Handover.HANDED_OVER,
        actor.subject,
        commands,
        tasks,
        audit,
        db,
        idempotency_key,
    )


async def _hand_over(
    case_id: str,
    body: CaseHandover,
    kind: Handover,
    actor: str,
    commands: CaseCommandsDep,
    tasks: TaskBoardDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    key: str | None,
) -> Assigned:
    handovers = CaseHandovers(commands, CaseAccessBook(db), tasks)
    assigned = await handovers.hand_over(case_id, body.request(actor, kind), key, utc_now())
    action = "case.assign" if kind is Handover.ASSIGNED else "case.handover"
    await audit.record(action, case_id, f"from={assigned.previous_owner} to={assigned.owner}")
    return assigned
