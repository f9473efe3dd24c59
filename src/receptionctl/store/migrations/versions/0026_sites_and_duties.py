"""issue 26: where an off-site visit is held (visit.offsite_kind: client-site, fair, event, other;
the visits already off-site become "other", what the bare --offsite flag means); what a training
was (training.kind: reception, the meaning of every training recorded so far, safety, etiquette,
product, emergency, rotation)

Revision ID: 0026
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("offsite_kind", sa.String(16), nullable=True))  # plain ADD COLUMN on both
    op.execute(sa.text("UPDATE visit SET offsite_kind = 'other' WHERE offsite = :yes").bindparams(yes=True))
    op.add_column("training", sa.Column("kind", sa.String(16), nullable=False, server_default="reception"))


def downgrade() -> None:
    op.drop_column("training", "kind")
    op.drop_column("visit", "offsite_kind")  # no rebuild: tasks, plans and guests refer to visit
