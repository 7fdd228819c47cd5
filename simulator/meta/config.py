"""Configuration of the simulated Meta: the WhatsApp Cloud API and the Messenger Platform.

One ``ChannelConfig`` per channel, under the ``meta`` key of the simulator's config
file, overlaid at run time by ``PUT /_control/meta/{channel}`` (deep merges, like the
targets). It holds who Relais is to Meta (app secret, access token, verify token, the
business phone numbers or pages), where Meta posts its webhooks, and the knobs that
make Meta misbehave.

This module imports nothing else from the simulator: ``simulator.config`` embeds it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"


class OutageAnswer(StrEnum):
    """What a request gets during an outage: Meta's 503, or its connection cut."""

    UNAVAILABLE = "503"
    RESET = "reset"


class WindowErrorDelivery(StrEnum):
    """How a free-form WhatsApp message outside the customer-service window fails:
    refused at once (HTTP 400, code 131047), or accepted and then reported by a
    ``failed`` status webhook carrying 131047 (what the Cloud API usually does)."""

    SYNC = "sync"
    STATUS = "status"


class FaultScope(StrEnum):
    ALL = "all"
    POST = "post"
    GET = "get"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FaultWindow(_Strict):
    """On while ``active``, or while ``start <= now < until`` (either end optional)."""

    active: bool = False
    start: datetime | None = None
    until: datetime | None = None

    @field_validator("start", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def is_on(self, now: datetime) -> bool:
        if not (self.active or self.start or self.until):
            return False
        if self.start is not None and now < self.start:
            return False
        return self.until is None or now < self.until


class Outage(FaultWindow):
    answer: OutageAnswer = OutageAnswer.UNAVAILABLE


class BusinessNumber(_Strict):
    """A WhatsApp business phone number of the helpline."""

    phone_number_id: str = Field(pattern=r"^\d{1,20}$")
    display_phone_number: str = Field(pattern=r"^\d{4,20}$")


class Page(_Strict):
    """A Facebook Page of the helpline; ``access_token`` overrides the channel's."""

    page_id: str = Field(pattern=r"^\d{1,20}$")
    name: str = Field(default="", max_length=200)
    access_token: SecretStr | None = None


class Template(_Strict):
    """An approved WhatsApp message template (name and language code)."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")


class StatusDelays(_Strict):
    """Seconds after Meta accepted a message until each status webhook; ``null``: never.
    Messenger has no ``sent`` status (it sends ``delivery`` and ``read`` events)."""

    sent: float | None = Field(default=0.05, ge=0)
    delivered: float | None = Field(default=0.2, ge=0)
    read: float | None = Field(default=1.0, ge=0)


class ChannelConfig(_Strict):
    """What both channels share: webhooks to Relais, the Graph API's checks and faults."""

    webhook_url: str | None = Field(
        default=None, description="Full URL; default: webhook_base_url + webhook_path"
    )
    webhook_base_url: str | None = Field(
        default=None, description="Default: the simulator's webhook_base_url"
    )
    webhook_path: str = Field(default="/", pattern=r"^/")
    retry_delays: list[float] | None = Field(
        default=None,
        max_length=20,
        description="Pauses between webhook attempts; default: webhook_retry_delays",
    )
    app_secret: SecretStr = SecretStr("local-meta-app-secret")
    verify_token: SecretStr = SecretStr("local-meta-verify-token")
    access_token: SecretStr = SecretStr("local-meta-access-token")
    status_delays: StatusDelays = Field(default_factory=StatusDelays)
    window_seconds: float = Field(default=24 * 3600, gt=0)
    window_expired: bool = Field(default=False, description="Every user's window is closed")
    undeliverable: list[str] = Field(
        default_factory=list, description="Users whose messages are never delivered"
    )

    latency_ms: int = Field(default=0, ge=0, le=120_000)
    faults_on: FaultScope = FaultScope.ALL
    outage: Outage = Field(default_factory=Outage)
    rate_limit_window: FaultWindow = Field(
        default_factory=FaultWindow, description="A 429 storm: every request rate-limited"
    )
    rate_limit_next: int = Field(default=0, ge=0, description="Counts down")
    rate_limit_code: int = 4
    retry_after_seconds: int | None = Field(
        default=None, ge=0, description="Retry-After on rate-limit answers; null: no header"
    )
    fail_next: int = Field(default=0, ge=0, description="Counts down: transient 500s")
    lose_next_responses: int = Field(
        default=0, ge=0, description="Counts down: a send is recorded but answered 500"
    )
    lost_response_delay_seconds: float = Field(
        default=0.0, ge=0, le=120, description="How long a lost answer takes (a timeout)"
    )

    @field_validator("retry_delays")
    @classmethod
    def _non_negative(cls, delays: list[float] | None) -> list[float] | None:
        if delays is not None and any(delay < 0 for delay in delays):
            raise ValueError("delays must be >= 0")
        return delays


class WhatsAppConfig(ChannelConfig):
    webhook_path: str = Field(default="/inbound/channels/whatsapp", pattern=r"^/")
    app_secret: SecretStr = SecretStr("local-whatsapp-app-secret")
    verify_token: SecretStr = SecretStr("local-whatsapp-verify-token")
    access_token: SecretStr = SecretStr("local-whatsapp-access-token")
    business_account_id: str = Field(default="100000000003018", pattern=r"^\d{1,20}$")
    phone_numbers: list[BusinessNumber] = Field(
        default_factory=lambda: [
            BusinessNumber(phone_number_id="110000000003018", display_phone_number="33700003018")
        ],
        min_length=1,
    )
    templates: list[Template] = Field(
        default_factory=lambda: [
            Template(name="reprise_contact", language="fr"),
            Template(name="nouvelles_signalement", language="fr"),
            Template(name="reprise_contact", language="en"),
            Template(name="nouvelles_signalement", language="en"),
        ]
    )
    window_error: WindowErrorDelivery = WindowErrorDelivery.SYNC
    rate_limit_code: int = Field(default=130429, description="130429, 131056, 80007 or 4")
    media_url_ttl_seconds: int = Field(default=300, ge=1)

    def number(self, phone_number_id: str) -> BusinessNumber | None:
        return next((n for n in self.phone_numbers if n.phone_number_id == phone_number_id), None)


class MessengerConfig(ChannelConfig):
    webhook_path: str = Field(default="/inbound/channels/messenger", pattern=r"^/")
    app_secret: SecretStr = SecretStr("local-messenger-app-secret")
    verify_token: SecretStr = SecretStr("local-messenger-verify-token")
    access_token: SecretStr = SecretStr("local-messenger-page-token")
    app_id: str = Field(default="200000000003018", pattern=r"^\d{1,20}$")
    pages: list[Page] = Field(
        default_factory=lambda: [Page(page_id="120000000003018", name="3018")], min_length=1
    )
    status_delays: StatusDelays = Field(default_factory=lambda: StatusDelays(sent=None))
    human_agent_window_seconds: float = Field(default=7 * 24 * 3600, gt=0)
    echoes: bool = Field(default=False, description="Send message_echoes for each send")
    rate_limit_code: int = Field(default=613, description="613 or 4")

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.page_id == page_id), None)

    def token_of(self, page: Page) -> str:
        token = page.access_token or self.access_token
        return token.get_secret_value()


class MetaConfig(_Strict):
    public_base_url: str | None = Field(
        default=None,
        description="How Relais reaches the simulator in media URLs; default: the request's",
    )
    whatsapp: WhatsAppConfig = Field(default_factory=WhatsAppConfig)
    messenger: MessengerConfig = Field(default_factory=MessengerConfig)

    def channel(self, channel: Channel) -> ChannelConfig:
        return self.whatsapp if channel is Channel.WHATSAPP else self.messenger


CHANNEL_MODELS: dict[Channel, type[ChannelConfig]] = {
    Channel.WHATSAPP: WhatsAppConfig,
    Channel.MESSENGER: MessengerConfig,
}


def plain(value: Any) -> Any:
    """A config as JSON-ready data *with* its secrets: what the journal keeps and what a
    partial update merges into (``model_dump(mode="json")`` would mask them)."""
    if isinstance(value, BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
