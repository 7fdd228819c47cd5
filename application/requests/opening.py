"""What opening a case takes (``application.case_opening``): a counsellor's intake
during a call (``POST /cases``, the console's new-case form), or a partner's referral
of a young person to the helpline (``POST /inbound/partners/{slug}/referrals``)."""

from pydantic import BaseModel, ConfigDict, Field

from domain.intake import AgeBand, CallerRole, Categories, Channel, Consents, Intake, RiskFlags
from domain.personal import ContactDetails


class CaseCreate(Intake):
    """First contact: the non-personal intake facts plus the contact details."""

    model_config = ConfigDict(extra="forbid")

    contact: ContactDetails = Field(
        default_factory=ContactDetails,
        description="Personal: encrypted in the workflow, never logged or shown in the UI",
    )

    def intake(self) -> Intake:
        return Intake.model_validate(self.model_dump(exclude={"contact"}))


class InboundReferral(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inbound_reference: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$",
        description="The partner's own reference: the same reference again joins the same case",
    )
    caller_role: CallerRole = Field(
        default=CallerRole.VICTIM, description="Who the helpline will be talking to"
    )
    age_band: AgeBand
    categories: Categories
    risk_flags: RiskFlags = Field(default_factory=list)
    consents: Consents = Field(
        default_factory=Consents, description="What the young person agreed to with the partner"
    )
    summary: str | None = Field(
        default=None, max_length=200, description="Non-personal summary (no names, no handles)"
    )
    contact: ContactDetails = Field(
        default_factory=ContactDetails,
        description="Personal: encrypted in the workflow, never logged or shown in the UI",
    )

    def intake(self) -> Intake:
        return Intake(
            channel=Channel.PARTNER_REFERRAL,
            caller_role=self.caller_role,
            age_band=self.age_band,
            categories=self.categories,
            risk_flags=self.risk_flags,
            consents=self.consents,
            summary=self.summary,
        )
