"""App databases for the tests: a SQLite file, or a throwaway schema on the
PostgreSQL server at ``RELAIS_TEST_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``).

PostgreSQL unreachable: tests that need it are skipped locally and fail when
``CI=true`` (CI must never pass by skipping them).
"""

import asyncio
import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from relais.db import Database
from relais.db.tables import Base

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


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


async def postgres_url() -> str:
    """The reachable PostgreSQL server, or skip (fail under CI) saying why not."""
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


async def empty_database(backend: str, folder: Path) -> Database:
    """A new, not yet migrated database on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        return Database(f"sqlite+aiosqlite:///{folder / 'relais.db'}")
    return Database(await postgres_url(), schema=f"relais_test_{secrets.token_hex(6)}")


async def drop_database(database: Database) -> None:
    """Dispose of the engine; on PostgreSQL also drop the throwaway schema."""
    await database.dispose()
    if database.schema is None:
        return
    admin = create_async_engine(database.url)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{database.schema}" CASCADE'))
    finally:
        await admin.dispose()


async def database_dump(database: Database) -> str:
    """Every row of every table of the app database, as text: what a scan for
    personal data reads."""
    rows: list[str] = []
    async with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows += [repr(tuple(row)) for row in (await conn.execute(select(table))).all()]
    return "\n".join(rows)
