"""What a channel webhook must pass before anything in it is stored, tested through
the door over real HTTP with the simulator playing Meta: the subscription handshake,
the signature (right, wrong, missing, a body changed by one byte), the size limit, a
body for a number or page the helpline does not serve, and replays (the same ids)."""

import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from partners.channel_errors import WebhookTooLarge
from tests.channels.stack import PAGE_ID, Stack, running_stack
from tests.support.waiting import eventually

SIGNATURE = "X-Hub-Signature-256"


def signed(secret: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", SIGNATURE: f"sha256={digest}"}


async def post(stack: Stack, slug: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.door.base_url) as door:
        return await door.post(f"/inbound/channels/{slug}", content=body, headers=headers)


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
async def test_the_handshake_answers_the_challenge_to_our_verify_token_only(
    stack: Stack, channel: str
) -> None:
    ours = await stack.sim.post(
        f"/_control/meta/{channel}/verify", json={"challenge": "1158201444"}
    )
    assert ours.json()["verified"] is True
    assert ours.json()["body"] == "1158201444"

    theirs = await stack.sim.post(
        f"/_control/meta/{channel}/verify", json={"verify_token": "someone-elses-token"}
    )
    assert theirs.json()["verified"] is False
    assert theirs.json()["status_code"] == 403
    assert [r.error for r in stack.door.refusals] == ["WebhookTokenMismatch"]


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
async def test_a_webhook_signed_with_another_secret_is_refused_and_nothing_is_stored(
    stack: Stack, channel: str
) -> None:
    await stack.configure(channel, app_secret="a-secret-relais-does-not-know")
    written = await stack.write(channel, text="allo ?")

    attempts = await stack.settled(channel, written["message_id"])

    assert [a["status_code"] for a in attempts] == [401, 401, 401]
    assert stack.door.batches == [] and stack.door.seen == {}
    assert {r.error for r in stack.door.refusals} == {"WebhookSignatureInvalid"}


async def test_a_signed_webhook_is_accepted_and_its_copy_changed_by_one_byte_is_not(
    stack: Stack,
) -> None:
    written = await stack.write("whatsapp", text="on m'a piraté mon compte")
    await stack.message("whatsapp", written["message_id"])
    _, body, headers = stack.door.bodies[0]
    signature = {SIGNATURE: headers["x-hub-signature-256"], "Content-Type": "application/json"}
    changed = body.replace(b"pirat", b"Pirat", 1)
    assert len(changed) == len(body) and changed != body

    assert (await post(stack, "whatsapp", changed, signature)).status_code == 401
    assert (
        await post(stack, "whatsapp", body, {"Content-Type": "application/json"})
    ).status_code == 401
    legacy_only = {"X-Hub-Signature": "sha1=" + hashlib.sha1(body).hexdigest()}
    assert (await post(stack, "whatsapp", body, legacy_only)).status_code == 401
    assert (await post(stack, "whatsapp", body, {SIGNATURE: "sha256="})).status_code == 401

    assert len(stack.door.batches) == 1
    assert [r.status for r in stack.door.refusals] == [401, 401, 401, 401]


async def test_a_replayed_webhook_parses_to_the_same_ids_so_the_door_drops_it(
    stack: Stack,
) -> None:
    written = await stack.write("whatsapp", text="bonjour")
    first = await stack.message("whatsapp", written["message_id"])

    replay = await stack.sim.post(
        "/_control/meta/whatsapp/replay", json={"message_id": written["message_id"]}
    )
    assert replay.status_code == 202
    doubled = await stack.write("messenger", text="allo ?", duplicate=True)
    await stack.message("messenger", doubled["message_id"])

    async def both_dropped() -> list[str]:
        return stack.door.duplicates

    await eventually(both_dropped, lambda d: len(d) == 2, what="the replay and the duplicate")
    assert sorted(stack.door.duplicates) == sorted(
        [first.event_id, f"messenger:message:{doubled['message_id']}"]
    )
    assert len(stack.door.batches) == 4  # each webhook verified and parsed...
    assert len(stack.door.events("whatsapp")) == 1  # ...and each message kept once
    assert len(stack.door.events("messenger")) == 1


@pytest.mark.parametrize(
    ("channel", "to"), [("whatsapp", "119999999999999"), ("messenger", "129999999999999")]
)
async def test_a_message_for_a_number_or_page_we_do_not_serve_is_refused(
    stack: Stack, channel: str, to: str
) -> None:
    written = await stack.write(channel, text="bonjour", to=to)

    attempts = await stack.settled(channel, written["message_id"])

    assert {a["status_code"] for a in attempts} == {403}
    assert stack.door.seen == {}
    assert {r.error for r in stack.door.refusals} == {"WebhookUnknownRecipient"}


async def test_a_batch_with_one_message_for_an_unknown_page_is_refused_whole(
    stack: Stack,
) -> None:
    batch = await stack.write_batch(
        "messenger", [{"text": "un"}, {"text": "deux", "to": "129999999999999"}]
    )

    attempts = await stack.settled("messenger", batch["message_ids"][0])

    assert {a["status_code"] for a in attempts} == {403}
    assert stack.door.seen == {}


async def test_a_signed_body_in_another_format_is_refused_as_malformed(stack: Stack) -> None:
    secret = stack.settings.whatsapp_app_secret.get_secret_value()
    page_body = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "messaging": []}]})
    not_json = b"<xml>hello</xml>"
    no_metadata = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messages": []}}]}],
        }
    )

    for body, says in [
        (page_body.encode(), "not a WhatsApp Business Account webhook"),
        (not_json, "not JSON"),
        (no_metadata.encode(), "unexpected shape at metadata"),
    ]:
        answer = await post(stack, "whatsapp", body, signed(secret, body))
        assert answer.status_code == 400, answer.text
        assert says in answer.json()["detail"]
    assert stack.door.seen == {}


async def test_the_web_chat_is_not_a_webhook_and_an_unknown_channel_is_404(stack: Stack) -> None:
    body = json.dumps(
        {
            "object": "relais_webchat",
            "session": "s1",
            "messages": [{"id": "1", "text": "x", "sent_at": "2026-01-01T00:00:00Z"}],
        }
    ).encode()

    assert (await post(stack, "webchat", body, signed("anything", body))).status_code == 401
    assert (await post(stack, "telegram", body, {})).status_code == 404
    assert stack.door.seen == {}


@pytest.fixture
async def small_stack() -> AsyncIterator[Stack]:
    async with running_stack(channels_max_webhook_bytes=2048) as running:
        yield running


async def test_an_oversized_body_is_refused_before_its_signature_is_read(
    small_stack: Stack,
) -> None:
    stack = small_stack
    written = await stack.write("whatsapp", text="x" * 3000)

    attempts = await stack.settled("whatsapp", written["message_id"])

    assert {a["status_code"] for a in attempts} == {413}
    assert stack.door.seen == {}

    async def endless() -> AsyncIterator[bytes]:  # no Content-Length: read up to the limit
        for _ in range(1000):
            yield b"{" * 1024

    async with httpx.AsyncClient(base_url=stack.door.base_url) as door:
        answer = await door.post("/inbound/channels/messenger", content=endless())
    assert answer.status_code == 413
    assert {r.error for r in stack.door.refusals} == {"WebhookTooLarge"}


async def test_receive_checks_the_size_even_when_the_door_read_it_all(stack: Stack) -> None:
    channel = stack.channel("whatsapp")
    body = b" " * (stack.settings.channels_max_webhook_bytes + 1)

    with pytest.raises(WebhookTooLarge):
        channel.receive(body, {})
