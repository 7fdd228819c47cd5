"""The rows behind a transcript: each message's sealed body under its id, and the
sealed contact a young person left to be called back. Sealing and opening are the
vault's (:mod:`relais.crypto.transcripts`); this module only stores bytes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from domain.conversation_records import TranscriptLine
from relais.db.repositories._sql import (
    SessionSource,
    insert_ignoring_conflicts,
    sessions_of,
    upsert,
)
from relais.db.tables import ConversationContactRow, ConversationMessageRow


@dataclass(frozen=True)
class SealedMessage:
    message_id: str
    conversation_id: str
    key_digest: str
    body_digest: str
    author_kind: str
    author: str | None
    internal: bool
    stored_at: datetime
    key_id: str
    ciphertext: bytes
    seq: int | None = None
    at: datetime | None = None
    media: bytes | None = None  # a channel's media reference, sealed like the body


@dataclass(frozen=True)
class SealedContact:
    conversation_id: str
    key_id: str
    ciphertext: bytes
    stored_at: datetime


def _message(row: ConversationMessageRow) -> SealedMessage:
    return SealedMessage(
        message_id=row.message_id,
        conversation_id=row.conversation_id,
        key_digest=row.key_digest,
        body_digest=row.body_digest,
        author_kind=row.author_kind,
        author=row.author,
        internal=row.internal,
        stored_at=row.stored_at,
        key_id=row.key_id,
        ciphertext=row.ciphertext,
        seq=row.seq,
        at=row.at,
        media=row.media,
    )


class TranscriptRows:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def insert(self, message: SealedMessage) -> tuple[SealedMessage, bool]:
        """Store ``message`` unless one with its key is stored: the stored one either
        way (the caller compares the body digests), and whether this call stored it."""
        values = {
            "message_id": message.message_id,
            "conversation_id": message.conversation_id,
            "key_digest": message.key_digest,
            "body_digest": message.body_digest,
            "author_kind": message.author_kind,
            "author": message.author,
            "internal": message.internal,
            "stored_at": message.stored_at,
            "key_id": message.key_id,
            "ciphertext": message.ciphertext,
            "media": message.media,
        }
        async with self._sessions.begin() as session:
            inserted = await session.execute(
                insert_ignoring_conflicts(session, ConversationMessageRow, values)
            )
            if inserted.first() is not None:
                return message, True
            row = await session.scalar(
                select(ConversationMessageRow).where(
                    ConversationMessageRow.conversation_id == message.conversation_id,
                    ConversationMessageRow.key_digest == message.key_digest,
                )
            )
            if row is None:  # the same id under another conversation: a forged id
                raise ValueError(f"message id {message.message_id} belongs elsewhere")
            return _message(row), False

    async def by_ids(self, conversation_id: str, message_ids: Sequence[str]) -> list[SealedMessage]:
        statement = select(ConversationMessageRow).where(
            ConversationMessageRow.conversation_id == conversation_id,
            ConversationMessageRow.message_id.in_(list(message_ids)),
        )
        async with self._sessions() as session:
            return [_message(row) for row in (await session.scalars(statement)).all()]

    async def mark_fetched(
        self, conversation_id: str, message_ids: Sequence[str], at: datetime
    ) -> int:
        """The web chat page fetched these lines: delivered at ``at`` (the first fetch
        stands). Returns how many were not marked before."""
        if not message_ids:
            return 0
        async with self._sessions.begin() as session:
            marked = await session.execute(
                update(ConversationMessageRow)
                .where(
                    ConversationMessageRow.conversation_id == conversation_id,
                    ConversationMessageRow.message_id.in_(list(message_ids)),
                    ConversationMessageRow.fetched_at.is_(None),
                )
                .values(fetched_at=at)
            )
        return int(marked.rowcount)  # type: ignore[attr-defined]

    async def fetched(self, conversation_id: str) -> set[str]:
        """The ids of its lines a web chat page fetched."""
        statement = select(ConversationMessageRow.message_id).where(
            ConversationMessageRow.conversation_id == conversation_id,
            ConversationMessageRow.fetched_at.is_not(None),
        )
        async with self._sessions() as session:
            return set((await session.scalars(statement)).all())

    async def filed(self, conversation_id: str) -> list[SealedMessage]:
        """The transcript as filed at its end, in order."""
        statement = (
            select(ConversationMessageRow)
            .where(
                ConversationMessageRow.conversation_id == conversation_id,
                ConversationMessageRow.seq.is_not(None),
            )
            .order_by(ConversationMessageRow.seq)
        )
        async with self._sessions() as session:
            return [_message(row) for row in (await session.scalars(statement)).all()]

    async def sealed_with(self, conversation_id: str, key_id: str) -> list[SealedMessage]:
        statement = select(ConversationMessageRow).where(
            ConversationMessageRow.conversation_id == conversation_id,
            ConversationMessageRow.key_id == key_id,
        )
        async with self._sessions() as session:
            return [_message(row) for row in (await session.scalars(statement)).all()]

    async def reseal(self, resealed: Sequence[tuple[str, str, bytes, bytes | None]]) -> None:
        """(message id, key id, ciphertext, sealed media reference or None) for each
        message moved under another key."""
        if not resealed:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConversationMessageRow),
                [
                    {
                        "message_id": message_id,
                        "key_id": key_id,
                        "ciphertext": ciphertext,
                        "media": media,
                    }
                    for message_id, key_id, ciphertext, media in resealed
                ],
            )

    async def file(self, conversation_id: str, lines: Sequence[TranscriptLine]) -> tuple[int, int]:
        """Each line's place and time as the workflow recorded them; rows stored but
        never accepted are deleted. Returns (filed, dropped)."""
        async with self._sessions.begin() as session:
            stored = set(
                (
                    await session.scalars(
                        select(ConversationMessageRow.message_id).where(
                            ConversationMessageRow.conversation_id == conversation_id
                        )
                    )
                ).all()
            )
            kept = [line for line in lines if line.message_id in stored]
            if kept:
                await session.execute(
                    update(ConversationMessageRow),
                    [
                        {"message_id": line.message_id, "seq": line.seq, "at": line.at}
                        for line in kept
                    ],
                )
            accepted = {line.message_id for line in lines}
            dropped = sorted(stored - accepted)
            if dropped:
                await session.execute(
                    delete(ConversationMessageRow).where(
                        ConversationMessageRow.message_id.in_(dropped)
                    )
                )
        return len(kept), len(dropped)

    async def delete_all(self, conversation_id: str) -> int:
        async with self._sessions.begin() as session:
            messages = await session.execute(
                delete(ConversationMessageRow).where(
                    ConversationMessageRow.conversation_id == conversation_id
                )
            )
            contacts = await session.execute(
                delete(ConversationContactRow).where(
                    ConversationContactRow.conversation_id == conversation_id
                )
            )
        return int(messages.rowcount) + int(contacts.rowcount)  # type: ignore[attr-defined]

    # ---- the contact for a callback ----------------------------------------------------------

    async def put_contact(self, contact: SealedContact) -> None:
        values = {
            "conversation_id": contact.conversation_id,
            "key_id": contact.key_id,
            "ciphertext": contact.ciphertext,
            "stored_at": contact.stored_at,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                upsert(session, ConversationContactRow, ["conversation_id"], values)
            )

    async def contact(self, conversation_id: str) -> SealedContact | None:
        async with self._sessions() as session:
            row = await session.get(ConversationContactRow, conversation_id)
            if row is None:
                return None
            return SealedContact(row.conversation_id, row.key_id, row.ciphertext, row.stored_at)
