"""Emergency path: time from "case opened" to "handoff received by the partner".

A case with a sign of immediate danger hands over to the police (and 119) before
anything else. This measures, over real loopback HTTP on a local Temporal dev
server (the same stack as the tests: API, worker, simulator, SQLite app database),
the time from the moment the API opened the case (``opened_at`` of ``POST /cases``)
to the moment the simulator accepted each emergency handoff (the time of its ``201``
in the simulator's request log). By default everything runs in this one process on
one event loop, as in the tests (the numbers include the bench's own load); with
``--api`` it measures a stack started by ``./dev up``, each part in its own process.

    ./dev bench emergency_handoff --cases 100 --concurrency 1
    ./dev bench emergency_handoff --cases 200 --concurrency 10
    ./dev bench emergency_handoff --api http://127.0.0.1:8000    # ./dev up

``--concurrency`` counsellors each open a case, wait until both partners received
it, then open the next (a closed loop, so the load stays what was asked for).

Prints one line per run and a JSON summary (milliseconds).
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.cli import parse_args
from domain.catalog import CHILD_PROTECTION_119, POLICE
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.temporal import start_local_server

INTAKE: dict[str, Any] = intake_body(
    categories=["sextortion"],
    risk_flags=["ongoing_sexual_exploitation"],  # police and 119, without consent
    consents={"report_to_platforms": True, "referral_partners": []},
    contact={"first_name": "Bench", "phone": "+33600000000"},
)
PARTNERS = (POLICE, CHILD_PROTECTION_119)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def open_case(api: httpx.AsyncClient) -> tuple[str, datetime]:
    response = await api.post(
        "/cases",
        json=INTAKE,
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    response.raise_for_status()
    data = response.json()
    return data["case_id"], datetime.fromisoformat(data["opened_at"])


class Arrivals:
    """Watches the simulator for handoffs received (one poller for every counsellor,
    reading the light request log rather than the bodies)."""

    def __init__(self, simulator: httpx.AsyncClient) -> None:
        self._simulator = simulator
        self.at: dict[tuple[str, str], datetime] = {}
        self._changed = asyncio.Condition()

    async def poll(self) -> None:
        while True:
            response = await self._simulator.get("/_control/requests", params={"kind": "handoff"})
            response.raise_for_status()
            for request in response.json():
                if request["status"] in (200, 201) and request["target"] in PARTNERS:
                    case_id = request["idempotency_key"].rsplit("-r", 1)[0]
                    key = (case_id, request["target"])
                    self.at.setdefault(key, datetime.fromisoformat(request["at"]))
            async with self._changed:
                self._changed.notify_all()
            await asyncio.sleep(0.02)

    async def wait_for(self, case_id: str, wait_seconds: float) -> dict[str, datetime]:
        def arrived() -> bool:
            return all((case_id, p) in self.at for p in PARTNERS)

        async with asyncio.timeout(wait_seconds), self._changed:
            await self._changed.wait_for(arrived)
        return {p: self.at[(case_id, p)] for p in PARTNERS}


async def one_case(
    api: httpx.AsyncClient, arrivals: Arrivals, wait_seconds: float
) -> dict[str, float]:
    """Open a case in immediate danger and wait until both partners received it:
    partner -> milliseconds from case opened to handoff received."""
    case_id, opened = await open_case(api)
    got = await arrivals.wait_for(case_id, wait_seconds)
    return {p: (at - opened).total_seconds() * 1000 for p, at in got.items()}


async def measure(
    api: httpx.AsyncClient,
    simulator: httpx.AsyncClient,
    cases: int,
    concurrency: int,
    wait_seconds: float,
) -> tuple[list[dict[str, float]], float]:
    """``concurrency`` counsellors each open a case, wait for its handoffs, and open
    the next, until ``cases`` cases are done (a closed loop: the load stays fixed)."""
    arrivals = Arrivals(simulator)
    poller = asyncio.create_task(arrivals.poll())
    try:
        await one_case(api, arrivals, wait_seconds)  # warm up
        results: list[dict[str, float]] = []
        todo = iter(range(cases))

        async def counsellor() -> None:
            for _ in todo:
                results.append(await one_case(api, arrivals, wait_seconds))

        started = time.monotonic()
        await asyncio.gather(*(counsellor() for _ in range(concurrency)))
        return results, time.monotonic() - started
    finally:
        poller.cancel()


async def in_process(cases: int, concurrency: int, wait_seconds: float) -> Any:
    """The test stack: dev server, API, worker and simulator in this process."""
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp)) as stack:
                return await measure(stack.api, stack.simulator, cases, concurrency, wait_seconds)
    finally:
        await env.shutdown()


async def against(
    api_url: str, simulator_url: str, cases: int, concurrency: int, wait_seconds: float
) -> Any:
    """A stack already running (``./dev up``: each part in its own process)."""
    async with (
        httpx.AsyncClient(base_url=api_url, timeout=30) as api,
        httpx.AsyncClient(base_url=simulator_url, timeout=30) as simulator,
    ):
        return await measure(api, simulator, cases, concurrency, wait_seconds)


def summary(
    results: list[dict[str, float]], wall: float, concurrency: int, where: str
) -> dict[str, Any]:
    latencies = {p: [r[p] for r in results] for p in PARTNERS}
    every = [ms for values in latencies.values() for ms in values]
    return {
        "stack": where,
        "cases": len(results),
        "concurrency": concurrency,
        "handoffs": len(every),
        "wall_seconds": round(wall, 2),
        "cases_per_second": round(len(results) / wall, 2),
        "ms": {
            "p50": round(percentile(every, 50), 1),
            "p90": round(percentile(every, 90), 1),
            "p99": round(percentile(every, 99), 1),
            "max": round(max(every), 1),
            "mean": round(statistics.fmean(every), 1),
        },
        "p50_ms_by_partner": {p: round(percentile(v, 50), 1) for p, v in latencies.items()},
    }


SMOKE = {"cases": 2}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50, help="cases opened (default 50)")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="counsellors opening cases (default 1)"
    )
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait at most")
    parser.add_argument("--api", help="measure a running stack: its API URL (./dev up)")
    parser.add_argument("--simulator", default="http://127.0.0.1:8100", help="with --api")
    args = parse_args(parser, argv, SMOKE)
    if args.api:
        where = f"running stack at {args.api}"
        run = against(args.api, args.simulator, args.cases, args.concurrency, args.wait)
    else:
        where = "in process"
        run = in_process(args.cases, args.concurrency, args.wait)
    results, wall = asyncio.run(run)
    result = summary(results, wall, args.concurrency, where)
    ms = result["ms"]
    print(
        f"emergency handoff, case opened -> received by the partner: {result['handoffs']} "
        f"handoffs over {result['cases']} cases (concurrency {result['concurrency']}, "
        f"{result['stack']}): "
        f"p50 {ms['p50']} ms, p90 {ms['p90']} ms, p99 {ms['p99']} ms, max {ms['max']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
