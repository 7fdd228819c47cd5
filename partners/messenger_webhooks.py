"""The Messenger Platform's webhook bodies as channel events.

``{"object": "page", "entry": [{"id": <page>, "time", "messaging": [<event>]}]}``, an
event being a young person's message (``sender`` = their PSID, ``recipient`` = the
page, ``message: {mid, text | attachments}``; a quick reply tapped adds
``quick_reply: {payload}`` to its text), a ``delivery`` (``mids``, ``watermark``),
a ``read`` (``watermark``) or an echo of what the page sent (``message.is_echo``, with
Relais' key in ``metadata``). Times are milliseconds. Every entry and event is read.

A message with several attachments becomes one message per attachment: the first
keeps the ``mid``, the next ones ``<mid>#2``, ``<mid>#3``..., so the ids stay stable.
"""

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from domain.channel_messages import (
    ChannelDeliveryState,
    ChannelEvent,
    ChannelMediaKind,
    ChannelStatusUpdate,
    ChoiceContent,
    InboundBatch,
    InboundChannelMessage,
    InboundContent,
    MediaContent,
    MediaReference,
    TextContent,
    UnsupportedContent,
    UnsupportedKind,
)
from partners.channel_errors import WebhookMalformed, WebhookUnknownRecipient
from partners.channel_webhooks import malformed, webhook_json

MEDIA_KINDS = {
    "image": ChannelMediaKind.IMAGE,
    "video": ChannelMediaKind.VIDEO,
    "audio": ChannelMediaKind.AUDIO,
    "file": ChannelMediaKind.DOCUMENT,
}


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Party(_Wire):
    id: str


class _Attachment(_Wire):
    type: str
    payload: dict[str, Any] | None = None


class _Message(_Wire):
    mid: str
    text: str | None = None
    attachments: list[_Attachment] = []
    sticker_id: int | None = None
    is_echo: bool = False
    metadata: str | None = None
    quick_reply: dict[str, Any] | None = None


class _Delivery(_Wire):
    mids: list[str] = []
    watermark: int


class _Read(_Wire):
    watermark: int


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow")  # the other event kinds are named, not read

    sender: _Party
    recipient: _Party
    timestamp: int | None = None
    message: _Message | None = None
    delivery: _Delivery | None = None
    read: _Read | None = None


class _Entry(_Wire):
    id: str
    time: int | None = None
    messaging: list[dict[str, Any]] = []


class _Body(_Wire):
    object: str
    entry: list[_Entry]


def parse(body: bytes, slug: str, page_ids: Collection[str]) -> InboundBatch:
    data = webhook_json(body)
    try:
        envelope = _Body.model_validate(data)
    except ValidationError as exc:
        raise malformed(exc, "messenger webhook") from None
    if envelope.object != "page":
        raise WebhookMalformed("not a Messenger (page) webhook")
    events: list[tuple[_Entry, _Event]] = []
    ignored: list[str] = []
    for e, entry in enumerate(envelope.entry):
        if not entry.messaging:
            ignored.append("entry without messaging (changes)")
        for m, raw in enumerate(entry.messaging):
            try:
                events.append((entry, _Event.model_validate(raw)))
            except ValidationError as exc:
                raise malformed(exc, f"messenger webhook entry.{e}.messaging.{m}") from None
    pages = {_page_of(event) for _, event in events} | {entry.id for entry, _ in events}
    if not pages <= set(page_ids):  # refused whole: nothing of a misrouted body is stored
        raise WebhookUnknownRecipient("addressed to a page this channel does not serve")
    batch = InboundBatch(ignored=ignored)
    for entry, event in events:
        found = _events(event, entry, slug)
        if not found:
            batch.ignored.append(f"event '{_kind_of(event)}'")
        batch.events.extend(found)
    return batch


def _page_of(event: _Event) -> str:
    echo = event.message is not None and event.message.is_echo
    return event.sender.id if echo else event.recipient.id


def _kind_of(event: _Event) -> str:
    for name in ("message", "delivery", "read"):
        if getattr(event, name) is not None:
            return name
    extra = sorted(set(event.model_extra or {}) - {"sender", "recipient", "timestamp"})
    return extra[0][:40] if extra else "unknown"


def _events(event: _Event, entry: _Entry, slug: str) -> list[ChannelEvent]:
    page = _page_of(event)
    stamp = event.timestamp if event.timestamp is not None else entry.time
    if event.message is not None and event.message.is_echo:
        return [
            ChannelStatusUpdate(
                channel=slug,
                business_id=page,
                recipient=event.recipient.id,
                state=ChannelDeliveryState.SENT,
                message_ids=[event.message.mid],
                reference=event.message.metadata,
                at=_time(stamp),
            )
        ]
    if event.message is not None:
        return list(_messages(event, event.message, page, slug, _time(stamp)))
    if event.delivery is not None or event.read is not None:
        mark = event.delivery or event.read
        assert mark is not None
        watermark = _time(mark.watermark)
        return [
            ChannelStatusUpdate(
                channel=slug,
                business_id=page,
                recipient=event.sender.id,
                state=ChannelDeliveryState.DELIVERED
                if event.delivery
                else ChannelDeliveryState.READ,
                message_ids=list(event.delivery.mids) if event.delivery else [],
                at=_time(stamp) if stamp is not None else watermark,
                up_to=watermark,
            )
        ]
    return []  # postbacks, reactions, optins, referrals: not messages


def _messages(
    event: _Event, message: _Message, page: str, slug: str, at: datetime
) -> list[InboundChannelMessage]:
    contents: list[InboundContent] = []
    if message.sticker_id is not None:
        contents.append(UnsupportedContent(what=UnsupportedKind.STICKER, detail="sticker"))
    elif message.quick_reply is not None and isinstance(message.quick_reply.get("payload"), str):
        # a quick reply tapped: its title comes as the text, its payload beside it
        payload: str = message.quick_reply["payload"]
        contents.append(ChoiceContent(choice_id=payload[:1000], title=(message.text or "")[:256]))
    else:
        if message.text is not None:
            contents.append(TextContent(text=message.text))
        contents.extend(_attachment(a, message.mid, n) for n, a in enumerate(message.attachments))
    if not contents:
        contents.append(UnsupportedContent(what=UnsupportedKind.OTHER, detail="empty"))
    return [
        InboundChannelMessage(
            channel=slug,
            message_id=message.mid if n == 0 else f"{message.mid}#{n + 1}",
            sender=event.sender.id,
            business_id=page,
            sent_at=at,
            content=content,
        )
        for n, content in enumerate(contents)
    ]


def _attachment(attachment: _Attachment, mid: str, position: int) -> InboundContent:
    payload = attachment.payload or {}
    url = payload.get("url")
    if attachment.type in MEDIA_KINDS and isinstance(url, str) and url:
        kind = MEDIA_KINDS[attachment.type]
        reference = MediaReference(kind=kind, url=url, message_id=mid, position=position)
        return MediaContent(media=reference)
    if attachment.type == "location":
        return UnsupportedContent(what=UnsupportedKind.LOCATION, detail="location")
    return UnsupportedContent(what=UnsupportedKind.OTHER, detail=attachment.type[:64])


def _time(millis: int | None) -> datetime:
    if millis is None:
        raise WebhookMalformed("an event has no timestamp")
    try:
        return datetime.fromtimestamp(millis / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        raise WebhookMalformed("a timestamp is not milliseconds since the epoch") from None
