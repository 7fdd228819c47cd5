"""Transcripts, sealed outside the workflow history (the claim check).

The door stores each message here before telling the conversation's workflow about
it; the workflow records only its id, digests and place. A body is sealed
(AES-256-GCM, bound to its conversation and message id) with:

- the conversation's own key (:func:`~relais.crypto.key_store.conversation_scope`)
  until the conversation is linked to a case;
- the case's key once linked: what is stored moves under it at linking, and the
  conversation's key is destroyed once the conversation is over (every message it
  accepted is then stored, so none is left behind); from then on the transcript
  goes with the case, and the case's purge makes it unreadable (crypto-shredding).

A young person's media message on WhatsApp or Messenger keeps, beside its line, how
to fetch the file from the channel (a :class:`~domain.channel_messages.MediaReference`:
Meta's media id or signed URL), sealed the same way and moved with it; the file itself
is fetched only when a counsellor adds it to a case's evidence.

A conversation never linked is purged at the end of its retention: rows deleted and
its key destroyed (copies in backups no longer open). Nothing here is ever logged.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.channel_messages import MediaReference
from domain.conversation import (
    MAX_MESSAGE_CHARS,
    AuthorKind,
    MessageRef,
    message_digests,
)
from domain.conversation_records import (
    FileTranscriptRequest,
    TranscriptFiled,
    TranscriptLinked,
    TranscriptPurged,
)
from domain.personal import ContactDetails
from relais.crypto.key_store import DataKey, KeyDestroyed, KeyStore
from relais.crypto.keyring import NONCE_BYTES
from relais.db.engine import Database
from relais.db.repositories.conversation_messages import (
    SealedContact,
    SealedMessage,
    TranscriptRows,
)
from relais.db.repositories.conversations import ConversationDirectory


class KeyReused(ValueError):
    """The idempotency key came before with another message: refused, never merged."""


class ConversationClosed(Exception):
    """Its key is gone (purged, or retired with no case): nothing more is stored."""


@dataclass(frozen=True)
class StoredMessage:
    ref: MessageRef
    already_stored: bool


@dataclass(frozen=True)
class FiledMessage:
    seq: int
    at: datetime
    author_kind: AuthorKind
    author: str | None
    internal: bool
    body: str


def _aad(conversation_id: str, item: str) -> bytes:
    return f"relais/conversation/{conversation_id}/{item}".encode()


def _media_aad(conversation_id: str, message_id: str) -> bytes:
    return _aad(conversation_id, f"{message_id}/media")


def _seal(key: DataKey, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + key.aead.encrypt(nonce, plaintext, aad)


def _open(key: DataKey, sealed: bytes, aad: bytes) -> bytes:
    return key.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)


class TranscriptVault:
    def __init__(self, database: Database, keys: KeyStore) -> None:
        self._rows = TranscriptRows(database)
        self._directory = ConversationDirectory(database)
        self._keys = keys

    # ---- the door: store, then tell the workflow -------------------------------------------

    async def store_message(
        self,
        conversation_id: str,
        idempotency_key: str,
        body: str,
        author_kind: AuthorKind,
        now: datetime,
        author: str | None = None,
        internal: bool = False,
        media: MediaReference | None = None,
    ) -> StoredMessage:
        """Seal and store a message; the same key and body again is the same message
        (:class:`KeyReused` for another body). Then tell the workflow ``ref``.
        ``media``: a channel's media message, how to fetch its file (sealed too)."""
        if not body.strip() or len(body) > MAX_MESSAGE_CHARS:
            raise ValueError(f"body: between 1 and {MAX_MESSAGE_CHARS} characters")
        digests = message_digests(conversation_id, idempotency_key, body)
        message_id = f"m{digests.key_digest[:24]}"
        key = await self._sealing_key(conversation_id)
        sealed_media = (
            None
            if media is None
            else _seal(
                key,
                media.model_dump_json().encode(),
                _media_aad(conversation_id, message_id),
            )
        )
        stored, inserted = await self._rows.insert(
            SealedMessage(
                message_id=message_id,
                conversation_id=conversation_id,
                key_digest=digests.key_digest,
                body_digest=digests.body_digest,
                author_kind=author_kind.value,
                author=author,
                internal=internal,
                stored_at=now,
                key_id=key.key_id,
                ciphertext=_seal(key, body.encode(), _aad(conversation_id, message_id)),
                media=sealed_media,
            )
        )
        if stored.body_digest != digests.body_digest:
            raise KeyReused("idempotency_key: already used for another message")
        ref = MessageRef(message_id=stored.message_id, **digests.model_dump())
        return StoredMessage(ref=ref, already_stored=not inserted)

    async def store_callback_contact(
        self, conversation_id: str, contact: ContactDetails, now: datetime
    ) -> None:
        """How to call back the young person who asked for it (before telling the
        workflow ``request_callback``)."""
        key = await self._sealing_key(conversation_id)
        sealed = _seal(key, contact.model_dump_json().encode(), _aad(conversation_id, "contact"))
        await self._rows.put_contact(SealedContact(conversation_id, key.key_id, sealed, now))

    # ---- reading (the caller audits every read) --------------------------------------------

    async def read_messages(
        self, conversation_id: str, message_ids: Sequence[str]
    ) -> dict[str, str]:
        """Bodies by message id (ids the workflow listed); :class:`KeyDestroyed` once
        purged."""
        found = await self._rows.by_ids(conversation_id, message_ids)
        return {m.message_id: await self._open_message(m) for m in found}

    async def with_media(self, conversation_id: str, message_ids: Sequence[str]) -> set[str]:
        """Which of these messages are a channel's media (nothing opened)."""
        found = await self._rows.by_ids(conversation_id, message_ids)
        return {m.message_id for m in found if m.media is not None}

    async def read_media(self, conversation_id: str, message_id: str) -> MediaReference | None:
        """How to fetch the file of a channel's media message (None: not one);
        :class:`KeyDestroyed` once purged."""
        rows = await self._rows.by_ids(conversation_id, [message_id])
        found = rows[0] if rows else None
        if found is None or found.media is None:
            return None
        key = await self._keys.key_by_id(found.key_id)
        plain = _open(key, found.media, _media_aad(conversation_id, message_id))
        return MediaReference.model_validate_json(plain)

    async def mark_fetched(
        self, conversation_id: str, message_ids: Sequence[str], at: datetime
    ) -> int:
        """The young person's web chat page fetched these lines of the counsellor's:
        that is their delivery (no body is read)."""
        return await self._rows.mark_fetched(conversation_id, message_ids, at)

    async def fetched(self, conversation_id: str) -> set[str]:
        """Which lines the young person's web chat page fetched (ids only)."""
        return await self._rows.fetched(conversation_id)

    async def read_filed(self, conversation_id: str) -> list[FiledMessage]:
        """The whole transcript, in order, once the conversation is over."""
        return [
            FiledMessage(
                seq=m.seq,
                at=m.at,
                author_kind=AuthorKind(m.author_kind),
                author=m.author,
                internal=m.internal,
                body=await self._open_message(m),
            )
            for m in await self._rows.filed(conversation_id)
            if m.seq is not None and m.at is not None
        ]

    async def read_callback_contact(self, conversation_id: str) -> ContactDetails | None:
        sealed = await self._rows.contact(conversation_id)
        if sealed is None:
            return None
        key = await self._keys.key_by_id(sealed.key_id)
        plain = _open(key, sealed.ciphertext, _aad(conversation_id, "contact"))
        return ContactDetails.model_validate_json(plain)

    # ---- the workflow's activities ---------------------------------------------------------

    async def link(self, conversation_id: str, case_id: str, retire: bool) -> TranscriptLinked:
        """Move what is stored under the case's key; ``retire``: the conversation is
        over, destroy its own key too."""
        await self._directory.link(conversation_id, case_id)
        moved = await self._move_to_case(conversation_id, case_id)
        destroyed = False
        if retire:
            moved += await self._move_to_case(conversation_id, case_id)  # stragglers
            destroyed = await self._retire(conversation_id)
        return TranscriptLinked(moved=moved, conversation_key_destroyed=destroyed)

    async def file(self, request: FileTranscriptRequest) -> TranscriptFiled:
        filed, dropped = await self._rows.file(request.conversation_id, request.lines)
        destroyed = False
        if request.case_id is not None:
            linked = await self.link(request.conversation_id, request.case_id, retire=True)
            destroyed = linked.conversation_key_destroyed
        return TranscriptFiled(filed=filed, dropped=dropped, conversation_key_destroyed=destroyed)

    async def purge(self, conversation_id: str, at: datetime) -> TranscriptPurged:
        """Never linked, at the end of retention: rows deleted, key destroyed."""
        deleted = await self._rows.delete_all(conversation_id)
        destroyed = await self._keys.destroy_conversation_key(conversation_id)
        await self._directory.mark_purged(conversation_id, at)
        return TranscriptPurged(deleted=deleted, conversation_key_destroyed=destroyed)

    # ---- helpers ---------------------------------------------------------------------------

    async def _sealing_key(self, conversation_id: str) -> DataKey:
        case_id = await self._directory.case_of(conversation_id)
        try:
            if case_id is not None:
                return await self._keys.key_for_case(case_id)
            return await self._keys.key_for_conversation(conversation_id)
        except KeyDestroyed:
            raise ConversationClosed(f"conversation {conversation_id} takes no more") from None

    async def _open_message(self, message: SealedMessage) -> str:
        key = await self._keys.key_by_id(message.key_id)
        aad = _aad(message.conversation_id, message.message_id)
        return _open(key, message.ciphertext, aad).decode()

    async def _move_to_case(self, conversation_id: str, case_id: str) -> int:
        try:
            own = await self._keys.key_for_conversation(conversation_id)
        except KeyDestroyed:
            return 0  # retired already: nothing is left under it
        case_key = await self._keys.key_for_case(case_id)
        resealed = []
        for message in await self._rows.sealed_with(conversation_id, own.key_id):
            aad = _aad(conversation_id, message.message_id)
            plain = _open(own, message.ciphertext, aad)
            media = None
            if message.media is not None:
                media_aad = _media_aad(conversation_id, message.message_id)
                media = _seal(case_key, _open(own, message.media, media_aad), media_aad)
            resealed.append(
                (message.message_id, case_key.key_id, _seal(case_key, plain, aad), media)
            )
        await self._rows.reseal(resealed)
        contact = await self._rows.contact(conversation_id)
        if contact is not None and contact.key_id == own.key_id:
            aad = _aad(conversation_id, "contact")
            plain = _open(own, contact.ciphertext, aad)
            await self._rows.put_contact(
                SealedContact(
                    conversation_id, case_key.key_id, _seal(case_key, plain, aad), contact.stored_at
                )
            )
        return len(resealed)

    async def _retire(self, conversation_id: str) -> bool:
        """Destroyed now or by an earlier attempt: either way it no longer opens."""
        await self._keys.destroy_conversation_key(conversation_id)
        return True
