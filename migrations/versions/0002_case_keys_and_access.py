"""Per-case encryption keys (crypto-shredding) and counsellors' access to cases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("master_key_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_case_keys")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_keys_case_id")),
    )
    op.create_index("ix_case_keys_master_key_id", "case_keys", ["master_key_id"], unique=False)

    op.create_table(
        "case_access",
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("granted_by", sa.String(length=128), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "subject", name=op.f("pk_case_access")),
    )
    op.create_index("ix_case_access_subject", "case_access", ["subject", "case_id"], unique=False)


def downgrade() -> None:
    op.drop_table("case_access")
    op.drop_table("case_keys")
