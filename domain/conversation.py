"""A conversation: a young person (or a parent, a professional) writing to the helpline
by web chat, WhatsApp or Messenger, from the pre-chat form to its end.

Only what the workflow needs travels here: the pre-chat answers (no name, no
identifier), message references and their digests. Message bodies are personal data
and never enter a workflow: the door stores each one encrypted in the app database
first (``conversation_messages``) and tells the workflow its id and digests (the
claim-check pattern, see ``workflows/README.md``).
"""

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from domain.channel_messages import ChannelDeliveryState
from domain.intake import AgeBand, CallerRole, Category, Channel, Consents, Intake
from domain.policy import ConversationPolicy

MAX_MESSAGE_CHARS = 4096  # a longer message is refused at the door, naming the field
CONVERSATION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
HELPLINE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
DIGEST_PATTERN = r"^[0-9a-f]{64}$"
CHAT_CHANNELS = frozenset({Channel.WEB_CHAT, Channel.WHATSAPP, Channel.MESSENGER, Channel.APP})
PULLED_CHANNELS = frozenset({Channel.WEB_CHAT, Channel.APP})  # the young person's page reads


class ConversationStatus(StrEnum):
    WAITING = "waiting"  # in the helpline's queue
    OFFERED = "offered"  # offered to a counsellor, not accepted yet
    ACTIVE = "active"  # a counsellor is with the young person
    WRAPPING_UP = "wrapping_up"  # the chat is over; the counsellor writes the wrap-up
    ENDED = "ended"
    ABANDONED = "abandoned"  # the young person left before anyone answered
    MISSED = "missed"  # written outside opening hours: never queued
    CALLBACK_REQUESTED = "callback_requested"  # left a way to be called back instead

    @property
    def final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def queued(self) -> bool:
        return self in (ConversationStatus.WAITING, ConversationStatus.OFFERED)


FINAL_STATUSES = frozenset(
    {
        ConversationStatus.ENDED,
        ConversationStatus.ABANDONED,
        ConversationStatus.MISSED,
        ConversationStatus.CALLBACK_REQUESTED,
    }
)


class Writer(StrEnum):
    """Who is writing, as the pre-chat form asks it."""

    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    PROFESSIONAL = "professional"

    @property
    def caller_role(self) -> CallerRole:
        """The case's caller role, to prefill a case opened from the conversation."""
        return {
            Writer.YOUNG_PERSON: CallerRole.VICTIM,
            Writer.PARENT: CallerRole.PARENT,
            Writer.PROFESSIONAL: CallerRole.PROFESSIONAL,
        }[self]


class PreChat(BaseModel):
    """The pre-chat form: nothing that identifies anyone."""

    writer: Writer
    age_band: AgeBand = Field(description="Of the young person concerned")
    language: str = Field(default="fr", pattern=r"^[a-z]{2}$", description="ISO 639-1")
    privacy_notice_accepted: bool

    @field_validator("privacy_notice_accepted")
    @classmethod
    def _notice_accepted(cls, accepted: bool) -> bool:
        if not accepted:
            raise ValueError("the privacy notice must be accepted before writing")
        return accepted


class AuthorKind(StrEnum):
    YOUNG_PERSON = "young_person"
    COUNSELLOR = "counsellor"


class MessageDigests(BaseModel):
    key_digest: str = Field(pattern=DIGEST_PATTERN, description="Of the idempotency key")
    body_digest: str = Field(
        pattern=DIGEST_PATTERN,
        description="Of the body with the key: the same key and body are the same message; "
        "without the key (never stored) the body cannot be guessed from it",
    )


def message_digests(conversation_id: str, idempotency_key: str, body: str) -> MessageDigests:
    """The digests the door and the transcript store compute for a message."""
    key = hashlib.sha256(f"relais/message-key\0{conversation_id}\0{idempotency_key}".encode())
    content = hashlib.sha256(f"relais/message\0{idempotency_key}\0{body}".encode())
    return MessageDigests(key_digest=key.hexdigest(), body_digest=content.hexdigest())


class MessageRef(MessageDigests):
    """A message the door stored (encrypted) before telling the workflow about it."""

    message_id: str = Field(pattern=CONVERSATION_ID_PATTERN)


class ConversationOpening(BaseModel):
    """What a ConversationWorkflow is started with (``conversation-<id>``)."""

    conversation_id: str = Field(pattern=CONVERSATION_ID_PATTERN)
    helpline: str = Field(pattern=HELPLINE_PATTERN, description="Whose queue it waits in")
    channel: Channel
    pre_chat: PreChat
    policy: ConversationPolicy = Field(default_factory=ConversationPolicy)
    first_message: MessageRef | None = Field(
        default=None,
        description="A messaging channel's first message, stored before the start: it takes "
        "its place at the opening, so the webhook is answered without waiting on a worker",
    )

    @field_validator("channel")
    @classmethod
    def _a_chat_channel(cls, channel: Channel) -> Channel:
        if channel not in CHAT_CHANNELS:
            raise ValueError(f"a conversation is written, not on {channel.value}")
        return channel

    def intake(self, categories: list[Category], consents: Consents | None = None) -> Intake:
        """A case's intake prefilled from the pre-chat form (channel, caller, age band)."""
        return Intake(
            channel=self.channel,
            caller_role=self.pre_chat.writer.caller_role,
            age_band=self.pre_chat.age_band,
            categories=categories,
            consents=consents or Consents(),
        )


# ---- messages, by reference ---------------------------------------------------------------


class MessageAccepted(BaseModel):
    message_id: str
    seq: int = Field(description="Its place in the transcript, from 1")
    at: datetime
    already_recorded: bool = Field(
        default=False, description="The same key and body came before: the same message"
    )


class Delivery(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"  # web chat: the young person's page fetched it
    FAILED = "failed"  # the channel refused it for good (the counsellor sees it)


class MessageView(BaseModel):
    """A transcript line without its body: the door reads bodies by id."""

    seq: int
    message_id: str
    author_kind: AuthorKind
    author: str | None = Field(default=None, description="The counsellor (never shown to them)")
    at: datetime
    internal: bool = Field(default=False, description="A note between counsellors: never sent")
    delivery: Delivery | None = Field(default=None, description="For messages to them")
    channel_status: ChannelDeliveryState | None = Field(
        default=None, description="WhatsApp, Messenger: what the channel last said of it"
    )


class ViewRequest(BaseModel):
    since_seq: int = Field(default=0, ge=0, description="Messages after this one")


# ---- the young person's side --------------------------------------------------------------


class YoungPersonWrites(BaseModel):
    message: MessageRef


class HelplineAnswers(BaseModel):
    """An automatic answer of the helpline itself (a channel's message it cannot read):
    stored sealed by the door first, pushed to the young person like a counsellor's."""

    message: MessageRef


class LeaveReason(StrEnum):
    LEFT = "left"
    QUICK_EXIT = "quick_exit"
    CHANNEL_CLOSED = "channel_closed"


class YoungPersonLeaves(BaseModel):
    reason: LeaveReason = LeaveReason.LEFT


class CallbackWindow(BaseModel):
    """When it is safe to call back, local hours of the helpline (how to call is
    personal data: the door stores it encrypted beside the transcript)."""

    earliest_hour: int = Field(default=9, ge=0, le=23)
    latest_hour: int = Field(default=23, ge=1, le=24)
    weekdays_only: bool = False


class CallbackRequest(BaseModel):
    window: CallbackWindow = Field(default_factory=CallbackWindow)


class ChannelStatusNote(BaseModel):
    """What a messaging channel said of messages Relais sent (a status webhook): by
    Relais' message id (WhatsApp echoes its key), by the channel's own ids, or for
    everything sent before ``up_to`` (Messenger's watermarks). No personal data."""

    state: ChannelDeliveryState
    at: datetime
    message_id: str | None = Field(default=None, max_length=256)
    channel_message_ids: list[str] = Field(default_factory=list, max_length=1000)
    up_to: datetime | None = None
    failure: str | None = Field(default=None, max_length=64, description="The failure's kind")


class YoungPersonView(BaseModel):
    """What the young person's page shows: never who the counsellor is. Their place
    and expected wait come from the queue (``WAITING_PLACE``)."""

    conversation_id: str
    status: ConversationStatus
    waiting_since: datetime | None = None
    counsellor_joined: bool = False
    callback_offered: bool = Field(
        default=False, description="They have waited long: offer them a callback instead"
    )
    opens_at: datetime | None = Field(default=None, description="When missed: next opening")
    messages: list[MessageView] = Field(default_factory=list, description="Since since_seq")
    last_seq: int = 0
    ended_at: datetime | None = None
