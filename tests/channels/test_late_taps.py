"""A tap on the question about news of their case that comes after their conversation
ended, through the whole stack (Temporal dev server with time skipping, worker, API over
loopback HTTP, SQLite, the simulator playing Meta and tapping the button as Meta posts
it): from the same young person it counts (recorded once, audited, confirmed on the
channel once), starts no conversation and puts nobody in the queue; the same tap again
changes nothing; someone else tapping that question is ignored as before; text they
write afterwards opens a conversation as usual."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from domain.conversation import ConversationStatus
from relais.converter import key_store_of
from relais.crypto.identifiers import IdentifierHasher
from relais.db.repositories._sql import sessions_of
from relais.db.repositories.audit import AuditLog
from relais.db.repositories.channel_contacts import ChannelContacts
from relais.db.repositories.conversations import ConversationDirectory
from relais.db.tables import ConversationRow
from tests.channels.support import (
    answer,
    ask,
    case_from,
    case_view,
    conversation_of,
    finish,
    ignored,
    inbox,
    meta_stack,
    news_lines,
    received,
    take_offer,
    tap,
    write,
)
from tests.support.client import auth
from tests.support.stack import Stack
from tests.support.waiting import eventually

CHANNELS = [("whatsapp", "33611129001"), ("messenger", "7100000000029001")]


@pytest.fixture(scope="module")
async def stack(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("late-taps")
    async with meta_stack(time_skipping_env.client, folder) as running:
        yield running


async def ended(stack: Stack, cid: str) -> None:
    directory = ConversationDirectory(stack.database)
    await eventually(
        lambda: directory.get(cid),
        lambda r: r is not None and r.status is ConversationStatus.ENDED,
        what="the conversation ended",
    )


async def current(stack: Stack, channel: str, sender: str) -> str | None:
    digest = await IdentifierHasher(key_store_of(stack.client.data_converter)).digest(
        channel, sender
    )
    return await ChannelContacts(stack.database).conversation_of(channel, digest)


async def queued(stack: Stack) -> list[str]:
    """The conversations waiting in the helpline's queue (or offered)."""
    row = ConversationRow
    waiting = [s.value for s in ConversationStatus if s.queued]
    async with sessions_of(stack.database)() as session:
        found = await session.scalars(select(row.conversation_id).where(row.status.in_(waiting)))
        return list(found)


@pytest.mark.parametrize(("channel", "sender"), CHANNELS)
async def test_a_tap_after_the_conversation_ended_counts_once_and_queues_nobody(
    stack: Stack, channel: str, sender: str
) -> None:
    me = auth("counsellor")
    await write(stack, channel, sender, "on a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    await ask(stack, me, cid, uuid.uuid4().hex)
    await received(stack, channel, sender, 1)
    await finish(stack, cid, me)
    await ended(stack, cid)

    yes = await tap(stack, channel, sender, "Oui, prévenez-moi")  # the next morning
    got = await received(stack, channel, sender, 2)
    assert got[1]["text"].startswith("C'est noté : nous vous préviendrons ici")
    assert got[1]["reference"] == f"news-noted:{got[0]['choices'][0]['id'].split('.')[1]}"
    view = await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: v["consents"]["case_news"] is True,
        what="their late yes recorded",
    )
    assert news_lines(view) == [("news.consented", {"channel": channel})]
    log = AuditLog(stack.database)
    answers = await log.list(actor=f"conversation:{cid}", action="case.news.consent")
    assert [(e.case_id, e.detail) for e in answers] == [(case_id, f"wanted=True channel={channel}")]
    assert await current(stack, channel, sender) == cid  # no conversation started
    assert await queued(stack) == []

    # The same tap replayed, and the other button tapped: ignored, nothing started or sent.
    await answer(
        stack.simulator.post(f"/_control/meta/{channel}/replay", json={"message_id": yes}), 202
    )
    await tap(stack, channel, sender, "Non merci")
    whys = await ignored(stack, cid, 2)
    assert whys == ["why=already_answered", "why=already_answered"]
    assert await current(stack, channel, sender) == cid and await queued(stack) == []
    assert len(await inbox(stack, channel, sender)) == 2
    assert (await case_view(stack, me, case_id))["consents"]["case_news"] is True

    # Someone else tapping that question's button: not theirs, ignored as before.
    other = sender[:-1] + "9"
    forged = {"from": other, "choice_id": got[0]["choices"][1]["id"], "text": "Non merci"}
    forged["type"] = "interactive" if channel == "whatsapp" else "quick_reply"
    await answer(stack.simulator.post(f"/_control/meta/{channel}/inbound", json=forged), 202)
    theirs = await take_offer(stack, me, channel, other)
    assert await ignored(stack, theirs, 1) == ["why=not_asked"]
    assert (await case_view(stack, me, case_id))["consents"]["case_news"] is True
    assert await inbox(stack, channel, other) == []
    await finish(stack, theirs, me)

    # Text they write afterwards opens a conversation, as any message does.
    await write(stack, channel, sender, "merci")
    again = await eventually(
        lambda: conversation_of(stack, channel, sender), lambda c: c != cid, what="a new one"
    )
    assert await take_offer(stack, me, channel, sender) == again
    await finish(stack, again, me)


async def test_a_late_no_is_their_answer_and_is_confirmed(stack: Stack) -> None:
    me, channel, sender = auth("counsellor"), "messenger", "7100000000029005"
    await write(stack, channel, sender, "hello, someone posted a picture of me")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    await ask(stack, me, cid, uuid.uuid4().hex)
    [question] = await received(stack, channel, sender, 1)
    await finish(stack, cid, me)
    await ended(stack, cid)
    await tap(stack, channel, sender, 1)
    got = await received(stack, channel, sender, 2)
    assert got[1]["text"].startswith(("Noted: you will get no news", "C'est noté : vous ne"))
    log = AuditLog(stack.database)
    [no] = await eventually(
        lambda: log.list(actor=f"conversation:{cid}", action="case.news.consent"),
        lambda found: len(found) == 1,
        what="their late no, audited",
    )
    # a no where none was asked for: their answer all the same, the case unchanged
    assert no.case_id == case_id and no.detail is not None
    assert no.detail.startswith(f"wanted=False channel={channel}")
    assert question["choices"][1]["title"] in ("No thanks", "Non merci")
    assert await current(stack, channel, sender) == cid and await queued(stack) == []


async def test_a_late_tap_while_a_newer_conversation_goes_on_is_a_line_of_it(
    stack: Stack,
) -> None:
    me, channel, sender = auth("counsellor"), "whatsapp", "33611129007"
    await write(stack, channel, sender, "on a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    await ask(stack, me, cid, uuid.uuid4().hex)
    await received(stack, channel, sender, 1)
    await finish(stack, cid, me)
    await ended(stack, cid)
    await write(stack, channel, sender, "c'est encore moi")  # a new conversation
    again = await eventually(
        lambda: conversation_of(stack, channel, sender), lambda c: c != cid, what="a new one"
    )
    assert await take_offer(stack, me, channel, sender) == again

    await tap(stack, channel, sender, "Oui, prévenez-moi")
    await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: v["consents"]["case_news"] is True,
        what="their yes recorded on the question's case",
    )
    read = await eventually(
        lambda: answer(stack.api.get(f"/conversations/{again}", headers=me)),
        lambda r: r["lines"][-1]["body"] == "[bouton] Oui, prévenez-moi",
        what="the tap, a line of the conversation going on",
    )
    assert read["lines"][-1]["author"] == "young_person"
    # the counsellor is there: no automatic confirmation
    assert [r["text"] for r in await inbox(stack, channel, sender)][1:] == []
    await finish(stack, again, me)
