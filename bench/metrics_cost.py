"""What metrics cost: open-case latency and worker CPU with metrics off and on.

Two stacks in one run, one after the other, each in its own processes on its own
dev server: ``RELAIS_METRICS_ENABLED=false`` (no /metrics, no SDK metrics endpoint),
then metrics on with the API's ``/metrics`` and the worker's SDK endpoint scraped
every ``--scrape-every`` seconds (1 s: fifteen times Prometheus' default). In each,
``POST /cases`` at a fixed rate; the worker's CPU seconds (user + system, from
/proc) over the same window, and the API's.

    ./dev bench metrics_cost                   # 10/s for 20 s, scraped every 1 s
    ./dev bench metrics_cost --rate 20 --seconds 30 --rounds 2
"""

import argparse
import asyncio
import json
import os
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx

from bench.cli import parse_args
from bench.common import Bench, bench_stack, intake, print_table, spread
from bench.open_case import at_rate

TICKS = os.sysconf("SC_CLK_TCK")
SMOKE = {"rate": 5.0, "seconds": 1.0}  # --smoke: 5 cases each way


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def scrape_forever(urls: list[str], every: float, took: list[float]) -> None:
    """GET each URL every ``every`` s, as Prometheus would; each API scrape's ms."""
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            for n, url in enumerate(urls):
                started = time.perf_counter()
                response = await http.get(url)
                response.raise_for_status()
                if n == 0:
                    took.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(every)


async def measure(bench: Bench, rate: float, seconds: float, scrape_every: float | None) -> Any:
    body = intake()
    for _ in range(10):  # warm up
        await bench.open_case(body)
    scrapes: list[float] = []
    scraper = None
    if scrape_every is not None:
        worker_port = bench.stack.workers[0].ports["metrics"]
        urls = [f"{bench.stack.api_url}/metrics", f"http://127.0.0.1:{worker_port}/metrics"]
        scraper = asyncio.create_task(scrape_forever(urls, scrape_every, scrapes))
    worker_pid, api_pid = bench.stack.workers[0].pid, bench.stack.api.pid
    worker_before, api_before = cpu_seconds(worker_pid), cpu_seconds(api_pid)
    latencies = await at_rate(lambda: bench.open_case(body), rate, seconds)
    worker_cpu = cpu_seconds(worker_pid) - worker_before
    api_cpu = cpu_seconds(api_pid) - api_before
    if scraper is not None:
        scraper.cancel()
        with suppress(asyncio.CancelledError):
            await scraper
    return {
        "open_case_ms": spread(latencies),
        "worker_cpu_seconds": round(worker_cpu, 2),
        "api_cpu_seconds": round(api_cpu, 2),
        "api_scrapes": len(scrapes),
        "api_scrape_ms": spread(scrapes) if scrapes else None,
    }


async def run(rate: float, seconds: float, scrape_every: float, rounds: int) -> dict[str, Any]:
    results: dict[str, list[Any]] = {"off": [], "on": []}
    for n in range(rounds):
        # Alternate the order (off/on, then on/off): a machine getting busier or
        # quieter during the run does not always favour the same side.
        for mode in ("off", "on") if n % 2 == 0 else ("on", "off"):
            env = {"RELAIS_METRICS_ENABLED": "false" if mode == "off" else "true"}
            async with bench_stack(env=env) as bench:
                every = scrape_every if mode == "on" else None
                results[mode].append(await measure(bench, rate, seconds, every))
    return {"rate_per_second": rate, "seconds": seconds, "scrape_every": scrape_every, **results}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=10.0, help="cases opened a second (10)")
    parser.add_argument("--seconds", type=float, default=20.0, help="for how long (20)")
    parser.add_argument("--scrape-every", type=float, default=1.0, help="seconds (1)")
    parser.add_argument("--rounds", type=int, default=1, help="off/on pairs (1)")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.rate, args.seconds, args.scrape_every, args.rounds))
    rows = []
    for mode, label in (("off", "metrics off"), ("on", "metrics on, scraped")):
        for n, r in enumerate(result[mode], 1):
            ms, scraped = r["open_case_ms"], r["api_scrape_ms"]
            scrape = f"; GET /metrics p50 {scraped['p50']} ms" if scraped else ""
            rows.append(
                (
                    f"{label} (round {n})",
                    f"POST /cases p50 {ms['p50']} ms, p99 {ms['p99']} ms; worker CPU "
                    f"{r['worker_cpu_seconds']} s, API CPU {r['api_cpu_seconds']} s{scrape}",
                )
            )
    print_table(
        f"cost of metrics: {args.rate:g} cases/s for {args.seconds:g} s, "
        f"scrape every {args.scrape_every:g} s",
        rows,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
