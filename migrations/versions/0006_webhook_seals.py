"""Webhook seals: signed deliveries already accepted, shared by every API replica
(the replay check was per process before).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_seals",
        sa.Column("seal", sa.String(length=80), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seal", name=op.f("pk_webhook_seals")),
    )
    op.create_index("ix_webhook_seals_expires_at", "webhook_seals", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_seals_expires_at", table_name="webhook_seals")
    op.drop_table("webhook_seals")
