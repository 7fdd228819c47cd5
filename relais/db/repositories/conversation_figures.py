"""The conversations' figures for the API's metrics, per channel (never per young
person, counsellor or conversation): waiting now and since when, the waits before a
counsellor accepted in histogram buckets, abandoned and missed conversations, offers
not accepted (lapsed or passed). Read from the conversation directory, which every
conversation's workflow writes, so every API replica answers the same."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.conversation import ConversationStatus
from relais.db.tables import ConversationRow

# Seconds: the young person's side of the queue, from "at once" to the 10-minute
# long wait after which they are offered a callback, and beyond.
WAIT_BUCKETS: tuple[float, ...] = (10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 3600.0)
_QUEUED = (ConversationStatus.WAITING.value, ConversationStatus.OFFERED.value)


class ChannelConversations(BaseModel):
    channel: str
    waiting: int
    waiting_since: datetime | None
    abandoned: int
    missed: int
    offers_not_accepted: int
    wait_buckets: list[tuple[float, int]]  # cumulative, as Prometheus histograms are
    answered: int
    waited_seconds: float


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


async def conversations_by_channel(
    session: AsyncSession, buckets: Sequence[float] = WAIT_BUCKETS
) -> list[ChannelConversations]:
    row = ConversationRow
    queued = row.status.in_(_QUEUED)
    answered = row.answered_at.is_not(None) & row.waited_seconds.is_not(None)
    statement = select(
        row.channel,
        _count_if(queued),
        _count_if(row.status == ConversationStatus.ABANDONED.value),
        _count_if(row.status == ConversationStatus.MISSED.value),
        func.coalesce(func.sum(row.offers_not_accepted), 0),
        _count_if(answered),
        func.coalesce(func.sum(case((answered, row.waited_seconds), else_=0)), 0),
        *(_count_if(answered & (row.waited_seconds <= b)) for b in buckets),
    ).group_by(row.channel)
    longest = dict(
        (
            await session.execute(
                select(row.channel, func.min(row.waiting_since)).where(queued).group_by(row.channel)
            )
        ).all()
    )
    found = []
    for channel, waiting, abandoned, missed, lapsed, n, total, *cumulative in (
        await session.execute(statement)
    ).all():
        found.append(
            ChannelConversations(
                channel=channel,
                waiting=waiting or 0,
                waiting_since=longest.get(channel),
                abandoned=abandoned or 0,
                missed=missed or 0,
                offers_not_accepted=lapsed or 0,
                wait_buckets=[(b, c or 0) for b, c in zip(buckets, cumulative, strict=True)],
                answered=n or 0,
                waited_seconds=float(total or 0),
            )
        )
    return found
