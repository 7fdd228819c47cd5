"""The case side: the case directory and its labels, notices, referrals, tasks, the
audit log, adapters' health, case keys, access, retention, webhook seals and request keys."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from relais.db.tables.base import AUTO_ID, ENUM, ID, SLUG, Base


class CaseRow(Base):
    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(ENUM)
    urgency: Mapped[str] = mapped_column(ENUM)
    channel: Mapped[str] = mapped_column(ENUM)
    caller_role: Mapped[str] = mapped_column(ENUM)
    age_band: Mapped[str] = mapped_column(ENUM)
    categories: Mapped[list[str]] = mapped_column(JSON)
    platforms: Mapped[list[str]] = mapped_column(JSON)
    partners: Mapped[list[str]] = mapped_column(JSON)
    opened_by: Mapped[str] = mapped_column(ID)
    owner: Mapped[str | None] = mapped_column(ID, nullable=True)
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    next_action_at: Mapped[datetime | None]
    sla_breached: Mapped[bool] = mapped_column(Boolean)
    notices_open: Mapped[int] = mapped_column(Integer)
    referrals_open: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # Every listing is "newest first", usually narrowed by one of these.
        Index("ix_cases_opened_at", "opened_at"),
        Index("ix_cases_status_opened_at", "status", "opened_at"),
        Index("ix_cases_urgency_opened_at", "urgency", "opened_at"),
        Index("ix_cases_sla_breached_opened_at", "sla_breached", "opened_at"),
        Index("ix_cases_opened_by_opened_at", "opened_by", "opened_at"),
        Index("ix_cases_owner_status", "owner", "status"),
    )


class CaseLabelRow(Base):
    """One row per (case, kind, slug): kind is ``category``, ``platform`` or ``partner``."""

    __tablename__ = "case_labels"

    case_id: Mapped[str] = mapped_column(
        ID, ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    slug: Mapped[str] = mapped_column(SLUG, primary_key=True)

    __table_args__ = (Index("ix_case_labels_kind_slug", "kind", "slug", "case_id"),)


class NoticeRow(Base):
    __tablename__ = "notices"

    notice_id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID)
    version: Mapped[int] = mapped_column(BigInteger)
    platform: Mapped[str] = mapped_column(SLUG)
    legal_qualification: Mapped[str | None] = mapped_column(String(64))
    appeal_of: Mapped[str | None] = mapped_column(ID)
    idempotency_key: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(ENUM)
    decision: Mapped[str | None] = mapped_column(ENUM)
    platform_reference: Mapped[str | None] = mapped_column(String(256))
    decision_reference: Mapped[str | None] = mapped_column(String(256))
    submitted_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    platform_decided_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    renotices: Mapped[int] = mapped_column(Integer)
    # ISO 8601 UTC strings, in order: read back whole with the notice, never queried.
    renoticed_at: Mapped[list[str]] = mapped_column(JSON, default=list)
    sla_breached: Mapped[bool] = mapped_column(Boolean)
    sla_breached_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_notices_case_id", "case_id"),
        Index("ix_notices_idempotency_key", "idempotency_key"),
        Index("ix_notices_platform_status_updated_at", "platform", "status", "updated_at"),
        Index("ix_notices_submitted_at", "submitted_at"),
        Index("ix_notices_updated_at", "updated_at"),
    )


class ReferralRow(Base):
    __tablename__ = "referrals"

    referral_id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID)
    version: Mapped[int] = mapped_column(BigInteger)
    partner: Mapped[str] = mapped_column(SLUG)
    idempotency_key: Mapped[str] = mapped_column(String(256))
    legal_basis: Mapped[str] = mapped_column(ENUM)
    emergency: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(ENUM)
    partner_reference: Mapped[str | None] = mapped_column(String(256))
    sent_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    outcome_at: Mapped[datetime | None]
    detail: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_referrals_case_id", "case_id"),
        Index("ix_referrals_idempotency_key", "idempotency_key"),
        Index("ix_referrals_partner_status_updated_at", "partner", "status", "updated_at"),
        Index("ix_referrals_updated_at", "updated_at"),
    )


class TaskRow(Base):
    __tablename__ = "tasks"

    task_id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(ENUM)
    for_role: Mapped[str] = mapped_column(ENUM)
    summary: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(ID)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_tasks_case_id_kind", "case_id", "kind"),
        Index("ix_tasks_for_role_done_at_due_at", "for_role", "done_at", "due_at"),
    )


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(AUTO_ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(ID)
    role: Mapped[str] = mapped_column(ENUM)
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(ID)
    detail: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(256), unique=True)

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_case_id_at", "case_id", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )


class AdapterHealthRow(Base):
    """Last success and last failure of each adapter, written by the partner-call
    activities in the worker and read by ``GET /adapters``. The failure reason is
    an adapter error summary: no personal data."""

    __tablename__ = "adapter_health"

    slug: Mapped[str] = mapped_column(SLUG, primary_key=True)
    last_success_at: Mapped[datetime | None]
    last_success_operation: Mapped[str | None] = mapped_column(String(32))
    last_failure_at: Mapped[datetime | None]
    last_failure_operation: Mapped[str | None] = mapped_column(String(32))
    last_failure_reason: Mapped[str | None] = mapped_column(Text)
    last_failure_permanent: Mapped[bool | None] = mapped_column(Boolean)
    failures_since_success: Mapped[int] = mapped_column(Integer, default=0)


class CaseKeyRow(Base):
    """One data key per case (and one global key, case id ``*``), wrapped by a master
    key. Crypto-shredding wipes ``wrapped_key`` and stamps ``destroyed_at``: the row
    stays as a tombstone, so no new key is ever made for a purged case."""

    __tablename__ = "case_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, unique=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    master_key_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_case_keys_master_key_id", "master_key_id"),)


class CaseAccessRow(Base):
    """Who, besides supervisors, may read a case: the counsellor who opened it, those
    it was shared with, and those who claimed one of its tasks."""

    __tablename__ = "case_access"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    subject: Mapped[str] = mapped_column(ID, primary_key=True)
    reason: Mapped[str] = mapped_column(ENUM)
    granted_by: Mapped[str] = mapped_column(ID)
    granted_at: Mapped[datetime]

    __table_args__ = (Index("ix_case_access_subject", "subject", "case_id"),)


class CaseRetentionRow(Base):
    """When a closed case's personal data is to be purged, and when it was.
    ``purge_after`` is cleared while a case is reopened."""

    __tablename__ = "case_retention"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    purge_after: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_case_retention_purge_after", "purge_after"),)


class WebhookSealRow(Base):
    """A signed webhook delivery already accepted (its HMAC), kept until its
    timestamp leaves the tolerance window: shared by every API replica, so a
    replayed delivery is refused whichever replica it reaches."""

    __tablename__ = "webhook_seals"

    seal: Mapped[str] = mapped_column(String(80), primary_key=True)
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_webhook_seals_expires_at", "expires_at"),)


class IdempotencyKeyRow(Base):
    """An ``Idempotency-Key`` a person sent with a POST, and what the request it
    came with was, kept ``KEY_RETENTION`` (``relais.db.repositories.idempotency_keys``):
    the same key again with the same request is a retry, with another request it is
    refused. Shared by every API replica.

    Nothing here can be read back as personal data: ``key_digest`` hashes the caller
    and the key, ``fingerprint`` hashes the request (the key included, so a body cannot
    be guessed from it without the key); ``route`` is a template such as
    ``POST /cases/{case_id}/items``, without ids."""

    __tablename__ = "idempotency_keys"

    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(256))
    first_used_at: Mapped[datetime]

    __table_args__ = (Index("ix_idempotency_keys_first_used_at", "first_used_at"),)
