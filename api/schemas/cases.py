"""Opening, reading and listing cases."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CaseStatus
from domain.intake import Intake, Urgency
from domain.personal import ContactDetails
from domain.records import CaseFilter, CaseRecord


class CaseCreate(Intake):
    """First contact: the non-personal intake facts plus the contact details."""

    model_config = ConfigDict(extra="forbid")

    contact: ContactDetails = Field(
        default_factory=ContactDetails,
        description="Personal: encrypted in the workflow, never logged or shown in the UI",
    )

    def intake(self) -> Intake:
        return Intake.model_validate(self.model_dump(exclude={"contact"}))


class CaseLinks(BaseModel):
    self: str
    items: str
    referrals: str
    callback_outcome: str
    close: str

    @classmethod
    def for_case(cls, case_id: str) -> "CaseLinks":
        base = f"/cases/{case_id}"
        return cls(
            self=base,
            items=f"{base}/items",
            referrals=f"{base}/referrals",
            callback_outcome=f"{base}/callback-outcome",
            close=f"{base}/close",
        )


class CaseRead(BaseModel):
    case_id: str
    workflow_id: str
    status: CaseStatus
    urgency: Urgency
    opened_at: datetime
    links: CaseLinks


class CaseQuery(CaseFilter):
    """Query parameters of ``GET /cases``; an unknown parameter is an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class CasePage(BaseModel):
    items: list[CaseRecord]
    total: int
    limit: int
    offset: int
