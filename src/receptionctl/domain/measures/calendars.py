"""Calendars that stay in step (issue 30): visits as calendar events and a person's open tasks
as to-dos, for `export visits --format ics` and a person's feed (`GET /calendar/<token>.ics`).

- An event's id is made of the visit's id and the database's id (domain/core/dbid.py): it never
  changes for that visit, and no two databases share one.
- SEQUENCE counts the visit's changes a guest of the event would notice, read from the change
  record (the audit log): a new time (`visit.reschedule`), a new place (`visit.edit` of the
  venue or off-site), a new state in the calendar (`plan.approve`: tentative to confirmed;
  `visit.cancel`). LAST-MODIFIED is the time of the visit's last recorded change (its creation
  when none is recorded); DTSTAMP equals it, as RFC 5545 says for a calendar without METHOD.
- A cancelled visit stays, marked cancelled, for the policy's calendar_cancelled_days after it
  was cancelled (so that calendars remove it), then is left out.
- A person's feed holds the visits they host, serve on or back up, and (with tasks) their open
  tasks: never a step of a complaint case, never an identity number; guests' names only when
  the policy's calendar_guest_names is on.

Each function reads a batch of visits at a time: a fixed number of statements per batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from receptionctl.domain.core import clock, dbid, policy
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.domain.measures import exports
from receptionctl.domain.visits import visits as visit_stage
from receptionctl.domain.visits.visits import VisitView
from receptionctl.store import light
from receptionctl.store.tables.common import AuditEvent, Client, ServiceCase, Staff, StaffRole, Task, Visit
from receptionctl.store.tables.visits import Assignment, Guest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


DAYS_BACK = 30  # a person's feed: visits from this many days back ...
DAYS_AHEAD = 180  # ... to this many days ahead
NOTICED = ("visit.reschedule", "visit.cancel", "plan.approve")  # always noticed by a guest
PLACE_KEYS = ("venue", "offsite", "offsite_kind")  # a visit.edit of one of these is a new place


@dataclass(frozen=True)
class Member:
    """A person of a visit's team: their role (`host`, ..., or `host-backup` for a backup), their
    username, name and e-mail address (None: named in the description only)."""

    role: str
    username: str
    name: str
    email: str | None


@dataclass(frozen=True)
class Event:
    visit: VisitView
    team: tuple[Member, ...]
    status: str  # confirmed, tentative, cancelled (exports.calendar_status)
    alarm_minutes: int  # the host's reminder, before the start
    sequence: int
    modified: datetime  # LAST-MODIFIED, and DTSTAMP
    guests: tuple[str, ...] = ()  # names registered at the door, when the policy lets a feed show them


@dataclass(frozen=True)
class Todo:
    """An open task as a to-do: its ids, its titles (English, Chinese), its client, when it is due,
    when it was made (DTSTAMP)."""

    id: int
    visit_id: int | None
    case_id: int | None
    title: str
    title_zh: str | None
    client: str | None
    due_at: datetime
    created: datetime


@dataclass(frozen=True)
class Feed:
    """One calendar: the database's id (of every UID), the company's zone, whose it is (None:
    an export), its events (read while the session is open) and to-dos."""

    database_id: str
    zone: str
    owner: str | None
    events: Iterator[Event]
    todos: tuple[Todo, ...] = ()


def _place_edit():
    """A visit.edit whose `after` names the venue or off-site: the keys of the stored JSON
    (sorted, `{"key": ...`); a quote inside a value is escaped, so a value cannot match."""
    return or_(*[AuditEvent.after.like(f'%{lead}"{key}":%') for key in PLACE_KEYS for lead in ("{", ", ")])


def _changes(session: Session, ids: list[int]) -> dict[int, tuple[int, datetime | None, datetime | None]]:
    """Per visit: (the changes a guest notices, the last change's time, when it was cancelled)."""
    noticed = or_(AuditEvent.action.in_(NOTICED), and_(AuditEvent.action == "visit.edit", _place_edit()))
    rows = session.execute(
        select(AuditEvent.visit_id, func.sum(case((noticed, 1), else_=0)), func.max(AuditEvent.at),
               func.max(case((AuditEvent.action == "visit.cancel", AuditEvent.at), else_=None)))
        .where(AuditEvent.visit_id.in_(ids)).group_by(AuditEvent.visit_id))
    return {vid: (int(n or 0), last, cancelled) for vid, n, last, cancelled in rows}


def _teams(session: Session, ids: list[int]) -> dict[int, tuple[Member, ...]]:
    """The teams of these visits with their addresses, in one statement, in the order of VisitRole."""
    from sqlalchemy.orm import aliased  # a query of the table classes

    main, backup = aliased(Staff, name="main"), aliased(Staff, name="backup")
    rows = session.execute(
        select(Assignment.visit_id, Assignment.role, main.username, main.name, main.email, backup.username,
               backup.name, backup.email)
        .join(main, main.id == Assignment.staff_id)
        .outerjoin(backup, backup.id == Assignment.backup_id)
        .where(Assignment.visit_id.in_(ids)))
    order = {r.value: i for i, r in enumerate(VisitRole)}
    teams: dict[int, list[tuple[int, Member]]] = {}
    for vid, role, user, name, email, b_user, b_name, b_email in rows:
        rank = order.get(role, 99) * 2
        teams.setdefault(vid, []).append((rank, Member(role, user, name, email)))
        if b_user:
            teams[vid].append((rank + 1, Member(f"{role}-backup", b_user, b_name or b_user, b_email)))
    return {k: tuple(m for _r, m in sorted(v, key=lambda p: (p[0], p[1].username))) for k, v in teams.items()}


def _guests(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for vid, name in session.execute(select(Guest.visit_id, Guest.name).where(Guest.visit_id.in_(ids))
                                     .order_by(Guest.visit_id, Guest.id)):
        out.setdefault(vid, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _created(session: Session, ids: list[int]) -> dict[int, datetime]:
    return dict(session.execute(select(Visit.id, Visit.created_at).where(Visit.id.in_(ids))).all())


def _events(session: Session, rows: Iterator[VisitView], guests: bool) -> Iterator[Event]:
    rules = policy.load(session)
    alarm = rules["host_early_minutes"] + exports.ALARM_MARGIN_MINUTES
    keep_cancelled = clock.now() - timedelta(days=rules["calendar_cancelled_days"])
    for batch in exports._batches(rows, exports.BATCH):
        ids = [v.id for v in batch]
        teams, changes, created = _teams(session, ids), _changes(session, ids), _created(session, ids)
        names = _guests(session, ids) if guests else {}
        for v in batch:
            count, last, cancelled = changes.get(v.id, (0, None, None))
            stamps = [t for t in (last, created.get(v.id)) if t is not None]
            modified = max(stamps) if stamps else v.starts_at
            status = exports.calendar_status(v.status)
            if status == "cancelled" and (cancelled or modified) < keep_cancelled:
                continue  # cancelled long enough ago: calendars have removed it
            yield Event(v, teams.get(v.id, ()), status, alarm, count, modified, names.get(v.id, ()))


def export(session: Session, *, start: datetime | None = None, end: datetime | None = None,
           host: str | None = None) -> Feed:
    """The calendar of `export visits --format ics`: visits starting in [start, end), `host`: only
    the visits that person hosts. Read its events while the session is open."""
    rows = exports.visits(session, start=start, end=end, host=host)
    return Feed(dbid.database_id(session), policy.load(session)["work_zone"], None, _events(session, rows, False))


def _theirs(staff_id: int):
    """The ids of the visits a person hosts, serves on or backs up, as a subquery."""
    return select(Assignment.visit_id).where(or_(Assignment.staff_id == staff_id, Assignment.backup_id == staff_id))


def _todos(session: Session, staff_id: int, start: datetime, end: datetime) -> tuple[Todo, ...]:
    """A person's open tasks due in [start, end): those given to them, those of their visits whose
    role they hold or back up (not given to someone else), and those of no visit that fall to a
    role of theirs (cases, care, follow-ups): never a step of a complaint case. One statement."""
    roles = select(StaffRole.role).where(StaffRole.staff_id == staff_id)
    theirs = or_(Task.assignee_id == staff_id, and_(Task.assignee_id.is_(None), or_(
        Assignment.staff_id == staff_id, Assignment.backup_id == staff_id,
        and_(Task.visit_id.is_(None), Task.owner.in_(roles)))))
    q = (select(Task.id, Task.visit_id, Task.case_id, Task.title, Task.title_zh, Client.name, Task.due_at,
                Task.created_at)
         .outerjoin(Assignment, and_(Assignment.visit_id == Task.visit_id, Assignment.role == Task.owner))
         .outerjoin(ServiceCase, ServiceCase.id == Task.case_id)
         .outerjoin(Visit, Visit.id == Task.visit_id)
         .outerjoin(Client, Client.id == func.coalesce(Visit.client_id, ServiceCase.client_id, Task.client_id))
         .where(Task.state == "open", Task.due_at >= start, Task.due_at < end, theirs,
                or_(Task.case_id.is_(None), and_(ServiceCase.kind != "complaint", ServiceCase.about_staff_id.is_(None))),
                or_(Task.visit_id.is_(None), Task.visit_id.in_(_theirs(staff_id)), Task.assignee_id == staff_id))
         .order_by(Task.due_at, Task.id))
    return tuple(Todo(*row) for row in session.execute(q))


def version(session: Session) -> tuple:
    """What every change moves on: the audit log's last event (its id and hash; each change is
    audited, a restored database has another head). With the hour (the feed's window moves by the
    hour), a feed made at the same version is the same feed: a server may keep it."""
    head = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return (tuple(head) if head else (0, ""), clock.now().replace(minute=0, second=0, microsecond=0))


def person(session: Session, staff_id: int, username: str, *, tasks: bool = False) -> Feed:
    """A person's feed: the visits they host, serve on or back up, from DAYS_BACK days back to
    DAYS_AHEAD days ahead (from the start of the hour), and with `tasks` their open tasks due in
    the same window."""
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    start, end = now - timedelta(days=DAYS_BACK), now + timedelta(days=DAYS_AHEAD)
    rules = policy.load(session)
    v = light.visit.c  # the visits' query is on the light handles (visits.visit_query)
    q = (visit_stage.visit_query().where(v.starts_at >= start, v.starts_at < end, v.id.in_(_theirs(staff_id)))
         .order_by(v.starts_at, v.id))
    rows = exports._stream(session, q, visit_stage.view_of)
    todos = _todos(session, staff_id, start, end) if tasks else ()
    return Feed(dbid.database_id(session), rules["work_zone"], username,
                _events(session, rows, rules["calendar_guest_names"]), todos)
