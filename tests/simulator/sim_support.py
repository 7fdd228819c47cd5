"""Helpers of the simulator tests: a client for a running simulator, a webhook
receiver that checks signatures the way Relais does, and a bounded wait on state.

(A module with its own name rather than ``conftest``, which other test folders have too.)
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from simulator.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

SECRET = "test-webhook-secret"


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Wait until ``check()`` holds, polling; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


@dataclass
class Sim:
    base_url: str
    http: httpx.AsyncClient

    async def configure(self, slug: str, **knobs: Any) -> dict[str, Any]:
        response = await self.http.put(f"/_control/targets/{slug}", json=knobs)
        assert response.status_code == 200, response.text
        config: dict[str, Any] = response.json()
        return config

    async def notice(self, slug: str, key: str | None, **body: Any) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        payload = {"notice_id": key, "case_id": "case-1", **body}
        return await self.http.post(f"/platforms/{slug}/notices", json=payload, headers=headers)

    async def handoff(self, slug: str, key: str, **body: Any) -> httpx.Response:
        payload = {"referral_id": key, "case_id": "case-1", "urgency": "high", **body}
        headers = {"Idempotency-Key": key}
        return await self.http.post(f"/partners/{slug}/handoffs", json=payload, headers=headers)

    async def get_json(self, path: str, **params: Any) -> Any:
        response = await self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def deliveries(self, slug: str) -> dict[str, Any]:
        summary: dict[str, Any] = (await self.get_json("/_control/deliveries"))["targets"][slug]
        return summary


StartSim = Callable[..., Awaitable[Sim]]


@dataclass
class Receiver:
    """Relais' side of the webhooks: verifies signatures, can fail the first calls."""

    base_url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    fail_first: int = 0
    calls: int = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/{family}/{slug}")
        async def webhook(family: str, slug: str, request: Request) -> JSONResponse:
            self.calls += 1
            body = await request.body()
            stamp = request.headers.get(TIMESTAMP_HEADER, "")
            if not verify(SECRET, stamp, body, request.headers.get(SIGNATURE_HEADER, "")):
                self.bad_signatures += 1
                return JSONResponse({"detail": "bad signature"}, status_code=401)
            if self.calls <= self.fail_first:
                return JSONResponse({"detail": "busy"}, status_code=503)
            self.received.append({"family": family, "slug": slug, "body": await request.json()})
            return JSONResponse({"ok": True})

        return app
