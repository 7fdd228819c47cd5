"""The web chat as a channel: its door (which checked the chat session) hands Relais'
own JSON to ``parse_webhook`` and gets the same events as from WhatsApp or Messenger;
the generic webhook path refuses it, signed or not."""

import json
from datetime import UTC, datetime

import pytest

from domain.catalog import AdapterInfo, PartnerKind
from domain.channel_messages import ChannelDeliveryState, ChannelStatusUpdate, TextContent
from partners.channel_errors import (
    WebhookMalformed,
    WebhookSignatureInvalid,
    WebhookTokenMismatch,
    WebhookTooLarge,
)
from partners.webchat import WebChatChannel, WebChatConfig

INFO = AdapterInfo(slug="webchat", display_name="Chat 3018", kind=PartnerKind.MESSAGING)
AT = "2026-03-01T21:15:00+00:00"


def channel() -> WebChatChannel:
    return WebChatChannel(INFO, WebChatConfig())


def body(**fields: object) -> bytes:
    return json.dumps({"object": "relais_webchat", "session": "conv-9", **fields}).encode()


def test_the_chat_door_gets_messages_and_statuses_as_channel_events() -> None:
    batch = channel().parse_webhook(
        body(
            messages=[{"id": "p-1", "text": "bonjour", "sent_at": AT}],
            statuses=[{"message_ids": ["wc.1", "wc.2"], "state": "read", "at": AT}],
        )
    )

    [message] = batch.messages
    assert message.message_id == "conv-9:p-1" and message.sender == "conv-9"
    assert message.business_id == "web" and message.content == TextContent(text="bonjour")
    assert message.sent_at == datetime(2026, 3, 1, 21, 15, tzinfo=UTC)
    [status] = batch.statuses
    assert isinstance(status, ChannelStatusUpdate)
    assert status.state is ChannelDeliveryState.READ and status.message_ids == ["wc.1", "wc.2"]
    assert status.event_id == "webchat:status:read:wc.1,wc.2"


@pytest.mark.parametrize(
    "wrong",
    [
        body(messages=[{"id": "p-1", "text": "", "sent_at": AT}]),
        body(messages=[{"id": "p-1", "text": "x" * 4097, "sent_at": AT}]),
        body(messages=[{"id": "p-1", "text": "x", "sent_at": AT, "from": "someone else"}]),
        json.dumps({"object": "page", "session": "s", "messages": []}).encode(),
    ],
)
def test_anything_else_is_malformed(wrong: bytes) -> None:
    with pytest.raises(WebhookMalformed):
        channel().parse_webhook(wrong)


def test_the_generic_webhook_path_refuses_the_web_chat() -> None:
    chat = channel()
    with pytest.raises(WebhookSignatureInvalid):
        chat.receive(body(messages=[]), {"X-Hub-Signature-256": "sha256=00"})
    with pytest.raises(WebhookTokenMismatch):
        chat.answer_handshake(
            {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        )
    with pytest.raises(WebhookTooLarge):
        chat.receive(b" " * (64 * 1024 + 1), {})
