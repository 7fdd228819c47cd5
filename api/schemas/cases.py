"""The answers of opening, reading and listing cases (what opening takes:
``application.requests.opening.CaseCreate``)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.case import CaseStatus
from domain.intake import Urgency
from domain.records import CaseFilter, CaseRecord


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
