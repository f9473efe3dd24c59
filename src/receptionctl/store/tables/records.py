"""Records: who read the procedure, documents and their loans, attachments, legal holds,
retention runs and destruction records."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment

# ---- Records (issue 16). Each part keeps its tables in its own section below. ----

# -- records: the procedure's change record and who has read which version (migration 0014) --
class ProcedureAck(SQLModel, table=True):
    """Who has read which procedure version, and when (`procedure ack`): one row per person and version."""

    __tablename__ = "procedure_ack"
    procedure_id: int = Field(sa_column=Column(
        Integer, ForeignKey("procedure_version.id", ondelete="CASCADE"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, index=True))
    at: datetime = moment()


# -- records: documents, copies, the lending register, recalls (migration 0015) --
class Document(SQLModel, table=True):
    """One version of a document kept by the office (seed 003: the operations manual, kept by
    the office head); a title and version are unique. Recalled: the version is outdated."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("title_key", "version", name="uq_document_title_version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(String(300), nullable=False))
    title_key: str = Field(sa_column=Column(String(300), nullable=False))  # casefolded, spaces folded
    version: str = Field(sa_column=Column(String(64), nullable=False))
    place: Optional[str] = Field(default=None, sa_column=Column(String(300)))  # where the keeper holds it
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    added_at: datetime = moment()
    added_by: str = Field(sa_column=Column(String(64), nullable=False))
    recalled_at: Optional[datetime] = moment(nullable=True)
    recalled_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    recall_reason: Optional[str] = Field(default=None, sa_column=Column(Text))


class DocumentCopy(SQLModel, table=True):
    """A numbered copy of a document version; destroyed (who, when, the witness) or not."""

    __tablename__ = "document_copy"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_copy_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"),
                                              nullable=False))
    number: int = Field(nullable=False)
    added_at: datetime = moment()
    destroyed_at: Optional[datetime] = moment(nullable=True)
    destroyed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    witness_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    destroy_note: Optional[str] = Field(default=None, sa_column=Column(Text))


class DocumentLoan(SQLModel, table=True):
    """A line of a document's lending register (seed 003, 借阅登记表): its number, the date
    lent, the borrower, the day due back, the return and who returned it, remarks."""

    __tablename__ = "document_loan"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_loan_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"),
                                              nullable=False))
    number: int = Field(nullable=False)  # 序号: 1, 2, 3 … in the document's register
    copy_id: int = Field(sa_column=Column(Integer, ForeignKey("document_copy.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    borrower_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    lent_at: datetime = moment()
    lent_by: str = Field(sa_column=Column(String(64), nullable=False))
    due_day: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD, the company's day
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    returned_at: Optional[datetime] = moment(nullable=True, index=True)
    returner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    received_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    return_note: Optional[str] = Field(default=None, sa_column=Column(Text))


# -- records: attachments of visits and cases (migration 0016) --
class Attachment(SQLModel, table=True):
    """A file kept with a visit or a service case (seed 002: the photos, video, feedback form and
    notes archived per "client name – reception date"; seed 001: electronic documents). The file
    itself is stored once per content, under its SHA-256, in the attachment store (a folder
    beside a SQLite database, or RECEPTIONCTL_FILES); rows with the same content share it."""

    __tablename__ = "attachment"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id"), index=True))
    case_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("service_case.id"), index=True))
    name: str = Field(sa_column=Column(String(255), nullable=False))  # the file's name when it was attached
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # photo, video, form, minutes, contract, other
    media: str = Field(sa_column=Column(String(100), nullable=False))  # what the content is: image/jpeg, ...
    size: int = Field(nullable=False)  # bytes (the policy's attachment_max_mb keeps it within an integer)
    sha256: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    added_at: datetime = moment()
    added_by: str = Field(sa_column=Column(String(64), nullable=False))


# -- records: retention, legal holds, erasure, destruction records (migration 0017) --
class LegalHold(SQLModel, table=True):
    """A legal hold: a client, a visit or a service case kept whatever its retention period
    (its records are in no retention run and no erasure) until the hold is removed."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index("ix_legal_hold_target", "target", "target_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    target: str = Field(sa_column=Column(String(16), nullable=False))  # client | visit | case
    target_id: int = Field(sa_column=Column(Integer, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    placed_at: datetime = moment()
    placed_by: str = Field(sa_column=Column(String(64), nullable=False))
    removed_at: Optional[datetime] = moment(nullable=True)
    removed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    removed_reason: Optional[str] = Field(default=None, sa_column=Column(Text))


class RetentionRun(SQLModel, table=True):
    """A destruction of what is due (kind retention) or of one person's data on request (kind
    erasure): pending until two different people approve it; the second approval carries it out."""

    __tablename__ = "retention_run"
    __table_args__ = (Index("ix_retention_run_state", "state"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # retention | erasure
    state: str = Field(sa_column=Column(String(16), nullable=False))  # pending | done | cancelled
    subject: Optional[str] = Field(default=None, sa_column=Column(String(300)))  # erasure: record ids, no names
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    cutoffs: Optional[str] = Field(default=None, sa_column=Column(Text))  # JSON: class -> ISO moment
    created_at: datetime = moment()
    created_by: str = Field(sa_column=Column(String(64), nullable=False))
    first_at: Optional[datetime] = moment(nullable=True)
    first_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    done_at: Optional[datetime] = moment(nullable=True)
    done_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    cancelled_at: Optional[datetime] = moment(nullable=True)
    cancelled_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    cancel_reason: Optional[str] = Field(default=None, sa_column=Column(Text))


class RetentionItem(SQLModel, table=True):
    """A record a run covers, listed when the run was created (its class and its id)."""

    __tablename__ = "retention_item"
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("retention_run.id", ondelete="CASCADE"),
                                         primary_key=True))
    record_class: str = Field(sa_column=Column(String(32), primary_key=True))
    record_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))


class DestructionRecord(SQLModel, table=True):
    """What a run destroyed: the class, how many, who approved, when. It refers to nothing
    that is deleted, so it outlives what it records."""

    __tablename__ = "destruction_record"
    id: Optional[int] = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("retention_run.id"), nullable=False, index=True))
    record_class: str = Field(sa_column=Column(String(32), nullable=False))
    count: int = Field(sa_column=Column(Integer, nullable=False))
    skipped: int = Field(sa_column=Column(Integer, nullable=False))  # listed, no longer due when carried out
    cutoff: Optional[datetime] = moment(nullable=True)
    first_by: str = Field(sa_column=Column(String(64), nullable=False))
    second_by: str = Field(sa_column=Column(String(64), nullable=False))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
