"""The tables every area names: the database's facts, staff and roles, clients and contacts, the
audit log, the policy, the procedure's versions, visits, service cases and tasks (the others'
foreign keys point here)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionctl.store.tables.columns import moment


class Meta(SQLModel, table=True):
    """Facts about the database itself (the encryption key check, the creation time, the database's
    random id that calendar event ids are made of)."""

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
    created_at: datetime = moment()
    notify_url: Optional[str] = Field(default=None, sa_column=Column(Text))  # an Apprise URL (issue 17)
    db_login: Optional[str] = Field(default=None, sa_column=Column(String(64), unique=True, index=True))  # issue 18: identity
    email: Optional[str] = Field(default=None, sa_column=Column(String(320)))  # their own address (issue 30)


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
    created_at: datetime = moment()
    # issue 26: the account manager, who keeps the client (seed 001: a VIP client's dedicated
    # manager; seed 002: sensitive client information kept by a named person), and the yearly
    # date it is congratulated on ("MM-DD", or "YYYY-MM-DD" when the first year is known)
    manager_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id", name="fk_client_manager")))
    anniversary: Optional[str] = Field(default=None, sa_column=Column(String(10)))


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
    created_at: datetime = moment()
    # the language mail to this person is written in (en, zh-CN); None: the policy's feedback_language
    lang: Optional[str] = Field(default=None, sa_column=Column(String(8)))  # issue 26
    birthday: Optional[str] = Field(default=None, sa_column=Column(String(10)))  # "MM-DD" or "YYYY-MM-DD" (issue 26)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = moment(index=True)
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


class Policy(SQLModel, table=True):
    __tablename__ = "policy"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = moment()
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
    loaded_at: datetime = moment()
    loaded_by: str = Field(sa_column=Column(String(64), nullable=False))
    # the change record (seed 003's update record table, migration 0014): why, where in the
    # manual, how it was issued, and what changed against the version before (JSON)
    reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    chapter: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    page: Optional[str] = Field(default=None, sa_column=Column(String(50)))
    method: Optional[str] = Field(default=None, sa_column=Column(String(16)))  # reprint | circular | amend
    changes: Optional[str] = Field(default=None, sa_column=Column(Text))


class Visit(SQLModel, table=True):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_starts_at", "starts_at"), Index("ix_visit_status", "status"),
                      Index("ix_visit_venue_starts", "venue_key", "starts_at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(sa_column=Column(Integer, ForeignKey("client.id"), nullable=False, index=True))
    purpose: str = Field(sa_column=Column(String(16), nullable=False))
    level: int = Field(nullable=False)
    status: str = Field(sa_column=Column(String(16), nullable=False))
    starts_at: datetime = moment()
    ends_at: datetime = moment()
    headcount: int = Field(nullable=False)
    venue: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    venue_key: Optional[str] = Field(default=None, sa_column=Column(String(300), index=True))
    offsite: bool = Field(default=False, nullable=False)
    # where, when off-site (vocab.OffsiteKind: client-site, fair, event, other); None on site (migration 0026)
    offsite_kind: Optional[str] = Field(default=None, sa_column=Column(String(16)))
    urgent: bool = Field(default=False, nullable=False)
    short_notice: bool = Field(default=False, nullable=False)
    notice_had: Optional[int] = Field(default=None)  # working days (or hours when urgent) of notice given
    notice_needed: Optional[int] = Field(default=None)
    cancel_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = moment()
    created_by: str = Field(sa_column=Column(String(64), nullable=False))
    procedure_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("procedure_version.id"), index=True)
    )
    outcome: Optional[str] = Field(default=None, sa_column=Column(String(16)))  # won | lost | intent
    outcome_at: Optional[datetime] = moment(nullable=True)
    outcome_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    converted_at: Optional[datetime] = moment(nullable=True)  # the first won or intent
    completed_at: Optional[datetime] = moment(nullable=True)
    closed_at: Optional[datetime] = moment(nullable=True)
    compressed_at: Optional[datetime] = moment(nullable=True)  # when its preparation was compressed
    compressed_reason: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # recorded | rescheduled | ...
    walk_in: bool = Field(default=False, nullable=False)  # checked in at the desk without an approved visit
    # the approver who let a VIP client's visit be received below the policy's vip_level (issue 26)
    level_waived_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


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
    # the person found responsible when it was resolved (seed 003's second principle of complaints)
    responsible_staff_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id", name="fk_case_responsible")))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    received_at: datetime = moment()
    received_by: str = Field(sa_column=Column(String(64), nullable=False))
    acknowledged_at: Optional[datetime] = moment(nullable=True)
    acknowledged_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    owner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    assigned_at: Optional[datetime] = moment(nullable=True)
    assigned_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    due_at: Optional[datetime] = moment(nullable=True)  # the resolution deadline
    root_cause: Optional[str] = Field(default=None, sa_column=Column(Text))
    action: Optional[str] = Field(default=None, sa_column=Column(Text))
    prevention: Optional[str] = Field(default=None, sa_column=Column(Text))
    resolved_at: Optional[datetime] = moment(nullable=True)
    resolved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    callback_at: Optional[datetime] = moment(nullable=True)
    callback_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    callback_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    satisfied: Optional[bool] = Field(default=None)
    reviewed_at: Optional[datetime] = moment(nullable=True)
    reviewed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    review_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    closed_at: Optional[datetime] = moment(nullable=True)
    closed_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class Task(SQLModel, table=True):
    """One step of the procedure for one visit."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_state_due", "state", "due_at"),
        Index("ix_task_visit_key", "visit_id", "key"),
        Index("ix_task_key_state", "key", "state"),
        Index("ix_task_case_id", "case_id"),
        Index("ix_task_stage_due", "stage", "due_at"),
        Index("ix_task_client_id", "client_id"),
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
    due_at: datetime = moment()
    state: str = Field(sa_column=Column(String(16), nullable=False))
    done_at: Optional[datetime] = moment(nullable=True)
    done_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = moment()
    planned_at: Optional[datetime] = moment(nullable=True)  # the procedure's due, when compressed into less time
    assignee_id: Optional[int] = Field(  # `task reassign`: this person, whatever the role's assignment says
        default=None, sa_column=Column(Integer, ForeignKey("staff.id", name="fk_task_assignee"))
    )
    opportunity_id: Optional[int] = Field(  # the next step of a client's opportunity (issue 26: the pipeline)
        default=None, sa_column=Column(Integer, ForeignKey("opportunity.id", name="fk_task_opportunity"), index=True))
    client_id: Optional[int] = Field(  # a client's care task (stage "care": a greeting to send), issue 26
        default=None, sa_column=Column(Integer, ForeignKey("client.id", name="fk_task_client"))
    )


class Opportunity(SQLModel, table=True):
    """A client's business opportunity moving through the follow-up stages (seed 001): first
    contact, needs confirmed, proposal submitted, negotiation, then won or lost. One open at a
    time per client (`open_client_id` is the client while it is open, NULL once it is won or
    lost: unique, and NULLs never clash). Its stages, each with its date and owner, are
    `opportunity_stage` rows; its next step is an open task (`task.opportunity_id`)."""

    __tablename__ = "opportunity"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                                            index=True))
    open_client_id: Optional[int] = Field(default=None, sa_column=Column(Integer, unique=True))
    stage: str = Field(sa_column=Column(String(16), nullable=False))
    priority: str = Field(sa_column=Column(String(8), nullable=False))  # high | medium | low
    next_at: Optional[datetime] = moment(nullable=True)  # the date of the next step (None once won or lost)
    owner_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))  # the next step, in words
    visit_id: Optional[int] = Field(  # the visit that opened it, if a visit did
        default=None, sa_column=Column(Integer, ForeignKey("visit.id", ondelete="SET NULL")))
    opened_at: datetime = moment()
    opened_by: str = Field(sa_column=Column(String(64), nullable=False))
    stage_at: datetime = moment()  # when it reached its stage
    closed_at: Optional[datetime] = moment(nullable=True)  # won or lost
