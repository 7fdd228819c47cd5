"""When a callback may happen: inside the helpline's opening hours (09:00-23:00
Europe/Paris, every day but configured holidays) and inside the safe window the
young person gave (e.g. weekdays after 17:00). Local times are resolved in the
helpline's time zone, so a window means the same wall-clock hours across daylight
saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, model_validator

SEARCH_DAYS = 60  # a window that never opens in two months is a configuration error


class OpeningHours(BaseModel):
    timezone: str = "Europe/Paris"
    opens: time = time(9, 0)
    closes: time = time(23, 0)
    weekdays: list[int] = Field(
        default_factory=lambda: list(range(7)), description="0 = Monday ... 6 = Sunday"
    )
    holidays: list[date] = Field(default_factory=list, description="Closed all day")

    @model_validator(mode="after")
    def _opens_before_closing(self) -> "OpeningHours":
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        ZoneInfo(self.timezone)  # unknown zones fail here, at configuration time
        return self


ALWAYS_OPEN = OpeningHours(opens=time(0, 0), closes=time(23, 59, 59, 999999))


class SafeWindow(BaseModel):
    """The hours the young person said are safe to call, in the helpline's time zone."""

    earliest: time = time(0, 0)
    latest: time = time(23, 59, 59)
    weekdays_only: bool = False


class NoCallbackSlot(ValueError):
    """Opening hours and the safe window never overlap."""


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``day at`` local time as an aware UTC datetime; a time skipped by a spring
    forward change resolves to the same offset as just before it."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_callback_slot(
    not_before: datetime, hours: OpeningHours, window: SafeWindow | None = None
) -> datetime:
    """The first moment at or after ``not_before`` when a counsellor may call."""
    window = window or SafeWindow()
    zone = ZoneInfo(hours.timezone)
    start_local = not_before.astimezone(zone)
    opens = max(hours.opens, window.earliest)
    closes = min(hours.closes, window.latest)
    if opens >= closes:
        raise NoCallbackSlot(
            f"the safe window {window.earliest}-{window.latest} is outside opening hours "
            f"{hours.opens}-{hours.closes}"
        )
    for offset in range(SEARCH_DAYS):
        day = start_local.date() + timedelta(days=offset)
        if day.weekday() not in hours.weekdays or day in hours.holidays:
            continue
        if window.weekdays_only and day.weekday() >= 5:
            continue
        first = _local(day, opens, zone)
        last = _local(day, closes, zone)
        candidate = max(first, not_before.astimezone(UTC))
        if candidate < last:
            return candidate
    raise NoCallbackSlot(f"no callback slot within {SEARCH_DAYS} days")
