"""A counsellor's work on an open case, beyond its first contact: notes, later
contacts (the young person again, a parent), risk that changes during a call,
urgency set by a supervisor, corrections of the intake, and the case passing from
one counsellor to another. Requests and what the case returns."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.personal import ContactDetails, PersonalData

ACTOR = Field(description="Who does it: the counsellor or supervisor")


class CaseNote(PersonalData):
    """A counsellor's note on the case: free text, so personal data."""

    note_id: str
    at: datetime
    author: str
    text: str = Field(max_length=5000)


class AddNoteRequest(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    actor: str = ACTOR


class CaseContact(BaseModel):
    """One contact of the case (the first one is the intake): who called, how, why."""

    contact_id: str
    at: datetime
    channel: Channel
    caller_role: CallerRole
    summary: str | None = Field(default=None, max_length=200, description="Non-personal")
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    recorded_by: str
    contact_details_updated: bool = False


class AddContactRequest(BaseModel):
    channel: Channel
    caller_role: CallerRole
    summary: str | None = Field(default=None, max_length=200)
    risk_flags: list[RiskFlag] = Field(default_factory=list, max_length=len(RiskFlag))
    contact: ContactDetails | None = Field(
        default=None,
        description="Contact details given during this contact (replace the given fields)",
    )
    actor: str = ACTOR


class RecordRiskRequest(BaseModel):
    risk_flags: list[RiskFlag] = Field(min_length=1, max_length=len(RiskFlag))
    actor: str = ACTOR


class ChangeUrgencyRequest(BaseModel):
    urgency: Urgency
    reason: str = Field(min_length=1, max_length=200, description="Non-personal reason")
    actor: str = ACTOR


class CorrectIntakeRequest(BaseModel):
    categories: list[Category] | None = Field(default=None, min_length=1, max_length=len(Category))
    age_band: AgeBand | None = None
    caller_role: CallerRole | None = None
    actor: str = ACTOR


class FieldChange(BaseModel):
    field: str
    old: str
    new: str


class IntakeCorrected(BaseModel):
    changes: list[FieldChange]


class Handover(StrEnum):
    ASSIGNED = "assigned"  # by a supervisor
    HANDED_OVER = "handed_over"  # by its counsellor, to a colleague


class AssignRequest(BaseModel):
    to: str = Field(min_length=1, max_length=200, description="The counsellor's subject")
    kind: Handover
    note: str | None = Field(default=None, max_length=5000, description="Kept as a case note")
    actor: str = ACTOR


class Assigned(BaseModel):
    previous_owner: str
    owner: str


class SafeWindowView(BaseModel):
    earliest_hour: int
    latest_hour: int
    weekdays_only: bool


class ContactCard(PersonalData):
    """Whom to call and how: read on demand, every read audited."""

    first_name: str | None = None
    phone: str | None = None
    email: str | None = None
    handles: list[str] = Field(default_factory=list)
    callback_instructions: str | None = None
    safe_window: SafeWindowView
