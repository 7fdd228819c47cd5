"""The simulated Graph API's routes (served at the simulator's root, as
``https://graph.facebook.com`` would be): the messages endpoints of both channels,
WhatsApp's media lookup and a Messenger message's attachments. Included after every other
router: its two-segment paths would otherwise shadow them.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from simulator.meta import errors, graph_messenger, graph_whatsapp, media, message_attachments
from simulator.meta.calls import GraphCall
from simulator.meta.config import Channel
from simulator.meta.host import SimulatorState, StateDep

router = APIRouter(tags=["meta graph api"])

Version = Annotated[str, Path(pattern=r"^v\d{1,2}\.\d$", description="e.g. v21.0")]
Node = Annotated[str, Path(pattern=r"^(me|\d{1,20})$")]


@router.post("/{version}/{node}/messages")
async def post_messages(
    version: Version, node: Node, request: Request, state: StateDep
) -> Response:
    """WhatsApp when ``node`` is one of the business phone number ids; Messenger when it
    is ``me`` or a page id; for an unknown id, the body's ``messaging_product`` says."""
    raw = await request.body()
    channel = _channel_of(state, node, raw)
    call = GraphCall(state, request, channel, "send")
    if failed := await call.faults():
        return failed
    if channel is Channel.WHATSAPP:
        return await graph_whatsapp.send(call, node, raw)
    return await graph_messenger.send(call, node, raw)


def _channel_of(state: SimulatorState, node: str, raw: bytes) -> Channel:
    if state.meta.live.whatsapp.number(node) is not None:
        return Channel.WHATSAPP
    if node == "me" or state.meta.live.messenger.page(node) is not None:
        return Channel.MESSENGER
    try:
        product = json.loads(raw).get("messaging_product")
    except (ValueError, AttributeError):
        product = None
    return Channel.WHATSAPP if product == "whatsapp" else Channel.MESSENGER


@router.get("/{version}/{media_id}")
async def get_media(
    version: Version, media_id: Node, request: Request, state: StateDep
) -> Response:
    """``{messaging_product, url, mime_type, sha256, file_size, id}`` of a WhatsApp media."""
    call = GraphCall(state, request, Channel.WHATSAPP, "media_info")
    if failed := await call.faults():
        return failed
    token = state.meta.live.whatsapp.access_token.get_secret_value()
    if refused := call.token_refused(token):
        return refused
    item = state.meta.media.get(media_id)
    if item is None:
        return call.error(errors.unknown_object(media_id), fault="unknown_media")
    return media.media_info(call, item)


@router.get("/{version}/{message_id}/attachments")
async def get_message_attachments(
    version: Version,
    message_id: Annotated[str, Path(pattern=r"^m_[A-Za-z0-9_-]{1,200}$")],
    request: Request,
    state: StateDep,
) -> Response:
    """A Messenger message's files, each with a fresh signed URL."""
    call = GraphCall(state, request, Channel.MESSENGER, "message_attachments")
    return await message_attachments.message_attachments(call, message_id)
