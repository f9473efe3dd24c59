"""visits and reception plans: agenda, role assignments, approval trail

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("starts_at", AT, nullable=False),
        sa.Column("ends_at", AT, nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(300)),
        sa.Column("venue_key", sa.String(300)),
        sa.Column("offsite", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("short_notice", sa.Boolean(), nullable=False),
        sa.Column("notice_had", sa.Integer()),
        sa.Column("notice_needed", sa.Integer()),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_visit_client_id", "visit", ["client_id"])
    op.create_index("ix_visit_starts_at", "visit", ["starts_at"])
    op.create_index("ix_visit_status", "visit", ["status"])
    op.create_index("ix_visit_venue_key", "visit", ["venue_key"])
    op.create_table(
        "plan",
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("budget", sa.String(32)),
        sa.Column("per_person", sa.String(32)),
        sa.Column("catering", sa.Text()),
        sa.Column("lodging", sa.Text()),
        sa.Column("transport", sa.Text()),
        sa.Column("nda", sa.Boolean(), nullable=False),
        sa.Column("reapproval", sa.Text()),
        sa.Column("submitted_by", sa.String(64)),
        sa.Column("submitted_at", AT),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("approved_at", AT),
    )
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_at", AT, nullable=False),
        sa.Column("ends_at", AT),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("place", sa.String(300)),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id")),
    )
    op.create_index("ix_plan_item_visit_id", "plan_item", ["visit_id"])
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("backup_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.UniqueConstraint("visit_id", "role", name="uq_assignment_visit_role"),
    )
    op.create_index("ix_assignment_visit_id", "assignment", ["visit_id"])
    op.create_index("ix_assignment_staff_id", "assignment", ["staff_id"])
    op.create_index("ix_assignment_backup_id", "assignment", ["backup_id"])
    op.create_table(
        "plan_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_plan_event_visit_id", "plan_event", ["visit_id"])


def downgrade() -> None:
    for table in ("plan_event", "assignment", "plan_item", "plan", "visit"):
        op.drop_table(table)
