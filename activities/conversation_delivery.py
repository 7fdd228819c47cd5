"""Delivery of a counsellor's message on a channel that pushes (WhatsApp, Messenger):
the seam the messaging channels plug into.

A :class:`ChannelSender` per channel reads nothing itself: it is handed the body
(opened here from the transcript store) and sends it once under the message id, its
idempotency key. A permanent refusal raises ``PermanentChannelError`` (not retried:
the counsellor sees the message failed); anything else is retried by the workflow's
retry policy for that channel (``workflows.conversation.courier``). No sender for a
channel yet is a permanent refusal. Web chat never comes here: its page reads.
"""

from collections.abc import Mapping
from typing import Protocol

from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain import contract
from domain.conversation_records import (
    PERMANENT_CHANNEL_ERROR,
    DeliveryReceipt,
    DeliveryRequest,
)
from domain.intake import Channel
from relais.crypto.transcripts import TranscriptVault


class ChannelSender(Protocol):
    async def send(self, request: DeliveryRequest, body: str) -> DeliveryReceipt: ...


class DeliveryActivities:
    def __init__(self, vault: TranscriptVault, senders: Mapping[Channel, ChannelSender]) -> None:
        self._vault = vault
        self._senders = dict(senders)

    @activity.defn(name=contract.DELIVER_MESSAGE.name)
    async def deliver_message(self, request: DeliveryRequest) -> DeliveryReceipt:
        sender = self._senders.get(request.channel)
        if sender is None:
            raise ApplicationError(
                f"no adapter sends on {request.channel.value} yet",
                type=PERMANENT_CHANNEL_ERROR,
                non_retryable=True,
            )
        bodies = await self._vault.read_messages(request.conversation_id, [request.message_id])
        if request.message_id not in bodies:
            raise ApplicationError(
                f"message {request.message_id} is not in the store",
                type=PERMANENT_CHANNEL_ERROR,
                non_retryable=True,
            )
        return await sender.send(request, bodies[request.message_id])
