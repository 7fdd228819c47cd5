"""Figures over the notices ledger, counted in the database (a year holds millions
of notices at scale): per-platform tallies, times to removal at given ranks, and
monthly volumes. Only counts and durations come out, never a notice.

Every figure is about the notices *submitted* in a period ``[since, until)``: a
platform is judged on the notices it received in the period, however long it took
to act on them. A time to removal runs from submission to Relais's own check that
the content is gone (as Project Arachnid measures it), for verified removals only.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Float, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from domain.notice import Decision, NoticeStatus
from relais.db.repositories._sql import SessionSource, sessions_of
from relais.db.tables import NoticeRow

HOUR = 3600
DAY = 24 * HOUR
# Thresholds of the scorecard: the 3018's own bar (1 h), a day, a week, and
# Arachnid's tail (42 days).
WITHIN_1H, WITHIN_24H, WITHIN_7D, OVER_42D = HOUR, DAY, 7 * DAY, 42 * DAY


class seconds_between(FunctionElement[float]):  # lower case: it reads as SQL
    """``end - start`` in seconds, to the millisecond, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS NUMERIC), 3)::float8"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text; julianday() is exact to well under a millisecond.
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)"


class PlatformTally(BaseModel):
    """The notices one platform received in a period: first notices, or (``appeal``)
    appeals of refused ones (DSA Art. 20)."""

    platform: str
    appeal: bool
    notices: int
    removed: int
    restricted: int
    refused: int
    no_decision: int
    withdrawn: int
    acknowledged: int
    removal_verified: int
    online_after_removal: int
    removal_unverified: int
    removed_within_1h: int
    removed_within_24h: int
    removed_within_7d: int
    removed_after_42d: int
    renotices_sent: int
    renoticed: int
    sla_breaches: int


class RankedRemovalTimes(BaseModel):
    """Times to removal of one platform's verified removals, at the ranks a median,
    a 90th percentile and the extremes need (``seconds_at_rank``: 1-based rank ->
    seconds); the interpolation between ranks is left to the caller."""

    platform: str
    verified: int
    seconds_at_rank: dict[int, float]


class MonthCount(BaseModel):
    month: int  # index into the boundaries given
    decision: Decision | None
    withdrawn: bool
    notices: int


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class NoticeFigures:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    @staticmethod
    def _submitted_in(since: datetime, until: datetime) -> ColumnElement[bool]:
        return and_(NoticeRow.submitted_at >= since, NoticeRow.submitted_at < until)

    async def platform_tallies(self, since: datetime, until: datetime) -> list[PlatformTally]:
        """One scan of the period's notices, grouped by platform and kind."""
        row = NoticeRow
        verified = row.status == NoticeStatus.VERIFIED_REMOVED.value
        to_removal = seconds_between(row.submitted_at, row.verified_at)
        undecided = row.decision.is_(None)
        cancelled = row.status == NoticeStatus.CANCELLED.value
        appeal = row.appeal_of.is_not(None).label("appeal")
        columns = {
            "notices": func.count(),
            "removed": _count_if(row.decision == Decision.REMOVED.value),
            "restricted": _count_if(row.decision == Decision.RESTRICTED.value),
            "refused": _count_if(row.decision == Decision.REFUSED.value),
            "no_decision": _count_if(and_(undecided, ~cancelled)),
            "withdrawn": _count_if(and_(undecided, cancelled)),
            "acknowledged": _count_if(row.acknowledged_at.is_not(None)),
            "removal_verified": _count_if(verified),
            "online_after_removal": _count_if(row.status == NoticeStatus.STILL_ONLINE.value),
            "removal_unverified": _count_if(row.status == NoticeStatus.REMOVAL_UNVERIFIED.value),
            "removed_within_1h": _count_if(and_(verified, to_removal <= WITHIN_1H)),
            "removed_within_24h": _count_if(and_(verified, to_removal <= WITHIN_24H)),
            "removed_within_7d": _count_if(and_(verified, to_removal <= WITHIN_7D)),
            "removed_after_42d": _count_if(and_(verified, to_removal > OVER_42D)),
            "renotices_sent": func.coalesce(func.sum(row.renotices), 0),
            "renoticed": _count_if(row.renotices > 0),
            "sla_breaches": _count_if(row.sla_breached.is_(True)),
        }
        statement = (
            select(row.platform, appeal, *(c.label(name) for name, c in columns.items()))
            .where(self._submitted_in(since, until))
            .group_by(row.platform, appeal)
            .order_by(row.platform, appeal)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).mappings().all()
        return [PlatformTally.model_validate(dict(r)) for r in rows]

    async def ranked_removal_times(
        self, since: datetime, until: datetime, fractions: tuple[float, ...] = (0.5, 0.9)
    ) -> list[RankedRemovalTimes]:
        """For each platform, the times to removal of its first notices at the ranks
        around each fraction (as ``percentile_cont`` interpolates: rank
        ``floor((n - 1) * f) + 1`` and the next), the fastest and the slowest. Ranked
        by a window function, so only those few rows leave the database."""
        row = NoticeRow
        seconds = seconds_between(row.submitted_at, row.verified_at)
        ranked = (
            select(
                row.platform.label("platform"),
                seconds.label("seconds"),
                func.row_number().over(partition_by=row.platform, order_by=seconds).label("rank"),
                func.count().over(partition_by=row.platform).label("n"),
            )
            .where(
                self._submitted_in(since, until),
                row.appeal_of.is_(None),
                row.status == NoticeStatus.VERIFIED_REMOVED.value,
                row.verified_at.is_not(None),
            )
            .subquery()
        )
        rank, n = ranked.c.rank, ranked.c.n
        wanted = [rank == 1, rank == n]
        for fraction in fractions:
            permille = round(fraction * 1000)  # integer arithmetic in SQL
            below = ((n - 1) * permille) // 1000 + 1
            wanted += [rank == below, rank == below + 1]
        statement = (
            select(ranked.c.platform, rank, n, ranked.c.seconds)
            .where(or_(*wanted))
            .order_by(ranked.c.platform, rank)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        found: dict[str, RankedRemovalTimes] = {}
        for platform, at_rank, count, value in rows:
            entry = found.setdefault(
                platform,
                RankedRemovalTimes(platform=platform, verified=count, seconds_at_rank={}),
            )
            entry.seconds_at_rank[int(at_rank)] = float(value)
        return list(found.values())

    async def monthly_counts(self, boundaries: list[datetime]) -> list[MonthCount]:
        """First notices submitted between consecutive ``boundaries`` (month starts in
        the helpline's zone, computed by the caller), by decision and withdrawal."""
        row = NoticeRow
        month = case(
            *[(row.submitted_at < end, index) for index, end in enumerate(boundaries[1:])],
        ).label("month")
        withdrawn = and_(row.decision.is_(None), row.status == NoticeStatus.CANCELLED.value).label(
            "withdrawn"
        )
        statement = (
            select(month, row.decision, withdrawn, func.count())
            .where(self._submitted_in(boundaries[0], boundaries[-1]), row.appeal_of.is_(None))
            .group_by(month, row.decision, withdrawn)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            MonthCount(month=m, decision=d, withdrawn=bool(w), notices=c) for m, d, w, c in rows
        ]
