"""reception day and after: guests, incidents, notes, feedback, evaluation, outcome

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def _visit_fk():
    return sa.ForeignKey("visit.id", ondelete="CASCADE")


def upgrade() -> None:
    # Plain ADD COLUMN (see 0003): a batch rebuild of visit would cascade-delete its children.
    for column in (sa.Column("outcome_at", AT), sa.Column("outcome_note", sa.Text()),
                   sa.Column("completed_at", AT), sa.Column("closed_at", AT)):
        op.add_column("visit", column)
    op.create_table(
        "guest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), _visit_fk(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("id_number_enc", sa.Text()),
        sa.Column("id_number_mask", sa.String(64)),
        sa.Column("checked_in_at", AT, nullable=False),
        sa.Column("checked_in_by", sa.String(64), nullable=False),
        sa.Column("checked_out_at", AT),
    )
    op.create_index("ix_guest_visit_id", "guest", ["visit_id"])
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), _visit_fk(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id")),
        sa.Column("resolved_at", AT),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("resolution", sa.Text()),
    )
    op.create_index("ix_incident_visit_id", "incident", ["visit_id"])
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), _visit_fk(), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("fulfilled_at", AT),
        sa.Column("fulfilled_by", sa.String(64)),
        sa.Column("fulfilment", sa.Text()),
    )
    op.create_index("ix_note_visit_id", "note", ["visit_id"])
    op.create_index("ix_note_client_id", "note", ["client_id"])
    op.create_table(
        "feedback",
        sa.Column("visit_id", sa.Integer(), _visit_fk(), primary_key=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(16)),
        sa.Column("comment", sa.Text()),
        sa.Column("suggestion", sa.Text()),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_table(
        "evaluation",
        sa.Column("visit_id", sa.Integer(), _visit_fk(), primary_key=True),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("weaknesses", sa.Text(), nullable=False),
        sa.Column("improvements", sa.Text(), nullable=False),
        sa.Column("cost", sa.String(32)),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("evaluation", "feedback", "note", "incident", "guest"):
        op.drop_table(table)
    for col in ("closed_at", "completed_at", "outcome_note", "outcome_at"):
        op.drop_column("visit", col)
