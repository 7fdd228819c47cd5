"""Sharing a case with another counsellor (``application.shares``): whom with, and
who may read the case and why."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CaseShareCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    counsellor: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.@:-]+$",
        description="The counsellor's subject (their login id), as their token names it",
    )


class CaseShare(BaseModel):
    case_id: str
    counsellor: str
    reason: str = Field(description="owner, shared or task (claimed one of its tasks)")
    granted_by: str
    granted_at: datetime
