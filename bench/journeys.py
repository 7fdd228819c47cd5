"""Whole short-duration journeys per second, as a ratio of the bare baseline.

A journey: open a case, qualify one item (notice -> "removed" by the simulator ->
removal verified), the callback falls due (1 s after the outcome), the counsellor
records it reached and closes the case, and the case workflow completes after a
1 s reopen window. ``--concurrency`` counsellors each run journeys back to back.
The baseline: the same number of counsellors each starting the bare two-activity
workflow and waiting for its result, on the same server in the same run.

    ./dev bench journeys    # 40 journeys, 10 at once
    ./dev bench journeys --journeys 200 --concurrency 20
"""

import argparse
import asyncio
import json
import sys
import time
from datetime import timedelta
from typing import Any

from temporalio.client import WorkflowExecutionStatus

from bench.cli import parse_args
from bench.common import SUPERVISOR, TOKEN, Bench, bench_stack, intake, item, print_table
from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy
from tests.support.waiting import eventually

POLICY = CasePolicy(
    callback_delay=timedelta(seconds=1),
    opening_hours=ALWAYS_OPEN,
    reopen_window=timedelta(seconds=1),
)


async def until_status(bench: Bench, case_id: str, wanted: str, within: float = 120) -> None:
    async with asyncio.timeout(within):
        while True:
            response = await bench.api.get(f"/cases/{case_id}", headers=SUPERVISOR)
            if response.status_code == 200 and response.json()["status"] == wanted:
                return
            await asyncio.sleep(0.2)


async def journey(bench: Bench, n: int) -> None:
    case_id = (await bench.open_case(intake()))["case_id"]
    response = await bench.api.post(
        f"/cases/{case_id}/items", json={"items": [item(n)]}, headers=TOKEN
    )
    assert response.status_code == 202, response.text
    await until_status(bench, case_id, "callback_due")
    outcome = await bench.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": "reached", "close_case": True},
        headers=TOKEN,
    )
    assert outcome.status_code == 200, outcome.text
    # The result is encrypted (this client has no codec): wait on the status instead.
    handle = bench.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    await eventually(
        handle.describe,
        lambda d: d.status == WorkflowExecutionStatus.COMPLETED,
        what="case workflow completed",
        within=120,
        interval=0.2,
    )


async def per_second(count: int, concurrency: int, one: Any) -> float:
    todo = iter(range(count))

    async def counsellor() -> None:
        for n in todo:
            await one(n)

    started = time.perf_counter()
    await asyncio.gather(*(counsellor() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def run(journeys: int, concurrency: int, keep: str | None) -> dict[str, Any]:
    config = {"defaults": {"decision_delay_seconds": 0.2}}
    async with bench_stack(policy=POLICY, simulator_config=config, keep=keep) as bench:
        await journey(bench, -1)  # warm up

        async def bare(_: int) -> None:
            await (await bench.bare_start()).result()

        relais = await per_second(journeys, concurrency, lambda n: journey(bench, n))
        baseline = await per_second(journeys * 5, concurrency, bare)
    return {
        "journeys": journeys,
        "concurrency": concurrency,
        "journeys_per_second": round(relais, 2),
        "bare_per_second": round(baseline, 2),
        "ratio": round(relais / baseline, 3),
    }


SMOKE = {"journeys": 2, "concurrency": 2}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=40, help="journeys run (40)")
    parser.add_argument("--concurrency", type=int, default=10, help="counsellors at once (10)")
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.journeys, args.concurrency, args.keep))
    print_table(
        f"short journeys, {args.journeys} with {args.concurrency} at once",
        [
            ("Relais journeys / s", str(result["journeys_per_second"])),
            ("bare workflows / s", str(result["bare_per_second"])),
            ("ratio", str(result["ratio"])),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
