"""The per-platform scorecard: how each hosting provider answered the notices the
helpline sent it as a trusted flagger in a period, the way Project Arachnid and
INHOPE publish it. Counts and durations only.

Rates are shares of the platform's first notices in the period; the removal-time
shares (within 1 h, 24 h, 7 days, over 42 days) are shares of its verified
removals. Percentiles interpolate between ranks as ``percentile_cont`` and the
spreadsheet convention do. Appeals (DSA Art. 20) are counted apart, with their
outcome, so an appealed item is not counted twice. ``reuploads`` counts the notices
reporting content the platform had already removed in another case (an evidence
match: :mod:`application.figures.reuploads`).
"""

import asyncio
import csv
import io
from datetime import datetime

from pydantic import BaseModel, Field

from relais.db.repositories.notice_figures import (
    NoticeFigures,
    PlatformTally,
    RemovalTimePercentiles,
)

FRACTIONS = (0.5, 0.9)


class TimeToRemoval(BaseModel):
    """Seconds from submission to Relais's own check that the content is gone."""

    p50_seconds: float | None = None
    p90_seconds: float | None = None
    max_seconds: float | None = None


class AppealOutcomes(BaseModel):
    appeals: int = 0
    removed: int = 0
    restricted: int = 0
    refused: int = 0
    no_decision: int = 0
    withdrawn: int = 0


class PlatformScore(BaseModel):
    platform: str
    notices: int = Field(description="First notices submitted in the period")
    removed: int
    restricted: int
    refused: int
    no_answer: int = Field(description="No decision (yet), not withdrawn")
    withdrawn: int
    removal_rate: float | None = Field(description="removed / notices")
    restricted_rate: float | None
    refused_rate: float | None
    no_answer_rate: float | None
    acknowledged: int = Field(description="Receipt confirmed by the platform (Art. 16(4))")
    removal_verified: int = Field(description="Removed, and gone at Relais's own check")
    online_after_removal: int
    removal_unverified: int
    time_to_removal: TimeToRemoval
    removed_within_1h: int
    removed_within_24h: int
    removed_within_7d: int
    removed_after_42d: int
    share_within_1h: float | None = Field(description="Of verified removals")
    share_within_24h: float | None
    share_within_7d: float | None
    share_after_42d: float | None
    renotices_sent: int
    notices_renoticed: int = Field(description="Notices that needed at least one re-notice")
    sla_breaches: int
    reuploads: int = Field(
        default=0,
        description="First notices reporting content this platform had already removed "
        "in another case (the same or a near-identical image in the evidence)",
    )
    appeals: AppealOutcomes


class PlatformScorecard(BaseModel):
    since: datetime
    until: datetime = Field(description="Exclusive")
    platforms: list[PlatformScore]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _time_to_removal(found: RemovalTimePercentiles | None) -> TimeToRemoval:
    if found is None or found.verified == 0:
        return TimeToRemoval()
    p50, p90 = (found.percentiles[f] for f in FRACTIONS)
    return TimeToRemoval(p50_seconds=p50, p90_seconds=p90, max_seconds=found.max_seconds)


def _no_notices(platform: str) -> PlatformTally:
    """A platform that only received appeals in the period."""
    counts = {name: 0 for name in PlatformTally.model_fields} | {"appeal": False}
    return PlatformTally.model_validate(counts | {"platform": platform})


def score_of(
    platform: str,
    first: PlatformTally | None,
    appeal: PlatformTally | None,
    removal_times: RemovalTimePercentiles | None,
    reuploads: int = 0,
) -> PlatformScore:
    t = first or _no_notices(platform)
    verified = t.removal_verified
    return PlatformScore(
        platform=platform,
        notices=t.notices,
        removed=t.removed,
        restricted=t.restricted,
        refused=t.refused,
        no_answer=t.no_decision,
        withdrawn=t.withdrawn,
        removal_rate=_share(t.removed, t.notices),
        restricted_rate=_share(t.restricted, t.notices),
        refused_rate=_share(t.refused, t.notices),
        no_answer_rate=_share(t.no_decision, t.notices),
        acknowledged=t.acknowledged,
        removal_verified=verified,
        online_after_removal=t.online_after_removal,
        removal_unverified=t.removal_unverified,
        time_to_removal=_time_to_removal(removal_times),
        removed_within_1h=t.removed_within_1h,
        removed_within_24h=t.removed_within_24h,
        removed_within_7d=t.removed_within_7d,
        removed_after_42d=t.removed_after_42d,
        share_within_1h=_share(t.removed_within_1h, verified),
        share_within_24h=_share(t.removed_within_24h, verified),
        share_within_7d=_share(t.removed_within_7d, verified),
        share_after_42d=_share(t.removed_after_42d, verified),
        renotices_sent=t.renotices_sent,
        notices_renoticed=t.renoticed,
        sla_breaches=t.sla_breaches,
        reuploads=reuploads,
        appeals=AppealOutcomes(
            appeals=appeal.notices,
            removed=appeal.removed,
            restricted=appeal.restricted,
            refused=appeal.refused,
            no_decision=appeal.no_decision,
            withdrawn=appeal.withdrawn,
        )
        if appeal
        else AppealOutcomes(),
    )


async def build_scorecard(
    figures: NoticeFigures,
    since: datetime,
    until: datetime,
    reuploads: dict[str, int] | None = None,
) -> PlatformScorecard:
    # Two independent scans: the database runs them side by side.
    tallies, times = await asyncio.gather(
        figures.platform_tallies(since, until),
        figures.removal_time_percentiles(since, until, FRACTIONS),
    )
    by_platform = {t.platform: t for t in times}
    first = {t.platform: t for t in tallies if not t.appeal}
    appeals = {t.platform: t for t in tallies if t.appeal}
    return PlatformScorecard(
        since=since,
        until=until,
        platforms=[
            score_of(
                p, first.get(p), appeals.get(p), by_platform.get(p), (reuploads or {}).get(p, 0)
            )
            for p in sorted(first.keys() | appeals.keys())
        ],
    )


CSV_COLUMNS = [
    name for name in PlatformScore.model_fields if name not in ("time_to_removal", "appeals")
]


def scorecard_csv(card: PlatformScorecard) -> str:
    """One line per platform; times in seconds; appeals as ``appeals_<outcome>``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    times = list(TimeToRemoval.model_fields)
    outcomes = list(AppealOutcomes.model_fields)
    writer.writerow(
        ["since", "until", *CSV_COLUMNS, *(f"time_to_removal_{t}" for t in times)]
        + [name if name == "appeals" else f"appeals_{name}" for name in outcomes]
    )
    for score in card.platforms:
        values = score.model_dump()
        writer.writerow(
            [card.since.isoformat(), card.until.isoformat()]
            + ["" if values[c] is None else values[c] for c in CSV_COLUMNS]
            + ["" if (v := values["time_to_removal"][t]) is None else v for t in times]
            + [values["appeals"][o] for o in outcomes]
        )
    return out.getvalue()
