"""issue 26: where an off-site visit is held (visit.offsite_kind: client-site, fair, event, other;
the visits already off-site become "other", what the bare --offsite flag means); what a training
was (training.kind: reception, the meaning of every training recorded so far, safety, etiquette,
product, emergency, rotation); the desk's opening and closing checklists (desk_check); the client
a complaint is about (case_about_client: a table of its own, so that service_case is never rebuilt)

Revision ID: 0026
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("offsite_kind", sa.String(16), nullable=True))  # plain ADD COLUMN on both
    op.execute(sa.text("UPDATE visit SET offsite_kind = 'other' WHERE offsite = :yes").bindparams(yes=True))
    op.add_column("training", sa.Column("kind", sa.String(16), nullable=False, server_default="reception"))
    op.create_table(
        "desk_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("shift_id", sa.Integer(), sa.ForeignKey("desk_shift.id")),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_desk_check_day_kind", "desk_check", ["day", "kind"], unique=True)
    op.create_table(
        "case_about_client",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("service_case.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
    )
    op.create_index("ix_case_about_client_client_id", "case_about_client", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_case_about_client_client_id", table_name="case_about_client")
    op.drop_table("case_about_client")
    op.drop_index("ix_desk_check_day_kind", table_name="desk_check")
    op.drop_table("desk_check")
    op.drop_column("training", "kind")
    op.drop_column("visit", "offsite_kind")  # no rebuild: tasks, plans and guests refer to visit
