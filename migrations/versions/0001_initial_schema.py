"""Initial schema: case, notice and referral projections, tasks, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 19:13:01.802616
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=256), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_audit_log_idempotency_key")),
    )
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"], unique=False)
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_case_id_at", "audit_log", ["case_id", "at"], unique=False)

    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("caller_role", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("opened_by", sa.String(length=128), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_action_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_breached", sa.Boolean(), nullable=False),
        sa.Column("notices_open", sa.Integer(), nullable=False),
        sa.Column("referrals_open", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_cases")),
    )
    op.create_index("ix_cases_opened_at", "cases", ["opened_at"], unique=False)
    op.create_index(
        "ix_cases_opened_by_opened_at", "cases", ["opened_by", "opened_at"], unique=False
    )
    op.create_index(
        "ix_cases_sla_breached_opened_at", "cases", ["sla_breached", "opened_at"], unique=False
    )
    op.create_index("ix_cases_status_opened_at", "cases", ["status", "opened_at"], unique=False)
    op.create_index("ix_cases_urgency_opened_at", "cases", ["urgency", "opened_at"], unique=False)

    op.create_table(
        "notices",
        sa.Column("notice_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("platform_reference", sa.String(length=256), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("renotices", sa.Integer(), nullable=False),
        sa.Column("sla_breached", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_case_id", "notices", ["case_id"], unique=False)
    op.create_index("ix_notices_idempotency_key", "notices", ["idempotency_key"], unique=False)
    op.create_index(
        "ix_notices_platform_status_updated_at",
        "notices",
        ["platform", "status", "updated_at"],
        unique=False,
    )
    op.create_index("ix_notices_updated_at", "notices", ["updated_at"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=256), nullable=False),
        sa.Column("legal_basis", sa.String(length=32), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("partner_reference", sa.String(length=256), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_case_id", "referrals", ["case_id"], unique=False)
    op.create_index("ix_referrals_idempotency_key", "referrals", ["idempotency_key"], unique=False)
    op.create_index(
        "ix_referrals_partner_status_updated_at",
        "referrals",
        ["partner", "status", "updated_at"],
        unique=False,
    )
    op.create_index("ix_referrals_updated_at", "referrals", ["updated_at"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("for_role", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_case_id_kind", "tasks", ["case_id", "kind"], unique=False)
    op.create_index(
        "ix_tasks_for_role_done_at_due_at", "tasks", ["for_role", "done_at", "due_at"], unique=False
    )

    op.create_table(
        "case_labels",
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.case_id"],
            name=op.f("fk_case_labels_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "kind", "slug", name=op.f("pk_case_labels")),
    )
    op.create_index(
        "ix_case_labels_kind_slug", "case_labels", ["kind", "slug", "case_id"], unique=False
    )


def downgrade() -> None:
    for table in ("case_labels", "cases", "notices", "referrals", "tasks", "audit_log"):
        op.drop_table(table)
