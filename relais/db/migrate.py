"""Alembic, driven from code: ``Database.create_schema`` and the ``alembic`` command
line share ``migrations/env.py``, which hands the work back to :func:`run_migrations`.
"""

import functools
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from relais.db.tables import Base
from relais.db.types import UTCDateTime

REPO_ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = REPO_ROOT / "alembic.ini"
MIGRATIONS = REPO_ROOT / "migrations"
# Any constant: every process migrating the same PostgreSQL database takes this lock.
_PG_MIGRATION_LOCK = 0x52454C41  # "RELA"


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration, found from this file (not from the current directory)."""
    config = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str = "base") -> None:
    command.downgrade(alembic_config(connection), revision)


def take_migration_lock(connection: Connection) -> None:
    """Serialise concurrent migrations (API and worker starting together).

    Call it first thing on a fresh connection. PostgreSQL: a transaction-scoped
    advisory lock. SQLite: ``BEGIN IMMEDIATE`` takes the write lock before Alembic
    reads its version table (the driver has not begun a transaction yet: it only does
    so before the first INSERT/UPDATE/DELETE), and makes the migration atomic.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def render_item(type_: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes plain ``sa.DateTime(timezone=True)`` for our UTC type, so
    revisions do not import application code that may change after them."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def context_options(connection: Connection) -> dict[str, Any]:
    """Options for ``context.configure`` shared by migrations and schema comparison."""
    return {
        "target_metadata": Base.metadata,
        "compare_type": True,
        "render_item": render_item,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        "render_as_batch": connection.dialect.name == "sqlite",
    }


def schema_diff(connection: Connection) -> list[Any]:
    """What differs between the migrated database and the ORM tables (empty when in sync)."""
    context = MigrationContext.configure(connection, opts=context_options(connection))
    diff: list[Any] = compare_metadata(context, Base.metadata)
    return diff


def schema_revisions(connection: Connection) -> tuple[set[str], set[str]]:
    """(revisions the database is at, head revisions of ``migrations/``): equal when
    the database is migrated to head, which a process checks before it says it is ready."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current, set(_script_heads())


@functools.cache
def _script_heads() -> tuple[str, ...]:
    """The code's head revisions: read once, they do not change while a process runs."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
