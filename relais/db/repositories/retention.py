"""The retention book: which closed cases are due for the purge of their personal
data, and which were purged. Statistics and the audit trail are never purged."""

from datetime import datetime

from sqlalchemy import select, update

from relais.db.repositories._sql import SessionSource, sessions_of
from relais.db.tables import CaseRetentionRow


class RetentionBook:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def schedule(self, case_id: str, purge_after: datetime | None) -> None:
        """Set (closure) or clear (reopening) when the case is to be purged."""
        async with self._sessions.begin() as session:
            row = await session.get(CaseRetentionRow, case_id)
            if row is None:
                session.add(CaseRetentionRow(case_id=case_id, purge_after=purge_after))
            elif row.purged_at is None:
                row.purge_after = purge_after

    async def due(self, now: datetime, limit: int = 100) -> list[str]:
        statement = (
            select(CaseRetentionRow.case_id)
            .where(CaseRetentionRow.purge_after <= now, CaseRetentionRow.purged_at.is_(None))
            .order_by(CaseRetentionRow.purge_after, CaseRetentionRow.case_id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return list((await session.scalars(statement)).all())

    async def mark_purged(self, case_id: str, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(CaseRetentionRow)
                .where(CaseRetentionRow.case_id == case_id, CaseRetentionRow.purged_at.is_(None))
                .values(purged_at=at)
            )

    async def purged_at(self, case_id: str) -> datetime | None:
        async with self._sessions() as session:
            row = await session.get(CaseRetentionRow, case_id)
            return None if row is None else row.purged_at
