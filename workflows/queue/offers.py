"""Who is offered which conversation: the helpline's rule, pure.

- Conversations in queue order (first come, first served; a supervisor may move one
  up), each offered to one counsellor at a time.
- A counsellor is offered one only while available, at their desk (their presence
  has not lapsed) and with room: the conversations with them and the offers on their
  screen stay under their capacity.
- Among those, the one who speaks the young person's language first (when the policy
  prefers it; nobody who does: anyone), then the least loaded, then the longest idle
  (idle since they became available or last got or finished a conversation).
- A counsellor who passed on a conversation, or let its offer lapse, is not offered
  it again for a while (``offer_again_after``): it goes to the next, or waits.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from domain.conversation_queue import Presence


class Seat(BaseModel):
    """A counsellor as the queue knows them."""

    counsellor_id: str
    presence: Presence
    capacity: int
    languages: list[str] = Field(default_factory=list, description="Empty: any language")
    idle_since: datetime
    expires_at: datetime | None = Field(default=None, description="Presence lapses then")
    lapsed: bool = Field(default=False, description="Set away because their console went quiet")
    lapsed_from: Presence | None = Field(default=None, description="Restored by a heartbeat")
    conversations: list[str] = Field(default_factory=list, description="With them now")

    def at_desk(self, now: datetime) -> bool:
        return self.presence is not Presence.AWAY and (
            self.expires_at is None or now < self.expires_at
        )

    def speaks(self, language: str) -> bool:
        return not self.languages or language in self.languages


class Candidate(BaseModel):
    """A conversation waiting for an offer."""

    conversation_id: str
    language: str
    not_before: dict[str, datetime] = Field(
        default_factory=dict, description="Counsellor -> not offered it again before"
    )


@dataclass(frozen=True)
class Choice:
    conversation_id: str
    counsellor_id: str


def room(seat: Seat, offers_on_screen: int) -> int:
    return seat.capacity - len(seat.conversations) - offers_on_screen


def choose_offers(
    waiting: list[Candidate],
    seats: list[Seat],
    offers_on_screen: dict[str, int],
    now: datetime,
    prefer_language: bool,
) -> list[Choice]:
    """The offers to make now, in queue order. ``waiting`` holds only conversations
    without a live offer; ``offers_on_screen`` counts each counsellor's live offers."""
    load = {
        seat.counsellor_id: len(seat.conversations) + offers_on_screen.get(seat.counsellor_id, 0)
        for seat in seats
    }
    choices: list[Choice] = []
    for candidate in waiting:
        open_seats = [
            seat
            for seat in seats
            if seat.presence is Presence.AVAILABLE
            and seat.at_desk(now)
            and seat.capacity - load[seat.counsellor_id] > 0
        ]
        seat = _best(candidate, open_seats, load, now, prefer_language)
        if seat is not None:
            load[seat.counsellor_id] += 1
            choices.append(Choice(candidate.conversation_id, seat.counsellor_id))
    return choices


def _best(
    candidate: Candidate,
    seats: list[Seat],
    load: dict[str, int],
    now: datetime,
    prefer_language: bool,
) -> Seat | None:
    pool = [
        seat
        for seat in seats
        if candidate.not_before.get(seat.counsellor_id) is None
        or candidate.not_before[seat.counsellor_id] <= now
    ]
    if prefer_language:
        pool = [seat for seat in pool if seat.speaks(candidate.language)] or pool
    if not pool:
        return None
    return min(
        pool, key=lambda seat: (load[seat.counsellor_id], seat.idle_since, seat.counsellor_id)
    )
