"""Seals of signed webhook deliveries already accepted, until they expire: the
replay check of every API replica (see ``api.services.webhook_signatures``)."""

from datetime import UTC, datetime

from sqlalchemy import delete

from relais.db.repositories._sql import SessionSource, insert_unless_present, sessions_of
from relais.db.tables import WebhookSealRow


class WebhookSeals:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def add(self, seal: str, expires: float, now: float) -> bool:
        """Remember ``seal`` until ``expires`` (unix seconds); False when it is
        already remembered and not expired: a replay. Expired seals are dropped
        first, in the same transaction."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(WebhookSealRow).where(WebhookSealRow.expires_at <= _at(now))
            )
            values = {"seal": seal, "expires_at": _at(expires)}
            inserted = await session.execute(
                insert_unless_present(session, WebhookSealRow, "seal", values)
            )
            return inserted.first() is not None

    async def discard(self, seal: str) -> None:
        """Forget a seal whose delivery failed on our side, so the sender may retry."""
        async with self._sessions.begin() as session:
            await session.execute(delete(WebhookSealRow).where(WebhookSealRow.seal == seal))


def _at(unix_seconds: float) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)
