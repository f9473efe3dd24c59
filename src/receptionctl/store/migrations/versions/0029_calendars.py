"""calendars that stay in step (issue 30): the database's random id (meta database_id, that
calendar event ids are made of), staff e-mail addresses, each person's secret calendar address
(the hash of its token) and the count of requests for addresses that do not exist

Revision ID: 0029
Revises: 0027
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0027"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)
DATABASE_ID = "database_id"


def upgrade() -> None:
    op.add_column("staff", sa.Column("email", sa.String(320)))
    op.create_table(
        "calendar_feed",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("created_by", sa.String(160), nullable=False),
    )
    op.create_table(
        "calendar_miss",
        sa.Column("hour", AT, primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    # an existing database gets its id once, here; a new one too (init makes its schema through here)
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    bind = op.get_bind()
    if bind.execute(sa.select(meta.c.key).where(meta.c.key == DATABASE_ID)).first() is None:
        op.execute(meta.insert().values(key=DATABASE_ID, value=uuid.uuid4().hex))


def downgrade() -> None:
    op.drop_table("calendar_miss")
    op.drop_table("calendar_feed")
    if op.get_bind().dialect.name == "sqlite":  # in place: a rebuild of staff would drop what its children name
        op.execute("ALTER TABLE staff DROP COLUMN email")
    else:
        op.drop_column("staff", "email")
    op.execute("DELETE FROM meta WHERE key = 'database_id'")
