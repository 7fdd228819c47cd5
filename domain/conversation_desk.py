"""The counsellor's side of a conversation: answering an offer, replying, handing it
over, ending it with a wrap-up and linking it to a case; and what they see of it."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain.conversation import (
    CallbackWindow,
    ConversationStatus,
    MessageRef,
    MessageView,
    PreChat,
)
from domain.intake import Channel


def actor_field() -> Any:
    return Field(min_length=1, max_length=128, description="Who does it (the counsellor's id)")


class OfferKind(StrEnum):
    QUEUE = "queue"  # the helpline's queue chose this counsellor
    TRANSFER = "transfer"  # a colleague hands the conversation over


class AcceptRequest(BaseModel):
    actor: str = actor_field()
    offer_id: str = Field(min_length=1, max_length=128)


class PassRequest(BaseModel):
    actor: str = actor_field()
    offer_id: str = Field(min_length=1, max_length=128)


class OfferPassed(BaseModel):
    conversation_id: str
    offer_id: str
    status: ConversationStatus


class CounsellorReplies(BaseModel):
    actor: str = actor_field()
    message: MessageRef


class EndChatRequest(BaseModel):
    """The counsellor closes the chat; the wrap-up follows."""

    actor: str = actor_field()


class ConversationOutcome(StrEnum):
    """The wrap-up's category (statistics: no free text)."""

    ADVICE_GIVEN = "advice_given"
    CASE_OPENED = "case_opened"
    ATTACHED_TO_CASE = "attached_to_case"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    YOUNG_PERSON_SILENT = "young_person_silent"
    OUT_OF_SCOPE = "out_of_scope"
    ABUSIVE_OR_HOAX = "abusive_or_hoax"
    NOT_RECORDED = "not_recorded"  # the wrap-up was not written in time


class WrapUpRequest(BaseModel):
    actor: str = actor_field()
    outcome: ConversationOutcome


class TransferTo(StrEnum):
    COLLEAGUE = "colleague"
    SUPERVISOR = "supervisor"


class TransferRequest(BaseModel):
    actor: str = actor_field()
    to: str = Field(min_length=1, max_length=128, description="The colleague or supervisor")
    to_role: TransferTo = TransferTo.COLLEAGUE
    holder: str | None = Field(
        default=None,
        max_length=128,
        description="A supervisor handing over a colleague's conversation: the counsellor it "
        "is with (the application checked the supervisor's role); none: the actor's own",
    )
    note: MessageRef | None = Field(
        default=None,
        description="A note for the colleague, stored by the door like a message (free text "
        "is personal data) and kept in the transcript as an internal line",
    )


class LinkKind(StrEnum):
    OPENED_FROM = "opened_from"  # a case opened from this conversation
    ATTACHED = "attached"  # attached to an existing case, as a contact of it


class LinkCaseRequest(BaseModel):
    actor: str = actor_field()
    case_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    how: LinkKind


class OfferView(BaseModel):
    offer_id: str
    kind: OfferKind
    counsellor_id: str
    made_at: datetime
    expires_at: datetime
    from_counsellor: str | None = Field(default=None, description="Who transfers it")


class Handling(BaseModel):
    """A counsellor's time with the conversation."""

    counsellor_id: str
    since: datetime
    until: datetime | None = None


class CounsellorView(BaseModel):
    """What a counsellor's screen shows of one conversation (bodies read apart)."""

    conversation_id: str
    helpline: str
    status: ConversationStatus
    channel: Channel
    pre_chat: PreChat
    opened_at: datetime
    waiting_since: datetime | None = None
    answered_at: datetime | None = None
    counsellor_id: str | None = Field(default=None, description="Whom it is with")
    handled_by: list[Handling] = Field(default_factory=list)
    offer: OfferView | None = Field(default=None, description="A live queue offer or transfer")
    young_person_left: bool = False
    callback_requested: CallbackWindow | None = None
    wrap_up_due_at: datetime | None = None
    outcome: ConversationOutcome | None = None
    linked_case_id: str | None = None
    link_kind: LinkKind | None = None
    ended_at: datetime | None = None
    messages: list[MessageView] = Field(default_factory=list, description="Since since_seq")
    last_seq: int = 0
    deliveries: str = Field(
        default="", description="Answers sent.delivered.read.failed (counts): changes redraw"
    )
    offers_not_accepted: int = 0
    runs: int = 1
