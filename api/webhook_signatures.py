"""Verify signed webhooks from platforms and partners.

Scheme: ``X-Relais-Timestamp: <unix seconds>`` and
``X-Relais-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw_body}")>``.
The timestamp must be within the tolerance of our clock (a stolen request cannot
be replayed later) and a signature seen once within that window is refused (it
cannot be replayed sooner). The seen-set is a :class:`ReplayStore`: the API keeps it
in the database (``relais.db.repositories.webhook_seals``), shared by every replica;
:class:`ReplayCache` keeps it in memory for a single process.
"""

import hashlib
import heapq
import hmac
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from application.errors import SignatureInvalid, SignatureReplayed

SCHEME = "sha256="
TIMESTAMP_HEADER = "X-Relais-Timestamp"
SIGNATURE_HEADER = "X-Relais-Signature"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-Relais-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SCHEME + digest


class ReplayStore(Protocol):
    async def add(self, signature: str, expires: float, now: float) -> bool:
        """Remember ``signature`` until ``expires``; False when already there."""
        ...

    async def discard(self, signature: str) -> None:
        """Forget ``signature`` (its delivery failed on our side)."""
        ...


class ReplayCache:
    """Signatures seen recently, each forgotten once its timestamp leaves the window
    (in memory: one process only)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._max_entries = max_entries

    def _prune(self, now: float) -> None:
        while self._heap and (self._heap[0][0] <= now or len(self._heap) > self._max_entries):
            expires, signature = heapq.heappop(self._heap)
            if self._expiry.get(signature) == expires:
                del self._expiry[signature]

    async def add(self, signature: str, expires: float, now: float) -> bool:
        """Remember ``signature``; False when it was already there (a replay)."""
        self._prune(now)
        if signature in self._expiry:
            return False
        self._expiry[signature] = expires
        heapq.heappush(self._heap, (expires, signature))
        return True

    async def discard(self, signature: str) -> None:
        """Forget a signature whose delivery failed, so the sender may retry it."""
        self._expiry.pop(signature, None)


class SignatureVerifier:
    def __init__(
        self,
        secret: bytes,
        tolerance_seconds: int,
        clock: Callable[[], float] = time.time,
        replays: ReplayStore | None = None,
    ) -> None:
        self._secret = secret
        self._tolerance = tolerance_seconds
        self._clock = clock
        self._replays: ReplayStore = replays or ReplayCache()

    async def verify(self, timestamp: str | None, signature: str | None, body: bytes) -> str:
        """Check a delivery; returns its signature (to :meth:`release` on failure).

        Raises :class:`SignatureInvalid` (unsigned, malformed, wrong or stale) or
        :class:`SignatureReplayed` (already accepted within the window).
        """
        if not timestamp or not signature:
            raise SignatureInvalid("missing X-Relais-Timestamp or X-Relais-Signature header")
        if not timestamp.isdigit():
            raise SignatureInvalid("X-Relais-Timestamp must be unix seconds")
        now = self._clock()
        sent_at = int(timestamp)
        if abs(now - sent_at) > self._tolerance:
            raise SignatureInvalid(
                f"X-Relais-Timestamp is more than {self._tolerance}s away from our clock"
            )
        if not signature.startswith(SCHEME):
            raise SignatureInvalid("X-Relais-Signature must be sha256=<hex>")
        expected = sign(self._secret, timestamp, body)
        if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
            raise SignatureInvalid("X-Relais-Signature does not match the body")
        if not await self._replays.add(expected, expires=sent_at + self._tolerance, now=now):
            raise SignatureReplayed("this signed delivery was already received")
        return expected

    async def release(self, signature: str) -> None:
        """The delivery failed on our side: let the sender retry the same request."""
        await self._replays.discard(signature)

    @asynccontextmanager
    async def accepting(
        self, timestamp: str | None, signature: str | None, body: bytes
    ) -> AsyncIterator[None]:
        """Verify a delivery, then run the block; if the block fails, the delivery
        may be retried with the same signature."""
        seal = await self.verify(timestamp, signature, body)
        try:
            yield
        except BaseException:
            await self.release(seal)
            raise
