"""Every kind of message a young person can send on WhatsApp, as the simulator posts it
(Meta's exact bodies, signed), parsed into channel events by the built-in adapter."""

import base64
from datetime import UTC, datetime

import pytest

from domain.channel_messages import (
    ChannelMediaKind,
    ChoiceContent,
    MediaContent,
    TextContent,
    UnsupportedContent,
    UnsupportedKind,
)
from tests.channels.stack import PHONE_NUMBER_ID, WA_ID, Stack


async def test_a_text_with_who_wrote_to_which_number_and_when(stack: Stack) -> None:
    written = await stack.write(
        "whatsapp", text="on a publié une photo de moi", name="Lou", sent_at="2026-03-01T10:00:00Z"
    )

    message = await stack.message("whatsapp", written["message_id"])

    assert message.message_id.startswith("wamid.")
    assert message.sender == WA_ID and message.sender_name == "Lou"
    assert message.business_id == PHONE_NUMBER_ID
    assert message.sent_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert message.content == TextContent(text="on a publié une photo de moi")
    assert message.event_id == f"whatsapp:message:{message.message_id}"


@pytest.mark.parametrize(
    ("kind", "media_kind", "mime"),
    [
        ("image", ChannelMediaKind.IMAGE, "image/jpeg"),
        ("document", ChannelMediaKind.DOCUMENT, "application/pdf"),
        ("audio", ChannelMediaKind.AUDIO, "audio/ogg"),
        ("video", ChannelMediaKind.VIDEO, "video/mp4"),
    ],
)
async def test_media_arrives_as_a_reference_to_fetch_with_its_type_and_hash(
    stack: Stack, kind: str, media_kind: ChannelMediaKind, mime: str
) -> None:
    extra = {"caption": "regardez"} if kind in ("image", "video", "document") else {}
    written = await stack.write(
        "whatsapp", type=kind, media={"size": 3000, "seed": kind, "filename": "preuve.pdf"}, **extra
    )

    message = await stack.message("whatsapp", written["message_id"])

    assert isinstance(message.content, MediaContent)
    media = message.content.media
    assert media.kind is media_kind and media.mime_type == mime
    assert media.media_id == written["media_id"] and media.url is None
    sent = written["payload"]["entry"][0]["changes"][0]["value"]["messages"][0][kind]
    assert media.sha256 == base64.b64decode(sent["sha256"]).hex()
    assert message.content.caption == extra.get("caption")
    assert media.filename == ("preuve.pdf" if kind == "document" else None)


@pytest.mark.parametrize(
    ("message", "what", "detail"),
    [
        ({"type": "sticker"}, UnsupportedKind.STICKER, "sticker"),
        ({"type": "location"}, UnsupportedKind.LOCATION, "location"),
        ({"type": "contacts"}, UnsupportedKind.CONTACTS, "contacts"),
        ({"type": "unsupported", "unsupported_type": "call"}, UnsupportedKind.CALL, "call"),
        ({"type": "unsupported", "unsupported_type": "poll"}, UnsupportedKind.OTHER, "poll"),
        ({"type": "unsupported"}, UnsupportedKind.OTHER, "unknown"),
    ],
)
async def test_what_the_helpline_cannot_read_is_recorded_as_such(
    stack: Stack, message: dict[str, str], what: UnsupportedKind, detail: str
) -> None:
    written = await stack.write("whatsapp", **message)

    parsed = await stack.message("whatsapp", written["message_id"])

    assert parsed.content == UnsupportedContent(what=what, detail=detail)


async def test_a_batch_gives_every_message_of_every_entry_in_order(stack: Stack) -> None:
    batch = await stack.write_batch(
        "whatsapp",
        [
            {"text": "un"},
            {"from": "33698765432", "text": "deux", "name": "Sam"},
            {"type": "image"},
            {"type": "sticker"},
        ],
    )

    for message_id in batch["message_ids"]:
        await stack.message("whatsapp", message_id)
    [(_, parsed)] = stack.door.batches
    assert [m.message_id for m in parsed.messages] == batch["message_ids"]
    assert [m.sender for m in parsed.messages] == [WA_ID, "33698765432", WA_ID, WA_ID]
    assert parsed.messages[1].sender_name == "Sam"
    assert [m.content.type for m in parsed.messages] == ["text", "text", "media", "unsupported"]


async def test_parsing_is_pure_the_same_bytes_give_the_same_events(stack: Stack) -> None:
    written = await stack.write("whatsapp", type="image", caption="capture")
    await stack.message("whatsapp", written["message_id"])
    _, body, _ = stack.door.bodies[0]
    channel = stack.channel("whatsapp")

    assert channel.parse_webhook(body) == channel.parse_webhook(body) == stack.door.batches[0][1]


async def test_a_reply_button_tapped_is_a_choice_with_its_id_and_title(stack: Stack) -> None:
    written = await stack.write(
        "whatsapp", type="interactive", choice_id="news.m0123.yes", text="Oui, prévenez-moi"
    )
    entry = written["payload"]["entry"][0]["changes"][0]["value"]["messages"][0]
    assert entry["type"] == "interactive"
    assert entry["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "news.m0123.yes", "title": "Oui, prévenez-moi"},
    }

    message = await stack.message("whatsapp", written["message_id"])

    assert message.content == ChoiceContent(choice_id="news.m0123.yes", title="Oui, prévenez-moi")
