"""Data keys in the app database (``case_keys``), shared by the API and the workers."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from relais.clock import utc_now
from relais.crypto.key_store import KeyRecord, KeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db.engine import Database
from relais.db.repositories._sql import insert_unless_present, inserted_unless_present
from relais.db.tables import CaseKeyRow


def _record(row: CaseKeyRow) -> KeyRecord:
    return KeyRecord(
        key_id=row.key_id,
        case_id=row.case_id,
        wrapped_key=row.wrapped_key,
        master_key_id=row.master_key_id,
        created_at=row.created_at,
        destroyed_at=row.destroyed_at,
    )


def _values(record: KeyRecord) -> dict[str, object]:
    return {
        "key_id": record.key_id,
        "case_id": record.case_id,
        "wrapped_key": record.wrapped_key,
        "master_key_id": record.master_key_id,
        "created_at": record.created_at,
        "destroyed_at": record.destroyed_at,
    }


class DatabaseKeyStore(KeyStore):
    def __init__(
        self, database: Database, keyring: MasterKeyring, *, cache_seconds: float = 60.0
    ) -> None:
        super().__init__(keyring, cache_seconds=cache_seconds)
        self._sessions = database.session_factory

    def stores_in(self, database: Database) -> bool:
        """Whether the keys are rows of ``database`` (so a caller's transaction there
        may create one)."""
        return self._sessions is database.session_factory

    async def new_case_key_in(self, session: AsyncSession, case_id: str) -> KeyRecord | None:
        """Create the case's data key inside the caller's transaction (opening a case
        writes it with the case's other first rows); the record to :meth:`remember`
        once that transaction committed, None when the case had a key already."""
        record = self._new_record(case_id)
        inserted = await inserted_unless_present(session, CaseKeyRow, "case_id", _values(record))
        return record if inserted else None

    async def _find_by_case(self, case_id: str) -> KeyRecord | None:
        async with self._sessions() as session:
            row = await session.scalar(select(CaseKeyRow).where(CaseKeyRow.case_id == case_id))
            return None if row is None else _record(row)

    async def _find_by_id(self, key_id: str) -> KeyRecord | None:
        async with self._sessions() as session:
            row = await session.get(CaseKeyRow, key_id)
            return None if row is None else _record(row)

    async def _insert_if_absent(self, record: KeyRecord) -> bool:
        async with self._sessions.begin() as session:
            inserted = await session.execute(
                insert_unless_present(session, CaseKeyRow, "case_id", _values(record))
            )
            return inserted.first() is not None

    async def _destroy(self, case_id: str, tombstone: KeyRecord) -> bool:
        async with self._sessions.begin() as session:
            wiped = await session.execute(
                update(CaseKeyRow)
                .where(CaseKeyRow.case_id == case_id, CaseKeyRow.destroyed_at.is_(None))
                .values(wrapped_key=None, master_key_id=None, destroyed_at=utc_now())
            )
            if wiped.rowcount:  # type: ignore[attr-defined]
                return True
        await self._insert_if_absent(tombstone)  # never had a key: none may be made later
        return False

    async def _wrapped_by_other_masters(self, active: str) -> list[KeyRecord]:
        statement = select(CaseKeyRow).where(
            CaseKeyRow.wrapped_key.is_not(None), CaseKeyRow.master_key_id != active
        )
        async with self._sessions() as session:
            return [_record(row) for row in (await session.scalars(statement)).all()]

    async def _store_wrapped(self, key_id: str, master_key_id: str, wrapped: bytes) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(CaseKeyRow)
                .where(CaseKeyRow.key_id == key_id, CaseKeyRow.destroyed_at.is_(None))
                .values(wrapped_key=wrapped, master_key_id=master_key_id)
            )
