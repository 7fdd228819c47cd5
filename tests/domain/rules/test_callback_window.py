"""Callback scheduling: opening hours, the young person's safe window, holidays,
and daylight saving changes in Europe/Paris."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.callback_window import NoCallbackSlot, OpeningHours, SafeWindow, next_callback_slot

PARIS = ZoneInfo("Europe/Paris")
HOURS = OpeningHours()


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def test_inside_opening_hours_is_kept() -> None:
    at = paris(2026, 11, 24, 15, 30)
    assert next_callback_slot(at, HOURS) == at


def test_at_night_moves_to_nine_the_same_morning() -> None:
    assert next_callback_slot(paris(2026, 11, 24, 3, 0), HOURS) == paris(2026, 11, 24, 9, 0)


def test_after_closing_moves_to_the_next_morning() -> None:
    assert next_callback_slot(paris(2026, 11, 24, 23, 30), HOURS) == paris(2026, 11, 25, 9, 0)


def test_safe_window_weekdays_after_five() -> None:
    window = SafeWindow(earliest=time(17, 0), weekdays_only=True)
    friday_night = paris(2026, 11, 27, 22, 0)
    assert next_callback_slot(friday_night, HOURS, window) == friday_night
    saturday = paris(2026, 11, 28, 10, 0)
    assert next_callback_slot(saturday, HOURS, window) == paris(2026, 11, 30, 17, 0)


def test_holidays_are_skipped() -> None:
    hours = OpeningHours(holidays=[date(2026, 12, 25)])
    assert next_callback_slot(paris(2026, 12, 24, 23, 30), hours) == paris(2026, 12, 26, 9, 0)


def test_spring_forward_keeps_wall_clock_hours() -> None:
    # 29 March 2026: clocks go from 02:00 to 03:00 (UTC+1 -> UTC+2).
    slot = next_callback_slot(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), HOURS)
    assert slot == paris(2026, 3, 29, 9, 0)
    assert slot.astimezone(UTC) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_fall_back_keeps_wall_clock_hours() -> None:
    # 25 October 2026: clocks go from 03:00 back to 02:00 (UTC+2 -> UTC+1).
    slot = next_callback_slot(datetime(2026, 10, 24, 22, 0, tzinfo=UTC), HOURS)
    assert slot.astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert slot.astimezone(PARIS).hour == 9


def test_late_evening_outcome_plus_48h_across_fall_back_stays_inside_hours() -> None:
    # 48 real hours after 22:30 on Friday 23 October is 21:30 on Sunday (an hour was gained).
    outcome = paris(2026, 10, 23, 22, 30).astimezone(UTC)
    slot = next_callback_slot(outcome + timedelta(hours=48), HOURS)
    assert slot.astimezone(PARIS) == paris(2026, 10, 25, 21, 30)


def test_a_window_outside_opening_hours_is_refused() -> None:
    with pytest.raises(NoCallbackSlot):
        next_callback_slot(paris(2026, 11, 24, 10, 0), HOURS, SafeWindow(latest=time(8, 0)))


def test_bad_opening_hours_fail_at_configuration() -> None:
    with pytest.raises(ValueError, match="opens must be before closes"):
        OpeningHours(opens=time(23), closes=time(9))
