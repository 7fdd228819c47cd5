"""What the queue holds about each conversation (waiting, or with a counsellor), its
day's counters, and the signals it sends. Pure models."""

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.conversation import Writer
from domain.conversation_queue import ConversationStanding, OfferMade, OfferWithdrawn
from domain.intake import AgeBand, Channel
from workflows.queue.offers import Candidate


class LiveOffer(BaseModel):
    offer_id: str
    counsellor_id: str
    made_at: datetime
    expires_at: datetime


class About(BaseModel):
    """What the queue shows of a conversation: categories, never a person."""

    conversation_id: str
    channel: Channel
    language: str
    writer: Writer
    age_band: AgeBand
    waiting_since: datetime = Field(description="By the conversation's clock")

    @classmethod
    def of(cls, standing: ConversationStanding, now: datetime) -> "About":
        return cls(
            conversation_id=standing.conversation_id,
            channel=standing.channel,
            language=standing.language,
            writer=standing.writer,
            age_band=standing.age_band,
            waiting_since=standing.waiting_since or now,
        )


class Queued(About):
    queued_at: datetime = Field(description="By the queue's clock")
    moved_up_by: str | None = None
    offer: LiveOffer | None = None
    not_before: dict[str, datetime] = Field(default_factory=dict)
    declined_offer: str | None = Field(default=None, description="The last pass applied")

    def candidate(self) -> Candidate:
        return Candidate(
            conversation_id=self.conversation_id,
            language=self.language,
            not_before=dict(self.not_before),
        )


class WithCounsellor(About):
    counsellor_id: str
    transfer_id: str | None = None
    transfer_to: str | None = None
    transfer_since: datetime | None = None


class Today(BaseModel):
    day: date
    answered: int = 0
    abandoned: int = 0
    callbacks_requested: int = 0
    offers_not_accepted: int = 0
    waits: list[int] = Field(default_factory=list, description="Seconds, of those answered")


@dataclass(frozen=True)
class Offer:
    conversation_id: str
    made: OfferMade


@dataclass(frozen=True)
class Withdrawal:
    conversation_id: str
    withdrawn: OfferWithdrawn


Outbound = Offer | Withdrawal
