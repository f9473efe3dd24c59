"""Inspections and quality checks (docs/usage/quality.md; seeds 000 and 001, docs/SEEDS.md).

Seed 001's quality control checks that the service process is followed, that the facilities
and equipment work, that the registration and feedback forms are complete and filed in time,
and that the emergency plans hold up in a simulated incident; seed 000 adds ad-hoc
inspections and assessments, the safety of people and material, and dress and etiquette.
An inspection is of one area, by an inspector, perhaps during a visit, with a score and what
it found. Each finding may get a corrective task: a task of the desk's (the task engine's,
engine.open_desk_task), one person's, due by the end of a day, closed with `task done` (or
skipped with `task skip`: the finding is waived). A finding is open while it has no corrective
task or its task is open.

The policy's inspection_interval_days says how often each area must be inspected: an area
whose last inspection (or, before any, the setting itself) is older than that is an alert of
the daily report, as is a finding left without a corrective task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, null, or_, select, union_all

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, outbox, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import required_text, visit_client
from receptionctl.domain.core.vocab import InspectionArea
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.quality import Inspection, InspectionFinding


AREAS = tuple(a.value for a in InspectionArea)
INSPECT = frozenset({"coordinator", "duty_manager", "approver", "desk_supervisor"})  # and admin
FIX_KEY = "inspect-fix-"  # a corrective task's key: inspect-fix-<inspection>-<finding>
FIX_ROLE = "coordinator"  # the role a corrective task is filed under; it falls to its owner
MAX_FINDINGS = 50
SHOWN_TEXT = 200  # of a finding's words in its task's title
# an area in the Chinese title of a corrective task (stored, whatever the run's language)
_AREA_ZH = {"process": "流程规范", "facility": "设施设备", "records": "记录完整", "emergency": "应急预案",
            "safety": "安全", "dress": "着装礼仪"}
FINDING_STATES = ("unassigned", "open", "fixed", "waived")


@dataclass(frozen=True)
class FindingView:
    number: int
    text: str
    state: str  # unassigned (no corrective task) | open | fixed (its task done) | waived (its task skipped)
    task_id: int | None
    owner: str | None
    owner_name: str | None
    due_at: datetime | None
    done_at: datetime | None
    done_by: str | None
    overdue: bool


@dataclass(frozen=True)
class InspectionView:
    id: int
    area: str
    at: datetime
    inspector: str
    inspector_name: str
    visit_id: int | None
    score: int | None
    notes: str | None
    recorded_at: datetime
    recorded_by: str
    findings: tuple[FindingView, ...]
    open_findings: int


@dataclass(frozen=True)
class InspectionLine:
    """One inspection in a list: its findings counted."""

    id: int
    area: str
    at: datetime
    inspector: str
    visit_id: int | None
    score: int | None
    findings: int
    open_findings: int
    overdue_findings: int


def state_of(task_id, task_state):
    """A finding's state (FINDING_STATES) as a SQL expression of its task's id and state."""
    return case((task_id.is_(None), "unassigned"), (task_state == "done", "fixed"),
                (task_state == "skipped", "waived"), else_="open")


def is_open(task_id, task_state):
    """Whether a finding is open, as a SQL condition: no corrective task, or its task open."""
    return or_(task_id.is_(None), task_state == "open")


# -- recording -------------------------------------------------------------------------------
def _check(session: Session, area: str, score: int | None, at: datetime | None, findings: list[str],
           visit_id: int | None) -> tuple[datetime, list[str]]:
    if area not in AREAS:
        raise BadInput(_("area {area!r} is not valid: expected one of {choices}").format(
            area=area, choices=", ".join(AREAS)))
    if score is not None and not 0 <= score <= 100:
        raise BadInput(_("score {score} is not valid: expected 0 to 100").format(score=score))
    now = clock.now()
    at = at or now
    if at > now:
        raise BadInput(_("inspected at {at} is in the future: expected when it was inspected, at the latest "
                         "now").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}"))
    texts = [required_text(t, "--finding", N_("what was found wrong"), limit=2000) for t in findings]
    if len(texts) > MAX_FINDINGS:
        raise BadInput(_("{n} findings is too many: expected at most {max}, one --finding each").format(
            n=len(texts), max=MAX_FINDINGS))
    if visit_id is not None:
        visit_client(session, visit_id)  # not found: exit 3
    return at, texts


def add_inspection(session: Session, actor: str, *, area: str, inspector: str, findings: list[str],
                   score: int | None = None, visit_id: int | None = None, at: datetime | None = None,
                   notes: str | None = None) -> InspectionView:
    """Record an inspection of `area` by `inspector` (an active member of staff) at `at` (default
    now), its score (0-100) and findings, numbered 1, 2, ... in the order given (a coordinator,
    a duty manager, an approver, a desk supervisor or an admin)."""
    from receptionctl.store.tables.quality import Inspection, InspectionFinding
    access.require(session, actor, INSPECT, N_("record inspections"))
    at, texts = _check(session, area, score, at, findings, visit_id)
    person = find.staff(session, inspector, N_("the inspector"), active_only=True)
    notes = required_text(notes, "--notes", N_("what was checked"), limit=4000) if (notes or "").strip() else None
    row = Inspection(area=area, at=at, inspector_id=person.id, visit_id=visit_id, score=score, notes=notes,
                     recorded_at=clock.now(), recorded_by=actor)
    session.add(row)
    session.flush()
    for number, text in enumerate(texts, 1):
        session.add(InspectionFinding(inspection_id=row.id, number=number, text=text))
    session.flush()
    audit.record(session, actor, "inspection.add", "inspection", row.id, visit_id=visit_id,
                 after={"area": area, "at": at, "inspector": person.username, "score": score, "findings": texts,
                        "notes": notes})
    return show_inspection(session, row.id)


def _finding(session: Session, inspection_id: int, number: int) -> tuple[Inspection, InspectionFinding]:
    from receptionctl.store.tables.quality import Inspection, InspectionFinding
    row = session.get(Inspection, inspection_id)
    if row is None:
        raise NotFound(_("no inspection {id}").format(id=inspection_id), hint=_("see `receptionctl inspect list`"))
    finding = session.get(InspectionFinding, (inspection_id, number))
    if finding is None:
        n = session.scalar(select(func.count()).where(InspectionFinding.inspection_id == inspection_id))
        raise NotFound(ngettext("inspection {id} has no finding {number}: it has {n} finding",
                                "inspection {id} has no finding {number}: it has {n} findings", n).format(
            id=inspection_id, number=number, n=n), hint=_("see `receptionctl inspect show {id}`").format(
            id=inspection_id))
    return row, finding


def _refuse_if_handled(session: Session, row: Inspection, finding: InspectionFinding) -> None:
    """A finding whose corrective task is open or done is not given another."""
    from receptionctl.store.tables.common import Task
    task = session.get(Task, finding.task_id) if finding.task_id is not None else None
    if task is None or task.state == "skipped":
        return
    said = dict(number=finding.number, id=row.id, task=task.id)
    if task.state == "done":
        raise Refused(_("finding {number} of inspection {id} is fixed already (task {task} done {at} by "
                        "{user})").format(at=f"{clock.local(task.done_at):%Y-%m-%d %H:%M}", user=task.done_by,
                                          **said))
    raise Refused(_("finding {number} of inspection {id} has its corrective task already: task {task}, due "
                    "{due}").format(due=f"{clock.local(task.due_at):%Y-%m-%d %H:%M}", **said),
                  hint=_("give it to someone else with `receptionctl task reassign {task} --to USER`").format(
                      task=task.id))


def fix_finding(session: Session, actor: str, inspection_id: int, number: int, owner: str,
                due: date) -> InspectionView:
    """Give finding `number` of an inspection its corrective task: `owner`'s (an active member of
    staff), due by the end of `due` (today or later) in the company's zone. A finding whose task
    was skipped (waived) may get a new one; one whose task is open or done may not (exit 1)."""
    access.require(session, actor, INSPECT, N_("give findings a corrective task"))
    row, finding = _finding(session, inspection_id, number)
    _refuse_if_handled(session, row, finding)
    person = find.staff(session, owner, N_("the corrective task's owner"), active_only=True)
    rules = policy.load(session)
    if due < policy.today(rules):
        raise BadInput(_("due day {day} is past: expected today or a later day").format(day=due))
    due_at = datetime.combine(due, time(23, 59), policy.work_zone(rules))
    words = finding.text if len(finding.text) <= SHOWN_TEXT else finding.text[:SHOWN_TEXT - 1] + "…"
    title = f"Correct finding {number} of inspection {row.id} ({row.area}): {words}"
    title_zh = f"整改检查 {row.id} 第 {number} 项问题（{_AREA_ZH.get(row.area, row.area)}）：{words}"
    task_id = engine.open_desk_task(session, f"{FIX_KEY}{row.id}-{number}", title, title_zh, FIX_ROLE, due_at,
                                    assignee_id=person.id)
    before = finding.task_id
    finding.task_id = task_id
    session.flush()
    audit.record(session, actor, "inspection.fix", "inspection", row.id, visit_id=row.visit_id,
                 before={"finding": number, "task": before},
                 after={"finding": number, "task": task_id, "owner": person.username, "due_at": due_at})
    outbox.emit(session, "task.assign", {"task_id": task_id, "visit_id": None, "client": None,
                                         "key": f"{FIX_KEY}{row.id}-{number}", "title": title, "due_at": due_at,
                                         "owner": person.username, "previous": None, "by": actor})
    return show_inspection(session, row.id)


# -- reading ---------------------------------------------------------------------------------
def _findings(session: Session, inspection_ids: list[int], now: datetime) -> dict[int, list[FindingView]]:
    from sqlalchemy.orm import aliased  # a query of the table classes

    from receptionctl.store.tables.common import Staff, Task
    from receptionctl.store.tables.quality import InspectionFinding
    owner = aliased(Staff, name="owner")
    rows = session.execute(
        select(InspectionFinding.inspection_id, InspectionFinding.number, InspectionFinding.text,
               InspectionFinding.task_id, state_of(InspectionFinding.task_id, Task.state), owner.username,
               owner.name, Task.due_at, Task.done_at, Task.done_by)
        .outerjoin(Task, Task.id == InspectionFinding.task_id)
        .outerjoin(owner, owner.id == Task.assignee_id)
        .where(InspectionFinding.inspection_id.in_(inspection_ids))
        .order_by(InspectionFinding.inspection_id, InspectionFinding.number))
    out: dict[int, list[FindingView]] = {}
    for iid, number, text, task_id, state, user, name, due_at, done_at, done_by in rows:
        out.setdefault(iid, []).append(FindingView(number, text, state, task_id, user, name, due_at, done_at,
                                                   done_by, state == "open" and due_at is not None and due_at < now))
    return out


def show_inspection(session: Session, inspection_id: int) -> InspectionView:
    """An inspection whole: its findings, each with its state and its corrective task."""
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.quality import Inspection
    row = session.execute(select(Inspection, Staff.username, Staff.name)
                          .join(Staff, Staff.id == Inspection.inspector_id)
                          .where(Inspection.id == inspection_id)).first()
    if row is None:
        raise NotFound(_("no inspection {id}").format(id=inspection_id), hint=_("see `receptionctl inspect list`"))
    i, user, name = row
    findings = tuple(_findings(session, [i.id], clock.now()).get(i.id, ()))
    return InspectionView(i.id, i.area, i.at, user, name, i.visit_id, i.score, i.notes, i.recorded_at,
                          i.recorded_by, findings, sum(f.state in ("unassigned", "open") for f in findings))


def list_inspections(session: Session, *, area: str | None = None, start: datetime | None = None,
                     end: datetime | None = None, open_only: bool = False, visit_id: int | None = None,
                     limit: int | None = None) -> list[InspectionLine]:
    """Inspections, newest first, each with its findings counted (all, open, past their task's due
    time); `open_only`: those with an open finding. Two statements."""
    from receptionctl.store.tables.common import Staff, Task
    from receptionctl.store.tables.quality import Inspection, InspectionFinding
    if area is not None and area not in AREAS:
        raise BadInput(_("area {area!r} is not valid: expected one of {choices}").format(
            area=area, choices=", ".join(AREAS)))
    now = clock.now()
    opened = is_open(InspectionFinding.task_id, Task.state)
    counts = (select(InspectionFinding.inspection_id.label("iid"), func.count().label("n"),
                     func.sum(case((opened, 1), else_=0)).label("open"),
                     func.sum(case((and_(Task.state == "open", Task.due_at < now), 1), else_=0)).label("late"))
              .outerjoin(Task, Task.id == InspectionFinding.task_id)
              .group_by(InspectionFinding.inspection_id).subquery())
    q = (select(Inspection, Staff.username, counts.c.n, counts.c.open, counts.c.late)
         .join(Staff, Staff.id == Inspection.inspector_id)
         .outerjoin(counts, counts.c.iid == Inspection.id))
    if area is not None:
        q = q.where(Inspection.area == area)
    if start is not None:
        q = q.where(Inspection.at >= start)
    if end is not None:
        q = q.where(Inspection.at < end)
    if visit_id is not None:
        q = q.where(Inspection.visit_id == visit_id)
    if open_only:
        q = q.where(counts.c.open > 0)
    rows = session.execute(q.order_by(Inspection.at.desc(), Inspection.id.desc()).limit(limit))
    return [InspectionLine(i.id, i.area, i.at, user, i.visit_id, i.score, int(n or 0), int(o or 0), int(late or 0))
            for i, user, n, o, late in rows]


# -- the daily report ------------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """What needs attention at `now`: each area with an interval (the policy's
    inspection_interval_days) whose last inspection, or before any the setting itself, is older
    than that (inspection_overdue); each inspection with findings that have no corrective task
    (finding_unassigned). One statement (the policy is read once per command)."""
    rules = policy.load(session)
    zone = policy.work_zone(rules)
    today = now.astimezone(zone).date()
    insp, finding = light.inspection.c, light.inspection_finding.c
    # both in one statement: each area's last inspection (n NULL), then the inspections with findings
    # that have no corrective task (n their count)
    rows = session.execute(union_all(
        select(null().label("id"), insp.area, func.max(insp.at).label("at"), null().label("n"))
        .where(insp.at <= now).group_by(insp.area),
        select(insp.id, insp.area, insp.at, func.count())
        .join(light.inspection_finding, finding.inspection_id == insp.id)
        .where(finding.task_id.is_(None), insp.recorded_at <= now)
        .group_by(insp.id, insp.area, insp.at)).subquery().select().order_by("id")).all()
    last = {r.area: r.at for r in rows if r.id is None}
    since = policy.set_at(session, "inspection_interval_days")
    out: list[Alert] = []
    for area, days in rules["inspection_interval_days"]:
        start = last.get(area) or since
        if not days or start is None:
            continue
        due = start.astimezone(zone).date() + timedelta(days=days)
        if due >= today:
            continue
        said = dict(area=code(area, "area"), days=days, due=due)
        if area in last:
            out.append(Alert("inspection_overdue", _(
                "the {area} area was last inspected on {last}; one every {days} days (the policy's "
                "inspection_interval_days) was due {due}").format(last=f"{start.astimezone(zone):%Y-%m-%d}",
                                                                  **said)))
        else:
            out.append(Alert("inspection_overdue", _(
                "the {area} area has not been inspected; one every {days} days (the policy's "
                "inspection_interval_days) was due {due}").format(**said)))
    for iid, area, at, n in (r for r in rows if r.id is not None):
        out.append(Alert("finding_unassigned", ngettext(
            "inspection {id} ({area}, {day}): {n} finding has no corrective task (receptionctl inspect fix {id} "
            "FINDING --owner USER --due DAY)",
            "inspection {id} ({area}, {day}): {n} findings have no corrective task (receptionctl inspect fix {id} "
            "FINDING --owner USER --due DAY)", n).format(id=iid, area=code(area, "area"), n=n,
                                                         day=f"{at.astimezone(zone):%Y-%m-%d}")))
    return out
