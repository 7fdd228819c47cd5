"""A counsellor's worklist: my open cases, callbacks due or soon due, my tasks."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.case import CaseStatus
from domain.casework import ContactCard
from domain.intake import Urgency
from domain.tasks import TaskKind


class NextAction(StrEnum):
    WAIT_FOR_PLATFORM = "wait_for_platform"
    WAIT_FOR_PARTNER = "wait_for_partner"
    CALL_BACK = "call_back"
    CALL_BACK_NOW = "call_back_now"
    CLOSE = "close"
    NONE = "none"


NEXT_ACTION = {
    CaseStatus.AWAITING_PLATFORM: NextAction.WAIT_FOR_PLATFORM,
    CaseStatus.AWAITING_PARTNER: NextAction.WAIT_FOR_PARTNER,
    CaseStatus.CALLBACK_SCHEDULED: NextAction.CALL_BACK,
    CaseStatus.CALLBACK_DUE: NextAction.CALL_BACK_NOW,
    CaseStatus.AWAITING_CLOSURE: NextAction.CLOSE,
}


class WorklistCase(BaseModel):
    case_id: str
    status: CaseStatus
    urgency: Urgency
    next_action: NextAction
    next_action_at: datetime | None = None
    next_action_local: str | None = None
    sla_breached: bool = False
    owner: str | None = None


class CallbackWhen(StrEnum):
    DUE = "due"
    SOON = "soon"


class WorklistCallback(BaseModel):
    case_id: str
    urgency: Urgency
    when: CallbackWhen
    due_at: datetime | None = None
    due_local: str | None = None
    claimed_by: str | None = None
    whom_to_call: ContactCard | None = Field(
        default=None, description="Only for the counsellor who claimed the callback"
    )


class WorklistTask(BaseModel):
    task_id: str
    case_id: str
    kind: TaskKind
    urgency: Urgency
    summary: str
    due_at: datetime | None = None
    claimed_by: str | None = None


class Worklist(BaseModel):
    cases: list[WorklistCase]
    total: int = Field(description="All my open cases (the page holds ``limit`` of them)")
    limit: int
    offset: int
    callbacks: list[WorklistCallback]
    tasks: list[WorklistTask]
