"""Evidence: each file added to a case, its chain of custody, hashes and the opaque
ids of its encrypted objects (the bytes live in the evidence store, never here).

Revision ID: 0011_evidence
Revises: 0010
Create Date: 2026-12-04 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_evidence"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("evidence_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=True),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.Column("embedded_metadata", sa.Boolean(), nullable=False),
        sa.Column("intimate", sa.Boolean(), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("export_object_id", sa.String(length=64), nullable=True),
        sa.Column("export_kind", sa.String(length=32), nullable=True),
        sa.Column("key_id", sa.String(length=64), nullable=True),
        sa.Column("sanitised", sa.Boolean(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_evidence")),
        sa.UniqueConstraint("evidence_id", name=op.f("uq_evidence_evidence_id")),
    )
    op.create_index("ix_evidence_case_id_added_at", "evidence", ["case_id", "added_at"])
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_evidence_sha256", table_name="evidence")
    op.drop_index("ix_evidence_case_id_added_at", table_name="evidence")
    op.drop_table("evidence")
