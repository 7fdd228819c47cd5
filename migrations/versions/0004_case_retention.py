"""Case retention: when each closed case's personal data is purged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_retention",
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_retention")),
    )
    op.create_index("ix_case_retention_purge_after", "case_retention", ["purge_after"])


def downgrade() -> None:
    op.drop_index("ix_case_retention_purge_after", table_name="case_retention")
    op.drop_table("case_retention")
