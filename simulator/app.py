"""The app factory: ``create_app(config)`` for in-process use and for ``python -m simulator``."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from simulator import control, decisions, partners, platforms, reports
from simulator.config import SimulatorConfig
from simulator.journal import Journal
from simulator.meta import control as meta_control
from simulator.meta import delivery as meta_delivery
from simulator.meta import graph, media, taps, young_people
from simulator.meta import reports as meta_reports
from simulator.meta.connections import keep_transport
from simulator.state import SimulatorState
from simulator.tracing import ContinueTraces, Receive, Scope, Send
from simulator.webhooks import send_decision

log = logging.getLogger("simulator")


def create_app(config: SimulatorConfig | None = None, *, state_file: Path | None = None) -> FastAPI:
    """A fresh simulator with its own in-memory state (``app.state.simulator``);
    ``state_file``: a journal that keeps it across restarts (see ``journal``)."""
    state = SimulatorState(config or SimulatorConfig())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.http = httpx.AsyncClient(timeout=state.config.webhook_timeout_seconds)
        if state_file is not None:
            _restore(state, Journal(state_file))
        try:
            yield
        finally:
            # Decision timers and webhook retries must not outlive the app.
            await state.cancel_tasks()
            await state.http.aclose()
            state.http = None
            if state.journal is not None:
                state.journal.close()

    app = SimulatorApp(
        title="Relais platform and partner simulator",
        description="Plays platforms' trusted-flagger channels and partners' handoff endpoints.",
        lifespan=lifespan,
        # FastAPI's own spans would record a content check's query (the item's URL):
        # ContinueTraces makes the request's span instead.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.simulator = state
    app.add_exception_handler(RequestValidationError, _named_fields)
    routers = (platforms.router, partners.router, control.router, reports.router)
    meta_routers = (
        meta_reports.router,
        young_people.router,
        taps.router,
        meta_control.router,
        media.router,
    )
    # The Graph API's two-segment paths would shadow the others: last.
    for router in (*routers, *meta_routers, graph.router):
        app.include_router(router)
    app.add_middleware(ContinueTraces)
    return app


class SimulatorApp(FastAPI):
    """FastAPI, noting each request's connection before any middleware wraps ``send``
    (the Meta outage knob ``answer: reset`` cuts it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keep_transport(scope, send)
        await super().__call__(scope, receive, send)


def _restore(state: SimulatorState, journal: Journal) -> None:
    """Read the journal back, keep only what is live, resume what is owed."""
    restored = journal.restore(state)
    journal.compact(state, restored)
    state.journal = journal
    for (slug, reference), plan in restored.planned.items():
        submission = state.find(slug, reference)
        if submission is not None and submission.decided_at is None:
            at = datetime.fromisoformat(plan["at"])
            decisions.resume(state, submission, plan["status"], plan["detail"], at)
    owed = restored.owed_webhooks(state)
    for submission in owed:
        send_decision(state, submission)
    for pending in list(state.meta.pending.values()):
        meta_delivery.resume(state, pending)  # Meta keeps retrying across its restarts
    if restored.submissions:
        log.info(
            "restored %d submissions from %s: %d decisions planned, %d webhooks re-sent",
            restored.submissions,
            journal.path,
            len(state.timers),
            len(owed),
        )


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
