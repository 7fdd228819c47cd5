"""Who writes on a messaging channel (a keyed hash, never the identifier) and the
conversation their messages go to. Two deliveries racing for the same person agree on
one conversation: the first to claim the row wins, the other reads it."""

from datetime import datetime

from sqlalchemy import select, update

from relais.db.repositories._sql import SessionSource, insert_ignoring_conflicts, sessions_of
from relais.db.tables import ChannelContactRow


class ChannelContacts:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def conversation_of(self, channel: str, digest: str) -> str | None:
        statement = select(ChannelContactRow.conversation_id).where(
            ChannelContactRow.channel == channel,
            ChannelContactRow.identifier_digest == digest,
        )
        async with self._sessions() as session:
            return await session.scalar(statement)

    async def claim(
        self, channel: str, digest: str, conversation_id: str, replacing: str | None, now: datetime
    ) -> str:
        """Point this person at ``conversation_id`` (first contact, or ``replacing`` their
        last, now over); the conversation they point at after the call (someone else's
        claim may have won)."""
        row = ChannelContactRow
        async with self._sessions.begin() as session:
            if replacing is None:
                values = {
                    "channel": channel,
                    "identifier_digest": digest,
                    "conversation_id": conversation_id,
                    "updated_at": now,
                }
                await session.execute(insert_ignoring_conflicts(session, row, values))
            else:
                await session.execute(
                    update(row)
                    .where(
                        row.channel == channel,
                        row.identifier_digest == digest,
                        row.conversation_id == replacing,
                    )
                    .values(conversation_id=conversation_id, updated_at=now)
                )
            found = await session.scalar(
                select(row.conversation_id).where(
                    row.channel == channel, row.identifier_digest == digest
                )
            )
        assert found is not None
        return found
