"""Rows of the app database as pydantic models: what activities and the API write
and read. None of them holds personal data; personal data stays in the workflow
(behind the payload codec) and in ``PersonalData`` models.

``version`` makes projection writes idempotent and order-proof: a write carrying a
version lower than the stored one is ignored (activities retry, and may land late).
"""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.audit import AuditEntry
from domain.case import CaseStatus
from domain.intake import AgeBand, CallerRole, Category, Channel, Urgency
from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from domain.referral import LegalBasis, ReferralStatus
from domain.tasks import TaskKind


class CaseRecord(BaseModel):
    case_id: str
    version: int
    status: CaseStatus
    urgency: Urgency
    channel: Channel
    caller_role: CallerRole
    age_band: AgeBand
    categories: list[Category]
    platforms: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    opened_by: str
    owner: str | None = Field(default=None, description="Whom the case is with (None: its opener)")
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    next_action_at: datetime | None = None
    sla_breached: bool = False
    notices_open: int = 0
    referrals_open: int = 0


class CaseOpenedRecord(BaseModel):
    """A case's first directory row and the audit trail's line of its opening, which
    the door that opened it handed over: stored together, once the case exists."""

    record: CaseRecord
    opening_line: AuditEntry


class NoticeRecord(BaseModel):
    notice_id: str
    case_id: str
    version: int
    platform: str
    legal_qualification: LegalQualification | None = Field(
        default=None, description="The item's qualification (None: recorded before 0005)"
    )
    appeal_of: str | None = Field(
        default=None, description="The notice this one appeals (None: a first notice)"
    )
    idempotency_key: str
    status: NoticeStatus
    decision: Decision | None = Field(default=None, description="The platform's decision type")
    platform_reference: str | None = Field(
        default=None, description="The platform's own reference for the item (its receipt)"
    )
    decision_reference: str | None = Field(
        default=None,
        description="The platform's own reference for its decision (its statement of "
        "reasons' PUID in the DSA Transparency Database), when it gives one",
    )
    submitted_at: datetime | None = Field(
        default=None, description="Sent: the platform's channel accepted the first notice"
    )
    acknowledged_at: datetime | None = Field(
        default=None,
        description="The platform's confirmation of receipt (DSA Art. 16(4)): the time it "
        "stated, else when its acknowledging answer arrived; None without one",
    )
    decided_at: datetime | None = Field(default=None, description="When Relais got the decision")
    platform_decided_at: datetime | None = Field(
        default=None, description="The decision time the platform stated (DSA Art. 16(5))"
    )
    checked_at: datetime | None = Field(
        default=None, description="Relais's own last check of the content, whatever it found"
    )
    verified_at: datetime | None = Field(
        default=None, description="When Relais's own check found the content gone"
    )
    renotices: int = 0
    renoticed_at: list[datetime] = Field(
        default_factory=list, description="When each re-notice was sent, in order"
    )
    sla_breached: bool = False
    sla_breached_at: datetime | None = None
    last_error: str | None = None
    updated_at: datetime


class ReferralRecord(BaseModel):
    referral_id: str
    case_id: str
    version: int
    partner: str
    idempotency_key: str
    legal_basis: LegalBasis
    emergency: bool = False
    status: ReferralStatus
    partner_reference: str | None = None
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    outcome_at: datetime | None = None
    detail: str | None = None
    updated_at: datetime


class TaskRecord(BaseModel):
    task_id: str
    case_id: str
    kind: TaskKind
    for_role: str
    summary: str
    due_at: datetime | None = None
    created_at: datetime
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    done_at: datetime | None = None


class CaseFilter(BaseModel):
    status: CaseStatus | None = None
    urgency: Urgency | None = None
    category: Category | None = None
    platform: str | None = None
    partner: str | None = None
    sla_breached: bool | None = None
    opened_by: str | None = None
    owner: str | None = None
    open_only: bool = Field(default=False, description="Leave closed cases out")
    readable_by: str | None = None  # a counsellor: own, shared and claimed cases
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000, description="Cases skipped")
