"""Work a workflow hands to a person: a counsellor or a supervisor."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class TaskKind(StrEnum):
    CALLBACK_DUE = "callback_due"
    SUPERVISOR_ESCALATION = "supervisor_escalation"
    NOTICE_REJECTED = "notice_rejected"
    NOTICE_REVIEW = "notice_review"
    MANUAL_HANDOFF = "manual_handoff"


class CounsellorTask(BaseModel):
    task_id: str = Field(description="Deterministic id: creating the same task twice is a no-op")
    case_id: str
    kind: TaskKind
    for_role: str = "counsellor"
    summary: str = Field(max_length=500, description="Non-personal: what to do and why")
    due_at: datetime | None = None


class CloseTasksRequest(BaseModel):
    """Marks done one task (``task_id``) or every open task of a kind on a case."""

    case_id: str
    kind: TaskKind
    task_id: str | None = None
