"""The app database's side of recognising a young person who writes again, on SQLite
and PostgreSQL: each conversation a sender started is kept under the keyed hash of
their identifier, joined with the cases it went to; a concurrent claim that lost adds
no conversation; the purge of a case forgets its conversations and the contact whose
current conversation it was, and nothing else."""

from datetime import timedelta

from domain.case import CaseStatus
from domain.conversation import ConversationStatus, Writer
from domain.conversation_records import ConversationRecord
from domain.intake import AgeBand, Channel
from relais.db import Database
from relais.db.repositories.cases import CaseDirectory
from relais.db.repositories.channel_contacts import ChannelContacts, SealedAddress
from relais.db.repositories.conversations import ConversationDirectory
from relais.db.repositories.returning_contacts import ReturningContacts, Sender
from tests.db.builders import T0, case_record

ADDRESS = SealedAddress("k1", b"sealed")
ME = Sender("whatsapp", "a" * 64)


def conversation(cid: str, case_id: str | None = None) -> ConversationRecord:
    return ConversationRecord(
        conversation_id=cid,
        version=1,
        helpline="h",
        channel=Channel.WHATSAPP,
        writer=Writer.YOUNG_PERSON,
        age_band=AgeBand.UNKNOWN,
        language="fr",
        status=ConversationStatus.ENDED,
        case_id=case_id,
        opened_at=T0,
        updated_at=T0,
    )


async def test_their_conversations_and_cases_until_the_purge(database: Database) -> None:
    contacts, book = ChannelContacts(database), ReturningContacts(database)
    directory, cases = ConversationDirectory(database), CaseDirectory(database)
    assert await contacts.claim("whatsapp", ME.digest, "c1", None, ADDRESS, T0) == "c1"
    # a second delivery racing for the first: it lost, no conversation of its own
    assert await contacts.claim("whatsapp", ME.digest, "c-lost", None, ADDRESS, T0) == "c1"
    later = T0 + timedelta(days=2)
    assert await contacts.claim("whatsapp", ME.digest, "c2", "c1", ADDRESS, later) == "c2"
    await contacts.claim("whatsapp", "b" * 64, "other", None, ADDRESS, T0)  # someone else
    await cases.upsert(case_record("case-1", opened_by="counsellor-a"))
    await cases.upsert(
        case_record(
            "case-0", status=CaseStatus.CLOSED, closed_at=T0, opened_at=T0 - timedelta(days=9)
        )
    )
    await directory.upsert(conversation("c1", "case-1"))
    await directory.upsert(conversation("c2"))

    assert await book.sender_of("c2") == ME and await book.sender_of("c-lost") is None
    history = await book.history(ME, excluding="c2")
    assert history.conversations == 1
    assert [(c.case_id, c.status, c.owner, c.conversations) for c in history.cases] == [
        ("case-1", "open", "counsellor-a", 1)
    ]
    # c2 joins the case: its current address resealed, both conversations counted
    await directory.link("c2", "case-1")
    assert await book.reseal("c2", SealedAddress("case-key", b"resealed")) is True
    assert await book.reseal("c1", SealedAddress("case-key", b"x")) is False  # not current
    assert (await book.history(ME)).cases[0].conversations == 2

    assert await book.forget_case("case-1") == 2
    assert await book.forget_case("case-1") == 0  # a retried purge: nothing more
    assert await book.history(ME) == (await book.history(Sender("whatsapp", "none")))
    assert await contacts.conversation_of("whatsapp", ME.digest) is None
    assert await contacts.conversation_of("whatsapp", "b" * 64) == "other"  # untouched
    # writing again after the purge: a first contact, unknown
    assert await contacts.claim("whatsapp", ME.digest, "c3", None, ADDRESS, later) == "c3"
    fresh = await book.history(ME, excluding="c3")
    assert (fresh.conversations, fresh.cases) == (0, [])
