"""``./dev up`` as a user runs it (``python -m devtools up``), on free ports and a temp data dir."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.probes import answers_200, port_in_use
from relais.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
PORT_VARS = (
    "RELAIS_TEMPORAL_PORT",
    "RELAIS_TEMPORAL_UI_PORT",
    "RELAIS_SIMULATOR_PORT",
    "RELAIS_API_PORT",
    "RELAIS_WORKER_METRICS_PORT",
    "RELAIS_WORKER_HEALTH_PORT",
    "RELAIS_PROMETHEUS_PORT",
)


class DevUp:
    """``python -m devtools up`` in the background, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools", "up"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, marker: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.text:
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                if marker in self.text:
                    return
                raise AssertionError(f"./dev up exited before {marker!r}:\n{self.text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {marker!r} after {timeout} s:\n{self.text}")
            time.sleep(0.1)

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    ports: set[int] = set()
    while len(ports) < len(PORT_VARS):
        ports.add(free_port())
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    environ.update(zip(PORT_VARS, map(str, sorted(ports)), strict=True))
    environ["RELAIS_DATA_DIR"] = str(tmp_path / "data")
    yield environ


def test_taken_port_is_named_with_its_part_and_variable(env: dict[str, str]) -> None:
    ui_port = int(env["RELAIS_TEMPORAL_UI_PORT"])
    with socket.create_server(("127.0.0.1", ui_port)):
        dev = DevUp(env)
        code = dev.finish(timeout=60)
    assert code == 1
    assert f"port {ui_port} (Temporal Web UI, needed by temporal) is already in use" in dev.text
    assert "RELAIS_TEMPORAL_UI_PORT=<another port> ./dev up" in dev.text
    assert "starting temporal" not in dev.text


def test_bad_port_variable_is_refused(env: dict[str, str]) -> None:
    env["RELAIS_API_PORT"] = "eighty"
    dev = DevUp(env)
    assert dev.finish(timeout=60) == 2
    assert "RELAIS_API_PORT='eighty' is not a port number" in dev.text


def test_up_starts_the_stack_and_ctrl_c_stops_everything(env: dict[str, str]) -> None:
    dev = DevUp(env)
    try:
        dev.wait_for("Relais is up", timeout=240)
        ui = f"http://127.0.0.1:{env['RELAIS_TEMPORAL_UI_PORT']}"
        assert answers_200(ui)()
        assert f"Temporal Web UI  {ui}" in dev.text
        assert "local-counsellor-token" in dev.text
        if (ROOT / "simulator" / "__main__.py").exists():
            sim = f"http://127.0.0.1:{env['RELAIS_SIMULATOR_PORT']}"
            assert answers_200(f"{sim}/_control/targets")()
        if (ROOT / "api" / "__main__.py").exists():
            api = f"http://127.0.0.1:{env['RELAIS_API_PORT']}"
            assert answers_200(f"{api}/healthz")()
            assert answers_200(f"{api}/console/sign-in")()  # the console, as the box says
            assert re.search(rf"Console +{re.escape(api)}/console/", dev.text)
        logs = Path(env["RELAIS_DATA_DIR"]) / "logs"
        assert (logs / "temporal.log").exists()
    finally:
        dev.process.send_signal(signal.SIGINT)
        code = dev.finish(timeout=90)
    assert code == 0, dev.text
    assert "stopped (SIGINT)" in dev.text
    for var in PORT_VARS:
        assert not port_in_use("127.0.0.1", int(env[var])), f"{var} still held:\n{dev.text}"
    assert processes_started_with(env["RELAIS_DATA_DIR"]) == []


def processes_started_with(value: str) -> list[int]:
    """Pids whose environment mentions ``value`` (every part inherits RELAIS_DATA_DIR)."""
    needle = value.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found
