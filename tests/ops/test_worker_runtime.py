"""The worker's Temporal runtime: its metrics port taken says which variable moves
it; metrics off (or port 0) uses the SDK's default runtime, with no endpoint."""

import socket

import pytest

from relais.metrics.worker_runtime import worker_runtime
from relais.settings import Settings


def test_a_taken_metrics_port_names_the_variable_that_moves_it() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match="RELAIS_WORKER_METRICS_PORT"):
            worker_runtime(Settings(worker_metrics_port=port))


def test_metrics_off_or_port_zero_means_no_runtime_of_our_own() -> None:
    assert worker_runtime(Settings(metrics_enabled=False)) is None
    assert worker_runtime(Settings(worker_metrics_port=0)) is None
