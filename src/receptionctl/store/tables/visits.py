"""A visit's plan, agenda, roles and approval log; guests, incidents, notes; callbacks, feedback and
evaluation."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class Plan(SQLModel, table=True):
    """The reception plan of a visit (one per visit)."""

    __tablename__ = "plan"
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    budget: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # decimal as text
    per_person: Optional[str] = Field(default=None, sa_column=Column(String(32)))
    catering: Optional[str] = Field(default=None, sa_column=Column(Text))
    lodging: Optional[str] = Field(default=None, sa_column=Column(Text))
    transport: Optional[str] = Field(default=None, sa_column=Column(Text))
    nda: bool = Field(default=False, nullable=False)
    reapproval: Optional[str] = Field(default=None, sa_column=Column(Text))  # why re-approval is needed
    submitted_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    submitted_at: Optional[datetime] = moment(nullable=True)
    approved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    approved_at: Optional[datetime] = moment(nullable=True)


class PlanItem(SQLModel, table=True):
    """An agenda item."""

    __tablename__ = "plan_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    starts_at: datetime = moment()
    ends_at: Optional[datetime] = moment(nullable=True)
    title: str = Field(sa_column=Column(String(300), nullable=False))
    place: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    owner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))


class Assignment(SQLModel, table=True):
    """Who plays a role on a visit, and their backup (A/B roles)."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("visit_id", "role", name="uq_assignment_visit_role"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    role: str = Field(sa_column=Column(String(32), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    backup_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id"), index=True))


class PlanEvent(SQLModel, table=True):
    """The approval trail: submitted, approved, rejected, reopened."""

    __tablename__ = "plan_event"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    at: datetime = moment()
    actor: str = Field(sa_column=Column(String(64), nullable=False))
    action: str = Field(sa_column=Column(String(16), nullable=False))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


# Indexes that only the migrations declare: a partial index needs its dialect's options
# (sqlite_where, postgresql_where), and declaring those here would load both dialects, PostgreSQL's
# drivers and asyncio with them, at every start of every command. The migration that makes each one
# is named; tests/domain/test_store.py compares the rest of the schema with these tables.
MIGRATION_ONLY_INDEXES = {
    "ix_guest_id_number": "0021",  # the guests who still hold an identity number (the retention alert)
}


class Guest(SQLModel, table=True):
    """A visitor registered at the door (identity number encrypted, as for contacts)."""

    __tablename__ = "guest"
    # ix_guest_id_number (migration 0021): see MIGRATION_ONLY_INDEXES
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    name_key: str = Field(sa_column=Column(String(200), nullable=False))
    title: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    id_number_enc: Optional[str] = Field(default=None, sa_column=Column(Text))
    id_number_mask: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    checked_in_at: datetime = moment()
    checked_in_by: str = Field(sa_column=Column(String(64), nullable=False))
    checked_out_at: Optional[datetime] = moment(nullable=True)


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_resolved_at", "resolved_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    severity: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id")))
    resolved_at: Optional[datetime] = moment(nullable=True)
    resolved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    resolution: Optional[str] = Field(default=None, sa_column=Column(Text))
    affects_client: bool = Field(default=True, nullable=False)  # resolved: the client is called back


class Note(SQLModel, table=True):
    """A question, suggestion, cooperation intention or promise recorded during a visit."""

    __tablename__ = "note"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    client_id: int = Field(sa_column=Column(Integer, ForeignKey("client.id"), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    fulfilled_at: Optional[datetime] = moment(nullable=True)
    fulfilled_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    fulfilment: Optional[str] = Field(default=None, sa_column=Column(Text))


class Feedback(SQLModel, table=True):
    """The client-reception feedback form (one per visit; a replaced one stays in the audit log)."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_at", "at"),)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True))
    score: int = Field(nullable=False)
    channel: str = Field(sa_column=Column(String(16), nullable=False))
    intent: Optional[str] = Field(default=None, sa_column=Column(String(16)))
    comment: Optional[str] = Field(default=None, sa_column=Column(Text))
    suggestion: Optional[str] = Field(default=None, sa_column=Column(Text))
    at: datetime = moment(index=True)  # received: a replaced form keeps the first one's time (issue 26)
    by: str = Field(sa_column=Column(String(64), nullable=False))
    replaced_at: Optional[datetime] = moment(nullable=True)  # when it was last corrected (`feedback add --replace`)


class Callback(SQLModel, table=True):
    """The client called back after a visit (回访): what they were told and said, and whether they
    are satisfied. Recorded by `visit callback` (via "callback") and by a feedback form taken by
    phone (via "feedback"); `at` is when the call was made, `recorded_at` when it was written down."""

    __tablename__ = "visit_callback"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    satisfied: Optional[bool] = Field(default=None)
    via: str = Field(sa_column=Column(String(16), nullable=False))
    recorded_at: datetime = moment()


class Evaluation(SQLModel, table=True):
    """The execution group's evaluation of a reception."""

    __tablename__ = "evaluation"
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True))
    strengths: str = Field(sa_column=Column(Text, nullable=False))
    weaknesses: str = Field(sa_column=Column(Text, nullable=False))
    improvements: str = Field(sa_column=Column(Text, nullable=False))
    cost: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # the whole, or the sum of the two below
    reception_cost: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # issue 26: seed 000
    material_cost: Optional[str] = Field(default=None, sa_column=Column(String(32)))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class FeedbackAnswer(SQLModel, table=True):
    """One answer of a feedback form, by the key of the question in the visit's procedure
    (a scale answer "1".."5", or text). Replaced with its form."""

    __tablename__ = "feedback_answer"
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("feedback.visit_id", ondelete="CASCADE"),
                                           primary_key=True))
    key: str = Field(sa_column=Column(String(32), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


class OpportunityStage(SQLModel, table=True):
    """One stage a client's opportunity reached: when, who moved it, the owner, the priority and
    the date of the next step then; the visit that fed it, when a visit did (issue 26)."""

    __tablename__ = "opportunity_stage"
    id: Optional[int] = Field(default=None, primary_key=True)
    opportunity_id: int = Field(sa_column=Column(Integer, ForeignKey("opportunity.id", ondelete="CASCADE"),
                                                 nullable=False, index=True))
    stage: str = Field(sa_column=Column(String(16), nullable=False))
    at: datetime = moment(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))
    owner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    priority: str = Field(sa_column=Column(String(8), nullable=False))
    next_at: Optional[datetime] = moment(nullable=True)
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id", ondelete="SET NULL")))


class FeedbackRequest(SQLModel, table=True):
    """The questionnaire sent to a visit's main contact after the visit (seed 001: a feedback
    request triggered when the service ends), through the notification outbox (issue 26). The
    address is not copied here: the contact and the queued message hold it."""

    __tablename__ = "feedback_request"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False,
                                           index=True))
    contact_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("contact.id",
                                                                                          ondelete="SET NULL")))
    lang: str = Field(sa_column=Column(String(8), nullable=False))
    message_id: Optional[int] = Field(default=None)  # the notify_message queued
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
