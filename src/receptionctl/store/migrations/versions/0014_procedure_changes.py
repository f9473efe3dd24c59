"""the procedure's change record: reason, chapter, page, method and summary of each version; who has read which

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)
COLUMNS = (("reason", sa.Text()), ("chapter", sa.String(200)), ("page", sa.String(50)), ("method", sa.String(16)),
           ("changes", sa.Text()))


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("procedure_version", sa.Column(name, type_, nullable=True))
    # versions loaded before the change record have no reason; their summary is worked out
    # when the history is read (it compares each version with the one before)
    op.execute("UPDATE procedure_version SET reason = 'loaded before reasons were recorded' WHERE reason IS NULL")
    op.create_table(
        "procedure_ack",
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("procedure_version.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
        sa.Column("at", AT, nullable=False),
    )
    op.create_index("ix_procedure_ack_staff_id", "procedure_ack", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_procedure_ack_staff_id", table_name="procedure_ack")
    op.drop_table("procedure_ack")
    for name, _ in reversed(COLUMNS):
        op.drop_column("procedure_version", name)  # no rebuild: visits refer to the table
