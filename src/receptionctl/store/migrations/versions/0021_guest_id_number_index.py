"""guest: a partial index of the guests who still hold an identity number, so that the daily
report's retention alert reads those few rows, not every past visit (retention removes the
numbers 90 days after a visit: the index stays as small as the recent visits)

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

HOLDS = "id_number_enc IS NOT NULL OR id_number_mask IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_guest_id_number", "guest", ["visit_id"], sqlite_where=sa.text(HOLDS),
                    postgresql_where=sa.text(HOLDS))


def downgrade() -> None:
    op.drop_index("ix_guest_id_number", table_name="guest")
