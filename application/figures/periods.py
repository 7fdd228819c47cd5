"""Reporting periods: calendar years and months in the helpline's time zone
(Europe/Paris), or an explicit ``[since, until)`` with its offset."""

from datetime import datetime
from zoneinfo import ZoneInfo

from application.errors import Problem, RequestRejected

HELPLINE_ZONE = ZoneInfo("Europe/Paris")
MAX_MONTHS = 120  # monthly figures over ten years at most


def year_period(year: int) -> tuple[datetime, datetime]:
    return (
        datetime(year, 1, 1, tzinfo=HELPLINE_ZONE),
        datetime(year + 1, 1, 1, tzinfo=HELPLINE_ZONE),
    )


def resolve_period(
    year: int | None, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    """A year, or since and until (both, with their offset); refused naming the field."""
    if year is not None:
        if since is not None or until is not None:
            raise RequestRejected(
                [Problem(("query", "year"), "year: give a year, or since and until, not both")]
            )
        return year_period(year)
    problems = [
        Problem(("query", name), f"{name}: required without a year (an ISO date with its offset)")
        for name, value in (("since", since), ("until", until))
        if value is None
    ]
    problems += [
        Problem(("query", name), f"{name}: give the time zone offset (e.g. +01:00 or Z)")
        for name, value in (("since", since), ("until", until))
        if value is not None and value.tzinfo is None
    ]
    if problems:
        raise RequestRejected(problems)
    assert since is not None and until is not None
    if until <= since:
        raise RequestRejected([Problem(("query", "until"), "until: must be after since")])
    return since, until


def month_starts(since: datetime, until: datetime) -> list[datetime]:
    """Boundaries of the calendar months (helpline zone) that ``[since, until)``
    touches, clipped to it: ``[since, 1st of next month, ..., until]``."""
    local = since.astimezone(HELPLINE_ZONE)
    year, month = local.year, local.month
    bounds = [since]
    while len(bounds) <= MAX_MONTHS:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        start = datetime(year, month, 1, tzinfo=HELPLINE_ZONE)
        if start >= until:
            break
        bounds.append(start)
    bounds.append(until)
    return bounds


def period_text(since: datetime, until: datetime) -> str:
    """The period as the English page and the PDF say it."""
    start, end = (t.astimezone(HELPLINE_ZONE) for t in (since, until))
    return (
        f"Notices submitted from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} "
        "(Europe/Paris, end excluded)"
    )
