"""What a counsellor sends for the work on a case beyond its opening. The acting
person comes from the bearer token, never from the body."""

from pydantic import BaseModel, ConfigDict, Field

from domain.casework import (
    AddContactRequest,
    AddNoteRequest,
    AssignRequest,
    ChangeUrgencyRequest,
    CorrectIntakeRequest,
    Handover,
    RecordRiskRequest,
)
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.personal import ContactDetails


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1,
        max_length=5000,
        description="Free text: personal data, encrypted, never in the timeline or logs",
    )

    def request(self, actor: str) -> AddNoteRequest:
        return AddNoteRequest(text=self.text, actor=actor)


class ContactCreate(BaseModel):
    """A later contact: the young person again, a parent, a professional."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    caller_role: CallerRole
    summary: str | None = Field(default=None, max_length=200, description="Non-personal")
    risk_flags: list[RiskFlag] = Field(
        default_factory=list, max_length=len(RiskFlag), description="New signs of danger"
    )
    contact: ContactDetails | None = Field(
        default=None, description="Contact details given now: they replace the ones given"
    )

    def request(self, actor: str) -> AddContactRequest:
        return AddContactRequest(
            **self.model_dump(exclude={"contact"}), contact=self.contact, actor=actor
        )


class RiskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    risk_flags: list[RiskFlag] = Field(min_length=1, max_length=len(RiskFlag))

    def request(self, actor: str) -> RecordRiskRequest:
        return RecordRiskRequest(risk_flags=self.risk_flags, actor=actor)


class UrgencyChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    urgency: Urgency
    reason: str = Field(min_length=1, max_length=200, description="Non-personal reason")

    def request(self, actor: str) -> ChangeUrgencyRequest:
        return ChangeUrgencyRequest(urgency=self.urgency, reason=self.reason, actor=actor)


class IntakeCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Category] | None = Field(default=None, min_length=1, max_length=len(Category))
    age_band: AgeBand | None = None
    caller_role: CallerRole | None = Field(default=None, description="Who made the first contact")

    def request(self, actor: str) -> CorrectIntakeRequest:
        return CorrectIntakeRequest(**self.model_dump(), actor=actor)


class CaseHandover(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_.@:-]+$",
        description="The colleague's subject (as in their token)",
    )
    note: str | None = Field(
        default=None, max_length=5000, description="For the colleague; kept as a case note"
    )

    def request(self, actor: str, kind: Handover) -> AssignRequest:
        return AssignRequest(to=self.to, note=self.note, kind=kind, actor=actor)
