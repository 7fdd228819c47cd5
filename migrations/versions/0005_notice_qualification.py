"""Notices record the legal qualification of their item: the "type of allegedly
illegal content" of the trusted flagger's yearly report (DSA Art. 22(3)).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: notices recorded before this revision show as "not recorded".
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("legal_qualification", sa.String(length=64), nullable=True))
    op.create_index("ix_notices_submitted_at", "notices", ["submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_notices_submitted_at", table_name="notices")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("legal_qualification")
