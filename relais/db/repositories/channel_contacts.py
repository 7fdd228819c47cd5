"""Who writes on a messaging channel (a keyed hash, never the identifier in clear), the
conversation their messages go to, and where to answer them (sealed). Two deliveries
racing for the same person agree on one conversation: the first to claim the row wins,
the other reads it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from relais.db.repositories._sql import SessionSource, insert_ignoring_conflicts, sessions_of
from relais.db.tables import ChannelContactRow, ChannelConversationRow


@dataclass(frozen=True)
class SealedAddress:
    key_id: str
    sealed: bytes


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

    async def address_of(self, conversation_id: str) -> tuple[str, SealedAddress] | None:
        """The channel and sealed address of the person whose current conversation this
        is (None once they started another, or never wrote on a channel)."""
        row = ChannelContactRow
        statement = select(row.channel, row.address_key_id, row.sealed_address).where(
            row.conversation_id == conversation_id
        )
        async with self._sessions() as session:
            found = (await session.execute(statement)).first()
        if found is None:
            return None
        return found.channel, SealedAddress(found.address_key_id, found.sealed_address)

    async def claim(
        self,
        channel: str,
        digest: str,
        conversation_id: str,
        replacing: str | None,
        address: SealedAddress,
        now: datetime,
    ) -> str:
        """Point this person at ``conversation_id`` (first contact, or ``replacing`` their
        last, now over); the conversation they point at after the call (someone else's
        claim may have won)."""
        row = ChannelContactRow
        values = {
            "conversation_id": conversation_id,
            "address_key_id": address.key_id,
            "sealed_address": address.sealed,
            "updated_at": now,
        }
        async with self._sessions.begin() as session:
            if replacing is None:
                keys = {"channel": channel, "identifier_digest": digest}
                await session.execute(insert_ignoring_conflicts(session, row, keys | values))
            else:
                await session.execute(
                    update(row)
                    .where(
                        row.channel == channel,
                        row.identifier_digest == digest,
                        row.conversation_id == replacing,
                    )
                    .values(**values)
                )
            found = await session.scalar(
                select(row.conversation_id).where(
                    row.channel == channel, row.identifier_digest == digest
                )
            )
            if found == conversation_id:  # one more of their conversations: recognised later
                started = {
                    "conversation_id": conversation_id,
                    "channel": channel,
                    "identifier_digest": digest,
                    "started_at": now,
                }
                await session.execute(
                    insert_ignoring_conflicts(session, ChannelConversationRow, started)
                )
        assert found is not None
        return found
