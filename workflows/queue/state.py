"""The state of a helpline's queue: the conversations waiting (in order), those with a
counsellor, the counsellors' seats, what was answered lately and today's counters.
One serialisable model, carried whole by continue-as-new. Transitions are pure
(``now`` is given) and return the signals to send to conversations (offers made or
withdrawn); the workflow sends them.

Its clock is the queue's own: waits are measured from when the queue heard of a
conversation to when it heard it was taken, so they never mix two clocks.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.conversation import ConversationStatus
from domain.conversation_queue import (
    ConversationStanding,
    MoveUpRequest,
    OfferMade,
    OfferWithdrawn,
    Presence,
    QueueOpening,
    QueueStage,
    SetPresenceRequest,
    WithdrawalReason,
)
from domain.conversation_wait import Answered
from domain.policy import ConversationPolicy
from workflows.queue.entries import (
    About,
    LiveOffer,
    Offer,
    Outbound,
    Queued,
    Today,
    WithCounsellor,
    Withdrawal,
)
from workflows.queue.offers import Seat, choose_offers

MAX_FINISHED = 1000  # conversations remembered as over, so a late standing cannot revive one
MAX_ANSWERED = 500
MAX_WAITS_TODAY = 5000


class QueueState(BaseModel):
    waiting: list[Queued] = Field(default_factory=list, description="In the order offered")
    with_counsellors: dict[str, WithCounsellor] = Field(default_factory=dict)
    seats: dict[str, Seat] = Field(default_factory=dict)
    versions: dict[str, int] = Field(default_factory=dict)
    finished: list[str] = Field(default_factory=list)
    answered: list[Answered] = Field(default_factory=list)
    today: Today
    offers_made: int = 0
    runs: int = 1

    @classmethod
    def started(cls, now: datetime, policy: ConversationPolicy) -> "QueueState":
        return cls(today=Today(day=_local_day(now, policy)))

    # ---- what it is ------------------------------------------------------------------------

    def queued(self, conversation_id: str) -> Queued | None:
        return next((q for q in self.waiting if q.conversation_id == conversation_id), None)

    def place_of(self, conversation_id: str) -> int | None:
        for place, queued in enumerate(self.waiting, start=1):
            if queued.conversation_id == conversation_id:
                return place
        return None

    def offers_to(self, counsellor_id: str) -> list[Queued]:
        return [q for q in self.waiting if q.offer and q.offer.counsellor_id == counsellor_id]

    def transfers_to(self, counsellor_id: str) -> list[WithCounsellor]:
        return [w for w in self.with_counsellors.values() if w.transfer_to == counsellor_id]

    def at_desk(self, now: datetime) -> list[Seat]:
        return [seat for seat in self.seats.values() if seat.at_desk(now)]

    def next_deadline(self) -> datetime | None:
        deadlines = [q.offer.expires_at for q in self.waiting if q.offer]
        deadlines += [
            seat.expires_at
            for seat in self.seats.values()
            if seat.presence is not Presence.AWAY and seat.expires_at is not None
        ]
        deadlines += [
            until for q in self.waiting if q.offer is None for until in q.not_before.values()
        ]
        return min(deadlines, default=None)

    # ---- conversations ---------------------------------------------------------------------

    def standing(
        self, standing: ConversationStanding, now: datetime, policy: ConversationPolicy
    ) -> bool:
        """Where a conversation stands now; False when stale (older than applied)."""
        key = standing.conversation_id
        if key in self.finished or standing.version <= self.versions.get(key, -1):
            return False
        self.versions[key] = standing.version
        self._roll_day(now, policy)
        if standing.stage is QueueStage.QUEUED:
            self._queued(standing, now, policy)
        elif standing.stage is QueueStage.WITH_COUNSELLOR:
            self._with_counsellor(standing, now, policy)
        else:
            self._finished(standing, now)
        return True

    def _queued(
        self, standing: ConversationStanding, now: datetime, policy: ConversationPolicy
    ) -> None:
        queued = self.queued(standing.conversation_id)
        if queued is None:
            if standing.conversation_id in self.with_counsellors:
                return  # never back to the queue once taken
            queued = Queued(**About.of(standing, now).model_dump(), queued_at=now)
            self._line_up(queued)
        declined = standing.last_declined
        if declined is not None and declined.offer_id != queued.declined_offer:
            queued.declined_offer = declined.offer_id
            queued.not_before[declined.counsellor_id] = now + policy.offer_again_after
            if queued.offer is not None and queued.offer.offer_id == declined.offer_id:
                queued.offer = None
                self.today.offers_not_accepted += 1

    def _line_up(self, queued: Queued) -> None:
        """First come, first served by when they started waiting (two arriving within
        milliseconds may reach the queue in the other order), never ahead of one a
        supervisor moved up."""
        place = len(self.waiting)
        while place > 0:
            ahead = self.waiting[place - 1]
            if ahead.moved_up_by is not None or ahead.waiting_since <= queued.waiting_since:
                break
            place -= 1
        self.waiting.insert(place, queued)

    def _with_counsellor(
        self, standing: ConversationStanding, now: datetime, policy: ConversationPolicy
    ) -> None:
        key, counsellor_id = standing.conversation_id, standing.counsellor_id
        assert counsellor_id is not None, "a conversation with a counsellor names them"
        queued = self.queued(key)
        if queued is not None:
            self.waiting.remove(queued)
            waited = int((now - queued.queued_at).total_seconds())
            self.answered = [*self.answered, Answered(at=now, waited_seconds=waited)][
                -MAX_ANSWERED:
            ]
            self.today.answered += 1
            self.today.waits = [*self.today.waits, waited][-MAX_WAITS_TODAY:]
        earlier = self.with_counsellors.get(key)
        if earlier is not None and earlier.counsellor_id != counsellor_id:
            self._leave_seat(earlier.counsellor_id, key, now)
        seat = self.seats.get(counsellor_id) or Seat(
            counsellor_id=counsellor_id,
            presence=Presence.AWAY,  # took a transfer without a presence: offered nothing
            capacity=policy.default_capacity,
            idle_since=now,
        )
        self.seats[counsellor_id] = seat
        if key not in seat.conversations:
            seat.conversations.append(key)
            seat.idle_since = now
        transfer_since = earlier.transfer_since if earlier else None
        if standing.transfer_id and (
            earlier is None or earlier.transfer_id != standing.transfer_id
        ):
            transfer_since = now
        self.with_counsellors[key] = WithCounsellor(
            **About.of(standing, now).model_dump(),
            counsellor_id=counsellor_id,
            transfer_id=standing.transfer_id,
            transfer_to=standing.transfer_to,
            transfer_since=transfer_since if standing.transfer_id else None,
        )

    def _finished(self, standing: ConversationStanding, now: datetime) -> None:
        key = standing.conversation_id
        queued = self.queued(key)
        if queued is not None:
            self.waiting.remove(queued)
            if standing.status is ConversationStatus.ABANDONED:
                self.today.abandoned += 1
            elif standing.status is ConversationStatus.CALLBACK_REQUESTED:
                self.today.callbacks_requested += 1
        earlier = self.with_counsellors.pop(key, None)
        if earlier is not None:
            self._leave_seat(earlier.counsellor_id, key, now)
        self.versions.pop(key, None)
        self.finished = [*self.finished, key][-MAX_FINISHED:]

    def _leave_seat(self, counsellor_id: str, conversation_id: str, now: datetime) -> None:
        seat = self.seats.get(counsellor_id)
        if seat is not None and conversation_id in seat.conversations:
            seat.conversations.remove(conversation_id)
            seat.idle_since = now

    def forget(self, conversation_id: str, now: datetime) -> None:
        """A conversation that no longer runs (a signal to it failed): out of the queue."""
        queued = self.queued(conversation_id)
        if queued is not None:
            self.waiting.remove(queued)
        earlier = self.with_counsellors.pop(conversation_id, None)
        if earlier is not None:
            self._leave_seat(earlier.counsellor_id, conversation_id, now)
        self.versions.pop(conversation_id, None)
        self.finished = [*self.finished, conversation_id][-MAX_FINISHED:]

    def move_up(self, request: MoveUpRequest) -> int:
        """A supervisor moves a waiting conversation up (to the front by default)."""
        queued = self.queued(request.conversation_id)
        assert queued is not None, "checked by the validator"
        self.waiting.remove(queued)
        place = min(request.to_place, len(self.waiting) + 1)
        self.waiting.insert(place - 1, queued)
        queued.moved_up_by = request.actor
        return place

    # ---- counsellors -----------------------------------------------------------------------

    def set_presence(
        self, request: SetPresenceRequest, now: datetime, policy: ConversationPolicy
    ) -> tuple[Seat, list[Outbound]]:
        seat = self.seats.get(request.actor) or Seat(
            counsellor_id=request.actor,
            presence=Presence.AWAY,
            capacity=policy.default_capacity,
            idle_since=now,
        )
        self.seats[request.actor] = seat
        was_open = seat.presence is Presence.AVAILABLE and seat.at_desk(now)
        seat.presence = request.presence
        seat.lapsed, seat.lapsed_from = False, None
        if request.capacity is not None:
            seat.capacity = min(request.capacity, policy.max_capacity)
        if request.languages is not None:
            seat.languages = list(request.languages)
        seat.expires_at = None if request.presence is Presence.AWAY else now + policy.presence_ttl
        if request.presence is Presence.AVAILABLE and not was_open:
            seat.idle_since = now
        if request.presence is Presence.AVAILABLE:
            return seat, []
        return seat, self._withdraw_offers_to(request.actor, WithdrawalReason.COUNSELLOR_AWAY)

    def heartbeat(self, counsellor_id: str, now: datetime, policy: ConversationPolicy) -> bool:
        """Their console is alive: presence holds on (and comes back if it had lapsed).
        True when that changed who may be offered."""
        seat = self.seats.get(counsellor_id)
        if seat is None:
            return False
        if seat.lapsed and seat.lapsed_from is not None:
            seat.presence, seat.lapsed, seat.lapsed_from = seat.lapsed_from, False, None
            seat.idle_since = now
            seat.expires_at = now + policy.presence_ttl
            return True
        if seat.presence is Presence.AWAY:
            return False
        seat.expires_at = now + policy.presence_ttl
        return False

    # ---- time and offers -------------------------------------------------------------------

    def on_deadline(self, now: datetime, policy: ConversationPolicy) -> list[Outbound]:
        """Offers not accepted in time go back (and to the next); presences whose
        console stopped answering lapse to away."""
        out: list[Outbound] = []
        self._roll_day(now, policy)
        for queued in self.waiting:
            offer = queued.offer
            if offer is not None and now >= offer.expires_at:
                queued.offer = None
                queued.not_before[offer.counsellor_id] = now + policy.offer_again_after
                self.today.offers_not_accepted += 1
                out.append(_withdrawal(queued, offer, WithdrawalReason.NOT_ACCEPTED))
        for queued in self.waiting:
            queued.not_before = {c: t for c, t in queued.not_before.items() if t > now}
        for seat in self.seats.values():
            if seat.presence is not Presence.AWAY and seat.expires_at and now >= seat.expires_at:
                seat.lapsed_from, seat.presence, seat.lapsed = seat.presence, Presence.AWAY, True
                seat.expires_at = None
                out += self._withdraw_offers_to(
                    seat.counsellor_id, WithdrawalReason.COUNSELLOR_AWAY
                )
        horizon = now - policy.wait_estimate_window
        self.answered = [a for a in self.answered if a.at >= horizon]
        return out

    def plan(self, now: datetime, policy: ConversationPolicy) -> list[Outbound]:
        """Make the offers the rule asks for now (:mod:`workflows.queue.offers`)."""
        on_screen: dict[str, int] = {}
        for queued in self.waiting:
            if queued.offer is not None:
                counsellor = queued.offer.counsellor_id
                on_screen[counsellor] = on_screen.get(counsellor, 0) + 1
        choices = choose_offers(
            [q.candidate() for q in self.waiting if q.offer is None],
            list(self.seats.values()),
            on_screen,
            now,
            policy.prefer_language,
        )
        out: list[Outbound] = []
        for choice in choices:
            chosen = self.queued(choice.conversation_id)
            assert chosen is not None
            self.offers_made += 1
            chosen.offer = LiveOffer(
                offer_id=f"offer-{self.offers_made}",
                counsellor_id=choice.counsellor_id,
                made_at=now,
                expires_at=now + policy.offer_timeout,
            )
            out.append(Offer(chosen.conversation_id, OfferMade(**chosen.offer.model_dump())))
        return out

    def _withdraw_offers_to(self, counsellor_id: str, reason: WithdrawalReason) -> list[Outbound]:
        out: list[Outbound] = []
        for queued in self.offers_to(counsellor_id):
            assert queued.offer is not None
            out.append(_withdrawal(queued, queued.offer, reason))
            queued.offer = None
        return out

    def _roll_day(self, now: datetime, policy: ConversationPolicy) -> None:
        day = _local_day(now, policy)
        if day != self.today.day:
            self.today = Today(day=day)


def _withdrawal(queued: Queued, offer: LiveOffer, reason: WithdrawalReason) -> Withdrawal:
    return Withdrawal(
        queued.conversation_id, OfferWithdrawn(offer_id=offer.offer_id, reason=reason)
    )


def _local_day(now: datetime, policy: ConversationPolicy) -> date:
    return now.astimezone(ZoneInfo(policy.opening_hours.timezone)).date()


class QueueInput(QueueOpening):
    """The queue's input: its helpline and policy (from the conversation that started
    it), and from the second run on the whole state carried over by continue-as-new."""

    carried: QueueState | None = Field(
        default=None, description="State carried over from the previous run (continue-as-new)"
    )
