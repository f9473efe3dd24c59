"""The tables. Schema changes go through Alembic migrations in migrations/versions/."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionctl.store.types import UTCDateTime


def _at(nullable: bool = False, index: bool = False):
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Meta(SQLModel, table=True):
    """Facts about the database itself (the encryption key check, the creation time)."""

    __tablename__ = "meta"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    dept: str = Field(sa_column=Column(String(200), nullable=False))
    active: bool = Field(default=True, nullable=False)
    created_at: datetime = _at()
    notify_url: Optional[str] = Field(default=None, sa_column=Column(Text))  # an Apprise URL (issue 17)
    db_login: Optional[str] = Field(default=None, sa_column=Column(String(64), unique=True, index=True))  # issue 18: identity


class StaffRole(SQLModel, table=True):
    __tablename__ = "staff_role"
    staff_id: int = Field(
        sa_column=Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(sa_column=Column(String(32), primary_key=True))


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (Index("ix_client_name_lower", "name_key", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(300), nullable=False))
    name_key: str = Field(sa_column=Column(String(300), nullable=False))  # casefolded, for uniqueness
    tier: str = Field(sa_column=Column(String(16), nullable=False))
    industry: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    created_at: datetime = _at()


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(sa_column=Column(String(200), nullable=False))
    title: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    phone: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    email: Optional[str] = Field(default=None, sa_column=Column(String(320)))
    diet: Optional[str] = Field(default=None, sa_column=Column(Text))
    transport: Optional[str] = Field(default=None, sa_column=Column(Text))
    needs: Optional[str] = Field(default=None, sa_column=Column(Text))
    id_number_enc: Optional[str] = Field(default=None, sa_column=Column(Text))
    id_number_mask: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    created_at: datetime = _at()


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)
    actor: str = Field(sa_column=Column(String(160), nullable=False))  # "USER (by admin LOGIN)" (issue 18)
    action: str = Field(sa_column=Column(String(64), nullable=False))
    entity: str = Field(sa_column=Column(String(32), nullable=False))
    entity_id: Optional[int] = Field(default=None)
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, index=True))
    before: Optional[str] = Field(default=None, sa_column=Column(Text))
    after: Optional[str] = Field(default=None, sa_column=Column(Text))
    # the hash chain (domain.audit): the previous event's hash, and SHA-256(prev_hash || this event)
    prev_hash: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    hash: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class ServiceCase(SQLModel, table=True):
    """What a client, a guest or a resident raises: a complaint, a repair, a request for help,
    a request; its closed loop received → acknowledged → assigned → resolved → called back →
    reviewed → closed."""

    __tablename__ = "service_case"
    __table_args__ = (Index("ix_case_state", "state"), Index("ix_case_received_at", "received_at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    client_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("client.id"), index=True))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id"), index=True))
    category: str = Field(sa_column=Column(String(32), nullable=False))
    severity: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    about_staff_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    received_at: datetime = _at()
    received_by: str = Field(sa_column=Column(String(64), nullable=False))
    acknowledged_at: Optional[datetime] = _at(nullable=True)
    acknowledged_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    owner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    assigned_at: Optional[datetime] = _at(nullable=True)
    assigned_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    due_at: Optional[datetime] = _at(nullable=True)  # the resolution deadline
    root_cause: Optional[str] = Field(default=None, sa_column=Column(Text))
    action: Optional[str] = Field(default=None, sa_column=Column(Text))
    prevention: Optional[str] = Field(default=None, sa_column=Column(Text))
    resolved_at: Optional[datetime] = _at(nullable=True)
    resolved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    callback_at: Optional[datetime] = _at(nullable=True)
    callback_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    callback_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    satisfied: Optional[bool] = Field(default=None)
    reviewed_at: Optional[datetime] = _at(nullable=True)
    reviewed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    review_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    closed_at: Optional[datetime] = _at(nullable=True)
    closed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class Escalation(SQLModel, table=True):
    """A question beyond the handler's remit, put to a named person with a promised answer time."""

    __tablename__ = "case_escalation"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=Column(Integer, ForeignKey("service_case.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    to_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    question: str = Field(sa_column=Column(Text, nullable=False))
    promised_at: datetime = _at()
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    answered_at: Optional[datetime] = _at(nullable=True)
    answered_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    answer: Optional[str] = Field(default=None, sa_column=Column(Text))


class DutyLog(SQLModel, table=True):
    """The duty manager's logbook (seed 003): what was heard, promised, handed on."""

    __tablename__ = "duty_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    case_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("service_case.id",
                                                                                      ondelete="CASCADE")))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id",
                                                                                       ondelete="CASCADE")))


class DayCheck(SQLModel, table=True):
    """The duty manager's end-of-day check of the cases handled that day."""

    __tablename__ = "case_day_check"
    day: str = Field(sa_column=Column(String(10), primary_key=True))  # YYYY-MM-DD, the company's day
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    cases: int = Field(nullable=False)
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


class Deduction(SQLModel, table=True):
    """Points deducted from a person's reception score (a client complaint, wrong information)."""

    __tablename__ = "deduction"
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    points: int = Field(nullable=False)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    case_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("service_case.id")))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class Training(SQLModel, table=True):
    """A training session of the reception staff (seed 000: etiquette, communication, product
    knowledge, emergencies, then an assessment; seed 003: the training tracking card)."""

    __tablename__ = "training"
    id: Optional[int] = Field(default=None, primary_key=True)
    topic: str = Field(sa_column=Column(String(300), nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False, index=True))  # YYYY-MM-DD, the company's day
    trainer: Optional[str] = Field(default=None, sa_column=Column(String(200)))  # a name, or a staff member's
    trainer_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    pass_mark: Optional[int] = Field(default=None)
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class TrainingPerson(SQLModel, table=True):
    """Who took part in a training, with the assessment's score (0-100) and result, when assessed."""

    __tablename__ = "training_person"
    training_id: int = Field(
        sa_column=Column(Integer, ForeignKey("training.id", ondelete="CASCADE"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, index=True))
    score: Optional[int] = Field(default=None)
    passed: Optional[bool] = Field(default=None)


class DeskShift(SQLModel, table=True):
    """A front-desk or security person's shift (the policy names them: morning, middle, night)."""

    __tablename__ = "desk_shift"
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    shift: str = Field(sa_column=Column(String(32), nullable=False))
    started_at: datetime = _at(index=True)
    ended_at: Optional[datetime] = _at(nullable=True)


class DeskLog(SQLModel, table=True):
    """The front-desk duty log (seed 004): append-only; a correction is a new entry pointing at
    the one it corrects."""

    __tablename__ = "desk_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))
    shift_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("desk_shift.id")))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    passed_to_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id")))
    corrects_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("desk_log.id")))


class Handover(SQLModel, table=True):
    """A shift handover (seed 004): what happened and what is open, the equipment checked
    together, accepted or refused by the incoming person, reviewed daily by the manager."""

    __tablename__ = "desk_handover"
    id: Optional[int] = Field(default=None, primary_key=True)
    shift_id: int = Field(sa_column=Column(Integer, ForeignKey("desk_shift.id"), nullable=False, index=True))
    from_by: str = Field(sa_column=Column(String(64), nullable=False))
    prepared_at: datetime = _at(index=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    open_items: str = Field(sa_column=Column(Text, nullable=False))  # JSON: what was open, listed automatically
    checks: str = Field(sa_column=Column(Text, nullable=False))  # JSON: equipment item -> {ok, note}
    to_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    accepted_at: Optional[datetime] = _at(nullable=True)
    refused_at: Optional[datetime] = _at(nullable=True)
    question: Optional[str] = Field(default=None, sa_column=Column(Text))
    settled_at: Optional[datetime] = _at(nullable=True)  # a refusal answered
    settled_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    settlement: Optional[str] = Field(default=None, sa_column=Column(Text))


class HandoverReview(SQLModel, table=True):
    """The manager's daily review of the day's handovers (seed 004: read and signed every day)."""

    __tablename__ = "desk_handover_review"
    day: str = Field(sa_column=Column(String(10), primary_key=True))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


class SitePass(SQLModel, table=True):
    """A temporary pass for a worker or contractor (seed 004)."""

    __tablename__ = "site_pass"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    company: str = Field(sa_column=Column(String(300), nullable=False))
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    host_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    place: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    id_number_enc: Optional[str] = Field(default=None, sa_column=Column(Text))
    id_number_mask: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    issued_at: datetime = _at(index=True)
    issued_by: str = Field(sa_column=Column(String(64), nullable=False))
    until: datetime = _at()
    returned_at: Optional[datetime] = _at(nullable=True, index=True)
    returned_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class GoodsRelease(SQLModel, table=True):
    """Goods leaving the site: released only after their owner agreed (seed 004)."""

    __tablename__ = "goods_release"
    id: Optional[int] = Field(default=None, primary_key=True)
    what: str = Field(sa_column=Column(Text, nullable=False))
    qty: int = Field(nullable=False)
    owner_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    carrier: str = Field(sa_column=Column(String(200), nullable=False))
    requested_at: datetime = _at()
    requested_by: str = Field(sa_column=Column(String(64), nullable=False))
    approved_at: Optional[datetime] = _at(nullable=True)
    approved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    released_at: Optional[datetime] = _at(nullable=True)
    released_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class MailItem(SQLModel, table=True):
    """Mail, parcels and newspapers received at the desk (seed 004: the mail log)."""

    __tablename__ = "mail_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    to_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    to_dept: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    sender: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    tracking: Optional[str] = Field(default=None, sa_column=Column(String(100)))
    received_at: datetime = _at(index=True)
    received_by: str = Field(sa_column=Column(String(64), nullable=False))
    collected_at: Optional[datetime] = _at(nullable=True, index=True)
    collected_by: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id")))


class Policy(SQLModel, table=True):
    __tablename__ = "policy"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _at()
    updated_by: str = Field(sa_column=Column(String(64), nullable=False))


__all__ = [
    "AuditEvent",
    "Client",
    "Contact",
    "Meta",
    "Policy",
    "Staff",
    "StaffRole",
    "UniqueConstraint",
]


class Visit(SQLModel, table=True):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_starts_at", "starts_at"), Index("ix_visit_status", "status"),
                      Index("ix_visit_venue_starts", "venue_key", "starts_at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(sa_column=Column(Integer, ForeignKey("client.id"), nullable=False, index=True))
    purpose: str = Field(sa_column=Column(String(16), nullable=False))
    level: int = Field(nullable=False)
    status: str = Field(sa_column=Column(String(16), nullable=False))
    starts_at: datetime = _at()
    ends_at: datetime = _at()
    headcount: int = Field(nullable=False)
    venue: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    venue_key: Optional[str] = Field(default=None, sa_column=Column(String(300), index=True))
    offsite: bool = Field(default=False, nullable=False)
    urgent: bool = Field(default=False, nullable=False)
    short_notice: bool = Field(default=False, nullable=False)
    notice_had: Optional[int] = Field(default=None)  # working days (or hours when urgent) of notice given
    notice_needed: Optional[int] = Field(default=None)
    cancel_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _at()
    created_by: str = Field(sa_column=Column(String(64), nullable=False))
    procedure_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("procedure_version.id"), index=True)
    )
    outcome: Optional[str] = Field(default=None, sa_column=Column(String(16)))  # won | lost | intent
    outcome_at: Optional[datetime] = _at(nullable=True)
    outcome_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    converted_at: Optional[datetime] = _at(nullable=True)  # the first won or intent
    completed_at: Optional[datetime] = _at(nullable=True)
    closed_at: Optional[datetime] = _at(nullable=True)
    compressed_at: Optional[datetime] = _at(nullable=True)  # when its preparation was compressed
    compressed_reason: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # recorded | rescheduled | ...
    walk_in: bool = Field(default=False, nullable=False)  # checked in at the desk without an approved visit


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
    submitted_at: Optional[datetime] = _at(nullable=True)
    approved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    approved_at: Optional[datetime] = _at(nullable=True)


class PlanItem(SQLModel, table=True):
    """An agenda item."""

    __tablename__ = "plan_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    starts_at: datetime = _at()
    ends_at: Optional[datetime] = _at(nullable=True)
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
    at: datetime = _at()
    actor: str = Field(sa_column=Column(String(64), nullable=False))
    action: str = Field(sa_column=Column(String(16), nullable=False))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


class ProcedureVersion(SQLModel, table=True):
    """One loaded version of the procedure: the procedure's update log."""

    __tablename__ = "procedure_version"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    version: str = Field(sa_column=Column(String(64), nullable=False))
    description: Optional[str] = Field(default=None, sa_column=Column(Text))
    tasks: str = Field(sa_column=Column(Text, nullable=False))  # the validated task specs, as JSON
    # the feedback form's questions, as JSON; NULL (stored before 0011): the default form
    questions: Optional[str] = Field(default=None, sa_column=Column(Text))
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    source_name: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    checksum: str = Field(sa_column=Column(String(64), nullable=False))
    loaded_at: datetime = _at()
    loaded_by: str = Field(sa_column=Column(String(64), nullable=False))
    # the change record (seed 003's update record table, migration 0014): why, where in the
    # manual, how it was issued, and what changed against the version before (JSON)
    reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    chapter: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    page: Optional[str] = Field(default=None, sa_column=Column(String(50)))
    method: Optional[str] = Field(default=None, sa_column=Column(String(16)))  # reprint | circular | amend
    changes: Optional[str] = Field(default=None, sa_column=Column(Text))


class Task(SQLModel, table=True):
    """One step of the procedure for one visit."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_state_due", "state", "due_at"),
        Index("ix_task_visit_key", "visit_id", "key"),
        Index("ix_task_key_state", "key", "state"),
        Index("ix_task_case_id", "case_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: Optional[int] = Field(  # a visit's step, or (with case_id) a service case's
        default=None, sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=True))
    case_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("service_case.id", ondelete="CASCADE", name="fk_task_case")))
    key: str = Field(sa_column=Column(String(64), nullable=False))
    stage: str = Field(sa_column=Column(String(16), nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    title_zh: Optional[str] = Field(default=None, sa_column=Column(Text))
    owner: str = Field(sa_column=Column(String(32), nullable=False))  # a visit role or a staff role
    due_expr: str = Field(sa_column=Column(String(64), nullable=False))
    repeat: Optional[str] = Field(default=None, sa_column=Column(String(32)))
    seq: int = Field(default=1, nullable=False)  # 2, 3 ... for repeats
    due_at: datetime = _at()
    state: str = Field(sa_column=Column(String(16), nullable=False))
    done_at: Optional[datetime] = _at(nullable=True)
    done_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _at()
    planned_at: Optional[datetime] = _at(nullable=True)  # the procedure's due, when compressed into less time
    assignee_id: Optional[int] = Field(  # `task reassign`: this person, whatever the role's assignment says
        default=None, sa_column=Column(Integer, ForeignKey("staff.id", name="fk_task_assignee"))
    )


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
    checked_in_at: datetime = _at()
    checked_in_by: str = Field(sa_column=Column(String(64), nullable=False))
    checked_out_at: Optional[datetime] = _at(nullable=True)


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_resolved_at", "resolved_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    severity: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id")))
    resolved_at: Optional[datetime] = _at(nullable=True)
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
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    fulfilled_at: Optional[datetime] = _at(nullable=True)
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
    at: datetime = _at(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))


class Evaluation(SQLModel, table=True):
    """The execution group's evaluation of a reception."""

    __tablename__ = "evaluation"
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True))
    strengths: str = Field(sa_column=Column(Text, nullable=False))
    weaknesses: str = Field(sa_column=Column(Text, nullable=False))
    improvements: str = Field(sa_column=Column(Text, nullable=False))
    cost: Optional[str] = Field(default=None, sa_column=Column(String(32)))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class FeedbackAnswer(SQLModel, table=True):
    """One answer of a feedback form, by the key of the question in the visit's procedure
    (a scale answer "1".."5", or text). Replaced with its form."""

    __tablename__ = "feedback_answer"
    visit_id: int = Field(sa_column=Column(Integer, ForeignKey("feedback.visit_id", ondelete="CASCADE"),
                                           primary_key=True))
    key: str = Field(sa_column=Column(String(32), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


# ---- Records (issue 16). Each part keeps its tables in its own section below. ----

# -- records: the procedure's change record and who has read which version (migration 0014) --
class ProcedureAck(SQLModel, table=True):
    """Who has read which procedure version, and when (`procedure ack`): one row per person and version."""

    __tablename__ = "procedure_ack"
    procedure_id: int = Field(sa_column=Column(
        Integer, ForeignKey("procedure_version.id", ondelete="CASCADE"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, index=True))
    at: datetime = _at()


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
    added_at: datetime = _at()
    added_by: str = Field(sa_column=Column(String(64), nullable=False))
    recalled_at: Optional[datetime] = _at(nullable=True)
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
    added_at: datetime = _at()
    destroyed_at: Optional[datetime] = _at(nullable=True)
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
    lent_at: datetime = _at()
    lent_by: str = Field(sa_column=Column(String(64), nullable=False))
    due_day: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD, the company's day
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    returned_at: Optional[datetime] = _at(nullable=True, index=True)
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
    added_at: datetime = _at()
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
    placed_at: datetime = _at()
    placed_by: str = Field(sa_column=Column(String(64), nullable=False))
    removed_at: Optional[datetime] = _at(nullable=True)
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
    created_at: datetime = _at()
    created_by: str = Field(sa_column=Column(String(64), nullable=False))
    first_at: Optional[datetime] = _at(nullable=True)
    first_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    done_at: Optional[datetime] = _at(nullable=True)
    done_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    cancelled_at: Optional[datetime] = _at(nullable=True)
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
    cutoff: Optional[datetime] = _at(nullable=True)
    first_by: str = Field(sa_column=Column(String(64), nullable=False))
    second_by: str = Field(sa_column=Column(String(64), nullable=False))
    at: datetime = _at()
    by: str = Field(sa_column=Column(String(64), nullable=False))


# ---- Notifications (issue 17): the queue and its attempts (migration 0018) ----
class NotifyMessage(SQLModel, table=True):
    """One notification to one channel: queued in the transaction of the change that caused it,
    sent by `notify send` with retries; `failed` is the dead-letter list."""

    __tablename__ = "notify_message"
    __table_args__ = (Index("ix_notify_message_state_next", "state", "next_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    event: str = Field(sa_column=Column(String(64), nullable=False))
    recipient: str = Field(sa_column=Column(String(300), nullable=False))  # who: a username, or "role coordinator"
    channel: str = Field(sa_column=Column(Text, nullable=False))  # the Apprise URL
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the event, as JSON
    state: str = Field(sa_column=Column(String(16), nullable=False))  # queued | sent | failed
    attempts: int = Field(default=0, nullable=False)
    created_at: datetime = _at()
    next_at: datetime = _at()  # due then (queued); a claim moves it on by a lease
    sent_at: Optional[datetime] = _at(nullable=True)
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))


class NotifyOnce(SQLModel, table=True):
    """An event found by a sweep of `notify send` (a promise breached), so that it is emitted once."""

    __tablename__ = "notify_once"
    event: str = Field(sa_column=Column(String(64), primary_key=True))
    ref_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: datetime = _at()
