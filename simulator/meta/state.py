"""What the simulated Meta holds: its live config, the young people's conversation
windows, the messages Relais sent through the Graph API, media, and the logs.

Like ``simulator.state``, everything runs on one event loop and nothing here awaits
between reading and writing, so no lock is needed.
"""

from __future__ import annotations

import base64
import hashlib
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from simulator.meta.config import Channel, ChannelConfig, MetaConfig


class SentMessage(BaseModel):
    """A message the Graph API accepted from Relais for a young person."""

    channel: Channel
    user: str = Field(description="wa_id (WhatsApp) or PSID (Messenger)")
    business: str = Field(description="phone_number_id (WhatsApp) or page id (Messenger)")
    message_id: str
    type: str
    text: str | None = None
    template: dict[str, Any] | None = None
    media: dict[str, Any] | None = None
    choices: list[dict[str, str]] | None = Field(
        default=None,
        description="Buttons to answer it ({id, title}): WhatsApp reply buttons, Messenger "
        "quick replies (a tap: /_control/meta/{channel}/users/{user}/tap)",
    )
    reference: str | None = Field(
        default=None,
        description="Relais' own reference: biz_opaque_callback_data / message.metadata",
    )
    messaging_type: str | None = None
    tag: str | None = None
    received_at: datetime
    duplicate: bool = Field(description="An earlier accepted send had the same reference")
    status: str = Field(default="accepted", description="accepted, sent, delivered, read, failed")
    error_code: int | None = None
    body: dict[str, Any]


class InboundMessage(BaseModel):
    """A message a simulated young person wrote: the exact webhook Meta posted."""

    channel: Channel
    user: str
    business: str
    message_id: str
    type: str
    at: datetime
    body: str = Field(description="The raw webhook body, as signed")
    signature: str = Field(description="X-Hub-Signature-256 as first sent")
    media_id: str | None = Field(default=None, description="The file it carried, if any")


class MediaItem(BaseModel):
    """A file a young person sent (or a test uploaded): generated from a seed or given."""

    id: str
    mime_type: str
    file_size: int
    sha256: str = Field(description="Hex SHA-256 of the bytes")
    filename: str | None = None
    seed: str | None = None
    content_b64: str | None = Field(default=None, description="Given bytes (uploads)")
    url_generation: int = Field(
        default=0, description="Bumped when its URLs expire: URLs signed before no longer serve"
    )

    def content(self) -> bytes:
        if self.content_b64 is not None:
            return base64.b64decode(self.content_b64)
        return generate_bytes(self.mime_type, self.file_size, self.seed or self.id)

    @property
    def sha256_b64(self) -> str:
        """The form WhatsApp's webhooks carry (base64 of the digest)."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


class PendingWebhook(BaseModel):
    """A webhook owed to Relais: sent when due, retried until Relais answers 200."""

    id: str
    channel: Channel
    kind: str = Field(description="message, status, delivery, read, echo")
    message_id: str
    user: str
    body: str
    due_at: datetime
    signature: str | None = Field(default=None, description="Fixed for a replay")
    status: str | None = Field(default=None, description="The status it reports, if any")


class GraphRequest(BaseModel):
    """One request Relais made to the Graph API (never its body)."""

    at: datetime
    channel: Channel | None
    method: str
    path: str
    kind: str = Field(description="send, media_info, media_download, message_attachments")
    status: int
    fault: str | None = None
    error_code: int | None = None
    message_id: str | None = None
    reference: str | None = None


class WebhookAttempt(BaseModel):
    at: datetime
    channel: Channel
    kind: str
    webhook_id: str
    message_id: str | None
    url: str
    attempt: int
    status_code: int | None = None
    error: str | None = None
    delivered: bool
    payload: Any = None


@dataclass
class UserState:
    """One young person on one channel: when they last wrote, per business number/page."""

    last_inbound: dict[str, datetime] = field(default_factory=dict)
    undeliverable: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "last_inbound": {b: at.isoformat() for b, at in sorted(self.last_inbound.items())},
            "undeliverable": self.undeliverable,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserState:
        last = {b: datetime.fromisoformat(at) for b, at in data.get("last_inbound", {}).items()}
        return cls(last_inbound=last, undeliverable=bool(data.get("undeliverable", False)))


class MetaState:
    def __init__(self, config: MetaConfig) -> None:
        self.start_config = config
        self.live = config.model_copy(deep=True)
        self.configured: set[Channel] = set()  # changed at run time: journaled
        self.users: dict[tuple[Channel, str], UserState] = {}
        self.sent: list[SentMessage] = []  # in order; add with ``add_sent``
        self._sent_by_id: dict[str, SentMessage] = {}
        self._references: set[tuple[Channel, str, str]] = set()
        self.inbound: dict[str, InboundMessage] = {}
        self.media: dict[str, MediaItem] = {}
        self.pending: dict[str, PendingWebhook] = {}
        self.requests: list[GraphRequest] = []
        self.webhooks: list[WebhookAttempt] = []

    def channel(self, channel: Channel) -> ChannelConfig:
        return self.live.channel(channel)

    def set_channel(self, channel: Channel, config: ChannelConfig) -> None:
        self.live = self.live.model_copy(update={channel.value: config})
        self.configured.add(channel)

    def user(self, channel: Channel, user: str) -> UserState:
        """The young person's settings, created to be changed."""
        return self.users.setdefault((channel, user), UserState())

    def peek_user(self, channel: Channel, user: str) -> UserState:
        """The young person's settings, to be read (no entry kept for a stranger)."""
        return self.users.get((channel, user)) or UserState()

    def add_sent(self, message: SentMessage) -> None:
        """Record an accepted send; ``duplicate`` if its reference was accepted before
        for the same young person."""
        if message.reference is not None:
            key = (message.channel, message.user, message.reference)
            message.duplicate = message.duplicate or key in self._references
            self._references.add(key)
        self.sent.append(message)
        self._sent_by_id[message.message_id] = message

    def find_sent(self, message_id: str) -> SentMessage | None:
        return self._sent_by_id.get(message_id)

    def reset(self, reset_config: bool) -> None:
        if reset_config:
            self.live = self.start_config.model_copy(deep=True)
            self.configured.clear()
        self.users.clear()
        self.sent.clear()
        self._sent_by_id.clear()
        self._references.clear()
        self.inbound.clear()
        self.media.clear()
        self.pending.clear()
        self.requests.clear()
        self.webhooks.clear()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def generate_bytes(mime_type: str, size: int, seed: str) -> bytes:
    """``size`` deterministic bytes for ``seed``; for ``image/png`` a valid 1x1 PNG padded
    with a private chunk, so an image library opens it."""
    filler = random.Random(f"meta-media:{seed}").randbytes
    if mime_type == "image/png":
        png = _tiny_png(size, filler)
        if png is not None:
            return png
    return filler(size)


def _tiny_png(size: int, filler: Callable[[int], bytes]) -> bytes | None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\x2a\x5f\x8c"))
    end = chunk(b"IEND", b"")
    fixed = len(PNG_SIGNATURE) + len(header) + len(pixels) + len(end)
    padding = size - fixed - 12  # a chunk's length, type and CRC
    if padding < 0:
        return None
    return PNG_SIGNATURE + header + pixels + chunk(b"siMz", filler(padding)) + end


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
