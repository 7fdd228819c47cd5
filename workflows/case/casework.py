"""A counsellor's work on a case beyond its opening, as pure transitions of its
state: notes, later contacts, new risk (triaged again with the intake rules),
urgency set by a supervisor, intake corrections, and the case passing to another
counsellor. Each writes its timeline line; none reads a clock (``now`` is given)."""

from datetime import datetime

from domain.casework import (
    AddContactRequest,
    AddNoteRequest,
    Assigned,
    AssignRequest,
    CaseContact,
    CaseNote,
    ChangeUrgencyRequest,
    CorrectIntakeRequest,
    FieldChange,
    Handover,
    IntakeCorrected,
)
from domain.intake import RiskFlag, Urgency
from domain.rules.triage import triage
from workflows.case.callback import Effect
from workflows.case.state import CaseState

URGENCY_RANK = {Urgency.LOW: 0, Urgency.NORMAL: 1, Urgency.HIGH: 2, Urgency.CRITICAL: 3}


def add_note(state: CaseState, request: AddNoteRequest, now: datetime, case_id: str) -> CaseNote:
    """The timeline says who wrote a note, never what it says."""
    note = CaseNote(
        note_id=f"{case_id}-note{len(state.notes) + 1}",
        at=now,
        author=request.actor,
        text=request.text,
    )
    state.notes.append(note)
    state.note(
        now,
        "note",
        f"note added by {request.actor}",
        request.actor,
        "note.added",
        {"author": request.actor},
    )
    return note


def add_contact(
    state: CaseState, request: AddContactRequest, now: datetime, case_id: str
) -> CaseContact:
    """A later contact on the case; contact details given during it replace the
    fields they give (the others stay as they were)."""
    # Fields given (not left empty) replace the recorded ones; the others stay.
    given = request.contact.model_dump(exclude_defaults=True) if request.contact else {}
    if given:
        state.contact = state.contact.model_copy(update=given)
    contact = CaseContact(
        contact_id=f"{case_id}-c{len(state.contacts) + 1}",
        at=now,
        channel=request.channel,
        caller_role=request.caller_role,
        summary=request.summary,
        risk_flags=list(request.risk_flags),
        recorded_by=request.actor,
        contact_details_updated=bool(given),
    )
    state.contacts.append(contact)
    detail = (
        f"contact {len(state.contacts)}: {request.caller_role.value} by {request.channel.value}"
    )
    if given:
        detail += "; contact details updated"
    params = {
        "number": str(len(state.contacts)),
        "caller_role": request.caller_role.value,
        "channel": request.channel.value,
    }
    code = "contact.added_with_details" if given else "contact.added"
    state.note(now, "contact", detail, request.actor, code, params)
    return contact


def record_risk(
    state: CaseState, flags: list[RiskFlag], now: datetime, actor: str, case_id: str
) -> list[str]:
    """New risk flags: urgency rises at once as triage would set it, and the
    emergency referrals the new flags call for are allocated, never a second one to
    a partner a referral is already under way to. Returns those to start."""
    new = [flag for flag in dict.fromkeys(flags) if flag not in state.intake.risk_flags]
    if not new:
        return []
    state.intake = state.intake.model_copy(update={"risk_flags": [*state.intake.risk_flags, *new]})
    flags_given = ",".join(f.value for f in new)
    detail = f"risk recorded: {', '.join(f.value for f in new)}"
    params = {"flags": flags_given}
    code = "risk.recorded"
    urgency = triage(state.intake).urgency
    if URGENCY_RANK[urgency] > URGENCY_RANK[state.urgency]:
        state.urgency = urgency
        detail += f"; urgency {urgency.value}"
        code, params["urgency"] = "risk.recorded_urgency", urgency.value
    state.note(now, "risk", detail, actor, code, params)
    to_start: list[str] = []
    for emergency in triage(
        state.intake.model_copy(update={"risk_flags": new})
    ).emergency_referrals:
        if under_way := state.referral_under_way(emergency.partner):
            state.note(
                now,
                "triage",
                f"{emergency.partner} not alerted again: {under_way} is already under way",
                None,
                "triage.under_way",
                {"partner": emergency.partner, "referral": under_way},
            )
            continue
        to_start.append(state.allocate_referral(emergency.partner, emergency.legal_basis, case_id))
    return to_start


def change_urgency(state: CaseState, request: ChangeUrgencyRequest, now: datetime) -> None:
    old = state.urgency
    state.urgency = request.urgency
    way = "raised" if URGENCY_RANK[request.urgency] > URGENCY_RANK[old] else "lowered"
    state.note(
        now,
        "urgency",
        f"urgency {way} from {old.value} to {request.urgency.value}: {request.reason}",
        request.actor,
        f"urgency.{way}",
        {"old": old.value, "new": request.urgency.value, "reason": request.reason},
    )


def correct_intake(
    state: CaseState, request: CorrectIntakeRequest, now: datetime
) -> IntakeCorrected:
    """A mistake of the intake fixed: the old and new values in the timeline; a
    correction that calls for more urgency raises it (never lowers it)."""
    intake, changes = state.intake, list[FieldChange]()
    update: dict[str, object] = {}
    if request.categories is not None and request.categories != intake.categories:
        old = ",".join(c.value for c in intake.categories)
        changes.append(
            FieldChange(
                field="categories", old=old, new=",".join(c.value for c in request.categories)
            )
        )
        update["categories"] = list(request.categories)
    if request.age_band is not None and request.age_band is not intake.age_band:
        changes.append(
            FieldChange(field="age_band", old=intake.age_band.value, new=request.age_band.value)
        )
        update["age_band"] = request.age_band
    if request.caller_role is not None and request.caller_role is not intake.caller_role:
        changes.append(
            FieldChange(
                field="caller_role", old=intake.caller_role.value, new=request.caller_role.value
            )
        )
        update["caller_role"] = request.caller_role
    state.intake = intake.model_copy(update=update)
    detail = "; ".join(f"{c.field} {c.old} -> {c.new}" for c in changes)
    params = {f"{c.field}_old": c.old for c in changes} | {c.field: c.new for c in changes}
    urgency = triage(state.intake).urgency
    if URGENCY_RANK[urgency] > URGENCY_RANK[state.urgency]:
        state.urgency = urgency
        detail += f"; urgency {urgency.value}"
        params["urgency"] = urgency.value
    state.note(
        now, "correction", f"intake corrected: {detail}", request.actor, "intake.corrected", params
    )
    return IntakeCorrected(changes=changes)


def assign(
    state: CaseState, request: AssignRequest, now: datetime, case_id: str
) -> tuple[Assigned, list[Effect]]:
    """The case passes to another counsellor, with its claimed callback (and what
    that asks); a handover note is kept as a case note."""
    previous = state.owner
    state.owner = request.to
    effects = state.apply(state.callback.hand_over(previous, request.to), now)
    if request.kind is Handover.HANDED_OVER:
        detail = f"case handed over by {previous} to {request.to}"
        code = "case.handed_over"
    else:
        detail = f"case assigned to {request.to} (was with {previous})"
        code = "case.assigned"
    params = {"from": previous, "to": request.to}
    state.note(now, "handover", detail, request.actor, code, params)
    if request.note:
        add_note(state, AddNoteRequest(text=request.note, actor=request.actor), now, case_id)
    return Assigned(previous_owner=previous, owner=request.to), effects
