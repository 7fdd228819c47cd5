"""What a ReferralWorkflow is started with, the one state model it works on, and
what it shows of it: the outcome, the ledger record, the progress signalled to the case, the search
attributes and the supervisor's current details. Pure: no I/O, no clock reads.

Only ids, slugs, statuses, references and dates go out of here; the handoff
package (with the young person's contact details) stays in the workflow input.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.catalog import AdapterInfo
from domain.local_time import local_label
from domain.policy import CasePolicy
from domain.records import ReferralRecord
from domain.referral import (
    HandoffDelivery,
    HandoffPackage,
    HandoffStatus,
    ManualHandoffRequest,
    ReferralOutcome,
    ReferralProgress,
    ReferralStatus,
)
from workflows.search_attributes import key

# A referral is settled when the partner has said what it does with it.
SETTLED = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.CLOSED, ReferralStatus.DECLINED})


class ReferralState(BaseModel):
    """What a ReferralWorkflow works on, whole (what continue-as-new would carry)."""

    status: ReferralStatus = ReferralStatus.PENDING
    reference: str | None = Field(default=None, description="The partner's reference")
    detail: str | None = None
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    manual: bool = Field(default=False, description="Handed over by phone by a counsellor")
    manual_by: str | None = None
    phone_handoff_due: datetime | None = Field(
        default=None, description="When a counsellor was asked to phone"
    )
    phone_handoff: ManualHandoffRequest | None = Field(
        default=None, description="The phone handoff a counsellor recorded (the first one)"
    )
    phone_handoff_recorded: bool = False
    phone_task_opened: bool = False
    failed_attempts: int = Field(default=0, description="Of the automatic handoff, in a row")
    unreachable_since: datetime | None = Field(
        default=None, description="When the first of those attempts failed"
    )
    next_attempt_at: datetime | None = Field(
        default=None, description="When the automatic handoff tries again"
    )
    news: list[HandoffStatus] = Field(
        default_factory=list, description="The partner's news not acted on yet"
    )
    stop_polling: bool = Field(
        default=False, description="The partner's API does not know a phoned-in reference"
    )
    finished: bool = False
    version: int = Field(default=0, description="Of the ledger row: later writes win")


class ReferralInput(BaseModel):
    case_id: str
    referral_id: str
    partner: AdapterInfo
    package: HandoffPackage
    emergency: bool = False
    policy: CasePolicy
    parent_workflow_id: str | None = None
    carried: ReferralState | None = Field(default=None, description="State of the previous run")


def outcome(state: ReferralState, input: ReferralInput) -> ReferralOutcome:
    return ReferralOutcome(
        referral_id=input.referral_id,
        partner=input.partner.slug,
        status=state.status,
        partner_reference=state.reference,
        detail=state.detail,
        sent_at=state.sent_at,
        resolved_at=state.resolved_at,
        manual=state.manual,
        delivery=delivery(state, input),
    )


def unreachable(state: ReferralState, input: ReferralInput) -> str:
    """Where a handoff that keeps failing stands, in words: since when, how many
    attempts, when the next one is (times in the helpline's zone)."""
    zone = input.policy.opening_hours.timezone
    count = state.failed_attempts
    words = f"the partner is unreachable: {count} failed attempt{'s' if count != 1 else ''}"
    if state.unreachable_since is not None:
        words += f" since {local_label(state.unreachable_since, zone)}"
    if state.next_attempt_at is not None:
        words += f"; next attempt {local_label(state.next_attempt_at, zone)}"
    return words


def delivery(state: ReferralState, input: ReferralInput) -> HandoffDelivery | None:
    """While the automatic handoff has not reached the partner and has failed."""
    if state.status is not ReferralStatus.PENDING or not state.failed_attempts:
        return None
    return HandoffDelivery(
        unreachable_since=state.unreachable_since,
        attempts=state.failed_attempts,
        next_attempt_at=state.next_attempt_at,
        detail=unreachable(state, input),
    )


def search_attributes(
    state: ReferralState, input: ReferralInput
) -> list[SearchAttributeUpdate[Any]]:
    return [
        key(sa.CASE_ID).value_set(input.case_id),
        key(sa.REFERRAL_STATUS).value_set(state.status.value),
        key(sa.CASE_PARTNERS).value_set([input.partner.slug]),
    ]


def details_markdown(state: ReferralState, input: ReferralInput, news: str) -> str:
    partner = input.partner
    lines = [
        f"**Referral** `{input.referral_id}` to **{partner.display_name}**"
        + (" (emergency)" if input.emergency else ""),
        "",
        f"- Status: **{state.status.value}**: {news}",
        f"- Legal basis: {input.package.legal_basis.value}",
        f"- Partner reference: {state.reference or 'not yet'}",
    ]
    if state.manual:
        lines.append(f"- Handed over **by phone** (recorded by {state.manual_by})")
    elif state.status is ReferralStatus.PENDING and state.failed_attempts:
        lines.append(f"- Automatic handoff still retrying: {unreachable(state, input)}")
        if state.phone_handoff_due is not None:
            lines.append(
                f"- A counsellor was asked to phone at {state.phone_handoff_due:%Y-%m-%d %H:%M} UTC"
            )
    return "\n".join(lines)


def record(state: ReferralState, input: ReferralInput, news: str, now: datetime) -> ReferralRecord:
    """The ledger row. Its detail is our own words (``news``), never the partner's
    free text, which may name the young person."""
    return ReferralRecord(
        referral_id=input.referral_id,
        case_id=input.case_id,
        version=state.version,
        partner=input.partner.slug,
        idempotency_key=input.referral_id,
        legal_basis=input.package.legal_basis,
        emergency=input.emergency,
        status=state.status,
        partner_reference=state.reference,
        sent_at=state.sent_at,
        acknowledged_at=state.acknowledged_at,
        outcome_at=state.resolved_at,
        detail=news[:300],
        updated_at=now,
    )


def progress(
    state: ReferralState,
    input: ReferralInput,
    news: str,
    now: datetime,
    final: bool = False,
    timeline: bool = True,
) -> ReferralProgress:
    return ReferralProgress(
        referral_id=input.referral_id,
        partner=input.partner.slug,
        status=state.status,
        at=now,
        partner_reference=state.reference,
        detail=news,
        manual=state.manual,
        outcome=outcome(state, input),
        final=final,
        timeline=timeline and not final,
    )
