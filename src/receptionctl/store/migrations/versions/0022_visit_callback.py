"""visit_callback: the client called back after a visit (回访), a step of its own: when, by whom,
what was said, whether they are satisfied, and how it was recorded (`visit callback`, or a
feedback form taken by phone)

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visit_callback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("satisfied", sa.Boolean()),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("recorded_at", AT, nullable=False),
    )
    op.create_index("ix_visit_callback_visit_id", "visit_callback", ["visit_id"])


def downgrade() -> None:
    op.drop_index("ix_visit_callback_visit_id", table_name="visit_callback")
    op.drop_table("visit_callback")
