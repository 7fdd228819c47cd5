"""The local Relais stack that ``./dev up`` runs: Temporal, migrations, simulator, worker, API,
and with ``--with-monitoring`` a Prometheus scraping the API and the worker.

Ports move with ``RELAIS_TEMPORAL_PORT``, ``RELAIS_TEMPORAL_UI_PORT``,
``RELAIS_SIMULATOR_PORT``, ``RELAIS_API_PORT``, ``RELAIS_WORKER_METRICS_PORT``,
``RELAIS_WORKER_HEALTH_PORT`` and ``RELAIS_PROMETHEUS_PORT``; the children are told
where the others are through the same ``RELAIS_*`` variables ``relais.settings`` reads.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devtools.monitoring import find_prometheus, prometheus_command, prometheus_config
from devtools.probes import accepts_connections, all_of, answers_200
from devtools.stack import Part, PortClaim
from relais.search_attributes import dev_server_flags
from relais.settings import Role

HOST = "127.0.0.1"
PORT_VARS = {
    "temporal": "RELAIS_TEMPORAL_PORT",
    "temporal_ui": "RELAIS_TEMPORAL_UI_PORT",
    "simulator": "RELAIS_SIMULATOR_PORT",
    "api": "RELAIS_API_PORT",
    "worker_metrics": "RELAIS_WORKER_METRICS_PORT",
    "worker_health": "RELAIS_WORKER_HEALTH_PORT",
    "prometheus": "RELAIS_PROMETHEUS_PORT",
}
DEFAULT_PORTS = {
    "temporal": 7233,
    "temporal_ui": 8233,
    "simulator": 8100,
    "api": 8000,
    "worker_metrics": 9464,
    "worker_health": 9465,
    "prometheus": 9090,
}


def _ui_codec(value: str | None) -> bool:
    """On by default (the UI decodes through the API's codec endpoint);
    ``RELAIS_UI_CODEC=0`` turns it off."""
    return value is None or value.strip().lower() not in ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A RELAIS_* variable that ``./dev up`` cannot use; the message names it."""


@dataclass(frozen=True)
class LocalPorts:
    temporal: int
    temporal_ui: int
    simulator: int
    api: int
    worker_metrics: int
    worker_health: int
    prometheus: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LocalPorts:
        values: dict[str, int] = {}
        for key, default in DEFAULT_PORTS.items():
            raw = env.get(PORT_VARS[key], "").strip()
            try:
                port = int(raw) if raw else default
            except ValueError:
                raise ConfigError(f"{PORT_VARS[key]}={raw!r} is not a port number") from None
            if not 1 <= port <= 65535:
                raise ConfigError(f"{PORT_VARS[key]}={port} is outside 1-65535")
            values[key] = port
        if len(set(values.values())) != len(values):
            raise ConfigError(f"two parts would share a port: {values}")
        return cls(**values)


@dataclass(frozen=True)
class LocalStack:
    root: Path
    ports: LocalPorts
    data_dir: Path
    ui_codec: bool
    bin_dir: Path
    user_sets_tokens: bool
    policy_scale: str | None
    webhook_secret: str | None = field(repr=False)
    with_monitoring: bool = False
    prometheus_binary: str | None = None

    @classmethod
    def from_env(
        cls, root: Path, env: Mapping[str, str], *, with_monitoring: bool = False
    ) -> LocalStack:
        data_dir = Path(env.get("RELAIS_DATA_DIR") or "data")
        prometheus = find_prometheus() if with_monitoring else None
        if with_monitoring and prometheus is None:
            raise ConfigError(
                "--with-monitoring needs Prometheus: apt-get install prometheus "
                "(Debian's package, with promtool)"
            )
        return cls(
            root=root,
            ports=LocalPorts.from_env(env),
            data_dir=data_dir if data_dir.is_absolute() else root / data_dir,
            ui_codec=_ui_codec(env.get("RELAIS_UI_CODEC")),
            bin_dir=Path(sys.executable).parent,
            user_sets_tokens=bool(env.get("RELAIS_API_TOKENS")),
            policy_scale=env.get("RELAIS_POLICY_SCALE") or None,
            webhook_secret=env.get("RELAIS_WEBHOOK_SECRET") or None,
            with_monitoring=with_monitoring,
            prometheus_binary=prometheus,
        )

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.ports.api}"

    @property
    def simulator_url(self) -> str:
        return f"http://{HOST}:{self.ports.simulator}"

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.ports.temporal_ui}"

    @property
    def worker_metrics_url(self) -> str:
        return f"http://{HOST}:{self.ports.worker_metrics}/metrics"

    @property
    def worker_probes_url(self) -> str:
        return f"http://{HOST}:{self.ports.worker_health}"

    @property
    def prometheus_url(self) -> str:
        return f"http://{HOST}:{self.ports.prometheus}"

    def child_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """The environment of every part: where the others are, unbuffered output."""
        env = dict(base)
        env.update(
            PYTHONUNBUFFERED="1",
            RELAIS_DATA_DIR=str(self.data_dir),
            RELAIS_TEMPORAL_ADDRESS=f"{HOST}:{self.ports.temporal}",
            RELAIS_API_HOST=HOST,
            RELAIS_API_PORT=str(self.ports.api),
            RELAIS_PUBLIC_API_URL=self.api_url,
            RELAIS_SIMULATOR_URL=self.simulator_url,
            RELAIS_TEMPORAL_UI_URL=self.ui_url,  # where the console's dashboard links
            RELAIS_WORKER_HTTP_HOST=HOST,
            RELAIS_WORKER_METRICS_PORT=str(self.ports.worker_metrics),
            RELAIS_WORKER_HEALTH_PORT=str(self.ports.worker_health),
        )
        if self.ports.temporal_ui != DEFAULT_PORTS["temporal_ui"]:  # the API's CORS default
            origins = [self.ui_url, f"http://localhost:{self.ports.temporal_ui}"]
            env.setdefault("RELAIS_UI_ORIGINS", json.dumps(origins))
        if self.data_dir != self.root / "data":  # the settings' default is data/relais.db
            database = f"sqlite+aiosqlite:///{self.data_dir / 'relais.db'}"
            env.setdefault("RELAIS_DATABASE_URL", database)
        return env

    def parts(self) -> tuple[list[Part], list[str]]:
        """The parts to run, and a warning for each part whose code is not there."""
        parts = [self._temporal()]
        warnings: list[str] = []
        optional = [
            ("migrations", self.root / "alembic.ini", self._migrations),
            ("simulator", self.root / "simulator" / "__main__.py", self._simulator),
            ("worker", self.root / "worker.py", self._worker),
            ("api", self.root / "api" / "__main__.py", self._api),
        ]
        for name, needs, build in optional:
            if needs.exists():
                parts.append(build())
            else:
                warnings.append(f"{name} skipped: {needs.relative_to(self.root)} does not exist")
        if self.with_monitoring:
            parts.append(self._prometheus())
        return parts, warnings

    def _python(self, *args: str) -> list[str]:
        return [str(self.bin_dir / "python"), *args]

    def _temporal(self) -> Part:
        command = [
            str(self.bin_dir / "temporal"),
            *("server", "start-dev", "--ip", HOST),
            *("--port", str(self.ports.temporal), "--ui-port", str(self.ports.temporal_ui)),
            *("--db-filename", str(self.data_dir / "temporal.db"), "--namespace", "default"),
            *dev_server_flags(),
        ]
        if self.ui_codec:
            command += ["--ui-codec-endpoint", f"{self.api_url}/codec"]
        command += ["--log-level", "warn"]
        return Part(
            name="temporal",
            command=command,
            ports=(
                PortClaim(self.ports.temporal, "Temporal gRPC", PORT_VARS["temporal"]),
                PortClaim(self.ports.temporal_ui, "Temporal Web UI", PORT_VARS["temporal_ui"]),
            ),
            ready=all_of(accepts_connections(HOST, self.ports.temporal), answers_200(self.ui_url)),
            ready_what=f"gRPC {HOST}:{self.ports.temporal} and the UI {self.ui_url}",
        )

    def _migrations(self) -> Part:
        return Part(
            name="migrate",
            command=self._python("-m", "alembic", "upgrade", "head"),
            one_shot=True,
            ready_what="alembic upgrade head",
        )

    def _simulator(self) -> Part:
        command = self._python(
            *("-m", "simulator", "--host", HOST, "--port", str(self.ports.simulator)),
            *("--webhook-base-url", self.api_url),
        )
        config = self.root / "deploy" / "local" / "simulator.json"
        if config.exists():
            command += ["--config", str(config)]
        # Its notices, handoffs and planned decisions survive its own restart.
        command += ["--state-file", str(self.data_dir / "simulator-state.jsonl")]
        probe_url = f"{self.simulator_url}/_control/targets"
        # The API's webhook secret, by environment rather than argv (which ps shows).
        secret = self.webhook_secret
        return Part(
            name="simulator",
            command=command,
            env={"RELAIS_SIM_WEBHOOK_SECRET": secret} if secret else {},
            ports=(PortClaim(self.ports.simulator, "simulator", PORT_VARS["simulator"]),),
            ready=answers_200(probe_url),
            ready_what=f"GET {probe_url} = 200",
        )

    def _worker(self) -> Part:
        probe_url = f"{self.worker_probes_url}/readyz"
        return Part(
            name="worker",
            command=self._python("worker.py"),
            ports=(
                PortClaim(self.ports.worker_metrics, "worker metrics", PORT_VARS["worker_metrics"]),
                PortClaim(self.ports.worker_health, "worker probes", PORT_VARS["worker_health"]),
            ),
            ready_line="worker started",
            ready=answers_200(probe_url),
            ready_what=f'"worker started" in its log and GET {probe_url} = 200',
        )

    def _api(self) -> Part:
        probe_url = f"{self.api_url}/readyz"
        return Part(
            name="api",
            command=self._python("-m", "api"),
            ports=(PortClaim(self.ports.api, "API", PORT_VARS["api"]),),
            ready=answers_200(probe_url),
            ready_what=f"GET {probe_url} = 200",
        )

    def _prometheus(self) -> Part:
        """Scrapes the API and the worker every 5 s, with the deploy's alert rules."""
        assert self.prometheus_binary is not None
        folder = self.data_dir / "prometheus"
        config = folder / "prometheus.yml"
        folder.mkdir(parents=True, exist_ok=True)
        config.write_text(
            prometheus_config(
                api=[f"{HOST}:{self.ports.api}"],
                workers=[f"{HOST}:{self.ports.worker_metrics}"],
                interval="5s",
            )
        )
        listen = f"{HOST}:{self.ports.prometheus}"
        return Part(
            name="prometheus",
            command=prometheus_command(self.prometheus_binary, config, folder / "tsdb", listen),
            ports=(PortClaim(self.ports.prometheus, "Prometheus", PORT_VARS["prometheus"]),),
            ready=answers_200(f"{self.prometheus_url}/-/ready"),
            ready_what=f"GET {self.prometheus_url}/-/ready = 200",
        )

    def banner(self, parts: list[Part]) -> str:
        names = {part.name for part in parts}
        rows = [("Temporal Web UI", self.ui_url)]
        rows.append(("Temporal gRPC", f"{HOST}:{self.ports.temporal}"))
        if "api" in names:
            rows.append(("Console", f"{self.api_url}/console/ (sign in with a token below)"))
            rows.append(("Web chat", f"{self.api_url}/chat (a young person writes in)"))
            rows.append(("API (OpenAPI)", f"{self.api_url}/docs"))
        if "api" in names and self.ui_codec:
            rows.append(("UI codec login", f"{self.api_url}/codec/login (then as it says)"))
        if "simulator" in names:
            rows.append(("Simulator", f"{self.simulator_url}/docs"))
        if "api" in names:
            rows.append(("API metrics", f"{self.api_url}/metrics"))
            rows.append(("API probes", f"{self.api_url}/livez, /readyz"))
        if "worker" in names:
            rows.append(("Worker metrics", self.worker_metrics_url))
            rows.append(("Worker probes", f"{self.worker_probes_url}/livez, /readyz"))
        if "prometheus" in names:
            rows.append(("Prometheus", f"{self.prometheus_url} (alerts: /alerts)"))
        if self.user_sets_tokens:
            rows.append(("Bearer tokens", "from RELAIS_API_TOKENS"))
        else:
            rows.append(("Bearer tokens", "(one per role)"))
            rows += [(f"  {role.value}", f"local-{role.value}-token") for role in Role]
            rows.append(("  colleague", "local-colleague-token (a second counsellor)"))
        rows.append(("Data", f"{self.data_dir} (temporal.db, relais.db, logs/)"))
        if self.policy_scale:
            rows.append(("Policy scale", f"{self.policy_scale} (every case duration x this)"))
        missing = {"simulator", "worker", "api"} - names
        if missing:
            rows.append(("Not started", ", ".join(sorted(missing)) + " (code not there yet)"))
        rows.append(("Stop", "Ctrl-C"))
        return _box("Relais is up", rows)


def _box(title: str, rows: list[tuple[str, str]]) -> str:
    label_width = max(len(label) for label, _ in rows)
    lines = [f"{label.ljust(label_width)}  {value}" for label, value in rows]
    width = max(len(title) + 2, *(len(line) for line in lines))
    top = f"+- {title} " + "-" * (width - len(title) - 1) + "+"
    body = [f"| {line.ljust(width)} |" for line in lines]
    bottom = "+" + "-" * (width + 2) + "+"
    return "\n".join([top, *body, bottom])
