"""Prometheus next to a local stack: its configuration (what it scrapes, which alert
rules it loads) and its command. ``./dev up --with-monitoring`` and
``tests/ops/test_prometheus.py`` run Debian's ``prometheus`` with it; a deployment
uses ``deploy/prometheus/prometheus.yml`` instead (same jobs, found by DNS)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALERT_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
API_JOB = "relais-api"
WORKER_JOB = "relais-worker"


def prometheus_config(
    *,
    api: Sequence[str],
    workers: Sequence[str],
    rules: Path = ALERT_RULES,
    interval: str = "15s",
) -> str:
    """YAML for ``prometheus --config.file``: the API's ``/metrics`` (request metrics
    and the helpline's figures) and each worker's SDK metrics, as ``host:port``."""
    config = {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {"job_name": API_JOB, "static_configs": [{"targets": list(api)}]},
            {"job_name": WORKER_JOB, "static_configs": [{"targets": list(workers)}]},
        ],
    }
    return yaml.safe_dump(config, sort_keys=False)


def prometheus_command(
    binary: str, config_file: Path, storage: Path, listen: str, retention: str = "7d"
) -> list[str]:
    return [
        binary,
        f"--config.file={config_file}",
        f"--storage.tsdb.path={storage}",
        f"--storage.tsdb.retention.time={retention}",
        f"--web.listen-address={listen}",
    ]


def find_prometheus() -> str | None:
    """Debian's package puts it on PATH (``apt-get install prometheus``)."""
    return shutil.which("prometheus")
