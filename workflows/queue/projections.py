"""What is read of a helpline's queue: the dashboard's snapshot (waiting now, the
longest wait, counsellors available, today's figures), a counsellor's desk (their
presence and the offers on their screen) and a young person's place with an honest
expected wait. Pure; categories and ids only."""

from datetime import datetime

from domain.conversation_desk import OfferKind
from domain.conversation_queue import (
    CounsellorDesk,
    CounsellorPresenceView,
    DeskOffer,
    Presence,
    QueueSnapshot,
    QueueToday,
    WaitingEntry,
    WaitingPlace,
)
from domain.conversation_wait import expected_wait, percentile
from domain.policy import ConversationPolicy
from workflows.queue.entries import About
from workflows.queue.offers import Seat, room
from workflows.queue.state import QueueState


def _seconds(since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds()))


def snapshot(state: QueueState, helpline: str, now: datetime) -> QueueSnapshot:
    waiting = [
        WaitingEntry(
            place=place,
            conversation_id=queued.conversation_id,
            channel=queued.channel,
            language=queued.language,
            writer=queued.writer,
            age_band=queued.age_band,
            queued_at=queued.queued_at,
            waited_seconds=_seconds(queued.queued_at, now),
            moved_up_by=queued.moved_up_by,
            offered_to=queued.offer.counsellor_id if queued.offer else None,
        )
        for place, queued in enumerate(state.waiting, start=1)
    ]
    seats = sorted(state.seats.values(), key=lambda seat: seat.counsellor_id)
    available = [s for s in seats if s.presence is Presence.AVAILABLE and s.at_desk(now)]
    today = state.today
    return QueueSnapshot(
        helpline=helpline,
        at=now,
        waiting=waiting,
        longest_wait_seconds=max((entry.waited_seconds for entry in waiting), default=0),
        counsellors=[
            CounsellorPresenceView(
                counsellor_id=seat.counsellor_id,
                presence=seat.presence,
                presence_lapsed=seat.lapsed,
                capacity=seat.capacity,
                conversations=len(seat.conversations),
                offers=len(state.offers_to(seat.counsellor_id)),
                languages=list(seat.languages),
            )
            for seat in seats
        ],
        available=len(available),
        with_room=sum(1 for seat in available if _room(state, seat) > 0),
        today=QueueToday(
            day=today.day.isoformat(),
            answered=today.answered,
            abandoned=today.abandoned,
            callbacks_requested=today.callbacks_requested,
            offers_not_accepted=today.offers_not_accepted,
            wait_p50_seconds=percentile(today.waits, 0.5),
            wait_p90_seconds=percentile(today.waits, 0.9),
        ),
        runs=state.runs,
    )


def _room(state: QueueState, seat: Seat) -> int:
    return max(0, room(seat, len(state.offers_to(seat.counsellor_id))))


def _desk_offer(
    about: About,
    offer_id: str,
    kind: OfferKind,
    expires_at: datetime | None = None,
    from_counsellor: str | None = None,
) -> DeskOffer:
    return DeskOffer(
        offer_id=offer_id,
        conversation_id=about.conversation_id,
        kind=kind,
        expires_at=expires_at,
        channel=about.channel,
        language=about.language,
        writer=about.writer,
        age_band=about.age_band,
        waiting_since=about.waiting_since,
        from_counsellor=from_counsellor,
    )


def desk(
    state: QueueState, counsellor_id: str, now: datetime, policy: ConversationPolicy
) -> CounsellorDesk:
    seat = state.seats.get(counsellor_id) or Seat(
        counsellor_id=counsellor_id,
        presence=Presence.AWAY,
        capacity=policy.default_capacity,
        idle_since=now,
    )
    offers = [
        _desk_offer(
            queued,
            queued.offer.offer_id,
            OfferKind.QUEUE,
            expires_at=queued.offer.expires_at,
        )
        for queued in state.offers_to(counsellor_id)
        if queued.offer is not None
    ]
    offers += [
        _desk_offer(
            held,
            held.transfer_id or "",
            OfferKind.TRANSFER,
            from_counsellor=held.counsellor_id,
        )
        for held in state.transfers_to(counsellor_id)
    ]
    at_desk = seat.at_desk(now)
    return CounsellorDesk(
        counsellor_id=counsellor_id,
        presence=seat.presence if at_desk or seat.presence is Presence.AWAY else Presence.AWAY,
        presence_lapsed=seat.lapsed or (seat.presence is not Presence.AWAY and not at_desk),
        presence_expires_at=seat.expires_at,
        capacity=seat.capacity,
        languages=list(seat.languages),
        conversations=list(seat.conversations),
        offers=offers,
        room=_room(state, seat) if seat.presence is Presence.AVAILABLE and at_desk else 0,
    )


def place(
    state: QueueState, conversation_id: str, now: datetime, policy: ConversationPolicy
) -> WaitingPlace:
    found = state.place_of(conversation_id)
    return WaitingPlace(
        conversation_id=conversation_id,
        place=found,
        waiting=len(state.waiting),
        expected_wait=expected_wait(
            found or 1,
            state.answered,
            now,
            policy.wait_estimate_window,
            counsellors_at_desk=len(state.at_desk(now)),
        ),
    )


def details_markdown(state: QueueState, helpline: str, now: datetime) -> str:
    """What a supervisor reads of the queue in the Temporal UI."""
    view = snapshot(state, helpline, now)
    return "\n".join(
        [
            f"**Helpline:** {helpline} · **waiting:** {len(view.waiting)} · "
            f"**longest wait:** {view.longest_wait_seconds} s",
            f"**Counsellors available:** {view.available} ({view.with_room} with room) · "
            f"**with a conversation:** {len(state.with_counsellors)}",
            f"**Today:** {view.today.answered} answered, {view.today.abandoned} abandoned, "
            f"{view.today.offers_not_accepted} offers not accepted",
        ]
    )
