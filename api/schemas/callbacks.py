"""The callbacks queue: what a counsellor sees and sends."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.case import ReopenRequest, RescheduleCallbackRequest


class DueCallback(BaseModel):
    case_id: str
    task_id: str
    summary: str
    due_at: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None


class CallbackReschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime = Field(description="New time, with its time zone offset")

    def request(self, actor: str) -> RescheduleCallbackRequest:
        return RescheduleCallbackRequest(at=self.at, actor=actor)


class CaseReopen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, description="Non-personal reason")

    def request(self, actor: str) -> ReopenRequest:
        return ReopenRequest(actor=actor, reason=self.reason)
