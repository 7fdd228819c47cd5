"""What the outside sees of a case, derived from its state: the status, the next
deadline, the search attributes and current details a supervisor reads in the
Temporal UI, the view the API returns, the directory row and the closing statistics.
Pure, and blind to personal data: none of these reads the contact details or the
items' locations.
"""

from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.case import CaseResult, CaseStatus, CaseView
from domain.casework import ContactCard, SafeWindowView
from domain.intake import CaseOpening
from domain.local_time import local_label
from domain.notice import NoticeStatus
from domain.records import CaseRecord
from domain.rules.hash_routes import hash_routes
from workflows.case.state import CaseState
from workflows.search_attributes import key


def status(state: CaseState) -> CaseStatus:
    if state.closed_at is not None:
        return CaseStatus.CLOSED
    if state.callback.is_due:
        return CaseStatus.CALLBACK_DUE
    if state.open_notices():
        return CaseStatus.AWAITING_PLATFORM
    if state.open_referrals():
        return CaseStatus.AWAITING_PARTNER
    if state.callback.scheduled:
        # owed without a date yet: the case plans it as soon as the pending work settles
        return CaseStatus.CALLBACK_SCHEDULED
    return CaseStatus.AWAITING_CLOSURE


def next_action_at(state: CaseState, opening: CaseOpening) -> datetime | None:
    """When the case itself will act next without being asked (the callback falling
    due or escalating); None when it only waits for people or children."""
    if state.closed_at is not None:
        return None
    return state.callback.next_deadline(opening.policy)


def sla_breached(state: CaseState) -> bool:
    return state.callback.escalated() or any(n.sla_breached for n in state.notices.values())


def platforms(state: CaseState) -> list[str]:
    return sorted({n.platform for n in state.notices.values()})


def partners(state: CaseState) -> list[str]:
    return sorted({r.partner for r in state.referrals.values()})


def search_attributes(state: CaseState, opening: CaseOpening) -> list[SearchAttributeUpdate[Any]]:
    next_at = next_action_at(state, opening)
    return [
        key(sa.CASE_ID).value_set(opening.case_id),
        key(sa.CASE_STATUS).value_set(status(state).value),
        key(sa.CASE_URGENCY).value_set(state.urgency.value),
        key(sa.CASE_CATEGORIES).value_set([c.value for c in state.intake.categories]),
        key(sa.CASE_PLATFORMS).value_set(platforms(state)),
        key(sa.CASE_PARTNERS).value_set(partners(state)),
        key(sa.SLA_BREACHED).value_set(sla_breached(state)),
        key(sa.CALLBACK_OVERDUE).value_set(state.callback.escalated()),
        key(sa.NEXT_ACTION_AT).value_set(next_at)
        if next_at
        else key(sa.NEXT_ACTION_AT).value_unset(),
    ]


def details_markdown(state: CaseState, opening: CaseOpening) -> str:
    """What a supervisor reads in the Temporal UI: no personal data."""
    lines = [
        f"**Status:** {status(state).value} · **urgency:** {state.urgency.value}"
        + (" · **SLA breached**" if sla_breached(state) else ""),
        f"**Categories:** {', '.join(c.value for c in state.intake.categories)}",
    ]
    if state.notices:
        lines += ["", "| Notice | Platform | Status | SLA |", "|---|---|---|---|"]
        lines += [
            f"| {n.notice_id} | {n.platform} | {n.status.value} | "
            f"{'breached' if n.sla_breached else 'ok'} |"
            for n in state.notices.values()
        ]
    if state.referrals:
        lines += ["", "| Referral | Partner | Status | Reference |", "|---|---|---|---|"]
        lines += [
            f"| {r.referral_id} | {r.partner} | {r.status.value} | {r.partner_reference or '-'} |"
            for r in state.referrals.values()
        ]
    cb = state.callback
    if cb.due_at is not None:
        lines += [
            "",
            f"**Callback:** due {cb.due_at.isoformat(timespec='minutes')}, attempt "
            f"{cb.attempts + 1} of {opening.policy.callback_max_attempts}"
            + (f" · claimed by {cb.claimed_by}" if cb.claimed_by else " · **unclaimed**")
            + (" · **overdue**" if cb.overdue else ""),
        ]
    if state.timeline:
        last = state.timeline[-1]
        lines += ["", f"_Last event ({last.at.isoformat(timespec='minutes')}):_ {last.detail}"]
    return "\n".join(lines)


def view(state: CaseState, opening: CaseOpening) -> CaseView:
    """The case for those who may read it: its notes and contacts included (the
    contact details are read apart, see :func:`contact_card`)."""
    zone = opening.policy.opening_hours.timezone
    callback = state.callback.view(opening.policy)
    if callback.due_at is not None:
        callback.due_local = local_label(callback.due_at, zone)
    return CaseView(
        case_id=opening.case_id,
        status=status(state),
        urgency=state.urgency,
        categories=list(state.intake.categories),
        age_band=state.intake.age_band,
        caller_role=state.intake.caller_role,
        risk_flags=list(state.intake.risk_flags),
        consents=state.consents,
        opened_at=state.opened_at,
        opened_by=opening.opened_by,
        owner=state.owner,
        closed_at=state.closed_at,
        close_reason=state.close_reason,
        contacts=list(state.contacts),
        notes=list(state.notes),
        notices=list(state.notices.values()),
        referrals=list(state.referrals.values()),
        callback=callback,
        next_action_at=next_action_at(state, opening),
        sla_breached=sla_breached(state),
        hash_routes=hash_routes(list(state.intake.categories), state.intake.age_band),
        timeline=[
            entry.model_copy(update={"local_time": local_label(entry.at, zone)})
            for entry in state.timeline
        ],
        reopened=state.reopened,
        runs=state.runs,
    )


def contact_card(state: CaseState) -> ContactCard:
    """Whom to call and how: the contact details and the safe window."""
    contact, window = state.contact, state.consents.callback
    return ContactCard(
        first_name=contact.first_name,
        phone=contact.phone,
        email=contact.email,
        handles=list(contact.handles),
        callback_instructions=contact.callback_instructions,
        safe_window=SafeWindowView(
            earliest_hour=window.earliest_hour,
            latest_hour=window.latest_hour,
            weekdays_only=window.weekdays_only,
        ),
    )


def record(state: CaseState, opening: CaseOpening, now: datetime) -> CaseRecord:
    intake = state.intake
    return CaseRecord(
        case_id=opening.case_id,
        version=state.version,
        status=status(state),
        urgency=state.urgency,
        channel=intake.channel,
        caller_role=intake.caller_role,
        age_band=intake.age_band,
        categories=list(intake.categories),
        platforms=platforms(state),
        partners=partners(state),
        opened_by=opening.opened_by,
        owner=state.owner,
        opened_at=state.opened_at,
        updated_at=now,
        closed_at=state.closed_at,
        next_action_at=next_action_at(state, opening),
        sla_breached=sla_breached(state),
        notices_open=len(state.open_notices()),
        referrals_open=len(state.open_referrals()),
    )


def published(state: CaseState, opening: CaseOpening) -> tuple[object, ...]:
    """Everything the case shows outside its own queries (search attributes, current
    details, the directory row but its write stamps): when it changes, the case
    publishes it again."""
    row = record(state, opening, state.opened_at).model_dump(exclude={"version", "updated_at"})
    return (
        [(u.key.name, getattr(u, "value", None)) for u in search_attributes(state, opening)],
        details_markdown(state, opening),
        row,
    )


def result(state: CaseState, opening: CaseOpening) -> CaseResult:
    assert state.closed_at is not None and state.close_reason is not None
    return CaseResult(
        case_id=opening.case_id,
        status=status(state),
        urgency=state.urgency,
        categories=list(state.intake.categories),
        opened_at=state.opened_at,
        closed_at=state.closed_at,
        close_reason=state.close_reason,
        notices_sent=len(state.notices),
        notices_removed=sum(
            1 for n in state.notices.values() if n.status is NoticeStatus.VERIFIED_REMOVED
        ),
        referrals_sent=len(state.referrals),
        callback_attempts=state.callback.attempts,
    )
