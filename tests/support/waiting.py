"""Wait on state, never on a fixed sleep: poll a condition until it holds or a
deadline passes, then fail saying what was awaited and what was last seen."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    condition: Callable[[T], bool],
    *,
    what: str,
    within: float = 30.0,
    interval: float = 0.1,
) -> T:
    deadline = time.monotonic() + within
    last: T | None = None
    while True:
        last = await probe()
        if condition(last):
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}; last: {last!r}")
        await asyncio.sleep(interval)
