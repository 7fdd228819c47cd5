"""Pieces the repositories share: where sessions come from, and the two
dialect-specific statements that make writes idempotent.

Both SQLite (3.35+) and PostgreSQL speak ``INSERT .. ON CONFLICT .. RETURNING``, so a
"write unless older" or "insert unless present" is one atomic statement, safe under
concurrent retries, and RETURNING says whether it took effect.
"""

from typing import Any, cast

from sqlalchemy import CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from relais.db.engine import Database
from relais.db.tables import Base

SessionSource = Database | async_sessionmaker[AsyncSession]


def sessions_of(source: SessionSource) -> async_sessionmaker[AsyncSession]:
    return source.session_factory if isinstance(source, Database) else source


def table_of(row: type[Base]) -> Table:
    return cast(Table, row.__table__)


def _insert(session: AsyncSession, table: Table) -> Any:
    """The dialect's own ``insert`` (the one with ``on_conflict_*``)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the app database supports SQLite and PostgreSQL, not {name}")


# (dialect, table, key columns) -> its "insert unless present" statement, built once:
# building a statement costs more than running it (about 0.1 ms each on this machine).
_UNLESS_PRESENT: dict[tuple[str, str, tuple[str, ...]], Any] = {}


async def inserted_unless_present(
    session: AsyncSession, row: type[Base], key: str | tuple[str, ...], values: dict[str, Any]
) -> bool:
    """Insert the row unless one with the same ``key`` (a column, or several) exists:
    whether this call inserted it, from the count of rows the statement wrote rather
    than from RETURNING (SQLite's async driver fetches RETURNING rows in a round trip
    of their own: one fewer per row, for writes on the way of a request). The
    statement is built once per table and the row given as its parameters."""
    table = table_of(row)
    keys = (key,) if isinstance(key, str) else key
    cache_key = (session.get_bind().dialect.name, table.name, keys)
    statement = _UNLESS_PRESENT.get(cache_key)
    if statement is None:
        statement = _insert(session, table).on_conflict_do_nothing(
            index_elements=[table.c[name] for name in keys]
        )
        _UNLESS_PRESENT[cache_key] = statement
    result = cast(CursorResult[Any], await session.execute(statement, values))
    return result.rowcount == 1


def upsert_unless_older(
    session: AsyncSession, row: type[Base], key: str, values: dict[str, Any]
) -> Any:
    """Insert the row, or overwrite it when the stored ``version`` is not newer.

    Returns a statement whose RETURNING yields the key when the write was applied and
    nothing when a newer version was already stored (a late retry: ignored).
    """
    table = table_of(row)
    statement = _insert(session, table).values(values)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key]],
        set_={name: statement.excluded[name] for name in values if name != key},
        where=table.c.version <= statement.excluded.version,
    ).returning(table.c[key])


def insert_unless_present(
    session: AsyncSession, row: type[Base], key: str, values: dict[str, Any]
) -> Any:
    """Insert the row unless one with the same ``key`` exists; RETURNING yields the
    primary key only when this call inserted it."""
    table = table_of(row)
    statement = _insert(session, table).values(values)
    return statement.on_conflict_do_nothing(index_elements=[table.c[key]]).returning(
        *table.primary_key.columns
    )


def upsert(session: AsyncSession, row: type[Base], keys: list[str], values: dict[str, Any]) -> Any:
    """Insert the row, or overwrite the one with the same ``keys`` (a composite key)."""
    table = table_of(row)
    statement = _insert(session, table).values(values)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={name: statement.excluded[name] for name in values if name not in keys},
    )


def insert_ignoring_conflicts(
    session: AsyncSession, row: type[Base], values: dict[str, Any]
) -> Any:
    """Insert the row unless it clashes with any unique key; RETURNING yields the
    primary key only when this call inserted it."""
    table = table_of(row)
    statement = _insert(session, table).values(values)
    return statement.on_conflict_do_nothing().returning(*table.primary_key.columns)
