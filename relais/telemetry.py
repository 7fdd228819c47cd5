"""The one place that sets up tracing: an OpenTelemetry tracer provider with the
exporter chosen by settings, and Temporal's OpenTelemetry plugin for clients and
the workers built on them. Spans carry ids and statuses only, never personal data.

Why the plugin (``OpenTelemetryPlugin``) rather than the older ``TracingInterceptor``:
the interceptor parents every update and signal handler to the span that *started*
the case, with only a link to the caller, so a counsellor's ``POST /cases/{id}/items``
would end at the client's update span and the notice it starts would sit in the
trace of the case's opening. The plugin parents a handler to the caller's context
(carried in the update's headers): the request, the update, the child workflow, its
activities and the platform's HTTP endpoint are one trace. Its tracer provider is
replay-safe (ids from the workflow's deterministic random, no spans re-sent while a
worker replays a history). It is marked experimental in the SDK (1.35): pin the SDK
and re-run ``tests/ops/test_request_trace.py`` when upgrading it.
"""

import logging
import threading

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from temporalio.client import Plugin
from temporalio.contrib.opentelemetry import (
    OpenTelemetryPlugin,
    ReplaySafeTracerProvider,
    create_tracer_provider,
)

from relais.settings import Settings, TelemetryExporter

_lock = threading.Lock()
_provider: ReplaySafeTracerProvider | None = None


class _EvictionNoise(logging.Filter):
    """When a worker evicts a running case from its cache (a parked case beyond the
    sticky cache, a shutdown), the SDK closes the workflow's coroutine inside the
    plugin's span, and OpenTelemetry logs "Failed to detach context" (a GeneratorExit
    in another context) as an error, once per eviction. The plugin's ids are
    deterministic, so the case's span is taken up again when the case next runs.
    Only that record is dropped; any other detach failure is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        evicted = error is not None and isinstance(error.__context__, GeneratorExit)
        return not (evicted and record.getMessage() == "Failed to detach context")


def _exporter(settings: Settings) -> SpanExporter | None:
    if settings.telemetry_exporter is TelemetryExporter.CONSOLE:
        return ConsoleSpanExporter()
    if settings.telemetry_exporter is TelemetryExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    return None


def configure_tracing(
    settings: Settings, exporter: SpanExporter | None = None
) -> ReplaySafeTracerProvider:
    """Install the global tracer provider once (exporter chosen by settings); later
    calls return it. ``exporter`` adds one more destination (tests pass an in-memory one).
    """
    global _provider
    with _lock:
        if _provider is None:
            _provider = create_tracer_provider(
                resource=Resource.create({"service.name": settings.service_name})
            )
            configured = _exporter(settings)
            if configured is not None:
                _provider.add_span_processor(BatchSpanProcessor(configured))
            trace.set_tracer_provider(_provider)
            logging.getLogger("opentelemetry.context").addFilter(_EvictionNoise())
        if exporter is not None:
            _provider.add_span_processor(BatchSpanProcessor(exporter))
        return _provider


def client_plugins(settings: Settings) -> list[Plugin]:
    """Plugins for ``Client.connect``; workers built on that client inherit them."""
    configure_tracing(settings)
    return [OpenTelemetryPlugin(add_temporal_spans=True)]


def shutdown_tracing() -> None:
    with _lock:
        if _provider is not None:
            _provider.shutdown()
