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
    """The platform's answer to a notice (or re-notice) it accepted.

    ``acknowledged`` says whether the answer is the platform's confirmation of
    receipt (DSA Art. 16(4)); an e-mail server accepting a message is not.
    ``received_at`` is the receipt time the platform stated, when it states one.
    """

    platform_reference: str = Field(description="The platform's own reference for the item")
    acknowledged: bool = True
    received_at: datetime | None = Field(
        default=None, description="When the platform says it received the notice"
    )


class NoticeDecision(BaseModel):
    """The platform's decision (DSA Art. 16(5)); ``decided_at`` is the time it stated,
    ``decision_reference`` its own id for the decision (the PUID under which it files
    the statement of reasons in the DSA Transparency Database), when it gives them."""

    decision: Decision
    reason: str | None = Field(default=None, max_length=2000)
    decided_at: datetime | None = None
    platform_reference: str | None = None
    decision_reference: str | None = Field(default=None, max_length=256)


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
