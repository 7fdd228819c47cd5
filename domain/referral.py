"""A referral (handoff) to a partner: what the ReferralWorkflow takes and returns."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.catalog import PartnerCatalog
from domain.intake import AgeBand, CallerRole, Category, RiskFlag, Urgency
from domain.items import LegalQualification, QualifiedItem
from domain.personal import ContactDetails


class ReferralStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LegalBasis(StrEnum):
    """Why a referral may go: the victim's consent or an explicit legal exception."""

    CONSENT = "consent"
    CHILD_IN_DANGER = "child_in_danger"
    LIFE_AT_RISK = "life_at_risk"
    ILLEGAL_CONTENT_REPORT = "illegal_content_report"  # Pharos: content facts, no contact


class ReferralRequest(BaseModel):
    """A counsellor asks for a handoff to a partner."""

    partner: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=500, description="Non-personal reason")
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
    victim_consented: bool = Field(
        default=False, description="The victim consents now (recorded on the case)"
    )
    catalog: PartnerCatalog | None = None
    legal_basis: LegalBasis = Field(
        default=LegalBasis.CONSENT,
        description="consent, or a legal exception that allows the referral without it",
    )


class HandedEvidence(BaseModel):
    """One line of the evidence manifest that goes with a police or Pharos handoff: the
    file's hashes, when, by whom (a counsellor's id or the door) and through which door;
    never the file's name or its bytes."""

    evidence_id: str
    sha256: str
    kind: str
    size: int
    added_at: datetime
    added_by: str
    channel: str
    item_id: str | None = None
    kept: bool = Field(description="The helpline holds the file (not hashes only, not purged)")


class HandoffPackage(BaseModel):
    """The minimum a partner needs; contact details only when the partner must call."""

    case_id: str
    referral_id: str
    categories: list[Category]
    age_band: AgeBand
    urgency: Urgency
    legal_basis: LegalBasis
    reason: str | None = None
    contact: ContactDetails | None = None
    items: list[QualifiedItem] = Field(
        default_factory=list, description="Content to report (Pharos), with its location"
    )
    risk_flags: list[RiskFlag] = Field(
        default_factory=list, description="Signs of immediate danger (police, 119)"
    )
    caller_role: CallerRole | None = Field(default=None, description="Who called (police, 119)")
    offences: list[LegalQualification] = Field(
        default_factory=list, description="What the content was qualified as (police), no location"
    )
    evidence_manifest: list[HandedEvidence] = Field(
        default_factory=list,
        description="The case's evidence files (police, Pharos): filled by the hand_over "
        "activity from the evidence book, never carried in a workflow's history",
    )


class HandoffRequest(BaseModel):
    partner: str
    idempotency_key: str
    package: HandoffPackage


class HandoffReceipt(BaseModel):
    partner_reference: str
    status: ReferralStatus = ReferralStatus.ACKNOWLEDGED


class FetchHandoffStatusRequest(BaseModel):
    partner: str
    partner_reference: str


class HandoffStatus(BaseModel):
    status: ReferralStatus
    partner_reference: str | None = None
    detail: str | None = Field(default=None, max_length=2000)


class HandoffDelivery(BaseModel):
    """A handoff still trying to reach its partner: since when, how often, what next."""

    unreachable_since: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    detail: str = Field(description='e.g. "the partner is unreachable: 5 attempts since ..."')


class ReferralOutcome(BaseModel):
    referral_id: str
    partner: str
    status: ReferralStatus
    partner_reference: str | None = None
    detail: str | None = None
    sent_at: datetime | None = None
    resolved_at: datetime | None = None
    manual: bool = Field(default=False, description="Handed over by phone by a counsellor")
    delivery: HandoffDelivery | None = Field(
        default=None, description="While the handoff has not reached the partner"
    )


class ReferralProgress(BaseModel):
    referral_id: str
    partner: str
    status: ReferralStatus
    at: datetime
    partner_reference: str | None = None
    detail: str | None = None
    manual: bool = False
    outcome: ReferralOutcome | None = Field(
        default=None, description="The referral as it stands (as it ended, on the final one)"
    )
    final: bool = Field(default=False, description="The referral's last word: it is settled")
    timeline: bool = Field(
        default=True,
        description="A line for the case's timeline (``detail``); False: the referral's "
        "state only (another failed attempt between the ones the timeline counts)",
    )


class LateAnswer(BaseModel):
    """A partner's news about a referral that had already ended on our side (cancelled
    when its case closed or a consent was withdrawn, given up, settled): what it says
    about a child is recorded on the case all the same."""

    referral_id: str
    partner: str = Field(description="The partner's slug, as its signed webhook names it")
    news: HandoffStatus


class ManualHandoffRequest(BaseModel):
    """A counsellor handed the referral over by phone: the partner's reference."""

    case_id: str
    partner_reference: str = Field(min_length=1, max_length=200)
    actor: str = Field(description="Who does it: the counsellor, supervisor or system")
