"""The WhatsApp Cloud API's webhook bodies (field ``messages``), as Meta posts them.

``{"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "changes": [{"value":
{"messaging_product": "whatsapp", "metadata": {"display_phone_number", "phone_number_id"},
"contacts": [...], "messages": [...]} or {..., "statuses": [...]}, "field": "messages"}]}]}``
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from simulator.meta.errors import GraphError
from simulator.meta.state import MediaItem, SentMessage

MEDIA_TYPES = frozenset({"image", "document", "audio", "video", "sticker"})
CAPTIONED = frozenset({"image", "document", "video"})
INBOUND_TYPES = MEDIA_TYPES | {"text", "location", "contacts", "unsupported", "interactive"}


def _stamp(at: datetime) -> str:
    return str(int(at.timestamp()))


def envelope(
    waba_id: str, phone_number_id: str, display: str, value: dict[str, Any]
) -> dict[str, Any]:
    metadata = {"display_phone_number": display, "phone_number_id": phone_number_id}
    full_value = {"messaging_product": "whatsapp", "metadata": metadata, **value}
    change = {"value": full_value, "field": "messages"}
    return {"object": "whatsapp_business_account", "entry": [{"id": waba_id, "changes": [change]}]}


def message(
    kind: str,
    *,
    wa_id: str,
    message_id: str,
    at: datetime,
    text: str | None = None,
    media: MediaItem | None = None,
    caption: str | None = None,
    unsupported_type: str | None = None,
    choice_id: str | None = None,
    context: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One entry of ``value.messages``, of the type a young person sent (``interactive``:
    a reply button tapped, ``context`` naming the message it was under)."""
    body: dict[str, Any] = {"from": wa_id, "id": message_id, "timestamp": _stamp(at)}
    if context is not None:
        body["context"] = context
    if kind == "interactive":
        reply = {"id": choice_id or "", "title": text or ""}
        body["interactive"] = {"type": "button_reply", "button_reply": reply}
    elif kind == "text":
        body["text"] = {"body": text or ""}
    elif kind in MEDIA_TYPES and media is not None:
        item: dict[str, Any] = {"mime_type": media.mime_type, "sha256": media.sha256_b64}
        item["id"] = media.id
        if caption is not None and kind in CAPTIONED:
            item["caption"] = caption
        if kind == "document":
            item["filename"] = media.filename or "document"
        if kind == "audio":
            item["voice"] = False
        if kind == "sticker":
            item["animated"] = False
        body[kind] = item
    elif kind == "location":
        body["location"] = {"latitude": 48.8566, "longitude": 2.3522}
    elif kind == "contacts":
        body["contacts"] = [
            {
                "name": {"first_name": "Alex", "formatted_name": "Alex"},
                "phones": [{"phone": "+33 6 00 00 00 00", "type": "CELL"}],
            }
        ]
    elif kind == "unsupported":
        body["errors"] = [
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ]
        body["unsupported"] = {"type": unsupported_type or "unknown"}
    body["type"] = kind
    return body


def inbound(
    waba_id: str, phone_number_id: str, display: str, name: str, entry: dict[str, Any]
) -> dict[str, Any]:
    contact = {"profile": {"name": name}, "wa_id": entry["from"]}
    return envelope(waba_id, phone_number_id, display, {"contacts": [contact], "messages": [entry]})


def status(
    waba_id: str,
    display: str,
    sent: SentMessage,
    status_name: str,
    at: datetime,
    window_ends: datetime | None,
    failure: GraphError | None = None,
) -> dict[str, Any]:
    """A ``statuses`` webhook for a message Relais sent: sent, delivered, read or failed."""
    item: dict[str, Any] = {
        "id": sent.message_id,
        "status": status_name,
        "timestamp": _stamp(at),
        "recipient_id": sent.user,
    }
    if sent.reference is not None:
        item["biz_opaque_callback_data"] = sent.reference
    if failure is not None:
        item["errors"] = [failure.webhook_entry()]
    else:
        category = "utility" if sent.type == "template" else "service"
        conversation: dict[str, Any] = {"id": f"conv-{sent.business}-{sent.user}"}
        if status_name == "sent" and window_ends is not None:
            conversation["expiration_timestamp"] = _stamp(window_ends)
        conversation["origin"] = {"type": category}
        item["conversation"] = conversation
        item["pricing"] = {
            "billable": category != "service",
            "pricing_model": "PMP",
            "category": category,
            "type": "regular" if category != "service" else "free_customer_service",
        }
    return envelope(waba_id, sent.business, display, {"statuses": [item]})


def window_end(last_inbound: datetime | None, seconds: float) -> datetime | None:
    return None if last_inbound is None else last_inbound + timedelta(seconds=seconds)
