"""Meta's webhooks to Relais: signed POSTs, retried while Relais does not answer 200.

Meta keeps retrying a webhook its endpoint did not acknowledge with a 200 (with
decreasing frequency, for up to days); the simulator does the same on a smaller scale:
one attempt, then one after each pause of the channel's ``retry_delays`` (by default
the simulator's ``webhook_retry_delays``). Only a 200 counts as delivered, as at Meta.
Each attempt is signed with the channel's app secret as it is at that moment (a
replay keeps the signature it was captured with) and recorded for
``GET /_control/meta/webhooks``. A webhook is journaled when queued and when settled,
so one owed at a restart is sent after it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import timedelta
from typing import Any

import httpx

from simulator.basics import now_utc
from simulator.meta import journal
from simulator.meta.config import Channel
from simulator.meta.host import SimulatorState
from simulator.meta.signing import signed_headers
from simulator.meta.state import PendingWebhook, WebhookAttempt

log = logging.getLogger("simulator.meta")

DELIVERED = 200


def webhook_url(state: SimulatorState, channel: Channel) -> str:
    config = state.meta.channel(channel)
    if config.webhook_url:
        return config.webhook_url
    base = config.webhook_base_url or state.config.webhook_base_url
    return base.rstrip("/") + config.webhook_path


def encode(payload: dict[str, Any]) -> str:
    """Meta's bodies are compact JSON; the exact bytes are what is signed."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def queue(
    state: SimulatorState,
    channel: Channel,
    kind: str,
    body: str,
    *,
    message_id: str,
    user: str,
    delay: float = 0.0,
    signature: str | None = None,
    status: str | None = None,
) -> PendingWebhook:
    """Owe Relais this webhook, due after ``delay`` seconds."""
    pending = PendingWebhook(
        id=secrets.token_hex(8),
        channel=channel,
        kind=kind,
        message_id=message_id,
        user=user,
        body=body,
        due_at=now_utc() + timedelta(seconds=delay),
        signature=signature,
        status=status,
    )
    state.meta.pending[pending.id] = pending
    journal.queued(state, pending)
    resume(state, pending)
    return pending


def resume(state: SimulatorState, pending: PendingWebhook) -> None:
    """Deliver (in the background) a webhook owed, at its due time or now if past."""
    state.spawn(_deliver(state, pending))


async def _deliver(state: SimulatorState, pending: PendingWebhook) -> None:
    wait = (pending.due_at - now_utc()).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait)
    if pending.status is not None:
        _reported(state, pending)
    body = pending.body.encode()
    payload = json.loads(pending.body)
    url = webhook_url(state, pending.channel)
    config = state.meta.channel(pending.channel)
    pauses = (
        config.retry_delays
        if config.retry_delays is not None
        else (state.config.webhook_retry_delays)
    )
    for attempt in range(1, len(pauses) + 2):
        secret = state.meta.channel(pending.channel).app_secret.get_secret_value()
        headers = signed_headers(secret, body, pending.signature)
        status_code: int | None = None
        error: str | None = None
        try:
            response = await client(state).post(url, content=body, headers=headers)
            status_code = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        delivered = status_code == DELIVERED
        state.meta.webhooks.append(
            WebhookAttempt(
                at=now_utc(),
                channel=pending.channel,
                kind=pending.kind,
                webhook_id=pending.id,
                message_id=pending.message_id,
                url=url,
                attempt=attempt,
                status_code=status_code,
                error=error,
                delivered=delivered,
                payload=payload,
            )
        )
        if delivered:
            break
        if attempt > len(pauses):
            log.warning("meta webhook gave up channel=%s kind=%s", pending.channel, pending.kind)
            break
        await asyncio.sleep(pauses[attempt - 1])
    state.meta.pending.pop(pending.id, None)
    journal.settled(state, pending)


def _reported(state: SimulatorState, pending: PendingWebhook) -> None:
    """A status webhook falls due: the sent message now has that status."""
    sent = state.meta.find_sent(pending.message_id)
    if sent is None or pending.status is None:
        return
    if sent.status == "failed" or _rank(pending.status) <= _rank(sent.status):
        return
    sent.status = pending.status
    journal.status(state, sent)


_ORDER = ("accepted", "sent", "delivered", "read", "failed")


def _rank(status: str) -> int:
    return _ORDER.index(status) if status in _ORDER else 0


def client(state: SimulatorState) -> httpx.AsyncClient:
    if state.http is None:
        state.http = httpx.AsyncClient(timeout=state.config.webhook_timeout_seconds)
    return state.http
