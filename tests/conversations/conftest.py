"""The conversation store's tests run on SQLite and on PostgreSQL, with the app
database fixtures of ``tests/db`` (a migrated database, emptied before each test)."""

from tests.db.conftest import backend, database, migrated, new_database

__all__ = ["backend", "database", "migrated", "new_database"]
