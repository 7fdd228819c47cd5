"""Our own check that a reported URL is still up, for channels whose platform
offers no content-check endpoint (e-mail channels, HTTP-JSON without ``content``).

404 and 410 mean gone; any other answer means the page still exists (a login wall
or a 403 does not prove removal); 5xx and network failures are transient. The URL
is personal data: it is never logged and never put in an error message.

The URL comes from outside (a counsellor's form, a partner's referral, a redirect
chosen by whoever hosts the page), and the worker that fetches it sits inside our
network. So every hop, redirects included, must resolve only to public addresses:
a URL or a redirect into loopback, private, link-local (cloud metadata) or reserved
ranges is refused as a permanent error (a counsellor checks it by hand). An
adapter may allow named networks for a platform hosted on one (an intranet test
platform, a local simulator). The request then goes to the very address that was
checked (Host header and TLS name kept): a host that answers our lookup with a
public address and httpx's with a private one (DNS rebinding) gets nowhere.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated
from urllib.parse import urljoin

import httpx
from pydantic import Field, IPvAnyNetwork

from domain.personal import ItemLocation
from partners.errors import PermanentAdapterError, TransientAdapterError
from partners.http_support import USER_AGENT, retry_after

GONE = frozenset({404, 410})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class PrivateAddressRefused(PermanentAdapterError):
    """The URL, or a redirect, leads into a network the worker must not probe."""


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The configuration field of the channels that probe URLs themselves.
AllowedNetworks = Annotated[
    list[IPvAnyNetwork],
    Field(
        default_factory=list,
        description=(
            "Non-public networks Relais's own URL check may reach, e.g. "
            '["10.20.0.0/16"] for a platform on an intranet; every other loopback, '
            "private, link-local or reserved address is refused"
        ),
    ),
]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses, as the operating system resolves them."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(sockaddr[0]) for *_, sockaddr in infos]


async def probe_location(
    location: ItemLocation,
    timeout_seconds: float = 20.0,
    *,
    allowed_networks: Sequence[Network] = (),
    resolve: Resolver = system_resolver,
) -> bool:
    if not location.url:
        raise PermanentAdapterError(
            "check content: only a URL can be checked; this item is an account or message"
        )
    url = location.url
    async with httpx.AsyncClient(
        timeout=timeout_seconds, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = _web_url(url)
            address = await _checked_address(target, timeout_seconds, allowed_networks, resolve)
            try:
                response = await client.get(
                    target.copy_with(host=str(address)),
                    headers={"Host": target.netloc.decode("ascii")},
                    extensions={"sni_hostname": target.host},
                )
            except httpx.TransportError as exc:
                raise TransientAdapterError(
                    f"check content: unreachable ({type(exc).__name__})"
                ) from exc
            location_header = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location_header:
                return _online(response)
            url = urljoin(str(target), location_header)
    raise PermanentAdapterError(f"check content: more than {MAX_REDIRECTS} redirects")


def _web_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise PermanentAdapterError("check content: the item's URL is not a valid web URL")
    return parsed


async def _checked_address(
    url: httpx.URL, timeout_seconds: float, allowed: Sequence[Network], resolve: Resolver
) -> Address:
    """The address to connect to. Every address the host resolves to must be public
    or allowed (a host with one private address among public ones is refused too)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        async with asyncio.timeout(timeout_seconds):
            found = await resolve(url.host, port)
    except TimeoutError as exc:
        raise TransientAdapterError("check content: name lookup timed out") from exc
    except OSError as exc:  # socket.gaierror
        # Not proof of removal: DNS may be down here, or the domain may come back.
        raise TransientAdapterError("check content: the host does not resolve") from exc
    if not found:
        raise TransientAdapterError("check content: the host does not resolve")
    addresses = [_address(text) for text in found]
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if not address.is_global and not any(address in network for network in allowed):
            raise PrivateAddressRefused(
                "check content: the item's URL leads to a private or reserved network address"
            )
    return addresses[0]


def _address(text: str) -> Address:
    return ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone id


def _online(response: httpx.Response) -> bool:
    if response.status_code in GONE:
        return False
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientAdapterError(
            f"check content: answered {response.status_code}", retry_after(response)
        )
    return True
