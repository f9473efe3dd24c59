"""notifications: the queue, retries and the dead-letter list; a channel per person

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("staff", sa.Column("notify_url", sa.Text(), nullable=True))  # plain ADD COLUMN on both
    op.create_table(
        "notify_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(300), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("next_at", AT, nullable=False),
        sa.Column("sent_at", AT),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_notify_message_state_next", "notify_message", ["state", "next_at"])
    op.create_table(
        "notify_once",
        sa.Column("event", sa.String(64), primary_key=True),
        sa.Column("ref_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", AT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notify_once")
    op.drop_index("ix_notify_message_state_next", table_name="notify_message")
    op.drop_table("notify_message")
    op.drop_column("staff", "notify_url")  # no rebuild: every table refers to staff
