"""A conversation's state and what it refuses, as pure functions (no server)."""

from datetime import UTC, date, datetime, timedelta

from domain.callback_window import ALWAYS_OPEN, OpeningHours
from domain.conversation import CallbackWindow, ConversationStatus
from domain.conversation_desk import (
    AcceptRequest,
    ConversationOutcome,
    CounsellorReplies,
    LinkCaseRequest,
    LinkKind,
    TransferRequest,
)
from domain.conversation_queue import OfferMade, OfferWithdrawn, WithdrawalReason
from domain.policy import ConversationPolicy
from tests.support import builders
from workflows.conversation import checks
from workflows.conversation.state import ConversationState

# Wednesday 2 December 2026, 15:00 in Paris
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
POLICY = ConversationPolicy(opening_hours=ALWAYS_OPEN)


def opened(policy: ConversationPolicy = POLICY) -> ConversationState:
    return ConversationState.opened(builders.conversation_opening("h", "c1", policy=policy), NOW)


def offered_to(counsellor: str) -> ConversationState:
    state = opened()
    state.offered(
        OfferMade(
            offer_id="offer-1",
            counsellor_id=counsellor,
            made_at=NOW,
            expires_at=NOW + timedelta(seconds=30),
        )
    )
    return state


def active_with(counsellor: str) -> ConversationState:
    state = offered_to(counsellor)
    state.accept(counsellor, "offer-1", NOW)
    return state


def codes(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.code for p in problems]


def test_outside_opening_hours_it_is_missed_and_says_when_the_helpline_opens() -> None:
    holiday = ConversationPolicy(opening_hours=OpeningHours(holidays=[date(2026, 12, 2)]))
    state = opened(holiday)
    assert state.status is ConversationStatus.MISSED
    assert state.waiting_since is None
    assert state.opens_at == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 Paris
    assert state.purge_after(holiday) == NOW  # nothing to keep


def test_inside_opening_hours_it_waits_in_the_queue() -> None:
    state = opened(ConversationPolicy())
    assert (state.status, state.waiting_since) == (ConversationStatus.WAITING, NOW)


def test_a_channel_s_first_message_is_in_the_transcript_from_the_opening() -> None:
    first = builders.message_ref("c1", key="whatsapp:wamid.1", body="au secours")
    opening = builders.conversation_opening("h", "c1", policy=POLICY, first_message=first)
    state = ConversationState.opened(opening, NOW)
    assert state.status is ConversationStatus.WAITING
    assert [(line.seq, line.message_id, line.at) for line in state.ledger.lines] == [
        (1, first.message_id, NOW)
    ]
    assert state.young_person_writes(first, NOW)[1] is True  # the webhook again: one message


def test_a_first_message_acknowledged_as_the_helpline_closed_is_kept() -> None:
    holiday = ConversationPolicy(opening_hours=OpeningHours(holidays=[date(2026, 12, 2)]))
    first = builders.message_ref("c1", body="il y a quelqu'un ?")
    opening = builders.conversation_opening("h", "c1", policy=holiday, first_message=first)
    state = ConversationState.opened(opening, NOW)
    assert state.status is ConversationStatus.MISSED
    assert [line.message_id for line in state.ledger.lines] == [first.message_id]


def test_a_message_key_is_the_message() -> None:
    state = active_with("a")
    first = builders.message_ref("c1", key="k", body="salut")
    line, already = state.young_person_writes(first, NOW)
    assert (line.seq, already) == (1, False)
    assert state.young_person_writes(first, NOW)[1] is True
    reused = builders.message_ref("c1", key="k", body="autre chose")
    assert codes(checks.young_person_message_problems(state, reused)) == ["idempotency_key_reused"]
    same_id = reused.model_copy(update={"key_digest": "0" * 64, "message_id": line.message_id})
    assert codes(state.ledger.problems(same_id)) == ["message_id_reused"]


def test_only_the_counsellor_offered_may_accept_and_only_while_it_stands() -> None:
    state = offered_to("a")
    assert codes(checks.accept_problems(state, AcceptRequest(actor="b", offer_id="offer-1"))) == [
        "not_your_offer"
    ]
    state.offer_withdrawn(OfferWithdrawn(offer_id="offer-1", reason=WithdrawalReason.NOT_ACCEPTED))
    assert state.status is ConversationStatus.WAITING
    assert state.offers_not_accepted == 1
    assert codes(checks.accept_problems(state, AcceptRequest(actor="a", offer_id="offer-1"))) == [
        "offer_gone"
    ]


def test_an_offer_taken_says_so() -> None:
    state = active_with("a")
    late = AcceptRequest(actor="b", offer_id="offer-1")
    assert codes(checks.accept_problems(state, late)) == ["offer_taken"]


def test_only_the_counsellor_with_it_replies_hands_over_or_wraps_up() -> None:
    state = active_with("a")
    reply = CounsellorReplies(actor="b", message=builders.message_ref("c1"))
    assert codes(checks.reply_problems(state, reply)) == ["not_with_you"]
    to_self = TransferRequest(actor="a", to="a")
    assert codes(checks.transfer_problems(state, to_self)) == ["transfer_to_self"]


def test_leaving_before_an_answer_is_abandoning_after_it_is_the_end_of_the_chat() -> None:
    waiting = opened()
    waiting.young_person_leaves(NOW)
    assert waiting.status is ConversationStatus.ABANDONED
    chatting = active_with("a")
    chatting.young_person_leaves(NOW)
    assert (chatting.status, chatting.young_person_left) == (ConversationStatus.WRAPPING_UP, True)
    ref = builders.message_ref("c1")
    assert codes(checks.young_person_message_problems(chatting, ref)) == ["chat_closed"]


def test_time_offers_a_callback_then_ends_an_unwritten_wrap_up() -> None:
    state = opened()
    state.on_deadline(NOW + timedelta(minutes=9), POLICY)
    assert state.callback_offered_at is None
    assert state.next_deadline(POLICY) == NOW + timedelta(minutes=10)
    state.on_deadline(NOW + timedelta(minutes=10), POLICY)
    assert state.callback_offered_at == NOW + timedelta(minutes=10)

    chatting = active_with("a")
    chatting.end_chat(NOW)
    chatting.on_deadline(NOW + POLICY.wrap_up_within, POLICY)
    assert (chatting.status, chatting.outcome) == (
        ConversationStatus.ENDED,
        ConversationOutcome.NOT_RECORDED,
    )


def test_a_callback_is_asked_for_while_waiting_only() -> None:
    assert checks.callback_problems(opened()) == []
    assert codes(checks.callback_problems(active_with("a"))) == ["not_waiting"]
    state = opened()
    state.request_callback(CallbackWindow(earliest_hour=17), NOW)
    assert state.status is ConversationStatus.CALLBACK_REQUESTED
    assert state.waited_seconds() == 0


def test_unlinked_it_is_purged_after_retention_linked_it_goes_with_its_case() -> None:
    state = active_with("a")
    state.wrap_up(ConversationOutcome.ADVICE_GIVEN, NOW)
    assert state.purge_after(POLICY) == NOW + timedelta(days=30)
    other = LinkCaseRequest(actor="a", case_id="case-2", how=LinkKind.ATTACHED)
    state.link("case-1", LinkKind.OPENED_FROM, NOW)
    assert state.purge_after(POLICY) is None
    assert codes(checks.link_problems(state, other)) == ["already_linked"]


def test_opening_hours_that_never_open_miss_every_conversation_without_failing() -> None:
    never = ConversationPolicy(opening_hours=OpeningHours(weekdays=[]))
    state = opened(never)
    assert (state.status, state.opens_at) == (ConversationStatus.MISSED, None)
