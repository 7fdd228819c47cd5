"""``GET /{version}/{message-id}/attachments``: the files a young person's Messenger
message carried, asked for again with the page's access token, each with a freshly
signed URL (``image_data.url`` for an image, ``video_data.url`` for a video,
``file_url`` otherwise), as Meta answers once the webhook's URL has expired.

A message the simulator never received, or whose media Meta no longer has (deleted
through ``DELETE /_control/meta/media/{id}``): the Graph API's unknown object (400,
100/33). ``POST /_control/meta/media/{id}/expire-urls`` expires every URL given so far
for a media (WhatsApp's and Messenger's), as days passing would: the next ones serve.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from simulator.meta import errors
from simulator.meta.calls import GraphCall
from simulator.meta.config import Channel
from simulator.meta.media import messenger_url, public_base
from simulator.meta.state import MediaItem


def _described(item: MediaItem, url: str) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": f"{item.id}",
        "mime_type": item.mime_type,
        "name": item.filename or f"file-{item.id}",
        "size": item.file_size,
    }
    if item.mime_type.startswith("image/"):
        return described | {"image_data": {"url": url, "preview_url": url}}
    if item.mime_type.startswith("video/"):
        return described | {"video_data": {"url": url, "preview_url": url}}
    return described | {"file_url": url}


async def message_attachments(call: GraphCall, message_id: str) -> Response:
    state = call.state
    if failed := await call.faults():
        return failed
    config = state.meta.live.messenger
    received = state.meta.inbound.get(message_id)
    page = config.page(received.business) if received is not None else None
    token = config.token_of(page) if page is not None else config.token_of(config.pages[0])
    if refused := call.token_refused(token):
        return refused
    item = None
    if received is not None and received.channel is Channel.MESSENGER and received.media_id:
        item = state.meta.media.get(received.media_id)
    if item is None:
        return call.error(errors.unknown_object(message_id), fault="unknown_message")
    url = messenger_url(state, public_base(state, call.request), item)
    return call.answer(200, {"data": [_described(item, url)]}, message_id=item.id)
