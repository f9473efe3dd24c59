"""the front desk: shifts, the duty log, handovers and their daily review, temporary passes,
goods released, mail; walk-in visits

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (see 0003): a batch rebuild of visit would cascade-delete its children.
    op.add_column("visit", sa.Column("walk_in", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "desk_shift",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("shift", sa.String(32), nullable=False),
        sa.Column("started_at", AT, nullable=False),
        sa.Column("ended_at", AT),
    )
    op.create_index("ix_desk_shift_staff_id", "desk_shift", ["staff_id"])
    op.create_index("ix_desk_shift_started_at", "desk_shift", ["started_at"])
    op.create_table(
        "desk_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("shift_id", sa.Integer(), sa.ForeignKey("desk_shift.id")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("passed_to_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id")),
        sa.Column("corrects_id", sa.Integer(), sa.ForeignKey("desk_log.id")),
    )
    op.create_index("ix_desk_log_at", "desk_log", ["at"])
    op.create_table(
        "desk_handover",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shift_id", sa.Integer(), sa.ForeignKey("desk_shift.id"), nullable=False),
        sa.Column("from_by", sa.String(64), nullable=False),
        sa.Column("prepared_at", AT, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("open_items", sa.Text(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("to_by", sa.String(64)),
        sa.Column("accepted_at", AT),
        sa.Column("refused_at", AT),
        sa.Column("question", sa.Text()),
        sa.Column("settled_at", AT),
        sa.Column("settled_by", sa.String(64)),
        sa.Column("settlement", sa.Text()),
    )
    op.create_index("ix_desk_handover_shift_id", "desk_handover", ["shift_id"])
    op.create_index("ix_desk_handover_prepared_at", "desk_handover", ["prepared_at"])
    op.create_table(
        "desk_handover_review",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "site_pass",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("host_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("place", sa.String(300)),
        sa.Column("id_number_enc", sa.Text()),
        sa.Column("id_number_mask", sa.String(64)),
        sa.Column("issued_at", AT, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("until", AT, nullable=False),
        sa.Column("returned_at", AT),
        sa.Column("returned_by", sa.String(64)),
    )
    op.create_index("ix_site_pass_issued_at", "site_pass", ["issued_at"])
    op.create_index("ix_site_pass_returned_at", "site_pass", ["returned_at"])
    op.create_table(
        "goods_release",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("carrier", sa.String(200), nullable=False),
        sa.Column("requested_at", AT, nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("approved_at", AT),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("released_at", AT),
        sa.Column("released_by", sa.String(64)),
    )
    op.create_table(
        "mail_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("to_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("to_dept", sa.String(200)),
        sa.Column("sender", sa.String(300)),
        sa.Column("tracking", sa.String(100)),
        sa.Column("received_at", AT, nullable=False),
        sa.Column("received_by", sa.String(64), nullable=False),
        sa.Column("collected_at", AT),
        sa.Column("collected_by", sa.String(200)),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id")),
    )
    op.create_index("ix_mail_item_received_at", "mail_item", ["received_at"])
    op.create_index("ix_mail_item_collected_at", "mail_item", ["collected_at"])


def downgrade() -> None:
    for table in ("mail_item", "goods_release", "site_pass", "desk_handover_review", "desk_handover", "desk_log",
                  "desk_shift"):
        op.drop_table(table)
    op.drop_column("visit", "walk_in")
