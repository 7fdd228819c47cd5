"""WhatsApp's webhook under load: how fast Relais acknowledges young people's messages
when Meta posts them at a steady rate, and whether every message is recorded exactly
once, next to the same posts handed to a bare workflow (signal-with-start, nothing
else) on the same dev server in the same run.

Meta retries a webhook that is slow to answer, so the acknowledgement time is what
matters: the time from sending a signed ``POST /inbound/channels/whatsapp`` to its 200.
The bench plays Meta itself (the simulator's own payload builder and signature, the
default app secret of ``./dev up``) so that it can time each post: messages leave on a
fixed schedule (open loop: a slow answer does not slow the rate down), from a pool of
young people each writing several times, and one post in twenty is delivered a second
time, byte for byte, after its first 200 (Meta's redelivery). At the end the app
database must hold each message once, accepted by its conversation: none lost, none
doubled.

The bare path: the same number of posts, each a ``signal_with_start`` of a trivial
workflow per young person (what a door does at the least: hand the message to a durable
workflow), timed the same way at the same rate, after Relais' run (one minute by
default: it only sets the floor).

    ./dev bench whatsapp_inbound                       # 1,000 a minute for 5 minutes
    ./dev bench whatsapp_inbound --per-minute 600 --minutes 1
"""

import argparse
import asyncio
import contextlib
import json
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.service import RPCError

from bench.bare_workflow import BareQueueWorkflow
from bench.cli import parse_args
from bench.common import Bench, bench_stack, percentile, print_table, spread
from domain.callback_window import ALWAYS_OPEN
from domain.conversation import AuthorKind
from domain.policy import CasePolicy
from relais.db.tables import ConversationMessageRow
from relais.settings import Settings
from simulator.meta import whatsapp_payloads
from simulator.meta.signing import signed_headers

WABA_ID = "100000000003018"
DISPLAY = "33700003018"
REDELIVER_EVERY = 20


def signed_post(
    settings: Settings, sender: str, message_id: str, n: int
) -> tuple[bytes, dict[str, str]]:
    """Meta's exact webhook body for one text message, and its signed headers."""
    entry = whatsapp_payloads.message(
        "text", wa_id=sender, message_id=message_id, at=datetime.now(UTC), text=f"message {n}"
    )
    payload = whatsapp_payloads.inbound(
        WABA_ID, settings.whatsapp_phone_number_ids[0], DISPLAY, "Bench", entry
    )
    body = json.dumps(payload, separators=(",", ":")).encode()
    secret = settings.whatsapp_app_secret.get_secret_value()
    return body, {**signed_headers(secret, body), "Content-Type": "application/json"}


class Load:
    """One side's posts, timed; refusals and errors counted, never retried here."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.failed: list[str] = []

    async def timed(self, send: Any) -> bool:
        began = time.perf_counter()
        try:
            ok = bool(await send())
        except Exception as exc:  # a bench counts what went wrong, whatever it is
            self.failed.append(type(exc).__name__)
            return False
        self.ms.append((time.perf_counter() - began) * 1000)
        return ok


async def relais_post(api: httpx.AsyncClient, body: bytes, headers: dict[str, str]) -> bool:
    answer = await api.post("/inbound/channels/whatsapp", content=body, headers=headers)
    return answer.status_code == 200


async def drive(
    bench: Bench, per_minute: int, minutes: float, bare_minutes: float, senders: int
) -> dict[str, Any]:
    settings = Settings()
    total = int(per_minute * minutes)
    gap = 60.0 / per_minute
    people = [f"3361{n:07d}" for n in range(senders)]
    relais, bare = Load(), Load()
    redelivered: list[bool] = []
    sent_ids: set[str] = set()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=bench.stack.api_url, timeout=60, limits=limits) as api:

        async def one(n: int) -> None:
            sender = people[n % senders]
            message_id = f"wamid.bench{uuid.uuid4().hex}"
            body, headers = signed_post(settings, sender, message_id, n)
            sent_ids.add(message_id)
            if await relais.timed(lambda: relais_post(api, body, headers)) and (
                n % REDELIVER_EVERY == 0
            ):
                redelivered.append(await relais_post(api, body, headers))

        async def one_bare(n: int) -> None:
            sender = people[n % senders]

            async def send() -> bool:
                await bench.client.start_workflow(
                    BareQueueWorkflow.run,
                    [],
                    id=f"bare-wa-{bench.bare_queue}-{sender}",
                    task_queue=bench.bare_queue,
                    start_signal="available",
                    start_signal_args=[f"m{n}"],
                )
                return True

            await bare.timed(send)

        async def at_rate(count: int, send: Callable[[int], Coroutine[Any, Any, None]]) -> float:
            """``count`` sends on a fixed schedule (open loop); seconds taken."""
            tasks: list[asyncio.Task[None]] = []
            began = time.perf_counter()
            for n in range(count):
                delay = began + n * gap - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(send(n)))
            await asyncio.gather(*tasks)
            return time.perf_counter() - began

        elapsed = await at_rate(total, one)
        await at_rate(int(per_minute * bare_minutes), one_bare)
    for sender in people:
        handle = bench.client.get_workflow_handle(f"bare-wa-{bench.bare_queue}-{sender}")
        with contextlib.suppress(RPCError):
            await handle.signal(BareQueueWorkflow.close)
    counted = await stored(bench)
    return {
        "per_minute": per_minute,
        "minutes": minutes,
        "bare_minutes": bare_minutes,
        "sent": len(sent_ids),
        "redelivered": len(redelivered),
        "redelivered_acknowledged": sum(redelivered),
        "seconds": round(elapsed, 1),
        "relais_ack_ms": {**spread(relais.ms), "p95": round(percentile(relais.ms, 95), 1)},
        "relais_failed": len(relais.failed),
        "bare_ms": {**spread(bare.ms), "p95": round(percentile(bare.ms, 95), 1)},
        "bare_failed": len(bare.failed),
        **counted,
    }


async def stored(bench: Bench) -> dict[str, int]:
    """The young people's messages in the app database: rows and distinct messages
    (idempotency keys), the warm-up message left out. A 200 means the message was
    sealed there and its conversation workflow accepted it (an update that completed),
    so counting after the run is enough."""
    engine = create_async_engine(bench.stack.database_url)
    young = ConversationMessageRow.author_kind == AuthorKind.YOUNG_PERSON.value
    try:
        async with engine.connect() as connection:
            rows = await connection.scalar(select(func.count()).where(young))
            distinct = await connection.scalar(
                select(func.count(func.distinct(ConversationMessageRow.key_digest))).where(young)
            )
    finally:
        await engine.dispose()
    return {"rows": int(rows or 0) - 1, "distinct": int(distinct or 0) - 1}


async def run(
    per_minute: int, minutes: float, bare_minutes: float, senders: int, keep: str | None
) -> dict[str, Any]:
    policy = CasePolicy(opening_hours=ALWAYS_OPEN)
    async with bench_stack(policy=policy, keep=keep) as bench:
        # Both paths warmed up: one young person's first message each.
        async with httpx.AsyncClient(base_url=bench.stack.api_url, timeout=60) as api:
            body, headers = signed_post(
                Settings(), "33600000001", f"wamid.warm{uuid.uuid4().hex}", 0
            )
            assert await relais_post(api, body, headers)
        return await drive(bench, per_minute, minutes, bare_minutes, senders)


SMOKE = {"per_minute": 240, "minutes": 0.15, "bare_minutes": 0.1, "senders": 10}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-minute", type=int, default=1000, help="posts a minute (1000)")
    parser.add_argument("--minutes", type=float, default=5.0, help="how long (5)")
    parser.add_argument(
        "--bare-minutes", type=float, default=1.0, help="the bare path's run, same rate (1)"
    )
    parser.add_argument("--senders", type=int, default=300, help="young people writing (300)")
    parser.add_argument("--keep", help="folder to keep logs and databases in")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(
        run(args.per_minute, args.minutes, args.bare_minutes, args.senders, args.keep)
    )
    r, b = result["relais_ack_ms"], result["bare_ms"]
    lost = result["sent"] - result["distinct"]
    doubled = result["rows"] - result["distinct"]
    print_table(
        f"WhatsApp webhook, {args.per_minute} messages a minute for {args.minutes} min "
        f"from {args.senders} young people (then the bare path, {args.bare_minutes} min)",
        [
            (
                "Relais: signed POST -> 200",
                f"p50 {r['p50']} ms, p95 {r['p95']} ms, p99 {r['p99']} ms, max {r['max']} ms",
            ),
            (
                "bare workflow: signal_with_start",
                f"p50 {b['p50']} ms, p95 {b['p95']} ms, p99 {b['p99']} ms, max {b['max']} ms",
            ),
            (
                "Relais: recorded once / lost / doubled",
                f"{result['distinct']} of {result['sent']} / {lost} / {doubled} "
                f"({result['redelivered']} delivered twice, {result['relais_failed']} failed)",
            ),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
