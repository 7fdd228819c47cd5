"""The Alembic migrations build exactly the ORM's schema, on both backends, from the
code path the apps use and from the ``alembic`` command line."""

import asyncio
import os
import secrets
import sys
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from relais.db import CaseDirectory, Database
from relais.db.migrate import REPO_ROOT, alembic_config, downgrade, schema_diff
from relais.db.tables import Base
from tests.db.builders import case_record
from tests.db.conftest import Backend, NewDatabase

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _state(database: Database) -> tuple[str | None, list[object], set[str]]:
    async with database.engine.connect() as conn:
        revision = await conn.run_sync(_revision)
        diff = await conn.run_sync(schema_diff)
        tables = await conn.run_sync(_tables)
    return revision, diff, tables


async def test_upgrade_head_on_an_empty_database_matches_the_orm(
    new_database: NewDatabase,
) -> None:
    database = await new_database()

    await database.create_schema()

    revision, diff, tables = await _state(database)
    assert revision == HEAD
    assert diff == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


async def test_apps_starting_together_both_migrate_safely(new_database: NewDatabase) -> None:
    api = await new_database()
    worker = await new_database(same_as=api)

    await asyncio.gather(api.create_schema(), worker.create_schema())
    await api.create_schema()  # every later start is a no-op

    revision, diff, _ = await _state(worker)
    assert (revision, diff) == (HEAD, [])


async def test_downgrade_to_base_then_upgrade_again(new_database: NewDatabase) -> None:
    database = await new_database()
    await database.create_schema()
    await CaseDirectory(database).upsert(case_record())

    async with database.engine.begin() as conn:
        await conn.run_sync(downgrade)
    _, _, tables = await _state(database)
    assert tables == {"alembic_version"}

    await database.create_schema()
    revision, diff, _ = await _state(database)
    assert (revision, diff) == (HEAD, [])
    assert await CaseDirectory(database).get("case-1") is None


async def _alembic_cli(database_url: str, *args: str) -> str:
    env = os.environ | {"RELAIS_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "alembic",
        *args,
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_the_alembic_command_line_migrates_the_configured_database(
    backend: Backend, tmp_path: Path
) -> None:
    """``alembic upgrade head`` reads RELAIS_DATABASE_URL. SQLite: a file in a folder
    that does not exist yet. PostgreSQL: a whole throwaway database (the command line
    has no schema option)."""
    if backend.url is None:
        url = f"sqlite+aiosqlite:///{tmp_path / 'not-yet' / 'relais.db'}"
        await _alembic_cli(url, "upgrade", "head")
        assert "No new upgrade operations" in await _alembic_cli(url, "check")
        return

    server = make_url(backend.url)
    name = f"relais_test_{secrets.token_hex(6)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            await _alembic_cli(url, "upgrade", "head")
            assert "No new upgrade operations" in await _alembic_cli(url, "check")
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
