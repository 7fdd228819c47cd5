"""A young person who writes again, as the app database knows them: the keyed hash of
their identifier on a channel (``channel_conversations``, never the identifier), the
conversations they started under it and the cases those joined (the conversations'
directory), with each case's status and owner (the cases' directory).

The retention purge forgets a purged case here: its conversations' rows go, and so does
the channel contact whose current conversation it was (their address, sealed)."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from relais.db.repositories._sql import SessionSource, insert_ignoring_conflicts, sessions_of
from relais.db.repositories.channel_contacts import SealedAddress
from relais.db.tables import (
    CaseRow,
    ChannelContactRow,
    ChannelConversationRow,
    ConversationRow,
    NewsQuestionRow,
)


@dataclass(frozen=True)
class Sender:
    """Who started a conversation: a channel and the keyed hash of their identifier."""

    channel: str
    digest: str


@dataclass(frozen=True)
class EarlierCase:
    case_id: str
    status: str
    closed_at: datetime | None
    owner: str
    conversations: int  # of theirs joined to it


@dataclass(frozen=True)
class ContactHistory:
    conversations: int  # theirs, the one excluded left out
    cases: list[EarlierCase]  # newest first


class ReturningContacts:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def sender_of(self, conversation_id: str) -> Sender | None:
        row = ChannelConversationRow
        statement = select(row.channel, row.identifier_digest).where(
            row.conversation_id == conversation_id
        )
        async with self._sessions() as session:
            found = (await session.execute(statement)).first()
        return None if found is None else Sender(found.channel, found.identifier_digest)

    async def remember(self, sender: Sender, conversation_id: str, now: datetime) -> None:
        """One more conversation of theirs (the web chat's, whose sender kept a
        returning token); the same again changes nothing."""
        values = {
            "conversation_id": conversation_id,
            "channel": sender.channel,
            "identifier_digest": sender.digest,
            "started_at": now,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                insert_ignoring_conflicts(session, ChannelConversationRow, values)
            )

    async def history(self, sender: Sender, excluding: str | None = None) -> ContactHistory:
        """Their conversations (but ``excluding``) and the cases those joined."""
        row = ChannelConversationRow
        statement = (
            select(row.conversation_id, ConversationRow.case_id)
            .outerjoin(ConversationRow, ConversationRow.conversation_id == row.conversation_id)
            .where(row.channel == sender.channel, row.identifier_digest == sender.digest)
        )
        async with self._sessions() as session:
            found = [r for r in (await session.execute(statement)).all()]
            linked = Counter(r.case_id for r in found if r.case_id is not None)
            cases = (
                (await session.execute(select(CaseRow).where(CaseRow.case_id.in_(linked))))
                .scalars()
                .all()
                if linked
                else []
            )
        earlier = [
            EarlierCase(
                case_id=c.case_id,
                status=c.status,
                closed_at=c.closed_at,
                owner=c.owner or c.opened_by,
                conversations=linked[c.case_id],
            )
            for c in sorted(cases, key=lambda c: c.opened_at, reverse=True)
        ]
        count = sum(1 for r in found if r.conversation_id != excluding)
        return ContactHistory(conversations=count, cases=earlier)

    async def reseal(self, conversation_id: str, address: SealedAddress) -> bool:
        """Their address sealed anew (under the case's key, once the conversation joined
        a case), if this conversation is still their current one."""
        row = ChannelContactRow
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(row)
                .where(row.conversation_id == conversation_id)
                .values(address_key_id=address.key_id, sealed_address=address.sealed)
            )
        return bool(getattr(result, "rowcount", 0))

    async def forget_case(self, case_id: str) -> int:
        """The purge: this case's conversations no longer say who wrote them, nor where
        to answer them. Idempotent; the number of conversations forgotten."""
        theirs = select(ConversationRow.conversation_id).where(ConversationRow.case_id == case_id)
        async with self._sessions.begin() as session:
            forgotten = await session.execute(
                delete(ChannelConversationRow).where(
                    ChannelConversationRow.conversation_id.in_(theirs)
                )
            )
            await session.execute(
                delete(ChannelContactRow).where(ChannelContactRow.conversation_id.in_(theirs))
            )
            # the questions about news asked in them (ids only, but the case is gone)
            await session.execute(delete(NewsQuestionRow).where(NewsQuestionRow.case_id == case_id))
        return int(getattr(forgotten, "rowcount", 0) or 0)
