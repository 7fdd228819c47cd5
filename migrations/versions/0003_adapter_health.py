"""Adapter health: last success and last failure of each platform/partner adapter.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "adapter_health",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_operation", sa.String(length=32), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_operation", sa.String(length=32), nullable=True),
        sa.Column("last_failure_reason", sa.Text(), nullable=True),
        sa.Column("last_failure_permanent", sa.Boolean(), nullable=True),
        sa.Column("failures_since_success", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_adapter_health")),
    )


def downgrade() -> None:
    op.drop_table("adapter_health")
