"""the feedback form as data: each procedure version stores its questions; a form's answers

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild on SQLite); NULL: a version stored before, which asks
    # the default questions
    op.add_column("procedure_version", sa.Column("questions", sa.Text(), nullable=True))
    op.create_table(
        "feedback_answer",
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("feedback.visit_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feedback_answer")
    op.drop_column("procedure_version", "questions")  # no rebuild: visits refer to the table
