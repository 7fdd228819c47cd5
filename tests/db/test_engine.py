"""The Database class: SQLite set up for several processes, PostgreSQL schemas."""

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from relais.db import CaseDirectory, Database
from relais.db.tables import CaseLabelRow, CaseRow
from tests.db.builders import case_record


async def test_sqlite_creates_its_folder_and_is_set_up_for_concurrent_use(tmp_path: Path) -> None:
    path = tmp_path / "data" / "deeper" / "relais.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        assert path.parent.is_dir()
        async with database.engine.connect() as conn:
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            foreign_keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
            busy_timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
        assert (journal, foreign_keys) == ("wal", 1)
        assert busy_timeout >= 5000
    finally:
        await database.dispose()


async def test_an_in_memory_sqlite_database_works_end_to_end() -> None:
    database = Database("sqlite+aiosqlite://")
    try:
        await database.create_schema()
        cases = CaseDirectory(database.session_factory)
        await cases.upsert(case_record())
        assert await cases.get("case-1") == case_record()
    finally:
        await database.dispose()


async def test_deleting_a_case_deletes_its_labels(database: Database) -> None:
    await CaseDirectory(database).upsert(case_record(platforms=["tiktok"], partners=["pharos"]))

    async with database.session_factory.begin() as session:
        await session.execute(CaseRow.__table__.delete())
    async with database.session_factory() as session:
        labels = (await session.execute(select(func.count()).select_from(CaseLabelRow))).scalar()

    assert labels == 0


def test_bad_schema_options_are_refused() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        Database("sqlite+aiosqlite://", schema="tenant")
    with pytest.raises(ValueError, match="invalid schema"):
        Database("postgresql+asyncpg://u@localhost/db", schema='x"; drop table cases; --')


def test_the_password_never_shows_in_its_repr() -> None:
    database = Database("postgresql+asyncpg://relais:s3cret@db.internal/relais")
    assert "s3cret" not in repr(database)


async def test_a_sqlite_connection_given_back_with_a_write_open_is_rolled_back(
    tmp_path: Path,
) -> None:
    """The pool rolls back only a connection still in a transaction (not after every
    commit): a write left open below SQLAlchemy is undone and holds no lock."""
    path = tmp_path / "relais.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    other = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        async with database.engine.connect() as conn:
            await conn.exec_driver_sql("INSERT INTO probe VALUES (1)")
            await conn.commit()  # committed: kept
            raw = await conn.get_raw_connection()
            # A write the driver began that SQLAlchemy does not know of.
            await conn.run_sync(
                lambda _: raw.dbapi_connection.cursor().execute("INSERT INTO probe VALUES (2)")
            )
            assert raw.driver_connection.in_transaction
        async with other.engine.begin() as conn:
            await conn.exec_driver_sql("PRAGMA busy_timeout=200")  # no 30 s wait for a lock
            await conn.exec_driver_sql("INSERT INTO probe VALUES (3)")
        async with other.engine.connect() as conn:
            rows = (await conn.exec_driver_sql("SELECT x FROM probe ORDER BY x")).all()
        assert [x for (x,) in rows] == [1, 3]
    finally:
        await database.dispose()
        await other.dispose()
