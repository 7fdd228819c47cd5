"""Messaging channels: who writes (a keyed hash of their WhatsApp number or Messenger
user id, never the identifier in clear), the conversation their messages go to, and
where to answer them, sealed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_contacts",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("identifier_digest", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("address_key_id", sa.String(length=128), nullable=False),
        sa.Column("sealed_address", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "identifier_digest", name=op.f("pk_channel_contacts")),
    )
    op.create_index("ix_channel_contacts_conversation_id", "channel_contacts", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_contacts_conversation_id", table_name="channel_contacts")
    op.drop_table("channel_contacts")
