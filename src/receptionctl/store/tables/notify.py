"""The notification outbox and its once-only marks."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


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
    created_at: datetime = moment()
    next_at: datetime = moment()  # due then (queued); a claim moves it on by a lease
    sent_at: Optional[datetime] = moment(nullable=True)
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))


class NotifyOnce(SQLModel, table=True):
    """An event found by a sweep of `notify send` (a promise breached), so that it is emitted once."""

    __tablename__ = "notify_once"
    event: str = Field(sa_column=Column(String(64), primary_key=True))
    ref_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: datetime = moment()
