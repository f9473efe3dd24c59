"""everyday changes: a task reassigned to one person (task reassign)

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0003); SQLite takes the reference inline, in the column's definition.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE task ADD COLUMN assignee_id INTEGER "
                   "CONSTRAINT fk_task_assignee REFERENCES staff (id)")
    else:
        op.add_column("task", sa.Column("assignee_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_task_assignee", "task", "staff", ["assignee_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("assignee_id")
