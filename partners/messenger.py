"""Messenger (Messenger Platform) as a conversation channel.

Receives: the webhook handshake, ``X-Hub-Signature-256`` checked against the app
secret, then the page's webhooks (:mod:`partners.messenger_webhooks`). Sends:
``POST /{version}/{page-id}/messages`` with the page access token, Relais' message key
in ``message.metadata`` (echoed in ``message_echoes``: subscribe the page to them, so a
send whose answer was lost can be recognised). Media: the webhook's signed CDN URL,
fetched without a token; once expired, a fresh one from the message's attachments
(:mod:`partners.messenger_media`).

The window: ``RESPONSE`` messages only within 24 hours of the young person's last
message. With ``human_agent_tag`` (the default; the app needs Meta's Human Agent
permission), a counsellor's own reply goes as ``MESSAGE_TAG`` / ``HUMAN_AGENT``, which
Meta allows for 7 days; automatic messages (news of the case, the note about what the
helpline can read) never use the tag. Outside: 10/2018278, :class:`OutsideWindowError`.
Messenger has no approved templates and no media captions. A question with buttons
goes as text with ``quick_replies`` (a tap comes back as ``message.quick_reply.payload``).
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
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
from partners.channel_errors import MediaGoneError
from partners.channel_media import MediaStream
from partners.channel_webhooks import answer_hub_handshake, check_hmac_sha256
from partners.errors import PermanentAdapterError
from partners.messenger_media import fresh_url
from partners.messenger_webhooks import parse
from partners.meta_graph import GraphClient, MetaChannelConfig

MAX_TEXT = 2000
WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
ATTACHMENT_TYPES = {"image": "image", "video": "video", "audio": "audio", "document": "file"}


class MessengerConfig(MetaChannelConfig):
    page_access_token: SecretStr = Field(description="The page's access token")
    page_access_tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description="Per page id, when pages have their own tokens"
    )
    page_ids: list[str] = Field(
        min_length=1, description="The helpline's pages; the first sends by default"
    )
    human_agent_tag: bool = Field(
        default=True, description="A counsellor's reply uses the HUMAN_AGENT tag (7 days)"
    )


class MessengerChannel(ConversationChannel):
    def __init__(self, info: AdapterInfo, config: MessengerConfig) -> None:
        super().__init__(info, max_webhook_bytes=config.max_webhook_bytes)
        self._config = config
        self.features = ChannelFeatures(
            templates=False,
            media_captions=False,
            max_text_length=MAX_TEXT,
            window=WINDOW,
            counsellor_window=HUMAN_AGENT_WINDOW if config.human_agent_tag else None,
        )

    def answer_handshake(self, query: Mapping[str, str]) -> str:
        return answer_hub_handshake(query, self._config.verify_token)

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> None:
        check_hmac_sha256(self._config.app_secret, body, headers)

    def parse_webhook(self, body: bytes) -> InboundBatch:
        return parse(body, self.info.slug, self._config.page_ids)

    async def send(self, message: OutboundChannelMessage) -> ChannelReceipt:
        page = message.business_id or self._config.page_ids[0]
        if page not in self._config.page_ids:
            raise PermanentAdapterError(f"{self.info.slug}: not one of its pages")
        what = f"send {message.content.type}"
        content = {**_content(message.content), "metadata": message.idempotency_key}
        body: dict[str, Any] = {"recipient": {"id": message.recipient}}
        if message.by_counsellor and self._config.human_agent_tag:
            body |= {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        else:
            body["messaging_type"] = "RESPONSE"
        body["message"] = content
        token = self._config.page_access_tokens.get(page, self._config.page_access_token)
        graph = GraphClient(self.info.slug, self._config, token)
        data = await graph.post(graph.path(page, "messages"), body, what)
        message_id = data.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise PermanentAdapterError(f"{what}: {self.info.slug} answered without a message id")
        return ChannelReceipt(channel_message_id=message_id)

    @asynccontextmanager
    async def fetch_media(
        self, media: MediaReference, *, max_bytes: int
    ) -> AsyncIterator[MediaStream]:
        """The webhook's signed URL (no token); once it has expired, the message's
        attachments asked again for a fresh one (:func:`fresh_url`); gone only when
        that fails too."""
        if media.url is None and media.message_id is None:
            raise PermanentAdapterError("fetch media: a Messenger attachment needs its URL")
        cdn = GraphClient(self.info.slug, self._config, None)  # signed URL: no token
        async with AsyncExitStack() as opened:
            stream: MediaStream | None = None
            if media.url is not None:
                try:
                    stream = await opened.enter_async_context(
                        cdn.stream(media.url, "download media", **_bounds(media, max_bytes))
                    )
                except MediaGoneError:
                    if media.message_id is None:
                        raise
            if stream is None:
                url = await fresh_url(self._graph(), media)
                stream = await opened.enter_async_context(
                    cdn.stream(url, "download media again", **_bounds(media, max_bytes))
                )
            yield stream

    def _graph(self) -> GraphClient:
        token = self._config.page_access_token
        return GraphClient(self.info.slug, self._config, token)


def _bounds(media: MediaReference, max_bytes: int) -> dict[str, Any]:
    return {"max_bytes": max_bytes, "mime_type": media.mime_type}


def _content(
    content: TextMessage | TemplateMessage | MediaMessage | ChoiceMessage,
) -> dict[str, Any]:
    if isinstance(content, ChoiceMessage):  # quick replies under the text
        quick = [
            {"content_type": "text", "title": c.title, "payload": c.id} for c in content.choices
        ]
        return {"text": content.text, "quick_replies": quick}
    if isinstance(content, TextMessage):
        if len(content.text) > MAX_TEXT:
            raise PermanentAdapterError(f"send text: Messenger takes {MAX_TEXT} characters at most")
        return {"text": content.text}
    if isinstance(content, TemplateMessage):
        raise PermanentAdapterError("send template: Messenger has no approved templates")
    if content.caption is not None:
        raise PermanentAdapterError("send media: Messenger attachments take no caption")
    payload: dict[str, Any] = (
        {"url": content.link, "is_reusable": False}
        if content.link
        else {"attachment_id": content.media_id}
    )
    return {"attachment": {"type": ATTACHMENT_TYPES[content.kind.value], "payload": payload}}
