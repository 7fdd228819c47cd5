"""The WhatsApp Cloud API's webhook bodies (field ``messages``) as channel events.

``{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id"}, "contacts", "messages" |
"statuses"}}]}]}``: every entry, change, message and status is read (Meta batches them).
Parsing is pure: the same bytes give the same events, so a replayed or duplicated
webhook gives ids the door already has. A reply button tapped (``type: "interactive"``,
``interactive.button_reply {id, title}``) is a :class:`ChoiceContent`.
"""

import base64
import binascii
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
from partners.meta_errors import failure_of

MEDIA_KINDS = {
    "image": ChannelMediaKind.IMAGE,
    "document": ChannelMediaKind.DOCUMENT,
    "audio": ChannelMediaKind.AUDIO,
    "video": ChannelMediaKind.VIDEO,
}
UNSUPPORTED = {
    "sticker": UnsupportedKind.STICKER,
    "location": UnsupportedKind.LOCATION,
    "contacts": UnsupportedKind.CONTACTS,
}
STATES = {s.value: s for s in ChannelDeliveryState}


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Media(_Wire):
    id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None


class _Message(_Wire):
    sender: str = Field(alias="from")
    id: str
    timestamp: str
    type: str
    text: dict[str, Any] | None = None
    unsupported: dict[str, Any] | None = None
    interactive: dict[str, Any] | None = None
    button: dict[str, Any] | None = None


class _Status(_Wire):
    id: str
    status: str
    timestamp: str
    recipient_id: str
    biz_opaque_callback_data: str | None = None
    errors: list[dict[str, Any]] = []


class _Contact(_Wire):
    wa_id: str
    profile: dict[str, Any] = {}


class _Metadata(_Wire):
    phone_number_id: str


class _Value(_Wire):
    metadata: _Metadata
    contacts: list[_Contact] = []
    messages: list[dict[str, Any]] = []
    statuses: list[_Status] = []


class _Change(_Wire):
    field: str
    value: dict[str, Any]


class _Entry(_Wire):
    id: str
    changes: list[_Change] = []


class _Body(_Wire):
    object: str
    entry: list[_Entry]


def parse(body: bytes, slug: str, phone_number_ids: Collection[str]) -> InboundBatch:
    data = webhook_json(body)
    try:
        envelope = _Body.model_validate(data)
    except ValidationError as exc:
        raise malformed(exc, "whatsapp webhook") from None
    if envelope.object != "whatsapp_business_account":
        raise WebhookMalformed("not a WhatsApp Business Account webhook")
    batch = InboundBatch()
    values: list[_Value] = []
    for e, entry in enumerate(envelope.entry):
        for c, change in enumerate(entry.changes):
            if change.field != "messages":
                batch.ignored.append(f"change '{change.field}'")
                continue
            try:
                values.append(_Value.model_validate(change.value))
            except ValidationError as exc:
                raise malformed(exc, f"whatsapp webhook entry.{e}.changes.{c}.value") from None
    unknown = {v.metadata.phone_number_id for v in values} - set(phone_number_ids)
    if unknown:  # refused whole: nothing of a misrouted body is stored
        raise WebhookUnknownRecipient("addressed to a phone number id this channel does not serve")
    for value in values:
        batch.events.extend(_events(value, slug, batch.ignored))
    return batch


def _events(value: _Value, slug: str, ignored: list[str]) -> list[ChannelEvent]:
    business = value.metadata.phone_number_id
    names = {c.wa_id: c.profile.get("name") for c in value.contacts}
    events: list[ChannelEvent] = []
    for raw in value.messages:
        try:
            message = _Message.model_validate(raw)
        except ValidationError as exc:
            raise malformed(exc, "whatsapp message") from None
        name = names.get(message.sender)
        events.append(
            InboundChannelMessage(
                channel=slug,
                message_id=message.id,
                sender=message.sender,
                sender_name=name if isinstance(name, str) and name else None,
                business_id=business,
                sent_at=_time(message.timestamp),
                content=_content(message, raw),
            )
        )
    for status in value.statuses:
        state = STATES.get(status.status)
        if state is None:  # "deleted", "warning": nothing Relais tracks
            ignored.append(f"status '{status.status}'")
            continue
        failure = None
        if state is ChannelDeliveryState.FAILED:
            failure = failure_of(status.errors[0] if status.errors else None)
        events.append(
            ChannelStatusUpdate(
                channel=slug,
                business_id=business,
                recipient=status.recipient_id,
                state=state,
                message_ids=[status.id],
                reference=status.biz_opaque_callback_data,
                at=_time(status.timestamp),
                failure=failure,
            )
        )
    return events


def _content(message: _Message, raw: dict[str, Any]) -> InboundContent:
    kind = message.type
    if kind == "text" and message.text is not None:
        return TextContent(text=str(message.text.get("body", "")))
    if kind in MEDIA_KINDS:
        try:
            media = _Media.model_validate(raw.get(kind))
        except ValidationError as exc:
            raise malformed(exc, f"whatsapp {kind} message") from None
        reference = MediaReference(
            kind=MEDIA_KINDS[kind],
            media_id=media.id,
            mime_type=media.mime_type,
            sha256=_hex(media.sha256),
            filename=media.filename,
        )
        return MediaContent(media=reference, caption=media.caption)
    if kind in UNSUPPORTED:
        return UnsupportedContent(what=UNSUPPORTED[kind], detail=kind)
    choice = _choice(message)
    if choice is not None:
        return choice
    detail = kind
    if kind == "unsupported" and message.unsupported is not None:
        detail = str(message.unsupported.get("type") or "unknown")
    what = UnsupportedKind.CALL if detail == "call" else UnsupportedKind.OTHER
    return UnsupportedContent(what=what, detail=detail[:64])


def _choice(message: _Message) -> ChoiceContent | None:
    """A reply button tapped (``interactive.button_reply {id, title}``), a list row
    chosen (``list_reply``) or a template's quick-reply button (``button {payload,
    text}``); None for any other interactive reply (it is then unsupported)."""
    if message.type == "interactive" and message.interactive is not None:
        reply = message.interactive.get(str(message.interactive.get("type")))
        if message.interactive.get("type") in ("button_reply", "list_reply") and isinstance(
            reply, dict
        ):
            return _choice_of(reply.get("id"), reply.get("title"))
    if message.type == "button" and message.button is not None:
        return _choice_of(message.button.get("payload"), message.button.get("text"))
    return None


def _choice_of(choice: Any, title: Any) -> ChoiceContent | None:
    if not isinstance(choice, str) or not choice:
        return None
    return ChoiceContent(
        choice_id=choice[:1000], title=title[:256] if isinstance(title, str) else ""
    )


def _time(stamp: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(stamp), UTC)
    except (ValueError, OverflowError, OSError):
        raise WebhookMalformed("a timestamp is not Unix seconds") from None


def _hex(sha256_b64: str | None) -> str | None:
    """Webhooks give the SHA-256 in base64; the media endpoint in hex: keep hex."""
    if not sha256_b64:
        return None
    try:
        digest = base64.b64decode(sha256_b64, validate=True)
    except (binascii.Error, ValueError):
        return None
    return digest.hex() if len(digest) == 32 else None
