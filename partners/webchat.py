"""The web chat (Relais' own page at ``/chat``) as a conversation channel.

It fits the channel contract on the sending side and in the events it produces, not
as a webhook:

- **Sending** stores nothing and calls nobody: the conversation keeps the message and
  the page fetches it live (server-sent events). :meth:`send` only checks that the
  content is something the page shows (text) and answers a receipt whose id is derived
  from the message key, so a retried send names the same message.
- **Receiving** has no signature to check: what proves who writes is the chat's
  session cookie (HttpOnly), which only the chat's own door can read. So
  :meth:`receive` (the generic webhook door, ``/inbound/channels/webchat``) refuses
  every request, and the chat door, once it has checked the session, hands Relais' own
  JSON to :meth:`parse_webhook`, filling ``session`` and the times itself (never from
  the page)::

      {"object": "relais_webchat", "session": "<the session's conversation ref>",
       "messages": [{"id": "<the page's id for the message>", "text": "...",
                     "sent_at": "<ISO time, the server's>"}],
       "statuses": [{"message_ids": ["wc...."], "state": "delivered" | "read",
                     "at": "<ISO time>"}]}

  and gets the same :class:`InboundChannelMessage` and :class:`ChannelStatusUpdate`
  events as from WhatsApp or Messenger.
- No window, no templates, no media yet (the evidence upload is its own door).
"""

import hashlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.catalog import AdapterInfo
from domain.channel_messages import (
    TEXT_LIMIT,
    ChannelDeliveryState,
    ChannelFeatures,
    ChannelReceipt,
    ChannelStatusUpdate,
    InboundBatch,
    InboundChannelMessage,
    MediaReference,
    OutboundChannelMessage,
    TextContent,
    TextMessage,
)
from partners.base import AdapterConfig, ConversationChannel
from partners.channel_errors import WebhookMalformed, WebhookSignatureInvalid, WebhookTokenMismatch
from partners.channel_media import MediaStream
from partners.channel_webhooks import malformed, webhook_json
from partners.errors import PermanentAdapterError

OBJECT = "relais_webchat"


class WebChatConfig(AdapterConfig):
    site: str = Field(
        default="web", min_length=1, max_length=64, description="business_id of its events"
    )
    max_webhook_bytes: int = Field(default=64 * 1024, gt=0)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Message(_Wire):
    id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)
    sent_at: datetime


class _Status(_Wire):
    message_ids: list[str] = Field(min_length=1, max_length=500)
    state: ChannelDeliveryState
    at: datetime


class _Body(_Wire):
    object: str
    session: str = Field(min_length=1, max_length=256)
    messages: list[_Message] = Field(default_factory=list, max_length=100)
    statuses: list[_Status] = Field(default_factory=list, max_length=100)


def receipt_id(idempotency_key: str) -> str:
    """The web chat's id of a message Relais sent: the same for the same key."""
    return "wc." + hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class WebChatChannel(ConversationChannel):
    features = ChannelFeatures(
        templates=False, media_captions=False, max_text_length=TEXT_LIMIT, window=None
    )

    def __init__(self, info: AdapterInfo, config: WebChatConfig) -> None:
        super().__init__(info, max_webhook_bytes=config.max_webhook_bytes)
        self._config = config

    def answer_handshake(self, query: Mapping[str, str]) -> str:
        raise WebhookTokenMismatch("the web chat has no webhook subscription")

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> None:
        raise WebhookSignatureInvalid(
            "the web chat is not a webhook: its messages come through /chat, with a session"
        )

    def parse_webhook(self, body: bytes) -> InboundBatch:
        try:
            data = _Body.model_validate(webhook_json(body))
        except ValidationError as exc:
            raise malformed(exc, "web chat message") from None
        if data.object != OBJECT:
            raise WebhookMalformed(f"not a web chat body (object must be '{OBJECT}')")
        slug, site = self.info.slug, self._config.site
        batch = InboundBatch()
        for message in data.messages:
            batch.events.append(
                InboundChannelMessage(
                    channel=slug,
                    message_id=f"{data.session}:{message.id}",
                    sender=data.session,
                    business_id=site,
                    sent_at=message.sent_at,
                    content=TextContent(text=message.text),
                )
            )
        for status in data.statuses:
            batch.events.append(
                ChannelStatusUpdate(
                    channel=slug,
                    business_id=site,
                    recipient=data.session,
                    state=status.state,
                    message_ids=status.message_ids,
                    at=status.at,
                )
            )
        return batch

    async def send(self, message: OutboundChannelMessage) -> ChannelReceipt:
        if not isinstance(message.content, TextMessage):
            raise PermanentAdapterError(
                f"send {message.content.type}: the web chat shows text only"
            )
        return ChannelReceipt(channel_message_id=receipt_id(message.idempotency_key))

    @asynccontextmanager
    async def fetch_media(
        self, media: MediaReference, *, max_bytes: int
    ) -> AsyncIterator[MediaStream]:
        raise PermanentAdapterError("fetch media: the web chat carries no media")
        yield  # pragma: no cover - makes this an async generator
