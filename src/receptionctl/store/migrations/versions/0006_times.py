"""times and deadlines: compressed schedules, missed tasks, incidents that affected the client

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (see 0003): a batch rebuild of visit would cascade-delete its children.
    op.add_column("task", sa.Column("planned_at", AT))  # the procedure's due, when compressed
    op.add_column("visit", sa.Column("compressed_at", AT))
    op.add_column("visit", sa.Column("compressed_reason", sa.String(32)))
    op.add_column("incident", sa.Column("affects_client", sa.Boolean(), nullable=False,
                                        server_default=sa.true()))


def downgrade() -> None:
    op.drop_column("incident", "affects_client")
    op.drop_column("visit", "compressed_reason")
    op.drop_column("visit", "compressed_at")
    op.drop_column("task", "planned_at")
