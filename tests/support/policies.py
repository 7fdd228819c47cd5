"""The case policy a test runs under, built in one place.

``fast_policy(**changes)`` is the production ``CasePolicy`` open round the clock
(a test never waits for Paris office hours, whatever the hour it runs at) with the
durations a test names; ``FAST_POLLS`` shortens the polls of a platform's decision,
a partner's outcome and a removal's check for stacks whose simulator answers at
once. A test that needs office hours (or a holiday) passes ``opening_hours``."""

from datetime import timedelta
from typing import Any

from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy

FAST_POLLS: dict[str, Any] = {
    "decision_poll_interval": timedelta(milliseconds=300),
    "decision_poll_max_interval": timedelta(seconds=1),
    "referral_poll_interval": timedelta(milliseconds=300),
    "verification_retry_interval": timedelta(milliseconds=300),
}


def fast_policy(**changes: Any) -> CasePolicy:
    """The production policy open round the clock, with ``changes``."""
    return CasePolicy(**{"opening_hours": ALWAYS_OPEN, **changes})
