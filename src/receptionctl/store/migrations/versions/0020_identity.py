"""identity: the database login of each staff member (PostgreSQL: who really acts); the audit
log's actor room for "USER (by admin LOGIN)" (two usernames of up to 64 characters)

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("db_login", sa.String(64), nullable=True))  # plain ADD COLUMN on both
    op.create_index("ix_staff_db_login", "staff", ["db_login"], unique=True)
    with op.batch_alter_table("audit_event") as batch:  # PostgreSQL: ALTER TYPE; SQLite: the table copied
        batch.alter_column("actor", type_=sa.String(160), existing_type=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("actor", type_=sa.String(64), existing_type=sa.String(160), existing_nullable=False)
    op.drop_index("ix_staff_db_login", table_name="staff")
    op.drop_column("staff", "db_login")  # no rebuild: every table refers to staff
