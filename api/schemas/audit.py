"""Reading the audit trail."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=200)
    action: str | None = Field(default=None, max_length=100)
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=100, ge=1, le=1000)
