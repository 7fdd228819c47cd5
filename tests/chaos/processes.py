"""Relais as real processes, for the chaos suite and the benchmarks.

The Temporal dev server on a SQLite file (so it can be restarted on the same state),
the simulator, the API and any number of workers each run in their own process,
started the way ``./dev up`` starts them, and can be killed with SIGKILL and started
again. Each process writes its output to a log file in the run's folder; nothing here
waits on a fixed sleep: readiness is a log line, an open port or an HTTP 200.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from domain.policy import CasePolicy
from relais.search_attributes import dev_server_flags
from relais.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"


def temporal_binary() -> str:
    beside = Path(PYTHON).parent / "temporal"
    return str(beside) if beside.exists() else "temporal"


class Process:
    """One child process in its own process group, its output in ``log``."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log = log
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.ports: dict[str, int] = {}  # a worker's metrics and health ports

    def start(self) -> None:
        assert not self.running, f"{self.name} is already running"
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"--- start {self.starts} ---\n".encode())
            out.flush()
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def output_of_this_start(self) -> str:
        return self.output().rsplit(f"--- start {self.starts} ---\n", 1)[-1]

    def rss_bytes(self) -> int:
        """Resident memory of the process now (Linux /proc)."""
        return self._status_bytes("VmRSS")

    def peak_rss_bytes(self) -> int:
        """The most resident memory the process has had since it started."""
        return self._status_bytes("VmHWM")

    def _status_bytes(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no {field}")

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up, no graceful shutdown."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if not self.running:
            return
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()

    async def wait_until(self, ready: Callable[[], Any], what: str, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while True:
            if not self.running:
                tail = "\n".join(self.output().splitlines()[-30:])
                raise RuntimeError(f"{self.name} exited while waiting for {what}:\n{tail}")
            result = ready()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            if time.monotonic() > deadline:
                tail = "\n".join(self.output().splitlines()[-30:])
                raise TimeoutError(f"{self.name}: no {what} within {within}s:\n{tail}")
            await asyncio.sleep(0.05)


async def _answers_200(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


async def _temporal_ready(address: str) -> bool:
    try:
        client = await asyncio.wait_for(Client.connect(address), 3)
        request = DescribeNamespaceRequest(namespace="default")
        await asyncio.wait_for(client.workflow_service.describe_namespace(request), 3)
    except Exception:
        return False
    return True


@dataclass
class ProcessStack:
    """Addresses and processes of one run; see :func:`process_stack`."""

    folder: Path
    temporal_address: str
    api_url: str
    simulator_url: str
    task_queue: str
    database_url: str
    temporal: Process
    simulator: Process
    api: Process
    worker_env: dict[str, str]
    workers: list[Process] = field(default_factory=list)

    async def start_temporal(self) -> None:
        self.temporal.start()
        await self.temporal.wait_until(
            lambda: _temporal_ready(self.temporal_address), "Temporal gRPC", within=60
        )

    async def restart_temporal(self) -> None:
        """Stop the dev server (SIGKILL: as a crash would) and start it on the same file."""
        self.temporal.kill()
        await self.start_temporal()

    def add_worker(self) -> Process:
        """A worker with its own metrics and health ports (several run side by side)."""
        number = len(self.workers) + 1
        ports = {"metrics": free_port(), "health": free_port()}
        env = {
            **self.worker_env,
            "RELAIS_WORKER_METRICS_PORT": str(ports["metrics"]),
            "RELAIS_WORKER_HEALTH_PORT": str(ports["health"]),
        }
        worker = Process(
            f"worker-{number}", [PYTHON, "worker.py"], env, self.folder / f"worker-{number}.log"
        )
        worker.ports = ports
        self.workers.append(worker)
        return worker

    async def start_worker(self, worker: Process) -> float:
        """Start it and wait for "worker started": seconds it took."""
        started = time.monotonic()
        worker.start()
        await worker.wait_until(
            lambda: "worker started" in worker.output_of_this_start(), '"worker started"'
        )
        return time.monotonic() - started

    async def start(self) -> None:
        """Temporal, then the simulator and the API (which migrates the database)."""
        await self.start_temporal()
        self.simulator.start()
        self.api.start()
        await self.simulator.wait_until(
            lambda: _answers_200(f"{self.simulator_url}/_control/targets"), "simulator"
        )
        await self.api.wait_until(lambda: _answers_200(f"{self.api_url}/healthz"), "API /healthz")

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.api.stop()
        self.simulator.stop()
        self.temporal.stop()


def child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


def build_process_stack(
    folder: Path,
    *,
    policy: CasePolicy | None = None,
    simulator_config: dict[str, Any] | None = None,
    temporal_extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> ProcessStack:
    """The processes of a run, none started yet (see :func:`process_stack`); ``env``:
    more ``RELAIS_*`` settings for the API and the workers."""
    folder.mkdir(parents=True, exist_ok=True)
    temporal_port, api_port, sim_port = free_port(), free_port(), free_port()
    temporal_address = f"{HOST}:{temporal_port}"
    api_url = f"http://{HOST}:{api_port}"
    sim_url = f"http://{HOST}:{sim_port}"
    database_url = f"sqlite+aiosqlite:///{folder / 'relais.db'}"
    task_queue = f"chaos-{uuid.uuid4().hex[:10]}"
    common = {
        "RELAIS_DATA_DIR": str(folder),
        "RELAIS_TEMPORAL_ADDRESS": temporal_address,
        "RELAIS_TASK_QUEUE": task_queue,
        "RELAIS_DATABASE_URL": database_url,
        "RELAIS_SIMULATOR_URL": sim_url,
        "RELAIS_PUBLIC_API_URL": api_url,
        "RELAIS_API_HOST": HOST,
        "RELAIS_API_PORT": str(api_port),
        "RELAIS_POLICY": (policy or CasePolicy()).model_dump_json(),
        **(env or {}),
    }
    config_file = folder / "simulator.json"
    config_file.write_text(json.dumps(simulator_config or {}))
    temporal = Process(
        "temporal",
        [
            temporal_binary(),
            *("server", "start-dev", "--ip", HOST, "--port", str(temporal_port), "--headless"),
            *("--db-filename", str(folder / "temporal.db"), "--namespace", "default"),
            *dev_server_flags(),
            *("--log-level", "error"),
            *(temporal_extra_args or []),
        ],
        child_env(),
        folder / "temporal.log",
    )
    simulator = Process(
        "simulator",
        [
            *(PYTHON, "-m", "simulator", "--host", HOST, "--port", str(sim_port)),
            *("--webhook-base-url", api_url, "--config", str(config_file)),
        ],
        child_env(),
        folder / "simulator.log",
    )
    api = Process(
        "api", [PYTHON, "-m", "api", "--create-schema"], child_env(**common), folder / "api.log"
    )
    return ProcessStack(
        folder,
        temporal_address,
        api_url,
        sim_url,
        task_queue,
        database_url,
        temporal,
        simulator,
        api,
        child_env(**common),
    )


@asynccontextmanager
async def process_stack(
    folder: Path,
    *,
    policy: CasePolicy | None = None,
    simulator_config: dict[str, Any] | None = None,
    workers: int = 1,
    temporal_extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[ProcessStack]:
    """Temporal (SQLite file in ``folder``), simulator, API and ``workers`` workers,
    each in its own process; everything is stopped at the end."""
    stack = build_process_stack(
        folder,
        policy=policy,
        simulator_config=simulator_config,
        temporal_extra_args=temporal_extra_args,
        env=env,
    )
    try:
        await stack.start()
        for _ in range(workers):
            await stack.start_worker(stack.add_worker())
        yield stack
    finally:
        stack.stop_all()
