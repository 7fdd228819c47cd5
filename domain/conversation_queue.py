"""A helpline's queue (``HelplineQueueWorkflow``, ``queue-<helpline>``): counsellors'
presence, the conversations waiting, the offers made; what conversations and the
queue tell each other; what the dashboard, a counsellor's console and a young
person waiting read of it. Ids, enums and times only: no personal data."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.conversation import ConversationStatus, Writer
from domain.conversation_desk import OfferKind, actor_field
from domain.conversation_wait import ExpectedWait
from domain.intake import AgeBand, Channel
from domain.policy import ConversationPolicy


class Presence(StrEnum):
    AVAILABLE = "available"  # takes offers while they have room
    BUSY = "busy"  # at their desk, keeps their conversations, takes no new ones
    AWAY = "away"


class QueueOpening(BaseModel):
    helpline: str
    policy: ConversationPolicy = Field(default_factory=ConversationPolicy)


# ---- counsellors -------------------------------------------------------------------------


class SetPresenceRequest(BaseModel):
    actor: str = actor_field()
    presence: Presence
    capacity: int | None = Field(default=None, ge=1, description="None: keep (default 2)")
    languages: list[str] | None = Field(
        default=None, max_length=10, description="ISO 639-1 codes; None: keep; []: any"
    )


class PresenceHeartbeat(BaseModel):
    """The counsellor's console is alive: their presence holds for another while."""

    actor: str = actor_field()


class DeskRequest(BaseModel):
    counsellor_id: str = Field(min_length=1, max_length=128)


class DeskOffer(BaseModel):
    """An offer on a counsellor's screen: enough to decide, nothing personal."""

    offer_id: str
    conversation_id: str
    kind: OfferKind
    expires_at: datetime | None = Field(default=None, description="Queue offers lapse")
    channel: Channel
    language: str
    writer: Writer
    age_band: AgeBand
    waiting_since: datetime
    from_counsellor: str | None = None


class CounsellorDesk(BaseModel):
    counsellor_id: str
    presence: Presence
    presence_lapsed: bool = Field(
        default=False, description="Set away because their console stopped answering"
    )
    presence_expires_at: datetime | None = None
    capacity: int
    languages: list[str] = Field(default_factory=list)
    conversations: list[str] = Field(default_factory=list, description="With them now")
    offers: list[DeskOffer] = Field(default_factory=list)
    room: int = Field(description="How many more they may be offered now")


# ---- between a conversation and its queue ------------------------------------------------


class QueueStage(StrEnum):
    QUEUED = "queued"  # waiting (or offered)
    WITH_COUNSELLOR = "with_counsellor"  # active or wrapping up
    FINISHED = "finished"


class DeclinedOffer(BaseModel):
    offer_id: str
    counsellor_id: str


class ConversationStanding(BaseModel):
    """Where a conversation stands, as it tells its queue after each change that
    matters to the queue. ``version`` grows with each: the queue applies a standing
    only if newer than the last it applied (a retried delivery is harmless)."""

    conversation_id: str
    version: int
    stage: QueueStage
    status: ConversationStatus
    channel: Channel
    language: str
    writer: Writer
    age_band: AgeBand
    waiting_since: datetime | None = None
    counsellor_id: str | None = None
    transfer_id: str | None = None
    transfer_to: str | None = None
    last_declined: DeclinedOffer | None = Field(
        default=None, description="The last queue offer passed on, so it goes to the next"
    )


class TellQueueRequest(BaseModel):
    """Signal-with-start: the queue is started by the first conversation that needs it."""

    queue: QueueOpening
    standing: ConversationStanding


class OfferMade(BaseModel):
    """From the queue to a conversation: offered to this counsellor until ``expires_at``."""

    offer_id: str
    counsellor_id: str
    made_at: datetime
    expires_at: datetime


class WithdrawalReason(StrEnum):
    NOT_ACCEPTED = "not_accepted"  # lapsed
    COUNSELLOR_AWAY = "counsellor_away"  # went busy or away, or their console died


class OfferWithdrawn(BaseModel):
    offer_id: str
    reason: WithdrawalReason


# ---- supervisors -------------------------------------------------------------------------


class MoveUpRequest(BaseModel):
    actor: str = actor_field()
    conversation_id: str = Field(min_length=1, max_length=64)
    to_place: int = Field(default=1, ge=1, description="1: next to be offered")


# ---- what is read ------------------------------------------------------------------------


class PlaceRequest(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=64)


class WaitingPlace(BaseModel):
    """What the young person waiting is told: their place and an honest wait."""

    conversation_id: str
    place: int | None = Field(description="1 = next; None: not in the queue (any more)")
    waiting: int = Field(description="Conversations waiting in all")
    expected_wait: ExpectedWait


class WaitingEntry(BaseModel):
    place: int
    conversation_id: str
    channel: Channel
    language: str
    writer: Writer
    age_band: AgeBand
    queued_at: datetime
    waited_seconds: int
    moved_up_by: str | None = None
    offered_to: str | None = None


class CounsellorPresenceView(BaseModel):
    counsellor_id: str
    presence: Presence
    presence_lapsed: bool
    capacity: int
    conversations: int
    offers: int
    languages: list[str]


class QueueToday(BaseModel):
    """Counters since local midnight, for the dashboard and the API's metrics."""

    day: str = Field(description="Local date, ISO")
    answered: int = 0
    abandoned: int = 0
    callbacks_requested: int = 0
    offers_not_accepted: int = 0
    wait_p50_seconds: int | None = None
    wait_p90_seconds: int | None = None


class QueueSnapshot(BaseModel):
    helpline: str
    at: datetime
    waiting: list[WaitingEntry]
    longest_wait_seconds: int = 0
    counsellors: list[CounsellorPresenceView]
    available: int = Field(description="Counsellors available (with room or not)")
    with_room: int = Field(description="Available counsellors who could take one more now")
    today: QueueToday
    runs: int = 1
