"""What a partner (France Victimes, 119, ...) sends to hand a young person over to
the helpline, and what it gets back: our reference for the case."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CaseStatus
from domain.intake import (
    AgeBand,
    CallerRole,
    Category,
    Channel,
    Consents,
    Intake,
    RiskFlag,
    Urgency,
)
from domain.personal import ContactDetails


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
    categories: list[Category] = Field(min_length=1)
    risk_flags: list[RiskFlag] = Field(default_factory=list)
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


class InboundAccepted(BaseModel):
    """Our acknowledgement: quote ``reference`` when calling the helpline about it."""

    reference: str = Field(description="Our case reference")
    inbound_reference: str
    created: bool = Field(description="False when this inbound reference already had a case")
    status: CaseStatus
    urgency: Urgency
    opened_at: datetime
