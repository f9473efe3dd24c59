"""The front desk: shifts, the duty log, handovers and their review, the opening and closing
checklists, passes, goods, mail."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class DeskShift(SQLModel, table=True):
    """A front-desk or security person's shift (the policy names them: morning, middle, night)."""

    __tablename__ = "desk_shift"
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    shift: str = Field(sa_column=Column(String(32), nullable=False))
    started_at: datetime = moment(index=True)
    ended_at: Optional[datetime] = moment(nullable=True)


class DeskLog(SQLModel, table=True):
    """The front-desk duty log (seed 004): append-only; a correction is a new entry pointing at
    the one it corrects."""

    __tablename__ = "desk_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = moment(index=True)
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
    prepared_at: datetime = moment(index=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    open_items: str = Field(sa_column=Column(Text, nullable=False))  # JSON: what was open, listed automatically
    checks: str = Field(sa_column=Column(Text, nullable=False))  # JSON: equipment item -> {ok, note}
    to_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    accepted_at: Optional[datetime] = moment(nullable=True)
    refused_at: Optional[datetime] = moment(nullable=True)
    question: Optional[str] = Field(default=None, sa_column=Column(Text))
    settled_at: Optional[datetime] = moment(nullable=True)  # a refusal answered
    settled_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    settlement: Optional[str] = Field(default=None, sa_column=Column(Text))


class HandoverReview(SQLModel, table=True):
    """The manager's daily review of the day's handovers (seed 004: read and signed every day)."""

    __tablename__ = "desk_handover_review"
    day: str = Field(sa_column=Column(String(10), primary_key=True))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


class DeskCheck(SQLModel, table=True):
    """The desk's duty checklist before or after hours (seed 003: 营业时间段前后的值班管理, the
    operations checklist): the policy's desk_open_checklist or desk_close_checklist, each item ok
    or a problem with a note; once a day each (migration 0026)."""

    __tablename__ = "desk_check"
    __table_args__ = (Index("ix_desk_check_day_kind", "day", "kind", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(8), nullable=False))  # open | close
    day: str = Field(sa_column=Column(String(10), nullable=False))  # YYYY-MM-DD, the company's day
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    shift_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("desk_shift.id")))
    checks: str = Field(sa_column=Column(Text, nullable=False))  # JSON: item -> {ok, note}, in the checklist's order
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
    issued_at: datetime = moment(index=True)
    issued_by: str = Field(sa_column=Column(String(64), nullable=False))
    until: datetime = moment()
    returned_at: Optional[datetime] = moment(nullable=True, index=True)
    returned_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))


class GoodsRelease(SQLModel, table=True):
    """Goods leaving the site: released only after their owner agreed (seed 004)."""

    __tablename__ = "goods_release"
    id: Optional[int] = Field(default=None, primary_key=True)
    what: str = Field(sa_column=Column(Text, nullable=False))
    qty: int = Field(nullable=False)
    owner_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    carrier: str = Field(sa_column=Column(String(200), nullable=False))
    requested_at: datetime = moment()
    requested_by: str = Field(sa_column=Column(String(64), nullable=False))
    approved_at: Optional[datetime] = moment(nullable=True)
    approved_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    released_at: Optional[datetime] = moment(nullable=True)
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
    received_at: datetime = moment(index=True)
    received_by: str = Field(sa_column=Column(String(64), nullable=False))
    collected_at: Optional[datetime] = moment(nullable=True, index=True)
    collected_by: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id")))
