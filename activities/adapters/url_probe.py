"""Our own check that a reported URL is still up, for channels whose platform
offers no content-check endpoint (e-mail channels, HTTP-JSON without ``content``).

404 and 410 mean gone; any other answer means the page still exists (a login wall
or a 403 does not prove removal); 5xx and network failures are transient. The URL
is personal data: it is never logged and never put in an error message.
"""

import httpx

from activities.adapters.errors import PermanentAdapterError, TransientAdapterError
from activities.adapters.http_support import USER_AGENT, retry_after
from workflows.models.personal import ItemLocation

GONE = frozenset({404, 410})


async def probe_location(location: ItemLocation, timeout_seconds: float = 20.0) -> bool:
    if not location.url:
        raise PermanentAdapterError(
            "check content: only a URL can be checked; this item is an account or message"
        )
    try:
        async with httpx.AsyncClient(
            timeout=timeout_seconds, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        ) as client:
            response = await client.get(location.url)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        raise PermanentAdapterError(
            "check content: the item's URL is not a valid web URL"
        ) from None
    except httpx.TransportError as exc:
        raise TransientAdapterError(f"check content: unreachable ({type(exc).__name__})") from exc
    if response.status_code in GONE:
        return False
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientAdapterError(
            f"check content: answered {response.status_code}", retry_after(response)
        )
    return True
