"""The app factory: ``create_app(config)`` for in-process use and for ``python -m simulator``."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from simulator import control, partners, platforms, reports
from simulator.config import SimulatorConfig
from simulator.state import SimulatorState


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
    )
    app.state.simulator = state
    for router in (platforms.router, partners.router, control.router, reports.router):
        app.include_router(router)
    return app
