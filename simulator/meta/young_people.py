"""Simulated young people writing to the helpline on WhatsApp or Messenger.

``POST /_control/meta/{channel}/inbound`` makes one write: the simulator builds Meta's
exact webhook body, signs it with the channel's app secret and posts it to Relais
(retrying until a 200), and the young person's conversation window opens.
``/replay`` re-sends a message's captured request byte for byte (same signature: Meta's
has no timestamp), and ``/verify`` plays Meta's subscription handshake against Relais.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.basics import now_utc
from simulator.meta import journal, messenger_payloads, outbox, whatsapp_payloads
from simulator.meta.config import Channel
from simulator.meta.delivery import client, encode, queue, webhook_url
from simulator.meta.host import SimulatorState, StateDep
from simulator.meta.media import messenger_url, new_media, public_base
from simulator.meta.signing import signature_256
from simulator.meta.state import InboundMessage, MediaItem, WebhookAttempt

router = APIRouter(prefix="/_control/meta", tags=["control: meta"])

DEFAULT_MIME = {
    "image": "image/jpeg",
    "document": "application/pdf",
    "file": "application/pdf",
    "audio": "audio/ogg",
    "video": "video/mp4",
    "sticker": "image/webp",
}
MEDIA_KINDS = {
    Channel.WHATSAPP: whatsapp_payloads.MEDIA_TYPES,
    Channel.MESSENGER: messenger_payloads.ATTACHMENT_TYPES | {"sticker"},
}
KINDS = {
    Channel.WHATSAPP: whatsapp_payloads.INBOUND_TYPES,
    Channel.MESSENGER: messenger_payloads.INBOUND_TYPES,
}


class MediaSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mime_type: str | None = Field(default=None, pattern=r"^[a-z]+/[a-z0-9.+\-]+$")
    size: int = Field(default=20_000, ge=1, le=100 * 1024 * 1024)
    seed: str | None = Field(default=None, max_length=200)
    filename: str | None = Field(default=None, max_length=240)


class InboundRequest(BaseModel):
    """A young person's message: who writes to which number/page, and what."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from", pattern=r"^\d{1,30}$", description="wa_id or PSID")
    to: str | None = Field(
        default=None, pattern=r"^\d{1,20}$", description="phone_number_id or page id"
    )
    name: str = Field(default="Camille", max_length=200, description="WhatsApp profile name")
    type: str = "text"
    text: str | None = Field(default=None, max_length=65_536)
    caption: str | None = Field(default=None, max_length=1024)
    media: MediaSpec | None = None
    media_id: str | None = Field(default=None, description="A media uploaded beforehand")
    unsupported_type: str | None = Field(default=None, max_length=40)
    choice_id: str | None = Field(
        default=None,
        max_length=1000,
        description="interactive (WhatsApp) / quick_reply (Messenger): the button's id; "
        "text: its title",
    )
    context_id: str | None = Field(
        default=None, max_length=200, description="WhatsApp: the message the button was under"
    )
    sent_at: datetime | None = Field(default=None, description="Default now; past: an old one")
    duplicate: bool = Field(default=False, description="Meta delivers the webhook twice")

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


def _invalid(field: str, message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"detail": [{"field": field, "message": message}]}, status_code=status)


@dataclass
class Composed:
    """One young person's message, built: what Meta will post for it."""

    message: InboundRequest
    business: str
    message_id: str
    at: datetime
    payload: dict[str, Any]
    media: MediaItem | None


def _compose(
    state: SimulatorState, channel: Channel, message: InboundRequest, base: str, prefix: str
) -> Composed | JSONResponse:
    if message.type not in KINDS[channel]:
        return _invalid(f"{prefix}type", f"must be one of {sorted(KINDS[channel])}")
    if message.type == "text" and not message.text:
        return _invalid(f"{prefix}text", "a text message needs its text")
    if message.type in ("interactive", "quick_reply") and not message.choice_id:
        return _invalid(f"{prefix}choice_id", "a tapped button needs its id")
    item: MediaItem | None = None
    if message.type in MEDIA_KINDS[channel]:
        item = _media_of(state, message)
        if item is None:
            return _invalid(f"{prefix}media_id", "no media with this id (upload it first)")
    at = message.sent_at or now_utc()
    if channel is Channel.WHATSAPP:
        business, message_id, payload = _whatsapp(state, message, item, at)
    else:
        business, message_id, payload = _messenger(state, message, item, at, base)
    return Composed(message, business, message_id, at, payload, item)


def _post(
    state: SimulatorState, channel: Channel, written: list[Composed], payload: dict[str, Any]
) -> list[str]:
    """Record the messages (their windows open), then owe Relais the webhook."""
    body = encode(payload)
    secret = state.meta.channel(channel).app_secret.get_secret_value()
    signature = signature_256(secret, body.encode())
    for one in written:
        record = InboundMessage(
            channel=channel,
            user=one.message.from_,
            business=one.business,
            message_id=one.message_id,
            type=one.message.type,
            at=one.at,
            body=body,
            signature=signature,
            media_id=one.media.id if one.media else None,
        )
        state.meta.inbound[one.message_id] = record
        journal.note_inbound(state.meta, record)
        journal.inbound(state, record)
    first = written[0]
    copies = 2 if any(one.message.duplicate for one in written) else 1
    return [
        queue(
            state,
            channel,
            "message",
            body,
            message_id=first.message_id,
            user=first.message.from_,
        ).id
        for _ in range(copies)
    ]


@router.post("/{channel}/inbound", status_code=202)
async def inbound(
    channel: Channel, message: InboundRequest, request: Request, state: StateDep
) -> JSONResponse:
    return write(state, channel, message, public_base(state, request))


def write(
    state: SimulatorState, channel: Channel, message: InboundRequest, base: str
) -> JSONResponse:
    """One young person's message, posted to Relais as Meta would (202, or 422)."""
    composed = _compose(state, channel, message, base, "")
    if isinstance(composed, JSONResponse):
        return composed
    webhooks = _post(state, channel, [composed], composed.payload)
    content: dict[str, Any] = {"message_id": composed.message_id, "webhooks": webhooks}
    content |= {"media_id": composed.media.id if composed.media else None}
    return JSONResponse(content | {"payload": composed.payload}, status_code=202)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[InboundRequest] = Field(min_length=1, max_length=1000)


@router.post("/{channel}/inbound-batch", status_code=202)
async def inbound_batch(
    channel: Channel, batch: BatchRequest, request: Request, state: StateDep
) -> JSONResponse:
    """Several messages in one webhook, one ``entry`` each, as Meta batches them under
    load: Relais must read every entry, change and message of a body, not the first."""
    base = public_base(state, request)
    written: list[Composed] = []
    for index, message in enumerate(batch.messages):
        composed = _compose(state, channel, message, base, f"messages.{index}.")
        if isinstance(composed, JSONResponse):
            return composed
        written.append(composed)
    entries = [entry for one in written for entry in one.payload["entry"]]
    payload = {"object": written[0].payload["object"], "entry": entries}
    webhooks = _post(state, channel, written, payload)
    ids = [one.message_id for one in written]
    return JSONResponse({"message_ids": ids, "webhooks": webhooks, "payload": payload}, 202)


def _media_of(state: SimulatorState, message: InboundRequest) -> MediaItem | None:
    if message.media_id is not None:
        return state.meta.media.get(message.media_id)
    spec = message.media or MediaSpec()
    mime = spec.mime_type or DEFAULT_MIME.get(message.type, "application/octet-stream")
    return new_media(state, mime_type=mime, size=spec.size, seed=spec.seed, filename=spec.filename)


def _whatsapp(
    state: SimulatorState, message: InboundRequest, item: MediaItem | None, at: datetime
) -> tuple[str, str, dict[str, Any]]:
    config = state.meta.live.whatsapp
    number = config.number(message.to) if message.to else config.phone_numbers[0]
    phone_number_id = message.to or config.phone_numbers[0].phone_number_id
    display = number.display_phone_number if number else phone_number_id
    message_id = outbox.wamid()
    entry = whatsapp_payloads.message(
        message.type,
        wa_id=message.from_,
        message_id=message_id,
        at=at,
        text=message.text,
        media=item,
        caption=message.caption,
        unsupported_type=message.unsupported_type,
        choice_id=message.choice_id,
        context={"from": display, "id": message.context_id} if message.context_id else None,
    )
    payload = whatsapp_payloads.inbound(
        config.business_account_id, phone_number_id, display, message.name, entry
    )
    return phone_number_id, message_id, payload


def _messenger(
    state: SimulatorState,
    message: InboundRequest,
    item: MediaItem | None,
    at: datetime,
    base: str,
) -> tuple[str, str, dict[str, Any]]:
    page_id = message.to or state.meta.live.messenger.pages[0].page_id
    message_id = outbox.mid()
    url = messenger_url(state, base, item) if item else None
    event = messenger_payloads.message(
        message.type,
        page_id=page_id,
        psid=message.from_,
        mid=message_id,
        at=at,
        text=message.text,
        url=url,
        choice_id=message.choice_id,
    )
    return page_id, message_id, messenger_payloads.envelope(page_id, at, event)


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: str


@router.post("/{channel}/replay", status_code=202)
async def replay(channel: Channel, request: ReplayRequest, state: StateDep) -> JSONResponse:
    """Send a young person's earlier message again, byte for byte, with its signature:
    what an attacker who captured it (or a confused proxy) would do."""
    original = state.meta.inbound.get(request.message_id)
    if original is None or original.channel is not channel:
        return _invalid("message_id", "no message with this id on this channel", 404)
    pending = queue(
        state,
        channel,
        "message",
        original.body,
        message_id=original.message_id,
        user=original.user,
        signature=original.signature,
    )
    return JSONResponse({"message_id": original.message_id, "webhooks": [pending.id]}, 202)


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verify_token: str | None = Field(default=None, description="Default: the channel's")
    challenge: str | None = Field(default=None, max_length=100)


@router.post("/{channel}/verify")
async def verify(channel: Channel, request: VerifyRequest, state: StateDep) -> JSONResponse:
    """Meta's subscription handshake: ``GET <webhook URL>?hub.mode=subscribe&hub.challenge=
    <n>&hub.verify_token=<token>``; verified when Relais answers 200 with the challenge."""
    config = state.meta.channel(channel)
    token = request.verify_token or config.verify_token.get_secret_value()
    challenge = request.challenge or str(secrets.randbelow(10**9))
    url = webhook_url(state, channel)
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": token}
    status_code: int | None = None
    text: str | None = None
    error: str | None = None
    try:
        response = await client(state).get(url, params=params)
        status_code, text = response.status_code, response.text
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    verified = status_code == 200 and text == challenge
    state.meta.webhooks.append(
        WebhookAttempt(
            at=now_utc(),
            channel=channel,
            kind="verification",
            webhook_id="verification",
            message_id=None,
            url=url,
            attempt=1,
            status_code=status_code,
            error=error,
            delivered=verified,
            payload={"hub.mode": "subscribe", "hub.challenge": challenge},
        )
    )
    content = {"url": url, "challenge": challenge, "status_code": status_code, "body": text}
    return JSONResponse(content | {"error": error, "verified": verified})
