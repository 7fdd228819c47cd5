"""Transcripts sealed outside the workflow history: what the door stores and reads,
what linking to a case, filing and the purge do to them, on SQLite and PostgreSQL."""

import base64
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.channel_messages import ChannelMediaKind, MediaReference
from domain.conversation import AuthorKind, ConversationStatus, Writer
from domain.conversation_records import ConversationRecord, FileTranscriptRequest, TranscriptLine
from domain.intake import AgeBand, Channel
from domain.personal import ContactDetails
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.key_store import KeyDestroyed
from relais.crypto.keyring import MasterKeyring
from relais.crypto.transcripts import ConversationClosed, KeyReused, TranscriptVault
from relais.db import Database
from relais.db.repositories.conversations import ConversationDirectory
from relais.db.tables import ConversationContactRow, ConversationMessageRow, ConversationRow

T0 = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
SECRET = "mon beau-père a mes photos, il menace de les envoyer"


def keys(database: Database) -> DatabaseKeyStore:
    master = base64.b64encode(os.urandom(32)).decode()
    return DatabaseKeyStore(database, MasterKeyring.from_base64({"m1": master}, "m1"))


def record(conversation_id: str = "c1", **changes: object) -> ConversationRecord:
    fields: dict[str, object] = {
        "conversation_id": conversation_id,
        "version": 1,
        "helpline": "3018",
        "channel": Channel.WEB_CHAT,
        "writer": Writer.YOUNG_PERSON,
        "age_band": AgeBand.AGE_15_17,
        "language": "fr",
        "status": ConversationStatus.ACTIVE,
        "opened_at": T0,
        "waiting_since": T0,
        "updated_at": T0,
    }
    return ConversationRecord.model_validate({**fields, **changes})


async def raw_rows(database: Database) -> bytes:
    async with database.session_factory() as session:
        messages = (await session.scalars(select(ConversationMessageRow))).all()
        contacts = (await session.scalars(select(ConversationContactRow))).all()
    return b"".join(m.ciphertext for m in messages) + b"".join(c.ciphertext for c in contacts)


def line(message_id: str, seq: int) -> TranscriptLine:
    return TranscriptLine(
        message_id=message_id,
        seq=seq,
        at=T0 + timedelta(seconds=seq),
        author_kind=AuthorKind.YOUNG_PERSON,
    )


async def test_a_message_is_stored_sealed_and_its_key_is_the_message(database: Database) -> None:
    vault = TranscriptVault(database, keys(database))
    stored = await vault.store_message("c1", "key-1", SECRET, AuthorKind.YOUNG_PERSON, T0)
    assert not stored.already_stored
    assert SECRET.encode() not in await raw_rows(database)

    again = await vault.store_message("c1", "key-1", SECRET, AuthorKind.YOUNG_PERSON, T0)
    assert (again.ref, again.already_stored) == (stored.ref, True)
    with pytest.raises(KeyReused):
        await vault.store_message("c1", "key-1", "autre chose", AuthorKind.YOUNG_PERSON, T0)
    for bad in ("", "   ", "x" * 4097):
        with pytest.raises(ValueError, match="body"):
            await vault.store_message("c1", "key-2", bad, AuthorKind.YOUNG_PERSON, T0)

    assert await vault.read_messages("c1", [stored.ref.message_id]) == {
        stored.ref.message_id: SECRET
    }
    assert await vault.read_messages("c2", [stored.ref.message_id]) == {}  # not theirs


async def test_linked_to_a_case_it_goes_with_the_case_and_its_purge(database: Database) -> None:
    store = keys(database)
    vault = TranscriptVault(database, store)
    directory = ConversationDirectory(database)
    await directory.upsert(record())
    before = await vault.store_message("c1", "k1", SECRET, AuthorKind.YOUNG_PERSON, T0)
    await vault.store_callback_contact("c1", ContactDetails(phone="+33611223344"), T0)
    own = await store.key_for_conversation("c1")

    linked = await vault.link("c1", "case-9", retire=False)
    assert linked.moved == 1 and not linked.conversation_key_destroyed
    assert await directory.case_of("c1") == "case-9"  # new messages: the case's key at once
    after = await vault.store_message("c1", "k2", "merci", AuthorKind.COUNSELLOR, T0, author="a")
    case_key = await store.key_for_case("case-9")
    [moved, new] = await vault._rows.by_ids("c1", [before.ref.message_id, after.ref.message_id])
    assert {moved.key_id, new.key_id} == {case_key.key_id}

    filed = await vault.file(
        FileTranscriptRequest(
            conversation_id="c1",
            lines=[line(before.ref.message_id, 1), line(after.ref.message_id, 2)],
            case_id="case-9",
        )
    )
    assert (filed.filed, filed.conversation_key_destroyed) == (2, True)
    store.forget()
    with pytest.raises(KeyDestroyed):
        await store.key_by_id(own.key_id)
    assert [m.body for m in await vault.read_filed("c1")] == [SECRET, "merci"]
    assert await vault.read_callback_contact("c1") == ContactDetails(phone="+33611223344")

    # The case's purge destroys its key: the transcript is unreadable everywhere.
    await store.destroy_case_key("case-9")
    store.forget()
    with pytest.raises(KeyDestroyed):
        await vault.read_filed("c1")
    with pytest.raises(KeyDestroyed):
        await vault.read_callback_contact("c1")


async def test_a_channel_media_reference_is_sealed_with_its_line_and_moves_to_the_case(
    database: Database,
) -> None:
    store = keys(database)
    vault = TranscriptVault(database, store)
    await ConversationDirectory(database).upsert(record())
    media = MediaReference(
        kind=ChannelMediaKind.IMAGE, media_id="1234567890123456", mime_type="image/jpeg"
    )
    photo = await vault.store_message(
        "c1", "whatsapp:wamid.1", "[image image/jpeg, non conservé]", AuthorKind.YOUNG_PERSON,
        T0, media=media,
    )  # fmt: skip
    text = await vault.store_message("c1", "whatsapp:wamid.2", SECRET, AuthorKind.YOUNG_PERSON, T0)
    ids = [photo.ref.message_id, text.ref.message_id]
    assert await vault.with_media("c1", ids) == {photo.ref.message_id}
    assert await vault.read_media("c1", photo.ref.message_id) == media
    assert await vault.read_media("c1", text.ref.message_id) is None
    async with database.session_factory() as session:
        rows = (await session.scalars(select(ConversationMessageRow))).all()
    assert not any(b"1234567890123456" in (r.media or b"") for r in rows)  # sealed

    await vault.link("c1", "case-9", retire=True)
    store.forget()
    assert await vault.read_media("c1", photo.ref.message_id) == media  # the case's key now
    await store.destroy_case_key("case-9")
    store.forget()
    with pytest.raises(KeyDestroyed):
        await vault.read_media("c1", photo.ref.message_id)


async def test_filing_puts_the_workflows_order_and_drops_what_it_never_accepted(
    database: Database,
) -> None:
    vault = TranscriptVault(database, keys(database))
    first = await vault.store_message("c1", "k1", "un", AuthorKind.YOUNG_PERSON, T0)
    refused = await vault.store_message("c1", "k2", "deux", AuthorKind.YOUNG_PERSON, T0)
    third = await vault.store_message("c1", "k3", "trois", AuthorKind.YOUNG_PERSON, T0)

    filed = await vault.file(
        FileTranscriptRequest(
            conversation_id="c1",
            lines=[line(third.ref.message_id, 1), line(first.ref.message_id, 2)],
        )
    )
    assert (filed.filed, filed.dropped, filed.conversation_key_destroyed) == (2, 1, False)
    assert [(m.seq, m.body) for m in await vault.read_filed("c1")] == [(1, "trois"), (2, "un")]
    assert await vault.read_messages("c1", [refused.ref.message_id]) == {}


async def test_never_linked_it_is_purged_for_good(database: Database) -> None:
    store = keys(database)
    vault = TranscriptVault(database, store)
    directory = ConversationDirectory(database)
    await directory.upsert(record(status=ConversationStatus.ENDED, ended_at=T0))
    stored = await vault.store_message("c1", "k1", SECRET, AuthorKind.YOUNG_PERSON, T0)
    own = await store.key_for_conversation("c1")
    sealed = await raw_rows(database)

    purged = await vault.purge("c1", T0 + timedelta(days=30))
    assert (purged.deleted, purged.conversation_key_destroyed) == (1, True)
    assert await raw_rows(database) == b""
    async with database.session_factory() as session:
        row = await session.get(ConversationRow, "c1")
    assert row is not None and row.purged_at == T0 + timedelta(days=30)
    store.forget()
    with pytest.raises(KeyDestroyed):  # a copy of the row (a backup) no longer opens either
        await store.key_by_id(own.key_id)
    assert sealed and stored.ref.message_id
    with pytest.raises(ConversationClosed):
        await vault.store_message("c1", "k2", "encore", AuthorKind.YOUNG_PERSON, T0)
    again = await vault.purge("c1", T0 + timedelta(days=31))  # a retried purge: nothing more
    assert again.deleted == 0
