"""Media a young person sent, fetched as a bounded byte stream: WhatsApp in Meta's two
steps (the media id for a short-lived URL, then the URL, both with the token),
Messenger at the webhook's signed CDN URL; over the limit, nothing more is read."""

import hashlib
from collections.abc import AsyncIterator

import pytest

from domain.channel_messages import ChannelMediaKind, MediaContent, MediaReference
from partners.channel_errors import MediaGoneError, MediaTooLargeError, OutcomeUnknownError
from partners.channel_media import MediaStream
from partners.errors import PermanentAdapterError, TransientAdapterError
from tests.channels.stack import Stack

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


async def media_of(stack: Stack, channel: str, **message: object) -> MediaReference:
    written = await stack.write(channel, **message)
    parsed = await stack.message(channel, written["message_id"])
    assert isinstance(parsed.content, MediaContent)
    return parsed.content.media


async def upload(stack: Stack, content: bytes, mime: str = "image/png") -> str:
    answer = await stack.sim.post(
        "/_control/meta/media?filename=capture.png", content=content, headers={"Content-Type": mime}
    )
    assert answer.status_code == 201, answer.text
    media_id: str = answer.json()["id"]
    return media_id


async def test_whatsapp_media_by_id_then_url_with_the_token(stack: Stack) -> None:
    media_id = await upload(stack, SCREENSHOT)
    reference = await media_of(stack, "whatsapp", type="image", media_id=media_id)
    channel = stack.channel("whatsapp")

    async with channel.fetch_media(reference, max_bytes=1_000_000) as media:
        assert media.mime_type == "image/png" and media.size == len(SCREENSHOT)
        content = await media.read()

    assert content == SCREENSHOT
    assert hashlib.sha256(content).hexdigest() == reference.sha256
    kinds = [r["kind"] for r in await stack.get("/_control/meta/requests", channel="whatsapp")]
    assert kinds == ["media_info", "media_download"]


async def test_whatsapp_media_over_the_limit_is_refused_before_the_download(stack: Stack) -> None:
    reference = await media_of(stack, "whatsapp", type="video", media={"size": 50_000})
    channel = stack.channel("whatsapp")

    with pytest.raises(MediaTooLargeError, match="50000 bytes"):
        async with channel.fetch_media(reference, max_bytes=10_000):
            pass
    kinds = [r["kind"] for r in await stack.get("/_control/meta/requests", channel="whatsapp")]
    assert kinds == ["media_info"]

    known = reference.model_copy(update={"size": 50_000})
    with pytest.raises(MediaTooLargeError):
        async with channel.fetch_media(known, max_bytes=10_000):
            pass
    assert len(await stack.get("/_control/meta/requests", channel="whatsapp")) == 1


async def test_messenger_media_at_the_signed_url_of_its_webhook(stack: Stack) -> None:
    media_id = await upload(stack, SCREENSHOT)
    reference = await media_of(stack, "messenger", type="image", media_id=media_id)
    channel = stack.channel("messenger")

    async with channel.fetch_media(reference, max_bytes=1_000_000) as media:
        assert media.mime_type == "image/png"
        chunks = [chunk async for chunk in media]

    assert b"".join(chunks) == SCREENSHOT

    with pytest.raises(MediaTooLargeError):
        async with channel.fetch_media(reference, max_bytes=1000) as media:
            await media.read()


async def test_a_tampered_url_or_an_unknown_media_id_is_gone(stack: Stack) -> None:
    reference = await media_of(stack, "messenger", type="file")
    assert reference.url is not None
    tampered = reference.model_copy(
        update={"url": reference.url.replace("oh=", "oh=0"), "message_id": None}
    )
    unknown = MediaReference(kind=ChannelMediaKind.IMAGE, media_id="1234567890123456")

    with pytest.raises(MediaGoneError):  # Meta's CDN: 403, no Graph code
        async with stack.channel("messenger").fetch_media(tampered, max_bytes=10**6):
            pass
    with pytest.raises(MediaGoneError, match="no longer has"):  # 100/33: unknown object
        async with stack.channel("whatsapp").fetch_media(unknown, max_bytes=10**6):
            pass


async def test_an_expired_messenger_url_is_asked_for_again(stack: Stack) -> None:
    media_id = await upload(stack, SCREENSHOT)
    reference = await media_of(stack, "messenger", type="image", media_id=media_id)
    assert reference.message_id is not None and reference.position == 0
    expired = await stack.sim.post(f"/_control/meta/media/{media_id}/expire-urls")
    assert expired.status_code == 200, expired.text

    async with stack.channel("messenger").fetch_media(reference, max_bytes=10**6) as media:
        assert await media.read() == SCREENSHOT
    calls = await stack.get("/_control/meta/requests", channel="messenger")
    seen = [(r["kind"], r["status"]) for r in calls]
    assert seen == [
        ("media_download", 403),  # the webhook's URL, expired
        ("message_attachments", 200),  # the message's files, a fresh URL
        ("media_download", 200),
    ]
    deleted = await stack.sim.delete(f"/_control/meta/media/{media_id}")
    assert deleted.status_code == 204
    with pytest.raises(MediaGoneError):  # the fresh URL no longer serves, nor the message
        async with stack.channel("messenger").fetch_media(reference, max_bytes=10**6):
            pass
    calls = await stack.get("/_control/meta/requests", channel="messenger")
    assert [(r["kind"], r["status"]) for r in calls][3:] == [
        ("media_download", 403),
        ("message_attachments", 400),
    ]


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
async def test_a_media_meta_no_longer_keeps_is_gone(stack: Stack, channel: str) -> None:
    media_id = await upload(stack, SCREENSHOT)
    reference = await media_of(stack, channel, type="image", media_id=media_id)
    deleted = await stack.sim.delete(f"/_control/meta/media/{media_id}")
    assert deleted.status_code == 204

    with pytest.raises(MediaGoneError):
        async with stack.channel(channel).fetch_media(reference, max_bytes=10**6):
            pass
    assert (await stack.sim.delete(f"/_control/meta/media/{media_id}")).status_code == 404


async def test_a_failing_media_lookup_is_transient_and_creates_nothing(stack: Stack) -> None:
    reference = await media_of(stack, "whatsapp", type="audio")
    await stack.configure("whatsapp", faults_on="get", fail_next=1)

    with pytest.raises(TransientAdapterError) as caught:
        async with stack.channel("whatsapp").fetch_media(reference, max_bytes=10**6):
            pass
    assert not isinstance(caught.value, OutcomeUnknownError)  # a GET: nothing was sent
    async with stack.channel("whatsapp").fetch_media(reference, max_bytes=10**6) as media:
        assert len(await media.read()) == 20_000


async def test_the_web_chat_has_no_media_to_fetch(stack: Stack) -> None:
    reference = MediaReference(kind=ChannelMediaKind.IMAGE, url="https://3018.fr/x.png")
    with pytest.raises(PermanentAdapterError, match="no media"):
        async with stack.channel("webchat").fetch_media(reference, max_bytes=10):
            pass


async def test_a_stream_without_a_size_stops_at_the_limit() -> None:
    handed: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for n in range(100):
            handed.append(n)
            yield b"x" * 1000

    stream = MediaStream(endless(), mime_type=None, size=None, max_bytes=2500)
    received: list[bytes] = []
    with pytest.raises(MediaTooLargeError):
        async for chunk in stream:
            received.append(chunk)

    assert sum(map(len, received)) == 2000  # the chunk that passes the limit is not handed over
    assert len(handed) == 3
