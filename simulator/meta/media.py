"""Media young people send: made from a seed (or uploaded by a test), then fetched by
Relais the way Meta serves it.

WhatsApp: the webhook carries a media id; ``GET /{version}/{media-id}`` (bearer token)
answers ``{messaging_product, url, mime_type, sha256, file_size, id}``; the ``url``
(``/whatsapp_business/attachments/?mid=..&ext=..&hash=..``, like Meta's lookaside host)
serves the bytes to a request with the same bearer token, for ``media_url_ttl_seconds``.
Messenger: the webhook carries a signed CDN URL (``/messenger_cdn/{id}?oh=..&oe=..``)
that serves the bytes with no token, as Meta's CDN does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from simulator.basics import now_utc
from simulator.meta import errors, journal
from simulator.meta.calls import GraphCall
from simulator.meta.config import Channel
from simulator.meta.host import SimulatorState, StateDep
from simulator.meta.state import MediaItem, generate_bytes, sha256_hex

router = APIRouter(tags=["meta"])

MESSENGER_URL_DAYS = 3


def new_media(
    state: SimulatorState,
    *,
    mime_type: str,
    size: int | None = None,
    seed: str | None = None,
    content: bytes | None = None,
    filename: str | None = None,
) -> MediaItem:
    """A media item kept by the simulated Meta: given bytes, or ``size`` bytes from a seed."""
    media_id = str(secrets.randbelow(9 * 10**15) + 10**15)  # 16 digits, like Meta's
    if content is None:
        seed = seed or media_id
        content = generate_bytes(mime_type, size or 0, seed)
    item = MediaItem(
        id=media_id,
        mime_type=mime_type,
        file_size=len(content),
        sha256=sha256_hex(content),
        filename=filename,
        seed=seed,
        content_b64=None if seed is not None else base64.b64encode(content).decode(),
    )
    state.meta.media[item.id] = item
    journal.media(state, item)
    return item


def public_base(state: SimulatorState, request: Request) -> str:
    configured = state.meta.live.public_base_url
    return (configured or str(request.base_url)).rstrip("/")


def _sign(state: SimulatorState, channel: Channel, item: MediaItem, expires: int) -> str:
    key = state.meta.channel(channel).app_secret.get_secret_value().encode()
    message = f"{channel.value}:{item.id}:{expires}"
    if item.url_generation:  # its URLs were expired: those signed before no longer serve
        message += f":{item.url_generation}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def whatsapp_url(state: SimulatorState, request: Request, item: MediaItem) -> str:
    ttl = state.meta.live.whatsapp.media_url_ttl_seconds
    expires = int((now_utc() + timedelta(seconds=ttl)).timestamp())
    signature = _sign(state, Channel.WHATSAPP, item, expires)
    query = f"mid={item.id}&ext={expires}&hash={signature}"
    return f"{public_base(state, request)}/whatsapp_business/attachments/?{query}"


def messenger_url(state: SimulatorState, base: str, item: MediaItem) -> str:
    expires = int((now_utc() + timedelta(days=MESSENGER_URL_DAYS)).timestamp())
    signature = _sign(state, Channel.MESSENGER, item, expires)
    return f"{base}/messenger_cdn/{item.id}?oh={signature}&oe={expires:x}"


def _valid(
    state: SimulatorState, channel: Channel, item: MediaItem, expires: int, signature: str
) -> bool:
    expected = _sign(state, channel, item, expires)
    return hmac.compare_digest(expected, signature) and now_utc().timestamp() < expires


@router.get("/whatsapp_business/attachments/")
async def whatsapp_download(
    request: Request, state: StateDep, mid: str = "", ext: str = "", hash: str = ""
) -> Response:
    """The media's bytes, to a request with the WhatsApp access token."""
    call = GraphCall(state, request, Channel.WHATSAPP, "media_download")
    if failed := await call.faults():
        return failed
    token = state.meta.live.whatsapp.access_token.get_secret_value()
    if refused := call.token_refused(token):
        return refused
    item = state.meta.media.get(mid)
    expires = int(ext) if ext.isdigit() else 0
    if item is None or not _valid(state, Channel.WHATSAPP, item, expires, hash):
        return call.answer(404, errors.unknown_object(mid).body(Channel.WHATSAPP), fault="expired")
    call.note(200, message_id=item.id)
    return Response(item.content(), media_type=item.mime_type)


@router.get("/messenger_cdn/{media_id}")
async def messenger_download(
    media_id: str, request: Request, state: StateDep, oh: str = "", oe: str = ""
) -> Response:
    """An attachment's bytes at its signed URL (no token, as Meta's CDN)."""
    call = GraphCall(state, request, Channel.MESSENGER, "media_download")
    if failed := await call.faults():
        return failed
    item = state.meta.media.get(media_id)
    try:
        expires = int(oe, 16)
    except ValueError:
        expires = 0
    if item is None or not _valid(state, Channel.MESSENGER, item, expires, oh):
        return call.answer(403, {"detail": "URL signature mismatch or expired"}, fault="expired")
    call.note(200, message_id=item.id)
    return Response(item.content(), media_type=item.mime_type)


def media_info(call: GraphCall, item: MediaItem) -> JSONResponse:
    """``GET /{version}/{media-id}``: where and what the media is."""
    content = {
        "messaging_product": "whatsapp",
        "url": whatsapp_url(call.state, call.request, item),
        "mime_type": item.mime_type,
        "sha256": item.sha256,
        "file_size": item.file_size,
        "id": item.id,
    }
    return call.answer(200, content, message_id=item.id)
