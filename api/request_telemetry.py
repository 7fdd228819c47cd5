"""Every HTTP request to the API: one server span and its metrics.

The span is the root of the request's trace: the Temporal client's spans (start
workflow, update), the workflow, its children and their activities, down to the
platform's own HTTP endpoint, all hang under it (the tracing interceptor carries the
context through Temporal, the partner client through the outgoing headers). A
caller's ``traceparent`` header is continued.

Requests are counted by **route template** (``/cases/{case_id}/items``), method and
status, never by the path itself: a path holds case ids, and ids are not labels
(one series per case would also swamp Prometheus). A path no route matched is
counted as ``unmatched``. The span carries the same: method, route, status.
"""

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from api.metrics import HttpMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNMATCHED = "unmatched"
_tracer = trace.get_tracer("relais.api")


class RequestTelemetry:
    """Pure ASGI middleware (no buffering of bodies); ``metrics=None`` traces only."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])
        status = 500  # what the client gets if the app fails before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        started = time.perf_counter()
        with _tracer.start_as_current_span(
            method, context=propagate.extract(carrier), kind=SpanKind.SERVER
        ) as span:
            try:
                await self.app(scope, receive, send_and_note)
            finally:
                route = route_template(scope)
                span.update_name(f"{method} {route}")
                span.set_attribute("http.request.method", method)
                span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                if self.metrics is not None:
                    self.metrics.observe(route, method, status, time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's path template (FastAPI puts the route in the scope)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED
