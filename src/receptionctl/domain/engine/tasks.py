"""The task engine: the procedure turned into a dated checklist for each visit.

Stages never create, move or close procedure tasks themselves: they tell the engine what
happened (`on(session, Event(...))`) and the procedure file says which tasks that opens
or closes. The engine never imports a stage module.

This module is its core: generating a visit's tasks from the procedure, the events (`on`),
and closing a task by hand (`done`, `skip`, `reassign`, `add_note`). The engine's modules
import downwards (.importlinter, engine-inside):

    tasks | checklists | areatasks   the core; a visit's checklist; the case and desk tasks
    tasklist                        the read model (TaskView) and its queries
    schedule                        when a task is due; compressing a short-notice schedule
    procedure                       the procedure file and its versions
    events                          the events' vocabulary
"""

from __future__ import annotations

import string
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import select

from receptionctl.domain.core import access, audit, clock, find, lifecycle, outbox, policy
from receptionctl.domain.core.base import required_text
from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.domain.core.due import parse_every
from receptionctl.domain.engine.events import ALSO_CLOSES, EVENTS, STAGE_OPENS, Event, OpenedTask, Outcome
from receptionctl.domain.engine.procedure import STAGES, Procedure, TaskSpec, by_id, current
from receptionctl.domain.engine.schedule import context, due_for, event_anchored, fit_schedule
from receptionctl.domain.engine.tasklist import PER_VISIT, TaskView, get_task, task_name
from receptionctl.errors import BadInput, NotAllowed, Refused
from receptionctl.i18n import N_, _, code, code_in
from receptionctl.store.tables.common import Task, Visit
from receptionctl.store.tables.visits import Assignment, Plan

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# desk tasks that close when their action is done, not with `task done`: key prefix -> the command
ACTION_TASKS = (("goods-agree-", "goods approve N"), ("mail-collect", "mail collect N"),
                ("handover-settle", "desk handover settle N --note TEXT"),
                ("procedure-read-", "procedure ack VERSION_ID"))
CLOSE_ANY = frozenset({"coordinator"})  # besides admin, the owner and the backup


# -- generation ---------------------------------------------------------------------------
def generate(session: Session, visit, proc: Procedure, stages: tuple[str, ...], nda: bool,
             only: set[str] | None = None) -> list[str]:
    """Add the tasks of `stages` that apply to this visit and that it does not have yet
    (the steps opened by their stage, not by an event). Returns the keys added."""
    rules, cal = context(session)
    have = set(session.scalars(select(Task.key).where(Task.visit_id == visit.id)))
    now = clock.now()
    added = []
    for spec in proc.tasks:
        if spec.stage not in stages or spec.key in have or (only is not None and spec.key not in only):
            continue
        if spec.opens_on is not None:
            continue
        if not spec.applies_to(visit, nda):
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


# -- the events -----------------------------------------------------------------------------
class _Fields(dict):
    """Event data and policy numbers for a title; an unknown name stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str | None, fields: dict) -> str | None:
    if text is None:
        return None
    return string.Formatter().vformat(text, (), _Fields(fields))


# event data that are stored codes (an incident's kind and severity, a feedback's channel, an outcome)
_CODE_FIELDS = frozenset({"kind", "severity", "channel", "outcome", "was"})


def _fill_zh(text: str | None, fields: dict) -> str | None:
    """A Chinese title filled in: the codes among the event's data in Chinese too ("高", not "high"),
    whatever the language of the run that opens the task (the title is stored, for every reader)."""
    return _fill(text, {k: code_in("zh-CN", v, k) if k in _CODE_FIELDS and isinstance(v, str) else v
                        for k, v in fields.items()})


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
               title_zh=_fill_zh(spec.title_zh, fields), owner=owner, due_expr=spec.due, repeat=None,
               seq=_next_seq(session, visit.id, key),
               due_at=due_for(spec.due, visit, rules, cal, event_at=now), state="open", created_at=now)
    session.add(row)
    session.flush()
    return OpenedTask(row.id, key, spec.key, owner, row.due_at, row.title)


def _close_for_event(session: Session, visit, proc: Procedure, event: Event) -> int:
    """The open tasks whose step says `closes_on = event` (or an event it also closes for,
    ALSO_CLOSES) are done, at the event's time (for a per-subject step, only the task of that
    subject)."""
    closing = {event.name, *ALSO_CLOSES.get(event.name, ())}
    keys = {spec.key_for(event.data) for spec in proc.tasks if spec.closes_on in closing
            and (spec.per is None or spec.per in event.data)}
    if not keys:
        return 0
    result = session.execute(
        update(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.key.in_(keys))
        .values(state="done", done_at=event.at or clock.now(), done_by=event.actor, note=event.note or event.name)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


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
    elif event.name in ("outcome.recorded", "opportunity.ended"):
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
               and s.applies_to(visit, nda)]
    if openers:
        rules, cal = context(session)
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
    """won or lost ends the repeating follow-ups; intent after won or lost starts them again. The
    client's opportunity won or lost (`opportunity.ended`) ends the steps of the follow-up chain."""
    if event.name == "opportunity.ended":
        chain = {spec.key for spec in proc.tasks if spec.chain}
        if chain:
            out.closed += close_open_tasks(session, visit.id, _("not needed: the opportunity is {stage}").format(
                stage=code(event.data["stage"])), keys=chain, by=event.actor)
        return
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
    rules, cal = context(session)
    nda = bool(session.get(Plan, visit.id).nda)
    started = []
    for spec in proc.tasks:
        if not spec.repeat or spec.stage != "followup" or not spec.applies_to(visit, nda):
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
    rules, cal = context(session)
    moved = 0
    for task in session.scalars(select(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.seq == 1,
                                                   ~event_anchored())):
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
    applies = {k for k, s in specs.items() if s.applies_to(visit, nda)}
    closed = close_open_tasks(session, visit.id, f"{NO_LONGER} ({what})", keys=set(specs) - applies, by=actor)
    for row in session.scalars(select(Task).where(Task.visit_id == visit.id, Task.key.in_(applies),
                                                  Task.state == "skipped", Task.note.like(f"{NO_LONGER}%"))):
        row.state, row.done_at, row.done_by, row.note = "open", None, None, None  # needed again
    generate(session, visit, proc, stages, nda=nda, only=applies)
    fit_schedule(session, visit, "edited")  # reopened and added steps may be late already
    return closed


def mark_missed(session: Session, visit) -> list[tuple[int, str, str]]:
    """At completion: preparation and reception-day tasks of the procedure still open and
    due by the end of the visit are missed (a task due later, such as archiving the
    video, stays open). They count against compliance; each may still be done, late."""
    rows = list(session.scalars(select(Task).where(
        Task.visit_id == visit.id, Task.state == "open", ~event_anchored(),
        Task.stage.in_(("prepare", "receive")), Task.due_at <= visit.ends_at).order_by(Task.due_at, Task.id)))
    for t in rows:
        t.state, t.done_by, t.note = "missed", None, _("still open when the visit was completed")
    session.flush()
    return [(t.id, t.key, task_name(t.key, t.title, t.title_zh)) for t in rows]


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
    if view.opportunity_id is not None:
        raise Refused(_("task {task} is the next step of opportunity {opportunity}: it closes when the opportunity "
                        "moves on (`followup stage`)").format(task=task_id, opportunity=view.opportunity_id),
                      hint="`receptionctl followup stage CLIENT --to STAGE --next DATE`")
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
    if row.stage == "care":  # a greeting is recorded, with what was sent (task skip still applies)
        kind = row.key.split("-")[1] if row.key.count("-") >= 2 else "other"
        raise Refused(_("task {task} is a greeting to a client: it closes when the greeting sent is recorded").format(
            task=task_id), hint=f"`receptionctl care log {row.client_id} --kind {'other' if kind == 'date' else kind}"
                                f" --note TEXT`")
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
        rules, cal = context(session)
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
    if view.opportunity_id is not None:
        raise Refused(_("task {task} is the next step of opportunity {opportunity}: its owner changes with "
                        "`followup stage`").format(task=task_id, opportunity=view.opportunity_id),
                      hint="`receptionctl followup stage CLIENT --to STAGE --next DATE --owner USER`")
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
