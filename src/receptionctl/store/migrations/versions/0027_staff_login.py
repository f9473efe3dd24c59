"""logins for the web front desk: a staff member's Argon2 password hash, when it was set, an
admin's forced reset, failed attempts and a lock-out, and the version of their sessions

Revision ID: 0027
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0028"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_login",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("password_hash", sa.Text()),
        sa.Column("password_set_at", AT),
        sa.Column("must_change", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", AT),
        sa.Column("session_version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_login")
