"""WhatsApp (Cloud API) as a conversation channel.

Receives: the webhook handshake, ``X-Hub-Signature-256`` checked against the app
secret, then the ``messages`` webhooks (:mod:`partners.whatsapp_webhooks`). Sends:
``POST /{version}/{phone-number-id}/messages`` with the access token, Relais' message
key in ``biz_opaque_callback_data`` (echoed in every status of the message). Fetches
media in Meta's two steps: ``GET /{version}/{media-id}`` for a short-lived URL, then
that URL, both with the bearer token.

The 24-hour window: a free-form message to someone who last wrote more than 24 hours
ago is refused (131047), at once (:class:`OutsideWindowError`) or as a ``failed``
status whose failure kind is ``outside_window``; an approved template always goes. A
question with buttons goes as an ``interactive`` message of type ``button`` (at most 3
reply buttons; a tap comes back as an ``interactive`` message with ``button_reply``).
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from pydantic import Field, SecretStr

from domain.catalog import AdapterInfo
from domain.channel_messages import (
    ChannelFeatures,
    ChannelReceipt,
    ChoiceMessage,
    InboundBatch,
    MediaMessage,
    MediaReference,
    OutboundChannelMessage,
    TemplateMessage,
    TextMessage,
)
from partners.base import ConversationChannel
from partners.channel_errors import MediaTooLargeError
from partners.channel_media import MediaStream, check_announced
from partners.channel_webhooks import answer_hub_handshake, check_hmac_sha256
from partners.errors import PermanentAdapterError
from partners.meta_graph import GraphClient, MetaChannelConfig
from partners.whatsapp_webhooks import parse

MAX_TEXT = 4096


class WhatsAppConfig(MetaChannelConfig):
    access_token: SecretStr = Field(description="System user token of the WhatsApp app")
    phone_number_ids: list[str] = Field(
        min_length=1, description="The helpline's business numbers; the first sends by default"
    )


class WhatsAppChannel(ConversationChannel):
    features = ChannelFeatures(
        templates=True,
        media_captions=True,
        max_text_length=MAX_TEXT,
        window=timedelta(hours=24),
    )

    def __init__(self, info: AdapterInfo, config: WhatsAppConfig) -> None:
        super().__init__(info, max_webhook_bytes=config.max_webhook_bytes)
        self._config = config
        self._graph = GraphClient(info.slug, config, config.access_token)

    def answer_handshake(self, query: Mapping[str, str]) -> str:
        return answer_hub_handshake(query, self._config.verify_token)

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> None:
        check_hmac_sha256(self._config.app_secret, body, headers)

    def parse_webhook(self, body: bytes) -> InboundBatch:
        return parse(body, self.info.slug, self._config.phone_number_ids)

    async def send(self, message: OutboundChannelMessage) -> ChannelReceipt:
        sender = message.business_id or self._config.phone_number_ids[0]
        if sender not in self._config.phone_number_ids:
            raise PermanentAdapterError(f"{self.info.slug}: not one of its phone numbers")
        what = f"send {message.content.type}"
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.recipient,
            **_content(message.content),
            "biz_opaque_callback_data": message.idempotency_key,
        }
        data = await self._graph.post(self._graph.path(sender, "messages"), body, what)
        messages = data.get("messages")
        if not (isinstance(messages, list) and messages and isinstance(messages[0], dict)):
            raise PermanentAdapterError(f"{what}: {self.info.slug} answered without a message id")
        return ChannelReceipt(channel_message_id=str(messages[0]["id"]))

    @asynccontextmanager
    async def fetch_media(
        self, media: MediaReference, *, max_bytes: int
    ) -> AsyncIterator[MediaStream]:
        if media.media_id is None:
            raise PermanentAdapterError("fetch media: a WhatsApp media needs its id")
        check_announced(media.size, max_bytes)
        info = await self._graph.get(self._graph.path(media.media_id), "media info", media=True)
        url, size = info.get("url"), info.get("file_size")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise PermanentAdapterError(f"media info: {self.info.slug} gave no media URL")
        if isinstance(size, int) and size > max_bytes:
            raise MediaTooLargeError(f"media of {size} bytes is over the {max_bytes}-byte limit")
        mime = info.get("mime_type")
        async with self._graph.stream(
            url,
            "download media",
            max_bytes=max_bytes,
            mime_type=mime if isinstance(mime, str) else media.mime_type,
        ) as stream:
            yield stream


def _content(
    content: TextMessage | TemplateMessage | MediaMessage | ChoiceMessage,
) -> dict[str, Any]:
    if isinstance(content, TextMessage):
        return {"type": "text", "text": {"body": content.text, "preview_url": False}}
    if isinstance(content, ChoiceMessage):  # reply buttons: free-form, inside the window
        buttons = [
            {"type": "reply", "reply": {"id": c.id, "title": c.title}} for c in content.choices
        ]
        interactive = {"type": "button", "body": {"text": content.text}}
        return {
            "type": "interactive",
            "interactive": interactive | {"action": {"buttons": buttons}},
        }
    if isinstance(content, TemplateMessage):
        template: dict[str, Any] = {"name": content.name, "language": {"code": content.language}}
        if content.parameters:
            parameters = [{"type": "text", "text": p} for p in content.parameters]
            template["components"] = [{"type": "body", "parameters": parameters}]
        return {"type": "template", "template": template}
    item: dict[str, Any] = {"link": content.link} if content.link else {"id": content.media_id}
    kind = content.kind.value
    if content.caption is not None:
        if kind == "audio":
            raise PermanentAdapterError("send media: WhatsApp audio takes no caption")
        item["caption"] = content.caption
    if content.filename is not None and kind == "document":
        item["filename"] = content.filename
    return {"type": kind, kind: item}
