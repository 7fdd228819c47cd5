"""The question about news of the case sent with buttons in a WhatsApp or Messenger
conversation, and whether the young person answered it (a tap on a question not sent
there, or already answered, is ignored).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "news_questions",
        sa.Column("question_id", sa.String(length=128), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wanted", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_news_questions")),
    )
    op.create_index(
        op.f("ix_news_questions_conversation_id"), "news_questions", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_news_questions_conversation_id"), table_name="news_questions")
    op.drop_table("news_questions")
