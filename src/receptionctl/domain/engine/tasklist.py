"""Reading tasks: the read model (`TaskView`: who a task falls to, its due time in words in
the run's language), the tasks' states and stages, and the queries (`list_tasks`,
`count_by_owner`, `get_task`, `inactive_owners`): plain rows filtered and ordered in SQL.

It stands below the tasks (tasks.py), the checklist (checklists.py) and the case and desk
tasks (areatasks.py), and above the schedule (schedule.py), whose `Days` it reads in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import Session, aliased
from sqlmodel import select

from receptionctl.domain.core import clock, find
from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.domain.core.vocab import ONE_VISIT_ROLES, VisitRole
from receptionctl.domain.engine.procedure import STAGES
from receptionctl.domain.engine.schedule import Days
from receptionctl.errors import BadInput, NotFound
from receptionctl.i18n import N_, _, chinese, code, ngettext
from receptionctl.store.tables.common import Client, Opportunity, ServiceCase, Staff, StaffRole, Task, Visit
from receptionctl.store.tables.visits import Assignment

TASK_STAGES = (*STAGES, "case", "desk", "care")  # the procedure's stages, cases' steps, the desk's, clients' care
VISIT_ROLES = {r.value for r in VisitRole}
# Roles that only mean something on one visit: an unassigned one falls to nobody. The other
# owners (coordinator, approver, desk, and security when none is assigned) fall to anyone
# holding that staff role.
PER_VISIT = set(ONE_VISIT_ROLES)
TASK_STATES = ("open", "done", "skipped", "missed")  # missed: still open when the visit was completed
# the stored codes of tasks, as they are shown (i18n.code): their states and stages
CODES = (
    N_("code|open"), N_("code|done"), N_("code|skipped"), N_("code|missed"),
    N_("code|prepare"), N_("code|receive"), N_("code|followup"), N_("code|case"), N_("code|desk"), N_("code|care"),
)


@dataclass(frozen=True)
class TaskView:
    id: int
    visit_id: int | None  # None for a service case's task (see case_id)
    key: str
    stage: str
    title: str
    title_zh: str | None
    owner: str | None  # the person it falls to (username), when a visit role is assigned
    owner_role: str
    backup: str | None
    owner_name: str | None
    due_at: datetime
    done_at: datetime | None
    done_by: str | None
    state: str
    overdue: bool
    note: str | None
    seq: int
    client: str
    visit_starts_at: datetime
    due_in_words: str
    planned_at: datetime | None = None  # the procedure's own due, when the schedule was compressed
    case_id: int | None = None  # a service case's step (stage "case")
    # high | medium | low: a follow-up task's, the priority of its client's open opportunity (the
    # follow-up pipeline) or of the opportunity whose next step it is; a service case's step's, the
    # case's severity (critical and high: high); None: none (preparation and the day's tasks)
    priority: str | None = None
    opportunity_id: int | None = None  # the next step of a client's opportunity (stage "followup")

    @property
    def who(self) -> str:
        """The owner in words: the person and backup, or the role."""
        if self.owner:
            if self.backup:
                return _("{name} ({user}), backup {backup}").format(name=self.owner_name or self.owner,
                                                                   user=self.owner, backup=self.backup)
            return f"{self.owner_name or self.owner} ({self.owner})"
        if self.owner_role in PER_VISIT:
            return _("{role} (unassigned)").format(role=code(self.owner_role, "role"))
        return _("any {role}").format(role=code(self.owner_role, "role"))

    @property
    def shown_title(self) -> str:
        """The title in the run's language: the Chinese one (title_zh) in Chinese, when there is one."""
        return (self.title_zh or self.title) if chinese() else self.title

    @property
    def name(self) -> str:
        """How a sentence names the task (see task_name)."""
        return task_name(self.key, self.title, self.title_zh)

    @property
    def shown_due(self) -> str:
        """`due_in_words` in the run's language (the JSON keeps the English words)."""
        return shown_words(self.due_in_words)


_DETAILS = re.compile(r"\s*[（(][^（）()]*[）)]")


def task_name(key: str, title: str, title_zh: str | None) -> str:
    """How a sentence names a task, among others ("missed: …"): in English its key, as the
    procedure names it (confirm-details); in Chinese its Chinese title (else its title) without
    the details in brackets (确认来访信息), never its key."""
    if not chinese():
        return key
    return _DETAILS.sub("", title_zh or title).strip() or title_zh or title


# -- the due time in words ------------------------------------------------------------------
def in_words(state: str, due_at: datetime, done_at: datetime | None, done_by: str | None, now: datetime,
             cal: WorkCalendar, zone=None) -> str:
    """The due time in words: "in 2 working days", "in 3 h", "3 h overdue", "done 2026-11-25 10:00 by li"."""
    if state == "missed":
        return "missed: still open when the visit was completed"
    if state != "open":
        word = "done" if state == "done" else "skipped"
        if done_at is None:
            return word
        return f"{word} {clock.local(done_at):%Y-%m-%d %H:%M}" + (f" by {done_by}" if done_by else "")
    delta = due_at - now
    late = delta < timedelta(0)
    span = abs(delta)
    if span < timedelta(hours=1):
        amount = f"{max(1, int(span.total_seconds() // 60))} min"
    elif span < timedelta(hours=24):
        amount = f"{int(span.total_seconds() // 3600)} h"
    elif late:
        days = span.days
        amount = f"{days} day{'s' if days != 1 else ''}"
    else:
        zone = zone or clock.zone()
        start, end = now.astimezone(zone).date(), due_at.astimezone(zone).date()
        wd = sum(1 for i in range(1, (end - start).days + 1) if cal.is_working_day(start + timedelta(days=i)))
        days = (end - start).days
        return f"in {wd} working day{'s' if wd != 1 else ''}" if wd else f"in {days} day{'s' if days != 1 else ''}"
    return f"{amount} overdue" if late else f"in {amount}"


MISSED_WORDS = N_("missed: still open when the visit was completed")
_DONE_WORDS = re.compile(r"(done|skipped) (\S+ \S+)(?: by (.+))?", re.S)
_DUE_WORDS = re.compile(r"(in )?(\d+) (min|h|days?|working days?)( overdue)?")


def shown_words(words: str) -> str:
    """A task's due time in words (`due_in_words`, English, as its JSON has it: see in_words)
    in the run's language, for text output."""
    if not chinese() or not words:
        return words
    if words in ("missed: still open when the visit was completed", "done", "skipped"):
        return _(words) if words.startswith("missed") else code(words)
    m = _DONE_WORDS.fullmatch(words)
    if m:
        state, at, by = m.groups()
        if by:
            said = {"done": N_("done {at} by {user}"), "skipped": N_("skipped {at} by {user}")}[state]
            return _(said).format(at=at, user=by)
        said = {"done": N_("done {at}"), "skipped": N_("skipped {at}")}[state]
        return _(said).format(at=at)
    m = _DUE_WORDS.fullmatch(words)
    if m is None or bool(m.group(1)) == bool(m.group(4)):
        return words
    n, unit, late = int(m.group(2)), m.group(3).rstrip("s"), bool(m.group(4))
    if unit == "min":
        said = _("{n} min overdue") if late else _("in {n} min")
    elif unit == "h":
        said = _("{n} h overdue") if late else _("in {n} h")
    elif unit == "day":
        said = ngettext("{n} day overdue", "{n} days overdue", n) if late else ngettext("in {n} day", "in {n} days", n)
    else:
        said = ngettext("in {n} working day", "in {n} working days", n)
    return said.format(n=n)


# -- reading ------------------------------------------------------------------------------
_COLUMNS = (Task.id, Task.visit_id, Task.key, Task.stage, Task.title, Task.title_zh, Task.owner, Task.due_at,
            Task.done_at, Task.done_by, Task.state, Task.note, Task.seq, Task.planned_at, Task.case_id,
            Task.opportunity_id)
PRIORITIES = ("high", "medium", "low")  # a task without one is ordered with the medium ones
# a service case's severity as the priority of its steps
SEVERITY_PRIORITY = {"critical": "high", "high": "high", "medium": "medium", "low": "low"}
_OPP, _CLIENT_OPP = aliased(Opportunity, name="opp"), aliased(Opportunity, name="client_opp")
PRIORITY = case(
    (Task.case_id.is_not(None), case(*((ServiceCase.severity == sev, p) for sev, p in SEVERITY_PRIORITY.items()),
                                     else_=None)),
    else_=func.coalesce(_OPP.priority, _CLIENT_OPP.priority))
PRIORITY_RANK = case((PRIORITY == "high", 0), (PRIORITY == "low", 2), else_=1)


def _task_query():
    """Plain rows, not ORM objects: a list of thousands of tasks changes nothing. Returns the
    query and the expression of who a task falls to: the person it was reassigned to, else
    the person of its visit role, else the role itself. A task's priority: its case's severity,
    the opportunity whose next step it is, or for a follow-up task of a visit the open
    opportunity of the visit's client. A follow-up step's backup is the role's backup, else the client's account
    manager (its keeper, issue 26)."""
    main, backup, given = aliased(Staff, name="main"), aliased(Staff, name="backup"), aliased(Staff, name="given")
    keeper = aliased(Staff, name="keeper")
    keeps = case((and_(Task.stage == "followup", keeper.active.is_(True),
                       or_(main.id.is_(None), main.id != keeper.id)), keeper.username), else_=None)
    return (
        select(*_COLUMNS, func.coalesce(given.username, main.username), func.coalesce(given.name, main.name),
               case((Task.assignee_id.is_(None), func.coalesce(backup.username, keeps)), else_=None), Client.name,
               Visit.starts_at, PRIORITY.label("priority"))
        .outerjoin(Visit, Visit.id == Task.visit_id)
        .outerjoin(ServiceCase, ServiceCase.id == Task.case_id)
        .outerjoin(_OPP, _OPP.id == Task.opportunity_id)
        .outerjoin(_CLIENT_OPP, and_(_CLIENT_OPP.open_client_id == Visit.client_id, Task.stage == "followup"))
        .outerjoin(Client, Client.id == func.coalesce(Visit.client_id, ServiceCase.client_id, _OPP.client_id,
                                                      Task.client_id))
        .outerjoin(Assignment, and_(Assignment.visit_id == Task.visit_id, Assignment.role == Task.owner))
        .outerjoin(main, main.id == Assignment.staff_id)
        .outerjoin(backup, backup.id == Assignment.backup_id)
        .outerjoin(given, given.id == Task.assignee_id)
        .outerjoin(keeper, keeper.id == Client.manager_id)
    ), func.coalesce(given.username, main.username, Task.owner)


def _view(row, now: datetime, days: "Days") -> TaskView:
    (tid, visit_id, key, stage, title, title_zh, owner_role, due_at, done_at, done_by, state, note, seq, planned_at,
     case_id, opportunity_id, owner, owner_name, backup, client, starts, priority) = row[:22]
    return TaskView(
        tid, visit_id, key, stage, title, title_zh, owner, owner_role, backup, owner_name, due_at, done_at, done_by,
        state, state == "open" and due_at < now, note, seq, client, starts,
        in_words(state, due_at, done_at, done_by, now, days.cal, days.zone), planned_at, case_id, priority,
        opportunity_id,
    )


def list_tasks(
    session: Session,
    *,
    visit_id: int | None = None,
    owner: str | None = None,
    stage: str | None = None,
    overdue: bool = False,
    state: str | None = "open",
    due_before: datetime | None = None,
    due_from: datetime | None = None,
    stages: tuple[str, ...] | None = None,
    now: datetime | None = None,
    per_owner: int | None = None,
    limit: int | None = None,
    hide_restricted: bool = False,
    by_priority: bool = False,
) -> list[TaskView]:
    """Tasks filtered and ordered in SQL (one statement, two with --owner): by due time, or
    with `by_priority` high first, then medium (and those without a priority), then low, each by
    due time. `now` is the moment "overdue" and "in 2 h" are reckoned from (an as-of report);
    default the clock. With `per_owner`, only the first so many of each person (or unassigned
    role) are read. `hide_restricted`: leave out the tasks of complaints about staff (for a
    viewer who may not see them)."""
    now = now or clock.now()
    q, group = _task_query()
    q = _filtered(session, q, visit_id=visit_id, owner=owner, stage=stage, overdue=overdue, state=state,
                  due_before=due_before, due_from=due_from, stages=stages, now=now, hide_restricted=hide_restricted)
    days = Days(session)
    order = (PRIORITY_RANK, Task.due_at, Task.id) if by_priority else (Task.due_at, Task.id)
    if per_owner is None:
        return [_view(r, now, days) for r in session.execute(q.order_by(*order).limit(limit))]
    rank = func.row_number().over(partition_by=group, order_by=order).label("rank_in_group")
    sub = q.add_columns(PRIORITY_RANK.label("priority_rank"), rank).subquery()
    columns = list(sub.c)[:-2]
    outer = (sub.c.priority_rank, sub.c.due_at, sub.c.id) if by_priority else (sub.c.due_at, sub.c.id)
    rows = session.execute(select(*columns).where(sub.c.rank_in_group <= per_owner).order_by(*outer))
    return [_view(r, now, days) for r in rows]


def count_by_owner(session: Session, *, now: datetime | None = None, **filters) -> dict[str, int]:
    """How many tasks the same filters as list_tasks select, per person (username) or, where
    no one is assigned, per role: one statement."""
    now = now or clock.now()
    q, group = _task_query()
    q = _filtered(session, q.with_only_columns(group, func.count(Task.id)), now=now, **filters)
    return dict(session.execute(q.group_by(group)).all())


def _filtered(session: Session, q, *, visit_id: int | None = None, owner: str | None = None,
              stage: str | None = None, overdue: bool = False, state: str | None = "open",
              due_before: datetime | None = None, due_from: datetime | None = None,
              stages: tuple[str, ...] | None = None, now: datetime, hide_restricted: bool = False):
    if hide_restricted:
        q = q.where(or_(Task.case_id.is_(None), ServiceCase.about_staff_id.is_(None)))
    if visit_id is not None:
        if session.get(Visit, visit_id) is None:
            raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
        q = q.where(Task.visit_id == visit_id)
    if stage is not None:
        if stage not in TASK_STAGES:
            raise BadInput(_("stage {stage!r} is not valid: expected prepare, receive, followup or case").format(
                stage=stage))
        q = q.where(Task.stage == stage)
    if stages is not None:
        q = q.where(Task.stage.in_(stages))
    if state is not None and state != "all":
        if state not in TASK_STATES:
            raise BadInput(_("state {state!r} is not valid: expected open, done, skipped, missed or all").format(
                state=state))
        q = q.where(Task.state == state)
    if overdue:
        q = q.where(Task.state == "open", Task.due_at < now)
    if due_before is not None:
        q = q.where(Task.due_at < due_before)
    if due_from is not None:
        q = q.where(Task.due_at >= due_from)
    if owner is not None:
        uid = find.staff(session, owner, "--owner").id
        roles = select(StaffRole.role).where(StaffRole.staff_id == uid)
        q = q.where(or_(
            Task.assignee_id == uid,
            and_(Task.assignee_id.is_(None), or_(
                Assignment.staff_id == uid,
                Assignment.backup_id == uid,
                and_(Assignment.id.is_(None), Task.owner.in_(roles), Task.owner.not_in(PER_VISIT)),
                and_(Task.stage == "followup", Client.manager_id == uid),  # the client's keeper backs it up
            )),
        ))
    return q


def inactive_owners(session: Session) -> list[tuple[str, str, int, list]]:
    """Open tasks that fall to a person who has been deactivated, per person: (username, name,
    how many, the visits (None for case and desk tasks)). They need a new owner. Read from
    the inactive people's side (usually none: one cheap statement), so that the work does not
    grow with the open tasks: at most three statements."""
    people = {i: (u, n) for i, u, n in session.execute(
        select(Staff.id, Staff.username, Staff.name).where(Staff.active.is_(False)))}
    if not people:
        return []
    by_role = session.execute(
        select(Assignment.staff_id, Task.visit_id, func.count(Task.id))
        .join(Task, and_(Task.visit_id == Assignment.visit_id, Task.owner == Assignment.role))
        .where(Assignment.staff_id.in_(people), Task.state == "open", Task.assignee_id.is_(None))
        .group_by(Assignment.staff_id, Task.visit_id))
    given = session.execute(
        select(Task.assignee_id, Task.visit_id, func.count(Task.id))
        .where(Task.assignee_id.in_(people), Task.state == "open")
        .group_by(Task.assignee_id, Task.visit_id))
    out: dict[int, list] = {}
    for staff_id, visit_id, n in [*by_role, *given]:
        entry = out.setdefault(staff_id, [*people[staff_id], 0, []])
        entry[2] += n
        if visit_id not in entry[3]:
            entry[3].append(visit_id)
    return [(u, n, count, sorted(v, key=lambda x: (x is None, x or 0)))
            for u, n, count, v in sorted(out.values())]


def get_task(session: Session, task_id: int) -> TaskView:
    q, _group = _task_query()
    row = session.execute(q.where(Task.id == task_id)).first()
    if row is None:
        raise NotFound(_("no task {task}").format(task=task_id), hint=_("see `receptionctl task list`"))
    return _view(row, clock.now(), Days(session))

