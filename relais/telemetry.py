"""The one place that sets up tracing: an OpenTelemetry tracer provider with the
exporter chosen by settings, and Temporal's tracing interceptor for clients and
workers. Spans carry ids and statuses only, never personal data."""

import threading

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from relais.settings import Settings, TelemetryExporter

_lock = threading.Lock()
_provider: TracerProvider | None = None


def _exporter(settings: Settings) -> SpanExporter | None:
    if settings.telemetry_exporter is TelemetryExporter.CONSOLE:
        return ConsoleSpanExporter()
    if settings.telemetry_exporter is TelemetryExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    return None


def configure_tracing(settings: Settings, exporter: SpanExporter | None = None) -> TracerProvider:
    """Install the global tracer provider once (exporter chosen by settings); later
    calls return it. ``exporter`` adds one more destination (tests pass an in-memory one).
    """
    global _provider
    with _lock:
        if _provider is None:
            _provider = TracerProvider(
                resource=Resource.create({"service.name": settings.service_name})
            )
            configured = _exporter(settings)
            if configured is not None:
                _provider.add_span_processor(BatchSpanProcessor(configured))
            trace.set_tracer_provider(_provider)
        if exporter is not None:
            _provider.add_span_processor(BatchSpanProcessor(exporter))
        return _provider


def client_interceptors(settings: Settings) -> list[Interceptor]:
    """Interceptors for ``Client.connect``; workers built on that client inherit them."""
    configure_tracing(settings)
    return [TracingInterceptor()]


def shutdown_tracing() -> None:
    with _lock:
        if _provider is not None:
            _provider.shutdown()
