"""Open cases parked on timers: worker memory and history events per case.

Opens ``--cases`` cases whose next step is a callback in 48 h (production
durations), waits until the worker has parked every one of them on its timer, then
reads the worker process's resident memory (before, after and its peak) and the
number of history events of a sample of cases. The bare line: history events of the
bare two-activity workflow. The worker runs with the production sticky cache
(``RELAIS_WORKER_CACHED_CASES``) unless ``--worker-cached-cases`` says otherwise.

    ./dev bench parked    # 1,000 cases
    ./dev bench parked --cases 10000
    ./dev bench parked --cases 10000 --worker-cached-cases 1000
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from functools import partial
from typing import Any

from temporalio.api.enums.v1 import EventType

from bench.cli import parse_args
from bench.common import Bench, bench_stack, intake, print_table
from domain import contract
from domain.case import CaseStatus
from relais.settings import Settings
from tests.support.waiting import eventually


async def events(bench: Bench, workflow_id: str) -> list[int]:
    history = await bench.client.get_workflow_handle(workflow_id).fetch_history()
    return [event.event_type for event in history.events]


async def parked(bench: Bench, case_id: str) -> bool:
    """The case's workflow waits on a timer (its callback, for a case without items)."""
    kinds = await events(bench, contract.SUPPORT_CASE.workflow_id(case_id))
    return EventType.EVENT_TYPE_TIMER_STARTED in kinds


PARKED_QUERY = (
    f'WorkflowType="{contract.SUPPORT_CASE.name}" AND ExecutionStatus="Running" '
    f'AND CaseStatus="{CaseStatus.CALLBACK_SCHEDULED.value}" AND NextActionAt IS NOT NULL'
)


async def wait_all_parked(bench: Bench, cases: int, sample: list[str], within: float) -> float:
    """Seconds until visibility counts every case as parked on its callback timer.

    Counting through visibility keeps the wait cheap at 10,000 cases (fetching every
    history would load the server more than the cases do). The status is published a
    workflow task before the timer starts (the directory row is written in between),
    so the sampled histories are then awaited until their timer is there."""
    started = time.monotonic()
    await eventually(
        lambda: bench.client.count_workflows(PARKED_QUERY),
        lambda counted: counted.count >= cases,
        what=f"{cases} cases parked",
        within=within,
        interval=1.0,
    )
    for case_id in sample:
        await eventually(
            partial(parked, bench, case_id),
            lambda timer: timer,
            what=f"the callback timer of case {case_id}",
            within=60,
        )
    return time.monotonic() - started


DEFAULT_CACHE = Settings.model_fields["worker_cached_cases"].default


async def run(cases: int, concurrency: int, keep: str | None, cached: int) -> dict[str, Any]:
    env = {"RELAIS_WORKER_CACHED_CASES": str(cached)}
    async with bench_stack(keep=keep, env=env) as bench:
        [worker] = bench.stack.workers
        before = worker.rss_bytes()
        case_ids: list[str] = []
        todo = iter(range(cases))

        async def counsellor() -> None:
            for _ in todo:
                case_ids.append((await bench.open_case(intake()))["case_id"])

        loop = asyncio.get_running_loop()
        opening = loop.time()
        await asyncio.gather(*(counsellor() for _ in range(concurrency)))
        open_s = loop.time() - opening
        # Every case parked on its callback timer (all of them, not a sample).
        sample = case_ids[:: max(1, len(case_ids) // 50)]
        settle_s = await wait_all_parked(bench, cases, sample, within=max(600, cases / 5))
        after, peak = worker.rss_bytes(), worker.peak_rss_bytes()
        histories = [await events(bench, contract.SUPPORT_CASE.workflow_id(c)) for c in sample]
        unparked = [h for h in histories if EventType.EVENT_TYPE_TIMER_STARTED not in h]
        if unparked:
            raise SystemExit(f"{len(unparked)} sampled cases counted as parked have no timer")
        counts = [len(h) for h in histories]
        bare = await bench.bare_start()
        await bare.result()
        bare_events = len(await events(bench, bare.id))
    return {
        "cases": cases,
        "worker_cached_cases": cached,
        "open_s": round(open_s, 1),
        "settle_s": round(settle_s, 1),
        "worker_rss_mib_before": round(before / 2**20, 1),
        "worker_rss_mib_after": round(after / 2**20, 1),
        "worker_rss_mib_peak": round(peak / 2**20, 1),
        "kib_per_case": round((after - before) / 1024 / cases, 1),
        "history_events_per_case": {
            "mean": round(statistics.fmean(counts), 1),
            "max": max(counts),
            "sampled": len(counts),
        },
        "bare_history_events": bare_events,
    }


SMOKE = {"cases": 5}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases opened (1000)")
    parser.add_argument("--concurrency", type=int, default=10, help="requests at once (10)")
    parser.add_argument(
        "--worker-cached-cases",
        type=int,
        default=DEFAULT_CACHE,
        help=f"the worker's sticky cache, in workflows ({DEFAULT_CACHE}, the production default)",
    )
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.cases, args.concurrency, args.keep, args.worker_cached_cases))
    h = result["history_events_per_case"]
    print_table(
        f"{args.cases} open cases parked on their callback timer "
        f"(worker caching {args.worker_cached_cases} workflows)",
        [
            (
                "opened through the API",
                f"{args.cases} in {result['open_s']} s; all parked {result['settle_s']} s later",
            ),
            ("worker RSS before", f"{result['worker_rss_mib_before']} MiB"),
            (
                "worker RSS after",
                f"{result['worker_rss_mib_after']} MiB ({result['kib_per_case']} KiB per case); "
                f"peak {result['worker_rss_mib_peak']} MiB",
            ),
            (
                "history events per case",
                f"mean {h['mean']}, max {h['max']} ({h['sampled']} sampled)",
            ),
            ("bare workflow history events", str(result["bare_history_events"])),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
