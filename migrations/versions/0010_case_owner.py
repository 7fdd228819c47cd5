"""The case directory records whom a case is with (its owner): the counsellor who
opened it at first, another after an assignment or a handover. Existing rows keep
their opener as owner.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=128), nullable=True))
        batch.create_index("ix_cases_owner_status", ["owner", "status"])
    op.execute("UPDATE cases SET owner = opened_by WHERE owner IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_owner_status")
        batch.drop_column("owner")
