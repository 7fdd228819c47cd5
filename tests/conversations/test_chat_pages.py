"""The web chat's short-lived rows on SQLite and PostgreSQL: pages in touch, closed,
back after a reload or silent (only conversations still waiting are counted); the
young person's write allowance, taken once per slot however many replicas race for
it; the pulse a live page waits on, and the web chat lines its page fetched."""

import asyncio
from datetime import timedelta

from domain.conversation import AuthorKind, ConversationStatus
from relais.db import Database
from relais.db.repositories.conversation_messages import SealedMessage, TranscriptRows
from relais.db.repositories.conversation_pages import ConversationPages, WriteLimits
from relais.db.repositories.conversation_pulses import ConversationPulses, Pulse
from relais.db.repositories.conversations import ConversationDirectory, TypingHints
from tests.conversations.test_transcript_vault import T0, record

SECOND = timedelta(seconds=1)


async def test_pages_closed_or_silent_while_waiting_are_gone(database: Database) -> None:
    directory, pages = ConversationDirectory(database), ConversationPages(database)
    for cid, status in [
        ("closed", ConversationStatus.WAITING),
        ("reloaded", ConversationStatus.OFFERED),
        ("silent", ConversationStatus.WAITING),
        ("talking", ConversationStatus.ACTIVE),
        ("fresh", ConversationStatus.WAITING),
    ]:
        await directory.upsert(record(cid, status=status))
        await pages.seen(cid, T0)
    await pages.seen("fresh", T0 + 100 * SECOND)
    for cid in ("closed", "reloaded", "talking"):
        await pages.away(cid, "closed", T0 + 10 * SECOND)
    await pages.seen("reloaded", T0 + 11 * SECOND)  # back at once
    await pages.away("no-row-yet", "closed", T0)  # a beacon before its first page load

    gone = await pages.gone(closed_before=T0 + 40 * SECOND, silent_before=T0 + 5 * SECOND)
    assert {(g.conversation_id, g.closed) for g in gone} == {("closed", True), ("silent", False)}
    assert await pages.gone(closed_before=T0 + 5 * SECOND, silent_before=T0) == []
    await pages.forget(["closed", "silent"])
    assert await pages.state("closed") is None
    assert await pages.state("reloaded") == (T0 + 11 * SECOND, None)


async def test_a_page_in_touch_is_written_again_once_its_last_sign_is_old(
    database: Database,
) -> None:
    pages, fresh = ConversationPages(database), 90 * SECOND
    await pages.seen("c", T0, fresh)
    await pages.seen("c", T0 + 60 * SECOND, fresh)  # a new stream a minute later: as it was
    assert await pages.state("c") == (T0, None)
    await pages.seen("c", T0 + 91 * SECOND, fresh)
    assert await pages.state("c") == (T0 + 91 * SECOND, None)
    await pages.away("c", "closed", T0 + 92 * SECOND)
    await pages.seen("c", T0 + 93 * SECOND, fresh)  # back after a reload: at once
    assert await pages.state("c") == (T0 + 93 * SECOND, None)


async def test_rows_of_finished_conversations_are_swept(database: Database) -> None:
    directory, pages, limits = (
        ConversationDirectory(database),
        ConversationPages(database),
        WriteLimits(database),
    )
    await directory.upsert(record("old", status=ConversationStatus.ENDED, ended_at=T0))
    await directory.upsert(record("now", status=ConversationStatus.WAITING))
    for cid in ("old", "now"):
        await pages.seen(cid, T0)
        assert await limits.take(cid, T0, SECOND, burst=2) is None
    assert await pages.forget_finished(T0 + 24 * 3600 * SECOND) == 1
    assert await pages.state("old") is None and await pages.state("now") is not None
    assert await limits.take("old", T0, SECOND, burst=1) is None  # its allowance went too


async def test_the_write_allowance_is_taken_once_per_slot_by_racing_replicas(
    database: Database,
) -> None:
    replicas = [WriteLimits(database) for _ in range(4)]
    answers = await asyncio.gather(
        *(replica.take("c1", T0, 2 * SECOND, burst=3) for replica in replicas * 2)
    )
    assert sum(answer is None for answer in answers) == 3  # the burst, and no more
    waits = sorted(answer for answer in answers if answer is not None)
    assert waits[0] == 2 * SECOND
    assert await replicas[0].take("c1", T0 + 2 * SECOND, 2 * SECOND, burst=3) is None


async def test_a_pulse_moves_with_a_stored_message_a_new_row_version_or_writing(
    database: Database,
) -> None:
    pulses = ConversationPulses(database)
    directory, typing, pages = (
        ConversationDirectory(database),
        TypingHints(database),
        ConversationPages(database),
    )
    assert await pulses.read(["c1"], T0) == {"c1": Pulse()}
    await directory.upsert(record("c1", version=3))
    await typing.writing("c1", AuthorKind.COUNSELLOR, T0 + 5 * SECOND, T0)
    await pages.seen("c1", T0)
    await pages.away("c1", "closed", T0 + SECOND)
    read = await pulses.read(["c1", "c2"], T0 + SECOND)
    assert read["c1"] == Pulse(
        stored=0, version=3, writing=frozenset({AuthorKind.COUNSELLOR}), page_away=True
    )
    assert read["c2"] == Pulse()
    later = await pulses.read(["c1"], T0 + 6 * SECOND)
    assert later["c1"].writing == frozenset()  # the hint lapsed


def sealed(message_id: str, author_kind: AuthorKind) -> SealedMessage:
    return SealedMessage(
        message_id=message_id,
        conversation_id="c1",
        key_digest=f"k-{message_id}",
        body_digest=f"b-{message_id}",
        author_kind=author_kind.value,
        author=None,
        internal=False,
        stored_at=T0,
        key_id="key-1",
        ciphertext=b"sealed",
    )


async def test_the_pulse_counts_answers_apart_and_lines_their_page_fetched(
    database: Database,
) -> None:
    rows, pulses = TranscriptRows(database), ConversationPulses(database)
    await rows.insert(sealed("m1", AuthorKind.YOUNG_PERSON))
    await rows.insert(sealed("m2", AuthorKind.COUNSELLOR))
    await rows.insert(sealed("m3", AuthorKind.COUNSELLOR))
    assert (await pulses.read(["c1"], T0))["c1"] == Pulse(stored=3, answers=2, fetched=0)

    assert await rows.mark_fetched("c1", ["m2"], T0 + SECOND) == 1
    assert await rows.mark_fetched("c1", ["m2", "m3"], T0 + 2 * SECOND) == 1  # m2: once
    assert await rows.mark_fetched("c1", [], T0) == 0
    assert await rows.fetched("c1") == {"m2", "m3"}
    assert await rows.fetched("c2") == set()
    assert (await pulses.read(["c1"], T0))["c1"] == Pulse(stored=3, answers=2, fetched=2)
