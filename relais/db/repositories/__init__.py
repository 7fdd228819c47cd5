"""Repositories of the app database. Each method opens its own session and
transaction, and every write is idempotent: Temporal activities retry."""

from relais.db.repositories.audit import AuditLog
from relais.db.repositories.cases import CaseDirectory
from relais.db.repositories.ledgers import NoticeLedger, ReferralLedger
from relais.db.repositories.tasks import TaskBoard

__all__ = ["AuditLog", "CaseDirectory", "NoticeLedger", "ReferralLedger", "TaskBoard"]
