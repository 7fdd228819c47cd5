"""Every kind of message a young person can send on Messenger, as the simulator posts
it (Meta's exact bodies, signed), parsed into channel events by the built-in adapter."""

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
from tests.channels.stack import PAGE_ID, PSID, Stack


async def test_a_text_with_who_wrote_to_which_page_and_when(stack: Stack) -> None:
    written = await stack.write(
        "messenger", text="quelqu'un publie mes photos", sent_at="2026-03-01T10:00:00.250Z"
    )

    message = await stack.message("messenger", written["message_id"])

    assert message.message_id.startswith("m_")
    assert message.sender == PSID and message.sender_name is None
    assert message.business_id == PAGE_ID
    assert message.sent_at == datetime(2026, 3, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert message.content == TextContent(text="quelqu'un publie mes photos")


@pytest.mark.parametrize(
    ("kind", "media_kind"),
    [
        ("image", ChannelMediaKind.IMAGE),
        ("video", ChannelMediaKind.VIDEO),
        ("audio", ChannelMediaKind.AUDIO),
        ("file", ChannelMediaKind.DOCUMENT),
    ],
)
async def test_an_attachment_arrives_as_its_signed_url(
    stack: Stack, kind: str, media_kind: ChannelMediaKind
) -> None:
    written = await stack.write("messenger", type=kind)

    message = await stack.message("messenger", written["message_id"])

    assert isinstance(message.content, MediaContent)
    media = message.content.media
    assert media.kind is media_kind and media.media_id is None
    assert media.url is not None and media.url.startswith(f"{stack.sim_url}/messenger_cdn/")
    assert media.mime_type is None and media.size is None  # Messenger says neither


@pytest.mark.parametrize(
    ("kind", "what", "detail"),
    [
        ("sticker", UnsupportedKind.STICKER, "sticker"),
        ("location", UnsupportedKind.LOCATION, "location"),
        ("fallback", UnsupportedKind.OTHER, "fallback"),
    ],
)
async def test_what_the_helpline_cannot_read_is_recorded_as_such(
    stack: Stack, kind: str, what: UnsupportedKind, detail: str
) -> None:
    written = await stack.write("messenger", type=kind)

    message = await stack.message("messenger", written["message_id"])

    assert message.content == UnsupportedContent(what=what, detail=detail)


async def test_a_batch_gives_every_event_of_every_entry_in_order(stack: Stack) -> None:
    batch = await stack.write_batch(
        "messenger",
        [{"text": "un"}, {"from": "7100000000000099", "text": "deux"}, {"type": "image"}],
    )

    for message_id in batch["message_ids"]:
        await stack.message("messenger", message_id)
    [(_, parsed)] = stack.door.batches
    assert [m.message_id for m in parsed.messages] == batch["message_ids"]
    assert [m.sender for m in parsed.messages] == [PSID, "7100000000000099", PSID]
    assert [m.content.type for m in parsed.messages] == ["text", "text", "media"]


def test_several_attachments_in_one_message_keep_stable_ids(stack: Stack) -> None:
    """Messenger may put several files in one message (the simulator sends one): each
    becomes a message of its own, the first keeping the mid."""
    body = (
        b'{"object":"page","entry":[{"id":"120000000003018","time":1767225600000,"messaging":'
        b'[{"sender":{"id":"7100000000000042"},"recipient":{"id":"120000000003018"},'
        b'"timestamp":1767225600000,"message":{"mid":"m_1","attachments":['
        b'{"type":"image","payload":{"url":"https://cdn.example/a"}},'
        b'{"type":"file","payload":{"url":"https://cdn.example/b"}},'
        b'{"type":"location","payload":{"coordinates":{"lat":1,"long":2}}}]}},'
        b'{"sender":{"id":"7100000000000042"},"recipient":{"id":"120000000003018"},'
        b'"timestamp":1767225600001,"postback":{"title":"Commencer","payload":"START"}}]}]}'
    )

    batch = stack.channel("messenger").parse_webhook(body)

    assert [m.message_id for m in batch.messages] == ["m_1", "m_1#2", "m_1#3"]
    assert [m.content.type for m in batch.messages] == ["media", "media", "unsupported"]
    # each file knows its message and place in it: a fresh URL is asked for from them
    where = [
        (m.content.media.message_id, m.content.media.position)
        for m in batch.messages
        if isinstance(m.content, MediaContent)
    ]
    assert where == [("m_1", 0), ("m_1", 1)]
    assert batch.ignored == ["event 'postback'"]


async def test_a_quick_reply_tapped_is_a_choice_not_a_text(stack: Stack) -> None:
    written = await stack.write(
        "messenger", type="quick_reply", choice_id="news.m0123.no", text="Non merci"
    )
    event = written["payload"]["entry"][0]["messaging"][0]
    assert event["message"]["quick_reply"] == {"payload": "news.m0123.no"}
    assert event["message"]["text"] == "Non merci"

    message = await stack.message("messenger", written["message_id"])

    assert message.content == ChoiceContent(choice_id="news.m0123.no", title="Non merci")
