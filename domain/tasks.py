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


def task_id(subject_id: str, kind: TaskKind, occasion: str | None = None) -> str:
    """The one way a task's id is written: the case, notice or referral it is about,
    its kind, and which occasion of that kind when the subject can have several (a
    case's second callback: ``callback-2``). Deterministic, so opening the same task
    twice is a no-op and whoever closes it names it the same way."""
    return f"{subject_id}:{kind.value}" + (f":{occasion}" if occasion else "")


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
