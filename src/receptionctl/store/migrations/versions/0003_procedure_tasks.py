"""the procedure engine: procedure versions, tasks; a visit's procedure and outcome

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "procedure_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(300)),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("loaded_at", AT, nullable=False),
        sa.Column("loaded_by", sa.String(64), nullable=False),
    )
    # Plain ADD COLUMN, never a batch (copy-and-drop) rebuild: on SQLite, dropping the old
    # visit table would cascade-delete every plan, assignment and plan event.
    if op.get_bind().dialect.name == "sqlite":
        # SQLite can add a column with a REFERENCES clause; Alembic only offers a rebuild.
        op.execute("ALTER TABLE visit ADD COLUMN procedure_id INTEGER REFERENCES procedure_version (id)")
    else:
        op.add_column("visit", sa.Column("procedure_id", sa.Integer()))
        op.create_foreign_key("fk_visit_procedure_id", "visit", "procedure_version", ["procedure_id"], ["id"])
    op.add_column("visit", sa.Column("outcome", sa.String(16)))
    op.create_index("ix_visit_procedure_id", "visit", ["procedure_id"])
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_zh", sa.Text()),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("due_expr", sa.String(64), nullable=False),
        sa.Column("repeat", sa.String(32)),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_at", AT, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("done_at", AT),
        sa.Column("done_by", sa.String(64)),
        sa.Column("note", sa.Text()),
        sa.Column("created_at", AT, nullable=False),
    )
    op.create_index("ix_task_state_due", "task", ["state", "due_at"])
    op.create_index("ix_task_visit_key", "task", ["visit_id", "key"])


def downgrade() -> None:
    op.drop_table("task")
    op.drop_index("ix_visit_procedure_id", "visit")
    op.drop_column("visit", "outcome")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_visit_procedure_id", "visit", type_="foreignkey")
    op.drop_column("visit", "procedure_id")
    op.drop_table("procedure_version")
