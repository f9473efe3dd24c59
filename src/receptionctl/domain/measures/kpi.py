"""The measures of the reception work (docs/usage/measures.md "Measuring the work"; seeds 000, 001 and 002,
docs/SEEDS.md): satisfaction, conversion, complaints, process compliance, task completion, response
and resolution times, cost against budget, the reception and material costs apart; the inspections,
their score and their open findings, the emergency drills (seed 001's quality control); and the
follow-up pipeline's stage funnel. For a period beside the period of the same length
just before it; for the whole company, or grouped by team, person, client tier, purpose or
level of the visits.

A fixed number of SQL statements whatever the number of rows: both periods are read by the
same statement, counted and grouped in the database. Two statements read rows back instead
of counts: the converted visits (the conversion window is the policy's, applied by
`followups.converted`) and the cases' times (a median needs every value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from sqlalchemy import Numeric, and_, case, cast, func, or_, select

from receptionctl.domain.core import clock, lifecycle, policy
from receptionctl.domain.visits import pipeline
from receptionctl.domain.visits.followups import converted
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Read through the light handles (store/light.py): `report kpi` builds no table class
# (docs/ARCHITECTURE.md, "Reading fast").
client, service_case, staff, task, visit = light.client, light.service_case, light.staff, light.task, light.visit
drill, inspection, inspection_finding = light.drill, light.inspection, light.inspection_finding
assignment, evaluation, feedback, plan = light.assignment, light.evaluation, light.feedback, light.plan

GROUPS = ("team", "person", "client-tier", "purpose", "level")
TOOK_PLACE = lifecycle.RECEIVED  # a visit received: it took place

# (key, unit, definition): the order of the report; `report kpi --help` and docs/usage/measures.md say the same
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("satisfaction", "score",
     "average score of the feedback forms received in the period (0-100); counts: the forms"),
    ("excellent_share", "rate",
     "share of those forms scoring the policy's excellent_score (90) or more"),
    ("conversion_rate", "rate",
     "share of the visits received in the period (in progress, completed or closed, started in the "
     "period) with a won or intent outcome within the policy's conversion_window_days (30) after the "
     "visit's end"),
    ("complaint_rate", "rate",
     "complaint cases received in the period per visit received in the period"),
    ("process_compliance", "rate",
     "procedure tasks of visits due in the period: done on time / (on time + done late + missed); "
     "skipped ones (with their reason) counted apart"),
    ("task_completion", "rate",
     "tasks due in the period that are done (at any time) / tasks due in the period not skipped"),
    ("response_minutes_median", "minutes",
     "median minutes from a case's receipt to its acknowledgement, cases received in the period"),
    ("response_minutes_average", "minutes", "the average of the same"),
    ("resolution_hours_median", "hours",
     "median hours from a case's receipt to its resolution, cases received in the period"),
    ("resolution_hours_average", "hours", "the average of the same"),
    ("cost", "amount", "sum of the evaluations' cost of the visits received in the period"),
    ("budget", "amount", "sum of the plans' budget of the same visits"),
    ("cost_to_budget", "rate",
     "cost / budget; counts: visits over budget (their cost above their own budget)"),
    # seed 000's cost indicators apart (issue 26): added after the others, so that none moves
    ("reception_cost", "amount", "sum of the evaluations' reception cost (venue, catering, lodging, transport, "
     "people) of the visits received in the period; counts: the visits with one"),
    ("material_cost", "amount", "sum of the evaluations' material cost (brochures, gifts, stationery, samples) of "
     "the same visits; counts: the visits with one"),
    ("inspections", "count",
     "inspections made in the period (`inspect add`); counts: their findings"),
    ("inspection_score", "score",
     "average score of the inspections made in the period that have one; counts: those scored"),
    ("open_findings", "count",
     "findings of those inspections still open (no corrective task, or its task open); counts: every finding, "
     "those fixed, those without a corrective task, those past their task's due time"),
    ("drills", "count", "emergency drills held in the period (`drill add`)"),
)
UNITS = {key: unit for key, unit, _ in MEASURES}


@dataclass(frozen=True)
class Measure:
    key: str
    unit: str  # score | rate (0..1) | minutes | hours | amount | count
    value: float | Decimal | None
    previous: float | Decimal | None
    change: float | Decimal | None  # value - previous (a rate's in points of 0..1)
    counts: dict
    previous_counts: dict


@dataclass(frozen=True)
class KpiGroup:
    group: str | int | None  # the team, person, tier, purpose or level; None: no visit, no host
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Kpi:
    first: date
    last: date
    previous_first: date
    previous_last: date
    by: str | None
    excellent_score: int
    conversion_window_days: int
    measures: tuple[Measure, ...]  # the whole company
    groups: tuple[KpiGroup, ...] = ()  # with `by`: one per value
    # the follow-up pipeline's stage funnel (seed 001, issue 26): per stage, the opportunities that
    # reached it in the period and in the one before, and those open at it at the period's end
    funnel: tuple[pipeline.FunnelStage, ...] = ()


@dataclass
class _Raw:
    """What one period (of one group) counted."""

    visits: int = 0
    converted: int = 0
    forms: int = 0
    score_sum: int = 0
    excellent: int = 0
    complaints: int = 0
    cases: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    skipped: int = 0
    done: int = 0
    due: int = 0
    response: list = field(default_factory=list)  # minutes
    resolution: list = field(default_factory=list)  # hours
    cost: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    with_cost: int = 0
    with_budget: int = 0
    over_budget: int = 0
    reception_cost: Decimal = Decimal(0)
    material_cost: Decimal = Decimal(0)
    with_reception: int = 0
    with_material: int = 0
    inspections: int = 0
    scored: int = 0
    score_total: int = 0
    findings: int = 0
    open_findings: int = 0
    fixed: int = 0
    unassigned: int = 0
    overdue_findings: int = 0
    drills: int = 0

    def add(self, other: _Raw) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period of the same number of days just before [first, last]."""
    prev_last = first - timedelta(days=1)
    return prev_last - (last - first), prev_last


def _key(q, by: str | None, visit_id, client_id=None):
    """`q` joined to what `by` groups by, through the visit `visit_id` (and, for the client
    tier, the client `client_id` when the row names one); and the key column (None: no
    grouping)."""
    if by is None:
        return q, None
    if visit_id is not visit.c.id:
        q = q.outerjoin(visit, visit.c.id == visit_id)
    if by in ("team", "person"):
        host, person = assignment.alias("host"), staff.alias("host_staff")
        q = (q.outerjoin(host, and_(host.c.visit_id == visit.c.id, host.c.role == "host"))
             .outerjoin(person, person.c.id == host.c.staff_id))
        return q, person.c.dept if by == "team" else person.c.username
    if by == "client-tier":
        who = visit.c.client_id if client_id is None else func.coalesce(client_id, visit.c.client_id)
        return q.outerjoin(client, client.c.id == who), client.c.tier
    if by == "purpose":
        return q, visit.c.purpose
    if by == "level":
        return q, visit.c.level
    raise ValueError(f"unknown grouping {by!r}")


def _grouped(session: Session, by: str | None, at, visit_id, where, sums: dict, start: datetime,
             prev_start: datetime, end: datetime, client_id=None, base=None) -> dict:
    """{(current?, key): {name: total}}: the rows of `base` at `at` in [prev_start, end),
    summed per period and group in SQL (through a subquery, so that both databases group by
    the same plain columns)."""
    cols = [case((at >= start, 1), else_=0).label("cur")]
    q = select(*cols, *(expr.label(name) for name, expr in sums.items()))
    if base is not None:
        q = q.select_from(base)
    q, key = _key(q, by, visit_id, client_id)
    if key is not None:
        q = q.add_columns(key.label("k"))
    sub = q.where(at >= prev_start, at < end, *where).subquery()
    keys = [sub.c.cur] + ([sub.c.k] if key is not None else [])
    out = {}
    for row in session.execute(select(*keys, *(func.sum(sub.c[name]) for name in sums)).group_by(*keys)):
        out[(bool(row[0]), row[1] if key is not None else None)] = dict(zip(sums, row[len(keys):]))
    return out


def _rows(session: Session, by: str | None, at, visit_id, where, columns, start, prev_start, end,
          client_id=None, base=None):
    """(current?, key, *columns) of every row of `base` at `at` in [prev_start, end)."""
    q = select(case((at >= start, 1), else_=0), *columns)
    if base is not None:
        q = q.select_from(base)
    q, key = _key(q, by, visit_id, client_id)
    if key is not None:
        q = q.add_columns(key)
    for row in session.execute(q.where(at >= prev_start, at < end, *where)):
        yield (bool(row[0]), row[-1] if key is not None else None, *row[1:1 + len(columns)])


def _flag(condition):
    return case((condition, 1), else_=0)


def measure(session: Session, first: date, last: date, by: str | None = None) -> Kpi:
    """Every measure of the period [first, last] (days in the company's zone, both included)
    and of the period of the same length just before; grouped by `by` (one of GROUPS) too."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    rules = policy.load(session)
    zone = policy.work_zone(rules)
    prev_first, prev_last = previous_period(first, last)
    start = datetime.combine(first, time(0, 0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), zone)
    prev_start = datetime.combine(prev_first, time(0, 0), zone)
    span = {"start": start, "prev_start": prev_start, "end": end}
    raw: dict[tuple[bool, object], _Raw] = {}

    def at(cur: bool, key) -> _Raw:
        return raw.setdefault((cur, key), _Raw())

    # 1. visits received: counted, their cost and budget summed
    cost, budget = cast(evaluation.c.cost, Numeric(14, 2)), cast(plan.c.budget, Numeric(14, 2))
    base = visit.outerjoin(evaluation, evaluation.c.visit_id == visit.c.id).outerjoin(
        plan, plan.c.visit_id == visit.c.id)
    took_place = visit.c.status.in_(TOOK_PLACE)
    for (cur, key), s in _grouped(session, by, visit.c.starts_at, visit.c.id, [took_place], {
        "visits": _flag(visit.c.id.is_not(None)), "cost": func.coalesce(cost, 0),
        "budget": func.coalesce(budget, 0), "with_cost": _flag(evaluation.c.cost.is_not(None)),
        "with_budget": _flag(plan.c.budget.is_not(None)),
        "over_budget": _flag(and_(evaluation.c.cost.is_not(None), plan.c.budget.is_not(None), cost > budget)),
        "reception_cost": func.coalesce(cast(evaluation.c.reception_cost, Numeric(14, 2)), 0),
        "material_cost": func.coalesce(cast(evaluation.c.material_cost, Numeric(14, 2)), 0),
        "with_reception": _flag(evaluation.c.reception_cost.is_not(None)),
        "with_material": _flag(evaluation.c.material_cost.is_not(None)),
    }, base=base, **span).items():
        r = at(cur, key)
        for name in ("visits", "with_cost", "with_budget", "over_budget", "with_reception", "with_material"):
            setattr(r, name, int(s[name] or 0))
        for name in ("cost", "budget", "reception_cost", "material_cost"):
            setattr(r, name, _amount(s[name]))
    # 2. of those, the converted ones: a won or intent outcome within the policy's window
    window = rules["conversion_window_days"]
    for cur, key, converted_at, ends_at in _rows(
            session, by, visit.c.starts_at, visit.c.id, [took_place, visit.c.converted_at.is_not(None)],
            [visit.c.converted_at, visit.c.ends_at], **span):
        at(cur, key).converted += converted(converted_at, ends_at, window)
    # 3. feedback forms received
    for (cur, key), s in _grouped(session, by, feedback.c.at, feedback.c.visit_id, [], {
        "forms": _flag(feedback.c.visit_id.is_not(None)), "score_sum": feedback.c.score,
        "excellent": _flag(feedback.c.score >= rules["excellent_score"]),
    }, base=feedback, **span).items():
        r = at(cur, key)
        r.forms, r.score_sum, r.excellent = int(s["forms"] or 0), int(s["score_sum"] or 0), int(s["excellent"] or 0)
    _cases_and_tasks(session, by, span, at)
    _quality(session, by, span, at, (prev_first, first, last))

    def whole(cur: bool, keys=None) -> _Raw:
        total = _Raw()
        for (c, k), r in raw.items():
            if c == cur and (keys is None or k in keys):
                total.add(r)
        return total

    measures = _measures(whole(True), whole(False))
    groups: tuple[KpiGroup, ...] = ()
    if by is not None:
        keys = sorted({k for _, k in raw}, key=lambda k: (k is None, str(k)))
        groups = tuple(KpiGroup(k, _measures(whole(True, {k}), whole(False, {k}))) for k in keys)
    return Kpi(first, last, prev_first, prev_last, by, rules["excellent_score"], window, measures, groups,
               pipeline.funnel(session, prev_start, start, end))


def _cases_and_tasks(session: Session, by: str | None, span: dict, at) -> None:
    """The cases received (complaints, times to acknowledgement and resolution) and the tasks due
    (on time, late, missed, skipped, done) of both periods, added to `at(current, key)`."""
    # 4. cases received: complaints counted; the times to acknowledgement and resolution
    sc = service_case.c
    for cur, key, kind, received, acked, resolved in _rows(
            session, by, sc.received_at, sc.visit_id, [], [sc.kind, sc.received_at, sc.acknowledged_at, sc.resolved_at],
            client_id=sc.client_id, base=service_case, **span):
        r = at(cur, key)
        r.cases += 1
        r.complaints += kind == "complaint"
        if acked is not None:
            r.response.append((acked - received).total_seconds() / 60)
        if resolved is not None:
            r.resolution.append((resolved - received).total_seconds() / 3600)
    # 5. tasks due: the procedure's tasks of visits on time, late, missed, skipped; every task done
    of_visit = task.c.visit_id.is_not(None)
    done = task.c.state == "done"
    for (cur, key), s in _grouped(session, by, task.c.due_at, task.c.visit_id, [], {
        "on_time": _flag(and_(of_visit, done, task.c.done_at <= task.c.due_at)),
        "late": _flag(and_(of_visit, done, task.c.done_at > task.c.due_at)),
        "missed": _flag(and_(of_visit, task.c.state == "missed")),
        "skipped": _flag(and_(of_visit, task.c.state == "skipped")),
        "done": _flag(done), "due": _flag(task.c.state != "skipped"),
    }, base=task, **span).items():
        r = at(cur, key)
        for name, value in s.items():
            setattr(r, name, int(value or 0))


def _quality(session: Session, by: str | None, span: dict, at, days: tuple[date, date, date]) -> None:
    """The inspections made in both periods (grouped through their visit, when they have one), their
    scores, their findings and how those stand now (open: no corrective task, or its task open; the
    rule of domain/quality/inspections.py), and the drills held (a group of no visit), added to
    `at(current, key)`. Two statements."""
    # 6. inspections, one row per finding (or one for an inspection without any): each inspection
    # counted once, on its first row; their findings as they stand now
    first_row = or_(inspection_finding.c.number.is_(None), inspection_finding.c.number == 1)
    base = inspection.outerjoin(
        inspection_finding, inspection_finding.c.inspection_id == inspection.c.id).outerjoin(
        task, task.c.id == inspection_finding.c.task_id)
    finding = inspection_finding.c.number.is_not(None)
    for (cur, key), s in _grouped(session, by, inspection.c.at, inspection.c.visit_id, [], {
        "inspections": _flag(first_row), "scored": _flag(and_(first_row, inspection.c.score.is_not(None))),
        "score_total": case((first_row, func.coalesce(inspection.c.score, 0)), else_=0),
        "findings": _flag(finding),
        "open_findings": _flag(and_(finding, or_(inspection_finding.c.task_id.is_(None), task.c.state == "open"))),
        "fixed": _flag(task.c.state == "done"),
        "unassigned": _flag(and_(finding, inspection_finding.c.task_id.is_(None))),
        "overdue_findings": _flag(and_(task.c.state == "open", task.c.due_at < clock.now())),
    }, base=base, **span).items():
        r = at(cur, key)
        for name, value in s.items():
            setattr(r, name, int(value or 0))
    # 7. drills held, by their day
    prev_first, first, last = days
    current = case((drill.c.day >= first.isoformat(), 1), else_=0)
    for cur, n in session.execute(select(current, func.count()).where(
            drill.c.day >= prev_first.isoformat(), drill.c.day <= last.isoformat()).group_by(current)):
        at(bool(cur), None).drills += int(n)


def _amount(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _ratio(part, whole_) -> float | None:
    return round(float(part) / float(whole_), 4) if whole_ else None


def _values(r: _Raw) -> dict[str, tuple]:
    """measure key -> (value, counts) of one period."""
    judged = r.on_time + r.late + r.missed
    return {
        "satisfaction": (round(r.score_sum / r.forms, 2) if r.forms else None, {"forms": r.forms}),
        "excellent_share": (_ratio(r.excellent, r.forms), {"excellent": r.excellent, "forms": r.forms}),
        "conversion_rate": (_ratio(r.converted, r.visits), {"converted": r.converted, "visits": r.visits}),
        "complaint_rate": (_ratio(r.complaints, r.visits), {"complaints": r.complaints, "visits": r.visits}),
        "process_compliance": (_ratio(r.on_time, judged), {"on_time": r.on_time, "late": r.late,
                                                           "missed": r.missed, "skipped": r.skipped}),
        "task_completion": (_ratio(r.done, r.due), {"done": r.done, "due": r.due}),
        "response_minutes_median": (_mid(r.response, 1), {"acknowledged": len(r.response), "cases": r.cases}),
        "response_minutes_average": (_mean(r.response, 1), {"acknowledged": len(r.response), "cases": r.cases}),
        "resolution_hours_median": (_mid(r.resolution, 2), {"resolved": len(r.resolution), "cases": r.cases}),
        "resolution_hours_average": (_mean(r.resolution, 2), {"resolved": len(r.resolution), "cases": r.cases}),
        "cost": (r.cost, {"visits": r.with_cost}),
        "budget": (r.budget, {"visits": r.with_budget}),
        "cost_to_budget": (_ratio(r.cost, r.budget), {"over_budget": r.over_budget}),
        "reception_cost": (r.reception_cost, {"visits": r.with_reception}),
        "material_cost": (r.material_cost, {"visits": r.with_material}),
        "inspections": (r.inspections, {"findings": r.findings}),
        "inspection_score": (round(r.score_total / r.scored, 2) if r.scored else None, {"scored": r.scored}),
        "open_findings": (r.open_findings, {"findings": r.findings, "fixed": r.fixed, "unassigned": r.unassigned,
                                            "overdue": r.overdue_findings}),
        "drills": (r.drills, {}),
    }


def _mid(values: list, digits: int) -> float | None:
    return round(median(values), digits) if values else None


def _mean(values: list, digits: int) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def _measures(now: _Raw, before: _Raw) -> tuple[Measure, ...]:
    a, b = _values(now), _values(before)
    out = []
    for key, unit, _ in MEASURES:
        (value, counts), (previous, previous_counts) = a[key], b[key]
        change = None
        if value is not None and previous is not None:
            change = value - previous if unit == "amount" else round(value - previous, 4)
        out.append(Measure(key, unit, value, previous, change, counts, previous_counts))
    return tuple(out)
