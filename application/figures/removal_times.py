"""Time to removal per platform: from a notice's submission to our own check that
the content is gone (as Project Arachnid measures it), p50 and p90 over the
removals verified in a period (the scorecard takes the notices submitted in it)."""

from datetime import datetime

from pydantic import BaseModel

from relais.db.repositories.notice_figures import NoticeFigures

FRACTIONS = (0.5, 0.9)


class PlatformRemovalTimes(BaseModel):
    platform: str
    removed: int
    p50_seconds: float
    p90_seconds: float
    fastest_seconds: float
    slowest_seconds: float


class RemovalTimes(BaseModel):
    since: datetime | None
    until: datetime | None
    platforms: list[PlatformRemovalTimes]


async def removal_times(
    figures: NoticeFigures,
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
) -> RemovalTimes:
    """Removals verified in the period (appeals' included), per platform; counted and
    ranked in the database."""
    found = await figures.removal_time_percentiles(
        since, until, FRACTIONS, by_verification=True, platform=platform
    )
    return RemovalTimes(
        since=since,
        until=until,
        platforms=[
            PlatformRemovalTimes(
                platform=times.platform,
                removed=times.verified,
                p50_seconds=times.percentiles[0.5],
                p90_seconds=times.percentiles[0.9],
                fastest_seconds=times.min_seconds,
                slowest_seconds=times.max_seconds,
            )
            for times in sorted(found, key=lambda t: t.platform)
        ],
    )
