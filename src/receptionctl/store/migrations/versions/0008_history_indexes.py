"""indexes that keep the report an index range however long the closed history grows:
visits by venue and start (the venue clash check), incidents by resolution (open ones),
tasks by key and state (the open investigations of the red-line alert);
feedback by date has had its index since 0004

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visit_venue_starts", "visit", ["venue_key", "starts_at"])
    op.create_index("ix_incident_resolved_at", "incident", ["resolved_at"])
    op.create_index("ix_task_key_state", "task", ["key", "state"])


def downgrade() -> None:
    op.drop_index("ix_task_key_state", table_name="task")
    op.drop_index("ix_incident_resolved_at", table_name="incident")
    op.drop_index("ix_visit_venue_starts", table_name="visit")
