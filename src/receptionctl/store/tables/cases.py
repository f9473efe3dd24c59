"""Service cases' escalations, the duty logbook, the duty manager's day checks."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class Escalation(SQLModel, table=True):
    """A question beyond the handler's remit, put to a named person with a promised answer time."""

    __tablename__ = "case_escalation"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=Column(Integer, ForeignKey("service_case.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    to_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    question: str = Field(sa_column=Column(Text, nullable=False))
    promised_at: datetime = moment()
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    answered_at: Optional[datetime] = moment(nullable=True)
    answered_by: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    answer: Optional[str] = Field(default=None, sa_column=Column(Text))


class DutyLog(SQLModel, table=True):
    """The duty manager's logbook (seed 003): what was heard, promised, handed on."""

    __tablename__ = "duty_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = moment(index=True)
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
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))
    cases: int = Field(nullable=False)
    note: Optional[str] = Field(default=None, sa_column=Column(Text))


class CaseAboutClient(SQLModel, table=True):
    """A complaint about another customer (seed 003: the staff tell the station manager at once,
    and the duty manager handles it): the client complained about (migration 0026)."""

    __tablename__ = "case_about_client"
    case_id: int = Field(sa_column=Column(Integer, ForeignKey("service_case.id", ondelete="CASCADE"), primary_key=True))
    client_id: int = Field(sa_column=Column(Integer, ForeignKey("client.id"), nullable=False, index=True))
