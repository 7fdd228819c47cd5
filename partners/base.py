"""The adapter contract: one abstract base per capability, and the base of every
adapter's configuration.

A *notice channel* is a platform's trusted-flagger channel; a *handoff channel* is a
partner's referral intake; a *conversation channel* is a messaging channel young
people write on (WhatsApp, Messenger, the web chat, a plugin's SMS). An adapter is
built per call from its :class:`AdapterInfo` and its validated configuration, so
adapters hold no shared mutable state. What an adapter raises is in :mod:`partners.errors`.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Self

from pydantic import BaseModel, ConfigDict

from domain.catalog import AdapterInfo
from domain.channel_messages import (
    ChannelFeatures,
    ChannelReceipt,
    InboundBatch,
    MediaReference,
    OutboundChannelMessage,
)
from domain.notice import AttachmentLimits, NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus
from partners.channel_media import MediaStream
from partners.channel_webhooks import DEFAULT_MAX_WEBHOOK_BYTES, check_size
from partners.errors import SandboxUnavailable
from partners.notice_files import NoticeFile


class AdapterConfig(BaseModel):
    """Base of an adapter's configuration model.

    Secrets are ``SecretStr`` fields (never printed, never logged). String values may
    reference the environment as ``${VAR}``: the registry resolves them when it loads
    the adapter, so a configuration file never holds a secret itself.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def sandbox(self) -> Self:
        """The configuration that reaches this adapter's sandbox (test mode), used by
        ``POST /adapters/{slug}/test-notice`` and ``/test-handoff``. Override it;
        by default an adapter has none."""
        raise SandboxUnavailable("this adapter declares no sandbox")


class NoticeChannel(ABC):
    accepts_attachments: AttachmentLimits | None = None
    """What the channel takes beside a notice (a class attribute, or set per instance
    from the configuration); ``None``: the notice lists the evidence hashes only."""

    def __init__(self, info: AdapterInfo) -> None:
        self.info = info

    @abstractmethod
    async def submit_notice(
        self, request: SubmitNoticeRequest, attachments: Sequence[NoticeFile] = ()
    ) -> NoticeReceipt:
        """Send a notice. Must be idempotent on ``request.idempotency_key`` (a retry
        comes with the same files). ``attachments`` (sanitised copies, within
        :attr:`accepts_attachments`) are passed only to a channel that declares it."""

    @abstractmethod
    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        """The platform's decision, or None while it has not decided."""

    @abstractmethod
    async def is_content_online(self, location: ItemLocation) -> bool:
        """Our own check that the content is (still) reachable."""


class HandoffChannel(ABC):
    def __init__(self, info: AdapterInfo) -> None:
        self.info = info

    @abstractmethod
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        """Hand a referral over. Must be idempotent on ``request.idempotency_key``."""

    @abstractmethod
    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        """Where the partner stands with the referral."""


class ConversationChannel(ABC):
    """A messaging channel: receive a young person's messages from its webhooks, send
    them Relais' messages, fetch the media they sent.

    Receiving is pure (no I/O, no state): :meth:`receive` checks the body's size and
    :meth:`verify_webhook` (its signature) *before* :meth:`parse_webhook` reads it, and
    raises a :class:`~partners.channel_errors.WebhookRefused` naming the HTTP status
    the door answers. The same webhook delivered twice parses to the same ids (each
    event's ``event_id``): the door or the workflow drops the second.
    """

    features: ChannelFeatures  # what it can carry (a class attribute, or set per instance)

    def __init__(
        self, info: AdapterInfo, *, max_webhook_bytes: int = DEFAULT_MAX_WEBHOOK_BYTES
    ) -> None:
        self.info = info
        self.max_webhook_bytes = max_webhook_bytes

    def receive(self, body: bytes, headers: Mapping[str, str]) -> InboundBatch:
        """A webhook POST: size, then signature, then parsing. Use this, not parse."""
        check_size(body, self.max_webhook_bytes)
        self.verify_webhook(body, headers)
        return self.parse_webhook(body)

    @abstractmethod
    def answer_handshake(self, query: Mapping[str, str]) -> str:
        """A webhook GET (the channel's subscription check): the text to answer with
        200, or raise :class:`~partners.channel_errors.WebhookTokenMismatch` (403)."""

    @abstractmethod
    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Raise :class:`~partners.channel_errors.WebhookSignatureInvalid` unless the
        raw body is signed by the channel."""

    @abstractmethod
    def parse_webhook(self, body: bytes) -> InboundBatch:
        """Every event of a verified body. Pure: same bytes, same events."""

    @abstractmethod
    async def send(self, message: OutboundChannelMessage) -> ChannelReceipt:
        """Send one message, with ``message.idempotency_key`` where the channel echoes
        it. Raises the errors of :mod:`partners.channel_errors` and
        :mod:`partners.errors` (transient: retry; permanent: a person's task)."""

    @abstractmethod
    def fetch_media(
        self, media: MediaReference, *, max_bytes: int
    ) -> AbstractAsyncContextManager[MediaStream]:
        """Open the media's bytes as a stream of at most ``max_bytes``."""
