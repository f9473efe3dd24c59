"""issue 26: the follow-up pipeline (a client's opportunity and its stages, the task of its next
step), the feedback request sent after a visit (and a contact's language), the evaluation's
reception and material costs apart, and the time a feedback form was corrected

Revision ID: 0024
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "opportunity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False),
        sa.Column("open_client_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("next_at", AT),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("note", sa.Text()),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="SET NULL")),
        sa.Column("opened_at", AT, nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("stage_at", AT, nullable=False),
        sa.Column("closed_at", AT),
        sa.UniqueConstraint("open_client_id"),
    )
    op.create_index("ix_opportunity_client_id", "opportunity", ["client_id"])
    op.create_table(
        "opportunity_stage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("opportunity_id", sa.Integer(), sa.ForeignKey("opportunity.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("next_at", AT),
        sa.Column("note", sa.Text()),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="SET NULL")),
    )
    op.create_index("ix_opportunity_stage_opportunity_id", "opportunity_stage", ["opportunity_id"])
    op.create_index("ix_opportunity_stage_at", "opportunity_stage", ["at"])
    op.create_table(
        "feedback_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id", ondelete="SET NULL")),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("message_id", sa.Integer()),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
    )
    op.create_index("ix_feedback_request_visit_id", "feedback_request", ["visit_id"])
    # plain ADD COLUMN on both (see 0009): no table is rebuilt
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE task ADD COLUMN opportunity_id INTEGER "
                   "CONSTRAINT fk_task_opportunity REFERENCES opportunity (id)")
    else:
        op.add_column("task", sa.Column("opportunity_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_task_opportunity", "task", "opportunity", ["opportunity_id"], ["id"])
    op.create_index("ix_task_opportunity_id", "task", ["opportunity_id"])
    op.add_column("contact", sa.Column("lang", sa.String(8), nullable=True))
    op.add_column("evaluation", sa.Column("reception_cost", sa.String(32), nullable=True))
    op.add_column("evaluation", sa.Column("material_cost", sa.String(32), nullable=True))
    op.add_column("feedback", sa.Column("replaced_at", AT, nullable=True))


def downgrade() -> None:
    op.drop_column("feedback", "replaced_at")
    op.drop_column("evaluation", "material_cost")
    op.drop_column("evaluation", "reception_cost")
    op.drop_column("contact", "lang")
    op.drop_index("ix_task_opportunity_id", table_name="task")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("opportunity_id")
    op.drop_index("ix_feedback_request_visit_id", table_name="feedback_request")
    op.drop_table("feedback_request")
    op.drop_index("ix_opportunity_stage_at", table_name="opportunity_stage")
    op.drop_index("ix_opportunity_stage_opportunity_id", table_name="opportunity_stage")
    op.drop_table("opportunity_stage")
    op.drop_index("ix_opportunity_client_id", table_name="opportunity")
    op.drop_table("opportunity")
