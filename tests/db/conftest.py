"""Every test here runs on SQLite (a temp file) and on PostgreSQL (a throwaway schema
of ``RELAIS_TEST_POSTGRES_URL``, default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``).

PostgreSQL unreachable: the PostgreSQL half is skipped locally, and fails when
``CI=true`` (CI must never pass by skipping it). ``-m "not postgres"`` deselects it.
"""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from relais.db import Database
from relais.db.tables import Base

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@dataclass
class Backend:
    name: str
    url: str | None  # PostgreSQL server; SQLite gets a fresh file per database


async def _first_reachable(urls: list[str]) -> tuple[str | None, str]:
    last_error = ""
    for url in urls:
        engine = create_async_engine(url)
        try:
            async with asyncio.timeout(5):
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        finally:
            await engine.dispose()
    return None, last_error


_probed: dict[str, tuple[str | None, str]] = {}  # probe once, not once per skipped test


async def _postgres_url() -> str:
    configured = os.environ.get("RELAIS_TEST_POSTGRES_URL")
    candidates = [configured] if configured else [DEFAULT_POSTGRES_URL]
    if not configured:  # some machines only trust the OS user name
        candidates.append(make_url(DEFAULT_POSTGRES_URL).set(username="root").render_as_string())
    if "result" not in _probed:
        _probed["result"] = await _first_reachable(candidates)
    url, error = _probed["result"]
    if url is not None:
        return url
    reason = f"PostgreSQL unreachable at {candidates[0]} ({error})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", None)
    return Backend("postgresql", await _postgres_url())


NewDatabase = Callable[..., Awaitable[Database]]


@pytest.fixture(scope="session")
async def new_database(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[NewDatabase]:
    """Makes empty databases (not migrated), disposed and dropped at the end."""
    made: list[Database] = []

    async def make(same_as: Database | None = None) -> Database:
        """A new empty database, or (``same_as``) a second handle on an existing one."""
        if same_as is not None:
            database = Database(same_as.url, schema=same_as.schema)
        elif backend.url is None:
            path: Path = tmp_path_factory.mktemp("relais-db") / "nested" / "relais.db"
            database = Database(f"sqlite+aiosqlite:///{path}")
        else:
            database = Database(backend.url, schema=f"relais_test_{secrets.token_hex(6)}")
        made.append(database)
        return database

    yield make
    for database in made:
        await database.dispose()
        if database.schema is not None:
            admin = create_async_engine(database.url)
            try:
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{database.schema}" CASCADE'))
            finally:
                await admin.dispose()


@pytest.fixture(scope="session")
async def migrated(new_database: NewDatabase) -> Database:
    database = await new_database()
    await database.create_schema()
    return database


@pytest.fixture
async def database(migrated: Database) -> Database:
    """The session's migrated database, emptied before each test."""
    async with migrated.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete())
    return migrated
