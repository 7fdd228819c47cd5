"""Many conversations at once (``bench.conversations``' second part): ``--conversations``
young people in the web chat, each with one of ``--counsellors`` counsellors signed in
to the console, all writing back and forth for ``--seconds``; and the worker's memory
with ``--open`` conversations open. Beside each, the same path without Relais' logic
on the same dev server in the same run: a bare workflow per conversation, signalled
(a line) and queried (the lines after the last one seen).

One exchange, in every conversation over and over after a pause (``--think`` seconds
on average, drawn at random so that they do not beat together):

- the young person writes (``POST /chat/api/messages``); the counsellor's screen is
  its live fragment (``GET /console/conversations/{id}/live?seen=N``, what the
  console's script fetches every second: 204 while nothing changed), fetched here
  every ``--poll`` seconds (0.05) until it shows the line: **young person -> counsellor's
  screen** is from the moment the message is sent to that answer;
- the counsellor replies through the console's form (``POST
  /console/conversations/{id}/replies``); the young person's page holds its live
  stream open (``GET /chat/api/events``, server-sent events) as the page does:
  **reply -> young person** is from the moment the reply is sent to the event that
  carries it.

The bare path: ``write`` signalled, ``lines_after`` queried every ``--poll`` seconds
until it shows the line, both ways. A fragment fetched every second on the real
screen adds up to a second to what is measured here (half a second on average): the
console's rhythm, not the system's.
"""

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import jwt
from temporalio.service import RPCError

from bench.bare_workflow import BareChatWorkflow
from bench.common import Bench, spread
from relais.settings import Role, TokenGrant, _local_tokens
from tests.support.console import console_user, hidden_fields

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
POLL_SECONDS = 0.05
DEADLINE_SECONDS = 60.0
BATCH = 20
MiB = 2**20
FAILURES: Counter[str] = Counter()  # requests Relais did not answer (tried again)


def counsellor_tokens(n: int) -> dict[str, str]:
    """``RELAIS_API_TOKENS`` for the bench: the local run's tokens and ``n`` counsellors."""
    tokens: dict[str, TokenGrant] = {
        **_local_tokens(),
        **{
            f"bench-c{i}-token": TokenGrant(subject=f"bench-c{i}", role=Role.COUNSELLOR)
            for i in range(n)
        },
    }
    grants = {k: v.model_dump(mode="json") for k, v in tokens.items()}
    return {"RELAIS_API_TOKENS": json.dumps(grants)}


async def until(read: Callable[[], Awaitable[bool]], what: str, poll: float = POLL_SECONDS) -> None:
    give_up = time.perf_counter() + DEADLINE_SECONDS
    while not await read():
        if time.perf_counter() > give_up:
            raise TimeoutError(f"{what}: not within {DEADLINE_SECONDS:.0f} s")
        await asyncio.sleep(poll)


@dataclass
class YoungPerson:
    """A web chat session and its live stream, as the page holds it."""

    http: httpx.AsyncClient
    conversation_id: str = ""
    seen: dict[str, float] = field(default_factory=dict)  # a line's body -> when it came
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    last_seq: int = 0
    reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        started = await self.http.post("/chat/api/conversations", json=START)
        started.raise_for_status()
        token = self.http.cookies.get("relais_chat")
        assert token is not None, "no session cookie"
        self.conversation_id = jwt.decode(token, options={"verify_signature": False})["cid"]

    def listen(self) -> None:
        self.reader = asyncio.create_task(self._stream())

    async def _stream(self) -> None:
        while True:  # a stream ends after a minute: the page reconnects at once
            headers = {"Last-Event-ID": str(self.last_seq)}
            try:
                async with self.http.stream("GET", "/chat/api/events", headers=headers) as got:
                    async for line in got.aiter_lines():
                        if line.startswith("data: "):
                            self._update(json.loads(line[6:]))
            except httpx.HTTPError:
                await asyncio.sleep(0.5)

    def _update(self, update: dict[str, Any]) -> None:
        now = time.perf_counter()
        self.last_seq = max(self.last_seq, update.get("last_seq", 0))
        for message in update.get("messages", []):
            if message["author"] == "counsellor":
                self.seen.setdefault(message["body"], now)
        self.arrived.set()

    async def writes(self, text: str) -> None:
        key = {"Idempotency-Key": uuid.uuid4().hex}
        await again(
            lambda: self.http.post("/chat/api/messages", json={"body": text}, headers=key),
            201,
            "write",
        )

    async def reads(self, text: str) -> float:
        give_up = time.perf_counter() + DEADLINE_SECONDS
        while text not in self.seen:
            self.arrived.clear()
            left = give_up - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"reply {text!r} not on the young person's page")
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                pass
        return self.seen[text]

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        await self.http.aclose()


@dataclass
class Counsellor:
    """A counsellor signed in to the console (its cookie and CSRF token)."""

    token: str
    http: httpx.AsyncClient
    csrf: str = ""
    seen: dict[str, int] = field(default_factory=dict)  # conversation -> last seq shown

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def signed_in(base: str, token: str, capacity: int) -> Counsellor:
    user = console_user(base)
    await user.sign_in(token)
    page = await user.page("/conversations")
    page.raise_for_status()
    who = Counsellor(token, user.http, hidden_fields(page.text, "presence")["csrf"])
    there = await user.http.post(
        "/console/conversations/presence",
        data={"csrf": who.csrf, "presence": "available", "capacity": str(capacity)},
    )
    assert there.status_code == 303, there.text[:500]
    return who


async def take_offers(bench: Bench, counsellors: list[Counsellor], n: int) -> dict[str, Counsellor]:
    """Every counsellor accepts what they are offered until ``n`` conversations are taken."""
    taken: dict[str, Counsellor] = {}
    give_up = time.perf_counter() + DEADLINE_SECONDS * 3

    async def desk_of(who: Counsellor) -> None:
        desk = await bench.api.get("/conversations/desk", headers=who.bearer)
        if desk.status_code in (500, 503):  # the queue late or refusing: asked again next round
            return
        desk.raise_for_status()
        for offer in desk.json()["offers"]:
            cid = offer["conversation_id"]
            accepted = await bench.api.post(
                f"/conversations/{cid}/accept",
                json={"offer_id": offer["offer_id"]},
                headers=who.bearer,
            )
            if accepted.status_code == 200:
                taken[cid] = who

    while len(taken) < n:
        if time.perf_counter() > give_up:  # measured with those taken, said in the summary
            FAILURES["not taken"] = n - len(taken)
            break
        for counsellor in counsellors:  # one at a time: all at once, the queue refuses some
            await desk_of(counsellor)
        await asyncio.sleep(0.2)
    return taken


async def screen_shows(who: Counsellor, cid: str, text: str, poll: float) -> float:
    """The console's live fragment of ``cid``, fetched until it shows ``text``."""
    shown: list[float] = []

    async def read() -> bool:
        seen = who.seen.get(cid, 0)
        try:
            got = await who.http.get(
                f"/console/conversations/{cid}/live", params={"seen": seen, "state": "active-0-"}
            )
        except httpx.HTTPError:
            FAILURES["screen"] += 1  # the console did not answer: the script tries again
            return False
        if got.status_code == 204:
            return False
        if got.status_code >= 500:
            FAILURES["screen"] += 1
            return False
        got.raise_for_status()
        after = got.text.split("seen=", 1)[1].split("&", 1)[0] if "seen=" in got.text else "0"
        who.seen[cid] = int(after) if after.isdigit() else seen
        if text in got.text:
            shown.append(time.perf_counter())
            return True
        return False

    await until(read, f"{text!r} on the counsellor's screen", poll)
    return shown[0]


async def again(send: Callable[[], Awaitable[httpx.Response]], ok: int, what: str) -> None:
    """``send`` until it answers ``ok``, a few times (the same idempotency key)."""
    for _ in range(5):
        try:
            sent = await send()
        except httpx.HTTPError:
            FAILURES[what] += 1
            continue
        if sent.status_code == ok:
            return
        if sent.status_code < 500 and sent.status_code != 429:
            raise AssertionError(f"{what}: {sent.status_code} {sent.text[:300]}")
        FAILURES[what] += 1
        await asyncio.sleep(1)
    raise TimeoutError(f"{what}: not accepted in 5 tries")


async def replies(who: Counsellor, cid: str, text: str) -> None:
    data = {"csrf": who.csrf, "body": text, "idempotency_key": uuid.uuid4().hex}
    await again(
        lambda: who.http.post(f"/console/conversations/{cid}/replies", data=data), 303, "reply"
    )


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
    for batch in range(0, conversations, BATCH):
        await asyncio.gather(*(y.start() for y in young[batch : batch + BATCH]))
    taken = await take_offers(bench, desks, conversations)
    for y in young:
        y.listen()
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
