"""training records: a training session, who took part, their assessment's score and result

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("trainer", sa.String(200)),
        sa.Column("trainer_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("pass_mark", sa.Integer()),
        sa.Column("notes", sa.Text()),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id")),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_training_day", "training", ["day"])
    op.create_table(
        "training_person",
        sa.Column("training_id", sa.Integer(), sa.ForeignKey("training.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
        sa.Column("score", sa.Integer()),
        sa.Column("passed", sa.Boolean()),
    )
    op.create_index("ix_training_person_staff_id", "training_person", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_training_person_staff_id", table_name="training_person")
    op.drop_table("training_person")
    op.drop_index("ix_training_day", table_name="training")
    op.drop_table("training")
