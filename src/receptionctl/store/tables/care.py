"""Relationship care (issue 26, seed 001): a client's named care dates, and the greetings sent."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class CareDate(SQLModel, table=True):
    """A date a client is greeted on besides birthdays, holidays and its anniversary: a founding
    day, a plant's opening, a listing (seed 001: congratulations on achievements)."""

    __tablename__ = "care_date"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False))  # "MM-DD" or "YYYY-MM-DD"
    once: bool = Field(default=False, nullable=False)  # on that one day (a full date), not every year
    created_at: datetime = moment()
    created_by: str = Field(sa_column=Column(String(64), nullable=False))


class CareLog(SQLModel, table=True):
    """A greeting sent: to whom, on which occasion, what was sent, by whom and when."""

    __tablename__ = "care_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(
        sa_column=Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True))
    contact_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contact.id", ondelete="SET NULL")))
    kind: str = Field(sa_column=Column(String(16), nullable=False))  # birthday | holiday | anniversary | other
    occasion: Optional[str] = Field(default=None, sa_column=Column(String(64)))  # the occasion's key, when matched
    day: Optional[str] = Field(default=None, sa_column=Column(String(10)))  # the occasion's date, YYYY-MM-DD
    note: str = Field(sa_column=Column(Text, nullable=False))
    task_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("task.id", ondelete="SET NULL")))
    at: datetime = moment(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))
