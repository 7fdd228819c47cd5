"""Messages on a messaging channel (WhatsApp, Messenger, the web chat, a plugin's SMS or
Telegram), in the channel's own terms and independent of any one channel's wire format.

Inbound, a channel adapter turns a webhook into :class:`InboundBatch` events: a young
person's :class:`InboundChannelMessage` (text, a media reference, or a kind the helpline
cannot read) and :class:`ChannelStatusUpdate` of what Relais sent (sent, delivered, read,
failed, carrying Relais' own message key when the channel echoes it). Outbound, Relais
sends an :class:`OutboundChannelMessage` (a text, an approved template, a media
reference) under its idempotency key and gets a :class:`ChannelReceipt`.

Everything a young person wrote, their channel identifier and their name are personal
data: the models that carry them are :class:`~domain.personal.PersonalData`.
These models are the channel's vocabulary, not the conversation's: a conversation
keeps its own message records and maps these onto them.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.personal import PersonalData

MAX_KEY_LENGTH = 512  # WhatsApp's biz_opaque_callback_data; Messenger's metadata takes 1,000
TEXT_LIMIT = 4096  # the longest text any built-in channel sends (WhatsApp, the web chat)
_CHANNEL_SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class ChannelMediaKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"


class UnsupportedKind(StrEnum):
    """What a young person sent that the helpline cannot read: recorded as such, and
    they are told what it can read."""

    STICKER = "sticker"
    LOCATION = "location"
    CONTACTS = "contacts"
    CALL = "call"
    OTHER = "other"


class ChannelDeliveryState(StrEnum):
    SENT = "sent"  # the channel took it (WhatsApp "sent", a Messenger echo)
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class ChannelFailureKind(StrEnum):
    """Why a channel refused a message, and so what the caller does next."""

    OUTSIDE_WINDOW = "outside_window"  # only an approved template may go: offer one
    UNDELIVERABLE = "undeliverable"  # the person cannot be reached there: a person's task
    RATE_LIMITED = "rate_limited"  # retry later
    TRANSIENT = "transient"  # retry
    REFUSED = "refused"  # anything else permanent (configuration, a bug): a person's task


class ChannelFeatures(BaseModel):
    """What a channel can carry, for the console (offer templates or not, cap a reply's
    length) and the conversation workflow (the window it must respect)."""

    model_config = ConfigDict(frozen=True)

    templates: bool = Field(description="Approved templates can be sent outside the window")
    media_captions: bool = Field(description="A media message may carry a caption")
    max_text_length: int = Field(gt=0)
    window: timedelta | None = Field(
        default=None, description="Free-form messages only this long after they last wrote"
    )
    counsellor_window: timedelta | None = Field(
        default=None,
        description="A counsellor's own reply may go this long after they last wrote "
        "(Messenger's HUMAN_AGENT tag: 7 days); None: the same as window",
    )


# ---- inbound ------------------------------------------------------------------------


class MediaReference(PersonalData):
    """A file on the channel, not its bytes: what to fetch it with (the channel's media
    id, or a signed URL), and what is known of it before fetching."""

    kind: ChannelMediaKind
    media_id: str | None = Field(default=None, max_length=256)
    url: str | None = Field(default=None, max_length=4096)
    mime_type: str | None = Field(default=None, max_length=255)
    size: int | None = Field(default=None, ge=0, description="Bytes, when the channel says")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description="Hex")
    filename: str | None = Field(default=None, max_length=255)
    message_id: str | None = Field(
        default=None,
        max_length=256,
        description="The channel's message that carried it (Messenger: asked again for a "
        "fresh URL once the webhook's has expired)",
    )
    position: int = Field(default=0, ge=0, description="Its place among that message's files")

    @model_validator(mode="after")
    def _fetchable(self) -> Self:
        if self.media_id is None and self.url is None:
            raise ValueError("a media reference needs a media_id or a url")
        return self


class TextContent(PersonalData):
    type: Literal["text"] = "text"
    text: str = Field(max_length=65_536)


class MediaContent(PersonalData):
    type: Literal["media"] = "media"
    media: MediaReference
    caption: str | None = Field(default=None, max_length=65_536)


class UnsupportedContent(PersonalData):
    type: Literal["unsupported"] = "unsupported"
    what: UnsupportedKind
    detail: str | None = Field(
        default=None, max_length=64, description="The channel's own name for it (poll, fallback)"
    )


class ChoiceContent(PersonalData):
    """A button they tapped under a message of ours (a WhatsApp reply button, a
    Messenger quick reply): the choice's id as we sent it (forgeable: the caller checks
    it names something it asked) and the title they saw."""

    type: Literal["choice"] = "choice"
    choice_id: str = Field(max_length=1000)
    title: str = Field(default="", max_length=256)


InboundContent = Annotated[
    TextContent | MediaContent | UnsupportedContent | ChoiceContent, Field(discriminator="type")
]


class InboundChannelMessage(PersonalData):
    """A young person's message. ``message_id`` is the channel's own id: stable across
    the channel's retries and replays, so the door drops one it already has."""

    event: Literal["message"] = "message"
    channel: str = Field(pattern=_CHANNEL_SLUG)
    message_id: str = Field(min_length=1, max_length=256)
    sender: str = Field(min_length=1, max_length=256, description="wa_id, PSID, chat session")
    sender_name: str | None = Field(default=None, max_length=256)
    business_id: str = Field(
        min_length=1, max_length=256, description="The helpline's number or page written to"
    )
    sent_at: datetime
    content: InboundContent

    @property
    def event_id(self) -> str:
        return f"{self.channel}:message:{self.message_id}"


class ChannelFailure(BaseModel):
    """The channel's reason for a failed message: its code and generic title, never
    its free text (which may echo what was sent)."""

    kind: ChannelFailureKind
    code: int | None = None
    subcode: int | None = None
    title: str = Field(default="", max_length=300)


class ChannelStatusUpdate(PersonalData):
    """News of messages Relais sent. ``message_ids`` are the channel's ids (from the
    receipt); ``reference`` is Relais' own message key when the channel echoes it
    (WhatsApp statuses, Messenger echoes); ``up_to``: everything sent to this person
    before it is in ``state`` (Messenger's watermarks, which name no message)."""

    event: Literal["status"] = "status"
    channel: str = Field(pattern=_CHANNEL_SLUG)
    business_id: str = Field(min_length=1, max_length=256)
    recipient: str = Field(min_length=1, max_length=256)
    state: ChannelDeliveryState
    message_ids: list[str] = Field(default_factory=list, max_length=1000)
    reference: str | None = Field(default=None, max_length=1000)
    at: datetime
    up_to: datetime | None = None
    failure: ChannelFailure | None = None

    @property
    def event_id(self) -> str:
        marks = ",".join(self.message_ids)
        if not marks and self.up_to is not None:
            marks = f"{self.recipient}@{int(self.up_to.timestamp() * 1000)}"
        return f"{self.channel}:status:{self.state.value}:{marks}"


ChannelEvent = Annotated[InboundChannelMessage | ChannelStatusUpdate, Field(discriminator="event")]


class InboundBatch(BaseModel):
    """Every event of one webhook, in the order the channel wrote them. ``ignored``
    names what was skipped by kind only (a Messenger postback, a WhatsApp account
    update), never by content, so it can be logged."""

    events: list[ChannelEvent] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list)

    @property
    def messages(self) -> list[InboundChannelMessage]:
        return [e for e in self.events if isinstance(e, InboundChannelMessage)]

    @property
    def statuses(self) -> list[ChannelStatusUpdate]:
        return [e for e in self.events if isinstance(e, ChannelStatusUpdate)]


# ---- outbound -----------------------------------------------------------------------


class TextMessage(PersonalData):
    type: Literal["text"] = "text"
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class TemplateMessage(PersonalData):
    """An approved template (WhatsApp): its name, language and body parameters."""

    type: Literal["template"] = "template"
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    parameters: list[str] = Field(default_factory=list, max_length=20)


class MediaMessage(PersonalData):
    """A file to send: a public ``link`` the channel fetches, or a ``media_id`` it
    already holds."""

    type: Literal["media"] = "media"
    kind: ChannelMediaKind
    link: str | None = Field(default=None, max_length=4096, pattern=r"^https?://")
    media_id: str | None = Field(default=None, max_length=256)
    caption: str | None = Field(default=None, max_length=1024)
    filename: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.link is None) == (self.media_id is None):
            raise ValueError("give exactly one of link and media_id")
        return self


CHOICE_TITLE_LIMIT = 20  # WhatsApp's reply buttons and Messenger's quick replies alike
CHOICE_ID_LIMIT = 256  # WhatsApp's button id (a Messenger payload takes 1,000)


class ReplyChoice(BaseModel):
    """One button: the id that comes back when it is tapped (no personal data in it)
    and the title they read."""

    id: str = Field(min_length=1, max_length=CHOICE_ID_LIMIT, pattern=r"^[A-Za-z0-9_.:-]+$")
    title: str = Field(min_length=1, max_length=CHOICE_TITLE_LIMIT)


class ChoiceMessage(PersonalData):
    """A short text with buttons to answer it (WhatsApp: an interactive ``button``
    message, at most 3; Messenger: quick replies). Free-form: inside the window only."""

    type: Literal["choices"] = "choices"
    text: str = Field(min_length=1, max_length=1024)
    choices: list[ReplyChoice] = Field(min_length=1, max_length=3)


OutboundContent = Annotated[
    TextMessage | TemplateMessage | MediaMessage | ChoiceMessage, Field(discriminator="type")
]


class OutboundChannelMessage(PersonalData):
    """A message to a young person. ``idempotency_key`` is Relais' own key for it: the
    adapter puts it where the channel echoes it back, since Meta's send endpoints have
    no idempotency key of their own. ``business_id``: the number or page to send from
    (the one they wrote to); None: the channel's first. ``by_counsellor``: a person
    typed it (Messenger may then use the HUMAN_AGENT tag's 7 days)."""

    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH)
    recipient: str = Field(min_length=1, max_length=256)
    business_id: str | None = Field(default=None, max_length=256)
    content: OutboundContent
    by_counsellor: bool = False


class ChannelReceipt(BaseModel):
    """The channel took the message; its own id for it (statuses name it)."""

    channel_message_id: str = Field(min_length=1, max_length=256)
