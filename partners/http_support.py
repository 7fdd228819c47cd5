"""HTTP helpers every HTTP adapter shares: status codes to adapter errors, with
``Retry-After`` honoured, transport failures as transient errors, and the pooled
clients partner calls go through.

Each call is a client span (adapter, operation, method, status: never the URL, whose
query can name the reported content) and carries the trace context in its headers
(W3C ``traceparent``), so a partner that traces, like the simulator, continues the
counsellor's request's trace."""

import asyncio
import weakref
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from partners.errors import PermanentAdapterError, TransientAdapterError, scrub
from relais.clock import utc_now

USER_AGENT = "relais/0.1"

_ClientKey = tuple[str, tuple[tuple[str, str], ...], float]
# Per partner: enough connections for a burst of notices (200 items in one case), kept
# alive for the steady flow; a call waiting longer than its timeout for a connection
# fails as transient and is retried like any other.
PARTNER_LIMITS = httpx.Limits(max_connections=256, max_keepalive_connections=64)


class ClientPool:
    """One httpx client per partner configuration (and event loop), reused by every
    call: a platform receiving thousands of notices a day gets kept-alive
    connections, not a TCP and TLS handshake per notice. Channels are built per
    call, so the pool lives here, keyed by what the client is built from."""

    def __init__(self) -> None:
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[_ClientKey, httpx.AsyncClient]
        ] = weakref.WeakKeyDictionary()

    def client(
        self, base_url: str, headers: Mapping[str, str], timeout: float
    ) -> httpx.AsyncClient:
        clients = self._clients.setdefault(asyncio.get_running_loop(), {})
        key = (base_url, tuple(sorted(headers.items())), timeout)
        client = clients.get(key)
        if client is None or client.is_closed:
            client = clients[key] = httpx.AsyncClient(
                base_url=base_url, headers=dict(headers), timeout=timeout, limits=PARTNER_LIMITS
            )
        return client

    async def aclose(self) -> None:
        """Close this event loop's clients (the worker and the API at shutdown)."""
        clients = self._clients.pop(asyncio.get_running_loop(), {})
        for client in clients.values():
            await client.aclose()


PARTNER_CLIENTS = ClientPool()
_tracer = trace.get_tracer("relais.partners")


def retry_after(response: httpx.Response) -> timedelta | None:
    """Parse ``Retry-After`` (seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when - utc_now(), timedelta(0))


def raise_for_status(response: httpx.Response, what: str) -> None:
    """429, 408 and 5xx are transient (retried, after ``Retry-After`` if given);
    any other 4xx is permanent (a counsellor task follows)."""
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        raise TransientAdapterError(f"{what}: rate limited (429)", retry_after(response))
    if status == 408 or status >= 500:
        raise TransientAdapterError(
            f"{what}: partner unavailable ({status})", retry_after(response)
        )
    try:
        reason = str(response.json().get("detail", ""))
    except (ValueError, AttributeError):
        reason = response.text
    # The partner's words may echo what we sent: keep that out of logs and tasks.
    reason = scrub(reason, limit=200)
    raise PermanentAdapterError(f"{what}: refused ({status}) {reason}".strip(), status=status)


async def send(
    client: httpx.AsyncClient, method: str, url: str, what: str, slug: str, **kwargs: Any
) -> httpx.Response:
    """One request; a connection failure or timeout is transient."""
    with _tracer.start_as_current_span(
        f"{method} {slug}",
        kind=SpanKind.CLIENT,
        attributes={
            "relais.adapter": slug,
            "relais.operation": what,
            "http.request.method": method,
        },
        record_exception=False,  # an exception's text may quote the partner's answer
    ) as span:
        headers = dict(kwargs.pop("headers", None) or {})
        propagate.inject(headers)
        try:
            response = await client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise TransientAdapterError(
                f"{what}: {slug} unreachable ({type(exc).__name__})"
            ) from exc
        span.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 400:
            span.set_status(Status(StatusCode.ERROR))
        raise_for_status(response, what)
        return response


def json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The response body as a JSON object; anything else is a partner bug (permanent)."""
    try:
        data = response.json()
    except ValueError:
        raise PermanentAdapterError(f"{what}: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise PermanentAdapterError(f"{what}: the answer is not a JSON object")
    return data
