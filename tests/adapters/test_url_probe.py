"""Relais's own check that a reported URL is still up: gone or up from the answer,
and never a request into our own network, whether the URL or a redirect leads there
(the worker sits inside it; cloud metadata answers on a link-local address)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from domain.personal import ItemLocation
from partners.errors import PermanentAdapterError, TransientAdapterError
from partners.url_probe import PrivateAddressRefused, probe_location
from relais.serving import serve_app

LOOPBACK = [ip_network("127.0.0.1/32")]


@asynccontextmanager
async def content_host() -> AsyncIterator[tuple[str, list[str]]]:
    """A host on loopback standing in for a platform's pages; yields its URL and the
    paths it was asked for."""
    app = FastAPI()
    asked: list[str] = []

    @app.middleware("http")
    async def record(request: Request, call_next):  # type: ignore[no-untyped-def]
        asked.append(request.url.path)
        return await call_next(request)

    @app.get("/up")
    async def up(request: Request) -> dict[str, str]:
        asked.append(f"host={request.headers['host']}")
        return {"ok": "yes"}

    @app.get("/gone")
    async def gone() -> Response:
        return Response(status_code=410)

    @app.get("/busy")
    async def busy() -> Response:
        return Response(status_code=503, headers={"Retry-After": "7"})

    @app.get("/moved")
    async def moved() -> Response:
        return RedirectResponse("/gone", status_code=301)

    @app.get("/to-metadata")
    async def to_metadata() -> Response:
        return RedirectResponse("http://169.254.169.254/latest/meta-data/", status_code=302)

    @app.get("/loop")
    async def loop() -> Response:
        return RedirectResponse("/loop", status_code=302)

    async with serve_app(app) as url:
        yield url.replace("localhost", "127.0.0.1"), asked


class Resolver:
    """A DNS that cannot exist here: names of our choosing, answers that change
    between lookups (as a rebinding attacker's would)."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return [self.answers.pop(0)]


async def test_the_url_check_reads_gone_and_up_from_the_answer() -> None:
    async with content_host() as (url, _):
        probe = {"allowed_networks": LOOPBACK}
        assert await probe_location(ItemLocation(url=f"{url}/up"), **probe) is True
        assert await probe_location(ItemLocation(url=f"{url}/gone"), **probe) is False
        assert await probe_location(ItemLocation(url=f"{url}/missing"), **probe) is False
        assert await probe_location(ItemLocation(url=f"{url}/moved"), **probe) is False
        with pytest.raises(TransientAdapterError) as busy_error:
            await probe_location(ItemLocation(url=f"{url}/busy"), **probe)
    assert busy_error.value.retry_after is not None
    assert busy_error.value.retry_after.total_seconds() == 7
    with pytest.raises(PermanentAdapterError):
        await probe_location(ItemLocation(account="@someone"))


async def test_a_url_into_our_own_network_is_refused_without_a_request() -> None:
    async with content_host() as (url, asked):
        with pytest.raises(PrivateAddressRefused) as refused:
            await probe_location(ItemLocation(url=f"{url}/up"))
    assert asked == []
    assert "127.0.0.1" not in str(refused.value) and "/up" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/admin",
        "http://192.168.1.1/",
        "https://[::1]:8443/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0:8000/",
        "http://localhost:7233/",
    ],
)
async def test_private_loopback_and_link_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(PrivateAddressRefused):
        await probe_location(ItemLocation(url=url), timeout_seconds=2)


async def test_a_redirect_into_our_own_network_is_refused_before_it_is_followed() -> None:
    async with content_host() as (url, asked):
        with pytest.raises(PrivateAddressRefused):
            await probe_location(
                ItemLocation(url=f"{url}/to-metadata"), timeout_seconds=2, allowed_networks=LOOPBACK
            )
    assert asked == ["/to-metadata"]


async def test_endless_redirects_and_other_schemes_are_permanent_errors() -> None:
    async with content_host() as (url, asked):
        with pytest.raises(PermanentAdapterError, match="redirects"):
            await probe_location(ItemLocation(url=f"{url}/loop"), allowed_networks=LOOPBACK)
    assert len(asked) == 6
    for url in ("ftp://files.example/x", "file:///etc/passwd", "not a url"):
        with pytest.raises(PermanentAdapterError, match="not a valid web URL"):
            await probe_location(ItemLocation(url=url))


async def test_the_request_goes_to_the_address_that_was_checked() -> None:
    """``content.test`` exists only in our resolver: the page is reached, with its own
    Host header, only because the connection goes to the checked address (httpx
    never looks the name up again, so a rebinding answer never reaches it)."""
    resolver = Resolver("127.0.0.1", "169.254.169.254")
    async with content_host() as (url, asked):
        port = url.rsplit(":", 1)[1]
        online = await probe_location(
            ItemLocation(url=f"http://content.test:{port}/up"),
            allowed_networks=LOOPBACK,
            resolve=resolver,
        )
    assert online is True
    assert resolver.asked == ["content.test"]  # one lookup, ours
    assert asked == ["/up", f"host=content.test:{port}"]
