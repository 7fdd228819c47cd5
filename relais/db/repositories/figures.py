"""Operations figures: what the helpline's monitoring reads from the app database.

Counts only, grouped in the database by slugs and enums (never by case): open cases
by status and urgency, notices and referrals by platform/partner and status, time
to removal per platform in histogram buckets, people's tasks, adapter health. The
projections are written by every worker and survive restarts, so figures read here
are the same whichever API replica is scraped and however many workers run.

Each read is a handful of grouped queries over indexed columns; the API reads them
at most once per ``RELAIS_METRICS_CACHE_SECONDS`` (see ``relais.metrics``).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.case import CaseStatus
from domain.notice import NoticeStatus
from domain.tasks import TaskKind
from relais.db.repositories._sql import SessionSource, sessions_of
from relais.db.repositories.conversation_figures import (
    ChannelConversations,
    conversations_by_channel,
)
from relais.db.tables import AdapterHealthRow, CaseRow, NoticeRow, ReferralRow, TaskRow

# Seconds, from "removed within the minute" (priority notices, the 3018's bar is an
# hour) to Project Arachnid's long tail (10% of removals took over 42 days).
REMOVAL_BUCKETS: tuple[float, ...] = (
    60.0,
    300.0,
    900.0,
    3600.0,
    4 * 3600.0,
    12 * 3600.0,
    86400.0,
    2 * 86400.0,
    7 * 86400.0,
    42 * 86400.0,
)


class CaseCount(BaseModel):
    status: CaseStatus
    urgency: str
    cases: int
    sla_breached: int


class NoticeGroup(BaseModel):
    platform: str
    status: NoticeStatus
    decision: str | None
    notices: int
    submitted: int
    renotices: int
    sla_breached: int


class RemovalHistogram(BaseModel):
    """Cumulative counts per upper bound (``le``), as Prometheus histograms are."""

    platform: str
    buckets: list[tuple[float, int]]
    count: int
    sum_seconds: float


class ReferralGroup(BaseModel):
    partner: str
    status: str
    referrals: int
    sent: int
    emergency: int


class TaskGroup(BaseModel):
    kind: TaskKind
    for_role: str
    created: int
    open: int
    open_unclaimed: int
    open_past_claim_window: int
    open_past_overdue_window: int


class AdapterState(BaseModel):
    slug: str
    failures_since_success: int
    last_success_at: datetime | None
    last_failure_at: datetime | None


class Figures(BaseModel):
    read_at: datetime
    cases: list[CaseCount]
    notices: list[NoticeGroup]
    removals: list[RemovalHistogram]
    referrals: list[ReferralGroup]
    tasks: list[TaskGroup]
    adapters: list[AdapterState]
    conversations: list[ChannelConversations] = []


class OperationsFigures:
    """``await OperationsFigures(db).read(now, claim_within=..., overdue_after=...)``."""

    def __init__(self, source: SessionSource, buckets: Sequence[float] = REMOVAL_BUCKETS) -> None:
        self._sessions = sessions_of(source)
        self._buckets = tuple(sorted(buckets))

    async def read(
        self, now: datetime, *, claim_within: timedelta, overdue_after: timedelta
    ) -> Figures:
        """All figures, in one read-only session. ``claim_within`` and
        ``overdue_after`` are the case policy's callback windows: a due callback past
        them is the one a supervisor was alerted about."""
        async with self._sessions() as session:
            return Figures(
                read_at=now,
                cases=await self._cases(session),
                notices=await self._notices(session),
                removals=await self._removals(session),
                referrals=await self._referrals(session),
                tasks=await self._tasks(session, now - claim_within, now - overdue_after),
                adapters=await self._adapters(session),
                conversations=await conversations_by_channel(session),
            )

    async def _cases(self, session: AsyncSession) -> list[CaseCount]:
        row = CaseRow
        statement = (
            select(row.status, row.urgency, func.count(), _count_if(row.sla_breached.is_(True)))
            .where(row.status != CaseStatus.CLOSED.value)
            .group_by(row.status, row.urgency)
        )
        return [
            CaseCount(status=status, urgency=urgency, cases=cases, sla_breached=breached or 0)
            for status, urgency, cases, breached in (await session.execute(statement)).all()
        ]

    async def _notices(self, session: AsyncSession) -> list[NoticeGroup]:
        row = NoticeRow
        groups = (row.platform, row.status, row.decision)
        statement = select(
            *groups,
            func.count(),
            _count_if(row.submitted_at.is_not(None)),
            func.coalesce(func.sum(row.renotices), 0),
            _count_if(row.sla_breached.is_(True)),
        ).group_by(*groups)
        return [
            NoticeGroup(
                platform=platform,
                status=status,
                decision=decision,
                notices=notices,
                submitted=submitted or 0,
                renotices=renotices or 0,
                sla_breached=breached or 0,
            )
            for platform, status, decision, notices, submitted, renotices, breached in (
                await session.execute(statement)
            ).all()
        ]

    async def _removals(self, session: AsyncSession) -> list[RemovalHistogram]:
        """Submission to our own check that the content is gone, per platform."""
        row = NoticeRow
        seconds = _seconds_between(session, row.submitted_at, row.verified_at)
        statement = (
            select(
                row.platform,
                func.count(),
                func.coalesce(func.sum(seconds), 0.0),
                *(_count_if(seconds <= bound) for bound in self._buckets),
            )
            .where(
                row.status == NoticeStatus.VERIFIED_REMOVED.value,
                row.submitted_at.is_not(None),
                row.verified_at.is_not(None),
            )
            .group_by(row.platform)
        )
        histograms = []
        for platform, count, total, *cumulative in (await session.execute(statement)).all():
            histograms.append(
                RemovalHistogram(
                    platform=platform,
                    buckets=[(b, n or 0) for b, n in zip(self._buckets, cumulative, strict=True)],
                    count=count,
                    sum_seconds=float(total or 0.0),
                )
            )
        return histograms

    async def _referrals(self, session: AsyncSession) -> list[ReferralGroup]:
        row = ReferralRow
        statement = select(
            row.partner,
            row.status,
            func.count(),
            _count_if(row.sent_at.is_not(None)),
            _count_if(row.emergency.is_(True)),
        ).group_by(row.partner, row.status)
        return [
            ReferralGroup(
                partner=partner, status=status, referrals=n, sent=sent or 0, emergency=urgent or 0
            )
            for partner, status, n, sent, urgent in (await session.execute(statement)).all()
        ]

    async def _tasks(
        self, session: AsyncSession, claim_cutoff: datetime, overdue_cutoff: datetime
    ) -> list[TaskGroup]:
        row = TaskRow
        is_open = row.done_at.is_(None)
        unclaimed = and_(is_open, row.claimed_by.is_(None))
        statement = select(
            row.kind,
            row.for_role,
            func.count(),
            _count_if(is_open),
            _count_if(unclaimed),
            _count_if(and_(unclaimed, row.due_at <= claim_cutoff)),
            _count_if(and_(is_open, row.due_at <= overdue_cutoff)),
        ).group_by(row.kind, row.for_role)
        return [
            TaskGroup(
                kind=kind,
                for_role=role,
                created=created,
                open=n_open or 0,
                open_unclaimed=n_unclaimed or 0,
                open_past_claim_window=past_claim or 0,
                open_past_overdue_window=past_overdue or 0,
            )
            for kind, role, created, n_open, n_unclaimed, past_claim, past_overdue in (
                await session.execute(statement)
            ).all()
        ]

    async def _adapters(self, session: AsyncSession) -> list[AdapterState]:
        rows = (await session.scalars(select(AdapterHealthRow))).all()
        return [
            AdapterState(
                slug=r.slug,
                failures_since_success=r.failures_since_success or 0,
                last_success_at=r.last_success_at,
                last_failure_at=r.last_failure_at,
            )
            for r in rows
        ]


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _seconds_between(session: AsyncSession, start: Any, end: Any) -> ColumnElement[Any]:
    """``end - start`` in seconds, in SQL (SQLite stores UTC text, PostgreSQL timestamptz)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * literal(86400.0)
    return func.extract("epoch", end - start)
