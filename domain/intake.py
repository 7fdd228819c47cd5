"""What a counsellor records at first contact."""

from datetime import time
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from domain.audit import AuditEntry
from domain.callback_window import SafeWindow
from domain.catalog import PartnerCatalog
from domain.personal import ContactDetails
from domain.policy import CasePolicy


class Channel(StrEnum):
    PHONE = "phone"
    WEB_CHAT = "web_chat"
    MESSENGER = "messenger"
    WHATSAPP = "whatsapp"
    APP = "app"
    EMAIL = "email"
    PARTNER_REFERRAL = "partner_referral"


class CallerRole(StrEnum):
    VICTIM = "victim"
    PARENT = "parent"
    WITNESS = "witness"
    PROFESSIONAL = "professional"


class AgeBand(StrEnum):
    UNDER_11 = "under_11"
    AGE_11_14 = "11_14"
    AGE_15_17 = "15_17"
    AGE_18_25 = "18_25"
    ADULT = "adult"
    UNKNOWN = "unknown"


class Category(StrEnum):
    CYBERHARASSMENT = "cyberharassment"
    INTIMATE_IMAGE = "intimate_image"
    SEXTORTION = "sextortion"
    HACKING = "hacking"
    IDENTITY_THEFT = "identity_theft"
    GROOMING = "grooming"
    VIOLENT_OR_PORNOGRAPHIC_CONTENT = "violent_or_pornographic_content"
    PROSTITUTION_OF_MINOR = "prostitution_of_minor"
    SCREEN_TIME = "screen_time"
    OTHER = "other"


class RiskFlag(StrEnum):
    """Signs of immediate danger recorded at intake; each one drives triage."""

    SUICIDAL_RISK = "suicidal_risk"
    ONGOING_SEXUAL_EXPLOITATION = "ongoing_sexual_exploitation"
    MINOR_IN_PROSTITUTION = "minor_in_prostitution"
    CHILD_AT_RISK_AT_HOME = "child_at_risk_at_home"


class Urgency(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class CallbackConsent(BaseModel):
    consented: bool = False
    earliest_hour: int = Field(default=9, ge=0, le=23, description="Safe window start (local)")
    latest_hour: int = Field(default=23, ge=1, le=24, description="Safe window end (local)")
    weekdays_only: bool = False

    def safe_window(self) -> SafeWindow:
        latest = time(23, 59, 59) if self.latest_hour == 24 else time(self.latest_hour)
        return SafeWindow(
            earliest=time(self.earliest_hour), latest=latest, weekdays_only=self.weekdays_only
        )


class Consents(BaseModel):
    report_to_platforms: bool = False
    referral_partners: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Partner slugs the victim agreed to be referred to",
    )
    callback: CallbackConsent = Field(default_factory=CallbackConsent)
    case_news: bool = Field(
        default=False,
        description="Told on the messaging channel they wrote on (WhatsApp, Messenger) when "
        "what they reported is removed, a referral is accepted, a callback is planned and "
        "the case closes (domain.case_news); STOP ends it",
    )


# The lists of an intake, bounded once for every way a case opens (a counsellor's
# intake, a partner's referral): at least one category, never more than there are.
Categories = Annotated[list[Category], Field(min_length=1, max_length=len(Category))]
RiskFlags = Annotated[list[RiskFlag], Field(max_length=len(RiskFlag))]


class Intake(BaseModel):
    """Non-personal facts of first contact: safe for statistics and search attributes."""

    channel: Channel
    caller_role: CallerRole
    age_band: AgeBand
    categories: Categories
    risk_flags: RiskFlags = Field(default_factory=list)
    consents: Consents = Field(default_factory=Consents)
    summary: str | None = Field(
        default=None,
        max_length=200,
        description="Short non-personal summary shown to supervisors (no names, no handles)",
    )


class CaseOpening(BaseModel):
    """What a case workflow is started with: the opening, as the API recorded it."""

    case_id: str
    opened_by: str
    intake: Intake
    referred_by: str | None = Field(
        default=None,
        description="Slug of the partner that handed the young person to the helpline",
    )
    contact: ContactDetails = Field(default_factory=ContactDetails)
    policy: CasePolicy = Field(default_factory=CasePolicy)
    catalog: PartnerCatalog = Field(default_factory=PartnerCatalog)
    opening_line: AuditEntry | None = Field(
        default=None,
        description="The audit trail's line for this opening (who opened the case, as "
        "what, when): the case writes it once started, so the trail holds it exactly when "
        "the case exists, whatever became of the answer to the request that opened it",
    )
