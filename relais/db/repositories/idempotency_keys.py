"""The ``Idempotency-Key`` of each person's POST, and a fingerprint of the request it
came with, kept ``KEY_RETENTION``: the same key with the same request is a retry
(the action runs once: Temporal's workflow and update ids see to that), the same
key with another request is refused. In the database, so every API replica agrees.

Claiming a key is one ``INSERT .. ON CONFLICT DO NOTHING`` then, when the key is
taken, a look at who took it: two replicas racing with the same key cannot both
win, and the loser learns whether it carries the same request or another one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from relais.db.repositories._sql import SessionSource, inserted_unless_present, sessions_of
from relais.db.tables import IdempotencyKeyRow

# Long enough for any client to retry (a counsellor's screen, a queued offline
# request, an operator replaying after an outage), short enough that the table stays
# small. A key older than this is forgotten: sent again, it counts as new.
KEY_RETENTION = timedelta(days=7)
# Keys past their retention are deleted at most this often per process.
PRUNE_EVERY = timedelta(minutes=1)
_ATTEMPTS = 3  # a key released between our insert and our read: claim again


class KeyUse(StrEnum):
    FIRST = "first"  # the key's first request: it proceeds, the key is now its own
    RETRY = "retry"  # the same request again: it proceeds (the action is idempotent)
    REUSED = "reused"  # another request under a key already used: refused


@dataclass(frozen=True)
class KeyClaim:
    use: KeyUse
    route: str  # the route the key was first used with ("POST /cases")
    first_used_at: datetime


class IdempotencyKeys:
    """One per process (``app.state``): it remembers when it last pruned."""

    def __init__(self, source: SessionSource, *, retention: timedelta = KEY_RETENTION) -> None:
        self._sessions = sessions_of(source)
        self.retention = retention
        self._pruned_at: datetime | None = None

    async def claim(self, key_digest: str, fingerprint: str, route: str, now: datetime) -> KeyClaim:
        """Record that ``key_digest`` carries the request ``fingerprint``, unless it
        already carries one (then: a retry or a reuse; nothing is changed)."""
        for _ in range(_ATTEMPTS):
            async with self._sessions.begin() as session:
                await self._prune(session, now)
                claim = await self._claim(session, key_digest, fingerprint, route, now)
            if claim is not None:
                return claim
        raise RuntimeError(f"idempotency key {key_digest[:12]}... kept changing hands")

    async def claim_in(
        self, session: AsyncSession, key_digest: str, fingerprint: str, route: str, now: datetime
    ) -> KeyClaim:
        """:meth:`claim` inside the caller's transaction, so the key is taken with the
        first writes of the request or not at all (opening a case: one transaction)."""
        for _ in range(_ATTEMPTS):
            await self._prune(session, now)
            claim = await self._claim(session, key_digest, fingerprint, route, now)
            if claim is not None:
                return claim
        raise RuntimeError(f"idempotency key {key_digest[:12]}... kept changing hands")

    async def release(self, key_digest: str, fingerprint: str) -> None:
        """Forget a key whose first request was refused (nothing was done): the
        corrected request may use it. A key now carrying another request stays."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(IdempotencyKeyRow).where(
                    IdempotencyKeyRow.key_digest == key_digest,
                    IdempotencyKeyRow.fingerprint == fingerprint,
                )
            )

    async def _claim(
        self,
        session: AsyncSession,
        key_digest: str,
        fingerprint: str,
        route: str,
        now: datetime,
    ) -> KeyClaim | None:
        values = {
            "key_digest": key_digest,
            "fingerprint": fingerprint,
            "route": route,
            "first_used_at": now,
        }
        if await inserted_unless_present(session, IdempotencyKeyRow, "key_digest", values):
            return KeyClaim(KeyUse.FIRST, route, now)
        # Taken. Past its retention (not pruned yet) the old use no longer counts.
        replaced = await session.execute(
            update(IdempotencyKeyRow)
            .where(
                IdempotencyKeyRow.key_digest == key_digest,
                IdempotencyKeyRow.first_used_at <= now - self.retention,
            )
            .values(values)
            .returning(IdempotencyKeyRow.key_digest)
        )
        if replaced.first() is not None:
            return KeyClaim(KeyUse.FIRST, route, now)
        row = await session.get(IdempotencyKeyRow, key_digest)
        if row is None:  # released since our insert: try again
            return None
        use = KeyUse.RETRY if row.fingerprint == fingerprint else KeyUse.REUSED
        return KeyClaim(use, row.route, row.first_used_at)

    async def _prune(self, session: AsyncSession, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        await session.execute(
            delete(IdempotencyKeyRow).where(IdempotencyKeyRow.first_used_at <= now - self.retention)
        )
        self._pruned_at = now
