"""What the simulated Meta saw and did, for tests (and people) to check.

``/_control/meta/{channel}/users/{user}/received`` is what a young person received:
every message the Graph API accepted for them, in order, with Relais' reference and
whether it duplicates an earlier one. ``/_control/meta/deliveries`` sums it up per
channel: "no message sent twice" is ``duplicate_references == []``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from simulator.meta.config import Channel
from simulator.meta.host import StateDep
from simulator.meta.state import GraphRequest, SentMessage, WebhookAttempt

router = APIRouter(prefix="/_control/meta", tags=["control: meta"])


class ChannelSummary(BaseModel):
    inbound: int
    sends: int
    failed: int
    duplicates: int
    duplicate_references: list[str]
    without_reference: int


@router.get("/deliveries")
async def deliveries(state: StateDep) -> dict[str, ChannelSummary]:
    return {channel.value: _summary(state.meta.sent, state, channel) for channel in Channel}


def _summary(sent: list[SentMessage], state: StateDep, channel: Channel) -> ChannelSummary:
    mine = [m for m in sent if m.channel is channel]
    counts = Counter((m.user, m.reference) for m in mine if m.reference is not None)
    return ChannelSummary(
        inbound=sum(m.channel is channel for m in state.meta.inbound.values()),
        sends=len(mine),
        failed=sum(m.status == "failed" for m in mine),
        duplicates=sum(m.duplicate for m in mine),
        duplicate_references=sorted({ref for (_, ref), n in counts.items() if n > 1}),
        without_reference=sum(m.reference is None for m in mine),
    )


@router.get("/requests")
async def requests(
    state: StateDep, channel: Channel | None = None, kind: str | None = None
) -> list[GraphRequest]:
    """Every Graph API request: ``kind`` send, media_info, media_download or
    message_attachments."""
    return [
        r
        for r in state.meta.requests
        if (channel is None or r.channel is channel) and (kind is None or r.kind == kind)
    ]


@router.get("/webhooks")
async def webhooks(
    state: StateDep,
    channel: Channel | None = None,
    kind: str | None = None,
    message_id: str | None = None,
) -> list[WebhookAttempt]:
    """Every webhook attempt to Relais (``kind`` message, status, delivery, read, echo,
    verification), with the payload sent."""
    return [
        w
        for w in state.meta.webhooks
        if (channel is None or w.channel is channel)
        and (kind is None or w.kind == kind)
        and (message_id is None or w.message_id == message_id)
    ]


@router.get("/{channel}/inbound")
async def inbound(channel: Channel, state: StateDep) -> list[dict[str, Any]]:
    """The messages young people wrote on this channel (bodies included)."""
    return [
        m.model_dump(mode="json", exclude={"signature"})
        for m in state.meta.inbound.values()
        if m.channel is channel
    ]


@router.get("/{channel}/received")
async def received_by_all(channel: Channel, state: StateDep) -> list[SentMessage]:
    return [m for m in state.meta.sent if m.channel is channel]


@router.get("/{channel}/users/{user}/received")
async def received(channel: Channel, user: str, state: StateDep) -> list[SentMessage]:
    """Every message the Graph API accepted for this young person, in order."""
    return [m for m in state.meta.sent if m.channel is channel and m.user == user]
