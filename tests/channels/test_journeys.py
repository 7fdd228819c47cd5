"""Journeys on WhatsApp and Messenger through the whole stack (a Temporal dev server,
the worker, the API over loopback HTTP, SQLite) with the simulator playing Meta: a young
person writes (the simulator signs the webhook), a counsellor takes the conversation and
answers, and the young person receives the answer exactly once, whatever Meta does in
between (a 429 storm, transient 500s, an outage): the simulator's control API, which
records every send Meta accepted, is the proof."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from application.conversations import counsellor as desk
from application.errors import RequestRejected
from application.permits import Actor
from domain.channel_templates import APPROVED_TEMPLATES, WHAT_WE_READ
from relais.clock import utc_now
from relais.settings import Role
from tests.channels.support import (
    answer,
    finish,
    helpline_of,
    meta,
    meta_stack,
    no_duplicates,
    received,
    reply,
    take_offer,
    write,
)
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("channel-journeys")
    async with meta_stack(local_env.client, folder) as running:
        yield running


@pytest.mark.parametrize(
    ("channel", "sender"), [("whatsapp", "33611110001"), ("messenger", "7100000000001001")]
)
async def test_a_counsellors_answer_reaches_the_young_person_once(
    stack: Stack, channel: str, sender: str
) -> None:
    me = auth("counsellor")
    await write(stack, channel, sender, "quelqu'un a publié une photo de moi")
    cid = await take_offer(stack, me, channel, sender)

    await reply(stack, cid, "Je suis là, racontez-moi.", me)

    [got] = await received(stack, channel, sender, 1)
    assert got["text"] == "Je suis là, racontez-moi."
    assert got["reference"].startswith(f"{cid}:") and not got["duplicate"]
    if channel == "messenger":  # a person's reply: 7 days under Meta's HUMAN_AGENT tag
        assert got["body"]["messaging_type"] == "MESSAGE_TAG"
        assert got["body"]["tag"] == "HUMAN_AGENT"
    await no_duplicates(stack, channel)
    await finish(stack, cid, me)


async def test_through_a_429_storm_and_transient_errors_the_answer_goes_once(
    stack: Stack,
) -> None:
    me, sender = auth("counsellor"), "33611110002"
    await write(stack, "whatsapp", sender, "vous êtes là ?")
    cid = await take_offer(stack, me, "whatsapp", sender)
    # Meta rate-limits the next two sends (Retry-After: 3 s), then fails one with a 500.
    await meta(stack, "whatsapp", rate_limit_next=2, retry_after_seconds=3, fail_next=1)

    await reply(stack, cid, "Oui, je vous lis.", me)

    [got] = await received(stack, "whatsapp", sender, 1)
    assert got["text"] == "Oui, je vous lis." and not got["duplicate"]
    requests = await answer(
        stack.simulator.get("/_control/meta/requests", params={"channel": "whatsapp"})
    )
    sends = [r for r in requests if r["kind"] == "send"][-4:]  # refused before it is read
    assert [bool(r["fault"]) for r in sends] == [True, True, True, False]  # taken the 4th time
    assert sends[-1]["reference"] == got["reference"]
    # Meta's Retry-After (3 s) was waited, not the policy's first 2 s.
    first, second = (datetime.fromisoformat(r["at"]) for r in sends[:2])
    assert (second - first).total_seconds() >= 2.9
    await no_duplicates(stack, "whatsapp")
    await finish(stack, cid, me)


async def test_after_24_hours_free_text_is_refused_and_a_template_goes(stack: Stack) -> None:
    me, sender = auth("counsellor"), "33611110003"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    options = await answer(stack.api.get(f"/conversations/{cid}/reply-options", headers=me))
    assert options["window_open"] is True
    assert {(t["name"], t["language"]) for t in options["templates"]} == {
        ("reprise_contact", "fr"),
        ("reprise_contact", "en"),
    }
    helpline = helpline_of(stack)
    permit = await desk.reply.permit(helpline, Actor("local-counsellor", Role.COUNSELLOR))
    later = utc_now() + timedelta(hours=25)  # the clock is the caller's

    with pytest.raises(RequestRejected) as refused:
        await desk.reply(helpline, permit, cid, "Vous êtes toujours là ?", "k-free", later)
    [problem] = refused.value.problems
    assert problem.code == "outside_window" and "24 hours" in problem.msg
    assert "reprise_contact" in problem.msg
    # The simulator's window closes too, so Meta would refuse free text as well.
    await answer(stack.simulator.post(f"/_control/meta/whatsapp/users/{sender}/expire-window"))
    [template] = [t["text"] for t in options["templates"] if t["language"] == "fr"]
    await desk.reply(helpline, permit, cid, template, "k-template", later)

    [got] = await received(stack, "whatsapp", sender, 1)
    assert got["type"] == "template" and got["template"]["name"] == "reprise_contact"
    assert not got["duplicate"]
    await finish(stack, cid, me)


async def test_free_text_refused_by_meta_is_a_failed_message_not_retried(stack: Stack) -> None:
    """Meta's own refusal (the window closed on its side): the message is marked failed
    on the counsellor's screen at once, nothing is sent again."""
    me, sender = auth("counsellor"), "33611110004"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    await answer(stack.simulator.post(f"/_control/meta/whatsapp/users/{sender}/expire-window"))

    await reply(stack, cid, "Je suis là.", me)

    async def screen() -> Any:
        return await answer(stack.api.get(f"/conversations/{cid}", headers=me))

    read = await eventually(
        screen,
        lambda r: any(m.get("delivery") == "failed" for m in r["conversation"]["messages"]),
        what="the reply marked failed",
        within=20,
    )
    assert [m["delivery"] for m in read["conversation"]["messages"]][-1] == "failed"
    requests = await answer(
        stack.simulator.get("/_control/meta/requests", params={"channel": "whatsapp"})
    )
    assert len([r for r in requests if r["kind"] == "send" and r["error_code"] == 131047]) == 1
    assert await received(stack, "whatsapp", sender, 0) == []
    await finish(stack, cid, me)


async def test_the_console_offers_the_templates_and_sends_one(stack: Stack) -> None:
    me, sender = auth("counsellor"), "33611110005"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    page = await lea.page(f"/conversations?c={cid}")
    assert page.status_code == 200, page.text[:2000]
    assert "reply-body" in page.text, page.text[-3000:]
    assert "Modèles approuvés" in page.text and 'id="template"' in page.text
    [french] = [t for t in APPROVED_TEMPLATES if t.language == "fr"]
    assert "Nous avons un message pour vous" in page.text

    sent = await lea.send(
        f"/conversations?c={cid}",
        f"/conversations/{cid}/replies",
        {"body": french.text},
        form_id="template",
    )
    assert sent.status_code == 303, sent.text[:2000]
    [got] = await received(stack, "whatsapp", sender, 1)
    assert got["type"] == "template" and got["template"]["name"] == "reprise_contact"
    await finish(stack, cid, me)


async def test_an_answer_lost_after_meta_stored_it_is_not_sent_again(stack: Stack) -> None:
    """Meta takes the message but its answer is lost (a 500): the retry finds the
    status carrying the message's key and does not send it a second time."""
    me, sender = auth("counsellor"), "33611110006"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    await meta(stack, "whatsapp", lose_next_responses=1)

    await reply(stack, cid, "Je vous lis.", me)

    async def screen() -> Any:
        return await answer(stack.api.get(f"/conversations/{cid}", headers=me))

    read = await eventually(
        screen,
        lambda r: r["conversation"]["messages"][-1]["delivery"] == "delivered",
        what="the reply delivered",
        within=40,
    )
    assert read["conversation"]["messages"][-1]["channel_status"] in ("delivered", "read")
    [got] = await received(stack, "whatsapp", sender, 1)
    assert got["text"] == "Je vous lis." and not got["duplicate"]
    requests = await answer(
        stack.simulator.get("/_control/meta/requests", params={"channel": "whatsapp"})
    )
    sends = [r for r in requests if r["kind"] == "send" and r["reference"] == got["reference"]]
    assert len(sends) == 1 and sends[0]["fault"] == "lost_response"
    await no_duplicates(stack, "whatsapp")
    await finish(stack, cid, me)


@pytest.mark.parametrize(
    ("channel", "sender"), [("whatsapp", "33611110007"), ("messenger", "7100000000001007")]
)
async def test_the_transcript_shows_what_meta_says_of_each_answer(
    stack: Stack, channel: str, sender: str
) -> None:
    me = auth("counsellor")
    await write(stack, channel, sender, "bonjour")
    cid = await take_offer(stack, me, channel, sender)

    await reply(stack, cid, "Bonjour, je suis là.", me)

    async def screen() -> Any:
        return await answer(stack.api.get(f"/conversations/{cid}", headers=me))

    read = await eventually(
        screen,
        lambda r: r["conversation"]["messages"][-1]["channel_status"] in ("delivered", "read"),
        what="the reply delivered on the young person's phone",
        within=20,
    )
    assert read["conversation"]["messages"][-1]["delivery"] == "delivered"
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    page = await lea.page(f"/conversations?c={cid}")
    assert page.status_code == 200 and ("Distribué" in page.text or ">Lu<" in page.text)
    await finish(stack, cid, me)


async def test_a_message_meta_could_not_deliver_shows_failed(stack: Stack) -> None:
    me, sender = auth("counsellor"), "33611110008"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    await meta(stack, "whatsapp", undeliverable=[sender])

    await reply(stack, cid, "Vous êtes là ?", me)

    async def screen() -> Any:
        return await answer(stack.api.get(f"/conversations/{cid}", headers=me))

    read = await eventually(
        screen,
        lambda r: r["conversation"]["messages"][-1]["channel_status"] == "failed",
        what="the reply failed",
        within=20,
    )
    assert read["conversation"]["messages"][-1]["delivery"] == "failed"
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    page = await lea.page(f"/conversations?c={cid}")
    assert "Non remis : la messagerie l" in page.text
    await meta(stack, "whatsapp", undeliverable=[])
    await finish(stack, cid, me)


@pytest.mark.parametrize(
    ("channel", "sender"), [("whatsapp", "33611110009"), ("messenger", "7100000000001009")]
)
async def test_what_the_helpline_cannot_read_is_answered_once(
    stack: Stack, channel: str, sender: str
) -> None:
    """A sticker, then a location: both recorded as such; the young person is told
    once, in French, what the helpline can read (a replayed webhook changes nothing)."""
    sticker = await answer(
        stack.simulator.post(
            f"/_control/meta/{channel}/inbound", json={"from": sender, "type": "sticker"}
        ),
        202,
    )
    [got] = await received(stack, channel, sender, 1)
    assert got["text"] == WHAT_WE_READ and not got["duplicate"]
    if channel == "messenger":  # automatic: within their 24 hours, no HUMAN_AGENT tag
        assert got["body"]["messaging_type"] == "RESPONSE"
    await answer(
        stack.simulator.post(
            f"/_control/meta/{channel}/inbound", json={"from": sender, "type": "location"}
        ),
        202,
    )
    await answer(
        stack.simulator.post(
            f"/_control/meta/{channel}/replay", json={"message_id": sticker["message_id"]}
        ),
        202,
    )
    me = auth("counsellor")
    cid = await take_offer(stack, me, channel, sender)
    read = await eventually(
        lambda: answer(stack.api.get(f"/conversations/{cid}", headers=me)),
        lambda r: len(r["lines"]) >= 3,
        what="the transcript",
    )
    bodies = [line["body"] for line in read["lines"]]
    assert bodies == [
        "[non pris en charge : sticker]",
        WHAT_WE_READ,
        "[non pris en charge : location]",
    ]
    assert len(await received(stack, channel, sender, 1)) == 1
    await no_duplicates(stack, channel)
    await finish(stack, cid, me)


async def test_an_answer_written_during_a_meta_outage_goes_once_it_is_back(
    stack: Stack,
) -> None:
    me, sender = auth("counsellor"), "33611110010"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    await meta(stack, "whatsapp", outage={"active": True})
    try:
        await reply(stack, cid, "Je suis là, même si ça coupe.", me)

        async def outage_seen() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = await answer(
                stack.simulator.get("/_control/meta/requests", params={"channel": "whatsapp"})
            )
            return [r for r in found if r["kind"] == "send" and r["fault"] == "outage"]

        await eventually(outage_seen, lambda r: len(r) >= 1, what="a send refused by the outage")
    finally:
        await meta(stack, "whatsapp", outage={"active": False})

    [got] = await received(stack, "whatsapp", sender, 1)
    assert got["text"] == "Je suis là, même si ça coupe." and not got["duplicate"]
    await no_duplicates(stack, "whatsapp")
    await finish(stack, cid, me)
