"""SQLite's async driver (aiosqlite) with one trip to its thread per statement.

aiosqlite runs every call on a connection in the connection's own thread: each call
is a trip there and back (a queue, a thread woken, the event loop woken): little on an
idle machine, 0.05-0.1 ms each measured on a busy one, more while the event loop has
other requests to run (docs/benchmarks.md, "Opening a case"). SQLAlchemy
makes three per statement: a cursor, the statement, the cursor's close. Here the cursor
is made in the statement's own trip, and its close is queued without waiting for it
(the thread takes calls in order, so nothing after it can run first): an insert is one
trip instead of three, and opening a case makes 4 before its start instead of 10.

Nothing else changes: the same sqlite3 connection, the same statements, the same
transactions; a statement's error is raised where it was. Used by ``relais.db.engine``
for every SQLite database. It leans on aiosqlite's inner parts (``_execute``, ``_tx``,
``_conn``), as SQLAlchemy's own adapter does (``_tx``): ``tests/db/test_sqlite_driver.py``
says when an upgrade of aiosqlite breaks it.
"""

import sqlite3
from collections.abc import Generator, Iterable
from functools import partial
from types import SimpleNamespace
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

ITER_CHUNK_SIZE = 64  # aiosqlite's default


class OneTripCursor(aiosqlite.Cursor):
    """A cursor whose sqlite3 cursor is made in the thread by its first statement."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn, None)  # type: ignore[arg-type]
        self._arraysize = 1  # sqlite3's, until the cursor exists

    def __await__(self) -> Generator[Any, None, "OneTripCursor"]:
        return self._itself().__await__()

    async def _itself(self) -> "OneTripCursor":
        return self

    async def _one_trip(self, call: str, *args: Any) -> None:
        await self._conn._execute(self._in_thread, call, *args)  # type: ignore[no-untyped-call]

    def _in_thread(self, call: str, *args: Any) -> Any:
        if self._cursor is None:
            self._cursor = self._conn._conn.cursor()
            self._cursor.arraysize = self._arraysize
        return getattr(self._cursor, call)(*args)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> "OneTripCursor":
        await self._one_trip("execute", sql, [] if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> "OneTripCursor":
        await self._one_trip("executemany", sql, parameters)
        return self

    async def executescript(self, sql_script: str) -> "OneTripCursor":
        await self._one_trip("executescript", sql_script)
        return self

    async def fetchone(self) -> sqlite3.Row | None:
        return None if self._cursor is None else await super().fetchone()

    async def fetchmany(self, size: int | None = None) -> Iterable[sqlite3.Row]:
        return [] if self._cursor is None else await super().fetchmany(size)

    async def fetchall(self) -> Iterable[sqlite3.Row]:
        return [] if self._cursor is None else await super().fetchall()

    async def close(self) -> None:
        """Queued, not awaited: the thread closes it before anything queued later."""
        if self._cursor is not None:
            self._conn._tx.put_nowait((None, self._cursor.close))

    @property
    def rowcount(self) -> int:
        return -1 if self._cursor is None else self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return None if self._cursor is None else self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize if self._cursor is None else self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value
        if self._cursor is not None:
            self._cursor.arraysize = value

    @property
    def description(self) -> Any:
        return None if self._cursor is None else self._cursor.description


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    return OneTripConnection(partial(sqlite3.connect, database, **kwargs), ITER_CHUNK_SIZE)


_DRIVER = SimpleNamespace(
    **{
        name: getattr(aiosqlite, name)
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "sqlite_version",
            "sqlite_version_info",
        )
    },
    Connection=OneTripConnection,
    connect=connect,
)


def one_trip_dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """For ``create_async_engine(..., module=one_trip_dbapi())`` on a SQLite URL."""
    return AsyncAdapt_aiosqlite_dbapi(_DRIVER, sqlite3)  # type: ignore[arg-type]
