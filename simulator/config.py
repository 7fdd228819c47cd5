"""Configuration of the simulator: per-target knobs and the app-wide settings.

A *target* is a platform or a partner, named by its slug. Its effective config is
the built-in defaults, overlaid by the file's ``defaults``, overlaid by the file's
``targets[slug]`` entry, overlaid by every ``PUT /_control/targets/{slug}``.
Overlays are deep merges of JSON objects, so a partial update never resets the
fields it does not name; ``null`` clears a field back to its built-in default.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from simulator.basics import deep_merge, field_errors
from simulator.meta.config import MetaConfig


class PlatformDecision(StrEnum):
    """What a platform decides on a notice; ``none`` never decides."""

    REMOVED = "removed"
    RESTRICTED = "restricted"
    REFUSED = "refused"
    NONE = "none"


class PartnerOutcome(StrEnum):
    """What a partner's handoff becomes after its acknowledgement; ``none`` stays acknowledged."""

    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"
    NONE = "none"


class Delivery(StrEnum):
    WEBHOOK = "webhook"
    POLL = "poll"


class FaultScope(StrEnum):
    """Which requests the transient faults (latency, errors, 429, outage) hit."""

    ALL = "all"
    POST = "post"
    GET = "get"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RateLimit(_Strict):
    """Every ``every``-th request to the target is answered 429."""

    every: int = Field(ge=1)
    retry_after_seconds: int = Field(default=1, ge=0)


class Outage(_Strict):
    """The target answers 503 while ``active`` or while ``start <= now < until``.

    ``{"active": true}`` is down until switched off; ``{"until": T}`` is down from now
    until T; ``{"start": S, "until": T}`` is a planned maintenance window.
    """

    active: bool = False
    start: datetime | None = None
    until: datetime | None = None

    @field_validator("start", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def is_down(self, now: datetime) -> bool:
        if not (self.active or self.start or self.until):
            return False
        if self.start is not None and now < self.start:
            return False
        return self.until is None or now < self.until


class AttachmentEncoding(StrEnum):
    """How a platform's notice form takes files: a web form's upload, or base64 in JSON."""

    MULTIPART = "multipart"
    JSON_BASE64 = "json_base64"


class Attachments(_Strict):
    """A platform whose notice channel takes files beside the notice, and how."""

    encoding: AttachmentEncoding = AttachmentEncoding.MULTIPART
    max_files: int = Field(default=5, ge=1, le=50)
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, description="Per file")
    media_types: list[str] = Field(
        default_factory=lambda: ["image/png", "image/jpeg"], min_length=1
    )


MB = 1024 * 1024
_META_FORM = {
    "encoding": "json_base64",
    "max_files": 3,
    "max_bytes": 4 * MB,
    "media_types": ["image/png", "image/jpeg"],
}
BUILTIN_TARGETS: dict[str, dict[str, Any]] = {
    # The platforms whose notice channel takes files (Relais' partners/builtin.py
    # declares the same): TikTok a web form's upload, Facebook and Instagram base64 in
    # JSON. Under the file's defaults and targets.
    "tiktok": {
        "attachments": {
            "encoding": "multipart",
            "max_files": 5,
            "max_bytes": 10 * MB,
            "media_types": ["image/png", "image/jpeg", "image/webp", "application/pdf"],
        }
    },
    "facebook": {"attachments": _META_FORM},
    "instagram": {"attachments": _META_FORM},
}


class TargetConfig(_Strict):
    """Every knob of one platform or partner. All have defaults; any slug works."""

    delivery: Delivery = Delivery.WEBHOOK
    webhook_url: str | None = Field(
        default=None, description="Default: webhook_base_url + /webhooks/{platforms|partners}/slug"
    )
    decision: PlatformDecision = PlatformDecision.REMOVED
    decision_reason: str | None = Field(default=None, max_length=2000)
    decision_delay_seconds: float = Field(default=1.0, ge=0)
    outcome: PartnerOutcome = PartnerOutcome.ACCEPTED
    outcome_detail: str | None = Field(default=None, max_length=2000)
    content_stays_online: bool = False
    attachments: Attachments | None = Field(
        default=None, description="Platforms: files taken beside a notice; null: none"
    )

    latency_ms: int = Field(default=0, ge=0, le=120_000)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    rate_limit: RateLimit | None = None
    status_429_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after_seconds: int = Field(default=1, ge=0)
    outage: Outage = Field(default_factory=Outage)
    faults_on: FaultScope = FaultScope.ALL
    reject_with: int | None = Field(default=None, ge=400, le=599)
    reject_reason: str = Field(default="rejected by the simulator", max_length=2000)
    lose_response_rate: float = Field(default=0.0, ge=0, le=1)

    fail_next: int = Field(default=0, ge=0, description="Counts down: the next N requests get 503")
    rate_limit_next: int = Field(default=0, ge=0, description="Counts down: the next N get 429")
    lose_next_responses: int = Field(
        default=0, ge=0, description="Counts down: the next N POSTs are processed, answered 500"
    )
    seed: int = 0


class SimulatorConfig(BaseModel):
    """What the app is built from: file content plus command-line/env settings."""

    model_config = ConfigDict(extra="forbid")

    webhook_base_url: str = "http://127.0.0.1:8000"
    webhook_secret: SecretStr = SecretStr("local-webhook-secret")
    webhook_retry_delays: list[float] = Field(
        default_factory=lambda: [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0],
        max_length=20,
        description="Pauses between webhook attempts: 8 tries over about a minute",
    )
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    defaults: dict[str, Any] = Field(
        default_factory=dict, description="Partial TargetConfig applied to every target"
    )
    targets: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Partial TargetConfig per slug, over the defaults"
    )
    meta: MetaConfig = Field(
        default_factory=MetaConfig, description="The simulated WhatsApp and Messenger"
    )

    @field_validator("webhook_retry_delays")
    @classmethod
    def _non_negative(cls, delays: list[float]) -> list[float]:
        if any(delay < 0 for delay in delays):
            raise ValueError("delays must be >= 0")
        return delays

    @model_validator(mode="after")
    def _targets_valid(self) -> SimulatorConfig:
        """Fail at start, naming ``targets.<slug>.<field>``, rather than on first use."""
        for name, slug in [("defaults", None), *((f"targets.{s}", s) for s in self.targets)]:
            try:
                self.target_config(slug)
            except ValidationError as exc:
                raise ValueError(f"{name}: {field_errors(exc)}") from None
        return self

    def target_config(self, slug: str | None) -> TargetConfig:
        """The effective config of ``slug`` at start (before any control update)."""
        builtin, own = (
            (BUILTIN_TARGETS.get(slug, {}), self.targets.get(slug, {})) if slug else ({}, {})
        )
        layered = deep_merge(deep_merge(builtin, self.defaults), own)
        return TargetConfig.model_validate(layered)


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a JSON or TOML config file (chosen by its suffix) into a dict."""
    text = path.read_text(encoding="utf-8")
    data: Any = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be an object")
    return data
