"""Adapter health as the partner-call activities see it: each call's success or
failure is recorded (by slug and operation) for ``GET /adapters``.

Recording is best effort: a database hiccup never fails a partner call that
already happened (the call's own retry would then repeat a side effect).

Successes are the bulk of the calls and all land on one row per adapter (a hot row
at scale, a locked file on SQLite), so a worker writes an adapter's success at most
once per ``success_interval`` unless a failure was recorded since: "last worked"
may lag the truth by that interval, a failure and the recovery after it never do.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Protocol

from partners.errors import AdapterError, PermanentAdapterError, UnknownAdapterError, scrub
from relais.clock import utc_now
from relais.db.repositories.adapter_health import AdapterHealthBook

log = logging.getLogger("relais.adapters.health")

RECORD_TIMEOUT_SECONDS = 5.0
SUCCESS_INTERVAL_SECONDS = 5.0


class HealthRecorder(Protocol):
    async def success(self, slug: str, operation: str) -> None: ...

    async def failure(self, slug: str, operation: str, reason: str, *, permanent: bool) -> None: ...


class DatabaseHealthRecorder:
    """Writes to the app database's ``adapter_health`` table."""

    def __init__(
        self,
        book: AdapterHealthBook,
        success_interval: float = SUCCESS_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._book = book
        self._success_interval = success_interval
        self._clock = clock
        # Per adapter: when this process last wrote a success (None: a failure since).
        self._success_written: dict[str, float | None] = {}

    async def success(self, slug: str, operation: str) -> None:
        now = self._clock()
        written = self._success_written.get(slug)
        if written is not None and now - written < self._success_interval:
            return
        if await self._best_effort(self._book.record_success(slug, operation, _now()), slug):
            self._success_written[slug] = now

    async def failure(self, slug: str, operation: str, reason: str, *, permanent: bool) -> None:
        self._success_written[slug] = None  # the next success is written at once
        write = self._book.record_failure(slug, operation, _now(), reason, permanent=permanent)
        await self._best_effort(write, slug)

    async def _best_effort(self, write: Coroutine[Any, Any, None], slug: str) -> bool:
        try:
            async with asyncio.timeout(RECORD_TIMEOUT_SECONDS):
                await write
        except Exception as exc:  # the health table must never fail a partner call
            log.warning("could not record health of adapter %s: %s", slug, type(exc).__name__)
            return False
        return True


def _now() -> datetime:
    return utc_now()


@asynccontextmanager
async def observed(
    recorder: HealthRecorder | None, slug: str, operation: str
) -> AsyncIterator[None]:
    """Record the outcome of the partner call made inside the block."""
    if recorder is None:
        yield
        return
    try:
        yield
    except UnknownAdapterError:
        raise  # not a call to any adapter
    except AdapterError as exc:
        permanent = isinstance(exc, PermanentAdapterError)
        await recorder.failure(slug, operation, scrub(str(exc)), permanent=permanent)
        raise
    except Exception as exc:
        await recorder.failure(
            slug, operation, f"adapter bug: {type(exc).__name__}", permanent=False
        )
        raise
    await recorder.success(slug, operation)
