"""Notices keep their timestamps as the DSA sees them: the platform's decision
reference (its statement of reasons' PUID) and stated decision time, Relais's own
last check, each re-notice, and when the SLA was breached. Existing rows get an
empty re-notice list (their count is kept in ``renotices``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMPS = ("platform_decided_at", "checked_at", "sla_breached_at")


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("decision_reference", sa.String(length=256), nullable=True))
        for name in TIMESTAMPS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("renoticed_at", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    # The ORM writes the list itself: the server default only fills existing rows.
    with op.batch_alter_table("notices") as batch:
        batch.alter_column("renoticed_at", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("renoticed_at")
        for name in reversed(TIMESTAMPS):
            batch.drop_column(name)
        batch.drop_column("decision_reference")
