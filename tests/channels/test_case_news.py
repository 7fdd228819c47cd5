"""News of their case on WhatsApp and Messenger through the whole stack (Temporal dev
server with time skipping, worker, API over loopback HTTP, SQLite, the simulator playing
Meta): a young person writes, a counsellor answers and opens a case from the
conversation, asks them there whether they want to be told when the content is removed
and records their yes; the platform removes the content and, once our own check verified
it, they hear it once (the simulator's control API is the proof). Two days pass (the
conversation's and the case's clocks move two days, Meta's 24-hour window for them
closes, the counsellor's door reads the conversation's clock): the counsellor's free text
is refused on WhatsApp and the approved template goes (on Messenger their reply still
goes, under the HUMAN_AGENT tag); the closing news goes as a template on WhatsApp, and is
not sent on Messenger (outside its window: the timeline says so). Their STOP is
confirmed once and nothing follows it; when they write again the counsellor sees the
earlier case. A no recorded in the conversation stops the news."""

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from application.conversations import counsellor as desk
from application.errors import RequestRejected
from application.permits import Actor
from domain import contract
from domain.case_news import NEWS_TEMPLATE
from domain.channel_templates import APPROVED_TEMPLATES
from relais.db.repositories.conversations import ConversationDirectory
from relais.settings import Role
from tests.channels.support import (
    answer,
    case_from,
    conversation_of,
    finish,
    helpline_of,
    inbox,
    keyed,
    meta_stack,
    news_lines,
    received,
    reply,
    take_offer,
    write,
)
from tests.support.cases import add_items
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

TWO_DAYS = timedelta(days=2)


@pytest.fixture(scope="module")
async def stack(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("case-news")
    async with meta_stack(time_skipping_env.client, folder) as running:
        yield running


async def asked_in_the_conversation(
    stack: Stack, who: dict[str, str], case_id: str, cid: str, wanted: bool
) -> dict[str, Any]:
    """'Do you want us to tell you here when the content is removed?': their answer."""
    body = {"wanted": wanted, "conversation_id": cid}
    view: dict[str, Any] = await answer(
        stack.api.post(f"/cases/{case_id}/news", json=body, headers=keyed(who))
    )
    return view


async def two_days_pass(
    stack: Stack, env: WorkflowEnvironment, channel: str, sender: str, cid: str, case_id: str
) -> datetime:
    """The conversation's and the case's clocks move two days; Meta's 24-hour window
    for them closes (they have not written since). Returns the conversation's now:
    the counsellor's door reads it."""
    conversation = stack.client.get_workflow_handle(contract.CONVERSATION.workflow_id(cid))
    case = stack.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    for handle in (conversation, case):
        await env.fast_forward(handle, TWO_DAYS)
    await answer(stack.simulator.post(f"/_control/meta/{channel}/users/{sender}/expire-window"))
    return await env.get_current_time(conversation)


@pytest.mark.parametrize(
    ("channel", "sender"), [("whatsapp", "33611119001"), ("messenger", "7100000000009001")]
)
async def test_news_asked_for_in_the_conversation_reach_them_once_two_days_on_too(
    stack: Stack, time_skipping_env: WorkflowEnvironment, channel: str, sender: str
) -> None:
    me, api = auth("counsellor"), stack.api
    await write(stack, channel, sender, "on a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    question = "Voulez-vous qu'on vous prévienne ici quand le contenu sera retiré ?"
    await reply(stack, cid, question, me)
    [asking] = await received(stack, channel, sender, 1)
    assert asking["text"] == question
    await write(stack, channel, sender, "oui")
    asked = await asked_in_the_conversation(stack, me, case_id, cid, wanted=True)
    assert asked["consents"]["case_news"] is True
    assert news_lines(asked) == [("news.consented", {"channel": channel})]

    # A notice goes to the platform, which removes the content; our own check verifies it.
    [notice_id] = await add_items(stack, case_id, 1, tag=sender)
    got = await received(stack, channel, sender, 2)
    assert [r["reference"] for r in got[1:]] == [f"{case_id}:removed:{notice_id}"]
    if channel == "whatsapp":  # news always go as the approved template there
        assert got[1]["type"] == "template" and got[1]["template"]["name"] == NEWS_TEMPLATE

    # Two days later: the 24-hour window is closed.
    later = await two_days_pass(stack, time_skipping_env, channel, sender, cid, case_id)
    helpline = helpline_of(stack)
    permit = await desk.reply.permit(helpline, Actor("local-counsellor", Role.COUNSELLOR))
    free = "Bonjour, vous êtes toujours là ?"
    if channel == "whatsapp":
        with pytest.raises(RequestRejected) as refused:
            await desk.reply(helpline, permit, cid, free, uuid.uuid4().hex, later)
        assert [p.code for p in refused.value.problems] == ["outside_window"]
        [french] = [t for t in APPROVED_TEMPLATES if t.language == "fr"]
        await desk.reply(helpline, permit, cid, french.text, uuid.uuid4().hex, later)
        [*_, template] = await received(stack, channel, sender, 3)
        assert template["type"] == "template" and template["template"]["name"] == french.name
    else:  # a counsellor's own reply has 7 days on Messenger (HUMAN_AGENT)
        await desk.reply(helpline, permit, cid, free, uuid.uuid4().hex, later)
        [*_, text] = await received(stack, channel, sender, 3)
        assert text["text"] == free and text["body"]["tag"] == "HUMAN_AGENT"

    await answer(
        api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved", "force": True}, headers=keyed(me)
        )
    )
    closing = (
        ("news.sent", {"event": "closed", "channel": channel})
        if channel == "whatsapp"
        else ("news.not_sent", {"event": "closed", "why": "outside_window"})
    )
    view = await eventually(
        lambda: answer(api.get(f"/cases/{case_id}", headers=me)),
        lambda v: closing in news_lines(v),
        what="the closing news told (or why not)",
        within=30,
    )
    got = await inbox(stack, channel, sender)
    news = [r for r in got if r["reference"].startswith(f"{case_id}:")]
    expected = [f"{case_id}:removed:{notice_id}"]
    if channel == "whatsapp":  # a template reaches them however long since they wrote
        expected.append(f"{case_id}:closed:0")
        assert news[-1]["type"] == "template" and news[-1]["template"]["name"] == NEWS_TEMPLATE
    assert [r["reference"] for r in news] == expected
    assert not any(r["duplicate"] for r in got)
    assert "photo" not in str(news) and "tiktok" not in str(news).lower()  # nothing reported
    opened, closed = (datetime.fromisoformat(view[k]) for k in ("opened_at", "closed_at"))
    assert closed - opened >= TWO_DAYS  # the case's own clock moved two days too

    await write(stack, channel, sender, "Stop")
    stopped = await eventually(
        lambda: inbox(stack, channel, sender),
        lambda r: any(m["reference"] == f"{case_id}:stopped" for m in r),
        what="the STOP's confirmation",
        within=30,
    )
    assert [r["reference"] for r in stopped if r["reference"].startswith(case_id)] == [
        *expected,
        f"{case_id}:stopped",
    ]
    view = await eventually(
        lambda: answer(api.get(f"/cases/{case_id}", headers=me)),
        lambda v: (
            ("news.stopped", {"channel": channel}) in news_lines(v) and len(news_lines(v)) == 5
        ),
        what="five news lines on the timeline",
    )
    assert sorted(news_lines(view), key=str) == sorted(
        [
            ("news.consented", {"channel": channel}),
            ("news.sent", {"event": "removed", "channel": channel}),
            closing,
            ("news.stopped", {"channel": channel}),
            ("news.sent", {"event": "stopped", "channel": channel}),
        ],
        key=str,
    )
    await finish(stack, cid, me)

    # They write again, two days on: the counsellor who takes it sees the earlier case.
    await write(stack, channel, sender, "c'est encore moi")
    await eventually(
        lambda: conversation_of(stack, channel, sender),
        lambda c: c != cid,
        what="their new conversation",
    )
    again = await take_offer(stack, me, channel, sender)
    earlier = await eventually(
        lambda: answer(api.get(f"/conversations/{again}/earlier-contact", headers=me)),
        lambda e: bool(e["cases"]),
        what="the earlier case",
    )
    assert earlier["recognised"] is True
    assert [(c["case_id"], c["status"]) for c in earlier["cases"]] == [(case_id, "closed")]
    await finish(stack, again, me)


async def test_a_no_in_the_conversation_stops_the_news(stack: Stack) -> None:
    me, api, channel, sender = auth("counsellor"), stack.api, "whatsapp", "33611119002"
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    refused = await api.post(
        f"/cases/{case_id}/news", json={"wanted": False, "conversation_id": cid}, headers=me
    )
    assert refused.status_code == 422, refused.text
    assert "wanted" in refused.text and "no_consent_given" in refused.text
    elsewhere = await api.post(
        f"/cases/{case_id}/news", json={"wanted": True, "conversation_id": "c-other"}, headers=me
    )
    assert elsewhere.status_code == 422 and "conversation_id" in elsewhere.text
    await asked_in_the_conversation(stack, me, case_id, cid, wanted=True)
    no = await asked_in_the_conversation(stack, me, case_id, cid, wanted=False)
    assert no["consents"]["case_news"] is False

    [notice_id] = await add_items(stack, case_id, 1, tag=sender)
    await eventually(
        lambda: answer(api.get(f"/cases/{case_id}", headers=me)),
        lambda v: [n["status"] for n in v["notices"]] == ["verified_removed"],
        what="the removal verified",
        within=60,
    )
    await answer(
        api.post(
            f"/cases/{case_id}/close", json={"reason": "resolved", "force": True}, headers=keyed(me)
        )
    )
    view = await answer(api.get(f"/cases/{case_id}", headers=me))
    assert news_lines(view) == [
        ("news.consented", {"channel": channel}),
        ("news.withdrawn", {}),
    ]
    assert [r for r in await inbox(stack, channel, sender) if notice_id in r["reference"]] == []
    await finish(stack, cid, me)


async def test_the_console_asks_in_the_conversation_and_on_the_case_page(stack: Stack) -> None:
    """The conversation screen puts the question and records the answer for this
    conversation; the case page records a later no; the timeline words both."""
    me, channel, sender = auth("counsellor"), "whatsapp", "33611119003"
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)
    case_id = await case_from(stack, me, channel, cid)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    screen = await lea.page(f"/conversations?c={cid}")
    assert "Nouvelles du dossier, ici" in screen.text
    assert "vous prévienne ici quand le contenu sera retiré ?" in screen.text
    yes = await lea.send(
        f"/conversations?c={cid}", f"/conversations/{cid}/news", {"wanted": "true"}, form_id="news"
    )
    assert yes.status_code == 303, yes.text[:2000]
    case_page = await lea.page(f"/cases/{case_id}")
    assert "Le jeune a demandé des nouvelles du dossier sur WhatsApp." in case_page.text
    assert "Il a demandé des nouvelles du dossier" in case_page.text

    no = await lea.send(
        f"/cases/{case_id}", f"/cases/{case_id}/news", {"wanted": "false"}, form_id="news"
    )
    assert no.status_code == 303, no.text[:2000]
    again = await lea.send(
        f"/cases/{case_id}", f"/cases/{case_id}/news", {"wanted": "false"}, form_id="news"
    )
    assert again.status_code == 422, again.text[:2000]
    case_page = await lea.page(f"/cases/{case_id}")
    assert "Le jeune ne veut plus de nouvelles du dossier." in case_page.text
    assert "pas demandé de nouvelles du dossier." in case_page.text
    await finish(stack, cid, me)


async def test_the_news_go_where_they_said_yes_not_to_the_latest_conversation(
    stack: Stack,
) -> None:
    """They said yes on WhatsApp; a later Messenger conversation joins the case: the
    news still go to WhatsApp, where they asked for them."""
    me, api = auth("counsellor"), stack.api
    number, psid = "33611119004", "7100000000009004"
    await write(stack, "whatsapp", number, "bonjour")
    asked_on = await take_offer(stack, me, "whatsapp", number)
    case_id = await case_from(stack, me, "whatsapp", asked_on)
    await asked_in_the_conversation(stack, me, case_id, asked_on, wanted=True)
    await write(stack, "messenger", psid, "c'est moi, sur Messenger")
    latest = await take_offer(stack, me, "messenger", psid)
    await answer(
        api.post(
            f"/cases/{case_id}/conversations", json={"conversation_id": latest}, headers=keyed(me)
        )
    )
    directory = ConversationDirectory(stack.database)
    await eventually(lambda: directory.case_of(latest), lambda c: c == case_id, what="joined")

    [notice_id] = await add_items(stack, case_id, 1, tag=number)
    [news] = await received(stack, "whatsapp", number, 1)
    assert news["reference"] == f"{case_id}:removed:{notice_id}"
    assert [r for r in await inbox(stack, "messenger", psid) if case_id in r["reference"]] == []
    await finish(stack, asked_on, me)
    await finish(stack, latest, me)
