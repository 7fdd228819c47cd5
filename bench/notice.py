"""Qualification accepted -> takedown notice received by the platform: p50 / p99.

A counsellor qualifies a harmful item (``POST /cases/{id}/items``, answered ``202``
once the case workflow accepted the update); the notice workflow submits it to the
platform (the simulator) through its adapter. Measured from the ``202`` to the
simulator's receipt of the notice (both clocks are this machine's). The bare line
next to it: ``start_workflow`` -> result of the two-activity workflow, on the same
server in the same run.

    ./dev bench notice    # 50 items, one counsellor
    ./dev bench notice --items 200 --concurrency 5
"""

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.cli import parse_args
from bench.common import TOKEN, Bench, bench_stack, intake, item, print_table, spread


class NoticeArrivals:
    """One poller of the simulator's notices for every counsellor."""

    def __init__(self, bench: Bench) -> None:
        self._bench = bench
        self.at: dict[str, datetime] = {}
        self._changed = asyncio.Condition()

    async def poll(self) -> None:
        while True:
            response = await self._bench.simulator.get("/_control/notices")
            response.raise_for_status()
            for notice in response.json():
                notice_id = notice["body"].get("notice_id")
                if notice_id:
                    self.at.setdefault(notice_id, datetime.fromisoformat(notice["received_at"]))
            async with self._changed:
                self._changed.notify_all()
            await asyncio.sleep(0.02)

    async def wait_for(self, notice_id: str) -> datetime:
        async with asyncio.timeout(120), self._changed:
            await self._changed.wait_for(lambda: notice_id in self.at)
        return self.at[notice_id]


async def one_item(bench: Bench, arrivals: NoticeArrivals, n: int) -> float:
    case = await bench.open_case(intake(callback=False))
    response = await bench.api.post(
        f"/cases/{case['case_id']}/items", json={"items": [item(n)]}, headers=TOKEN
    )
    accepted = datetime.now(UTC)
    assert response.status_code == 202, response.text
    [notice_id] = response.json()["notice_ids"]
    received = await arrivals.wait_for(notice_id)
    return (received - accepted).total_seconds() * 1000


async def bare_round_trips(bench: Bench, count: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    todo = iter(range(count))

    async def loop() -> None:
        for _ in todo:
            started = time.perf_counter()
            await (await bench.bare_start()).result()
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return latencies


async def run(items: int, concurrency: int, keep: str | None) -> dict[str, Any]:
    # The simulator decides late: the platform's decision is not part of this path.
    config = {"defaults": {"decision_delay_seconds": 600}}
    async with bench_stack(simulator_config=config, keep=keep) as bench:
        arrivals = NoticeArrivals(bench)
        poller = asyncio.create_task(arrivals.poll())
        try:
            await one_item(bench, arrivals, -1)  # warm up
            latencies: list[float] = []
            todo = iter(range(items))

            async def counsellor() -> None:
                for n in todo:
                    latencies.append(await one_item(bench, arrivals, n))

            await asyncio.gather(*(counsellor() for _ in range(concurrency)))
        finally:
            poller.cancel()
        bare = await bare_round_trips(bench, items, concurrency)
    return {
        "items": items,
        "concurrency": concurrency,
        "relais_ms": spread(latencies),
        "bare_workflow_ms": spread(bare),
    }


SMOKE = {"items": 2}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=50, help="items qualified (50)")
    parser.add_argument("--concurrency", type=int, default=1, help="counsellors at once (1)")
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.items, args.concurrency, args.keep))
    r, b = result["relais_ms"], result["bare_workflow_ms"]
    print_table(
        f"qualification accepted -> notice received ({args.items} items, "
        f"concurrency {args.concurrency})",
        [
            (
                "202 -> notice at platform",
                f"p50 {r['p50']} ms, p99 {r['p99']} ms, max {r['max']} ms",
            ),
            ("bare start -> result", f"p50 {b['p50']} ms, p99 {b['p99']} ms, max {b['max']} ms"),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
