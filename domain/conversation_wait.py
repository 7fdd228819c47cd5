"""How long a young person in the queue should expect to wait, honestly.

Derived from what the queue has just done, never promised from nothing:

- with enough conversations answered in the recent window, from the rate the
  helpline answers them: ``place / (answered per second)``;
- with a few only, from their median wait;
- with none, or nobody at their desk, "we do not know" rather than a made-up number.

Rounded up to the minute: a young person told "about 3 minutes" should rarely wait 4.
Pure: the queue passes its clock and its recent history.
"""

import math
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

MIN_SAMPLES_FOR_RATE = 3
MIN_RATE_SPAN = timedelta(minutes=5)  # a burst of answers in 10 s is not a rate


class WaitBasis(StrEnum):
    ANSWER_RATE = "answer_rate"
    RECENT_WAITS = "recent_waits"
    NOBODY_AT_THEIR_DESK = "nobody_at_their_desk"
    NOT_ENOUGH_HISTORY = "not_enough_history"


class ExpectedWait(BaseModel):
    seconds: int | None
    basis: WaitBasis


class Answered(BaseModel):
    """A conversation a counsellor took: when, and after how long in the queue."""

    at: datetime
    waited_seconds: int


def expected_wait(
    place: int,
    answered: Sequence[Answered],
    now: datetime,
    window: timedelta,
    counsellors_at_desk: int,
) -> ExpectedWait:
    """``place`` counts from 1 (next to be offered); ``counsellors_at_desk`` are
    those available or busy (not away)."""
    if counsellors_at_desk == 0:
        return ExpectedWait(seconds=None, basis=WaitBasis.NOBODY_AT_THEIR_DESK)
    recent = [a for a in answered if now - window <= a.at <= now]
    if len(recent) >= MIN_SAMPLES_FOR_RATE:
        span = max(now - min(a.at for a in recent), MIN_RATE_SPAN)
        per_second = len(recent) / span.total_seconds()
        return ExpectedWait(seconds=_minutes_up(place / per_second), basis=WaitBasis.ANSWER_RATE)
    if recent:
        median = statistics.median(a.waited_seconds for a in recent)
        return ExpectedWait(seconds=_minutes_up(median), basis=WaitBasis.RECENT_WAITS)
    return ExpectedWait(seconds=None, basis=WaitBasis.NOT_ENOUGH_HISTORY)


def _minutes_up(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60)) * 60


def percentile(values: Sequence[int], fraction: float) -> int | None:
    """The nearest-rank percentile (p50: ``fraction=0.5``); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
