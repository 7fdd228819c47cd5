"""The simulator continues the trace of each request it receives, as a partner that
traces would: a server span under the caller's span (W3C ``traceparent`` header),
named by route template, with the target slug and the status answered.

It uses whatever OpenTelemetry tracer provider the process has: in the tests the
simulator runs in the test process, so its spans land in the same exporter as
Relais'; ``python -m simulator`` has none configured (spans are dropped) unless
``RELAIS_SIM_OTLP_ENDPOINT`` names an OTLP/HTTP collector.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_tracer = trace.get_tracer("simulator")


class ContinueTraces:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        with _tracer.start_as_current_span(
            method, context=propagate.extract(carrier), kind=SpanKind.SERVER
        ) as span:
            try:
                await self.app(scope, receive, send_and_note)
            finally:
                route = getattr(scope.get("route"), "path", None) or "unmatched"
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status)
                slug = (scope.get("path_params") or {}).get("slug")
                if slug:
                    span.set_attribute("simulator.target", str(slug))


def export_to_otlp(endpoint: str, service_name: str = "simulator") -> None:
    """``python -m simulator``: send spans to an OTLP/HTTP collector."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
