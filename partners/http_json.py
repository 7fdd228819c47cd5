"""The generic HTTP-JSON channel: a platform or partner described entirely by
configuration (:mod:`partners.http_json_config`)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from domain.catalog import AdapterInfo
from domain.notice import Decision, NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus, ReferralStatus
from partners.base import HandoffChannel, NoticeChannel
from partners.errors import PermanentAdapterError, scrub
from partners.http_json_config import (
    PENDING,
    Endpoint,
    HttpJsonConfig,
    HttpJsonHandoffConfig,
    HttpJsonNoticeConfig,
    SubmitEndpoint,
)
from partners.http_support import PARTNER_CLIENTS, USER_AGENT, json_object, send
from partners.mapping import HandoffDocument, NoticeDocument, build_payload, get_path
from partners.notice_files import (
    AttachmentChannel,
    AttachmentEncoding,
    NoticeFile,
    json_attachments,
    multipart_parts,
)
from partners.url_probe import probe_location


class _Http:
    def __init__(self, info: AdapterInfo, config: HttpJsonConfig) -> None:
        self._slug = info.slug
        self._config = config

    def _client(self) -> httpx.AsyncClient:
        headers = {"User-Agent": USER_AGENT, **self._config.headers}
        if self._config.auth is not None:
            headers[self._config.auth.header] = self._config.auth.value.get_secret_value()
        return PARTNER_CLIENTS.client(
            str(self._config.base_url), headers, self._config.timeout_seconds
        )

    async def call(
        self, endpoint: Endpoint, what: str, reference: str = "", **kwargs: Any
    ) -> dict[str, Any]:
        path = endpoint.path.replace("{reference}", reference)
        response = await send(self._client(), endpoint.method, path, what, self._slug, **kwargs)
        if not response.content:
            return {}
        return json_object(response, what)

    async def submit(
        self,
        endpoint: SubmitEndpoint,
        document: dict[str, Any],
        default_body: dict[str, Any],
        files: Sequence[NoticeFile] = (),
        channel: AttachmentChannel | None = None,
    ) -> dict[str, Any]:
        body = default_body if endpoint.body is None else build_payload(endpoint.body, document)
        headers = {}
        if endpoint.idempotency_header:
            headers[endpoint.idempotency_header] = str(document["idempotency_key"])
        what = f"submit to {self._slug}"
        if not files or channel is None:
            return await self.call(endpoint, what, json=body, headers=headers)
        if channel.encoding is AttachmentEncoding.MULTIPART:
            parts = multipart_parts(body, list(files), channel)
            return await self.call(endpoint, what, files=parts, headers=headers)
        body = {**body, channel.field: json_attachments(list(files))}
        return await self.call(endpoint, what, json=body, headers=headers)


def _reference(data: dict[str, Any], path: str, what: str) -> str:
    value = get_path(data, path)
    if value in (None, ""):
        raise PermanentAdapterError(f"{what}: the answer has no reference at '{path}'")
    return str(value)


def _text(data: dict[str, Any], path: str | None) -> str | None:
    value = get_path(data, path) if path else None
    return None if value is None else str(value)


class HttpJsonNoticeChannel(NoticeChannel):
    def __init__(self, info: AdapterInfo, config: HttpJsonNoticeConfig) -> None:
        super().__init__(info)
        self._config = config
        self._http = _Http(info, config)
        self.accepts_attachments = config.attachments

    async def submit_notice(
        self, request: SubmitNoticeRequest, attachments: Sequence[NoticeFile] = ()
    ) -> NoticeReceipt:
        document = NoticeDocument.of(request)
        data = await self._http.submit(
            self._config.submit,
            document.model_dump(mode="json"),
            document.dsa,
            attachments,
            self._config.attachments,
        )
        received_at = _text(data, self._config.submit.received_at)
        return NoticeReceipt(
            platform_reference=_reference(data, self._config.submit.reference, "submit notice"),
            received_at=datetime.fromisoformat(received_at) if received_at else None,
        )

    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        endpoint = self._config.decision
        if endpoint is None:
            return None  # decisions come by webhook only
        data = await self._http.call(endpoint, "fetch decision", platform_reference)
        raw = _text(data, endpoint.decision)
        if raw is None:
            return None
        value = endpoint.values.get(raw, raw)
        if value == PENDING or value in ("received", "acknowledged"):
            return None
        try:
            decision = Decision(value)
        except ValueError:
            raise PermanentAdapterError(
                f"fetch decision: unknown decision '{scrub(raw, 40)}' (map it in decision.values)"
            ) from None
        decided_at = _text(data, endpoint.decided_at)
        return NoticeDecision(
            decision=decision,
            reason=(_text(data, endpoint.reason) or None),
            decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
            platform_reference=platform_reference,
            decision_reference=_text(data, endpoint.decision_reference),
        )

    async def is_content_online(self, location: ItemLocation) -> bool:
        endpoint = self._config.content
        if endpoint is None:
            return await probe_location(
                location,
                self._config.timeout_seconds,
                allowed_networks=self._config.probe_allowed_networks,
            )
        document = {"item": {"location": location.model_dump(exclude_none=True)}}
        params = build_payload(endpoint.query, document)
        data = await self._http.call(endpoint, "check content", params=params)
        online = get_path(data, endpoint.online)
        if not isinstance(online, bool):
            raise PermanentAdapterError(f"check content: no true/false at '{endpoint.online}'")
        return online


class HttpJsonHandoffChannel(HandoffChannel):
    def __init__(self, info: AdapterInfo, config: HttpJsonHandoffConfig) -> None:
        super().__init__(info)
        self._config = config
        self._http = _Http(info, config)

    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        document = HandoffDocument.of(request)
        default_body = {
            **request.package.model_dump(mode="json", exclude_none=True),
            "idempotency_key": request.idempotency_key,
        }
        data = await self._http.submit(
            self._config.submit, document.model_dump(mode="json"), default_body
        )
        status = self._status(data, self._config.status.status if self._config.status else None)
        return HandoffReceipt(
            partner_reference=_reference(data, self._config.submit.reference, "hand over"),
            status=status or ReferralStatus.ACKNOWLEDGED,
        )

    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        endpoint = self._config.status
        if endpoint is None:  # statuses come by webhook only: nothing new to report
            return HandoffStatus(
                status=ReferralStatus.ACKNOWLEDGED, partner_reference=partner_reference
            )
        data = await self._http.call(endpoint, "fetch status", partner_reference)
        status = self._status(data, endpoint.status)
        if status is None:
            raise PermanentAdapterError(f"fetch status: the answer has no '{endpoint.status}'")
        return HandoffStatus(
            status=status,
            partner_reference=partner_reference,
            detail=_text(data, endpoint.detail),
        )

    def _status(self, data: dict[str, Any], path: str | None) -> ReferralStatus | None:
        raw = _text(data, path)
        if raw is None:
            return None
        values = self._config.status.values if self._config.status else {}
        try:
            return values.get(raw) or ReferralStatus(raw)
        except ValueError:
            raise PermanentAdapterError(
                f"unknown partner status '{scrub(raw, 40)}' (map it in status.values)"
            ) from None
