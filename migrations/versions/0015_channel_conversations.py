"""Recognising a young person who writes again: every conversation a messaging
channel's sender started, under the same keyed hash of their identifier as
``channel_contacts`` (never the identifier in clear). With the conversations'
directory (its ``case_id``) it says which cases they are already in contact about.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_conversations",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("identifier_digest", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_channel_conversations")),
    )
    op.create_index(
        "ix_channel_conversations_channel_identifier_digest",
        "channel_conversations",
        ["channel", "identifier_digest", "started_at"],
    )
    # The conversations they had before this table existed: their current one at least.
    op.execute(
        "INSERT INTO channel_conversations (conversation_id, channel, identifier_digest,"
        " started_at) SELECT conversation_id, channel, identifier_digest, updated_at"
        " FROM channel_contacts"
    )


def downgrade() -> None:
    op.drop_index(
        "ix_channel_conversations_channel_identifier_digest", table_name="channel_conversations"
    )
    op.drop_table("channel_conversations")
