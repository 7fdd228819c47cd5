"""A notice to a platform: what the TakedownWorkflow takes, sends and returns."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.items import QualifiedItem


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"
    VERIFIED_REMOVED = "verified_removed"
    STILL_ONLINE = "still_online"
    REMOVAL_UNVERIFIED = "removal_unverified"  # our own check cannot reach the content
    REFUSED = "refused"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Decision(StrEnum):
    REMOVED = "removed"
    RESTRICTED = "restricted"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"


class ReviewChoice(StrEnum):
    """A counsellor's answer to a refused (or still online) notice."""

    APPEAL = "appeal"  # DSA Art. 20 internal complaint: a new notice linked to the first
    REFER_TO_PHAROS = "refer_to_pharos"
    ACCEPT = "accept"


class SubmitNoticeRequest(BaseModel):
    case_id: str
    notice_id: str
    idempotency_key: str
    item: QualifiedItem
    renotice_of: str | None = None
    appeal_of: str | None = Field(
        default=None, description="Platform reference of the refused notice this appeals"
    )


class NoticeReceipt(BaseModel):
    platform_reference: str
    acknowledged: bool = True


class NoticeDecision(BaseModel):
    decision: Decision
    reason: str | None = Field(default=None, max_length=2000)
    decided_at: datetime | None = None
    platform_reference: str | None = None


class PolledDecision(BaseModel):
    """What a poll of a platform brings back: its decision, or none yet."""

    decision: NoticeDecision | None = None


class FetchDecisionRequest(BaseModel):
    platform: str
    platform_reference: str


class ContentCheckRequest(BaseModel):
    platform: str
    item: QualifiedItem


class NoticeOutcome(BaseModel):
    notice_id: str
    platform: str
    status: NoticeStatus
    decision: Decision | None = None
    platform_reference: str | None = None
    reason: str | None = None
    submitted_at: datetime | None = None
    resolved_at: datetime | None = None
    renotices: int = 0
    sla_breached: bool = False
    appeal_of: str | None = None
    review: ReviewChoice | None = None


class NoticeProgress(BaseModel):
    """Sent by a TakedownWorkflow to its case at every change of status."""

    notice_id: str
    platform: str
    status: NoticeStatus
    at: datetime
    sla_breached: bool = False
    detail: str | None = None
    outcome: NoticeOutcome | None = Field(
        default=None, description="The notice as it stands (absent in older histories)"
    )
    final: bool = Field(default=False, description="The notice's last word: it is settled")
