"""Idempotency keys: what request each person's ``Idempotency-Key`` came with, so a
key reused for another request is refused whichever API replica it reaches.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("route", sa.String(length=256), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_digest", name=op.f("pk_idempotency_keys")),
    )
    op.create_index("ix_idempotency_keys_first_used_at", "idempotency_keys", ["first_used_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_first_used_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
