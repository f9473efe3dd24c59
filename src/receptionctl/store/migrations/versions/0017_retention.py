"""retention and erasure: legal holds, retention runs with two approvals, destruction records

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_at", AT, nullable=False),
        sa.Column("placed_by", sa.String(64), nullable=False),
        sa.Column("removed_at", AT),
        sa.Column("removed_by", sa.String(64)),
        sa.Column("removed_reason", sa.Text()),
    )
    op.create_index("ix_legal_hold_target", "legal_hold", ["target", "target_id"])
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(300)),
        sa.Column("note", sa.Text()),
        sa.Column("cutoffs", sa.Text()),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("first_at", AT),
        sa.Column("first_by", sa.String(64)),
        sa.Column("done_at", AT),
        sa.Column("done_by", sa.String(64)),
        sa.Column("cancelled_at", AT),
        sa.Column("cancelled_by", sa.String(64)),
        sa.Column("cancel_reason", sa.Text()),
    )
    op.create_index("ix_retention_run_state", "retention_run", ["state"])
    op.create_table(
        "retention_item",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("retention_run.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record_class", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.Integer(), primary_key=True, autoincrement=False),
    )
    op.create_table(
        "destruction_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("retention_run.id"), nullable=False),
        sa.Column("record_class", sa.String(32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("cutoff", AT),
        sa.Column("first_by", sa.String(64), nullable=False),
        sa.Column("second_by", sa.String(64), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_destruction_record_run_id", "destruction_record", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_destruction_record_run_id", table_name="destruction_record")
    op.drop_table("destruction_record")
    op.drop_table("retention_item")
    op.drop_index("ix_retention_run_state", table_name="retention_run")
    op.drop_table("retention_run")
    op.drop_index("ix_legal_hold_target", table_name="legal_hold")
    op.drop_table("legal_hold")
