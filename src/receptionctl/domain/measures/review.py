"""The quarterly review pack (seed 000: a quarterly review of typical cases): the deals won,
the lowest feedback scores, the complaints with their root causes, the deadlines missed; for
the review meeting. Five statements, whatever the size of the quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import select

from receptionctl.domain.cases import cases as service_cases
from receptionctl.domain.core import lifecycle, policy
from receptionctl.store.tables.common import Client, ServiceCase, Task, Visit
from receptionctl.store.tables.visits import Feedback

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

LOWEST = 5  # the lowest scores shown


@dataclass(frozen=True)
class Won:
    visit_id: int
    client: str
    purpose: str
    starts_at: datetime
    outcome_at: datetime
    note: str | None


@dataclass(frozen=True)
class LowScore:
    visit_id: int
    client: str
    score: int
    comment: str | None
    at: datetime


@dataclass(frozen=True)
class Complaint:
    case_id: int
    client: str | None
    category: str
    severity: str
    state: str
    text: str
    root_cause: str | None
    prevention: str | None


@dataclass(frozen=True)
class Missed:
    task_id: int
    visit_id: int | None
    client: str | None
    title: str
    due_at: datetime
    state: str  # missed, or done late
    done_at: datetime | None
    title_zh: str | None = None  # the task's Chinese title (shown in Chinese)


@dataclass(frozen=True)
class ReviewPack:
    first: date
    last: date
    won: tuple[Won, ...]
    lowest: tuple[LowScore, ...]
    complaints: tuple[Complaint, ...]
    missed: tuple[Missed, ...]
    visits_received: int


def pack(session: Session, actor: str | None, first: date, last: date) -> ReviewPack:
    """The typical cases of [first, last] (days, both included, in the company's zone);
    complaints about staff only for those who may see them."""
    zone = policy.work_zone(policy.load(session))
    start = datetime.combine(first, time(0, 0), zone)
    end = datetime.combine(last, time(0, 0), zone) + timedelta(days=1)
    won = tuple(Won(v.id, name, v.purpose, v.starts_at, v.outcome_at, v.outcome_note) for v, name in session.execute(
        select(Visit, Client.name).join(Client, Client.id == Visit.client_id)
        .where(Visit.outcome == "won", Visit.outcome_at >= start, Visit.outcome_at < end)
        .order_by(Visit.outcome_at, Visit.id)))
    lowest = tuple(LowScore(f.visit_id, name, f.score, f.comment, f.at) for f, name in session.execute(
        select(Feedback, Client.name).join(Visit, Visit.id == Feedback.visit_id)
        .join(Client, Client.id == Visit.client_id)
        .where(Feedback.at >= start, Feedback.at < end)
        .order_by(Feedback.score, Feedback.at).limit(LOWEST)))
    q = (select(ServiceCase, Client.name).outerjoin(Client, Client.id == ServiceCase.client_id)
         .where(ServiceCase.kind == "complaint", ServiceCase.received_at >= start, ServiceCase.received_at < end)
         .order_by(ServiceCase.received_at, ServiceCase.id))
    if not service_cases.sees_staff_complaints(session, actor):
        q = q.where(ServiceCase.about_staff_id.is_(None))
    complaints = tuple(Complaint(c.id, name, c.category, c.severity, c.state, c.text, c.root_cause, c.prevention)
                       for c, name in session.execute(q))
    missed = tuple(Missed(t.id, t.visit_id, name, t.title, t.due_at, "missed" if t.state == "missed" else "late",
                          t.done_at, t.title_zh) for t, name in session.execute(
        select(Task, Client.name).join(Visit, Visit.id == Task.visit_id)
        .join(Client, Client.id == Visit.client_id)
        .where(Task.due_at >= start, Task.due_at < end,
               (Task.state == "missed") | ((Task.state == "done") & (Task.done_at > Task.due_at)))
        .order_by(Task.due_at, Task.id)))
    received = session.scalar(select(func.count(Visit.id)).where(
        Visit.starts_at >= start, Visit.starts_at < end, Visit.status.in_(lifecycle.RECEIVED)))
    return ReviewPack(first, last, won, lowest, complaints, missed, received or 0)
