"""Time to removal per platform: from a notice's submission to our own check that
the content is gone (as Project Arachnid measures it), p50 and p90 over a period."""

import statistics
from datetime import datetime, timedelta

from pydantic import BaseModel

from domain.notice import NoticeStatus
from domain.records import NoticeRecord
from relais.db import NoticeLedger


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


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (the spreadsheet convention)."""
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[round(fraction * 100) - 1]


def time_to_removal(notice: NoticeRecord) -> timedelta | None:
    if notice.submitted_at is None or notice.verified_at is None:
        return None
    return notice.verified_at - notice.submitted_at


async def removal_times(
    ledger: NoticeLedger,
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
) -> RemovalTimes:
    removed = await ledger.list(platform=platform, status=NoticeStatus.VERIFIED_REMOVED)
    by_platform: dict[str, list[float]] = {}
    for notice in removed:
        verified = notice.verified_at
        duration = time_to_removal(notice)
        if verified is None or duration is None:
            continue
        if (since and verified < since) or (until and verified >= until):
            continue
        by_platform.setdefault(notice.platform, []).append(duration.total_seconds())
    return RemovalTimes(
        since=since,
        until=until,
        platforms=[
            PlatformRemovalTimes(
                platform=slug,
                removed=len(seconds),
                p50_seconds=percentile(seconds, 0.5),
                p90_seconds=percentile(seconds, 0.9),
                fastest_seconds=min(seconds),
                slowest_seconds=max(seconds),
            )
            for slug, seconds in sorted(by_platform.items())
        ],
    )
