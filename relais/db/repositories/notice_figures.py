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
from sqlalchemy import Boolean, ColumnElement, Float, and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession
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
    # Timestamps are exact to the microsecond: no rounding needed.
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date_part('epoch', {end} - {start})"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text; julianday() is exact to well under a millisecond.
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)"


class elapsed_at_most(FunctionElement[bool]):  # lower case: it reads as SQL
    """``end - start <= seconds`` (a whole number of seconds fixed in code), compared
    as intervals on PostgreSQL (no per-row arithmetic) and in milliseconds on SQLite."""

    type = Boolean()
    inherit_cache = False
    name = "elapsed_at_most"

    def __init__(self, start: Any, end: Any, seconds: int) -> None:
        super().__init__(start, end)
        self.seconds = int(seconds)


@compiles(elapsed_at_most, "postgresql")
def _elapsed_pg(element: elapsed_at_most, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({end} - {start}) <= interval '{element.seconds} seconds'"


@compiles(elapsed_at_most, "sqlite")
def _elapsed_sqlite(element: elapsed_at_most, compiler: SQLCompiler, **kw: Any) -> str:
    between = _seconds_sqlite(seconds_between(*element.clauses), compiler, **kw)
    return f"{between} <= {element.seconds}"


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


class RemovalTimePercentiles(BaseModel):
    """Seconds from submission to verified removal of one platform's first notices:
    the percentiles asked for (fraction -> seconds, interpolated between ranks as
    ``percentile_cont`` does) and the slowest."""

    platform: str
    verified: int
    percentiles: dict[float, float]
    min_seconds: float
    max_seconds: float


def interpolate(at_rank: dict[int, float], n: int, fraction: float) -> float:
    """The ``fraction`` percentile of ``n`` sorted values, from the two values around
    it (``at_rank``: 1-based rank -> value), as ``percentile_cont`` computes it."""
    below = (n - 1) * round(fraction * 1000) // 1000 + 1
    low = at_rank[below]
    if below == n:
        return low
    weight = (n - 1) * fraction - (below - 1)
    return round(low + (at_rank[below + 1] - low) * weight, 3)


class MonthCount(BaseModel):
    """How many first notices of one month share one status and decision: the same
    grouping as the report's total, so the months add up to it."""

    month: int  # index into the boundaries given
    status: NoticeStatus
    decision: Decision | None
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

        def within(seconds: int) -> ColumnElement[bool]:
            return elapsed_at_most(row.submitted_at, row.verified_at, seconds)

        # A platform may answer "no answer": the report counts it as no decision too.
        undecided = or_(row.decision.is_(None), row.decision == Decision.NO_ANSWER.value)
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
            "removed_within_1h": _count_if(and_(verified, within(WITHIN_1H))),
            "removed_within_24h": _count_if(and_(verified, within(WITHIN_24H))),
            "removed_within_7d": _count_if(and_(verified, within(WITHIN_7D))),
            "removed_after_42d": _count_if(and_(verified, ~within(OVER_42D))),
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

    async def removal_time_percentiles(
        self,
        since: datetime | None,
        until: datetime | None,
        fractions: tuple[float, ...] = (0.5, 0.9),
        *,
        by_verification: bool = False,
        platform: str | None = None,
    ) -> list[RemovalTimePercentiles]:
        """Per platform, percentiles and extremes of the times to removal (verified
        removals only): of its first notices submitted in the period, or
        (``by_verification``) of every notice whose removal was verified in it."""
        row = NoticeRow
        conditions: list[ColumnElement[bool]] = [
            row.status == NoticeStatus.VERIFIED_REMOVED.value,
            row.verified_at.is_not(None),
            row.submitted_at.is_not(None),
        ]
        if by_verification:
            if since is not None:
                conditions.append(row.verified_at >= since)
            if until is not None:
                conditions.append(row.verified_at < until)
        else:
            assert since is not None and until is not None
            conditions += [self._submitted_in(since, until), row.appeal_of.is_(None)]
        if platform is not None:
            conditions.append(row.platform == platform)
        async with self._sessions() as session:
            if session.get_bind().dialect.name == "postgresql":
                return await self._percentiles_pg(session, conditions, fractions)
            return await self._percentiles_by_rank(session, conditions, fractions)

    async def _percentiles_pg(
        self,
        session: AsyncSession,
        conditions: list[ColumnElement[bool]],
        fractions: tuple[float, ...],
    ) -> list[RemovalTimePercentiles]:
        """PostgreSQL's own ordered-set aggregate: one sort per platform."""
        row = NoticeRow
        seconds = seconds_between(row.submitted_at, row.verified_at)
        cuts = func.percentile_cont(array(fractions)).within_group(seconds)
        statement = (
            select(row.platform, func.count(), cuts, func.min(seconds), func.max(seconds))
            .where(*conditions)
            .group_by(row.platform)
            .order_by(row.platform)
        )
        return [
            RemovalTimePercentiles(
                platform=platform,
                verified=count,
                percentiles={f: round(float(v), 3) for f, v in zip(fractions, values, strict=True)},
                min_seconds=round(float(fastest), 3),
                max_seconds=round(float(slowest), 3),
            )
            for platform, count, values, fastest, slowest in (
                await session.execute(statement)
            ).all()
        ]

    async def _percentiles_by_rank(
        self,
        session: AsyncSession,
        conditions: list[ColumnElement[bool]],
        fractions: tuple[float, ...],
    ) -> list[RemovalTimePercentiles]:
        """Elsewhere (SQLite): rank with a window function and bring back only the
        rows around each percentile and the slowest, interpolated here."""
        row = NoticeRow
        seconds = seconds_between(row.submitted_at, row.verified_at)
        ranked = (
            select(
                row.platform.label("platform"),
                seconds.label("seconds"),
                func.row_number().over(partition_by=row.platform, order_by=seconds).label("rank"),
                func.count().over(partition_by=row.platform).label("n"),
            )
            .where(*conditions)
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
        found: dict[str, tuple[int, dict[int, float]]] = {}
        for platform, at_rank, count, value in (await session.execute(statement)).all():
            found.setdefault(platform, (int(count), {}))[1][int(at_rank)] = float(value)
        return [
            RemovalTimePercentiles(
                platform=platform,
                verified=count,
                percentiles={f: interpolate(values, count, f) for f in fractions},
                min_seconds=values[1],
                max_seconds=values[count],
            )
            for platform, (count, values) in found.items()
        ]

    async def monthly_counts(self, boundaries: list[datetime]) -> list[MonthCount]:
        """First notices submitted between consecutive ``boundaries`` (month starts in
        the helpline's zone, computed by the caller), by status and decision."""
        row = NoticeRow
        month = case(
            *[(row.submitted_at < end, index) for index, end in enumerate(boundaries[1:])],
        ).label("month")
        statement = (
            select(month, row.status, row.decision, func.count())
            .where(self._submitted_in(boundaries[0], boundaries[-1]), row.appeal_of.is_(None))
            .group_by(month, row.status, row.decision)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [MonthCount(month=m, status=s, decision=d, notices=c) for m, s, d, c in rows]
