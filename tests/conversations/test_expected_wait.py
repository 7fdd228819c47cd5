"""The wait a young person in the queue is told: derived from what the helpline just
did, rounded up to the minute, and "we do not know" rather than a made-up number."""

from datetime import UTC, datetime, timedelta

from domain.conversation_wait import Answered, WaitBasis, expected_wait, percentile

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


def answered(*minutes_ago: float, waited: int = 120) -> list[Answered]:
    return [Answered(at=NOW - timedelta(minutes=m), waited_seconds=waited) for m in minutes_ago]


def test_nobody_at_their_desk_is_said_as_such() -> None:
    wait = expected_wait(1, answered(1, 2, 3), NOW, WINDOW, counsellors_at_desk=0)
    assert (wait.seconds, wait.basis) == (None, WaitBasis.NOBODY_AT_THEIR_DESK)


def test_without_recent_answers_the_wait_is_not_made_up() -> None:
    old = answered(45, 50, 55)  # outside the window
    wait = expected_wait(3, old, NOW, WINDOW, counsellors_at_desk=2)
    assert (wait.seconds, wait.basis) == (None, WaitBasis.NOT_ENOUGH_HISTORY)


def test_a_few_answers_give_their_median_wait() -> None:
    recent = [*answered(2, waited=60), *answered(4, waited=400)]
    wait = expected_wait(5, recent, NOW, WINDOW, counsellors_at_desk=1)
    assert wait.basis is WaitBasis.RECENT_WAITS
    assert wait.seconds == 240  # median 230 s, rounded up to 4 minutes


def test_with_enough_answers_the_place_is_divided_by_the_answer_rate() -> None:
    # 10 answered over the last 20 minutes: one every 2 minutes
    recent = answered(*[2 * k for k in range(1, 11)])
    first = expected_wait(1, recent, NOW, WINDOW, counsellors_at_desk=3)
    fourth = expected_wait(4, recent, NOW, WINDOW, counsellors_at_desk=3)
    assert first.basis is WaitBasis.ANSWER_RATE
    assert (first.seconds, fourth.seconds) == (120, 480)


def test_a_burst_of_answers_is_not_taken_for_a_fast_rate() -> None:
    burst = answered(0.1, 0.2, 0.3)  # three in 18 seconds: spread over 5 minutes at least
    wait = expected_wait(3, burst, NOW, WINDOW, counsellors_at_desk=1)
    assert wait.seconds == 300


def test_a_wait_is_never_said_to_be_under_a_minute() -> None:
    recent = answered(*[0.5 * k for k in range(1, 40)])
    assert expected_wait(1, recent, NOW, WINDOW, counsellors_at_desk=5).seconds == 60


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([30, 10, 20], 0.5) == 20
    assert percentile(list(range(1, 101)), 0.9) == 90
