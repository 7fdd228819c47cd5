"""What one exchange costs the worker, counted rather than timed (timings mean little on
a shared machine): a young person writes in the web chat, the counsellor's screen (the
console's live fragment, read as the page's script reads it) shows it, the counsellor
replies through the console, the young person's page (its live stream) shows the
reply. ``--conversations`` conversations, each taken by one of ``--counsellors``
counsellors, exchange ``--exchanges`` times, one exchange at a time (nothing overlaps,
so every count is the exchange's own).

Counted per exchange, between two quiet moments (no history growing):

- on the conversation workflows and on the helpline's queue workflow: history events,
  workflow tasks (``WorkflowTaskCompleted``), activities scheduled (by name), signals
  and updates received;
- from the worker's SDK metrics: workflow tasks polled (queries on a cached workflow
  come as tasks too: polled minus completed is about the queries), activities run;
- the worker's, the API's and the dev server's CPU seconds (``/proc``): per exchange
  and per workflow task polled, the worker's idle CPU (measured for 5 s before) taken
  off (a rough figure: the machine may be shared);
- with ``--profile FILE``: py-spy (``--py-spy``, or on PATH) samples the worker during
  the exchanges and writes collapsed stacks to FILE (``--profile-api``: the API's);
  the sampling costs the process CPU itself: count without it.

    ./dev bench exchange_cost                      # 4 conversations, 10 exchanges each
    ./dev bench exchange_cost --profile /tmp/worker.txt --py-spy /tmp/pyspy/bin/py-spy
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.chat_people import (
    FAILURES,
    YoungPerson,
    counsellor_tokens,
    replies,
    screen_shows,
    signed_in,
    take_offers,
)
from bench.cli import parse_args
from bench.common import Bench, bench_stack, print_table
from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy

IDLE_SECONDS = 5.0  # measured idle before the exchanges
QUIET_SECONDS = 2.0  # no history grows for this long: the exchange's work is done
TICKS = os.sysconf("SC_CLK_TCK")
POLLED = "temporal_workflow_task_queue_poll_succeed_total"


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def worker_metrics(bench: Bench) -> dict[str, float]:
    port = bench.stack.workers[0].ports["metrics"]
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name_and_labels, _, value = line.rpartition(" ")
        name = name_and_labels.split("{", 1)[0]
        if name.startswith("temporal_") and name.endswith(("_total", "_count")):
            key = name.removeprefix("temporal_")
            found[key] = found.get(key, 0.0) + float(value)
    return found


async def history_counts(client: Client, workflow_id: str, since_run: str | None) -> Counter[str]:
    """Events of ``workflow_id`` by kind, over every run from ``since_run`` to the latest
    (continue-as-new starts a new history)."""
    counts: Counter[str] = Counter()
    handle = client.get_workflow_handle(workflow_id)
    run_id = (await handle.describe()).run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        counts["runs"] += 1
        for event in history.events:
            kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
            counts[kind] += 1
            counts["events"] += 1
            if event.HasField("activity_task_scheduled_event_attributes"):
                name = event.activity_task_scheduled_event_attributes.activity_type.name
                counts[f"activity:{name}"] += 1
            if event.HasField("workflow_execution_signaled_event_attributes"):
                counts[
                    f"signal:{event.workflow_execution_signaled_event_attributes.signal_name}"
                ] += 1
            if event.HasField("workflow_execution_update_accepted_event_attributes"):
                accepted = event.workflow_execution_update_accepted_event_attributes
                counts[f"update:{accepted.accepted_request.input.name}"] += 1
        if run_id == since_run or since_run is None:
            break
        started = history.events[0].workflow_execution_started_event_attributes
        run_id = started.continued_execution_run_id
    return counts


async def run_ids(client: Client, workflow_ids: list[str]) -> dict[str, str]:
    return {w: (await client.get_workflow_handle(w).describe()).run_id for w in workflow_ids}


async def snapshot(bench: Bench, ids: list[str], runs: dict[str, str]) -> dict[str, Any]:
    return {
        "histories": {w: await history_counts(bench.client, w, runs.get(w)) for w in ids},
        "metrics": await worker_metrics(bench),
        "worker_cpu": cpu_seconds(bench.stack.workers[0].pid),
        "api_cpu": cpu_seconds(bench.stack.api.pid),
        "temporal_cpu": cpu_seconds(bench.stack.temporal.pid),
    }


async def idle_cpu(bench: Bench) -> float:
    """The worker's CPU seconds per second with nothing to do (polling, metrics, the
    pages' streams held open): taken off what the exchanges cost."""
    pid = bench.stack.workers[0].pid
    began, cpu = time.monotonic(), cpu_seconds(pid)
    await asyncio.sleep(IDLE_SECONDS)
    return (cpu_seconds(pid) - cpu) / (time.monotonic() - began)


async def quiet(bench: Bench, ids: list[str]) -> None:
    """Until no history has grown for ``QUIET_SECONDS`` (nothing left in flight)."""
    last: dict[str, int] = {}
    still = time.monotonic()
    while time.monotonic() - still < QUIET_SECONDS:
        await asyncio.sleep(0.25)
        now = {
            w: (await bench.client.get_workflow_handle(w).describe()).history_length for w in ids
        }
        if now != last:
            last, still = now, time.monotonic()


def difference(before: Counter[str], after: Counter[str]) -> Counter[str]:
    """After minus before (``after`` sums every run since the one ``before`` counted;
    ``runs``: the runs continued as new since)."""
    diff = Counter(after)
    diff.subtract(before)
    return +diff


def per(counts: Counter[str] | dict[str, float], n: int) -> dict[str, float]:
    return {k: round(v / n, 2) for k, v in sorted(counts.items()) if v}


class Profiler:
    """py-spy sampling the worker while the exchanges run (nothing without ``--profile``)."""

    def __init__(self, spy: str | None, out: str | None, pid: int) -> None:
        self._command = (
            [spy, "record", "--pid", str(pid), "--format", "raw", "--output", out, "--rate", "200"]
            if spy and out
            else None
        )
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Profiler":
        if self._command:
            self._process = subprocess.Popen(
                self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        return self

    def __exit__(self, *_: object) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)
            self._process.wait(60)


async def measure(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    base = bench.stack.api_url
    capacity = -(-args.conversations // args.counsellors)
    desks = [await signed_in(base, f"bench-c{i}-token", capacity) for i in range(args.counsellors)]
    young = [
        YoungPerson(httpx.AsyncClient(base_url=base, timeout=60)) for _ in range(args.conversations)
    ]
    for y in young:
        await y.start()
    taken = await take_offers(bench, desks, args.conversations)
    for y in young:
        y.listen()
    conversations = [contract.CONVERSATION.workflow_id(y.conversation_id) for y in young]
    queue_id = await _queue_id(bench)
    ids = [*conversations, queue_id]
    try:
        # one exchange each first: the screens and streams are open and warm
        await _exchanges(young, taken, 1, args.poll, "warm")
        await quiet(bench, ids)
        idle = await idle_cpu(bench)
        runs = await run_ids(bench.client, ids)
        before = await snapshot(bench, ids, {})
        began = time.monotonic()
        spy = args.py_spy or shutil.which("py-spy")
        with (
            Profiler(spy, args.profile, bench.stack.workers[0].pid),
            Profiler(spy, args.profile_api, bench.stack.api.pid),
        ):
            await _exchanges(young, taken, args.exchanges, args.poll, "m")
            await quiet(bench, ids)
        elapsed = time.monotonic() - began
        after = await snapshot(bench, ids, runs)
    finally:
        for y in young:
            await y.close()
        for d in desks:
            await d.http.aclose()
    n = args.exchanges * len(conversations)
    conversation_diff: Counter[str] = Counter()
    for w in conversations:
        conversation_diff.update(difference(before["histories"][w], after["histories"][w]))
    queue_diff = difference(before["histories"][queue_id], after["histories"][queue_id])
    metrics = {k: v - before["metrics"].get(k, 0.0) for k, v in after["metrics"].items()}
    worker_cpu = after["worker_cpu"] - before["worker_cpu"] - idle * elapsed
    polled = metrics.get(POLLED.removeprefix("temporal_"), 0.0)
    return {
        "conversations": len(conversations),
        "exchanges": n,
        "conversation_per_exchange": per(conversation_diff, n),
        "queue_per_exchange": per(queue_diff, n),
        "worker_metrics_per_exchange": per(metrics, n),
        "worker_cpu_ms_per_exchange": round(worker_cpu * 1000 / n, 1),
        "worker_cpu_ms_per_task_polled": round(worker_cpu * 1000 / polled, 2) if polled else None,
        "api_cpu_ms_per_exchange": round((after["api_cpu"] - before["api_cpu"]) * 1000 / n, 1),
        "temporal_cpu_ms_per_exchange": round(
            (after["temporal_cpu"] - before["temporal_cpu"]) * 1000 / n, 1
        ),
        "worker_idle_cpu_ms_per_second": round(idle * 1000, 1),
        "failures": dict(FAILURES),
    }


async def _queue_id(bench: Bench) -> str:
    """The helpline's queue workflow (the only one on the bench's dev server)."""
    async for found in bench.client.list_workflows(
        f"WorkflowType = '{contract.HELPLINE_QUEUE.name}'"
    ):
        return found.id
    raise AssertionError("no queue workflow")


async def _exchanges(
    young: list[YoungPerson], taken: dict[str, Any], rounds: int, poll: float, tag: str
) -> None:
    for k in range(rounds):
        for y in young:
            who = taken[y.conversation_id]
            said, answer = (
                f"{tag}{k}-{y.conversation_id[-6:]}",
                f"r{tag}{k}-{y.conversation_id[-6:]}",
            )
            await y.writes(said)
            await screen_shows(who, y.conversation_id, said, poll)
            await replies(who, y.conversation_id, answer)
            await y.reads(answer)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    policy = CasePolicy(opening_hours=ALWAYS_OPEN)
    env = counsellor_tokens(args.counsellors)
    async with bench_stack(policy=policy, keep=args.keep, env=env) as bench:
        return await measure(bench, args)


SMOKE = {"conversations": 2, "counsellors": 1, "exchanges": 2}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=4, help="taken at once (4)")
    parser.add_argument("--counsellors", type=int, default=2, help="answering them (2)")
    parser.add_argument("--exchanges", type=int, default=10, help="per conversation (10)")
    parser.add_argument(
        "--poll", type=float, default=0.05, help="seconds between reads of a screen (0.05)"
    )
    parser.add_argument("--profile", help="py-spy's collapsed stacks of the worker, to this file")
    parser.add_argument("--profile-api", help="the same of the API, to this file")
    parser.add_argument("--py-spy", help="the py-spy binary (default: on PATH)")
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args))
    rows = [
        (f"conversation workflow: {k}", str(v))
        for k, v in result["conversation_per_exchange"].items()
    ]
    rows += [(f"queue workflow: {k}", str(v)) for k, v in result["queue_per_exchange"].items()]
    rows += [(f"worker: {k}", str(v)) for k, v in result["worker_metrics_per_exchange"].items()]
    rows += [
        ("worker CPU per exchange", f"{result['worker_cpu_ms_per_exchange']} ms"),
        ("worker CPU per workflow task polled", f"{result['worker_cpu_ms_per_task_polled']} ms"),
        ("API CPU per exchange", f"{result['api_cpu_ms_per_exchange']} ms"),
        ("dev server CPU per exchange", f"{result['temporal_cpu_ms_per_exchange']} ms"),
    ]
    print_table(
        f"one exchange, counted ({result['exchanges']} exchanges over "
        f"{result['conversations']} conversations, one at a time)",
        rows,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
