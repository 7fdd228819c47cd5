"""One-time upload links: a counsellor makes one for a case and sends it to the young
person, who sends files through it without an account. Only the token's SHA-256 is
kept (the token is shown once), with its expiry, its uses and its rate-limit window.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_links",
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_upload_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_upload_links_token_digest")),
    )
    op.create_index(op.f("ix_upload_links_case_id"), "upload_links", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_upload_links_case_id"), table_name="upload_links")
    op.drop_table("upload_links")
