"""What a counsellor records at first contact."""

from datetime import time

from pydantic import BaseModel, Field

from workflows.models.catalog import PartnerCatalog
from workflows.models.enums import AgeBand, CallerRole, Category, Channel, RiskFlag
from workflows.models.personal import ContactDetails
from workflows.rules.callback_window import SafeWindow
from workflows.rules.policy import CasePolicy


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


class Intake(BaseModel):
    """Non-personal facts of first contact: safe for statistics and search attributes."""

    channel: Channel
    caller_role: CallerRole
    age_band: AgeBand
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    risk_flags: list[RiskFlag] = Field(default_factory=list, max_length=len(RiskFlag))
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
    referred_by: str | None = Field(
        default=None,
        description="Slug of the partner that handed the young person to the helpline",
    )
    contact: ContactDetails = Field(default_factory=ContactDetails)
    policy: CasePolicy = Field(default_factory=CasePolicy)
    catalog: PartnerCatalog = Field(default_factory=PartnerCatalog)
    carried: "CaseSnapshot | None" = Field(
        default=None, description="State carried over from the previous run (continue-as-new)"
    )


# At the bottom: the snapshot refers back to this module's models.
from workflows.models.snapshot import CaseSnapshot  # noqa: E402

CaseInput.model_rebuild()
