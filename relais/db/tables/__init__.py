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

from relais.db.tables.base import AUTO_ID, ENUM, ID, NAMING_CONVENTION, SLUG, Base
from relais.db.tables.cases import (
    AdapterHealthRow,
    AuditRow,
    CaseAccessRow,
    CaseKeyRow,
    CaseLabelRow,
    CaseRetentionRow,
    CaseRow,
    IdempotencyKeyRow,
    NoticeRow,
    ReferralRow,
    TaskRow,
    WebhookSealRow,
)
from relais.db.tables.conversations import (
    ChannelContactRow,
    ChannelConversationRow,
    ConversationContactRow,
    ConversationMessageRow,
    ConversationPageRow,
    ConversationRow,
    ConversationTypingRow,
    ConversationWriteLimitRow,
    NewsQuestionRow,
)
from relais.db.tables.evidence import EvidenceRow, UploadLinkRow

__all__ = [
    "AUTO_ID",
    "ENUM",
    "ID",
    "NAMING_CONVENTION",
    "SLUG",
    "AdapterHealthRow",
    "AuditRow",
    "Base",
    "CaseAccessRow",
    "CaseKeyRow",
    "CaseLabelRow",
    "CaseRetentionRow",
    "CaseRow",
    "ChannelContactRow",
    "ChannelConversationRow",
    "ConversationContactRow",
    "ConversationMessageRow",
    "ConversationPageRow",
    "ConversationRow",
    "ConversationTypingRow",
    "ConversationWriteLimitRow",
    "EvidenceRow",
    "IdempotencyKeyRow",
    "NewsQuestionRow",
    "NoticeRow",
    "ReferralRow",
    "TaskRow",
    "UploadLinkRow",
    "WebhookSealRow",
]
