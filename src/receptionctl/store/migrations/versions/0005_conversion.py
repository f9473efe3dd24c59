"""the first won or intent outcome of a visit, for the conversion measure

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("converted_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE visit SET converted_at = outcome_at WHERE outcome IN ('won', 'intent')")


def downgrade() -> None:
    op.drop_column("visit", "converted_at")
