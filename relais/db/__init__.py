"""The app database: projections written by activities and the API (never personal
data), tasks for people, and the audit log.

    database = Database(settings.database_url)
    await database.create_schema()          # Alembic upgrade head
    cases = CaseDirectory(database)         # or CaseDirectory(database.session_factory)

Its rows are the plain models of :mod:`domain.records`; workflows never import this
package (they hand those models to activities).
"""

from relais.db.engine import Database
from relais.db.errors import DatabaseError, NotFound, TaskAlreadyClaimed, TaskAlreadyDone
from relais.db.repositories import AuditLog, CaseDirectory, NoticeLedger, ReferralLedger, TaskBoard

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
