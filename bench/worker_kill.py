"""Worker killed: how long until the work that fell due meanwhile resumes.

Opens ``--cases`` cases whose callback falls due ``--delay`` seconds later, waits
until the worker parked them all, kills the worker with SIGKILL, lets every
callback fall due while no worker runs, then starts a new worker process and
measures: how long the process took to poll again, and from its start until the
first and the last due case was handled (its status ``callback_due``, read from
the search attributes, which the worker sets). A second run kills one of two
workers sharing the queue and restarts none: the survivor takes over.

    ./dev bench worker_kill    # 20 cases
    ./dev bench worker_kill --cases 200
"""

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.cli import parse_args
from bench.common import Bench, bench_stack, intake, print_table
from bench.parked import parked
from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy
from relais import search_attributes as sa
from tests.support.waiting import eventually


async def handled(bench: Bench, case_id: str) -> bool:
    handle = bench.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    status = (await handle.describe()).typed_search_attributes.get(sa.CASE_STATUS)
    return status == "callback_due"


async def open_and_park(bench: Bench, cases: int) -> tuple[list[str], datetime]:
    case_ids = [(await bench.open_case(intake()))["case_id"] for _ in range(cases)]
    last_opened = datetime.now(UTC)
    await eventually(
        lambda: asyncio.gather(*(parked(bench, c) for c in case_ids)),
        all,
        what="every case parked on its timer",
        within=120,
        interval=0.2,
    )
    return case_ids, last_opened


async def times_until_handled(bench: Bench, case_ids: list[str], since: float) -> list[float]:
    """Seconds from ``since`` until each case was handled."""
    done: dict[str, float] = {}
    async with asyncio.timeout(300):
        while len(done) < len(case_ids):
            waiting = [c for c in case_ids if c not in done]
            for case_id, ok in zip(
                waiting, await asyncio.gather(*(handled(bench, c) for c in waiting)), strict=True
            ):
                if ok:
                    done[case_id] = time.monotonic() - since
            await asyncio.sleep(0.05)
    return sorted(done.values())


async def restart_after_kill(bench: Bench, cases: int, delay: float) -> dict[str, float]:
    [worker] = bench.stack.workers
    case_ids, last_opened = await open_and_park(bench, cases)
    assert not any([await handled(bench, c) for c in case_ids]), "--delay is too short"
    worker.kill()
    # The scenario itself: the worker stays down until every callback is due.
    due = last_opened + timedelta(seconds=delay + 1)
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    started = time.monotonic()
    startup = await bench.stack.start_worker(worker)
    lags = await times_until_handled(bench, case_ids, started)
    return {
        "worker_start_s": round(startup, 2),
        "first_handled_s": round(lags[0], 2),
        "all_handled_s": round(lags[-1], 2),
    }


async def survivor_takes_over(bench: Bench, cases: int, delay: float) -> dict[str, float]:
    second = bench.stack.add_worker()
    await bench.stack.start_worker(second)
    case_ids, last_opened = await open_and_park(bench, cases)
    # Kill one worker before the callbacks fall due: the cases it had cached
    # (its sticky queue) must move to the survivor. Timed from the last one due.
    second.kill()
    due = last_opened + timedelta(seconds=delay)
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    lags = await times_until_handled(bench, case_ids, time.monotonic())
    return {"first_handled_s": round(lags[0], 2), "all_handled_s": round(lags[-1], 2)}


async def run(cases: int, delay: float, keep: str | None) -> dict[str, Any]:
    policy = CasePolicy(callback_delay=timedelta(seconds=delay), opening_hours=ALWAYS_OPEN)
    async with bench_stack(policy=policy, keep=keep) as bench:
        restart = await restart_after_kill(bench, cases, delay)
        takeover = await survivor_takes_over(bench, cases, delay)
    return {"cases": cases, "delay_s": delay, "restart": restart, "survivor": takeover}


# --smoke: 3 cases; the delay outlasts the dead worker's sticky queue (10 s), as at full size
SMOKE = {"cases": 3, "delay": 12.0}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20, help="cases due (20)")
    parser.add_argument("--delay", type=float, default=15.0, help="callback delay, s (15)")
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.cases, args.delay, args.keep))
    r, s = result["restart"], result["survivor"]
    print_table(
        f"worker killed with {args.cases} callbacks falling due",
        [
            ("new worker process polling after", f"{r['worker_start_s']} s"),
            (
                "restart -> first / all due cases handled",
                f"{r['first_handled_s']} s / {r['all_handled_s']} s",
            ),
            (
                "one of two killed: last due -> first / all handled",
                f"{s['first_handled_s']} s / {s['all_handled_s']} s",
            ),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
