"""The case policy as the environment sets it. Callbacks wait for the helpline's
opening hours (09:00-23:00 Paris), so a demo at night (README, "Demo time") opens
round the clock with two nested settings; a callback planned then is due after the
scaled delay, not the next morning."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.callback_window import SafeWindow
from relais.settings import Settings
from workflows.case.callback import Callback, CallbackRules

# Tuesday 1 December 2026, 23:30 in Paris (UTC+1): the helpline has just closed.
LATE_EVENING = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
ROUND_THE_CLOCK = {
    "RELAIS_POLICY__OPENING_HOURS__OPENS": "00:00",
    "RELAIS_POLICY__OPENING_HOURS__CLOSES": "23:59:59",
}


def callback_due(settings: Settings, last_outcome: datetime) -> datetime | None:
    callback = Callback()
    callback.owe(consented=True)
    rules = CallbackRules(case_id="c1", policy=settings.case_policy(), window=SafeWindow())
    callback.plan(last_outcome, rules)
    return callback.due_at


def test_by_default_a_demo_callback_waits_for_the_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_POLICY_SCALE", "0.001")

    due = callback_due(Settings(_env_file=None), LATE_EVENING)

    assert due == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris, 9.5 h later


@pytest.mark.parametrize("scale", ["1", "0.001"])
def test_opening_hours_round_the_clock_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, scale: str
) -> None:
    monkeypatch.setenv("RELAIS_POLICY_SCALE", scale)
    for name, value in ROUND_THE_CLOCK.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)

    due = callback_due(settings, LATE_EVENING)

    hours = settings.case_policy().opening_hours
    assert (hours.timezone, hours.weekdays) == ("Europe/Paris", list(range(7)))  # kept
    assert due == LATE_EVENING + timedelta(hours=48) * float(scale)  # 48 h, or about 3 min
    at_night = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 03:00 in Paris
    assert callback_due(settings, at_night) == at_night + timedelta(hours=48) * float(scale)
