"""A notice to a platform: what the TakedownWorkflow takes, sends and returns."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.items import EvidenceHash, QualifiedItem


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


# What may go out as an attachment: the sanitised copies of images and PDFs.
ATTACHABLE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp", "application/pdf")


class AttachmentLimits(BaseModel):
    """What a platform's notice channel takes beside a notice, declared by its adapter:
    files of these media types, at most ``max_files`` of at most ``max_bytes`` each. A
    channel that declares none gets the evidence hashes only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_files: int = Field(default=5, ge=1, le=20)
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, description="Per file")
    media_types: list[str] = Field(
        default_factory=lambda: ["image/png", "image/jpeg"],
        min_length=1,
        description=f"Among {', '.join(ATTACHABLE_MEDIA_TYPES)}",
    )

    @field_validator("media_types")
    @classmethod
    def _attachable(cls, media_types: list[str]) -> list[str]:
        others = sorted(set(media_types) - set(ATTACHABLE_MEDIA_TYPES))
        if others:
            raise ValueError(f"not attachable: {', '.join(others)}")
        return media_types

    def takes(self, media_type: str, size: int) -> bool:
        return media_type in self.media_types and size <= self.max_bytes


class NoticeAttachment(BaseModel):
    """A file a notice attaches, as the workflow carries it: the evidence id alone
    (claim check). The submit activity reads its sanitised copy from the store."""

    evidence_id: str = Field(min_length=1, max_length=64)


class SubmitNoticeRequest(BaseModel):
    case_id: str
    notice_id: str
    idempotency_key: str
    item: QualifiedItem
    renotice_of: str | None = None
    appeal_of: str | None = Field(
        default=None, description="Platform reference of the refused notice this appeals"
    )
    attachments: list[NoticeAttachment] = Field(
        default_factory=list, description="Ids only: the activity reads the files"
    )


class NoticeEvidenceRequest(BaseModel):
    """Which evidence hashes a notice lists: read once, before its first submission."""

    case_id: str
    notice_id: str
    item: QualifiedItem


class NoticeEvidence(BaseModel):
    """The hashes a notice's body lists and the files it attaches (where the platform's
    channel takes attachments), carried by the workflow so that every attempt and
    re-notice sends the same body and the same files under its key."""

    evidence: list[EvidenceHash]
    attachments: list[NoticeAttachment] = Field(
        default_factory=list, description="Absent in older histories: none"
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
