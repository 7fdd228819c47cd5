"""A small HTTP port for a process that has no API of its own (the worker):
``GET /livez`` and ``GET /readyz``, answered as the API answers them
(:mod:`relais.health`), for docker compose health checks and Kubernetes probes."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from relais.health import Readiness
from relais.serving import serve_app


def health_app(ready: Callable[[], Awaitable[Readiness]]) -> Starlette:
    async def livez(_: Request) -> JSONResponse:
        return JSONResponse({"status": "live"})

    async def readyz(_: Request) -> JSONResponse:
        result = await ready()
        return JSONResponse(result.model_dump(), status_code=200 if result.ready else 503)

    return Starlette(routes=[Route("/livez", livez), Route("/readyz", readyz)])


@asynccontextmanager
async def serving_health(
    ready: Callable[[], Awaitable[Readiness]], host: str, port: int
) -> AsyncIterator[str | None]:
    """Serve the probes on ``host:port`` while the block runs (port 0: not at all)."""
    if port == 0:
        yield None
        return
    async with serve_app(health_app(ready), host=host, port=port) as url:
        yield url
