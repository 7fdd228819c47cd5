"""What ``GET /metrics`` serves: the API's request metrics and process figures, and
the helpline's figures read from the app database (:mod:`relais.metrics.domain`).

Each app has its own registry (tests build many apps in one process); the domain
collector joins it when the app's lifespan has a database and leaves with it.
"""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from relais.metrics.domain import DomainMetrics

CONTENT_TYPE = CONTENT_TYPE_LATEST


class HttpMetrics:
    """Requests by route template, method and status; latency by route and method."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "relais_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "relais_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method",
            ["route", "method"],
            registry=registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.duration.labels(route, method).observe(seconds)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # CPU, memory, open files, GC of this process (the collectors are stateless).
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self.http = HttpMetrics(self.registry)
        self._domain: DomainMetrics | None = None

    def attach(self, domain: DomainMetrics) -> None:
        self.detach()
        self.registry.register(domain)
        self._domain = domain

    def detach(self) -> None:
        if self._domain is not None:
            self.registry.unregister(self._domain)
            self._domain = None

    async def render(self) -> bytes:
        """The text exposition format, figures refreshed if their cache is stale."""
        if self._domain is not None:
            await self._domain.refresh()
        return generate_latest(self.registry)
