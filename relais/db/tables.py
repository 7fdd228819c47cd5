"""Declarative tables of the app database: projections of the workflows, tasks for
people, and the audit log. No personal data is ever stored here.

Statuses and other enums are stored as their string values in plain ``VARCHAR``
columns (no native enum types): adding a status then needs no migration, and the
pydantic records validate the values on the way out.

A case's list columns (categories, platforms, partners) are kept twice, on purpose:
as JSON on the case row (read back in their original order) and as rows of
``case_labels`` (indexed, so "cases reported to tiktok" is an index lookup on both
SQLite and PostgreSQL instead of a JSON scan).
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from relais.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(128)
SLUG = String(64)
ENUM = String(32)
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
AUTO_ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


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


class EvidenceRow(Base):
    """A file added to a case (``domain.evidence``): its chain of custody, its hashes
    and the opaque ids of its encrypted objects; no file name, no bytes. A declared
    intimate image has hashes and no object (its bytes were never kept). ``seq`` orders
    the rows so each process's PDQ index loads only what it has not seen."""

    __tablename__ = "evidence"

    seq: Mapped[int] = mapped_column(AUTO_ID, primary_key=True, autoincrement=True)
    evidence_id: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[str] = mapped_column(ID)
    item_id: Mapped[str | None] = mapped_column(ID)
    added_by: Mapped[str] = mapped_column(ID)
    added_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(ENUM)
    kind: Mapped[str] = mapped_column(ENUM)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    embedded_metadata: Mapped[bool] = mapped_column(Boolean)
    intimate: Mapped[bool] = mapped_column(Boolean)
    object_id: Mapped[str | None] = mapped_column(String(64))
    export_object_id: Mapped[str | None] = mapped_column(String(64))
    export_kind: Mapped[str | None] = mapped_column(ENUM)
    key_id: Mapped[str | None] = mapped_column(String(64))
    sanitised: Mapped[bool] = mapped_column(Boolean)
    purged_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_evidence_case_id_added_at", "case_id", "added_at"),
        Index("ix_evidence_sha256", "sha256"),
    )


class ConversationRow(Base):
    """A conversation's directory row, written by its workflow (``record_conversation``):
    what dashboards and metrics read (waiting now, waits, abandoned, missed, offers not
    accepted). ``case_id`` is also where the door learns which key seals a new message
    (the case's once linked). ``purged_at`` is stamped by the transcript purge only."""

    __tablename__ = "conversations"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    helpline: Mapped[str] = mapped_column(SLUG)
    channel: Mapped[str] = mapped_column(ENUM)
    writer: Mapped[str] = mapped_column(ENUM)
    age_band: Mapped[str] = mapped_column(ENUM)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(ENUM)
    counsellor_id: Mapped[str | None] = mapped_column(ID)
    case_id: Mapped[str | None] = mapped_column(ID)
    opened_at: Mapped[datetime]
    waiting_since: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    waited_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(ENUM)
    messages: Mapped[int] = mapped_column(Integer)
    offers_not_accepted: Mapped[int] = mapped_column(Integer)
    purge_after: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_conversations_helpline_status_opened_at", "helpline", "status", "opened_at"),
        Index("ix_conversations_status_ended_at", "status", "ended_at"),
        Index("ix_conversations_case_id", "case_id"),
        Index("ix_conversations_counsellor_id_status", "counsellor_id", "status"),
    )


class ConversationMessageRow(Base):
    """A message's body, sealed (AES-256-GCM) with the conversation's data key, or the
    case's once linked: the claim check the workflow holds the id of. ``seq`` and
    ``at`` are the workflow's, written when the transcript is filed; a row without them
    was stored but not (yet) accepted. The idempotency key itself is never stored:
    ``key_digest`` finds a retry, ``body_digest`` (keyed by it) tells a reuse."""

    __tablename__ = "conversation_messages"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    key_digest: Mapped[str] = mapped_column(String(64))
    body_digest: Mapped[str] = mapped_column(String(64))
    author_kind: Mapped[str] = mapped_column(ENUM)
    author: Mapped[str | None] = mapped_column(ID)
    internal: Mapped[bool] = mapped_column(Boolean)
    stored_at: Mapped[datetime]
    seq: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime | None]
    key_id: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        Index(
            "ix_conversation_messages_conversation_id_key_digest",
            "conversation_id",
            "key_digest",
            unique=True,
        ),
        Index("ix_conversation_messages_conversation_id_seq", "conversation_id", "seq"),
        Index("ix_conversation_messages_key_id", "key_id"),
    )


class ConversationContactRow(Base):
    """How and when the young person who asked for a callback may be called: sealed
    like the messages, read once by the case opened from the conversation."""

    __tablename__ = "conversation_contacts"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]

    __table_args__ = (Index("ix_conversation_contacts_key_id", "key_id"),)


class ConversationTypingRow(Base):
    """ "Is writing…", short-lived and shared by every API replica: never in a workflow
    history. A row past ``until`` means nothing and is swept by the next write."""

    __tablename__ = "conversation_typing"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    author_kind: Mapped[str] = mapped_column(ENUM, primary_key=True)
    until: Mapped[datetime]

    __table_args__ = (Index("ix_conversation_typing_until", "until"),)


class ConversationPageRow(Base):
    """A web chat page's last sign of life while its conversation lasts: when it was
    last in touch (``seen_at``) and, when its page was closed (a beacon), since when
    and why. Each API replica reads them to count a young person who left the queue
    as having left (``application.conversations.absence``). Ids and times only."""

    __tablename__ = "conversation_pages"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seen_at: Mapped[datetime]
    away_at: Mapped[datetime | None]
    away_reason: Mapped[str | None] = mapped_column(ENUM)

    __table_args__ = (
        Index("ix_conversation_pages_seen_at", "seen_at"),
        Index("ix_conversation_pages_away_at", "away_at"),
    )


class ConversationWriteLimitRow(Base):
    """A young person's write allowance (GCRA): the theoretical arrival time of their
    next message, in microseconds since the epoch, shared by every API replica."""

    __tablename__ = "conversation_write_limits"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    tat_us: Mapped[int] = mapped_column(BigInteger)


class ChannelContactRow(Base):
    """Who writes on a messaging channel, as a keyed hash of their identifier (a
    WhatsApp number, a Messenger user id; never in clear), and the conversation their
    messages go to now (their open one, or the last). Replaced when a new one starts.
    ``sealed_address``: where to answer them (their identifier and the number or page
    they wrote to), AES-256-GCM under the identifiers' data key ``address_key_id``, for
    the counsellor's replies only."""

    __tablename__ = "channel_contacts"

    channel: Mapped[str] = mapped_column(SLUG, primary_key=True)
    identifier_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ID)
    address_key_id: Mapped[str] = mapped_column(ID)
    sealed_address: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_channel_contacts_conversation_id", "conversation_id"),)


class ChannelConversationRow(Base):
    """Every conversation a messaging channel's sender started, under the keyed hash of
    their identifier (as ``channel_contacts``): how a young person who writes again is
    recognised, with the cases their earlier conversations joined (the conversations'
    directory). The retention purge deletes the rows of a purged case's conversations."""

    __tablename__ = "channel_conversations"

    conversation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    channel: Mapped[str] = mapped_column(SLUG)
    identifier_digest: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]

    __table_args__ = (
        Index(
            "ix_channel_conversations_channel_identifier_digest",
            "channel",
            "identifier_digest",
            "started_at",
        ),
    )
