"""Notices record the notice they appeal (DSA Art. 20 complaint), so the yearly
report counts appeals apart from first notices.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("appeal_of", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("appeal_of")
