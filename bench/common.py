"""What the benchmarks share: Relais as separate processes (dev server on a SQLite
file, simulator, API, worker) plus a bare-Temporal worker on the same server, the
case bodies, percentiles and the printed table."""

import os
import platform
import statistics
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from bench.bare_workflow import BareWorkflow
from bench.baseline import bare_worker
from domain.policy import CasePolicy
from tests.chaos.processes import Process, ProcessStack, process_stack
from tests.support.builders import intake_body

TOKEN = {"Authorization": "Bearer local-counsellor-token"}
SUPERVISOR = {"Authorization": "Bearer local-supervisor-token"}


def intake(*, callback: bool = True, platforms: bool = True) -> dict[str, Any]:
    """A case body with no real personal data; callbacks at any hour (benchmarks run
    at any time of day)."""
    return intake_body(
        consents={
            "report_to_platforms": platforms,
            "referral_partners": [],
            "callback": {"consented": callback, "earliest_hour": 0, "latest_hour": 24},
        },
        contact={"first_name": "Bench", "phone": "+33600000000"},
    )


def item(n: int) -> dict[str, Any]:
    return {
        "platform": "tiktok",
        "content_type": "video",
        "legal_qualification": "cyberharassment",
        "location": {"url": f"https://www.tiktok.com/@bench/video/{n}"},
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def spread(values: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 / max / mean of milliseconds, rounded."""
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {python}"


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n{title}  ({datetime.now().date().isoformat()}, {machine()})")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


@dataclass
class Bench:
    stack: ProcessStack
    client: Client  # no codec: for the bare baseline and for describing workflows
    api: httpx.AsyncClient
    simulator: httpx.AsyncClient
    bare_queue: str
    bare_worker: Process | None = None  # for its memory

    async def open_case(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.api.post(
            "/cases", json=body, headers={**TOKEN, "Idempotency-Key": uuid.uuid4().hex}
        )
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    async def bare_start(self) -> Any:
        return await self.client.start_workflow(
            BareWorkflow.run, "x", id=f"bare-{uuid.uuid4().hex}", task_queue=self.bare_queue
        )


@asynccontextmanager
async def bench_stack(
    *,
    policy: CasePolicy | None = None,
    simulator_config: dict[str, Any] | None = None,
    keep: str | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Bench]:
    """Relais in separate processes and a bare worker, on one dev server (SQLite
    file); ``keep``: a folder to keep the logs and databases in; ``env``: more
    ``RELAIS_*`` settings for the API and the worker."""
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        async with process_stack(
            folder, policy=policy, simulator_config=simulator_config, env=env
        ) as stack:
            bare_queue = f"bare-{uuid.uuid4().hex[:8]}"
            bare = await bare_worker(stack.temporal_address, bare_queue, folder)
            try:
                client = await Client.connect(stack.temporal_address)
                async with (
                    httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api,
                    httpx.AsyncClient(base_url=stack.simulator_url, timeout=60) as simulator,
                ):
                    yield Bench(stack, client, api, simulator, bare_queue, bare)
            finally:
                bare.stop()
