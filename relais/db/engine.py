"""The ``Database``: one async engine and its session factory, shared by the API and
the worker. Schema changes go through the Alembic migrations in ``migrations/``."""

import asyncio
import re
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState, StaticPool

from relais.db import migrate
from relais.db.sqlite_driver import one_trip_dbapi
from relais.settings import Settings, get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Alembic runs a migration through module-level state (``alembic.context``): two
# migrations interleaved in one event loop would trample it, so they take turns.
_MIGRATING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


class Database:
    """``Database(url)`` builds the engine; ``await create_schema()`` migrates it.

    ``schema`` (PostgreSQL only) puts every table in that schema through the
    connection's ``search_path``: tests use a throwaway schema per session so they
    never touch anyone else's tables.
    """

    def __init__(self, url: str | URL, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = make_url(url)
        self.schema = schema
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if schema is not None:
                raise ValueError("schema= is for PostgreSQL; SQLite has one schema per file")
            kwargs.update(_sqlite_engine_options(self.url))
        else:
            kwargs["pool_pre_ping"] = True
            if schema is not None:
                if not _SCHEMA_NAME.match(schema):
                    raise ValueError(f"invalid schema name {schema!r}")
                kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_on_connect)
            event.listen(self.engine.sync_engine, "reset", _sqlite_reset)
        self.session_factory: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Database":
        return cls((settings or get_settings()).database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    async def create_schema(self) -> None:
        """Bring the database to the newest Alembic revision. Safe to call at every
        start, from several processes at once (the migration takes a database-wide
        lock) and from several tasks of one process (they take turns)."""
        async with _MIGRATING.setdefault(asyncio.get_running_loop(), asyncio.Lock()):
            async with self.engine.begin() as conn:
                if self.schema is not None:  # PostgreSQL: under the lock, or two may race
                    await conn.run_sync(migrate.take_migration_lock)
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                await conn.run_sync(migrate.upgrade)

    async def dispose(self) -> None:
        await self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def _sqlite_engine_options(url: URL) -> dict[str, Any]:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        # One in-memory database is one connection: share it.
        return {"poolclass": StaticPool, "pool_reset_on_return": None, "module": one_trip_dbapi()}
    if not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return {
        "module": one_trip_dbapi(),  # one trip to the driver's thread per statement
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        "pool_reset_on_return": None,  # _sqlite_reset instead
    }


def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """A connection back in the pool is rolled back only when a transaction is still
    open. The pool's own reset rolls back every time, even after a commit; on SQLite's
    async driver that is one more round trip to its thread at the end of every
    transaction (opening a case makes two). Unless a statement wrote, the driver has
    not begun a transaction (it begins one before a write only)."""
    if state.terminate_only or not state.asyncio_safe or state.transaction_was_reset:
        return
    if getattr(dbapi_connection.driver_connection, "in_transaction", True):
        dbapi_connection.rollback()


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """WAL lets readers work while a writer writes; foreign keys are off by default in
    SQLite; the busy timeout makes a second writer wait instead of failing at once."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
