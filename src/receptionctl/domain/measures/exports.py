"""Exports: visits, tasks, cases and feedback as streams of read models, for files that other
programs read (a spreadsheet, a calendar a host subscribes to, a data warehouse).

Filters are in SQL and rows are read in batches (`yield_per`), so a large database is
exported without holding every row in memory. Each function checks its arguments at once
and returns an iterator: read it while the session is open. The records are the same read
models the list commands print with --json.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from sqlalchemy import select

from receptionctl.domain.cases import cases as case_stage
from receptionctl.domain.cases.cases import CaseView
from receptionctl.domain.core import clock, find, policy
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.domain.engine.schedule import Days
from receptionctl.domain.engine.tasklist import TaskView, filtered, row_view, task_query
from receptionctl.domain.visits import visits as visit_stage
from receptionctl.domain.visits.followups import FeedbackView, list_feedback
from receptionctl.domain.visits.visits import Assigned, VisitView
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = ("visits", "tasks", "cases", "feedback")
ROW_TYPES = {"visits": VisitView, "tasks": TaskView, "cases": CaseView, "feedback": FeedbackView}
BATCH = 500  # rows read from the database at a time
ALARM_MARGIN_MINUTES = 15  # a host's reminder comes this long before they are due at the meeting point
CONFIRMED = frozenset({"approved", "in_progress", "completed", "closed"})


@dataclass(frozen=True)
class CalendarEntry:
    """A visit as a calendar event: the visit, its team (host first), its calendar status
    (confirmed, tentative, cancelled) and how long before the start its host is reminded."""
    visit: VisitView
    team: tuple[Assigned, ...]
    status: str
    alarm_minutes: int


def _check(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end <= start:
        raise BadInput(_("the window ends ({end}) before it starts ({start}): expected an end after the start").format(
            end=f"{clock.local(end):%Y-%m-%d %H:%M}", start=f"{clock.local(start):%Y-%m-%d %H:%M}"))


def _window(q, column, start: datetime | None, end: datetime | None):
    _check(start, end)
    if start is not None:
        q = q.where(column >= start)
    if end is not None:
        q = q.where(column < end)
    return q


def _hosted(session: Session, host: str):
    """The ids of the visits `host` hosts, as a subquery (the person checked at once)."""
    uid = find.staff_row(session, host, N_("host")).id
    a = light.assignment.c
    return select(a.visit_id).where(a.role == "host", a.staff_id == uid)


def _stream(session: Session, q, view: Callable) -> Iterator:
    for row in session.execute(q.execution_options(yield_per=BATCH)):
        yield view(row)


# -- the four kinds ----------------------------------------------------------------------------
def visits(session: Session, *, start: datetime | None = None, end: datetime | None = None,
           host: str | None = None) -> Iterator[VisitView]:
    """Visits starting in [start, end), by start time; `host`: only the visits that person hosts."""
    v = light.visit.c  # the visits' query is on the light handles (visits.visit_query)
    q = _window(visit_stage.visit_query(), v.starts_at, start, end)
    if host is not None:
        q = q.where(v.id.in_(_hosted(session, host)))
    return _stream(session, q.order_by(v.starts_at, v.id), visit_stage.view_of)


def tasks(session: Session, actor: str | None, *, start: datetime | None = None, end: datetime | None = None,
          host: str | None = None) -> Iterator[TaskView]:
    """Tasks in every state due in [start, end), by due time; `host`: only the tasks of the
    visits that person hosts. The steps of complaints about staff only for those who may see them."""
    _check(start, end)
    now = clock.now()
    q, _ = task_query()  # on the light handles (store/light.py): its columns are light.task's
    q = filtered(session, q, state=None, due_from=start, due_before=end, now=now,
                  hide_restricted=not case_stage.sees_staff_complaints(session, actor))
    if host is not None:
        q = q.where(light.task.c.visit_id.in_(_hosted(session, host)))
    days = Days(session)
    return _stream(session, q.order_by(light.task.c.due_at, light.task.c.id), lambda row: row_view(row, now, days))


def cases(session: Session, actor: str | None, *, start: datetime | None = None, end: datetime | None = None,
          host: str | None = None) -> Iterator[CaseView]:
    """Service cases received in [start, end), by the time received; a complaint about staff
    only for those who may see it (never for the person it is about). `host`: only the cases
    about the visits that person hosts."""
    now = clock.now()
    sc = light.service_case  # as case_stage._case_query reads them
    q = _window(case_stage._visible(case_stage._case_query(), session, actor), sc.c.received_at, start, end)
    if host is not None:
        q = q.where(sc.c.visit_id.in_(_hosted(session, host)))
    return _stream(session, q.order_by(sc.c.received_at, sc.c.id), lambda row: case_stage._view(row, now))


def feedback(session: Session, *, start: datetime | None = None, end: datetime | None = None,
             host: str | None = None) -> Iterator[FeedbackView]:
    """Feedback forms received in [start, end), with their answers, by the time received;
    `host`: only those of the visits that person hosts. One form per visit at most, so these
    are read as `feedback list` reads them."""
    _check(start, end)
    hosted = set(session.scalars(_hosted(session, host))) if host is not None else None
    views = list_feedback(session, start=start, end=end)
    return iter(views if hosted is None else [v for v in views if v.visit_id in hosted])


def records(session: Session, actor: str | None, kind: str, *, start: datetime | None = None,
            end: datetime | None = None, host: str | None = None) -> Iterator:
    """The records of one kind (KINDS), as the functions above give them."""
    if kind == "visits":
        return visits(session, start=start, end=end, host=host)
    if kind == "tasks":
        return tasks(session, actor, start=start, end=end, host=host)
    if kind == "cases":
        return cases(session, actor, start=start, end=end, host=host)
    if kind == "feedback":
        return feedback(session, start=start, end=end, host=host)
    raise BadInput(_("kind {value!r} is not valid: expected one of {choices}").format(value=kind,
                                                                                      choices=", ".join(KINDS)))


# -- the calendar ------------------------------------------------------------------------------
def calendar_status(visit_status: str) -> str:
    """confirmed once approved (and after), cancelled, else tentative (still being planned)."""
    if visit_status == "cancelled":
        return "cancelled"
    return "confirmed" if visit_status in CONFIRMED else "tentative"


def _teams(session: Session, ids: list[int]) -> dict[int, tuple[Assigned, ...]]:
    """The assignments of these visits, in one statement, each visit's in the order of VisitRole."""
    a = light.assignment
    main, backup = light.staff.alias("main"), light.staff.alias("backup")
    rows = session.execute(
        select(a.c.visit_id, a.c.role, main.c.username, main.c.name, backup.c.username, backup.c.name)
        .join(main, main.c.id == a.c.staff_id)
        .outerjoin(backup, backup.c.id == a.c.backup_id)
        .where(a.c.visit_id.in_(ids)))
    order = {r.value: i for i, r in enumerate(VisitRole)}
    teams: dict[int, list[Assigned]] = {}
    for visit_id, *rest in rows:
        teams.setdefault(visit_id, []).append(Assigned(*rest))
    return {k: tuple(sorted(v, key=lambda a: order.get(a.role, 99))) for k, v in teams.items()}


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def calendar(session: Session, *, start: datetime | None = None, end: datetime | None = None,
             host: str | None = None) -> Iterator[CalendarEntry]:
    """Visits as calendar events (see CalendarEntry); the teams read a batch of visits at a time.
    The reminder comes policy host_early_minutes plus ALARM_MARGIN_MINUTES before the start."""
    alarm = policy.load(session)["host_early_minutes"] + ALARM_MARGIN_MINUTES
    rows = visits(session, start=start, end=end, host=host)

    def entries() -> Iterator[CalendarEntry]:
        for batch in _batches(rows, BATCH):
            teams = _teams(session, [v.id for v in batch])
            for v in batch:
                yield CalendarEntry(v, teams.get(v.id, ()), calendar_status(v.status), alarm)

    return entries()
