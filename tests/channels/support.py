"""The steps of a journey on WhatsApp or Messenger through the whole stack
(``tests.support.stack``) with the simulator playing Meta, shared by the journey tests
(``test_journeys``, ``test_case_news``): a young person writes (the simulator signs
the webhook), a counsellor takes their conversation, replies, finishes it; what the
young person received, read from the simulator's control API."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.client import Client

from application.helpline import Helpline
from relais.converter import key_store_of
from relais.crypto.identifiers import IdentifierHasher
from relais.db.repositories.audit import AuditLog
from relais.db.repositories.channel_contacts import ChannelContacts
from relais.db.repositories.conversations import ConversationDirectory
from tests.support.client import auth
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack, stack_on
from tests.support.waiting import eventually

FAST = {"retry_delays": [0.02, 0.05], "status_delays": {"sent": 0.01, "delivered": 0.02}}


async def meta(stack: Stack, channel: str, **knobs: Any) -> None:
    answer = await stack.simulator.put(f"/_control/meta/{channel}", json=knobs)
    assert answer.status_code == 200, answer.text


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def write(stack: Stack, channel: str, sender: str, text: str) -> None:
    await answer(
        stack.simulator.post(
            f"/_control/meta/{channel}/inbound", json={"from": sender, "text": text}
        ),
        202,
    )


async def conversation_of(stack: Stack, channel: str, sender: str) -> str:
    hasher = IdentifierHasher(key_store_of(stack.client.data_converter))
    digest = await hasher.digest(channel, sender)
    contacts = ChannelContacts(stack.database)

    async def probe() -> str | None:
        return await contacts.conversation_of(channel, digest)

    found = await eventually(probe, lambda c: c is not None, what="their conversation")
    assert found is not None
    return found


async def take_offer(stack: Stack, who: dict[str, str], channel: str, sender: str) -> str:
    """The counsellor takes this young person's conversation (the queue hears of earlier
    ones accepted in its own time: their offers may still be on the desk)."""
    api = stack.api
    cid = await conversation_of(stack, channel, sender)
    await answer(
        api.post("/conversations/desk/presence", json={"presence": "available"}, headers=who)
    )
    desk = await eventually(
        lambda: answer(api.get("/conversations/desk", headers=who)),
        lambda d: any(o["conversation_id"] == cid for o in d["offers"]),
        what="an offer on the desk",
        within=20,
    )
    [offer] = [o for o in desk["offers"] if o["conversation_id"] == cid]
    # the desk can show the offer before the conversation has it (until then a read is
    # refused 'not with you'): wait for the conversation, not only the desk
    await eventually(
        lambda: api.get(f"/conversations/{cid}", headers=who),
        lambda r: r.status_code == 200 and r.json()["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    await answer(
        api.post(f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=who)
    )
    return cid


async def reply(stack: Stack, cid: str, text: str, who: dict[str, str]) -> Any:
    headers = {**who, "Idempotency-Key": uuid.uuid4().hex}
    return await answer(
        stack.api.post(f"/conversations/{cid}/replies", json={"body": text}, headers=headers),
        201,
    )


async def received(stack: Stack, channel: str, user: str, count: int) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = await answer(
            stack.simulator.get(f"/_control/meta/{channel}/users/{user}/received")
        )
        return got

    return await eventually(
        probe, lambda r: len(r) >= count, what=f"{count} messages received", within=30
    )


async def finish(stack: Stack, cid: str, who: dict[str, str]) -> None:
    """End the chat and wrap it up: the counsellor's place is free for the next one."""
    await answer(stack.api.post(f"/conversations/{cid}/end", headers=who))
    await answer(
        stack.api.post(
            f"/conversations/{cid}/wrap-up", json={"outcome": "advice_given"}, headers=who
        )
    )


async def no_duplicates(stack: Stack, channel: str) -> None:
    deliveries = await answer(stack.simulator.get("/_control/meta/deliveries"))
    assert deliveries[channel]["duplicate_references"] == []
    assert deliveries[channel]["without_reference"] == 0


def helpline_of(stack: Stack) -> Helpline:
    """The application layer on the stack's parts, for a test that sets the door's clock."""
    return Helpline(stack.client, stack.database, stack.registry, stack.settings)


def keyed(who: dict[str, str]) -> dict[str, str]:
    """The headers with a fresh Idempotency-Key."""
    return {**who, "Idempotency-Key": uuid.uuid4().hex}


async def sends_a_picture(
    stack: Stack, channel: str, sender: str, data: bytes, mime: str = "image/png"
) -> str:
    """The young person sends ``data`` as a photo (or, with another ``mime``, a
    document): the simulated Meta keeps it and posts the webhook with its media id
    (WhatsApp) or signed URL (Messenger). Its media id."""
    uploaded = await answer(
        stack.simulator.post("/_control/meta/media", content=data, headers={"Content-Type": mime}),
        201,
    )
    kind = "image" if mime.startswith("image/") else "document"
    message = {"from": sender, "type": kind, "media_id": uploaded["id"]}
    await answer(stack.simulator.post(f"/_control/meta/{channel}/inbound", json=message), 202)
    media_id: str = uploaded["id"]
    return media_id


async def media_lines(stack: Stack, cid: str, count: int) -> list[dict[str, Any]]:
    """The transcript's lines of files they sent, once there are ``count``."""

    async def probe() -> list[dict[str, Any]]:
        read = await answer(stack.api.get(f"/conversations/{cid}", headers=auth("counsellor")))
        return [x for x in read["lines"] if x["channel_media"] or x["file_sent"]]

    return await eventually(probe, lambda found: len(found) >= count, what=f"{count} files")


@asynccontextmanager
async def meta_stack(
    client: Client, folder: Path, backend: str | None = None
) -> AsyncIterator[Stack]:
    """A whole stack (fast policy) whose simulated Meta answers at once on both channels;
    ``backend``: on an empty app database of it (``stack_on``), else a SQLite file."""
    stack = (
        stack_on(backend, client, folder, policy=fast_policy())
        if backend is not None
        else running_stack(client, folder, policy=fast_policy())
    )
    async with stack as running:
        for channel in ("whatsapp", "messenger"):
            await meta(running, channel, **FAST)
        yield running


async def inbox(stack: Stack, channel: str, user: str) -> list[dict[str, Any]]:
    """What the young person received so far."""
    got: list[dict[str, Any]] = await answer(
        stack.simulator.get(f"/_control/meta/{channel}/users/{user}/received")
    )
    return got


async def case_from(stack: Stack, who: dict[str, str], channel: str, cid: str) -> str:
    """The counsellor opens a case from the conversation (no news asked at intake), and
    the conversation's directory row says the link."""
    intake = {
        "channel": channel,
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
        "consents": {"report_to_platforms": True},
    }
    case = await answer(
        stack.api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(who)), 201
    )
    case_id: str = case["case_id"]
    directory = ConversationDirectory(stack.database)
    await eventually(lambda: directory.case_of(cid), lambda c: c == case_id, what="the link")
    return case_id


async def ask(stack: Stack, who: dict[str, str], cid: str, key: str) -> dict[str, Any]:
    headers = {**who, "Idempotency-Key": key}
    asked: dict[str, Any] = await answer(
        stack.api.post(f"/conversations/{cid}/news-question", headers=headers), 201
    )
    return asked


async def tap(stack: Stack, channel: str, user: str, choice: str | int) -> str:
    tapped = await answer(
        stack.simulator.post(f"/_control/meta/{channel}/users/{user}/tap", json={"choice": choice}),
        202,
    )
    message_id: str = tapped["message_id"]
    return message_id


async def ignored(stack: Stack, cid: str, count: int) -> list[str]:
    """The audit lines of taps ignored in the conversation (their why)."""
    log = AuditLog(stack.database)

    async def probe() -> list[str]:
        found = await log.list(actor=f"conversation:{cid}", action="case.news.tap_ignored")
        return [e.detail or "" for e in found]

    return await eventually(probe, lambda d: len(d) >= count, what=f"{count} taps ignored")


async def case_view(stack: Stack, who: dict[str, str], case_id: str) -> dict[str, Any]:
    view: dict[str, Any] = await answer(stack.api.get(f"/cases/{case_id}", headers=who))
    return view


def news_lines(view: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    return [(e["code"], e["params"]) for e in view["timeline"] if e["kind"] == "news"]
