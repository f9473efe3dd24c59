"""documents and their copies, the lending register, recalls of outdated versions

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("title_key", sa.String(300), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("place", sa.String(300)),
        sa.Column("note", sa.Text()),
        sa.Column("added_at", AT, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("recalled_at", AT),
        sa.Column("recalled_by", sa.String(64)),
        sa.Column("recall_reason", sa.Text()),
        sa.UniqueConstraint("title_key", "version", name="uq_document_title_version"),
    )
    op.create_table(
        "document_copy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("added_at", AT, nullable=False),
        sa.Column("destroyed_at", AT),
        sa.Column("destroyed_by", sa.String(64)),
        sa.Column("witness_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("destroy_note", sa.Text()),
        sa.UniqueConstraint("document_id", "number", name="uq_document_copy_number"),
    )
    op.create_table(
        "document_loan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("copy_id", sa.Integer(), sa.ForeignKey("document_copy.id", ondelete="CASCADE"), nullable=False),
        sa.Column("borrower_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("lent_at", AT, nullable=False),
        sa.Column("lent_by", sa.String(64), nullable=False),
        sa.Column("due_day", sa.String(10), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("returned_at", AT),
        sa.Column("returner_id", sa.Integer(), sa.ForeignKey("staff.id")),
        sa.Column("received_by", sa.String(64)),
        sa.Column("return_note", sa.Text()),
        sa.UniqueConstraint("document_id", "number", name="uq_document_loan_number"),
    )
    op.create_index("ix_document_loan_copy_id", "document_loan", ["copy_id"])
    op.create_index("ix_document_loan_returned_at", "document_loan", ["returned_at"])


def downgrade() -> None:
    op.drop_index("ix_document_loan_returned_at", table_name="document_loan")
    op.drop_index("ix_document_loan_copy_id", table_name="document_loan")
    op.drop_table("document_loan")
    op.drop_table("document_copy")
    op.drop_table("document")
