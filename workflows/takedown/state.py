"""What a TakedownWorkflow is started with, the one state model it works on (and
would carry over by continue-as-new), and what it shows of it: the outcome, the
ledger row, the progress signalled to the case, the search attributes and the
supervisor's current details. Pure: no I/O, no clock reads.

The item (its location is personal data) stays in the input, behind the codec;
nothing that goes out of here but the outcome to the case reads it.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.catalog import AdapterInfo
from domain.items import EvidenceHash, QualifiedItem
from domain.notice import (
    NoticeAttachment,
    NoticeDecision,
    NoticeOutcome,
    NoticeProgress,
    NoticeStatus,
)
from domain.policy import CasePolicy
from domain.records import NoticeRecord
from workflows.search_attributes import key


class NoticeState(BaseModel):
    status: NoticeStatus = NoticeStatus.PENDING
    decision: NoticeDecision | None = Field(default=None, description="The first one counts")
    reference: str | None = Field(default=None, description="The platform's reference")
    submitted_at: datetime | None = None
    acknowledged_at: datetime | None = Field(
        default=None, description="The platform's confirmation of receipt (DSA Art. 16(4))"
    )
    decided_at: datetime | None = None
    checked_at: datetime | None = Field(default=None, description="Our own last content check")
    resolved_at: datetime | None = None
    renotices: int = 0
    renoticed_at: list[datetime] = Field(default_factory=list, description="Re-notices sent")
    sla_breached: bool = False
    sla_breached_at: datetime | None = None
    reason: str | None = Field(default=None, description="Why it failed or was refused")
    next_action_at: datetime | None = None
    version: int = Field(default=0, description="Of the ledger row: later writes win")
    evidence: list[EvidenceHash] | None = Field(
        default=None,
        description="The hashes the notice lists, read once before its first submission: "
        "every attempt and re-notice sends the same body",
    )
    attachments: list[NoticeAttachment] = Field(
        default_factory=list,
        description="The evidence ids of the files the notice attaches (read with the "
        "hashes): every attempt and re-notice sends the same files",
    )


class NoticeInput(BaseModel):
    case_id: str
    notice_id: str
    item: QualifiedItem
    platform: AdapterInfo
    policy: CasePolicy
    parent_workflow_id: str | None = None
    appeal_of: str | None = Field(
        default=None, description="Notice id of the refused notice this one appeals (DSA Art. 20)"
    )
    appeal_of_reference: str | None = None
    carried: NoticeState | None = Field(default=None, description="State of the previous run")


def outcome(state: NoticeState, input: NoticeInput) -> NoticeOutcome:
    return NoticeOutcome(
        notice_id=input.notice_id,
        platform=input.platform.slug,
        status=state.status,
        decision=state.decision.decision if state.decision else None,
        platform_reference=state.reference,
        reason=state.reason,
        submitted_at=state.submitted_at,
        resolved_at=state.resolved_at,
        renotices=state.renotices,
        sla_breached=state.sla_breached,
    )


def record(state: NoticeState, input: NoticeInput, now: datetime) -> NoticeRecord:
    """The ledger row: ids, statuses and dates, never the item's location."""
    return NoticeRecord(
        notice_id=input.notice_id,
        case_id=input.case_id,
        version=state.version,
        platform=input.platform.slug,
        legal_qualification=input.item.legal_qualification,
        appeal_of=input.appeal_of,
        idempotency_key=input.notice_id,
        status=state.status,
        decision=state.decision.decision if state.decision else None,
        platform_reference=state.reference,
        decision_reference=state.decision.decision_reference if state.decision else None,
        submitted_at=state.submitted_at,
        acknowledged_at=state.acknowledged_at,
        decided_at=state.decided_at,
        platform_decided_at=state.decision.decided_at if state.decision else None,
        checked_at=state.checked_at,
        verified_at=state.resolved_at if state.status is NoticeStatus.VERIFIED_REMOVED else None,
        renotices=state.renotices,
        renoticed_at=list(state.renoticed_at),
        sla_breached=state.sla_breached,
        sla_breached_at=state.sla_breached_at,
        last_error=(
            state.reason
            if state.status in (NoticeStatus.FAILED, NoticeStatus.REMOVAL_UNVERIFIED)
            else None
        ),
        updated_at=now,
    )


def progress(
    state: NoticeState, input: NoticeInput, detail: str, now: datetime, final: bool = False
) -> NoticeProgress:
    return NoticeProgress(
        notice_id=input.notice_id,
        platform=input.platform.slug,
        status=state.status,
        at=now,
        sla_breached=state.sla_breached,
        detail=detail,
        outcome=outcome(state, input),
        final=final,
    )


def search_attributes(state: NoticeState, input: NoticeInput) -> list[SearchAttributeUpdate[Any]]:
    return [
        key(sa.CASE_ID).value_set(input.case_id),
        key(sa.NOTICE_STATUS).value_set(state.status.value),
        key(sa.CASE_PLATFORMS).value_set([input.platform.slug]),
        key(sa.SLA_BREACHED).value_set(state.sla_breached),
        (
            key(sa.NEXT_ACTION_AT).value_set(state.next_action_at)
            if state.next_action_at
            else key(sa.NEXT_ACTION_AT).value_unset()
        ),
    ]


def details_markdown(state: NoticeState, input: NoticeInput, detail: str) -> str:
    lines = [
        f"**Notice** `{input.notice_id}` to **{input.platform.display_name}**",
        "",
        f"- Status: **{state.status.value}**: {detail}",
        f"- Legal qualification: {input.item.legal_qualification.value}",
        f"- Platform reference: {state.reference or 'not yet'}",
        f"- Re-notices sent: {state.renotices}",
        f"- SLA breached: {'yes' if state.sla_breached else 'no'}",
    ]
    if state.next_action_at:
        lines.append(f"- Next action: {state.next_action_at.isoformat(timespec='minutes')}")
    return "\n".join(lines)
