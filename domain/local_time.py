"""Times as a counsellor reads them: in the helpline's time zone, with the day, e.g.
"Tue 2 Dec 18:00 (Paris)". English abbreviations, whatever the machine's locale
(screens translate them; the value next to it is UTC, for programs)."""

from datetime import datetime
from zoneinfo import ZoneInfo

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local_label(at: datetime, timezone: str) -> str:
    local = at.astimezone(ZoneInfo(timezone))
    place = timezone.rsplit("/", 1)[-1].replace("_", " ")
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local:%H:%M} ({place})"
    )
