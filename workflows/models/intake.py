"""What a counsellor records at first contact."""

from pydantic import BaseModel, Field

from workflows.models.catalog import PartnerCatalog
from workflows.models.enums import AgeBand, CallerRole, Category, Channel, RiskFlag
from workflows.models.personal import ContactDetails
from workflows.rules.policy import CasePolicy


class CallbackConsent(BaseModel):
    consented: bool = False
    earliest_hour: int = Field(default=9, ge=0, le=23, description="Safe window start (local)")
    latest_hour: int = Field(default=23, ge=1, le=24, description="Safe window end (local)")
    weekdays_only: bool = False


class Consents(BaseModel):
    report_to_platforms: bool = False
    referral_partners: list[str] = Field(
        default_factory=list, description="Partner slugs the victim agreed to be referred to"
    )
    callback: CallbackConsent = Field(default_factory=CallbackConsent)


class Intake(BaseModel):
    """Non-personal facts of first contact: safe for statistics and search attributes."""

    channel: Channel
    caller_role: CallerRole
    age_band: AgeBand
    categories: list[Category] = Field(min_length=1)
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    consents: Consents = Field(default_factory=Consents)
    summary: str | None = Field(
        default=None,
        max_length=200,
        description="Short non-personal summary shown to supervisors (no names, no handles)",
    )


class CaseInput(BaseModel):
    case_id: str
    opened_by: str
    intake: Intake
    contact: ContactDetails = Field(default_factory=ContactDetails)
    policy: CasePolicy = Field(default_factory=CasePolicy)
    catalog: PartnerCatalog = Field(default_factory=PartnerCatalog)
