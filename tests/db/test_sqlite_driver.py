"""SQLite's driver with one trip to its thread per statement (``relais.db.sqlite_driver``):
the same transactions as before, fewer trips."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from relais.db import Database
from relais.db.repositories.access import AccessReason, grant_in
from relais.db.sqlite_driver import OneTripConnection

NOW = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}")
    await database.create_schema()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call the driver's thread answers (the real calls, counted)."""
    answered: list[Any] = []
    real = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        answered.append(fn)
        return await real(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return answered


async def test_a_write_is_one_trip_and_its_commit_another(
    sqlite: Database, trips: list[Any]
) -> None:
    async with sqlite.session_factory.begin() as session:
        await session.execute(text("SELECT 1"))  # a connection taken from the pool
        trips.clear()
        for n in range(3):
            assert await grant_in(session, f"case-{n}", "c1", AccessReason.OWNER, "c1", NOW)
    assert len(trips) == 4  # three inserts, one commit: no cursor made or closed apart

    async with sqlite.session_factory() as session:
        count = await session.scalar(text("SELECT count(*) FROM case_access"))
    assert count == 3


async def test_a_failed_statement_fails_where_it_ran_and_its_transaction_is_undone(
    sqlite: Database,
) -> None:
    with pytest.raises(IntegrityError):
        async with sqlite.session_factory.begin() as session:
            await grant_in(session, "case-1", "c1", AccessReason.OWNER, "c1", NOW)
            await session.execute(
                text("INSERT INTO case_access (case_id) VALUES (:case_id)"), {"case_id": "x"}
            )
    async with sqlite.session_factory() as session:
        rows = (await session.execute(text("SELECT case_id FROM case_access"))).all()
        nothing = (await session.execute(text("SELECT 1 WHERE 0"))).all()
    assert rows == []
    assert nothing == []


async def test_the_same_row_twice_is_inserted_once(sqlite: Database) -> None:
    async with sqlite.session_factory.begin() as session:
        assert await grant_in(session, "case-1", "c1", AccessReason.OWNER, "c1", NOW)
        assert not await grant_in(session, "case-1", "c1", AccessReason.OWNER, "c1", NOW)


async def test_rows_read_all_at_once_or_streamed_are_the_same(sqlite: Database) -> None:
    async with sqlite.session_factory.begin() as session:
        for n in range(5):
            await grant_in(session, f"case-{n}", "c1", AccessReason.OWNER, "c1", NOW)
    query = text("SELECT case_id FROM case_access ORDER BY case_id")
    async with sqlite.engine.connect() as conn:
        at_once = [row.case_id for row in await conn.execute(query)]
        streamed = [row.case_id async for row in await conn.stream(query)]
    assert at_once == streamed == [f"case-{n}" for n in range(5)]
