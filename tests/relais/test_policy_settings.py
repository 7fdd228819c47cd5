"""The case policy as the environment sets it. A callback keeps to the helpline's
opening hours (09:00-23:00 Paris) and to the safe window the young person gave at
intake (09:00-23:00 unless they said otherwise), so a demo at night (README, "Demo
time") opens both round the clock: a callback planned then is due after the scaled
delay, not the next morning."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.intake import CallbackConsent
from relais.settings import Settings
from workflows.case.callback import Callback, CallbackRules

# Tuesday 1 December 2026, 23:30 in Paris (UTC+1): the helpline has just closed.
LATE_EVENING = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris
ROUND_THE_CLOCK = {
    "RELAIS_POLICY__OPENING_HOURS__OPENS": "00:00",
    "RELAIS_POLICY__OPENING_HOURS__CLOSES": "23:59:59",
}
ANY_HOUR = CallbackConsent(consented=True, earliest_hour=0, latest_hour=24)
NOT_SAID = CallbackConsent(consented=True)  # what the README's curl journey sends


def callback_due(settings: Settings, consent: CallbackConsent, last_outcome: datetime) -> datetime:
    callback = Callback()
    callback.owe(consented=True)
    policy = settings.case_policy()
    callback.plan(
        last_outcome, CallbackRules(case_id="c1", policy=policy, window=consent.safe_window())
    )
    assert callback.due_at is not None
    return callback.due_at


def test_by_default_a_demo_callback_waits_for_the_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_POLICY_SCALE", "0.001")

    assert callback_due(Settings(_env_file=None), ANY_HOUR, LATE_EVENING) == NEXT_MORNING


@pytest.mark.parametrize("scale", ["1", "0.001"])
def test_opening_hours_round_the_clock_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, scale: str
) -> None:
    monkeypatch.setenv("RELAIS_POLICY_SCALE", scale)
    for name, value in ROUND_THE_CLOCK.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    delay = timedelta(hours=48) * float(scale)  # 48 h, or about 3 minutes

    hours = settings.case_policy().opening_hours
    assert (hours.timezone, hours.weekdays) == ("Europe/Paris", list(range(7)))  # kept
    assert callback_due(settings, ANY_HOUR, LATE_EVENING) == LATE_EVENING + delay
    at_night = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 03:00 in Paris
    assert callback_due(settings, ANY_HOUR, at_night) == at_night + delay


def test_round_the_clock_needs_the_cases_safe_window_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case opened without a safe window keeps to 09:00-23:00 whatever the hours."""
    monkeypatch.setenv("RELAIS_POLICY_SCALE", "0.001")
    for name, value in ROUND_THE_CLOCK.items():
        monkeypatch.setenv(name, value)

    assert callback_due(Settings(_env_file=None), NOT_SAID, LATE_EVENING) == NEXT_MORNING
