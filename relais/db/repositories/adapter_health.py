"""Adapter health: when each platform/partner adapter last worked, and when and why
it last failed. Written by the partner-call activities (worker), read by the API.

Writes are idempotent and order-proof: a report older than what is stored does
not overwrite it (activities retry and may land late). ``failures_since_success``
counts failures reported after the last success (approximate when reports race).
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from relais.db.repositories._sql import SessionSource, insert_unless_present, sessions_of
from relais.db.tables import AdapterHealthRow

OPERATION_LENGTH = 32
REASON_LENGTH = 500


class AdapterHealth(BaseModel):
    slug: str
    last_success_at: datetime | None = None
    last_success_operation: str | None = None
    last_failure_at: datetime | None = None
    last_failure_operation: str | None = None
    last_failure_reason: str | None = None
    last_failure_permanent: bool | None = None
    failures_since_success: int = 0


class AdapterHealthBook:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def record_success(self, slug: str, operation: str, at: datetime) -> None:
        row = AdapterHealthRow
        async with self._sessions.begin() as session:
            await session.execute(_ensure(session, slug))
            await session.execute(
                update(row)
                .where(row.slug == slug)
                .where(or_(row.last_success_at.is_(None), row.last_success_at < at))
                .values(
                    last_success_at=at,
                    last_success_operation=operation[:OPERATION_LENGTH],
                    failures_since_success=case(
                        (or_(row.last_failure_at.is_(None), row.last_failure_at <= at), 0),
                        else_=row.failures_since_success,
                    ),
                )
            )

    async def record_failure(
        self, slug: str, operation: str, at: datetime, reason: str, *, permanent: bool
    ) -> None:
        """``reason`` must hold no personal data (adapter errors are written so)."""
        row = AdapterHealthRow
        async with self._sessions.begin() as session:
            await session.execute(_ensure(session, slug))
            newer_than_success = or_(row.last_success_at.is_(None), row.last_success_at < at)
            await session.execute(
                update(row)
                .where(row.slug == slug, newer_than_success)
                .values(failures_since_success=row.failures_since_success + 1)
            )
            await session.execute(
                update(row)
                .where(row.slug == slug)
                .where(or_(row.last_failure_at.is_(None), row.last_failure_at < at))
                .values(
                    last_failure_at=at,
                    last_failure_operation=operation[:OPERATION_LENGTH],
                    last_failure_reason=reason[:REASON_LENGTH],
                    last_failure_permanent=permanent,
                )
            )

    async def get(self, slug: str) -> AdapterHealth | None:
        async with self._sessions() as session:
            found = await session.get(AdapterHealthRow, slug)
            return (
                None if found is None else AdapterHealth.model_validate(found, from_attributes=True)
            )

    async def all(self) -> dict[str, AdapterHealth]:
        async with self._sessions() as session:
            rows = (await session.scalars(select(AdapterHealthRow))).all()
            return {r.slug: AdapterHealth.model_validate(r, from_attributes=True) for r in rows}


def _ensure(session: AsyncSession, slug: str) -> Any:
    """Create the adapter's row if it does not exist yet."""
    return insert_unless_present(
        session, AdapterHealthRow, "slug", {"slug": slug, "failures_since_success": 0}
    )
