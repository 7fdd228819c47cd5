"""Messages the Graph API accepted from Relais, and the status webhooks they earn.

Meta has no idempotency key on its send endpoints: a retried send is a second message
to the young person. Every accepted send is recorded; one whose Relais reference
(WhatsApp ``biz_opaque_callback_data``, Messenger ``message.metadata``) was already
accepted for the same young person is marked ``duplicate``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from simulator.basics import now_utc
from simulator.meta import journal, messenger_payloads, whatsapp_payloads
from simulator.meta.config import Channel, WhatsAppConfig
from simulator.meta.delivery import encode, queue
from simulator.meta.errors import GraphError
from simulator.meta.host import SimulatorState
from simulator.meta.state import SentMessage


def wamid() -> str:
    return "wamid." + secrets.token_urlsafe(36)


def mid() -> str:
    return "m_" + secrets.token_urlsafe(48)


def accept(state: SimulatorState, message: SentMessage) -> SentMessage:
    """Record an accepted send, marking it a duplicate if its reference was seen."""
    state.meta.add_sent(message)
    journal.sent(state, message)
    return message


def window_open(
    state: SimulatorState, channel: Channel, user: str, business: str, seconds: float
) -> bool:
    """Has the young person written to this number/page within ``seconds``?"""
    last = state.meta.peek_user(channel, user).last_inbound.get(business)
    return last is not None and now_utc() - last < timedelta(seconds=seconds)


def plan_whatsapp(
    state: SimulatorState, sent: SentMessage, failure: GraphError | None = None
) -> None:
    """Status webhooks after the configured delays: sent, delivered, read; or failed."""
    config = state.meta.live.whatsapp
    delays = config.status_delays
    display = _display(config, sent.business)
    last = state.meta.peek_user(Channel.WHATSAPP, sent.user).last_inbound.get(sent.business)
    window_ends = whatsapp_payloads.window_end(last, config.window_seconds)
    if failure is not None:
        sent.error_code = failure.code
        journal.status(state, sent)
        failed_after = delays.sent or 0.0
        at = sent.received_at + timedelta(seconds=failed_after)
        body = whatsapp_payloads.status(
            config.business_account_id, display, sent, "failed", at, None, failure
        )
        _queue_status(state, sent, "failed", body, failed_after)
        return
    for name, delay in (
        ("sent", delays.sent),
        ("delivered", delays.delivered),
        ("read", delays.read),
    ):
        if delay is None:
            continue
        at = sent.received_at + timedelta(seconds=delay)
        body = whatsapp_payloads.status(
            config.business_account_id, display, sent, name, at, window_ends
        )
        _queue_status(state, sent, name, body, delay)


def plan_messenger(state: SimulatorState, sent: SentMessage) -> None:
    """A delivery then a read event after the configured delays, and an echo if on."""
    config = state.meta.live.messenger
    if config.echoes:
        body = messenger_payloads.echo(sent.business, config.app_id, sent, sent.received_at)
        envelope = messenger_payloads.envelope(sent.business, sent.received_at, body)
        queue(
            state,
            Channel.MESSENGER,
            "echo",
            encode(envelope),
            message_id=sent.message_id,
            user=sent.user,
        )
    delays = config.status_delays
    if delays.delivered is not None:
        at = _after(sent.received_at, delays.delivered)
        event = messenger_payloads.delivery(sent.business, sent.user, sent.message_id, at)
        envelope = messenger_payloads.envelope(sent.business, at, event)
        queue(
            state,
            Channel.MESSENGER,
            "delivery",
            encode(envelope),
            message_id=sent.message_id,
            user=sent.user,
            delay=delays.delivered,
            status="delivered",
        )
    if delays.read is not None:
        at = _after(sent.received_at, delays.read)
        event = messenger_payloads.read(sent.business, sent.user, at)
        envelope = messenger_payloads.envelope(sent.business, at, event)
        queue(
            state,
            Channel.MESSENGER,
            "read",
            encode(envelope),
            message_id=sent.message_id,
            user=sent.user,
            delay=delays.read,
            status="read",
        )


def _after(at: datetime, seconds: float) -> datetime:
    return at + timedelta(seconds=seconds)


def _queue_status(
    state: SimulatorState, sent: SentMessage, name: str, body: dict[str, object], delay: float
) -> None:
    queue(
        state,
        Channel.WHATSAPP,
        "status",
        encode(body),
        message_id=sent.message_id,
        user=sent.user,
        delay=delay,
        status=name,
    )


def _display(config: WhatsAppConfig, phone_number_id: str) -> str:
    number = config.number(phone_number_id)
    return number.display_phone_number if number else phone_number_id
