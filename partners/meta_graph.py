"""Meta's Graph API as both Meta channels call it: the configuration they share
(Graph URL and version, app secret, verify token, timeouts and limits), and a client
that sends JSON with the bearer token, streams media, traces each call (adapter,
operation, method, status: never a URL, a body or a token) and turns failures into the
errors of :mod:`partners.meta_errors`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pydantic import Field, SecretStr

from partners.base import AdapterConfig
from partners.channel_errors import OutcomeUnknownError
from partners.channel_media import MediaStream
from partners.channel_webhooks import DEFAULT_MAX_WEBHOOK_BYTES
from partners.errors import PermanentAdapterError, TransientAdapterError
from partners.http_support import PARTNER_CLIENTS, USER_AGENT
from partners.meta_errors import graph_error

# A failure before the request left: nothing can have been created.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
_tracer = trace.get_tracer("relais.partners")


class MetaChannelConfig(AdapterConfig):
    """What WhatsApp and Messenger share. Secrets as ``${VAR}`` in a configuration file."""

    graph_url: str = Field(
        default="https://graph.facebook.com", min_length=1, description="Meta's Graph API"
    )
    graph_version: str = Field(default="v21.0", pattern=r"^v\d{1,2}\.\d$")
    app_secret: SecretStr = Field(description="Signs Meta's webhooks (X-Hub-Signature-256)")
    verify_token: SecretStr = Field(description="Answers Meta's subscription handshake")
    timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    max_webhook_bytes: int = Field(default=DEFAULT_MAX_WEBHOOK_BYTES, gt=0)


class GraphClient:
    def __init__(self, slug: str, config: MetaChannelConfig, token: SecretStr | None) -> None:
        self._slug = slug
        self._config = config
        self._token = token

    def path(self, *parts: str) -> str:
        return "/" + "/".join((self._config.graph_version, *parts))

    def _client(self) -> httpx.AsyncClient:
        headers = {"User-Agent": USER_AGENT}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return PARTNER_CLIENTS.client(self._config.graph_url, headers, self._config.timeout_seconds)

    async def post(self, path: str, body: dict[str, Any], what: str) -> dict[str, Any]:
        """POST JSON that creates something (a message): after the request may have
        left, a failure is :class:`OutcomeUnknownError`."""
        return await self._json("POST", path, what, sent=True, json=body)

    async def get(self, path: str, what: str, *, media: bool = False) -> dict[str, Any]:
        """``media``: a media lookup (an unknown id is :class:`MediaGoneError`)."""
        return await self._json("GET", path, what, sent=False, media=media)

    async def _json(
        self, method: str, url: str, what: str, *, sent: bool, media: bool = False, **kw: Any
    ) -> dict[str, Any]:
        with self._span(method, what) as span:
            response = await self._request(span, method, url, what, sent=sent, media=media, **kw)
            try:
                data = response.json()
            except ValueError:
                raise PermanentAdapterError(f"{what}: {self._slug}'s answer is not JSON") from None
            if not isinstance(data, dict):
                raise PermanentAdapterError(f"{what}: {self._slug}'s answer is not an object")
            found: dict[str, Any] = data
            return found

    async def _request(
        self,
        span: Span,
        method: str,
        url: str,
        what: str,
        *,
        sent: bool,
        media: bool = False,
        **kw: Any,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        propagate.inject(headers)
        try:
            response = await self._client().request(method, url, headers=headers, **kw)
        except httpx.TransportError as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise self._transport_error(exc, what, sent) from exc
        self._note(span, response)
        if response.status_code >= 400:
            raise graph_error(response, what, self._slug, sent=sent, media=media)
        return response

    @asynccontextmanager
    async def stream(
        self, url: str, what: str, *, max_bytes: int, mime_type: str | None = None
    ) -> AsyncIterator[MediaStream]:
        """GET ``url`` (absolute, or a path on the Graph API) as a bounded byte stream;
        a file no longer served is :class:`MediaGoneError`."""
        headers: dict[str, str] = {}
        propagate.inject(headers)
        with self._span("GET", what) as span:
            try:
                async with self._client().stream("GET", url, headers=headers) as response:
                    self._note(span, response)
                    if response.status_code >= 400:
                        await response.aread()
                        raise graph_error(response, what, self._slug, sent=False, media=True)
                    length = response.headers.get("content-length")
                    yield MediaStream(
                        response.aiter_bytes(),
                        mime_type=_mime(response) or mime_type,
                        size=int(length) if length and length.isdigit() else None,
                        max_bytes=max_bytes,
                    )
            except httpx.TransportError as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise self._transport_error(exc, what, sent=False) from exc

    def _span(self, method: str, what: str) -> Any:
        return _tracer.start_as_current_span(
            f"{method} {self._slug}",
            kind=SpanKind.CLIENT,
            attributes={
                "relais.adapter": self._slug,
                "relais.operation": what,
                "http.request.method": method,
            },
            record_exception=False,  # an exception's text may quote the answer
        )

    @staticmethod
    def _note(span: Span, response: httpx.Response) -> None:
        span.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 400:
            span.set_status(Status(StatusCode.ERROR))

    def _transport_error(
        self, exc: httpx.TransportError, what: str, sent: bool
    ) -> TransientAdapterError:
        name = type(exc).__name__
        if sent and not isinstance(exc, _NOT_SENT):
            return OutcomeUnknownError(
                f"{what}: no answer from {self._slug} ({name}); it may have taken the message"
            )
        return TransientAdapterError(f"{what}: {self._slug} unreachable ({name})")


def _mime(response: httpx.Response) -> str | None:
    value = response.headers.get("content-type")
    return value.split(";")[0].strip() if value else None
