"""Alembic environment of the app database, async, for SQLite and PostgreSQL.

Two ways in:
- ``Database.create_schema()`` passes its own open connection in
  ``config.attributes["connection"]``: migrate on it, touch nothing else (not even
  logging: the application owns that).
- The ``alembic`` command line: the URL comes from the settings
  (``RELAIS_DATABASE_URL``), through the same ``Database`` class so SQLite gets its
  folder and pragmas.
"""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from relais.db.engine import Database
from relais.db.migrate import context_options, take_migration_lock
from relais.db.tables import Base
from relais.settings import get_settings

config = context.config


def run_migrations(connection: Connection) -> None:
    take_migration_lock(connection)
    context.configure(connection=connection, **context_options(connection))
    with context.begin_transaction():
        context.run_migrations()


async def run_from_command_line() -> None:
    database = Database(get_settings().database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await database.dispose()


def run_offline() -> None:
    """``alembic upgrade head --sql``: print the SQL instead of running it."""
    context.configure(
        url=get_settings().database_url,
        target_metadata=Base.metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


shared_connection = config.attributes.get("connection")
if shared_connection is not None:
    run_migrations(shared_connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        run_offline()
    else:
        asyncio.run(run_from_command_line())
