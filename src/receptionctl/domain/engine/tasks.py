"""The task engine: the procedure turned into a dated checklist for each visit.

Stages never create, move or close procedure tasks themselves: they tell the engine what
happened (`on(session, Event(...))`) and the procedure file says which tasks that opens
or closes. The engine never imports a stage module.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, insert, or_, update
from sqlalchemy.orm import Session, aliased
from sqlmodel import select

from receptionctl.domain.core import access, audit, clock, find, lifecycle, outbox, policy
from receptionctl.domain.core.base import required_text
from receptionctl.domain.core.calendar import WorkCalendar, calendar_for
from receptionctl.domain.core.due import parse_due, parse_every
from receptionctl.domain.core.vocab import ONE_VISIT_ROLES, VisitRole
from receptionctl.domain.engine.events import (
    EVENTS,
    STAGE_OPENS,
    Event,
    OpenedTask,
    Outcome,
)
from receptionctl.domain.engine.procedure import (
    STAGES,
    Procedure,
    TaskSpec,
    by_id,
    current,
)
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, chinese, code, ngettext
from receptionctl.store.tables.common import Client, ServiceCase, Staff, StaffRole, Task, Visit
from receptionctl.store.tables.visits import Assignment, Plan

# desk tasks that close when their action is done, not with `task done`: key prefix -> the command
ACTION_TASKS = (("goods-agree-", "goods approve N"), ("mail-collect", "mail collect N"),
                ("handover-settle", "desk handover settle N --note TEXT"),
                ("procedure-read-", "procedure ack VERSION_ID"))
TASK_STAGES = (*STAGES, "case", "desk")  # the procedure's stages, service cases' steps, the front desk's
VISIT_ROLES = {r.value for r in VisitRole}
# Roles that only mean something on one visit: an unassigned one falls to nobody. The other
# owners (coordinator, approver, desk, and security when none is assigned) fall to anyone
# holding that staff role.
PER_VISIT = set(ONE_VISIT_ROLES)
CLOSE_ANY = frozenset({"coordinator"})  # besides admin, the owner and the backup
TASK_STATES = ("open", "done", "skipped", "missed")  # missed: still open when the visit was completed
# the stored codes of tasks, as they are shown (i18n.code): their states and stages
CODES = (
    N_("code|open"), N_("code|done"), N_("code|skipped"), N_("code|missed"),
    N_("code|prepare"), N_("code|receive"), N_("code|followup"), N_("code|case"), N_("code|desk"),
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
    def shown_due(self) -> str:
        """`due_in_words` in the run's language (the JSON keeps the English words)."""
        return shown_words(self.due_in_words)


# -- generation ---------------------------------------------------------------------------
def _context(session: Session) -> tuple[dict, WorkCalendar]:
    rules = policy.load(session)
    return rules, calendar_for(rules["country"])


class _Days:
    """The calendar and zone that due dates are read in (one policy read per command)."""

    def __init__(self, session: Session) -> None:
        self.rules, self.cal = _context(session)
        self.zone = policy.work_zone(self.rules)


def due_for(expr: str, visit, rules: dict, cal: WorkCalendar, event_at: datetime | None = None) -> datetime:
    return parse_due(expr).at(visit.starts_at, visit.ends_at, rules, cal, policy.work_zone(rules), event_at)


FIXED = "fixed"  # the due_expr of an event task made before the engine read them from the procedure


def _event_anchored():
    """Tasks opened by an event keep their deadline when the visit moves."""
    return or_(Task.due_expr == FIXED, Task.due_expr.like("event%"))


def generate(session: Session, visit, proc: Procedure, stages: tuple[str, ...], nda: bool,
             only: set[str] | None = None) -> list[str]:
    """Add the tasks of `stages` that apply to this visit and that it does not have yet
    (the steps opened by their stage, not by an event). Returns the keys added."""
    rules, cal = _context(session)
    have = set(session.scalars(select(Task.key).where(Task.visit_id == visit.id)))
    now = clock.now()
    added = []
    for spec in proc.tasks:
        if spec.stage not in stages or spec.key in have or (only is not None and spec.key not in only):
            continue
        if spec.opens_on is not None:
            continue
        if not spec.applies(visit.level, visit.purpose, visit.offsite, nda):
            continue
        session.add(Task(
            visit_id=visit.id, key=spec.key, stage=spec.stage, title=spec.title, title_zh=spec.title_zh,
            owner=spec.owner, due_expr=spec.due, repeat=spec.repeat, seq=1,
            due_at=due_for(spec.due, visit, rules, cal), state="open", created_at=now,
        ))
        added.append(spec.key)
    session.flush()
    return added


def _stages_opened_by(name: str) -> tuple[str, ...]:
    return tuple(stage for stage, event in STAGE_OPENS.items() if event == name)


# -- compressing a short-notice schedule ----------------------------------------------------
COMPRESS_REASONS = {
    "recorded": N_("the visit was recorded"),
    "rescheduled": N_("the visit was rescheduled"),
    "nda": N_("the plan came to require an NDA"),
    "edited": N_("the visit's level, purpose or off-site changed"),
}


def fit_schedule(session: Session, visit, reason: str) -> int:
    """No task is born overdue. The visit's open preparation and reception-day tasks whose
    procedure deadline has already passed are compressed into the time left: spread evenly
    between now and the next task still on time (else the start), in the procedure's order
    (tasks sharing a deadline share a slot), each due no earlier than now, all before the
    visit starts. The procedure's own deadline is kept as `planned_at`. Returns how many."""
    now = clock.now()
    if visit.starts_at <= now:
        return 0
    rows = list(session.scalars(
        select(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.seq == 1,
                           ~_event_anchored(), Task.stage.in_(("prepare", "receive")))
        .order_by(Task.due_at, Task.id)
    ))
    late = [t for t in rows if t.due_at < now and t.due_at < visit.starts_at]
    if not late:
        return 0
    limit = min([t.due_at for t in rows if t.due_at >= now] + [visit.starts_at])
    slots = sorted({t.due_at for t in late})
    window = limit - now
    at = {}
    for i, slot in enumerate(slots, 1):
        moment = now + window * i / (len(slots) + 1)
        whole = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        at[slot] = whole if whole < limit else moment  # on the minute, when there is room
    for t in late:
        t.planned_at, t.due_at = t.due_at, at[t.due_at]
    visit.compressed_at, visit.compressed_reason = now, reason
    session.flush()
    return len(late)


class _Fields(dict):
    """Event data and policy numbers for a title; an unknown name stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str | None, fields: dict) -> str | None:
    if text is None:
        return None
    return string.Formatter().vformat(text, (), _Fields(fields))


def _open_task(session: Session, visit_id: int, key: str) -> int | None:
    """The id of the visit's open task with this key, if any."""
    return session.scalars(select(Task.id).where(Task.visit_id == visit_id, Task.key == key,
                                                 Task.state == "open")).first()


def _next_seq(session: Session, visit_id: int, key: str) -> int:
    """The number of the next task with this key on the visit (2, 3 ... for repeats)."""
    return (session.scalar(select(func.max(Task.seq)).where(Task.visit_id == visit_id, Task.key == key)) or 0) + 1


def _open_for_event(session: Session, visit, spec: TaskSpec, event: Event, rules: dict, cal: WorkCalendar,
                    now: datetime) -> OpenedTask | int:
    """Open the task an event calls for, unless one is open already for the same subject
    (then its id)."""
    key = spec.key_for(event.data)
    already = _open_task(session, visit.id, key)
    if already is not None:
        return already
    owner = spec.owner
    if spec.owner_fallback:
        assigned = set(session.scalars(select(Assignment.role).where(
            Assignment.visit_id == visit.id, Assignment.role.in_((spec.owner, *spec.owner_fallback)))))
        owner = next((r for r in (spec.owner, *spec.owner_fallback) if r in assigned), spec.owner)
    fields = {**rules, **event.data}
    row = Task(visit_id=visit.id, key=key, stage=spec.stage, title=_fill(spec.title, fields),
               title_zh=_fill(spec.title_zh, fields), owner=owner, due_expr=spec.due, repeat=None,
               seq=_next_seq(session, visit.id, key),
               due_at=due_for(spec.due, visit, rules, cal, event_at=now), state="open", created_at=now)
    session.add(row)
    session.flush()
    return OpenedTask(row.id, key, spec.key, owner, row.due_at, row.title)


def _close_for_event(session: Session, visit, proc: Procedure, event: Event) -> int:
    """The open tasks whose step says `closes_on = event` are done (for a per-subject step,
    only the task of that subject)."""
    keys = {spec.key_for(event.data) for spec in proc.tasks if spec.closes_on == event.name
            and (spec.per is None or spec.per in event.data)}
    if not keys:
        return 0
    result = session.execute(
        update(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.key.in_(keys))
        .values(state="done", done_at=clock.now(), done_by=event.actor, note=event.note or event.name)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# -- the events -----------------------------------------------------------------------------
def on(session: Session, event: Event) -> Outcome:
    """Something happened to a visit: open, close, move, repeat or miss its tasks as the
    visit's procedure says. Returns what was done, for the stage's messages."""
    if event.name not in EVENTS:
        raise ValueError(f"unknown event {event.name!r}")
    visit = session.get(Visit, event.visit_id)
    out = Outcome()
    if event.name == "visit.recorded":
        visit.procedure_id = current(session).id
    proc = by_id(session, visit.procedure_id)
    nda = bool(session.get(Plan, visit.id).nda) if event.name != "visit.recorded" else False
    # what the visit's life cycle itself means for its tasks
    if event.name == "visit.rescheduled":
        out.moved = move_open_tasks(session, visit)
    elif event.name == "visit.cancelled":
        out.closed += close_open_tasks(session, visit.id, _("visit cancelled: {reason}").format(
            reason=event.data["reason"]), by=event.actor)
    elif event.name == "plan.nda_changed":
        nda_changed(session, visit, proc, bool(event.data["nda"]), event.actor)
    elif event.name == "visit.edited":
        out.closed += conditions_changed(session, visit, proc, nda, event.actor, event.data["changed"])
    elif event.name == "outcome.recorded":
        _outcome(session, visit, proc, event, out)
    out.closed += _close_for_event(session, visit, proc, event)
    stages = _stages_opened_by(event.name)
    if stages:
        generate(session, visit, proc, stages, nda=nda)
    if event.name == "visit.completed":
        out.missed = mark_missed(session, visit)
    if event.name == "visit.recorded":
        out.compressed = fit_schedule(session, visit, "recorded")
    openers = [s for s in proc.tasks if s.opens_on == event.name and s.matches(event.data)
               and s.applies(visit.level, visit.purpose, visit.offsite, nda)]
    if openers:
        rules, cal = _context(session)
        now = clock.now()
        for spec in openers:
            opened = _open_for_event(session, visit, spec, event, rules, cal, now)
            if isinstance(opened, OpenedTask):
                out.opened.append(opened)
            else:
                out.already_open.append(opened)
    session.flush()
    return out


def _outcome(session: Session, visit, proc: Procedure, event: Event, out: Outcome) -> None:
    """won or lost ends the repeating follow-ups; intent after won or lost starts them again."""
    outcome, was = event.data["outcome"], event.data.get("was")
    if outcome in ("won", "lost"):
        chain = set(session.scalars(select(Task.key).where(Task.visit_id == visit.id, Task.repeat.is_not(None),
                                                           Task.state == "open")))
        if chain:
            out.closed += close_open_tasks(session, visit.id, _("not needed: the outcome is {outcome}").format(
                outcome=code(outcome)), keys=chain, by=event.actor)
    elif outcome == "intent" and was in ("won", "lost"):
        out.opened += restart_chains(session, visit, proc)


def restart_chains(session: Session, visit, proc: Procedure) -> list[OpenedTask]:
    """The deal is open again: each repeating follow-up step gets a new task, due one
    interval from now, unless one is open already."""
    rules, cal = _context(session)
    nda = bool(session.get(Plan, visit.id).nda)
    started = []
    for spec in proc.tasks:
        if not spec.repeat or spec.stage != "followup" or not spec.applies(visit.level, visit.purpose, visit.offsite, nda):
            continue
        if _open_task(session, visit.id, spec.key) is not None:
            continue
        now = clock.now()
        row = Task(visit_id=visit.id, key=spec.key, stage=spec.stage, title=spec.title, title_zh=spec.title_zh,
                   owner=spec.owner, due_expr=spec.due, repeat=spec.repeat, seq=_next_seq(session, visit.id, spec.key),
                   due_at=parse_every(spec.repeat).apply(now, rules, cal, policy.work_zone(rules)),
                   state="open", created_at=now)
        session.add(row)
        session.flush()
        started.append(OpenedTask(row.id, spec.key, spec.key, spec.owner, row.due_at, spec.title))
    return started


def move_open_tasks(session: Session, visit) -> int:
    """After a reschedule: open tasks are due relative to the new times (those opened by
    an event keep theirs)."""
    rules, cal = _context(session)
    moved = 0
    for task in session.scalars(select(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.seq == 1,
                                                   ~_event_anchored())):
        task.due_at, task.planned_at = due_for(task.due_expr, visit, rules, cal), None
        moved += 1
    visit.compressed_at = visit.compressed_reason = None
    session.flush()
    fit_schedule(session, visit, "rescheduled")
    return moved


def close_open_tasks(session: Session, visit_id: int, why: str, keys: set[str] | None = None,
                     by: str | None = None) -> int:
    """Mark open tasks as skipped (a cancelled visit, an NDA no longer needed, a chain ended)."""
    q = update(Task).where(Task.visit_id == visit_id, Task.state == "open")
    if keys is not None:
        q = q.where(Task.key.in_(keys))
    result = session.execute(q.values(state="skipped", note=why, done_at=clock.now(), done_by=by)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def nda_changed(session: Session, visit, proc: Procedure, nda: bool, actor: str) -> list[str]:
    """The plan now does (or no longer does) require an NDA: add (or close) its tasks."""
    nda_keys = {t.key for t in proc.tasks if t.nda is True}
    stages = ("prepare", "receive") if visit.status not in lifecycle.ENDED else STAGES
    if nda:
        for row in session.scalars(select(Task).where(Task.visit_id == visit.id, Task.key.in_(nda_keys),
                                                      Task.state == "skipped")):
            row.state, row.done_at, row.done_by, row.note = "open", None, None, None  # needed again
        added = generate(session, visit, proc, stages, nda=True, only=nda_keys)
        fit_schedule(session, visit, "nda")
        return added
    close_open_tasks(session, visit.id, _("the plan no longer requires an NDA"), keys=nda_keys, by=actor)
    return []


NO_LONGER = "no longer applies after the visit changed"  # English in the note: found again by these words


def conditions_changed(session: Session, visit, proc: Procedure, nda: bool, actor: str, what: str) -> int:
    """The visit's level, purpose or off-site changed: open steps of its stage that no longer
    apply are skipped (saying so), steps skipped that way and applying again reopen, steps
    that now apply are added (and fitted into the time left); done work stays done. Steps
    opened by an event are left to their event. Returns how many were skipped."""
    stages = ("prepare", "receive") if visit.status not in lifecycle.ENDED else STAGES
    specs = {s.key: s for s in proc.tasks if s.opens_on is None and s.stage in stages}
    applies = {k for k, s in specs.items() if s.applies(visit.level, visit.purpose, visit.offsite, nda)}
    closed = close_open_tasks(session, visit.id, f"{NO_LONGER} ({what})", keys=set(specs) - applies, by=actor)
    for row in session.scalars(select(Task).where(Task.visit_id == visit.id, Task.key.in_(applies),
                                                  Task.state == "skipped", Task.note.like(f"{NO_LONGER}%"))):
        row.state, row.done_at, row.done_by, row.note = "open", None, None, None  # needed again
    generate(session, visit, proc, stages, nda=nda, only=applies)
    fit_schedule(session, visit, "edited")  # reopened and added steps may be late already
    return closed


# -- reading ------------------------------------------------------------------------------
_COLUMNS = (Task.id, Task.visit_id, Task.key, Task.stage, Task.title, Task.title_zh, Task.owner, Task.due_at,
            Task.done_at, Task.done_by, Task.state, Task.note, Task.seq, Task.planned_at, Task.case_id)


def _task_query():
    """Plain rows, not ORM objects: a list of thousands of tasks changes nothing. Returns the
    query and the expression of who a task falls to: the person it was reassigned to, else
    the person of its visit role, else the role itself."""
    main, backup, given = aliased(Staff, name="main"), aliased(Staff, name="backup"), aliased(Staff, name="given")
    return (
        select(*_COLUMNS, func.coalesce(given.username, main.username), func.coalesce(given.name, main.name),
               case((Task.assignee_id.is_(None), backup.username), else_=None), Client.name, Visit.starts_at)
        .outerjoin(Visit, Visit.id == Task.visit_id)
        .outerjoin(ServiceCase, ServiceCase.id == Task.case_id)
        .outerjoin(Client, Client.id == func.coalesce(Visit.client_id, ServiceCase.client_id))
        .outerjoin(Assignment, and_(Assignment.visit_id == Task.visit_id, Assignment.role == Task.owner))
        .outerjoin(main, main.id == Assignment.staff_id)
        .outerjoin(backup, backup.id == Assignment.backup_id)
        .outerjoin(given, given.id == Task.assignee_id)
    ), func.coalesce(given.username, main.username, Task.owner)


def _view(row, now: datetime, days: "_Days") -> TaskView:
    (tid, visit_id, key, stage, title, title_zh, owner_role, due_at, done_at, done_by, state, note, seq, planned_at,
     case_id, owner, owner_name, backup, client, starts) = row
    return TaskView(
        tid, visit_id, key, stage, title, title_zh, owner, owner_role, backup, owner_name, due_at, done_at, done_by,
        state, state == "open" and due_at < now, note, seq, client, starts,
        in_words(state, due_at, done_at, done_by, now, days.cal, days.zone), planned_at, case_id,
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
) -> list[TaskView]:
    """Tasks filtered and ordered in SQL (one statement, two with --owner). `now` is the
    moment "overdue" and "in 2 h" are reckoned from (an as-of report); default the clock.
    With `per_owner`, only the first so many of each person (or unassigned role) are read.
    `hide_restricted`: leave out the tasks of complaints about staff (for a viewer who may
    not see them)."""
    now = now or clock.now()
    q, group = _task_query()
    q = _filtered(session, q, visit_id=visit_id, owner=owner, stage=stage, overdue=overdue, state=state,
                  due_before=due_before, due_from=due_from, stages=stages, now=now, hide_restricted=hide_restricted)
    days = _Days(session)
    if per_owner is None:
        return [_view(r, now, days) for r in session.execute(q.order_by(Task.due_at, Task.id).limit(limit))]
    rank = func.row_number().over(partition_by=group,
                                  order_by=(Task.due_at, Task.id)).label("rank_in_group")
    sub = q.add_columns(rank).subquery()
    columns = list(sub.c)[:-1]
    rows = session.execute(select(*columns).where(sub.c.rank_in_group <= per_owner)
                           .order_by(sub.c.due_at, sub.c.id))
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
    return _view(row, clock.now(), _Days(session))


# -- closing ------------------------------------------------------------------------------
def _only_owner(session: Session, view: TaskView) -> bool:
    """Whether the visit's procedure says only the owner's role may close this step."""
    if view.visit_id is None:
        return False
    visit = session.get(Visit, view.visit_id)
    if visit.procedure_id is None:
        return False
    return any(s.only_owner for s in by_id(session, visit.procedure_id).tasks if s.key == view.key)


def _may_close(session: Session, actor: str, view: TaskView) -> None:
    who = access.require(session, actor, access.ANY_STAFF, N_("close tasks"))
    if _only_owner(session, view):
        if view.owner_role in who.roles:
            return
        raise NotAllowed(_("{user} cannot close task {task}: only someone with the {role} role may (the procedure "
                           "says so: {title})").format(user=actor, task=view.id, role=code(view.owner_role, "role"),
                                                       title=view.shown_title))
    if who.has(*CLOSE_ANY):
        return
    if actor in (view.owner, view.backup):
        return
    if view.owner is None and view.owner_role not in PER_VISIT and view.owner_role in who.roles:
        return
    raise NotAllowed(
        _("{user} cannot close task {task}: it is {who}'s (the owner, the backup, a coordinator or an admin "
          "may)").format(user=actor, task=view.id, who=view.who)
    )


def _load_open(session: Session, actor: str, task_id: int, states: tuple[str, ...] = ("open",)):
    view = get_task(session, task_id)
    if view.case_id is not None:
        raise Refused(_("task {task} is a step of case {case}: it closes with the case's own command").format(
            task=task_id, case=view.case_id),
            hint=_("see `receptionctl case show {case}` for what is next").format(case=view.case_id))
    for prefix, command in ACTION_TASKS:
        if view.key.startswith(prefix):
            raise Refused(_("task {task} stands for an action at the desk: it closes when that is done").format(
                task=task_id), hint=f"`receptionctl {command}`")
    _may_close(session, actor, view)
    row = session.get(Task, task_id)
    if row.state not in states:
        if row.done_at:
            raise Refused(_("task {task} is {state} already ({user}, {at})").format(
                task=task_id, state=code(row.state), user=row.done_by, at=f"{clock.local(row.done_at):%Y-%m-%d %H:%M}"))
        raise Refused(_("task {task} is {state} already").format(task=task_id, state=code(row.state)))
    return view, row


def done(session: Session, actor: str, task_id: int, note: str | None = None,
         at: datetime | None = None) -> tuple[TaskView, TaskView | None]:
    """Mark a task done, at `at` (the real time it was done; default now). A task missed at
    the visit's completion may still be recorded as done, late. A repeating task gets its
    next one, due an interval after now, until the visit's outcome is won or lost. The
    audit log says whether it was done late."""
    view, row = _load_open(session, actor, task_id, states=("open", "missed"))
    now = clock.now()
    if at is not None and at > now:
        raise BadInput(_("done at {at} is in the future: expected the real time it was done, at the latest now "
                         "({now})").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}",
                                           now=f"{clock.local(now):%Y-%m-%d %H:%M}"))
    if at is not None and at < row.created_at:
        raise BadInput(_("done at {at} is before task {task} existed ({created}): expected the real time it was "
                         "done").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}", task=task_id,
                                        created=f"{clock.local(row.created_at):%Y-%m-%d %H:%M}"))
    was = row.state
    row.state, row.done_at, row.done_by = "done", at or now, actor
    note = (note or "").strip()
    row.note = "\n".join(filter(None, (row.note, note))) or None  # after the notes of `task note`
    late = row.done_at > row.due_at
    nxt = None
    visit = session.get(Visit, row.visit_id) if row.visit_id is not None else None
    if row.repeat and visit is not None and visit.outcome not in ("won", "lost") and visit.status != "cancelled":
        rules, cal = _context(session)
        due = parse_every(row.repeat).apply(now, rules, cal, policy.work_zone(rules))
        nxt_row = Task(visit_id=row.visit_id, key=row.key, stage=row.stage, title=row.title, title_zh=row.title_zh,
                       owner=row.owner, due_expr=row.due_expr, repeat=row.repeat, seq=row.seq + 1, due_at=due,
                       state="open", created_at=now, assignee_id=row.assignee_id)
        session.add(nxt_row)
        session.flush()
        nxt = get_task(session, nxt_row.id)
    else:
        session.flush()
    audit.record(session, actor, "task.done", "task", task_id, visit_id=row.visit_id,
                 before={"state": was}, after={"state": "done", "note": row.note, "key": row.key,
                                               "done_at": row.done_at, "due_at": row.due_at, "late": late})
    outbox.emit(session, "task.done", {"task_id": task_id, "visit_id": row.visit_id, "case_id": row.case_id, "key": row.key, "title": row.title, "done_at": row.done_at, "due_at": row.due_at, "late": late, "next_task_id": nxt.id if nxt else None, "by": actor})
    return get_task(session, task_id), nxt


def skip(session: Session, actor: str, task_id: int, reason: str) -> TaskView:
    reason = required_text(reason, "--reason", N_("why the task is not needed"))
    view, row = _load_open(session, actor, task_id)
    row.state, row.done_at, row.done_by, row.note = "skipped", clock.now(), actor, reason
    session.flush()
    audit.record(session, actor, "task.skip", "task", task_id, visit_id=row.visit_id,
                 before={"state": "open"}, after={"state": "skipped", "reason": reason, "key": row.key})
    return get_task(session, task_id)


def reassign(session: Session, actor: str, task_id: int, to: str) -> TaskView:
    """Give one open task to one active person, whatever its role's assignment says (the
    coordinator, an approver or an admin; audited). The role's backup no longer applies."""
    access.require(session, actor, CLOSE_ANY, N_("reassign tasks"))
    view = get_task(session, task_id)
    if view.case_id is not None:
        raise Refused(_("task {task} is a step of case {case}: the case's owner changes with its own command").format(
            task=task_id, case=view.case_id), hint=f"`receptionctl case assign {view.case_id} --to USER`")
    row = session.get(Task, task_id)
    if row.state not in ("open", "missed"):
        raise Refused(_("task {task} is {state}: only open work is reassigned").format(task=task_id,
                                                                                      state=code(row.state)))
    person = find.staff(session, to, N_("the task's owner"), active_only=True)
    if view.owner == person.username and row.assignee_id == person.id:
        raise Refused(_("task {task} is {user}'s already").format(task=task_id, user=person.username))
    row.assignee_id = person.id
    session.flush()
    audit.record(session, actor, "task.reassign", "task", task_id, visit_id=row.visit_id,
                 before={"owner": view.owner, "owner_role": view.owner_role},
                 after={"owner": person.username, "key": row.key})
    outbox.emit(session, "task.assign", {"task_id": task_id, "visit_id": row.visit_id, "client": view.client, "key": row.key, "title": row.title, "due_at": row.due_at, "owner": person.username, "previous": view.owner, "by": actor})
    return get_task(session, task_id)


def add_note(session: Session, actor: str, task_id: int, text: str) -> TaskView:
    """A line of news on a task ("client asked to move to 3 pm"), kept with who and when."""
    text = required_text(text, N_("note"), N_("what happened"), limit=2000)
    view = get_task(session, task_id)
    if view.case_id is not None:
        raise Refused(_("task {task} is a step of case {case}: notes about a case go to the duty logbook").format(
            task=task_id, case=view.case_id), hint=f"`receptionctl log add TEXT --case {view.case_id}`")
    access.require(session, actor, access.ANY_STAFF, N_("write task notes"))
    row = session.get(Task, task_id)
    line = f"{clock.local(clock.now()):%Y-%m-%d %H:%M} {actor}: {text}"
    before = row.note
    row.note = "\n".join(filter(None, (row.note, line)))
    session.flush()
    audit.record(session, actor, "task.note", "task", task_id, visit_id=view.visit_id,
                 before={"note": before}, after={"note": row.note})
    return get_task(session, task_id)


# -- the steps of service cases ------------------------------------------------------------
def open_case_task(session: Session, case_id: int, key: str, title: str, title_zh: str | None, owner_role: str,
                   due_at: datetime, assignee_id: int | None = None) -> int:
    """A step of a service case (stage "case"): it falls to `assignee_id` when given, else to
    anyone holding `owner_role`. Unless one with that key is open already."""
    open_id = session.scalar(select(Task.id).where(Task.case_id == case_id, Task.key == key, Task.state == "open"))
    if open_id is not None:
        return open_id
    seq = (session.scalar(select(func.max(Task.seq)).where(Task.case_id == case_id, Task.key == key)) or 0) + 1
    row = Task(visit_id=None, case_id=case_id, key=key, stage="case", title=title, title_zh=title_zh,
               owner=owner_role, due_expr=FIXED, seq=seq, due_at=due_at, state="open", created_at=clock.now(),
               assignee_id=assignee_id)
    session.add(row)
    session.flush()
    return row.id


def open_desk_task(session: Session, key: str, title: str, title_zh: str | None, owner_role: str,
                   due_at: datetime, assignee_id: int | None = None, visit_id: int | None = None) -> int:
    """A task of the front desk's (stage "desk": a message passed on, mail to collect, a
    refused handover to settle), of no case; with `visit_id`, a reception-day task of that
    visit (a walk-in to meet). It is closed with `task done` by the person it falls to, or by
    the desk command that settles it."""
    row = Task(visit_id=visit_id, case_id=None, key=key, stage="receive" if visit_id else "desk", title=title,
               title_zh=title_zh,
               owner=owner_role, due_expr=FIXED, seq=1, due_at=due_at, state="open", created_at=clock.now(),
               assignee_id=assignee_id)
    session.add(row)
    session.flush()
    return row.id


def open_desk_tasks(session: Session, key: str, title: str, title_zh: str | None, owner_role: str,
                    due_at: datetime, assignee_ids) -> int:
    """The same desk task for each of `assignee_ids` (one each), in one statement whatever
    their number; how many were opened."""
    now = clock.now()
    rows = [dict(visit_id=None, case_id=None, key=key, stage="desk", title=title, title_zh=title_zh,
                 owner=owner_role, due_expr=FIXED, seq=1, due_at=due_at, state="open", created_at=now,
                 assignee_id=staff_id) for staff_id in sorted(set(assignee_ids))]
    if rows:
        session.execute(insert(Task), rows)
    return len(rows)


def close_desk_tasks(session: Session, by: str, *, keys=None, prefix: str | None = None,
                     assignee_id: int | None = None, state: str = "done", note: str | None = None) -> list[int]:
    """Close the open desk tasks with these keys, or keys starting with `prefix` (of one person
    with `assignee_id`), in a fixed number of statements: done by the command they stand for,
    or skipped when superseded. The people whose tasks were closed (their assignee ids)."""
    where = [Task.stage == "desk", Task.state == "open"]
    if keys is not None:
        where.append(Task.key.in_(list(keys)))
    if prefix is not None:
        where.append(Task.key.startswith(prefix, autoescape=True))
    if assignee_id is not None:
        where.append(Task.assignee_id == assignee_id)
    people = list(session.scalars(select(Task.assignee_id).where(*where)))
    if not people:
        return []
    values = {"state": state, "done_at": clock.now(), "done_by": by}
    if note:  # after the lines of `task note`
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    session.execute(update(Task).where(*where).values(**values).execution_options(synchronize_session=False))
    return [p for p in people if p is not None]


def close_task(session: Session, task_id: int, by: str, note: str | None = None) -> bool:
    """Close one open task by id (the desk command that settles it); False if it was not open."""
    values = {"state": "done", "done_at": clock.now(), "done_by": by}
    if note:  # after the lines of `task note`
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    result = session.execute(update(Task).where(Task.id == task_id, Task.state == "open")
                             .values(**values).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def close_case_tasks(session: Session, case_id: int, keys: set[str] | None, by: str, state: str = "done",
                     note: str | None = None) -> int:
    """Close a case's open steps (`keys`, or all of them): done by the case's command, or
    skipped when the case moved on without them."""
    q = update(Task).where(Task.case_id == case_id, Task.state == "open")
    if keys is not None:
        q = q.where(Task.key.in_(keys))
    values = {"state": state, "done_at": clock.now(), "done_by": by}
    if note:
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    result = session.execute(q.values(**values).execution_options(synchronize_session=False))
    return result.rowcount or 0


def reassign_case_tasks(session: Session, case_id: int, keys: set[str], assignee_id: int,
                        due: dict[str, datetime] | None = None) -> None:
    """The case has a new owner (and maybe deadlines, by key): its open steps follow."""
    session.execute(update(Task).where(Task.case_id == case_id, Task.state == "open", Task.key.in_(keys))
                    .values(assignee_id=assignee_id).execution_options(synchronize_session=False))
    for key, due_at in (due or {}).items():
        session.execute(update(Task).where(Task.case_id == case_id, Task.state == "open", Task.key == key)
                        .values(due_at=due_at).execution_options(synchronize_session=False))


# -- the checklist ------------------------------------------------------------------------
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


@dataclass(frozen=True)
class ChecklistItem:
    task: TaskView
    mark: str  # ✓ done, ✗ overdue, • open, – skipped, ! missed


@dataclass(frozen=True)
class Checklist:
    visit_id: int
    client: str
    starts_at: datetime
    status: str
    plan_status: str
    readiness: float | None  # share of the preparation tasks done (skipped ones left out)
    prepared: int
    to_prepare: int
    blockers: tuple[str, ...]
    stages: dict[str, tuple[ChecklistItem, ...]]
    compressed: str | None = None  # why and how the preparation schedule was compressed
    missed: tuple[str, ...] = ()  # keys of the tasks missed at completion


def mark(view: TaskView) -> str:
    if view.state == "done":
        return "✓"
    if view.state == "skipped":
        return "–"
    if view.state == "missed":
        return "!"
    return "✗" if view.overdue else "•"


def readiness(tasks: list[TaskView]) -> tuple[float | None, int, int]:
    prep = [t for t in tasks if t.stage == "prepare" and t.state != "skipped"]
    done_n = sum(1 for t in prep if t.state == "done")
    return (done_n / len(prep) if prep else None), done_n, len(prep)


def blockers_of(visit_view, tasks: list[TaskView]) -> list[str]:
    out = []
    if visit_view.status in ("planning", "submitted") and visit_view.plan_status != "approved":
        out.append(_("plan is {status}, not approved").format(status=code(visit_view.plan_status)))
    if visit_view.reapproval:
        out.append(_("re-approval needed: {why}").format(why=visit_view.reapproval))
    overdue = [t for t in tasks if t.stage == "prepare" and t.overdue]
    if overdue:
        out.append(ngettext("{n} preparation task overdue: {keys}", "{n} preparation tasks overdue: {keys}",
                            len(overdue)).format(n=len(overdue), keys=", ".join(t.key for t in overdue)))
    unassigned = sorted({t.owner_role for t in tasks if t.state == "open" and t.owner is None
                         and t.owner_role in PER_VISIT})
    if unassigned:
        out.append(_("no one assigned as {roles}").format(roles=_(", ").join(code(r, "role") for r in unassigned)))
    return out


def compression_note(compressed_at: datetime | None, reason: str | None, starts_at: datetime,
                     tasks: list[TaskView]) -> str | None:
    """Why and how a schedule was compressed, in words (None when it was not)."""
    squeezed = [t for t in tasks if t.planned_at is not None]
    if compressed_at is None or not squeezed:
        return None
    left = starts_at - compressed_at
    hours = int(left.total_seconds() // 3600)
    left_words = (_("{n} h").format(n=hours) if hours
                  else _("{n} min").format(n=max(1, int(left.total_seconds() // 60))))
    first, last = min(t.due_at for t in squeezed), max(t.due_at for t in squeezed)
    why = _(COMPRESS_REASONS.get(reason or "", reason or N_("the schedule changed")))
    n = len(squeezed)
    return ngettext(
        "{why} {at}, {left} before the start: {n} task whose procedure deadline had passed is due between "
        "{first} and {last}, in the procedure's order",
        "{why} {at}, {left} before the start: {n} tasks whose procedure deadline had passed are due between "
        "{first} and {last}, in the procedure's order", n).format(
        why=why, at=f"{clock.local(compressed_at):%Y-%m-%d %H:%M}", left=left_words, n=n,
        first=f"{clock.local(first):%m-%d %H:%M}", last=f"{clock.local(last):%m-%d %H:%M}")


def checklist(session: Session, v) -> Checklist:
    """The checklist of a visit, from its read model `v` (a VisitView)."""
    visit_id = v.id
    row = session.get(Visit, visit_id)
    tasks = list_tasks(session, visit_id=visit_id, state="all")
    share, done_n, total = readiness(tasks)
    stages = {stage: tuple(ChecklistItem(t, mark(t)) for t in tasks if t.stage == stage) for stage in STAGES}
    return Checklist(visit_id, v.client, v.starts_at, v.status, v.plan_status, share, done_n, total,
                     tuple(blockers_of(v, tasks)), stages,
                     compressed=compression_note(row.compressed_at, row.compressed_reason, row.starts_at, tasks),
                     missed=tuple(t.key for t in tasks if t.state == "missed"))


def mark_missed(session: Session, visit) -> list[tuple[int, str]]:
    """At completion: preparation and reception-day tasks of the procedure still open and
    due by the end of the visit are missed (a task due later, such as archiving the
    video, stays open). They count against compliance; each may still be done, late."""
    rows = list(session.scalars(select(Task).where(
        Task.visit_id == visit.id, Task.state == "open", ~_event_anchored(),
        Task.stage.in_(("prepare", "receive")), Task.due_at <= visit.ends_at).order_by(Task.due_at, Task.id)))
    for t in rows:
        t.state, t.done_by, t.note = "missed", None, _("still open when the visit was completed")
    session.flush()
    return [(t.id, t.key) for t in rows]


def adopt_orphans(session: Session, actor: str) -> int:
    """Visits recorded before the procedure engine existed take the procedure in use; those
    still ahead get its tasks. Run by `init` and `db migrate`."""
    orphans = list(session.scalars(select(Visit).where(Visit.procedure_id.is_(None))))
    if not orphans:
        return 0
    proc = current(session)
    for visit in orphans:
        visit.procedure_id = proc.id
        nda = bool(session.get(Plan, visit.id).nda)
        if visit.status in lifecycle.ACTIVE:
            generate(session, visit, proc, ("prepare", "receive"), nda=nda)
        elif visit.status == "completed":
            generate(session, visit, proc, ("followup",), nda=nda)
    audit.record(session, actor, "procedure.adopt", "procedure", proc.id,
                 after={"visits": [v.id for v in orphans]})
    return len(orphans)
