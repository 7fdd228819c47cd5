"""The audit log: who did what on which case, when. Append-only; read oldest first."""

from collections import OrderedDict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry
from relais.db.repositories._sql import (
    SessionSource,
    insert_unless_present,
    inserted_unless_present,
    sessions_of,
)
from relais.db.tables import AuditRow

AuditEntries = list[AuditEntry]

READ_KEY_PREFIX = "read:"  # a repeated read's line (``AuditTrail.record_read``)
READS_REMEMBERED = 10_000


class AuditLog:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)
        # The repeated reads' lines this process wrote: a screen that reads again within
        # the window would write nothing (its key is taken), but the insert still took
        # SQLite's write lock, a write per live read; it is not tried again.
        self._reads_written: OrderedDict[str, None] = OrderedDict()

    async def record(self, entry: AuditEntry) -> int:
        """Append ``entry`` and return its id. An entry carrying an ``idempotency_key``
        is recorded once: a retry returns the id of the first."""
        async with self._sessions.begin() as session:
            return await append(session, entry)

    async def write(self, entry: AuditEntry) -> None:
        """:meth:`record` without reading the entry's id back, for the audit lines of
        requests (nothing there needs the id; on SQLite one round trip fewer)."""
        key = entry.idempotency_key or ""
        repeated_read = key.startswith(READ_KEY_PREFIX)
        if repeated_read and key in self._reads_written:
            return
        async with self._sessions.begin() as session:
            await write_in(session, entry)
        if repeated_read:
            self._reads_written[key] = None
            if len(self._reads_written) > READS_REMEMBERED:
                self._reads_written.popitem(last=False)

    async def list(
        self,
        case_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> AuditEntries:
        """Entries matching every filter, oldest first; ``since`` is inclusive and
        ``until`` exclusive, so consecutive windows never overlap."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        statement = select(AuditRow)
        if case_id is not None:
            statement = statement.where(AuditRow.case_id == case_id)
        if actor is not None:
            statement = statement.where(AuditRow.actor == actor)
        if action is not None:
            statement = statement.where(AuditRow.action == action)
        if since is not None:
            statement = statement.where(AuditRow.at >= since)
        if until is not None:
            statement = statement.where(AuditRow.at < until)
        statement = statement.order_by(AuditRow.at, AuditRow.id).limit(limit)
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [AuditEntry.model_validate(row, from_attributes=True) for row in rows]


async def append(session: AsyncSession, entry: AuditEntry) -> int:
    """``AuditLog.record`` inside a transaction of the caller's, for a write whose
    audit line must be stored with it or not at all."""
    values = entry.model_dump(exclude={"id"})
    if entry.idempotency_key is None:
        statement = insert(AuditRow).values(values).returning(AuditRow.id)
        return int((await session.execute(statement)).scalar_one())
    inserted = await session.execute(
        insert_unless_present(session, AuditRow, "idempotency_key", values)
    )
    new_id = inserted.scalar()
    if new_id is not None:
        return int(new_id)
    existing = select(AuditRow.id).where(AuditRow.idempotency_key == entry.idempotency_key)
    return int((await session.execute(existing)).scalar_one())


async def write_in(session: AsyncSession, entry: AuditEntry) -> bool:
    """:func:`append` without reading the id back: whether the entry was new (an entry
    under an ``idempotency_key`` already recorded is not recorded again)."""
    values = entry.model_dump(exclude={"id"})
    if entry.idempotency_key is None:
        await session.execute(insert(AuditRow).values(values))
        return True
    return await inserted_unless_present(session, AuditRow, "idempotency_key", values)
