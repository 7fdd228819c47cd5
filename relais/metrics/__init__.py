"""Metrics in Prometheus format: the helpline's figures read from the app database
(:mod:`relais.metrics.domain`, served by the API) and the Temporal SDK's runtime
metrics of a worker (:mod:`relais.metrics.worker_runtime`)."""
