"""An error's log line names the route, never the path: a path holds ids and
capabilities (an upload link's token, ``/chat/upload/{token}``)."""

import logging

import httpx
import pytest
from fastapi import FastAPI
from temporalio.service import RPCError, RPCStatusCode

from api.errors import install_error_handlers

TOKEN = "k7Qp2vXb9LmN4rTy8WcZ1aSd3FgHj6Ke5Uo0IiPq"


async def test_an_unexpected_temporal_error_logs_the_route_not_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/upload/{token}")
    async def page(token: str) -> None:
        raise RPCError("boom", RPCStatusCode.INTERNAL, b"")

    caplog.set_level(logging.DEBUG)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://relais") as http:
        answer = await http.get(f"/upload/{TOKEN}")
    assert answer.status_code == 500
    said = [r.getMessage() for r in caplog.records if r.name.startswith("api")]
    assert said == ["unexpected Temporal error on /upload/{token}: INTERNAL"]
    # Relais' lines (the test's HTTP client logs the address it calls: not Relais')
    relais = [r for r in caplog.records if not r.name.startswith("httpx")]
    assert not [r for r in relais if TOKEN in r.getMessage()]
