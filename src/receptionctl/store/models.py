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
    actor: str = Field(sa_column=Column(String(64), nullable=False))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    entity: str = Field(sa_column=Column(String(32), nullable=False))
    entity_id: Optional[int] = Field(default=None)
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, index=True))
    before: Optional[str] = Field(default=None, sa_column=Column(Text))
    after: Optional[str] = Field(default=None, sa_column=Column(Text))


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


class Guest(SQLModel, table=True):
    """A visitor registered at the door (identity number encrypted, as for contacts)."""

    __tablename__ = "guest"
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
