"""The people of the conversation benches, as their browsers behave over HTTP: a young
person in the web chat (its form, messages, live stream) and a counsellor signed in to
the console (offers taken, the held transcript read as the page reads it, replies through
the console's form); each request Relais did not answer tried again and counted."""

import asyncio
import html
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt

from bench.common import Bench
from relais.settings import Role, TokenGrant, _local_tokens
from tests.support.console import console_user, hidden_fields

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
POLL_SECONDS = 0.05
DEADLINE_SECONDS = 60.0
BATCH = 20
MiB = 2**20
NEXT = re.compile(r'data-live-next="([^"]+)"')
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
    shown: asyncio.Event = field(default_factory=asyncio.Event)  # the stream's first update
    last_seq: int = 0
    reader: asyncio.Task[None] | None = None
    streams: int = 0  # streams opened: each begins with a read of the conversation

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
                    self.streams += 1
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
        self.shown.set()

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
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # -> (last seq, state) shown

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
        seen, state = who.seen.get(cid, (0, ""))
        try:
            got = await who.http.get(
                f"/console/conversations/{cid}/live", params={"seen": seen, "state": state}
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
        who.seen[cid] = next_read(got.text, (seen, state))
        if text in got.text:
            shown.append(time.perf_counter())
            return True
        return False

    await until(read, f"{text!r} on the counsellor's screen", poll)
    return shown[0]


def next_read(fragment: str, before: tuple[int, str]) -> tuple[int, str]:
    """What the page's script asks with next: the fragment's ``data-live-next`` (the last
    line shown and the state drawn; the screen is held until either changes)."""
    found = NEXT.search(fragment)
    if found is None:
        return before
    query = parse_qs(urlsplit(html.unescape(found.group(1))).query)
    return int(query.get("seen", ["0"])[0]), query.get("state", [""])[0]


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
