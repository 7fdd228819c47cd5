"""Conversations: each one's directory row, its messages sealed outside the workflow
history (claim check), the contact a young person left to be called back, and the
short-lived "is writing" hints.

Revision ID: 0012
Revises: 0011_evidence
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("helpline", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("writer", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("counsellor_id", sa.String(length=128), nullable=True),
        sa.Column("case_id", sa.String(length=128), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waited_seconds", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("offers_not_accepted", sa.Integer(), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversations")),
    )
    op.create_index(
        "ix_conversations_helpline_status_opened_at",
        "conversations",
        ["helpline", "status", "opened_at"],
    )
    op.create_index("ix_conversations_status_ended_at", "conversations", ["status", "ended_at"])
    op.create_index("ix_conversations_case_id", "conversations", ["case_id"])
    op.create_index(
        "ix_conversations_counsellor_id_status", "conversations", ["counsellor_id", "status"]
    )

    op.create_table(
        "conversation_messages",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("body_digest", sa.String(length=64), nullable=False),
        sa.Column("author_kind", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_conversation_messages")),
    )
    op.create_index(
        "ix_conversation_messages_conversation_id_key_digest",
        "conversation_messages",
        ["conversation_id", "key_digest"],
        unique=True,
    )
    op.create_index(
        "ix_conversation_messages_conversation_id_seq",
        "conversation_messages",
        ["conversation_id", "seq"],
    )
    op.create_index("ix_conversation_messages_key_id", "conversation_messages", ["key_id"])

    op.create_table(
        "conversation_contacts",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_contacts")),
    )
    op.create_index("ix_conversation_contacts_key_id", "conversation_contacts", ["key_id"])

    op.create_table(
        "conversation_typing",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("author_kind", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "conversation_id", "author_kind", name=op.f("pk_conversation_typing")
        ),
    )
    op.create_index("ix_conversation_typing_until", "conversation_typing", ["until"])


def downgrade() -> None:
    op.drop_index("ix_conversation_typing_until", table_name="conversation_typing")
    op.drop_table("conversation_typing")
    op.drop_index("ix_conversation_contacts_key_id", table_name="conversation_contacts")
    op.drop_table("conversation_contacts")
    for index in (
        "ix_conversation_messages_key_id",
        "ix_conversation_messages_conversation_id_seq",
        "ix_conversation_messages_conversation_id_key_digest",
    ):
        op.drop_index(index, table_name="conversation_messages")
    op.drop_table("conversation_messages")
    for index in (
        "ix_conversations_counsellor_id_status",
        "ix_conversations_case_id",
        "ix_conversations_status_ended_at",
        "ix_conversations_helpline_status_opened_at",
    ):
        op.drop_index(index, table_name="conversations")
    op.drop_table("conversations")
