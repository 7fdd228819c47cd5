"""Declarative adapters: an ``[[adapter]]`` table of the configuration file on one
of the generic channels, ``http_json`` or ``email``, becomes an :class:`AdapterSpec`;
so does one more messaging channel of a built-in sort (``whatsapp``, ``messenger``:
another Meta app, with its own webhook ``/inbound/channels/<slug>``).

The table's common keys (slug, display name, kind, channel, delivery, retry,
decision SLA) describe the adapter; every other key is the channel's configuration,
validated (after ``${VAR}`` resolution) by the channel's model. A platform
(``kind = "platform"``) gets a notice channel, a messaging channel
(``kind = "messaging"``) a conversation channel, any other kind a handoff channel.
"""

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from domain.catalog import AdapterInfo, DeliveryMode, PartnerKind, RetryProfile
from partners.email_channel import (
    EmailHandoffChannel,
    EmailHandoffConfig,
    EmailNoticeChannel,
    EmailNoticeConfig,
)
from partners.http_json import HttpJsonHandoffChannel, HttpJsonNoticeChannel
from partners.http_json_config import HttpJsonHandoffConfig, HttpJsonNoticeConfig
from partners.messenger import MessengerChannel, MessengerConfig
from partners.problems import ConfigProblem, validation_problems
from partners.spec import AdapterSpec
from partners.whatsapp import WhatsAppChannel, WhatsAppConfig

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
COMMON_KEYS = ("slug", "display_name", "kind", "channel", "delivery", "retry", "decision_sla")
CHANNELS = ("http_json", "email", "whatsapp", "messenger")
MESSAGING_CHANNELS = ("whatsapp", "messenger")


class DeclaredAdapter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str

    @field_validator("slug")
    @classmethod
    def _slug(cls, slug: str) -> str:
        if not re.match(SLUG_PATTERN, slug):
            raise ValueError(
                "use 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter "
                "or digit (it appears in URLs and search attributes)"
            )
        return slug

    display_name: str = Field(min_length=1, max_length=200)
    kind: PartnerKind
    channel: Literal["http_json", "email", "whatsapp", "messenger"]
    delivery: DeliveryMode | None = None
    retry: RetryProfile = Field(default_factory=RetryProfile)
    decision_sla: timedelta | None = None


def adapter_name(table: Mapping[str, Any], index: int) -> str:
    """How problems name the adapter: its slug, or its position when it has none."""
    slug = table.get("slug")
    return slug if isinstance(slug, str) and slug else f"#{index + 1}"


def declare(
    table: Mapping[str, Any], where: str, index: int
) -> AdapterSpec[Any] | list[ConfigProblem]:
    name = adapter_name(table, index)

    def problem(field: str, message: str) -> ConfigProblem:
        return ConfigProblem(where=where, adapter=name, field=field, message=message)

    common = {key: value for key, value in table.items() if key in COMMON_KEYS}
    channel_config = {key: value for key, value in table.items() if key not in COMMON_KEYS}
    try:
        declared = DeclaredAdapter.model_validate(common)
    except ValidationError as exc:
        return [problem(field, message) for field, message in validation_problems(exc)]
    messaging = declared.kind is PartnerKind.MESSAGING
    if messaging != (declared.channel in MESSAGING_CHANNELS):
        if messaging:
            return [problem("channel", "a messaging channel is 'whatsapp' or 'messenger'")]
        return [problem("kind", f"must be 'messaging' for channel '{declared.channel}'")]
    delivery = declared.delivery or _default_delivery(declared, channel_config)
    if delivery is DeliveryMode.POLL and declared.channel == "http_json":
        needed = "decision" if declared.kind is PartnerKind.PLATFORM else "status"
        if needed not in channel_config:
            return [problem(needed, "required when delivery is 'poll' (the endpoint to poll)")]
    info = AdapterInfo(
        slug=declared.slug,
        display_name=declared.display_name,
        kind=declared.kind,
        delivery=delivery,
        retry=declared.retry,
        decision_sla=declared.decision_sla,
    )
    return _spec(declared, info, channel_config, where)


def _default_delivery(declared: DeclaredAdapter, config: Mapping[str, Any]) -> DeliveryMode:
    if declared.channel in MESSAGING_CHANNELS:
        return DeliveryMode.WEBHOOK
    if declared.channel == "email":
        return DeliveryMode.POLL
    polled = "decision" in config or "status" in config
    return DeliveryMode.POLL if polled else DeliveryMode.WEBHOOK


def _spec(
    declared: DeclaredAdapter, info: AdapterInfo, config: dict[str, Any], where: str
) -> AdapterSpec[Any]:
    platform = declared.kind is PartnerKind.PLATFORM
    common: dict[str, Any] = {"config": config, "source": where, "config_field": ""}
    if declared.channel == "whatsapp":
        return AdapterSpec(info, WhatsAppConfig, conversation_channel=WhatsAppChannel, **common)
    if declared.channel == "messenger":
        return AdapterSpec(info, MessengerConfig, conversation_channel=MessengerChannel, **common)
    if declared.channel == "email":
        if platform:
            return AdapterSpec(info, EmailNoticeConfig, notice_channel=EmailNoticeChannel, **common)
        return AdapterSpec(info, EmailHandoffConfig, handoff_channel=EmailHandoffChannel, **common)
    if platform:
        return AdapterSpec(
            info, HttpJsonNoticeConfig, notice_channel=HttpJsonNoticeChannel, **common
        )
    return AdapterSpec(
        info, HttpJsonHandoffConfig, handoff_channel=HttpJsonHandoffChannel, **common
    )
