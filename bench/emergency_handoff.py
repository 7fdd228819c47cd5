"""Emergency path: time from "case opened" to "handoff received by the partner".

A case with a sign of immediate danger hands over to the police (and 119) before
anything else. This measures, over real loopback HTTP on a local Temporal dev
server (the same stack as the tests: API, worker, simulator, SQLite app database),
the time from the moment the API opened the case (``opened_at`` of ``POST /cases``)
to the moment the simulator received each emergency handoff (its ``received_at``).

    .venv/bin/python -m bench.emergency_handoff --cases 100 --concurrency 1
    .venv/bin/python -m bench.emergency_handoff --cases 200 --concurrency 10

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

from tests.support.stack import Stack, auth, running_stack
from tests.support.temporal import start_local_server

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["sextortion"],
    "risk_flags": ["ongoing_sexual_exploitation"],  # police and 119, without consent
    "consents": {"report_to_platforms": True, "referral_partners": []},
    "contact": {"first_name": "Bench", "phone": "+33600000000"},
}
PARTNERS = ("police", "enfance-en-danger-119")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def open_case(stack: Stack) -> tuple[str, datetime]:
    response = await stack.api.post(
        "/cases",
        json=INTAKE,
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    response.raise_for_status()
    data = response.json()
    return data["case_id"], datetime.fromisoformat(data["opened_at"])


async def received(stack: Stack, case_id: str) -> dict[str, datetime]:
    """Partner -> when the simulator received that case's handoff."""
    found: dict[str, datetime] = {}
    for partner in PARTNERS:
        response = await stack.simulator.get("/_control/handoffs", params={"target": partner})
        response.raise_for_status()
        for handoff in response.json():
            if handoff["body"]["case_id"] == case_id:
                found[partner] = datetime.fromisoformat(handoff["received_at"])
    return found


async def one_case(stack: Stack, wait_seconds: float) -> dict[str, float]:
    """Open a case in immediate danger and wait until both partners received it:
    partner -> milliseconds from case opened to handoff received."""
    case_id, opened = await open_case(stack)
    deadline = time.monotonic() + wait_seconds
    while len(got := await received(stack, case_id)) < len(PARTNERS):
        if time.monotonic() > deadline:
            raise RuntimeError(f"case {case_id}: handoffs not received in {wait_seconds}s")
        await asyncio.sleep(0.05)
    return {p: (at - opened).total_seconds() * 1000 for p, at in got.items()}


async def run(cases: int, concurrency: int, wait_seconds: float) -> dict[str, Any]:
    """``concurrency`` counsellors each open a case, wait for its handoffs, and open
    the next, until ``cases`` cases are done (a closed loop: the load stays fixed)."""
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp)) as stack:
                await one_case(stack, wait_seconds)  # warm up: first workflow, connections
                await stack.simulator.post("/_control/reset")
                results: list[dict[str, float]] = []
                todo = iter(range(cases))

                async def counsellor() -> None:
                    for _ in todo:
                        results.append(await one_case(stack, wait_seconds))

                started = time.monotonic()
                await asyncio.gather(*(counsellor() for _ in range(concurrency)))
                wall = time.monotonic() - started
    finally:
        await env.shutdown()
    latencies = {p: [r[p] for r in results] for p in PARTNERS}
    every = [ms for values in latencies.values() for ms in values]
    return {
        "cases": cases,
        "concurrency": concurrency,
        "handoffs": len(every),
        "wall_seconds": round(wall, 2),
        "cases_per_second": round(cases / wall, 2),
        "ms": {
            "p50": round(percentile(every, 50), 1),
            "p90": round(percentile(every, 90), 1),
            "p99": round(percentile(every, 99), 1),
            "max": round(max(every), 1),
            "mean": round(statistics.fmean(every), 1),
        },
        "p50_ms_by_partner": {p: round(percentile(v, 50), 1) for p, v in latencies.items()},
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50, help="cases opened (default 50)")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="counsellors opening cases (default 1)"
    )
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait at most")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.cases, args.concurrency, args.wait))
    ms = result["ms"]
    print(
        f"emergency handoff, case opened -> received by the partner: {result['handoffs']} "
        f"handoffs over {result['cases']} cases (concurrency {result['concurrency']}): "
        f"p50 {ms['p50']} ms, p90 {ms['p90']} ms, p99 {ms['p99']} ms, max {ms['max']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
