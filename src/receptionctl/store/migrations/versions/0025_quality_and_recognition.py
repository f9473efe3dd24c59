"""quality and recognition: inspections and their findings (a corrective task each), emergency
drills and who took part; rewards; the kind of a penalty (points, warning, fine, demotion) and a
fine's amount; the person found responsible for a complaint; a complaint about a member of staff
recorded in category other moves to staff

Revision ID: 0025
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0026"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area", sa.String(16), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("inspector_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id")),
        sa.Column("score", sa.Integer()),
        sa.Column("notes", sa.Text()),
        sa.Column("recorded_at", AT, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_inspection_area", "inspection", ["area"])
    op.create_index("ix_inspection_at", "inspection", ["at"])
    op.create_table(
        "inspection_finding",
        sa.Column("inspection_id", sa.Integer(), sa.ForeignKey("inspection.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id")),
    )
    op.create_index("ix_inspection_finding_task_id", "inspection_finding", ["task_id"])
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("at", AT),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("counted", sa.Integer()),
        sa.Column("roll_call", sa.Integer()),
        sa.Column("recorded_at", AT, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_drill_day", "drill", ["day"])
    op.create_table(
        "drill_person",
        sa.Column("drill_id", sa.Integer(), sa.ForeignKey("drill.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
    )
    op.create_index("ix_drill_person_staff_id", "drill_person", ["staff_id"])
    op.create_table(
        "reward",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("amount", sa.String(32)),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("service_case.id")),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id")),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_reward_staff_id", "reward", ["staff_id"])
    op.create_index("ix_reward_at", "reward", ["at"])
    # plain ADD COLUMN on both (see 0009): the penalty's kind, every deduction so far points
    op.add_column("deduction", sa.Column("kind", sa.String(16), nullable=False, server_default="points"))
    op.add_column("deduction", sa.Column("amount", sa.String(32), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes the reference inline, in the column's definition
        op.execute("ALTER TABLE service_case ADD COLUMN responsible_staff_id INTEGER "
                   "CONSTRAINT fk_case_responsible REFERENCES staff (id)")
    else:
        op.add_column("service_case", sa.Column("responsible_staff_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_case_responsible", "service_case", "staff", ["responsible_staff_id"], ["id"])
    # a complaint about a member of staff was stored in category other (the default) before
    op.execute("UPDATE service_case SET category = 'staff' WHERE about_staff_id IS NOT NULL AND category = 'other'")


def downgrade() -> None:
    with op.batch_alter_table("service_case") as batch:
        batch.drop_column("responsible_staff_id")
    op.drop_column("deduction", "amount")
    op.drop_column("deduction", "kind")
    op.drop_index("ix_reward_at", table_name="reward")
    op.drop_index("ix_reward_staff_id", table_name="reward")
    op.drop_table("reward")
    op.drop_index("ix_drill_person_staff_id", table_name="drill_person")
    op.drop_table("drill_person")
    op.drop_index("ix_drill_day", table_name="drill")
    op.drop_table("drill")
    op.drop_index("ix_inspection_finding_task_id", table_name="inspection_finding")
    op.drop_table("inspection_finding")
    op.drop_index("ix_inspection_at", table_name="inspection")
    op.drop_index("ix_inspection_area", table_name="inspection")
    op.drop_table("inspection")
