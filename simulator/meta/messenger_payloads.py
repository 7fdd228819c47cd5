"""The Messenger Platform's webhook bodies, as Meta posts them.

``{"object": "page", "entry": [{"id": <page id>, "time": <ms>, "messaging": [<event>]}]}``
where an event is a message (``sender.id`` = the PSID, ``recipient.id`` = the page,
``message: {mid, text | attachments}``), a delivery (``delivery: {mids, watermark}``), a
read (``read: {watermark}``) or an echo of what the page sent (``message.is_echo``).
Times are milliseconds since the epoch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.meta.state import SentMessage

ATTACHMENT_TYPES = frozenset({"image", "video", "audio", "file"})
INBOUND_TYPES = ATTACHMENT_TYPES | {"text", "sticker", "location", "fallback", "quick_reply"}
LIKE_STICKER_ID = 369239263222822  # the thumbs-up Messenger sends as a sticker


def millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def envelope(page_id: str, at: datetime, event: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": page_id, "time": millis(at), "messaging": [event]}]}


def message(
    kind: str,
    *,
    page_id: str,
    psid: str,
    mid: str,
    at: datetime,
    text: str | None = None,
    url: str | None = None,
    choice_id: str | None = None,
) -> dict[str, Any]:
    """A young person's message event, of the type they sent (``quick_reply``: a quick
    reply tapped: its title as the text, its payload beside it)."""
    content: dict[str, Any] = {"mid": mid}
    if kind == "text":
        content["text"] = text or ""
    elif kind == "quick_reply":
        content["text"] = text or ""
        content["quick_reply"] = {"payload": choice_id or ""}
    elif kind in ATTACHMENT_TYPES:
        content["attachments"] = [{"type": kind, "payload": {"url": url}}]
    elif kind == "sticker":
        content["sticker_id"] = LIKE_STICKER_ID
        payload = {"url": url, "sticker_id": LIKE_STICKER_ID}
        content["attachments"] = [{"type": "image", "payload": payload}]
    elif kind == "location":
        coordinates = {"lat": 48.8566, "long": 2.3522}
        content["attachments"] = [{"type": "location", "payload": {"coordinates": coordinates}}]
    elif kind == "fallback":
        payload = {"url": "https://example.org/shared-link", "title": "A shared link"}
        content["attachments"] = [{"type": "fallback", "payload": payload}]
    event = {"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": millis(at)}
    return event | {"message": content}


def delivery(page_id: str, psid: str, mid: str, at: datetime) -> dict[str, Any]:
    event = {"sender": {"id": psid}, "recipient": {"id": page_id}}
    return event | {"delivery": {"mids": [mid], "watermark": millis(at)}}


def read(page_id: str, psid: str, at: datetime) -> dict[str, Any]:
    event = {"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": millis(at)}
    return event | {"read": {"watermark": millis(at)}}


def echo(page_id: str, app_id: str, sent: SentMessage, at: datetime) -> dict[str, Any]:
    """What the page sent, echoed (``message_echoes``): carries ``metadata``."""
    content: dict[str, Any] = {"is_echo": True, "app_id": int(app_id)}
    if sent.reference is not None:
        content["metadata"] = sent.reference
    content["mid"] = sent.message_id
    if sent.text is not None:
        content["text"] = sent.text
    if sent.media is not None:
        content["attachments"] = [sent.media]
    event = {"sender": {"id": page_id}, "recipient": {"id": sent.user}, "timestamp": millis(at)}
    return event | {"message": content}
