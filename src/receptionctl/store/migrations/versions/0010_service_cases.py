"""service cases: complaints, repairs, requests for help and requests, their escalations,
the duty logbook, the end-of-day check and deductions; a task belongs to a visit or a case

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "service_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id"), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("about_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("received_at", AT, nullable=False),
        sa.Column("received_by", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", AT),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("assigned_at", AT),
        sa.Column("assigned_by", sa.String(64)),
        sa.Column("due_at", AT),
        sa.Column("root_cause", sa.Text()),
        sa.Column("action", sa.Text()),
        sa.Column("prevention", sa.Text()),
        sa.Column("resolved_at", AT),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("callback_at", AT),
        sa.Column("callback_by", sa.String(64)),
        sa.Column("callback_note", sa.Text()),
        sa.Column("satisfied", sa.Boolean()),
        sa.Column("reviewed_at", AT),
        sa.Column("reviewed_by", sa.String(64)),
        sa.Column("review_note", sa.Text()),
        sa.Column("closed_at", AT),
        sa.Column("closed_by", sa.String(64)),
    )
    op.create_index("ix_case_state", "service_case", ["state"])
    op.create_index("ix_case_received_at", "service_case", ["received_at"])
    op.create_index("ix_service_case_client_id", "service_case", ["client_id"])
    op.create_index("ix_service_case_visit_id", "service_case", ["visit_id"])
    op.create_table(
        "case_escalation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("service_case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("to_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("promised_at", AT, nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("answered_at", AT),
        sa.Column("answered_by", sa.String(64)),
        sa.Column("answer", sa.Text()),
    )
    op.create_index("ix_case_escalation_case_id", "case_escalation", ["case_id"])
    op.create_table(
        "duty_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("service_case.id", ondelete="CASCADE")),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE")),
    )
    op.create_index("ix_duty_log_at", "duty_log", ["at"])
    op.create_table(
        "case_day_check",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "deduction",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("service_case.id")),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id")),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_deduction_staff_id", "deduction", ["staff_id"])
    # A task belongs to a visit or to a case. SQLite rebuilds the table (Database.upgrade runs
    # the migrations with its foreign keys off and checks them before committing).
    with op.batch_alter_table("task", recreate="auto") as batch:
        batch.alter_column("visit_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_task_case", "service_case", ["case_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_task_case_id", ["case_id"])


def downgrade() -> None:
    op.execute("DELETE FROM task WHERE visit_id IS NULL")
    with op.batch_alter_table("task", recreate="auto") as batch:
        batch.drop_index("ix_task_case_id")
        batch.drop_constraint("fk_task_case", type_="foreignkey")
        batch.drop_column("case_id")
        batch.alter_column("visit_id", existing_type=sa.Integer(), nullable=False)
    for table in ("deduction", "case_day_check", "duty_log", "case_escalation", "service_case"):
        op.drop_table(table)
