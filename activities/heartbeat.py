"""Keep an activity heartbeating while it waits on a partner, so that a
cancellation from its workflow (a counsellor handed the referral over by phone)
reaches it and stops it, instead of letting it send afterwards."""

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")

HEARTBEAT_EVERY_SECONDS = 1.0


async def heartbeating(call: Awaitable[T], every: float = HEARTBEAT_EVERY_SECONDS) -> T:
    """Await ``call``, heartbeating every ``every`` seconds (the SDK throttles what
    it sends to the server). A cancellation delivered on a heartbeat cancels
    ``call`` and is raised here."""
    task = asyncio.ensure_future(call)
    try:
        while True:
            activity.heartbeat()
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
