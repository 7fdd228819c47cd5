"""What the young person's actions take, written once for every door: the chat's JSON
bodies and its forms (parsed into the same models), a messaging channel's webhook.
Unknown fields are refused; every limit names its field."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.conversation import MAX_MESSAGE_CHARS, CallbackWindow, LeaveReason, PreChat
from domain.intake import CallbackConsent
from domain.personal import ContactDetails

PHONE_PATTERN = r"^\+?[0-9][0-9 .()-]{5,38}$"


class PreChatForm(PreChat):
    """The pre-chat form: who is writing, the age band of the young person concerned,
    the privacy notice accepted, the page's language. Nothing that identifies anyone."""

    model_config = ConfigDict(extra="forbid")

    def pre_chat(self) -> PreChat:
        return PreChat.model_validate(self.model_dump())


class MessageCreate(BaseModel):
    """A message the young person writes."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description=f"The message, 1 to {MAX_MESSAGE_CHARS} characters, not only spaces",
    )

    @field_validator("body")
    @classmethod
    def _not_blank(cls, body: str) -> str:
        if not body.strip():
            raise ValueError("the message is empty")
        return body


class LeaveCreate(BaseModel):
    """They leave: the leave button, or the quick exit (button, Esc)."""

    model_config = ConfigDict(extra="forbid")

    reason: Literal[LeaveReason.LEFT, LeaveReason.QUICK_EXIT] = LeaveReason.LEFT


class CallbackCreate(BaseModel):
    """Rather than wait on: a number to call and when it is safe to call it."""

    model_config = ConfigDict(extra="forbid")

    phone: str = Field(pattern=PHONE_PATTERN, description="The number to call them on")
    first_name: str | None = Field(
        default=None, max_length=100, description="What to call them (a first name, a nickname)"
    )
    earliest_hour: int = Field(default=9, ge=0, le=23, description="Safe from (local hour)")
    latest_hour: int = Field(default=23, ge=1, le=24, description="Safe until (local hour)")
    weekdays_only: bool = False
    instructions: str | None = Field(
        default=None, max_length=500, description='e.g. "never on the family phone"'
    )

    @field_validator("latest_hour")
    @classmethod
    def _after_the_start(cls, latest: int, info: ValidationInfo) -> int:
        earliest = info.data.get("earliest_hour")
        if earliest is not None and latest <= earliest:
            raise ValueError("the safe window must end after it starts")
        return latest

    def window(self) -> CallbackWindow:
        return CallbackWindow(
            earliest_hour=self.earliest_hour,
            latest_hour=self.latest_hour,
            weekdays_only=self.weekdays_only,
        )

    def consent(self) -> CallbackConsent:
        return CallbackConsent(
            consented=True,
            earliest_hour=self.earliest_hour,
            latest_hour=self.latest_hour,
            weekdays_only=self.weekdays_only,
        )

    def contact(self) -> ContactDetails:
        return ContactDetails(
            first_name=self.first_name or None,
            phone=self.phone,
            callback_instructions=self.instructions or None,
        )
