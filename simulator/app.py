"""The app factory: ``create_app(config)`` for in-process use and for ``python -m simulator``."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from simulator import control, partners, platforms, reports
from simulator.config import SimulatorConfig
from simulator.state import SimulatorState
from simulator.tracing import ContinueTraces


def create_app(config: SimulatorConfig | None = None) -> FastAPI:
    """A fresh simulator with its own in-memory state (``app.state.simulator``)."""
    state = SimulatorState(config or SimulatorConfig())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.http = httpx.AsyncClient(timeout=state.config.webhook_timeout_seconds)
        try:
            yield
        finally:
            # Decision timers and webhook retries must not outlive the app.
            await state.cancel_tasks()
            await state.http.aclose()
            state.http = None

    app = FastAPI(
        title="Relais platform and partner simulator",
        description="Plays platforms' trusted-flagger channels and partners' handoff endpoints.",
        lifespan=lifespan,
        # FastAPI's own spans would record a content check's query (the item's URL):
        # ContinueTraces makes the request's span instead.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.simulator = state
    app.add_exception_handler(RequestValidationError, _named_fields)
    for router in (platforms.router, partners.router, control.router, reports.router):
        app.include_router(router)
    app.add_middleware(ContinueTraces)
    return app


async def _named_fields(_: Request, exc: Exception) -> JSONResponse:
    """Every 422 names its field the same way: ``{"detail": [{"field", "message"}]}``."""
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            # Drop FastAPI's "body"/"query"/"path" prefix: the field is what a caller typed.
            "field": ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0]),
            "message": error["msg"],
        }
        for error in exc.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)
