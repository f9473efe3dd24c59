"""The procedure's change record (seeds 001 and 003): why each version was loaded, what it
changed, who was told and who has read it.

Seed 003 keeps an update record table in the manual (chapter, page, a summary of the old and
of the new text, how it was issued, the date) and wants every member of staff told of an
update; seed 001 keeps every version with the reason for the change. Here:
- `load` stores a version with its reason, chapter, page and method (the engine compares it
  with the version before and stores what changed) and asks the staff whose tasks changed to
  read it: one desk task each, closed by `ack` (never by `task done`);
- `ack` records who has read which version, once per person and version;
- `readers` says who was asked, who has read it and when, who has not;
- `alerts` names, for the daily report, who has not read a version by the time they were
  given (the policy's procedure_ack_days, in working days).
Every function runs a fixed number of SQL statements, whatever the number of people or visits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, or_, select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, lifecycle, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.vocab import StaffRole as StaffRoles
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.domain.engine import METHODS, Procedure, VersionView
from receptionctl.errors import NotFound
from receptionctl.i18n import N_, _, chinese, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.common import ProcedureVersion


__all__ = ["METHODS", "KEY_PREFIX", "load", "ack", "readers", "history", "version", "change_rows", "alerts"]

KEY_PREFIX = "procedure-read-"  # the reading task's key: procedure-read-<version id>
OPEN_VISITS = lifecycle.ACTIVE  # not completed, closed or cancelled
_STAFF_ROLES = {r.value for r in StaffRoles}
_VISIT_ROLES = {r.value for r in VisitRole}
ALERT_NAMES = 10  # people named in one alert; the rest are counted


def _key(version_id: int) -> str:
    return f"{KEY_PREFIX}{version_id}"


# -- views -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadView:
    """What `procedure load` did: the version stored, its change record, who was asked to read it."""

    id: int
    name: str
    version: str
    tasks: int
    questions: int
    reason: str
    chapter: str | None
    page: str | None
    method: str
    summary: str
    changes: dict
    asked: tuple[str, ...]  # usernames, each given a reading task
    due_at: datetime | None  # when they should have read it (None: nobody asked)
    superseded: int  # reading tasks of older versions closed: those people read this one instead


@dataclass(frozen=True)
class ChangeView(VersionView):
    """One version in the change record, with how many were asked to read it and how many have."""

    asked: int = 0
    read: int = 0


@dataclass(frozen=True)
class AckView:
    version_id: int
    name: str
    version: str
    username: str
    at: datetime  # when they said they had read it (the first time)
    already: bool  # acknowledged before: nothing changed
    asked: bool  # they had a reading task for it
    task_closed: bool  # their reading task was closed now


@dataclass(frozen=True)
class ReaderView:
    username: str
    name: str
    active: bool
    asked: bool
    task_id: int | None
    due_at: datetime | None
    read_at: datetime | None
    state: str  # read | not read | overdue (not read by the due time) | superseded (asked a newer version)


@dataclass(frozen=True)
class ReadersView:
    version_id: int
    name: str
    version: str
    loaded_at: datetime
    loaded_by: str
    in_use: bool
    asked: int
    read: int
    unread: int  # asked, not read, and not superseded by a newer version's task
    people: tuple[ReaderView, ...]


# -- loading a version -------------------------------------------------------------------------
def load(session: Session, actor: str, path: str, reason: str, *, chapter: str | None = None,
         page: str | None = None, method: str = "amend") -> LoadView:
    """Load a procedure file with the reason for the change (admin) and ask the staff whose
    tasks changed to read it.

    Who is asked: for each owner role of a task added, removed or changed (old and new owner
    when it was reassigned), the active staff holding that staff role (coordinator, approver,
    desk, ...), and for a visit role (host, greeter, recorder, ...) the active staff assigned
    to it, or as its backup, on a visit not yet completed, closed or cancelled (host and
    security are both: their holders and their assignees). Anyone still holding an open reading
    task of an older version is asked to read this one instead (their old task is closed as
    superseded). The admin who loads it is not asked. Each gets one desk task, due the policy's
    procedure_ack_days working days from now, closed by `ack`."""
    from receptionctl.store.tables.common import ProcedureVersion
    proc = engine.load_file(session, actor, path, reason, chapter=chapter, page=page, method=method)
    row = session.get(ProcedureVersion, proc.id)  # in the session already: no statement
    changes = json.loads(row.changes)
    asked, due_at, superseded = _ask_readers(session, actor, proc, changes["roles"])
    if asked or superseded:
        audit.record(session, actor, "procedure.ask", "procedure", proc.id,
                     after={"asked": list(asked), "due": due_at, "superseded": superseded})
    return LoadView(proc.id, proc.name, proc.version, len(proc.tasks), len(proc.questions), row.reason, row.chapter,
                    row.page, row.method, engine.summary_line(changes), changes, asked, due_at, superseded)


def _ask_readers(session: Session, actor: str, proc: Procedure, roles) -> tuple[tuple[str, ...], datetime | None, int]:
    from receptionctl.store.tables.common import Staff, StaffRole, Visit
    from receptionctl.store.tables.visits import Assignment
    staff_roles = sorted(set(roles) & _STAFF_ROLES)
    visit_roles = sorted(set(roles) & _VISIT_ROLES)
    candidates: set[int] = set()
    if staff_roles:
        candidates |= set(session.scalars(select(StaffRole.staff_id).where(StaffRole.role.in_(staff_roles))))
    if visit_roles:
        for staff_id, backup_id in session.execute(
                select(Assignment.staff_id, Assignment.backup_id).join(Visit, Visit.id == Assignment.visit_id)
                .where(Assignment.role.in_(visit_roles), Visit.status.in_(OPEN_VISITS))):
            candidates |= {staff_id} | ({backup_id} if backup_id is not None else set())
    superseded = engine.close_desk_tasks(session, actor, prefix=KEY_PREFIX, state="skipped",
                                         note=f"superseded by procedure version id {proc.id}")
    candidates |= set(superseded)
    loader = access.find_actor(session, actor)
    candidates.discard(loader.id if loader is not None else None)
    if not candidates:
        return (), None, len(superseded)
    people = session.execute(select(Staff.id, Staff.username).where(Staff.id.in_(sorted(candidates)),
                                                                     Staff.active.is_(True))
                             .order_by(Staff.username)).all()
    if not people:
        return (), None, len(superseded)
    rules = policy.load(session)
    now = clock.now().astimezone(policy.work_zone(rules))
    due_at = calendar_for(rules["country"]).shift(now, rules["procedure_ack_days"])
    engine.open_desk_tasks(
        session, _key(proc.id),
        f"Read the new procedure, version {proc.version} ({proc.name}, version id {proc.id}), then "
        f"acknowledge it: procedure ack {proc.id}",
        f"阅读新版接待流程（版本 {proc.version}，{proc.name}，版本编号 {proc.id}），读后确认：procedure ack {proc.id}",
        "staff", due_at, [p.id for p in people])
    return tuple(p.username for p in people), due_at, len(superseded)


# -- acknowledging -----------------------------------------------------------------------------
def _version_row(session: Session, version_id: int | None) -> ProcedureVersion:
    from receptionctl.store.tables.common import ProcedureVersion
    if version_id is None:
        row = session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id.desc()).limit(1)).first()
        if row is None:
            raise NotFound(_("no procedure is loaded"),
                           hint=_("run `receptionctl init` (it loads the default procedure)"))
        return row
    row = session.get(ProcedureVersion, version_id)
    if row is None:
        raise NotFound(_("no procedure version {id}: expected a version id from the procedure's history").format(
            id=version_id), hint=_("see `receptionctl procedure history`"))
    return row


def ack(session: Session, actor: str, version_id: int | None = None) -> AckView:
    """The acting member of staff has read a version (default: the one in use). Recorded once
    per person and version; their reading task for it closes. Acknowledging again changes
    nothing (`already`)."""
    from receptionctl.store.tables.records import ProcedureAck
    who = access.require(session, actor, access.ANY_STAFF, N_("acknowledge the procedure"))
    row = _version_row(session, version_id)
    done = session.get(ProcedureAck, (row.id, who.id))
    if done is not None:
        return AckView(row.id, row.name, row.version, who.username, done.at, True,
                       _was_asked(session, row.id, who.id), False)
    now = clock.now()
    session.add(ProcedureAck(procedure_id=row.id, staff_id=who.id, at=now))
    session.flush()
    closed = engine.close_desk_tasks(session, actor, keys=[_key(row.id)], assignee_id=who.id, note="read")
    asked = bool(closed) or _was_asked(session, row.id, who.id)
    audit.record(session, actor, "procedure.ack", "procedure", row.id,
                 after={"version": row.version, "read_by": who.username, "asked": asked})
    return AckView(row.id, row.name, row.version, who.username, now, False, asked, bool(closed))


def _was_asked(session: Session, version_id: int, staff_id: int) -> bool:
    from receptionctl.store.tables.common import Task
    return session.scalar(select(Task.id).where(Task.key == _key(version_id), Task.assignee_id == staff_id)
                          .limit(1)) is not None


# -- who has read it ---------------------------------------------------------------------------
def readers(session: Session, version_id: int | None = None) -> ReadersView:
    """Who was asked to read a version (default: the one in use), who has read it and when,
    who has not: the people asked first (not read, overdue first), then the others who read it."""
    from receptionctl.store.tables.common import ProcedureVersion, Staff, Task
    from receptionctl.store.tables.records import ProcedureAck
    row = _version_row(session, version_id)
    latest = session.scalar(select(func.max(ProcedureVersion.id)))
    now = clock.now()
    tasks = session.execute(
        select(Task.id, Task.state, Task.due_at, Staff.id.label("staff_id"), Staff.username, Staff.name, Staff.active)
        .join(Staff, Staff.id == Task.assignee_id).where(Task.key == _key(row.id))
        .order_by(Task.id)).all()
    acks = {r.staff_id: r for r in session.execute(
        select(ProcedureAck.staff_id, ProcedureAck.at, Staff.username, Staff.name, Staff.active)
        .join(Staff, Staff.id == ProcedureAck.staff_id).where(ProcedureAck.procedure_id == row.id))}
    people: dict[int, ReaderView] = {}
    for t in tasks:
        read = acks.get(t.staff_id)
        state = ("read" if read is not None else "superseded" if t.state == "skipped"
                 else "overdue" if t.due_at < now else "not read")
        people[t.staff_id] = ReaderView(t.username, t.name, t.active, True, t.id, t.due_at,
                                        read.at if read is not None else None, state)
    for staff_id, a in acks.items():
        if staff_id not in people:
            people[staff_id] = ReaderView(a.username, a.name, a.active, False, None, None, a.at, "read")
    order = {"overdue": 0, "not read": 1, "superseded": 2, "read": 3}
    listed = sorted(people.values(), key=lambda p: (order[p.state], p.read_at or now, p.username))
    asked = sum(p.asked for p in listed)
    return ReadersView(row.id, row.name, row.version, row.loaded_at, row.loaded_by, row.id == latest, asked,
                       sum(p.read_at is not None for p in listed),
                       sum(p.state in ("overdue", "not read") for p in listed), tuple(listed))


# -- the record --------------------------------------------------------------------------------
def history(session: Session) -> list[ChangeView]:
    """Every version, oldest first, with its change record and how many were asked to read it
    and have read it."""
    from receptionctl.store.tables.common import Task
    from receptionctl.store.tables.records import ProcedureAck
    versions = engine.history(session)
    asked = dict(session.execute(select(Task.key, func.count(Task.id))
                                 .where(Task.key.in_([_key(v.id) for v in versions])).group_by(Task.key)).all())
    read = dict(session.execute(select(ProcedureAck.procedure_id, func.count(ProcedureAck.staff_id))
                                .group_by(ProcedureAck.procedure_id)).all())
    return [ChangeView(**{f.name: getattr(v, f.name) for f in fields(v)}, asked=asked.get(_key(v.id), 0),
                       read=read.get(v.id, 0)) for v in versions]


def version(session: Session, version_id: int) -> ChangeView:
    """One version's change record (exit 3 for an unknown id)."""
    found = [v for v in history(session) if v.id == version_id]
    if not found:
        raise NotFound(_("no procedure version {id}: expected a version id from the procedure's history").format(
            id=version_id), hint=_("see `receptionctl procedure history`"))
    return found[0]


# task fields whose values are stored codes (shown translated): the kind of code
_CODED = {"owner": "role", "owner_fallback": "role", "stage": "", "purposes": ""}


def _value(value, kind: str | None = None) -> str:
    """A value of the change record as text; `kind`: it is a stored code of that kind."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return _(", ").join(_value(v, kind) for v in value) or "—"
    if isinstance(value, dict):
        return _("; ").join(f"{k}: {_value(v)}" for k, v in value.items()) or "—"
    if kind is not None and isinstance(value, str):
        return code(value, kind)
    return str(value)


def _task_text(t: dict) -> str:
    """A task added or removed: its title (in Chinese when the interface is), owner, stage, due."""
    title = (t.get("title_zh") or t["title"]) if chinese() else t["title"]
    return _("{title} ({owner}, {stage}, due {due})").format(title=title, owner=code(t["owner"], "role"),
                                                             stage=code(t["stage"]), due=t["due"])


def _question_text(q: dict) -> str:
    """A question added or removed: its text (in Chinese when the interface is) and kind."""
    text = (q.get("text_zh") or q["text"]) if chinese() else q["text"]
    return _("{text} ({kind})").format(text=text, kind=code(q["kind"], "question"))


def change_rows(changes: dict | None) -> list[dict]:
    """The change record as rows of text, the old and the new value of each change (seed 003's
    "summary of the old text" and "summary of the new"): one row per task added or removed,
    per field of a task changed, per question added, removed or changed."""
    if not changes:
        return []
    rows = []
    # what changed and how: stored codes, shown translated (code|what|task, code|change|retimed, ...)
    what = {w: code(w, "what") for w in ("procedure", "task", "question")}
    for f, pair in (changes.get("procedure") or {}).items():
        rows.append({"what": what["procedure"], "key": "", "change": code("renamed" if f == "name" else f, "change"),
                     "field": f, "old": _value(pair["old"]), "new": _value(pair["new"])})
    tasks = changes["tasks"]
    for t in tasks["added"]:
        rows.append({"what": what["task"], "key": t["key"], "change": code("added", "change"), "field": "",
                     "old": "—", "new": _task_text(t)})
    for t in tasks["removed"]:
        rows.append({"what": what["task"], "key": t["key"], "change": code("removed", "change"), "field": "",
                     "old": _task_text(t), "new": "—"})
    for t in tasks["changed"]:
        for f, pair in t["fields"].items():
            kind = next((k for k, names in engine.CHANGE_KINDS.items() if f in names), "changed")
            rows.append({"what": what["task"], "key": t["key"], "change": code(kind, "change"), "field": f,
                         "old": _value(pair["old"], _CODED.get(f)), "new": _value(pair["new"], _CODED.get(f))})
    questions = changes["questions"]
    for q in questions["added"]:
        rows.append({"what": what["question"], "key": q["key"], "change": code("added", "change"), "field": "",
                     "old": "—", "new": _question_text(q)})
    for q in questions["removed"]:
        rows.append({"what": what["question"], "key": q["key"], "change": code("removed", "change"), "field": "",
                     "old": _question_text(q), "new": "—"})
    for q in questions["changed"]:
        for f, pair in q["fields"].items():
            coded_as = "question" if f == "kind" else None
            rows.append({"what": what["question"], "key": q["key"], "change": code("changed", "change"), "field": f,
                         "old": _value(pair["old"], coded_as), "new": _value(pair["new"], coded_as)})
    return rows


# -- for the daily report ----------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what needs attention at `now`: procedure_unread, one per version, naming
    (up to ALERT_NAMES, then counting) the active staff whose reading task for it was due
    before `now` (the policy's procedure_ack_days after the load) and was still open at `now`.
    One statement."""
    pv, t, staff = light.procedure_version.c, light.task.c, light.staff.c
    rows = session.execute(
        select(pv.id, pv.name, pv.version, pv.loaded_at, t.due_at, staff.username, staff.name.label("staff_name"))
        .select_from(light.task)
        .join(light.procedure_version, t.key == KEY_PREFIX + cast(pv.id, String))
        .join(light.staff, staff.id == t.assignee_id)
        .where(t.stage == "desk", t.key.like(f"{KEY_PREFIX}%"), t.created_at <= now, t.due_at < now,
               or_(t.state == "open", t.done_at > now), staff.active.is_(True))
        .order_by(pv.id, staff.username)).all()
    by_version: dict[int, list] = {}
    for r in rows:
        by_version.setdefault(r.id, []).append(r)
    out: list[Alert] = []
    for vid, people in by_version.items():
        first = people[0]
        named = _(", ").join(f"{p.username} ({p.staff_name})" for p in people[:ALERT_NAMES])
        if len(people) > ALERT_NAMES:
            named = _("{names} and {n} more").format(names=named, n=len(people) - ALERT_NAMES)
        out.append(Alert("procedure_unread", ngettext(
            "procedure {name} {version} (version id {id}, loaded {day}): {n} person has not read it by the time "
            "given (the policy's procedure_ack_days): {people} (receptionctl procedure ack {id})",
            "procedure {name} {version} (version id {id}, loaded {day}): {n} people have not read it by the time "
            "given (the policy's procedure_ack_days): {people} (receptionctl procedure ack {id})",
            len(people)).format(name=first.name, version=first.version, id=vid,
                                day=f"{clock.local(first.loaded_at):%Y-%m-%d}", n=len(people), people=named)))
    return out
