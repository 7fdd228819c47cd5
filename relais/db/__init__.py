"""The app database: projections written by activities and the API (never personal
data), tasks for people, and the audit log.

    database = Database(settings.database_url)
    await database.create_schema()          # Alembic upgrade head
    cases = CaseDirectory(database)         # or CaseDirectory(database.session_factory)

Exports load lazily: workflows import ``relais.db.records`` (plain pydantic models)
and must not drag SQLAlchemy and Alembic into the workflow sandbox with them.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relais.db.engine import Database
    from relais.db.errors import DatabaseError, NotFound, TaskAlreadyClaimed, TaskAlreadyDone
    from relais.db.repositories import (
        AuditLog,
        CaseDirectory,
        NoticeLedger,
        ReferralLedger,
        TaskBoard,
    )

_HOMES = {
    "Database": "relais.db.engine",
    "DatabaseError": "relais.db.errors",
    "NotFound": "relais.db.errors",
    "TaskAlreadyClaimed": "relais.db.errors",
    "TaskAlreadyDone": "relais.db.errors",
    "AuditLog": "relais.db.repositories",
    "CaseDirectory": "relais.db.repositories",
    "NoticeLedger": "relais.db.repositories",
    "ReferralLedger": "relais.db.repositories",
    "TaskBoard": "relais.db.repositories",
}

__all__ = [
    "AuditLog",
    "CaseDirectory",
    "Database",
    "DatabaseError",
    "NotFound",
    "NoticeLedger",
    "ReferralLedger",
    "TaskAlreadyClaimed",
    "TaskAlreadyDone",
    "TaskBoard",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'relais.db' has no attribute {name!r}")
    return getattr(import_module(home), name)
