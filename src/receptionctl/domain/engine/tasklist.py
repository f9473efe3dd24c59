"""Reading tasks: the read model (`TaskView`: who a task falls to, its due time in words in
the run's language), the tasks' states and stages, and the queries (`list_tasks`,
`count_by_owner`, `get_task`, `inactive_owners`): plain rows filtered and ordered in SQL.

It stands below the tasks (tasks.py), the checklist (checklists.py) and the case and desk
tasks (areatasks.py), and above the schedule (schedule.py), whose `Days` it reads in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import and_, case, func, or_, select

from receptionctl.domain.core import clock, find
from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.domain.core.vocab import ONE_VISIT_ROLES, STAGES, VisitRole
from receptionctl.domain.engine.schedule import Days
from receptionctl.errors import BadInput, NotFound
from receptionctl.i18n import N_, _, chinese, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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
        wd = cal.working_days_after(start, end)
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
_COLUMNS = (light.task.c.id, light.task.c.visit_id, light.task.c.key, light.task.c.stage, light.task.c.title, light.task.c.title_zh, light.task.c.owner, light.task.c.due_at,
            light.task.c.done_at, light.task.c.done_by, light.task.c.state, light.task.c.note, light.task.c.seq, light.task.c.planned_at, light.task.c.case_id,
            light.task.c.opportunity_id)
PRIORITIES = ("high", "medium", "low")  # a task without one is ordered with the medium ones
# a service case's severity as the priority of its steps
SEVERITY_PRIORITY = {"critical": "high", "high": "high", "medium": "medium", "low": "low"}
_OPP, _CLIENT_OPP = light.opportunity.alias("opp"), light.opportunity.alias("client_opp")
PRIORITY = case(
    (light.task.c.case_id.is_not(None), case(*((light.service_case.c.severity == sev, p) for sev, p in SEVERITY_PRIORITY.items()),
                                     else_=None)),
    else_=func.coalesce(_OPP.c.priority, _CLIENT_OPP.c.priority))
PRIORITY_RANK = case((PRIORITY == "high", 0), (PRIORITY == "low", 2), else_=1)


def task_query():
    """Plain rows, not ORM objects: a list of thousands of tasks changes nothing. Returns the
    query and the expression of who a task falls to: the person it was reassigned to, else
    the person of its visit role, else the role itself. A task's priority: its case's severity,
    the opportunity whose next step it is, or for a follow-up task of a visit the open
    opportunity of the visit's client. A follow-up step's backup is the role's backup, else the client's account
    manager (its keeper, issue 26)."""
    main, backup, given = light.staff.alias("main"), light.staff.alias("backup"), light.staff.alias("given")
    keeper = light.staff.alias("keeper")
    keeps = case((and_(light.task.c.stage == "followup", keeper.c.active.is_(True),
                       or_(main.c.id.is_(None), main.c.id != keeper.c.id)), keeper.c.username), else_=None)
    return (
        select(*_COLUMNS, func.coalesce(given.c.username, main.c.username), func.coalesce(given.c.name, main.c.name),
               case((light.task.c.assignee_id.is_(None), func.coalesce(backup.c.username, keeps)), else_=None), light.client.c.name,
               light.visit.c.starts_at, PRIORITY.label("priority"))
        .outerjoin(light.visit, light.visit.c.id == light.task.c.visit_id)
        .outerjoin(light.service_case, light.service_case.c.id == light.task.c.case_id)
        .outerjoin(_OPP, _OPP.c.id == light.task.c.opportunity_id)
        .outerjoin(_CLIENT_OPP, and_(_CLIENT_OPP.c.open_client_id == light.visit.c.client_id, light.task.c.stage == "followup"))
        .outerjoin(light.client, light.client.c.id == func.coalesce(light.visit.c.client_id, light.service_case.c.client_id, _OPP.c.client_id,
                                                      light.task.c.client_id))
        .outerjoin(light.assignment, and_(light.assignment.c.visit_id == light.task.c.visit_id, light.assignment.c.role == light.task.c.owner))
        .outerjoin(main, main.c.id == light.assignment.c.staff_id)
        .outerjoin(backup, backup.c.id == light.assignment.c.backup_id)
        .outerjoin(given, given.c.id == light.task.c.assignee_id)
        .outerjoin(keeper, keeper.c.id == light.client.c.manager_id)
    ), func.coalesce(given.c.username, main.c.username, light.task.c.owner)


def row_view(row, now: datetime, days: "Days") -> TaskView:
    (tid, visit_id, key, stage, title, title_zh, owner_role, due_at, done_at, done_by, state, note, seq, planned_at,
     case_id, opportunity_id, owner, owner_name, backup, client, starts, priority) = row[:22]
    return TaskView(
        tid, visit_id, key, stage, title, title_zh, owner, owner_role, backup, owner_name, due_at, done_at, done_by,
        state, state == "open" and due_at < now, note, seq, client, starts,
        in_words(state, due_at, done_at, done_by, now, days.cal, days.zone), planned_at, case_id, priority,
        opportunity_id,
    )


def _order(by_priority: bool) -> tuple:
    """By due time; with `by_priority`, high first, then medium (and those without), then low."""
    t = light.task.c
    return (PRIORITY_RANK, t.due_at, t.id) if by_priority else (t.due_at, t.id)


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
    q, group = task_query()
    q = filtered(session, q, visit_id=visit_id, owner=owner, stage=stage, overdue=overdue, state=state,
                  due_before=due_before, due_from=due_from, stages=stages, now=now, hide_restricted=hide_restricted)
    days = Days(session)
    order = _order(by_priority)
    if per_owner is None:
        return [row_view(r, now, days) for r in session.execute(q.order_by(*order).limit(limit))]
    rank = func.row_number().over(partition_by=group, order_by=order).label("rank_in_group")
    sub = q.add_columns(PRIORITY_RANK.label("priority_rank"), rank).subquery()
    columns = list(sub.c)[:-2]
    outer = (sub.c.priority_rank, sub.c.due_at, sub.c.id) if by_priority else (sub.c.due_at, sub.c.id)
    rows = session.execute(select(*columns).where(sub.c.rank_in_group <= per_owner).order_by(*outer))
    return [row_view(r, now, days) for r in rows]


def iter_tasks(session: Session, *, now: datetime | None = None, by_priority: bool = False, batch: int = 1000,
               **filters) -> Iterator[TaskView]:
    """The tasks list_tasks selects (the same filters and order, every one), read in batches of
    `batch` rows as they are used, so that hundreds of thousands are never held at once (the
    JSON report of a large database). Use it while its session is open."""
    now = now or clock.now()
    q, _group = task_query()
    q = filtered(session, q, now=now, **filters)
    days = Days(session)
    order = _order(by_priority)
    for row in session.execute(q.order_by(*order).execution_options(yield_per=batch)):
        yield row_view(row, now, days)


def count_by_owner(session: Session, *, now: datetime | None = None, **filters) -> dict[str, int]:
    """How many tasks the same filters as list_tasks select, per person (username) or, where
    no one is assigned, per role: one statement."""
    now = now or clock.now()
    q, group = task_query()
    q = filtered(session, q.with_only_columns(group, func.count(light.task.c.id)), now=now, **filters)
    return dict(session.execute(q.group_by(group)).all())


def filtered(session: Session, q, *, visit_id: int | None = None, owner: str | None = None,
              stage: str | None = None, overdue: bool = False, state: str | None = "open",
              due_before: datetime | None = None, due_from: datetime | None = None,
              stages: tuple[str, ...] | None = None, now: datetime, hide_restricted: bool = False):
    if hide_restricted:
        q = q.where(or_(light.task.c.case_id.is_(None), light.service_case.c.about_staff_id.is_(None)))
    if visit_id is not None:
        if session.scalar(select(light.visit.c.id).where(light.visit.c.id == visit_id)) is None:
            raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
        q = q.where(light.task.c.visit_id == visit_id)
    if stage is not None:
        if stage not in TASK_STAGES:
            raise BadInput(_("stage {stage!r} is not valid: expected prepare, receive, followup or case").format(
                stage=stage))
        q = q.where(light.task.c.stage == stage)
    if stages is not None:
        q = q.where(light.task.c.stage.in_(stages))
    if state is not None and state != "all":
        if state not in TASK_STATES:
            raise BadInput(_("state {state!r} is not valid: expected open, done, skipped, missed or all").format(
                state=state))
        q = q.where(light.task.c.state == state)
    if overdue:
        q = q.where(light.task.c.state == "open", light.task.c.due_at < now)
    if due_before is not None:
        q = q.where(light.task.c.due_at < due_before)
    if due_from is not None:
        q = q.where(light.task.c.due_at >= due_from)
    if owner is not None:
        uid = find.staff_row(session, owner, "--owner").id
        roles = select(light.staff_role.c.role).where(light.staff_role.c.staff_id == uid)
        q = q.where(or_(
            light.task.c.assignee_id == uid,
            and_(light.task.c.assignee_id.is_(None), or_(
                light.assignment.c.staff_id == uid,
                light.assignment.c.backup_id == uid,
                and_(light.assignment.c.id.is_(None), light.task.c.owner.in_(roles), light.task.c.owner.not_in(PER_VISIT)),
                and_(light.task.c.stage == "followup", light.client.c.manager_id == uid),  # the client's keeper backs it up
            )),
        ))
    return q


def inactive_owners(session: Session) -> list[tuple[str, str, int, list]]:
    """Open tasks that fall to a person who has been deactivated, per person: (username, name,
    how many, the visits (None for case and desk tasks)). They need a new owner. Read from
    the inactive people's side (usually none: one cheap statement), so that the work does not
    grow with the open tasks: at most three statements."""
    people = {i: (u, n) for i, u, n in session.execute(
        select(light.staff.c.id, light.staff.c.username, light.staff.c.name).where(light.staff.c.active.is_(False)))}
    if not people:
        return []
    by_role = session.execute(
        select(light.assignment.c.staff_id, light.task.c.visit_id, func.count(light.task.c.id))
        .join(light.task, and_(light.task.c.visit_id == light.assignment.c.visit_id, light.task.c.owner == light.assignment.c.role))
        .where(light.assignment.c.staff_id.in_(people), light.task.c.state == "open", light.task.c.assignee_id.is_(None))
        .group_by(light.assignment.c.staff_id, light.task.c.visit_id))
    given = session.execute(
        select(light.task.c.assignee_id, light.task.c.visit_id, func.count(light.task.c.id))
        .where(light.task.c.assignee_id.in_(people), light.task.c.state == "open")
        .group_by(light.task.c.assignee_id, light.task.c.visit_id))
    out: dict[int, list] = {}
    for staff_id, visit_id, n in [*by_role, *given]:
        entry = out.setdefault(staff_id, [*people[staff_id], 0, []])
        entry[2] += n
        if visit_id not in entry[3]:
            entry[3].append(visit_id)
    return [(u, n, count, sorted(v, key=lambda x: (x is None, x or 0)))
            for u, n, count, v in sorted(out.values())]


def get_task(session: Session, task_id: int) -> TaskView:
    q, _group = task_query()
    row = session.execute(q.where(light.task.c.id == task_id)).first()
    if row is None:
        raise NotFound(_("no task {task}").format(task=task_id), hint=_("see `receptionctl task list`"))
    return row_view(row, clock.now(), Days(session))

