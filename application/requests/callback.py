"""The callback (``application.callback``): what a counsellor sends to move it or to
record how the call went, and what the queue of due callbacks shows."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.case import CallbackOutcomeRequest, CallbackResult, RescheduleCallbackRequest


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


class CallbackOutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: CallbackResult
    close_case: bool = Field(
        default=False, description="When reached: the young person is safe, close the case"
    )
    notes_code: str | None = Field(
        default=None, max_length=200, description="Non-personal outcome note for statistics"
    )

    def request(self, actor: str) -> CallbackOutcomeRequest:
        return CallbackOutcomeRequest(**self.model_dump(), actor=actor)
