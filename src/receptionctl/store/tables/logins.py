"""Signing in to the web front desk (issue 27): a staff member's password and the state of
their login. One row per staff member who has a password (migration 0027). And the secret
calendar addresses (issue 30, migration 0029)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment
from receptionctl.store.types import UTCDateTime


class StaffLogin(SQLModel, table=True):
    """The Argon2 hash of a staff member's password (never the password), when it was set,
    whether they must choose a new one at their next sign-in (an admin's reset), the failed
    attempts since the last success and the end of a lock-out; `session_version` grows at
    every password change, reset and sign-out everywhere, ending the sessions signed before."""

    __tablename__ = "staff_login"
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False))
    password_hash: Optional[str] = Field(default=None, sa_column=Column(Text))
    password_set_at: Optional[datetime] = moment(nullable=True)
    must_change: bool = Field(default=False, nullable=False)
    failures: int = Field(default=0, nullable=False)
    locked_until: Optional[datetime] = moment(nullable=True)
    session_version: int = Field(default=0, nullable=False)


class CalendarFeed(SQLModel, table=True):
    """A person's secret calendar address (issue 30): the SHA-256 of its token (never the token),
    the language the feed is written in, when and by whom it was made. One per person: a new
    address replaces the old one; revoking deletes the row."""

    __tablename__ = "calendar_feed"
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    lang: str = Field(sa_column=Column(String(8), nullable=False))
    created_at: datetime = moment()
    created_by: str = Field(sa_column=Column(String(160), nullable=False))


class CalendarMiss(SQLModel, table=True):
    """Requests for a calendar address that does not exist (unknown or revoked), counted by the
    hour they came in (its start, UTC): what an admin reads to see someone guessing."""

    __tablename__ = "calendar_miss"
    hour: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    count: int = Field(default=0, nullable=False)
