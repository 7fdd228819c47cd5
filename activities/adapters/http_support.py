"""HTTP helpers every HTTP adapter shares: status codes to adapter errors, with
``Retry-After`` honoured, and transport failures as transient errors."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from activities.adapters.errors import PermanentAdapterError, TransientAdapterError, scrub

USER_AGENT = "relais/0.1"


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
    return max(when - datetime.now(UTC), timedelta(0))


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
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        raise TransientAdapterError(f"{what}: {slug} unreachable ({type(exc).__name__})") from exc
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
