"""Many conversations at once (``bench.conversations``' second part): ``--conversations``
young people in the web chat, each with one of ``--counsellors`` counsellors signed in
to the console, all writing back and forth for ``--seconds``; and the worker's memory
with ``--open`` conversations open. Beside each, the same path without Relais' logic
on the same dev server in the same run: a bare workflow per conversation, signalled
(a line) and queried (the lines after the last one seen).

One exchange, in every conversation over and over after a pause (``--think`` seconds
on average, drawn at random so that they do not beat together):

- the young person writes (``POST /chat/api/messages``); the counsellor's screen is
  its live fragment (``GET /console/conversations/{id}/live?seen=N&state=S``, what the
  console's script fetches, with the ``seen`` and ``state`` of the fragment drawn
  before: the request is held until either changes, 204 after ten seconds), fetched
  again ``--poll`` seconds (0.05) after each answer until it shows the line: **young
  person -> counsellor's screen** is from the moment the message is sent to that answer;
- the counsellor replies through the console's form (``POST
  /console/conversations/{id}/replies``); the young person's page holds its live
  stream open (``GET /chat/api/events``, server-sent events) as the page does:
  **reply -> young person** is from the moment the reply is sent to the event that
  carries it.

The bare path: ``write`` signalled, ``lines_after`` queried every ``--poll`` seconds
until it shows the line, both ways. Before 2026-12-05 the fragment was not held (it
answered at once, 204 or the transcript) and this script sent the same ``state`` each
time, so every read drew and audited the whole transcript.
"""

import asyncio
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from temporalio.service import RPCError

from bench.bare_workflow import BareChatWorkflow
from bench.chat_people import (
    BATCH,
    FAILURES,
    POLL_SECONDS,
    START,
    Counsellor,
    MiB,
    YoungPerson,
    replies,
    screen_shows,
    signed_in,
    take_offers,
    until,
)
from bench.common import Bench, spread


@dataclass
class Timings:
    to_counsellor: list[float] = field(default_factory=list)
    to_young_person: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "exchanges": len(self.to_young_person),
            "to_counsellor_ms": spread(self.to_counsellor),
            "to_young_person_ms": spread(self.to_young_person),
        }


async def exchanges(
    one: Callable[[int], Awaitable[tuple[float, float]]], seconds: float, think: float
) -> tuple[list[float], list[float]]:
    """``one(k)`` over and over (a random pause before each) until ``seconds`` pass."""
    there: list[float] = []
    back: list[float] = []
    await asyncio.sleep(random.uniform(0, think))
    stop = time.perf_counter() + seconds
    for k in range(1_000_000):
        a, b = await one(k)
        there.append(a)
        back.append(b)
        if time.perf_counter() >= stop:
            break
        await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
    return there, back


async def relais_chats(
    bench: Bench, conversations: int, counsellors: int, seconds: float, think: float, poll: float
) -> tuple[dict[str, Any], list[YoungPerson], list[Counsellor]]:
    base = bench.stack.api_url
    capacity = -(-conversations // counsellors)
    desks = [await signed_in(base, f"bench-c{i}-token", capacity) for i in range(counsellors)]
    young = [
        YoungPerson(httpx.AsyncClient(base_url=base, timeout=60)) for _ in range(conversations)
    ]

    async def arrives(y: YoungPerson) -> None:
        await y.start()
        y.listen()  # as the chat page does: live from the start (their place while waiting)

    for batch in range(0, conversations, BATCH):
        await asyncio.gather(*(arrives(y) for y in young[batch : batch + BATCH]))
    taken = await take_offers(bench, desks, conversations)
    timings = Timings()

    async def conversation(y: YoungPerson) -> None:
        who = taken[y.conversation_id]

        async def one(k: int) -> tuple[float, float]:
            said, answer = f"m{k}-{y.conversation_id[-6:]}", f"r{k}-{y.conversation_id[-6:]}"
            began = time.perf_counter()
            await y.writes(said)
            shown = await screen_shows(who, y.conversation_id, said, poll)
            replied = time.perf_counter()
            await replies(who, y.conversation_id, answer)
            read = await y.reads(answer)
            return (shown - began) * 1000, (read - replied) * 1000

        await y.shown.wait()  # they write once their page shows the conversation
        there, back = await exchanges(one, seconds, think)
        timings.to_counsellor.extend(there)
        timings.to_young_person.extend(back)

    await asyncio.gather(*(conversation(y) for y in young if y.conversation_id in taken))
    for y in young:  # the pages' streams stop here: the bare path runs alone
        if y.reader is not None:
            y.reader.cancel()
    return timings.summary(), young, desks


async def bare_chats(
    bench: Bench, conversations: int, seconds: float, think: float, poll: float
) -> Any:
    handles = [
        await bench.client.start_workflow(
            BareChatWorkflow.run, id=f"bare-chat-{uuid.uuid4().hex}", task_queue=bench.bare_queue
        )
        for _ in range(conversations)
    ]
    timings = Timings()

    async def conversation(handle: Any) -> None:
        seen = 0

        async def shows(text: str) -> float:
            shown: list[float] = []

            async def read() -> bool:
                nonlocal seen
                lines = await handle.query(BareChatWorkflow.lines_after, seen)
                seen += len(lines)
                if text in lines:
                    shown.append(time.perf_counter())
                return bool(shown)

            await until(read, f"{text!r} in the bare workflow", poll)
            return shown[0]

        async def one(k: int) -> tuple[float, float]:
            began = time.perf_counter()
            await handle.signal(BareChatWorkflow.write, f"m{k}")
            shown = await shows(f"m{k}")
            replied = time.perf_counter()
            await handle.signal(BareChatWorkflow.write, f"r{k}")
            read = await shows(f"r{k}")
            return (shown - began) * 1000, (read - replied) * 1000

        there, back = await exchanges(one, seconds, think)
        timings.to_counsellor.extend(there)
        timings.to_young_person.extend(back)

    await asyncio.gather(*(conversation(h) for h in handles))
    return timings.summary(), handles


async def open_more(bench: Bench, n: int) -> None:
    """``n`` more young people in the queue (their sessions closed: they stay open)."""
    for batch in range(0, n, BATCH):

        async def one() -> None:
            async with httpx.AsyncClient(base_url=bench.stack.api_url, timeout=60) as http:
                started = await http.post("/chat/api/conversations", json=START)
                started.raise_for_status()

        await asyncio.gather(*(one() for _ in range(min(BATCH, n - batch))))


async def _answers(handle: Any) -> bool:
    try:
        return bool(await handle.query(BareChatWorkflow.lines_after, 0))
    except RPCError:
        return False


async def memory(bench: Bench, open_: int, relais_open: int, bare: list[Any]) -> dict[str, Any]:
    """Each worker's resident memory with ``open_`` conversations open."""
    worker = bench.stack.workers[0]
    await open_more(bench, max(0, open_ - relais_open))
    for _ in range(max(0, open_ - len(bare))):
        bare.append(
            await bench.client.start_workflow(
                BareChatWorkflow.run,
                id=f"bare-chat-{uuid.uuid4().hex}",
                task_queue=bench.bare_queue,
            )
        )
    for batch in range(0, len(bare), BATCH):
        some = bare[batch : batch + BATCH]
        await asyncio.gather(*(h.signal(BareChatWorkflow.write, "m") for h in some))
        for handle in some:  # one at a time: "workflow is busy" else, under the load
            await until(partial(_answers, handle), "a bare workflow's query")
    await asyncio.sleep(2)  # the last tasks settle
    assert bench.bare_worker is not None
    return {
        "open": open_,
        "relais_worker_rss_mib": round(worker.rss_bytes() / MiB, 1),
        "relais_worker_peak_rss_mib": round(worker.peak_rss_bytes() / MiB, 1),
        "bare_worker_rss_mib": round(bench.bare_worker.rss_bytes() / MiB, 1),
        "bare_worker_peak_rss_mib": round(bench.bare_worker.peak_rss_bytes() / MiB, 1),
    }


async def measure_load(
    bench: Bench,
    conversations: int,
    counsellors: int,
    seconds: float,
    think: float,
    open_: int,
    poll: float = POLL_SECONDS,
) -> dict[str, Any]:
    worker = bench.stack.workers[0]
    assert bench.bare_worker is not None
    idle = {
        "relais_worker_rss_mib": round(worker.rss_bytes() / MiB, 1),
        "bare_worker_rss_mib": round(bench.bare_worker.rss_bytes() / MiB, 1),
    }
    relais, young, desks = await relais_chats(
        bench, conversations, counsellors, seconds, think, poll
    )
    print("relais:", json.dumps(relais), flush=True)  # kept should the memory's part fail
    bare, handles = await bare_chats(bench, conversations, seconds, think, poll)
    print("bare:", json.dumps(bare), flush=True)
    try:
        held = await memory(bench, open_, conversations, list(handles))
    finally:
        await asyncio.gather(*(y.close() for y in young))
        await asyncio.gather(*(d.http.aclose() for d in desks))
    return {
        "conversations": conversations,
        "counsellors": counsellors,
        "seconds": seconds,
        "think_seconds": think,
        "poll_seconds": poll,
        "relais": relais,
        "bare": bare,
        "memory": {**held, "idle": idle},
        "failures": dict(FAILURES),
    }
