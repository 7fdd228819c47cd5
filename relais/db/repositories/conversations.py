"""The conversation directory (one row per conversation, written by its workflow) and
the figures dashboards and the API's metrics read from it; and the short-lived
"is writing" hints every API replica shares."""

from datetime import datetime

from sqlalchemy import delete, func, select, update

from domain.conversation import AuthorKind, ConversationStatus
from domain.conversation_records import ConversationFigures, ConversationRecord
from relais.db.repositories._sql import SessionSource, sessions_of, upsert, upsert_unless_older
from relais.db.tables import ConversationRow, ConversationTypingRow

_QUEUED = (ConversationStatus.WAITING.value, ConversationStatus.OFFERED.value)


class ConversationDirectory:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def upsert(self, record: ConversationRecord) -> bool:
        """Store ``record`` unless a newer version is stored; True when written."""
        async with self._sessions.begin() as session:
            statement = upsert_unless_older(
                session, ConversationRow, "conversation_id", record.model_dump()
            )
            return (await session.execute(statement)).first() is not None

    async def get(self, conversation_id: str) -> ConversationRecord | None:
        async with self._sessions() as session:
            row = await session.get(ConversationRow, conversation_id)
            if row is None:
                return None
            return ConversationRecord.model_validate(row, from_attributes=True)

    async def case_of(self, conversation_id: str) -> str | None:
        """The case a conversation is linked to (its messages are sealed with its key)."""
        statement = select(ConversationRow.case_id).where(
            ConversationRow.conversation_id == conversation_id
        )
        async with self._sessions() as session:
            return await session.scalar(statement)

    async def of_case(self, case_id: str) -> list[ConversationRecord]:
        """The conversations linked to a case, oldest first."""
        statement = (
            select(ConversationRow)
            .where(ConversationRow.case_id == case_id)
            .order_by(ConversationRow.opened_at)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [ConversationRecord.model_validate(r, from_attributes=True) for r in rows]

    async def link(self, conversation_id: str, case_id: str) -> None:
        """From now on the door seals this conversation's new messages with the case's
        key (the workflow's next row says the same; it writes under the same lock)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConversationRow)
                .where(ConversationRow.conversation_id == conversation_id)
                .values(case_id=case_id)
            )

    async def mark_purged(self, conversation_id: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConversationRow)
                .where(
                    ConversationRow.conversation_id == conversation_id,
                    ConversationRow.purged_at.is_(None),
                )
                .values(purged_at=at)
            )

    async def figures(self, helpline: str, since: datetime) -> ConversationFigures:
        """Waiting now, and what happened since ``since`` (e.g. local midnight)."""
        row = ConversationRow
        mine = row.helpline == helpline
        async with self._sessions() as session:
            waiting = (
                await session.execute(
                    select(func.count(), func.min(row.waiting_since)).where(
                        mine, row.status.in_(_QUEUED)
                    )
                )
            ).one()
            by_status = dict(
                (
                    await session.execute(
                        select(row.status, func.count())
                        .where(mine, row.opened_at >= since)
                        .group_by(row.status)
                    )
                ).all()
            )
            not_accepted = await session.scalar(
                select(func.coalesce(func.sum(row.offers_not_accepted), 0)).where(
                    mine, row.opened_at >= since
                )
            )
            waits = (
                await session.scalars(
                    select(row.waited_seconds).where(
                        mine, row.answered_at >= since, row.waited_seconds.is_not(None)
                    )
                )
            ).all()
        return ConversationFigures(
            helpline=helpline,
            since=since,
            waiting=int(waiting[0]),
            waiting_since=waiting[1],
            by_status={str(status): int(count) for status, count in by_status.items()},
            offers_not_accepted=int(not_accepted or 0),
            answered_waits_seconds=[int(w) for w in waits if w is not None],
        )


class TypingHints:
    """ "Is writing…": a row per conversation and side, good until ``until``."""

    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def writing(
        self, conversation_id: str, author_kind: AuthorKind, until: datetime, now: datetime
    ) -> None:
        values = {
            "conversation_id": conversation_id,
            "author_kind": author_kind.value,
            "until": until,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                delete(ConversationTypingRow).where(ConversationTypingRow.until < now)
            )
            await session.execute(
                upsert(session, ConversationTypingRow, ["conversation_id", "author_kind"], values)
            )

    async def stopped(self, conversation_id: str, author_kind: AuthorKind) -> None:
        """Their message is sent: they are no longer writing it. Looked for first: most
        messages come with no hint left (a delete that finds nothing still takes
        SQLite's write lock, a write per message for nothing)."""
        mine = (
            ConversationTypingRow.conversation_id == conversation_id,
            ConversationTypingRow.author_kind == author_kind.value,
        )
        async with self._sessions() as session:
            hint = await session.scalar(select(ConversationTypingRow.until).where(*mine))
        if hint is None:
            return
        async with self._sessions.begin() as session:
            await session.execute(delete(ConversationTypingRow).where(*mine))

    async def who_is_writing(self, conversation_id: str, now: datetime) -> list[AuthorKind]:
        statement = select(ConversationTypingRow.author_kind).where(
            ConversationTypingRow.conversation_id == conversation_id,
            ConversationTypingRow.until >= now,
        )
        async with self._sessions() as session:
            return [AuthorKind(kind) for kind in (await session.scalars(statement)).all()]
