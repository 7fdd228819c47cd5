"""A line of the audit trail: who did what on which case, when (the actions it names:
``domain.audit_actions``). Written by the application layer's services, and by the
workflows that carry a line for it (a case writes the line of its own opening)."""

from datetime import datetime

from pydantic import BaseModel, Field


class AuditEntry(BaseModel):
    at: datetime
    actor: str
    role: str
    action: str = Field(description='e.g. "case.open", "case.read", "notice.decision"')
    case_id: str | None = None
    detail: str | None = Field(default=None, description="Non-personal detail")
    idempotency_key: str | None = Field(
        default=None,
        max_length=256,
        description="Set by writers that retry (activities): the entry is recorded once",
    )
    id: int | None = None
