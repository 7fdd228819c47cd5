"""Adapters of the example plugin.

Everything Relais needs is in the two ``AdapterSpec`` returned by :func:`adapters`:
who the adapter is (slug, name, kind), how decisions come back (webhook or poll),
how to retry it, its configuration model, and the channel class that does the work.
Relais builds a fresh channel per call from the validated configuration.

Both channels speak the reference REST contract (docs/simulator.md), so the local
simulator plays them; a real integration changes the requests, not the structure.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import httpx
from pydantic import Field, SecretStr

from partners.plugin import (
    AdapterConfig,
    AdapterInfo,
    AdapterSpec,
    Decision,
    DeliveryMode,
    HandoffChannel,
    HandoffReceipt,
    HandoffRequest,
    HandoffStatus,
    ItemLocation,
    NoticeChannel,
    NoticeDecision,
    NoticeFile,
    NoticeReceipt,
    PartnerKind,
    PermanentAdapterError,
    ReferralStatus,
    RetryProfile,
    SandboxUnavailable,
    SubmitNoticeRequest,
    TransientAdapterError,
    notice_body,
)


class AcmeConfig(AdapterConfig):
    """Configuration of both adapters. Override it per slug in the Relais adapter
    configuration file, secrets as ``${ENV_VAR}``::

        [overrides.acme-social]
        config = { base_url = "https://tf.acme.example", api_key = "${ACME_API_KEY}" }
    """

    base_url: str = Field(default="http://127.0.0.1:8100", min_length=1)
    api_key: SecretStr | None = Field(default=None, description="Sent as X-Api-Key")
    sandbox_url: str | None = Field(default="http://127.0.0.1:8100")
    timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    def sandbox(self) -> Self:
        if self.sandbox_url is None:
            raise SandboxUnavailable("no sandbox_url is configured")
        return self.model_copy(update={"base_url": self.sandbox_url})


class _Client:
    """HTTP with the error contract Relais expects: transient errors are retried
    (per the retry profile), permanent ones become a counsellor task. Messages
    must hold no personal data: never echo a URL or a name."""

    def __init__(self, slug: str, config: AcmeConfig) -> None:
        self._slug = slug
        self._config = config

    async def call(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"User-Agent": "relais-partner-example/0.1", **kwargs.pop("headers", {})}
        if self._config.api_key is not None:
            headers["X-Api-Key"] = self._config.api_key.get_secret_value()
        try:
            async with httpx.AsyncClient(
                base_url=self._config.base_url, timeout=self._config.timeout_seconds
            ) as client:
                response = await client.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise TransientAdapterError(f"{what}: {self._slug} unreachable") from exc
        if response.status_code == 429 or response.status_code >= 500:
            seconds = response.headers.get("retry-after", "")
            delay = timedelta(seconds=int(seconds)) if seconds.isdigit() else None
            raise TransientAdapterError(f"{what}: answered {response.status_code}", delay)
        if response.status_code >= 400:
            raise PermanentAdapterError(
                f"{what}: refused ({response.status_code})", response.status_code
            )
        data: dict[str, Any] = response.json()
        return data


class AcmeSocialNotices(NoticeChannel):
    def __init__(self, info: AdapterInfo, config: AcmeConfig) -> None:
        super().__init__(info)
        self._http = _Client(info.slug, config)

    async def submit_notice(
        self, request: SubmitNoticeRequest, attachments: Sequence[NoticeFile] = ()
    ) -> NoticeReceipt:
        # Declares no ``accepts_attachments``: Relais never passes files, the notice
        # lists the evidence hashes.
        data = await self._http.call(
            "POST",
            f"/platforms/{self.info.slug}/notices",
            "submit notice",
            json=notice_body(request),  # the DSA Art. 16 notice Relais builds
            headers={"Idempotency-Key": request.idempotency_key},  # no double notice
        )
        return NoticeReceipt(platform_reference=str(data["reference"]))

    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        data = await self._http.call(
            "GET", f"/platforms/{self.info.slug}/notices/{platform_reference}", "fetch decision"
        )
        if data.get("status") not in {d.value for d in Decision}:
            return None
        return NoticeDecision(
            decision=Decision(data["status"]),
            reason=data.get("reason"),
            decided_at=datetime.fromisoformat(data["decided_at"])
            if data.get("decided_at")
            else datetime.now(UTC),
            platform_reference=platform_reference,
        )

    async def is_content_online(self, location: ItemLocation) -> bool:
        data = await self._http.call(
            "GET",
            f"/platforms/{self.info.slug}/content",
            "check content",
            params=location.model_dump(exclude_none=True),
        )
        return bool(data["online"])


class EntraideJeunesHandoffs(HandoffChannel):
    def __init__(self, info: AdapterInfo, config: AcmeConfig) -> None:
        super().__init__(info)
        self._http = _Client(info.slug, config)

    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        package = request.package
        body = {
            "referral_id": package.referral_id,
            "idempotency_key": request.idempotency_key,
            "age_band": package.age_band.value,
            "categories": [c.value for c in package.categories],
            "urgency": package.urgency.value,
            "legal_basis": package.legal_basis.value,
            # Contact details travel only when the case put them in the package.
            "contact": package.contact.model_dump(exclude_none=True) if package.contact else None,
        }
        data = await self._http.call(
            "POST",
            f"/partners/{self.info.slug}/handoffs",
            "hand over",
            json=body,
            headers={"Idempotency-Key": request.idempotency_key},
        )
        return HandoffReceipt(partner_reference=str(data["reference"]))

    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        data = await self._http.call(
            "GET", f"/partners/{self.info.slug}/handoffs/{partner_reference}", "fetch status"
        )
        return HandoffStatus(
            status=ReferralStatus(data["status"]),
            partner_reference=partner_reference,
            detail=data.get("detail"),
        )


def adapters() -> list[AdapterSpec[AcmeConfig]]:
    """The entry point ``relais.partners = acme`` names this function."""
    return [
        AdapterSpec(
            AdapterInfo(
                slug="acme-social",
                display_name="Acme Social",
                kind=PartnerKind.PLATFORM,
                delivery=DeliveryMode.WEBHOOK,  # Acme posts its decisions to our webhook
                # A small platform: often down for a few hours, back within a day.
                retry=RetryProfile(
                    initial_interval=timedelta(seconds=5),
                    maximum_interval=timedelta(minutes=30),
                    give_up_after=timedelta(days=2),
                    attempt_timeout=timedelta(seconds=20),
                ),
                decision_sla=timedelta(hours=24),
            ),
            AcmeConfig,
            notice_channel=AcmeSocialNotices,
        ),
        AdapterSpec(
            AdapterInfo(
                slug="entraide-jeunes",
                display_name="Entraide Jeunes (association d'aide aux victimes)",
                kind=PartnerKind.VICTIM_SUPPORT,
                delivery=DeliveryMode.WEBHOOK,
                # Volunteers' server, offline some weekends: keep trying for 4 days.
                retry=RetryProfile(
                    initial_interval=timedelta(seconds=30),
                    maximum_interval=timedelta(hours=2),
                    give_up_after=timedelta(days=4),
                ),
            ),
            AcmeConfig,
            handoff_channel=EntraideJeunesHandoffs,
        ),
    ]
