"""Delivery of the counsellor's messages on a channel that pushes (WhatsApp, Messenger):
one at a time, in order, each retried as its channel needs, each sent under its
message id so an adapter retrying never sends it twice. A message the channel
refuses for good is marked failed: the counsellor sees it on their screen.

Web chat (and the app) do not push: the young person's page reads the transcript
from Relais, and a message is delivered when the page fetched it, which the door
records in the store (``application.conversations.deliveries``): the workflow's line
stays ``pending``. Workflow code.
"""

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.conversation import PULLED_CHANNELS, ConversationOpening
    from domain.conversation_records import (
        PERMANENT_CHANNEL_ERROR,
        DeliveryReceipt,
        DeliveryRequest,
    )
    from domain.intake import Channel
    from workflows.conversation.ledger import LedgerLine
    from workflows.conversation.state import ConversationState

# Meta's platforms answer within seconds when up and rate-limit in bursts; past 24 h a
# free-text message may no longer be sent at all (their customer-service window).
_META: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "schedule_to_close_timeout": timedelta(hours=24),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=[PERMANENT_CHANNEL_ERROR],
    ),
}
DELIVERY_OPTIONS: dict[Channel, dict[str, Any]] = {
    Channel.WHATSAPP: _META,
    Channel.MESSENGER: _META,
}


class Courier:
    def __init__(self, opening: ConversationOpening, state: ConversationState) -> None:
        self._opening = opening
        self._state = state
        self._sending: workflow.ActivityHandle[DeliveryReceipt] | None = None
        self._stopping = False
        self.pushes = opening.channel not in PULLED_CHANNELS

    @property
    def idle(self) -> bool:
        """Nothing in flight, nothing left to push (a page that reads: never busy)."""
        if not self.pushes:
            return True
        return self._sending is None and self._state.ledger.next_to_push() is None

    async def run(self) -> None:
        """Until stopped: deliver the next message waiting, in order."""
        while True:
            await workflow.wait_condition(
                lambda: self._stopping or self._state.ledger.next_to_push() is not None
            )
            if self._stopping:
                return
            line = self._state.ledger.next_to_push()
            assert line is not None
            await self._deliver(line)

    async def stop(self) -> None:
        """Before continue-as-new or the end: a delivery in flight is cancelled and
        stays pending (the next run sends it again, under the same message id)."""
        self._stopping = True
        if self._sending is not None:
            self._sending.cancel()
        await workflow.wait_condition(lambda: self._sending is None)

    async def _deliver(self, line: LedgerLine) -> None:
        channel = self._opening.channel
        self._sending = workflow.start_activity(
            contract.DELIVER_MESSAGE.name,
            DeliveryRequest(
                conversation_id=self._opening.conversation_id,
                message_id=line.message_id,
                seq=line.seq,
                channel=channel,
            ),
            result_type=DeliveryReceipt,
            summary=f"deliver message {line.seq} on {channel.value}",
            **DELIVERY_OPTIONS[channel],
        )
        try:
            receipt = await self._sending
            line.delivered_at = workflow.now()
            line.channel_reference = receipt.channel_reference
        except ActivityError as failure:
            if not self._stopping:
                line.delivery_failed = _reason(failure)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
        finally:
            self._sending = None


def _reason(failure: ActivityError) -> str:
    cause = failure.cause
    if isinstance(cause, ApplicationError) and cause.type == PERMANENT_CHANNEL_ERROR:
        return "refused_by_channel"
    return "channel_unreachable"
