"""Adapters for partners that speak Relais' reference REST contract (the one the
simulator plays; see docs/simulator.md): notices under ``/platforms/{slug}`` and
handoffs under ``/partners/{slug}``, idempotent on the ``Idempotency-Key`` header."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

import httpx
from pydantic import Field, SecretStr

from domain.catalog import AdapterInfo
from domain.notice import Decision, NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus, ReferralStatus
from partners.base import AdapterConfig, HandoffChannel, NoticeChannel
from partners.errors import SandboxUnavailable
from partners.http_support import PARTNER_CLIENTS, USER_AGENT, json_object, send
from partners.notice_content import notice_body
from partners.notice_files import (
    AttachmentEncoding,
    DeclaredAttachments,
    NoticeFile,
    json_attachments,
    multipart_parts,
)


def _stated_time(value: object) -> datetime | None:
    """A time the partner stated (ISO 8601), or None when it stated none."""
    return datetime.fromisoformat(str(value)) if value else None


class RestChannelConfig(AdapterConfig):
    base_url: str = Field(min_length=1, description="Root of the partner's REST contract")
    api_token: SecretStr | None = Field(default=None, description="Sent as a bearer token")
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    sandbox_url: str | None = Field(default=None, description="Root of the partner's sandbox")
    attachments: DeclaredAttachments = Field(
        default=None,
        description="Platforms: the files the channel takes beside a notice, and how "
        "(multipart or base64 in the JSON body); none: the evidence hashes only",
    )

    def sandbox(self) -> Self:
        if self.sandbox_url is None:
            raise SandboxUnavailable("no sandbox_url is configured")
        return self.model_copy(update={"base_url": self.sandbox_url})


class _RestClient:
    def __init__(self, info: AdapterInfo, config: RestChannelConfig) -> None:
        self._info = info
        self._config = config

    def client(self) -> httpx.AsyncClient:
        headers = {"User-Agent": USER_AGENT}
        if self._config.api_token is not None:
            headers["Authorization"] = f"Bearer {self._config.api_token.get_secret_value()}"
        return PARTNER_CLIENTS.client(
            str(self._config.base_url), headers, self._config.timeout_seconds
        )

    async def request(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        response = await send(self.client(), method, path, what, self._info.slug, **kwargs)
        return json_object(response, what)


class RestNoticeChannel(NoticeChannel):
    def __init__(self, info: AdapterInfo, config: RestChannelConfig) -> None:
        super().__init__(info)
        self._http = _RestClient(info, config)
        self._attachments = config.attachments
        self.accepts_attachments = config.attachments

    async def submit_notice(
        self, request: SubmitNoticeRequest, attachments: Sequence[NoticeFile] = ()
    ) -> NoticeReceipt:
        body = notice_body(request)
        channel, files = self._attachments, list(attachments)
        if not files or channel is None:
            content: dict[str, Any] = {"json": body}
        elif channel.encoding is AttachmentEncoding.MULTIPART:
            content = {"files": multipart_parts(body, files, channel)}
        else:
            content = {"json": {**body, channel.field: json_attachments(files)}}
        data = await self._http.request(
            "POST",
            f"/platforms/{self.info.slug}/notices",
            "submit notice",
            headers={"Idempotency-Key": request.idempotency_key},
            **content,
        )
        return NoticeReceipt(
            platform_reference=str(data["reference"]),
            received_at=_stated_time(data.get("received_at")),
        )

    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        data = await self._http.request(
            "GET", f"/platforms/{self.info.slug}/notices/{platform_reference}", "fetch decision"
        )
        status = data.get("status")
        if status in (None, "pending", "received", "acknowledged"):
            return None
        reference = data.get("decision_reference")
        return NoticeDecision(
            decision=Decision(status),
            reason=data.get("reason"),
            decided_at=_stated_time(data.get("decided_at")),
            platform_reference=platform_reference,
            decision_reference=str(reference) if reference else None,
        )

    async def is_content_online(self, location: ItemLocation) -> bool:
        params = location.model_dump(exclude_none=True)
        data = await self._http.request(
            "GET", f"/platforms/{self.info.slug}/content", "check content", params=params
        )
        return bool(data["online"])


class RestHandoffChannel(HandoffChannel):
    def __init__(self, info: AdapterInfo, config: RestChannelConfig) -> None:
        super().__init__(info)
        self._http = _RestClient(info, config)

    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        body = request.package.model_dump(mode="json", exclude_none=True)
        body["idempotency_key"] = request.idempotency_key
        data = await self._http.request(
            "POST",
            f"/partners/{self.info.slug}/handoffs",
            "hand over referral",
            json=body,
            headers={"Idempotency-Key": request.idempotency_key},
        )
        return HandoffReceipt(
            partner_reference=str(data["reference"]),
            status=ReferralStatus(data.get("status", ReferralStatus.ACKNOWLEDGED)),
        )

    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        data = await self._http.request(
            "GET", f"/partners/{self.info.slug}/handoffs/{partner_reference}", "fetch status"
        )
        return HandoffStatus(
            status=ReferralStatus(data["status"]),
            partner_reference=partner_reference,
            detail=data.get("detail"),
        )
