"""Seals of signed webhook deliveries already accepted, until they expire: the
replay check of every API replica (see ``api.webhook_signatures``)."""

from datetime import UTC, datetime

from sqlalchemy import delete, update

from relais.db.repositories._sql import SessionSource, insert_unless_present, sessions_of
from relais.db.tables import WebhookSealRow

PRUNE_EVERY_SECONDS = 60.0


class WebhookSeals:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)
        self._pruned_at: float | None = None

    async def add(self, seal: str, expires: float, now: float) -> bool:
        """Remember ``seal`` until ``expires`` (unix seconds); False when it is
        already remembered and not expired: a replay. Expired seals are dropped in
        the same transaction, at most once a minute per process (an expired seal
        left a little longer blocks nothing a fresh delivery could send), and
        whenever one is in the way."""
        async with self._sessions.begin() as session:
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY_SECONDS:
                await session.execute(
                    delete(WebhookSealRow).where(WebhookSealRow.expires_at <= _at(now))
                )
                self._pruned_at = now
            values = {"seal": seal, "expires_at": _at(expires)}
            inserted = await session.execute(
                insert_unless_present(session, WebhookSealRow, "seal", values)
            )
            if inserted.first() is not None:
                return True
            # Taken: a replay, unless what is there has expired (then it is replaced).
            replaced = await session.execute(
                update(WebhookSealRow)
                .where(WebhookSealRow.seal == seal, WebhookSealRow.expires_at <= _at(now))
                .values(expires_at=_at(expires))
                .returning(WebhookSealRow.seal)
            )
            return replaced.first() is not None

    async def discard(self, seal: str) -> None:
        """Forget a seal whose delivery failed on our side, so the sender may retry."""
        async with self._sessions.begin() as session:
            await session.execute(delete(WebhookSealRow).where(WebhookSealRow.seal == seal))


def _at(unix_seconds: float) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)
