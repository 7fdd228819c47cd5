"""The simulated Meta's part of the state journal (``--state-file``).

Lines are ``{"event": "meta.<what>", ...}`` in the simulator's journal, written and
flushed before the answer goes out: the live channel configs, every message a young
person wrote (which also dates their conversation window), every message the Graph
API accepted and its later status, media, per-user settings, and each webhook owed
to Relais until it is settled. ``apply`` reads them back; ``snapshot`` is what the
compacted journal keeps. A ``reset`` line (the simulator's) clears this part too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from simulator.meta.config import CHANNEL_MODELS, Channel, plain
from simulator.meta.state import (
    InboundMessage,
    MediaItem,
    MetaState,
    PendingWebhook,
    SentMessage,
    UserState,
)

PREFIX = "meta."


class Writer(Protocol):
    def write(self, event: dict[str, Any]) -> None: ...


class SimulatorState(Protocol):
    """What this module needs of ``simulator.state.SimulatorState`` (which imports this
    package: a protocol keeps the import graph one way)."""

    @property
    def journal(self) -> Writer | None: ...

    @property
    def meta(self) -> MetaState: ...


def _write(state: SimulatorState, event: dict[str, Any]) -> None:
    if state.journal is not None:
        state.journal.write(event)


def config(state: SimulatorState, channel: Channel) -> None:
    live = plain(state.meta.channel(channel))
    _write(state, {"event": "meta.config", "channel": channel.value, "config": live})


def inbound(state: SimulatorState, message: InboundMessage) -> None:
    _write(state, {"event": "meta.inbound", "message": message.model_dump(mode="json")})


def sent(state: SimulatorState, message: SentMessage) -> None:
    _write(state, {"event": "meta.sent", "message": message.model_dump(mode="json")})


def status(state: SimulatorState, message: SentMessage) -> None:
    event = {"event": "meta.status", "message_id": message.message_id}
    _write(state, event | {"status": message.status, "error_code": message.error_code})


def media(state: SimulatorState, item: MediaItem) -> None:
    _write(state, {"event": "meta.media", "media": item.model_dump(mode="json")})


def media_deleted(state: SimulatorState, media_id: str) -> None:
    _write(state, {"event": "meta.media_deleted", "id": media_id})


def user(state: SimulatorState, channel: Channel, user_id: str) -> None:
    settings = state.meta.user(channel, user_id).as_json()
    event = {"event": "meta.user", "channel": channel.value, "user": user_id}
    _write(state, event | {"settings": settings})


def queued(state: SimulatorState, pending: PendingWebhook) -> None:
    _write(state, {"event": "meta.webhook", "webhook": pending.model_dump(mode="json")})


def settled(state: SimulatorState, pending: PendingWebhook) -> None:
    _write(state, {"event": "meta.settled", "id": pending.id})


def apply(meta: MetaState, event: dict[str, Any]) -> None:
    """Replay one ``meta.*`` line into ``meta``."""
    kind = event["event"].removeprefix(PREFIX)
    if kind == "config":
        channel = Channel(event["channel"])
        meta.set_channel(channel, CHANNEL_MODELS[channel].model_validate(event["config"]))
    elif kind == "inbound":
        message = InboundMessage.model_validate(event["message"])
        meta.inbound[message.message_id] = message
        note_inbound(meta, message)
    elif kind == "sent":
        meta.add_sent(SentMessage.model_validate(event["message"]))
    elif kind == "status":
        found = meta.find_sent(event["message_id"])
        if found is not None:
            found.status = event["status"]
            found.error_code = event.get("error_code")
    elif kind == "media":
        item = MediaItem.model_validate(event["media"])
        meta.media[item.id] = item
    elif kind == "media_deleted":
        meta.media.pop(event["id"], None)
    elif kind == "user":
        channel = Channel(event["channel"])
        meta.users[(channel, event["user"])] = UserState.from_json(event["settings"])
    elif kind == "webhook":
        pending = PendingWebhook.model_validate(event["webhook"])
        meta.pending[pending.id] = pending
    elif kind == "settled":
        meta.pending.pop(event["id"], None)


def note_inbound(meta: MetaState, message: InboundMessage) -> None:
    """A young person wrote: their window with that business number/page (re)opens."""
    last = meta.user(message.channel, message.user).last_inbound
    previous: datetime | None = last.get(message.business)
    if previous is None or message.at > previous:
        last[message.business] = message.at


def snapshot(meta: MetaState) -> list[dict[str, Any]]:
    """The lines a compacted journal keeps for this part, in replay order."""
    lines: list[dict[str, Any]] = []
    for channel in sorted(meta.configured):
        config_line = {"event": "meta.config", "channel": channel.value}
        lines.append(config_line | {"config": plain(meta.channel(channel))})
    lines += [
        {"event": "meta.media", "media": m.model_dump(mode="json")} for m in meta.media.values()
    ]
    lines += [
        {"event": "meta.inbound", "message": m.model_dump(mode="json")}
        for m in meta.inbound.values()
    ]
    for (channel, user_id), settings in meta.users.items():
        user_line = {"event": "meta.user", "channel": channel.value, "user": user_id}
        lines.append(user_line | {"settings": settings.as_json()})
    lines += [{"event": "meta.sent", "message": m.model_dump(mode="json")} for m in meta.sent]
    lines += [
        {"event": "meta.webhook", "webhook": p.model_dump(mode="json")}
        for p in meta.pending.values()
    ]
    return lines
