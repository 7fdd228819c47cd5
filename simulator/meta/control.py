"""Control API of the simulated Meta: its live config, young people's settings, media.

``GET /_control/meta`` and ``/_control/meta/{channel}`` show the live config (secrets
masked); ``PUT /_control/meta/{channel}`` deep-merges a partial update (422 naming the
field, nothing changed, on error). Never subject to the channel's faults.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from simulator.basics import deep_merge, field_errors, now_utc
from simulator.meta import journal
from simulator.meta.config import CHANNEL_MODELS, Channel, plain
from simulator.meta.host import StateDep
from simulator.meta.media import new_media

router = APIRouter(prefix="/_control/meta", tags=["control: meta"])

MAX_UPLOAD = 100 * 1024 * 1024


def _invalid(field: str, message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"detail": [{"field": field, "message": message}]}, status_code=status)


@router.get("")
async def get_meta(state: StateDep) -> dict[str, Any]:
    return state.meta.live.model_dump(mode="json")


@router.get("/{channel}")
async def get_channel(channel: Channel, state: StateDep) -> dict[str, Any]:
    return state.meta.channel(channel).model_dump(mode="json")


@router.put("/{channel}")
async def update_channel(channel: Channel, request: Request, state: StateDep) -> JSONResponse:
    """Merge a partial config into the channel's live config (nested objects merge)."""
    try:
        update = json.loads(await request.body())
    except ValueError:
        return _invalid("body", "not valid JSON")
    if not isinstance(update, dict):
        return _invalid("body", "must be a JSON object of config fields")
    merged = deep_merge(plain(state.meta.channel(channel)), update)
    try:
        config = CHANNEL_MODELS[channel].model_validate(merged)
    except ValidationError as exc:
        return JSONResponse({"detail": field_errors(exc)}, status_code=422)
    state.meta.set_channel(channel, config)
    journal.config(state, channel)
    return JSONResponse(config.model_dump(mode="json"))


class UserUpdate(BaseModel):
    """A young person's settings: whether Meta can reach them, and when they last wrote
    (per business phone number id or page id; ``null`` forgets it)."""

    model_config = ConfigDict(extra="forbid")

    undeliverable: bool | None = None
    last_inbound_at: dict[str, datetime | None] | None = None

    @field_validator("last_inbound_at")
    @classmethod
    def _aware(cls, value: dict[str, datetime | None] | None) -> dict[str, datetime | None] | None:
        if value is None:
            return None
        return {k: v.replace(tzinfo=UTC) if v and v.tzinfo is None else v for k, v in value.items()}


def _user_json(state: StateDep, channel: Channel, user: str) -> dict[str, Any]:
    settings = state.meta.peek_user(channel, user)
    window = state.meta.channel(channel).window_seconds
    now = now_utc()
    windows = {
        business: {
            "last_inbound_at": at.isoformat(),
            "window_open": now - at < timedelta(seconds=window),
        }
        for business, at in sorted(settings.last_inbound.items())
    }
    return {"user": user, "undeliverable": settings.undeliverable, "windows": windows}


@router.get("/{channel}/users/{user}")
async def get_user(channel: Channel, user: str, state: StateDep) -> dict[str, Any]:
    return _user_json(state, channel, user)


@router.put("/{channel}/users/{user}")
async def update_user(
    channel: Channel, user: str, update: UserUpdate, state: StateDep
) -> dict[str, Any]:
    settings = state.meta.user(channel, user)
    if update.undeliverable is not None:
        settings.undeliverable = update.undeliverable
    for business, at in (update.last_inbound_at or {}).items():
        if at is None:
            settings.last_inbound.pop(business, None)
        else:
            settings.last_inbound[business] = at
    journal.user(state, channel, user)
    return _user_json(state, channel, user)


@router.post("/{channel}/users/{user}/expire-window")
async def expire_window(channel: Channel, user: str, state: StateDep) -> dict[str, Any]:
    """Close the young person's 24-hour window now, as if they last wrote just over
    ``window_seconds`` ago (a Messenger HUMAN_AGENT tag still has its 7 days)."""
    settings = state.meta.user(channel, user)
    window = state.meta.channel(channel).window_seconds
    past = now_utc() - timedelta(seconds=window + 1)
    for business in settings.last_inbound:
        settings.last_inbound[business] = min(settings.last_inbound[business], past)
    journal.user(state, channel, user)
    return _user_json(state, channel, user)


@router.post("/media", status_code=201)
async def upload_media(
    request: Request,
    state: StateDep,
    filename: str | None = Query(default=None, max_length=240),
) -> JSONResponse:
    """A file a young person will send (e.g. a PNG screenshot): the raw body, its type
    in ``Content-Type``. Answers the media id to give ``/inbound`` as ``media_id``."""
    mime_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if "/" not in mime_type:
        return _invalid("content-type", "give the file's MIME type, e.g. image/png")
    content = await request.body()
    if not content or len(content) > MAX_UPLOAD:
        return _invalid("body", "the file's bytes, 1 byte to 100 MiB")
    item = new_media(state, mime_type=mime_type, content=content, filename=filename)
    return JSONResponse(item.model_dump(exclude={"content_b64", "seed"}), status_code=201)


@router.delete("/media/{media_id}", status_code=204)
async def delete_media(media_id: str, state: StateDep) -> Response:
    """Meta no longer has this media (its retention is over): its id is unknown to the
    Graph API (100/33) and its URLs, WhatsApp's and Messenger's, no longer serve it."""
    if state.meta.media.pop(media_id, None) is None:
        return _invalid("media_id", "no such media", 404)
    journal.media_deleted(state, media_id)
    return Response(status_code=204)


@router.post("/media/{media_id}/expire-urls")
async def expire_media_urls(media_id: str, state: StateDep) -> JSONResponse:
    """Every URL given so far for this media expires (as days passing would: a
    Messenger attachment's signed URL, a WhatsApp download URL); the media itself stays,
    and URLs given from now on serve it (Messenger: ask the message's attachments)."""
    item = state.meta.media.get(media_id)
    if item is None:
        return _invalid("media_id", "no such media", 404)
    item.url_generation += 1
    journal.media(state, item)
    return JSONResponse({"id": item.id, "url_generation": item.url_generation})
