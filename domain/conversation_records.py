"""What a conversation asks of the world outside its workflow: its directory row
(what dashboards and metrics read), a message delivered on a channel that pushes,
its transcript filed, moved under a case's key, or purged. Ids and metadata only."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.conversation import AuthorKind, ConversationStatus, Writer
from domain.conversation_desk import ConversationOutcome
from domain.intake import AgeBand, Channel

# A channel refused a message for good: not retried, the counsellor sees it failed.
PERMANENT_CHANNEL_ERROR = "PermanentChannelError"


class ConversationRecord(BaseModel):
    """The ``conversations`` row: the figures a dashboard and the API's metrics need
    (waiting now, waits, abandoned and missed, offers not accepted), no personal data."""

    conversation_id: str
    version: int
    helpline: str
    channel: Channel
    writer: Writer
    age_band: AgeBand
    language: str
    status: ConversationStatus
    counsellor_id: str | None = None
    case_id: str | None = None
    opened_at: datetime
    waiting_since: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    waited_seconds: int | None = Field(default=None, description="Until answered (or left)")
    outcome: ConversationOutcome | None = None
    messages: int = 0
    offers_not_accepted: int = 0
    purge_after: datetime | None = Field(
        default=None, description="Ended and not linked to a case: purged then"
    )
    updated_at: datetime


class DeliveryRequest(BaseModel):
    """Send one message to the young person on a channel that pushes (WhatsApp,
    Messenger): the adapter reads the body by id and sends it once under the message
    id (its idempotency key)."""

    conversation_id: str
    message_id: str
    seq: int
    channel: Channel


class DeliveryReceipt(BaseModel):
    channel_reference: str | None = None


class TranscriptLine(BaseModel):
    """A line of the transcript as the workflow recorded it (its order is the truth)."""

    message_id: str
    seq: int
    at: datetime
    author_kind: AuthorKind
    author: str | None = None
    internal: bool = False


class FileTranscriptRequest(BaseModel):
    """The conversation is over: its lines get their place and time in the store,
    messages stored but never accepted (refused, a door that died) are deleted; when
    linked to a case, any line still under the conversation's key moves under the
    case's and the conversation's key is destroyed."""

    conversation_id: str
    lines: list[TranscriptLine]
    case_id: str | None = None


class TranscriptFiled(BaseModel):
    filed: int
    dropped: int = Field(description="Stored but never part of the conversation")
    conversation_key_destroyed: bool = False


class LinkTranscriptRequest(BaseModel):
    """The conversation joins a case: what is stored moves under the case's key and new
    messages are sealed with it; once the conversation is over (``retire``) its own key
    is destroyed."""

    conversation_id: str
    case_id: str
    retire_conversation_key: bool = False


class TranscriptLinked(BaseModel):
    moved: int
    conversation_key_destroyed: bool = False


class PurgeTranscriptRequest(BaseModel):
    conversation_id: str
    at: datetime


class TranscriptPurged(BaseModel):
    deleted: int
    conversation_key_destroyed: bool


class ConversationResult(BaseModel):
    """What a ConversationWorkflow ends with, once its transcript is linked or purged."""

    conversation_id: str
    status: ConversationStatus
    outcome: ConversationOutcome | None = None
    linked_case_id: str | None = None
    purged: bool = False
    messages: int = 0
    waited_seconds: int | None = None


class ConversationFigures(BaseModel):
    """A helpline's conversations from its directory rows: what the API's metrics
    (``relais_conversations_waiting``, the wait-time histogram, abandoned and missed
    counters, offers not accepted) and a dashboard read."""

    helpline: str
    since: datetime
    waiting: int = Field(description="Waiting or offered now")
    waiting_since: datetime | None = Field(description="The longest waiting one's start")
    by_status: dict[str, int] = Field(description="Conversations opened since, by status now")
    offers_not_accepted: int
    answered_waits_seconds: list[int] = Field(description="Of those answered since")
