"""foundation: staff, clients, contacts, policy, audit log

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dept", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
    )
    op.create_table(
        "staff_role",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
    )
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("industry", sa.String(200)),
        sa.Column("created_at", AT, nullable=False),
    )
    op.create_index("ix_client_name_lower", "client", ["name_key"], unique=True)
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("phone", sa.String(64)),
        sa.Column("email", sa.String(320)),
        sa.Column("diet", sa.Text()),
        sa.Column("transport", sa.Text()),
        sa.Column("needs", sa.Text()),
        sa.Column("id_number_enc", sa.Text()),
        sa.Column("id_number_mask", sa.String(64)),
        sa.Column("created_at", AT, nullable=False),
    )
    op.create_index("ix_contact_client_id", "contact", ["client_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", AT, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer()),
        sa.Column("visit_id", sa.Integer()),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_visit_id", "audit_event", ["visit_id"])
    op.create_table(
        "policy",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("policy", "audit_event", "contact", "client", "staff_role", "staff", "meta"):
        op.drop_table(table)
