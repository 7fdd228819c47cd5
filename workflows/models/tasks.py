"""Work a workflow hands to a person: a counsellor or a supervisor."""

from datetime import datetime

from pydantic import BaseModel, Field

from workflows.models.enums import TaskKind


class CounsellorTask(BaseModel):
    task_id: str = Field(description="Deterministic id: creating the same task twice is a no-op")
    case_id: str
    kind: TaskKind
    for_role: str = "counsellor"
    summary: str = Field(max_length=500, description="Non-personal: what to do and why")
    due_at: datetime | None = None
