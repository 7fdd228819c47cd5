"""The young person's live stream: server-sent events, one ``update`` event per change
(its ``id`` the last line's ``seq``, so a reconnecting page resumes after it with
``Last-Event-ID``), a comment every 15 s while nothing changes (proxies keep the line
open), and an end within ``RELAIS_CHAT__STREAM_SECONDS`` (drawn for each stream between
half of it and all of it): the browser's EventSource
reconnects at once (``retry``), so a server stopping waits on open streams that long at most and
a page that is gone stops being read. A page whose stream cannot stay open (a restart,
a proxy cutting it) polls ``/chat/api/updates`` instead, every 2 to 3 s, and tries the
stream again after 5 s, then twice as long each time it fails again (at most a minute);
the pauses are drawn at random, so pages a restart cut off together come back apart."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from application.conversations.live import young_person_feed
from application.conversations.young_person_reads import YoungPersonUpdate
from chat.routes.api import LATE, SESSION
from chat.web import YoungPersonDep, helpline_of

router = APIRouter(prefix="/chat/api", tags=["web chat"])
log = logging.getLogger(__name__)

PING_SECONDS = 15.0
RECONNECT_MS = 500
EVENT_STREAM = "text/event-stream"


# One event of the stream (OpenAPI 3.1: the schema of a text/event-stream is an event's).
UPDATE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["update"]},
        "id": {"type": "string", "description": "The last line's seq (Last-Event-ID)"},
        "retry": {"type": "integer"},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {"$ref": "#/components/schemas/YoungPersonUpdate"},
        },
    },
    "required": ["event", "id", "data"],
}


def event(update: YoungPersonUpdate) -> str:
    return f"id: {update.last_seq}\nevent: update\ndata: {update.model_dump_json()}\n\n"


async def _events(
    first: YoungPersonUpdate, feed: AsyncIterator[YoungPersonUpdate]
) -> AsyncIterator[str]:
    queue: asyncio.Queue[YoungPersonUpdate | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for update in feed:
                await queue.put(update)
        finally:
            await queue.put(None)

    task = asyncio.create_task(pump())
    try:
        yield f"retry: {RECONNECT_MS}\n\n"
        yield event(first)
        while True:
            try:
                async with asyncio.timeout(PING_SECONDS):
                    update = await queue.get()
            except TimeoutError:
                yield ": still here\n\n"
                continue
            if update is None:
                break
            yield event(update)
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception as failed:
            # a read failed (Temporal late): the stream ends, the page reconnects
            log.warning("chat stream ended: %s", type(failed).__name__)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-sent events: `update` (a YoungPersonUpdate as JSON)",
            "content": {EVENT_STREAM: {"schema": UPDATE_EVENT}},
        },
        **SESSION,
        **LATE,
    },
)
async def events(
    who: YoungPersonDep,
    request: Request,
    after: Annotated[int, Query(ge=0, le=1_000_000, description="The last seq shown")] = 0,
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", max_length=12, description="Sent by a reconnecting page"),
    ] = None,
) -> StreamingResponse:
    """What changes, live: the first event at once (where it stands, the lines after
    ``after``), then one per change."""
    if last_event_id is not None and last_event_id.isdigit():
        after = max(after, int(last_event_id))
    feed = young_person_feed(helpline_of(request), who, after)
    first = await anext(feed)  # refusals (no such conversation, Temporal late) as JSON
    return StreamingResponse(
        _events(first, feed),
        media_type=EVENT_STREAM,
        headers={"X-Accel-Buffering": "no"},
    )
