"""A counsellor's day on a case beyond its opening, as
``workflows/case/casework_handlers.py`` handles it: read back whom to call, write a
note, attach a later contact, record new risk, set the urgency (supervisors), correct
the intake. Handing a case over is ``application.case_handover``.

Each write is an update of the case workflow (a refusal names the field), then its
audit line; ``key`` is the request's idempotency key (a retry runs once, audited once).
"""

from application.acting import CASE_WORKERS, COUNSELLORS, SUPERVISORS, Permit, service
from application.errors import Gone
from application.helpline import Helpline
from application.requests.casework import (
    ContactCreate,
    IntakeCorrection,
    NoteCreate,
    RiskCreate,
    UrgencyChange,
)
from domain import contract
from domain.audit_actions import AuditAction
from domain.case import CaseView
from domain.casework import CaseContact, CaseNote, ContactCard, IntakeCorrected
from relais.db.repositories.retention import RetentionBook


@service(*CASE_WORKERS, on_case=True)
async def read_contact(helpline: Helpline, permit: Permit) -> ContactCard:
    """Whom to call and how (first name, phone, e-mail, handles, instructions, safe
    window). Personal data: every read is an audit line of its own; after the
    retention purge, :class:`Gone`."""
    if purged := await RetentionBook(helpline.database).purged_at(permit.case):
        raise Gone(
            f"the personal data of case {permit.case} was purged on {purged:%Y-%m-%d} "
            "(end of retention); the case's statistics remain"
        )
    card = await helpline.commands.query(permit.case, contract.CASE_CONTACT)
    await helpline.audit(permit).record(
        AuditAction.CASE_CONTACT_READ, permit.case, "personal data read"
    )
    return card


@service(*CASE_WORKERS, on_case=True)
async def add_note(
    helpline: Helpline, permit: Permit, body: NoteCreate, key: str | None
) -> CaseNote:
    """Write a case note (personal data: encrypted, shown to the case's readers only;
    the timeline says who wrote it, never what)."""
    request = body.request(permit.actor.subject)
    note = await helpline.commands.update(permit.case, contract.ADD_NOTE, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_NOTE_ADD, permit.case, f"note={note.note_id}", key=key
    )
    return note


@service(*COUNSELLORS, on_case=True)
async def add_contact(
    helpline: Helpline, permit: Permit, body: ContactCreate, key: str | None
) -> CaseContact:
    """Attach a later contact (the young person again, a parent): it reopens a closed
    case inside its reopen window; new risk flags are triaged at once."""
    request = body.request(permit.actor.subject)
    contact = await helpline.commands.update(permit.case, contract.ADD_CONTACT, request, key)
    flags = ",".join(f.value for f in body.risk_flags) or "none"
    await helpline.audit(permit).record(
        AuditAction.CASE_CONTACT_ADD,
        permit.case,
        f"contact={contact.contact_id} channel={body.channel.value} "
        f"caller={body.caller_role.value} risk={flags} details_updated={body.contact is not None}",
        key=key,
    )
    return contact


@service(*CASE_WORKERS, on_case=True)
async def record_risk(
    helpline: Helpline, permit: Permit, body: RiskCreate, key: str | None
) -> CaseView:
    """New signs of danger: urgency rises at once; immediate danger starts the
    emergency referrals at once, never a second one to a partner already under way."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.RECORD_RISK, request, key)
    flags = ",".join(f.value for f in body.risk_flags)
    await helpline.audit(permit).record(
        AuditAction.CASE_RISK_RECORD,
        permit.case,
        f"risk={flags} urgency={view.urgency.value}",
        key=key,
    )
    return view


@service(*SUPERVISORS, on_case=True)
async def change_urgency(
    helpline: Helpline, permit: Permit, body: UrgencyChange, key: str | None
) -> CaseView:
    """A supervisor sets the urgency, lowering it included (with a reason)."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.CHANGE_URGENCY, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_URGENCY_CHANGE, permit.case, f"urgency={body.urgency.value}", key=key
    )
    return view


@service(*CASE_WORKERS, on_case=True)
async def correct_intake(
    helpline: Helpline, permit: Permit, body: IntakeCorrection, key: str | None
) -> IntakeCorrected:
    """Fix a category, age band or caller role recorded at intake; statistics and
    search attributes follow, the old and new values go in the timeline and audit."""
    request = body.request(permit.actor.subject)
    corrected = await helpline.commands.update(permit.case, contract.CORRECT_INTAKE, request, key)
    changes = "; ".join(f"{c.field} {c.old} -> {c.new}" for c in corrected.changes)
    await helpline.audit(permit).record(
        AuditAction.CASE_INTAKE_CORRECT, permit.case, changes, key=key
    )
    return corrected
