"""relationship care and the keeper of a client: a contact's birthday, a client's account manager
and anniversary, its care dates and the greetings sent; a client's care tasks; the approver who
waived a VIP visit's level

Revision ID: 0023
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0025"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (see 0003 and 0009); SQLite takes a reference inline, in the column's definition.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE client ADD COLUMN manager_id INTEGER "
                   "CONSTRAINT fk_client_manager REFERENCES staff (id)")
        op.execute("ALTER TABLE task ADD COLUMN client_id INTEGER "
                   "CONSTRAINT fk_task_client REFERENCES client (id)")
    else:
        op.add_column("client", sa.Column("manager_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_client_manager", "client", "staff", ["manager_id"], ["id"])
        op.add_column("task", sa.Column("client_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_task_client", "task", "client", ["client_id"], ["id"])
    op.add_column("client", sa.Column("anniversary", sa.String(10), nullable=True))
    op.add_column("contact", sa.Column("birthday", sa.String(10), nullable=True))
    op.add_column("visit", sa.Column("level_waived_by", sa.String(64), nullable=True))
    op.create_index("ix_task_stage_due", "task", ["stage", "due_at"])
    op.create_index("ix_task_client_id", "task", ["client_id"])
    op.create_table(
        "care_date",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("once", sa.Boolean(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_care_date_client_id", "care_date", ["client_id"])
    op.create_table(
        "care_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("occasion", sa.String(64)),
        sa.Column("day", sa.String(10)),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id", ondelete="SET NULL")),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_care_log_client_id", "care_log", ["client_id"])
    op.create_index("ix_care_log_at", "care_log", ["at"])


def _drop_column(table: str, column: str) -> None:
    """SQLite (3.35 or later) drops a column in place: a rebuild of client would have to drop the
    table its children's foreign keys name (ARCHITECTURE.md, rule 7)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)  # its foreign key goes with it


def downgrade() -> None:
    op.drop_index("ix_care_log_at", table_name="care_log")
    op.drop_index("ix_care_log_client_id", table_name="care_log")
    op.drop_table("care_log")
    op.drop_index("ix_care_date_client_id", table_name="care_date")
    op.drop_table("care_date")
    op.drop_index("ix_task_client_id", table_name="task")
    op.drop_index("ix_task_stage_due", table_name="task")
    for table, column in (("visit", "level_waived_by"), ("contact", "birthday"), ("client", "anniversary"),
                          ("client", "manager_id"), ("task", "client_id")):
        _drop_column(table, column)
