"""The helpline's queue and its conversations: how soon an offer reaches a counsellor
who becomes available with N young people waiting; then many conversations at once
(``bench.conversation_load``: a young person's message to the counsellor's screen,
a reply to the young person's page, the worker's memory with many open); each next
to the same path without Relais' logic (a bare workflow signalled and queried on the
same dev server) measured in the same run.

Relais runs as separate processes (dev server on a SQLite file, simulator, API,
worker), open round the clock. N young people open a conversation through the web
chat's API and wait. Then, round after round, a counsellor sets their presence to
available (``POST /conversations/desk/presence``) and their desk is read
(``GET /conversations/desk``) until it shows an offer: that time is the offer latency;
they set themselves away again (the offer is withdrawn) before the next round. The
bare path: a signal "available" to a workflow holding N waiting ids, then its query
read until it names the offer. The two take turns a round at a time.

The offers first. Then ``--conversations`` young people each with one of
``--counsellors`` counsellors signed in to the console, exchanging for ``--seconds``
(a pause of ``--think`` seconds on average between exchanges; each page live from its
conversation's start, as the chat page is, and writing once it shows); then the worker's
memory with ``--open`` conversations open (the rest waiting in the queue).

    ./dev bench conversations      # 50 waiting, 30 rounds; 200 conversations, 50 counsellors
    ./dev bench conversations --conversations 100 --counsellors 25 --open 500
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.bare_workflow import BareQueueWorkflow
from bench.chat_people import counsellor_tokens
from bench.cli import parse_args
from bench.common import TOKEN, Bench, bench_stack, print_table, spread
from bench.conversation_load import measure_load
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
POLL_SECONDS = 0.005
DEADLINE_SECONDS = 30.0


async def until(read: Callable[[], Awaitable[bool]]) -> None:
    give_up = time.perf_counter() + DEADLINE_SECONDS
    while not await read():
        if time.perf_counter() > give_up:
            raise TimeoutError("no offer within 30 s")
        await asyncio.sleep(POLL_SECONDS)


async def young_people_waiting(bench: Bench, n: int) -> list[httpx.AsyncClient]:
    """N web-chat sessions, each with a conversation in the queue (kept open)."""
    sessions = [httpx.AsyncClient(base_url=bench.stack.api_url, timeout=60) for _ in range(n)]
    for batch in range(0, n, 20):
        started = await asyncio.gather(
            *(s.post("/chat/api/conversations", json=START) for s in sessions[batch : batch + 20])
        )
        for response in started:
            response.raise_for_status()
    return sessions


async def relais_round(bench: Bench) -> float:
    async def has_offer() -> bool:
        desk = await bench.api.get("/conversations/desk", headers=TOKEN)
        desk.raise_for_status()
        return bool(desk.json()["offers"])

    began = time.perf_counter()
    answered = await bench.api.post(
        "/conversations/desk/presence", json={"presence": "available"}, headers=TOKEN
    )
    answered.raise_for_status()
    await until(has_offer)
    took = (time.perf_counter() - began) * 1000
    away = await bench.api.post(
        "/conversations/desk/presence", json={"presence": "away"}, headers=TOKEN
    )
    away.raise_for_status()
    await until(lambda: _no_offer(bench))
    return took


async def _no_offer(bench: Bench) -> bool:
    desk = await bench.api.get("/conversations/desk", headers=TOKEN)
    return not desk.json()["offers"]


async def bare_round(bench: Bench, queue: Any) -> float:
    async def has_offer() -> bool:
        return await queue.query(BareQueueWorkflow.offer, "me") is not None

    began = time.perf_counter()
    await queue.signal(BareQueueWorkflow.available, "me")
    await until(has_offer)
    took = (time.perf_counter() - began) * 1000
    await queue.signal(BareQueueWorkflow.away, "me")
    return took


async def measure(bench: Bench, waiting: int, rounds: int) -> dict[str, Any]:
    sessions = await young_people_waiting(bench, waiting)
    queue = await bench.client.start_workflow(
        BareQueueWorkflow.run,
        [uuid.uuid4().hex for _ in range(waiting)],
        id=f"bare-queue-{uuid.uuid4().hex}",
        task_queue=bench.bare_queue,
    )
    try:
        for _ in range(2):  # warm up both paths
            await relais_round(bench)
            await bare_round(bench, queue)
        relais: list[float] = []
        bare: list[float] = []
        for _ in range(rounds):
            relais.append(await relais_round(bench))
            bare.append(await bare_round(bench, queue))
    finally:
        await queue.signal(BareQueueWorkflow.close)
        # they leave the queue: the conversations measured next are the only ones
        await asyncio.gather(*(s.post("/chat/api/leave") for s in sessions))
        await asyncio.gather(*(s.aclose() for s in sessions))
    return {
        "waiting": waiting,
        "rounds": rounds,
        "relais_offer_ms": spread(relais),
        "bare_offer_ms": spread(bare),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    policy = CasePolicy(opening_hours=ALWAYS_OPEN)
    env = counsellor_tokens(args.counsellors)
    if args.cached is not None:
        env["RELAIS_WORKER_CACHED_CONVERSATIONS"] = str(args.cached)
    async with bench_stack(policy=policy, keep=args.keep, env=env) as bench:
        offers = await measure(bench, args.waiting, args.rounds)
        load = await measure_load(
            bench,
            args.conversations,
            args.counsellors,
            args.seconds,
            args.think,
            args.open,
            args.poll,
        )
        return {**offers, "load": load}


SMOKE = {
    "waiting": 3,
    "rounds": 2,
    "conversations": 4,
    "counsellors": 2,
    "seconds": 2.0,
    "think": 0.5,
    "open": 8,
}


def ms(spread_ms: dict[str, float]) -> str:
    return f"p50 {spread_ms['p50']} ms, p95 {spread_ms['p95']} ms, max {spread_ms['max']} ms"


def print_load(load: dict[str, Any]) -> None:
    r, b, m = load["relais"], load["bare"], load["memory"]
    print_table(
        f"{load['conversations']} conversations at once, {load['counsellors']} counsellors, "
        f"one worker ({load['seconds']:.0f} s, a pause of {load['think_seconds']} s on average "
        f"between exchanges, screens read every {load['poll_seconds']} s; "
        f"{r['exchanges']} exchanges, bare {b['exchanges']})",
        [
            ("Relais: young person writes -> counsellor's screen", ms(r["to_counsellor_ms"])),
            ("bare workflow: signal -> query shows it", ms(b["to_counsellor_ms"])),
            ("Relais: counsellor replies -> young person's page", ms(r["to_young_person_ms"])),
            ("bare workflow: signal -> query shows it (back)", ms(b["to_young_person_ms"])),
            (
                f"Relais worker RSS, {m['open']} conversations open",
                f"{m['relais_worker_rss_mib']} MiB (peak {m['relais_worker_peak_rss_mib']}, "
                f"idle {m['idle']['relais_worker_rss_mib']})",
            ),
            ("Relais requests not answered, tried again", str(load["failures"] or "none")),
            (
                f"bare worker RSS, {m['open']} bare workflows open",
                f"{m['bare_worker_rss_mib']} MiB (peak {m['bare_worker_peak_rss_mib']}, "
                f"idle {m['idle']['bare_worker_rss_mib']})",
            ),
        ],
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=50, help="young people waiting (50)")
    parser.add_argument("--rounds", type=int, default=30, help="offers measured (30)")
    parser.add_argument("--conversations", type=int, default=200, help="at once (200)")
    parser.add_argument("--counsellors", type=int, default=50, help="answering them (50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="of exchanges (60)")
    parser.add_argument(
        "--think",
        type=float,
        default=20.0,
        help="pause between exchanges, on average (20 s: a line each way about every 20 s, "
        "a brisk chat; 5 s asks 40 exchanges a second of the whole stack)",
    )
    parser.add_argument("--open", type=int, default=1000, help="for the memory (1,000)")
    parser.add_argument(
        "--poll", type=float, default=0.05, help="seconds between reads of a screen (0.05)"
    )
    parser.add_argument(
        "--cached",
        type=int,
        help="room for conversations in the worker's sticky cache, beside the 200 for cases "
        "(its default: 500; 0 as before 2026-12-05)",
    )
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args))
    r, b = result["relais_offer_ms"], result["bare_offer_ms"]
    print_table(
        f"an offer reaches a counsellor who becomes available, {args.waiting} waiting "
        f"({args.rounds} rounds)",
        [
            (
                "Relais: presence available -> offer on the desk",
                f"p50 {r['p50']} ms, p99 {r['p99']} ms, max {r['max']} ms",
            ),
            (
                "bare workflow: signal -> query names the offer",
                f"p50 {b['p50']} ms, p99 {b['p99']} ms, max {b['max']} ms",
            ),
        ],
    )
    print_load(result["load"])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
