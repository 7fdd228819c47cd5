"""The web chat's short-lived rows, shared by every API replica: each page's last
sign of life (``conversation_pages``) and each conversation's write allowance
(``conversation_write_limits``). Ids and times only."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from relais.db.repositories._sql import (
    SessionSource,
    insert_unless_present,
    sessions_of,
    upsert,
)
from relais.db.tables import ConversationPageRow, ConversationRow, ConversationWriteLimitRow

_QUEUED = ("waiting", "offered")


@dataclass(frozen=True)
class GonePage:
    conversation_id: str
    closed: bool  # its beacon said so; otherwise it fell silent
    reason: str | None


class ConversationPages:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def seen(
        self, conversation_id: str, now: datetime, fresh: timedelta = timedelta(0)
    ) -> None:
        """The page is in touch: whatever it said before, it is here. A page already
        seen within ``fresh`` and not said away is left as it is (a live page says it
        is here on every stream and poll: rewriting it each time was a write, with
        SQLite's write lock, for a time the absence check reads to the quarter hour)."""
        row = ConversationPageRow
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(row.seen_at, row.away_at).where(row.conversation_id == conversation_id)
                )
            ).first()
        if found is not None and found.away_at is None and found.seen_at > now - fresh:
            return
        values = {
            "conversation_id": conversation_id,
            "seen_at": now,
            "away_at": None,
            "away_reason": None,
        }
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, ConversationPageRow, ["conversation_id"], values))

    async def away(self, conversation_id: str, reason: str, now: datetime) -> None:
        """The page was closed (or hidden for good): unless it comes back, gone."""
        row = ConversationPageRow
        async with self._sessions.begin() as session:
            inserted = await session.execute(
                insert_unless_present(
                    session,
                    row,
                    "conversation_id",
                    {
                        "conversation_id": conversation_id,
                        "seen_at": now,
                        "away_at": now,
                        "away_reason": reason,
                    },
                )
            )
            if inserted.first() is None:
                await session.execute(
                    update(row)
                    .where(row.conversation_id == conversation_id)
                    .values(away_at=now, away_reason=reason)
                )

    async def gone(
        self, closed_before: datetime, silent_before: datetime, limit: int = 200
    ) -> list[GonePage]:
        """Pages of conversations still waiting in the queue that were closed before
        ``closed_before`` and not back since, or silent since ``silent_before``."""
        page, conversation = ConversationPageRow, ConversationRow
        closed = and_(
            page.away_at.is_not(None),
            page.away_at < closed_before,
            page.seen_at <= page.away_at,
        )
        statement = (
            select(page.conversation_id, page.away_at, page.away_reason)
            .join(conversation, conversation.conversation_id == page.conversation_id)
            .where(conversation.status.in_(_QUEUED), or_(closed, page.seen_at < silent_before))
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            GonePage(
                conversation_id=cid,
                closed=away_at is not None and away_at < closed_before,
                reason=reason,
            )
            for cid, away_at, reason in rows
        ]

    async def forget(self, conversation_ids: list[str]) -> None:
        if not conversation_ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                delete(ConversationPageRow).where(
                    ConversationPageRow.conversation_id.in_(conversation_ids)
                )
            )

    async def forget_finished(self, before: datetime) -> int:
        """Rows of conversations no longer waiting nor with a counsellor, quiet since
        ``before`` (and their write allowances): nothing reads them any more."""
        page, conversation = ConversationPageRow, ConversationRow
        finished = select(conversation.conversation_id).where(
            conversation.ended_at.is_not(None), conversation.ended_at < before
        )
        async with self._sessions.begin() as session:
            pages = await session.execute(
                delete(page).where(page.conversation_id.in_(finished), page.seen_at < before)
            )
            await session.execute(
                delete(ConversationWriteLimitRow).where(
                    ConversationWriteLimitRow.conversation_id.in_(finished)
                )
            )
        return int(pages.rowcount)  # type: ignore[attr-defined]

    async def state(self, conversation_id: str) -> tuple[datetime, datetime | None] | None:
        """(last seen, away since) of the conversation's page, if it has one."""
        async with self._sessions() as session:
            row = await session.get(ConversationPageRow, conversation_id)
            return None if row is None else (row.seen_at, row.away_at)


def _micros(at: datetime) -> int:
    return int((at - _EPOCH) / timedelta(microseconds=1))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WriteLimits:
    """A generic cell rate algorithm per conversation: ``burst`` messages at once, then
    one per ``interval``. One row holds the theoretical arrival time of the next
    message; it moves by compare-and-set, so two replicas taking the same allowance at
    once cannot both succeed on one slot."""

    ATTEMPTS = 5

    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def take(
        self, conversation_id: str, now: datetime, interval: timedelta, burst: int
    ) -> timedelta | None:
        """None when a message may go now (and it is counted); otherwise how long to
        wait before the next one may."""
        row = ConversationWriteLimitRow
        at, step = _micros(now), int(interval / timedelta(microseconds=1))
        tolerance = step * (burst - 1)
        for _ in range(self.ATTEMPTS):
            async with self._sessions.begin() as session:
                stored = await session.scalar(
                    select(row.tat_us).where(row.conversation_id == conversation_id)
                )
                tat = max(stored if stored is not None else at, at)
                if tat - at > tolerance:
                    return timedelta(microseconds=tat - at - tolerance)
                if stored is None:
                    inserted = await session.execute(
                        insert_unless_present(
                            session,
                            row,
                            "conversation_id",
                            {"conversation_id": conversation_id, "tat_us": tat + step},
                        )
                    )
                    if inserted.first() is not None:
                        return None
                    continue
                moved = await session.execute(
                    update(row)
                    .where(row.conversation_id == conversation_id, row.tat_us == stored)
                    .values(tat_us=tat + step)
                )
                if moved.rowcount == 1:  # type: ignore[attr-defined]
                    return None
        return interval  # taken by others in the meantime: after one interval
