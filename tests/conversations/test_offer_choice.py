"""Who is offered which conversation (workflows.queue.offers), without a server."""

from datetime import UTC, datetime, timedelta

from domain.conversation_queue import Presence
from workflows.queue.offers import Candidate, Choice, Seat, choose_offers

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def seat(name: str, idle_minutes: int = 5, **changes: object) -> Seat:
    fields: dict[str, object] = {
        "counsellor_id": name,
        "presence": Presence.AVAILABLE,
        "capacity": 2,
        "idle_since": NOW - timedelta(minutes=idle_minutes),
        "expires_at": NOW + timedelta(minutes=1),
    }
    return Seat.model_validate({**fields, **changes})


def waiting(*ids: str, language: str = "fr", **not_before: datetime) -> list[Candidate]:
    return [Candidate(conversation_id=i, language=language, not_before=not_before) for i in ids]


def choose(candidates: list[Candidate], seats: list[Seat], **on_screen: int) -> list[Choice]:
    return choose_offers(candidates, seats, on_screen, NOW, prefer_language=True)


def test_the_longest_idle_counsellor_is_offered_first() -> None:
    seats = [seat("recent", idle_minutes=1), seat("longest", idle_minutes=20), seat("mid", 8)]
    assert choose(waiting("c1"), seats) == [Choice("c1", "longest")]


def test_first_come_first_served_across_counsellors() -> None:
    seats = [seat("a", idle_minutes=9), seat("b", idle_minutes=3)]
    assert choose(waiting("c1", "c2", "c3"), seats) == [
        Choice("c1", "a"),
        Choice("c2", "b"),
        Choice("c3", "a"),  # a and b now carry one each: a has been idle longer
    ]


def test_capacity_counts_conversations_and_offers_on_screen() -> None:
    full = seat("full", capacity=2, conversations=["x"])
    assert choose(waiting("c1", "c2"), [full]) == [Choice("c1", "full")]
    assert choose(waiting("c1"), [full], full=1) == []


def test_only_available_counsellors_still_at_their_desk_are_offered() -> None:
    seats = [
        seat("busy", presence=Presence.BUSY, idle_minutes=30),
        seat("away", presence=Presence.AWAY, idle_minutes=30),
        seat("console-died", expires_at=NOW - timedelta(seconds=1), idle_minutes=30),
        seat("here", idle_minutes=1),
    ]
    assert choose(waiting("c1"), seats) == [Choice("c1", "here")]


def test_the_young_persons_language_comes_first_then_anyone() -> None:
    seats = [seat("fr-only", languages=["fr"], idle_minutes=30), seat("en", languages=["en", "fr"])]
    assert choose(waiting("c1", language="en"), seats) == [Choice("c1", "en")]
    assert choose(waiting("c2", language="ar"), seats) == [Choice("c2", "fr-only")]


def test_a_counsellor_who_passed_is_not_offered_it_again_for_a_while() -> None:
    seats = [seat("passed", idle_minutes=30), seat("other", idle_minutes=1)]
    later = NOW + timedelta(minutes=2)
    assert choose(waiting("c1", passed=later), seats) == [Choice("c1", "other")]
    alone = choose(waiting("c1", passed=later), [seat("passed")])
    assert alone == []  # it waits for someone else, or for the pause to end
    assert choose(waiting("c1", passed=NOW), [seat("passed")]) == [Choice("c1", "passed")]
