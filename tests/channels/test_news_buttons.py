"""The question about news of their case, sent with two buttons in their WhatsApp or
Messenger conversation, answered by the young person themselves, through the whole
stack (Temporal dev server with time skipping, worker, API and console over loopback
HTTP, SQLite, the simulator playing Meta and tapping the button as Meta posts it): a
yes is recorded for that conversation and the next news (a removal) reaches them; a no
sends nothing; a replayed, forged or second tap changes nothing and is audited as
ignored; the question sent twice under one key goes once; outside the 24-hour window
it is refused."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from application.conversations import news_question
from application.errors import RequestRejected
from application.permits import Actor
from relais.clock import utc_now
from relais.db.repositories.audit import AuditLog
from relais.settings import Role
from tests.channels.support import (
    answer,
    ask,
    case_from,
    case_view,
    finish,
    helpline_of,
    ignored,
    inbox,
    meta_stack,
    news_lines,
    received,
    take_offer,
    tap,
    write,
)
from tests.support.cases import add_items
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

CHOICE = re.compile(r"^news\.m[0-9a-f]{24}\.(yes|no)$")
CHANNELS = [("whatsapp", "33611128001"), ("messenger", "7100000000028001")]


@pytest.fixture(scope="module")
async def stack(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("news-buttons")
    async with meta_stack(time_skipping_env.client, folder) as running:
        yield running


@pytest.mark.parametrize(("channel", "sender"), CHANNELS)
async def test_they_tap_yes_and_the_removal_reaches_them_replays_and_forgeries_change_nothing(
    stack: Stack, channel: str, sender: str
) -> None:
    me, api = auth("counsellor"), stack.api
    await write(stack, channel, sender, "on a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)

    key = uuid.uuid4().hex
    first = await ask(stack, me, cid, key)
    again = await ask(stack, me, cid, key)  # a double click: the same question, sent once
    assert again["message_id"] == first["message_id"] and again["seq"] == first["seq"]
    [question] = await received(stack, channel, sender, 1)
    assert [c["title"] for c in question["choices"]] == ["Oui, prévenez-moi", "Non merci"]
    assert all(CHOICE.match(c["id"]) for c in question["choices"])
    assert question["text"].startswith("Voulez-vous qu'on vous prévienne ici")
    if channel == "whatsapp":
        assert question["type"] == "interactive"
        assert question["body"]["interactive"]["type"] == "button"
    else:  # quick replies, inside the 24-hour window (no HUMAN_AGENT tag)
        assert question["body"]["messaging_type"] == "RESPONSE"
        assert "quick_replies" in question["body"]["message"]

    yes = await tap(stack, channel, sender, "Oui, prévenez-moi")
    view = await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: v["consents"]["case_news"] is True,
        what="their yes recorded",
    )
    assert news_lines(view) == [("news.consented", {"channel": channel})]
    read = await eventually(
        lambda: answer(api.get(f"/conversations/{cid}", headers=me)),
        lambda r: any(line["body"] == "[bouton] Oui, prévenez-moi" for line in r["lines"]),
        what="their answer as a line of the transcript",
    )
    assert [line["author"] for line in read["lines"][-2:]] == ["counsellor", "young_person"]
    log = AuditLog(stack.database)
    answers = await eventually(  # written once the case took it, as the webhook goes on
        lambda: log.list(actor=f"conversation:{cid}", action="case.news.consent"),
        bool,
        what="their answer audited",
    )
    assert [(e.case_id, e.detail) for e in answers] == [(case_id, f"wanted=True channel={channel}")]
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    case_page = await lea.page(f"/cases/{case_id}")  # the timeline says who answered
    assert "Le jeune a demandé des nouvelles du dossier sur" in case_page.text
    assert "Le jeune, dans la conversation" in case_page.text

    # The same tap replayed, a second tap on the answered question, a forged id: ignored.
    await answer(
        stack.simulator.post(f"/_control/meta/{channel}/replay", json={"message_id": yes}), 202
    )
    await tap(stack, channel, sender, "Non merci")
    forged = {"from": sender, "choice_id": f"news.m{'0' * 24}.no", "text": "Non merci"}
    forged["type"] = "interactive" if channel == "whatsapp" else "quick_reply"
    await answer(stack.simulator.post(f"/_control/meta/{channel}/inbound", json=forged), 202)
    nonsense = {**forged, "choice_id": "DROP TABLE; <script>"}
    await answer(stack.simulator.post(f"/_control/meta/{channel}/inbound", json=nonsense), 202)
    whys = await ignored(stack, cid, 4)
    assert sorted(whys) == sorted(
        ["why=already_answered", "why=already_answered", "why=not_asked", "why=not_ours"]
    )
    view = await case_view(stack, me, case_id)
    assert view["consents"]["case_news"] is True
    assert news_lines(view) == [("news.consented", {"channel": channel})]

    [notice_id] = await add_items(stack, case_id, 1, tag=sender)
    got = await received(stack, channel, sender, 2)
    assert [r["reference"] for r in got[1:]] == [f"{case_id}:removed:{notice_id}"]
    assert sum(1 for r in await inbox(stack, channel, sender) if r["choices"]) == 1
    await finish(stack, cid, me)


@pytest.mark.parametrize(("channel", "sender"), CHANNELS)
async def test_they_tap_no_and_nothing_reaches_them(
    stack: Stack, channel: str, sender: str
) -> None:
    me, api = auth("counsellor"), stack.api
    sender = sender[:-1] + "2"
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    await ask(stack, me, cid, uuid.uuid4().hex)
    await received(stack, channel, sender, 1)
    await tap(stack, channel, sender, 1)
    log = AuditLog(stack.database)
    [no] = await eventually(
        lambda: log.list(actor=f"conversation:{cid}", action="case.news.consent"),
        lambda found: len(found) == 1,
        what="their no, audited",
    )
    assert no.detail is not None and no.detail.startswith(f"wanted=False channel={channel}")

    [notice_id] = await add_items(stack, case_id, 1, tag=sender)
    await eventually(
        lambda: case_view(stack, me, case_id),
        lambda v: [n["status"] for n in v["notices"]] == ["verified_removed"],
        what="the removal verified",
        within=60,
    )
    view = await case_view(stack, me, case_id)
    assert view["consents"]["case_news"] is False and news_lines(view) == []
    assert [r for r in await inbox(stack, channel, sender) if notice_id in r["reference"]] == []
    read = await answer(api.get(f"/conversations/{cid}", headers=me))
    assert read["lines"][-1]["body"] == "[bouton] Non merci"
    await finish(stack, cid, me)


async def test_the_console_sends_it_once_and_not_outside_the_window(stack: Stack) -> None:
    me, channel, sender = auth("counsellor"), "whatsapp", "33611128009"
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    helpline = helpline_of(stack)
    permit = await news_question.ask_news_question.permit(
        helpline, Actor("local-counsellor", Role.COUNSELLOR)
    )
    with pytest.raises(RequestRejected) as unlinked:
        await news_question.ask_news_question(helpline, permit, cid, "k1", utc_now())
    assert [p.code for p in unlinked.value.problems] == ["not_linked"]
    await case_from(stack, me, channel, cid)

    screen = await lea.page(f"/conversations?c={cid}")
    assert "Envoyer la question avec boutons" in screen.text
    sent = await lea.send(
        f"/conversations?c={cid}", f"/conversations/{cid}/news/ask", {}, form_id="news-ask"
    )
    assert sent.status_code == 303, sent.text[:2000]
    [question] = await received(stack, channel, sender, 1)
    assert question["type"] == "interactive"

    with pytest.raises(RequestRejected) as late:  # two days after they last wrote
        await news_question.ask_news_question(
            helpline, permit, cid, uuid.uuid4().hex, utc_now() + timedelta(days=2)
        )
    assert [p.code for p in late.value.problems] == ["question_outside_window"]
    assert len(await inbox(stack, channel, sender)) == 1
    await finish(stack, cid, me)
