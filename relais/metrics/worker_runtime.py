"""A worker's Temporal runtime with the SDK's own Prometheus endpoint.

The SDK (its Rust core) counts what a worker does: workflow and activity task
schedule-to-start and execution latencies, sticky cache size and hits, pollers,
task slots, requests to the frontend. With :class:`PrometheusConfig` it serves them
itself on ``http://<host>:<port>/metrics``; durations in seconds and ``_total`` on
counters, as Prometheus names them (``temporal_workflow_task_schedule_to_start_latency_seconds``).
Labels are the namespace, task queue, workflow and activity types: no case data.
"""

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from relais.settings import Settings

WAIT_HISTOGRAMS = (
    "workflow_task_schedule_to_start_latency",
    "activity_schedule_to_start_latency",
)
WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


def worker_runtime(settings: Settings) -> Runtime | None:
    """The runtime to connect the worker's client with; ``None`` (the SDK's default
    runtime, no metrics) when metrics are off or the port is 0."""
    if not settings.metrics_enabled or settings.worker_metrics_port == 0:
        return None
    address = f"{settings.worker_http_host}:{settings.worker_metrics_port}"
    metrics = PrometheusConfig(
        bind_address=address,
        counters_total_suffix=True,
        unit_suffix=True,
        durations_as_seconds=True,
        # A bound at 5 s, the schedule-to-start alert's threshold (deploy/prometheus).
        histogram_bucket_overrides={name: WAIT_BUCKETS for name in WAIT_HISTOGRAMS},
    )
    try:
        return Runtime(
            telemetry=TelemetryConfig(
                metrics=metrics, global_tags={"service": settings.service_name}
            )
        )
    except ValueError as exc:  # the SDK's exporter could not bind its address
        raise RuntimeError(
            f"worker metrics cannot listen on {address} ({exc}): another process holds "
            "the port; set RELAIS_WORKER_METRICS_PORT to a free one (0 turns them off)"
        ) from exc
