"""The web chat: each page's last sign of life (to count a young person who left the
queue as having left) and each conversation's write allowance (the young person's
rate limit, shared by every API replica).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_pages",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("away_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("away_reason", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_pages")),
    )
    op.create_index("ix_conversation_pages_seen_at", "conversation_pages", ["seen_at"])
    op.create_index("ix_conversation_pages_away_at", "conversation_pages", ["away_at"])
    op.create_table(
        "conversation_write_limits",
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("tat_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_write_limits")),
    )


def downgrade() -> None:
    op.drop_table("conversation_write_limits")
    op.drop_index("ix_conversation_pages_away_at", table_name="conversation_pages")
    op.drop_index("ix_conversation_pages_seen_at", table_name="conversation_pages")
    op.drop_table("conversation_pages")
