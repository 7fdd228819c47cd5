"""A young person's WhatsApp or Messenger media message keeps how to fetch the file
from Meta (its media id or signed URL), sealed with the message's key, so a counsellor
can add it to the case's evidence later; the file itself is not kept.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_messages") as batch:
        batch.add_column(sa.Column("media", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_messages") as batch:
        batch.drop_column("media")
