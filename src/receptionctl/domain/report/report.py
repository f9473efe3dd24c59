"""The daily report: what a reception team lead reads before the day starts.

Built in a fixed number of SQL statements whatever the number of visits and tasks: the
filtering, the counting and the averages happen in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Callable, Iterator

from sqlalchemy import Integer, and_, case, func, literal_column, null, or_, select, true, type_coerce, union_all

from receptionctl import i18n
from receptionctl.domain.care import care
from receptionctl.domain.cases import cases as service_cases
from receptionctl.domain.cases.cases import CaseDigest
from receptionctl.domain.core import clock, lifecycle, policy, stored
from receptionctl.domain.core.alerts import CRITICAL, NORMAL, Alert
from receptionctl.domain.core.base import MAX_HOURS
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.desk import desk, duties, passes
from receptionctl.domain.desk.onsite import on_site
from receptionctl.domain.engine import TaskView, count_by_owner, inactive_owners, list_tasks
from receptionctl.domain.engine.tasklist import iter_tasks
from receptionctl.domain.people import clients
from receptionctl.domain.quality import drills, inspections
from receptionctl.domain.records import documents, manual, retention
from receptionctl.domain.visits import clashes, pipeline
from receptionctl.domain.visits import visits as visit_records
from receptionctl.domain.visits.followups import converted
from receptionctl.domain.visits.visits import VisitView
from receptionctl.i18n import N_, _, ngettext
from receptionctl.store import light
from receptionctl.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Read through the light handles (store/light.py): the report builds no table class.
visit, client, task, feedback, incident, plan = (light.visit, light.client, light.task, light.feedback, light.incident,
                                                 light.plan)

ACTIVE = lifecycle.ACTIVE


@dataclass(frozen=True)
class ReportVisit:
    visit: VisitView
    readiness: float | None
    prepared: int
    to_prepare: int
    open_preparation: tuple[str, ...]  # titles of the open preparation tasks
    overdue_preparation: int
    flags: tuple[str, ...]  # why a look-ahead visit is listed (English, as in JSON)
    shown_flags: tuple[str, ...] = ()  # the same in the run's language (text, markdown, html)
    open_preparation_zh: tuple[str | None, ...] = ()  # the Chinese titles of open_preparation (None: none)


def _alert(kind: str, msgid: str, visit_id: int | None = None, codes: tuple[str, ...] = (),
           severity: str = NORMAL, /, **values) -> Alert:
    """An alert whose text is `msgid` filled with `values`, in the run's language; `codes`: the
    values that are stored codes (a severity, a kind), shown translated. Its severity is given, not
    read from the words."""
    if not i18n.chinese():
        return Alert(kind, msgid.format(**values), visit_id, severity)
    shown = _(msgid).format(**{k: (i18n.code(v, k) if k in codes else v) for k, v in values.items()})
    return Alert(kind, shown, visit_id, severity)


@dataclass(frozen=True)
class MonthToDate:
    month: str
    visits_received: int
    feedback_collected: int
    average_score: float | None
    excellent_share: float | None
    converted: int


@dataclass(frozen=True)
class DailyReport:
    date: date
    generated_at: datetime
    lookahead_until: date
    today: tuple[ReportVisit, ...]
    lookahead: tuple[ReportVisit, ...]
    clashes: tuple[str, ...]
    due_today: tuple[TaskView, ...]
    overdue: tuple[TaskView, ...]
    alerts: tuple[Alert, ...]
    month: MonthToDate
    # with a per-person limit, the tasks listed are the first of each person (or role); these
    # count them all, per person (username) or role: {} when every task is listed
    due_today_by_owner: dict = field(default_factory=dict)
    overdue_by_owner: dict = field(default_factory=dict)
    cases: CaseDigest | None = None  # received yesterday, past their deadline, escalations, the day check
    on_site: tuple | None = None  # who is on site as the report runs (a report of today only)
    last_month: MonthToDate | None = None  # last month to the same day, for the change
    care: tuple = ()  # care.Occasion: the birthdays, holidays and anniversaries of the next care_lookahead_days
    care_until: date | None = None  # the care line's last day

    @property
    def headline(self) -> dict:
        """The numbers at the top: visits today, overdue, alerts, month-to-date satisfaction and
        conversion beside last month's to the same day."""
        def rate(m):
            return (m.converted / m.visits_received) if m and m.visits_received else None

        return {"visits_today": len(self.today), "overdue": self.overdue_total, "alerts": len(self.alerts),
                "critical_alerts": sum(a.critical for a in self.alerts),
                "satisfaction": self.month.average_score,
                "satisfaction_last_month": self.last_month.average_score if self.last_month else None,
                "conversion": rate(self.month), "conversion_last_month": rate(self.last_month)}

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_by_owner.values()) if self.overdue_by_owner else len(self.overdue)

    @property
    def due_today_total(self) -> int:
        return sum(self.due_today_by_owner.values()) if self.due_today_by_owner else len(self.due_today)

    @property
    def visits(self) -> tuple[ReportVisit, ...]:
        return self.today + self.lookahead


def _preparation(session: Session, visit_ids: list[int], now: datetime) -> dict[int, tuple]:
    """Per visit: (done, total, open titles, overdue count) of its preparation tasks, in one query."""
    out: dict[int, list] = {v: [0, 0, [], 0, []] for v in visit_ids}
    if not visit_ids:
        return {}
    # the tasks of these visits (their index), not every preparation task there is: SQLite, without
    # statistics, would otherwise take the stage's index and read all of them (ten times slower at
    # 10,000 visits, `make bench`); `stage || ''` is the stage, without its index
    t = task.c
    rows = session.execute(
        select(t.visit_id, t.state, t.title, t.due_at, t.title_zh)
        .where(t.visit_id.in_(visit_ids), t.stage.concat("") == "prepare", t.state != "skipped")
        .order_by(t.due_at, t.id)
    )
    for visit_id, state, title, due_at, title_zh in rows:
        entry = out[visit_id]
        entry[1] += 1
        if state == "done":
            entry[0] += 1
        else:
            entry[2].append(title)
            entry[4].append(title_zh)
            if due_at < now:
                entry[3] += 1
    return {k: tuple(v) for k, v in out.items()}


def _report_visit(v: VisitView, prep: tuple, flags: list[tuple[str, str]]) -> ReportVisit:
    """`flags`: (English, shown) pairs."""
    done, total, open_titles, overdue, open_zh = prep if prep else (0, 0, [], 0, [])
    return ReportVisit(v, (done / total) if total else None, done, total, tuple(open_titles), overdue,
                       tuple(en for en, _shown in flags), tuple(shown for _en, shown in flags), tuple(open_zh))


# What each area says needs attention (domain/core/alerts.py): gathered in this order, then ranked.
AREAS = (passes.alerts, desk.alerts, manual.alerts, documents.alerts, retention.alerts, pipeline.alerts,
         visit_records.alerts, duties.alerts, inspections.alerts, drills.alerts,
         clients.alerts)


@dataclass(frozen=True)
class _Window:
    """The report's day in the company's zone, and the moments it is cut at."""
    now: datetime
    today: date
    day: date
    zone: object
    start: datetime  # the day's first moment
    end: datetime  # the next day's
    cutoff: datetime  # "now" for the report: the start of the day for an as-of report of another day
    ahead_until: date  # the look-ahead's last day
    ahead_end: datetime


def _window(rules: dict, day: date | None) -> _Window:
    zone = policy.work_zone(rules)
    now = clock.now()
    today = policy.today(rules)
    day = day or today
    start = datetime.combine(day, time(0, 0), zone)
    ahead_until = calendar_for(rules["country"]).add(day, rules["lookahead_working_days"])
    return _Window(now, today, day, zone, start, start + timedelta(days=1), now if day == today else start,
                   ahead_until, datetime.combine(ahead_until, time(0, 0), zone) + timedelta(days=1))


@dataclass(frozen=True)
class TaskStream:
    """Due or overdue tasks read as they are used, not held: what the JSON report lists when it
    lists every one (`daily(stream=True)`). `count` is how many, counted in SQL first; iterate it
    once, while the session that made it is open."""
    count: int
    rows: Callable[[], Iterator[TaskView]]

    def __iter__(self) -> Iterator[TaskView]:
        return self.rows()

    def __len__(self) -> int:
        return self.count


def daily(session: Session, day: date | None = None, per_owner: int | None = None,
          viewer: str | None = None, tasks: bool = True, stream: bool = False) -> DailyReport:
    """The daily report of `day` (default today). `per_owner`: list at most so many due and
    overdue tasks per person (or role) and count the rest; None lists every one. `viewer`:
    the person reading it; complaints about staff are left out unless they may see them.
    `tasks=False`: without the due and overdue tasks (none read: for a page that shows the
    visits and the alerts only, the board). `stream` (with per_owner None): the due and overdue
    tasks as TaskStreams, read while the report is written (the JSON report: a large database's
    hundreds of thousands of overdue tasks are never held at once)."""
    rules = policy.load(session)
    w = _window(rules, day)
    views, todays, ahead, found = _visits(session, w)
    hide = viewer is not None and not service_cases.sees_staff_complaints(session, viewer)
    if not tasks:
        due_today, overdue, due_today_by_owner, overdue_by_owner = (), (), {}, {}
    elif stream and per_owner is None:
        due_today, overdue, due_today_by_owner, overdue_by_owner = (*_streams(session, w, hide), {}, {})
    else:
        due_today, overdue, due_today_by_owner, overdue_by_owner = _tasks(session, w, per_owner, hide)
    case_digest = service_cases.digest(session, viewer, w.day, w.cutoff)
    red_line, incidents, again = _row_alerts(session, rules, w)
    alerts = (red_line + incidents + _plan_alerts(again, views)
              + _case_alerts(case_digest) + _door_alerts(rules, w, views)
              + [a for area in AREAS for a in area(session, w.cutoff)] + _owner_alerts(session))
    alerts.sort(key=alert_rank)  # what matters first
    month, last_month = _months(session, rules, w)
    care_until = w.day + timedelta(days=rules["care_lookahead_days"])
    return DailyReport(
        date=w.day, generated_at=w.now, lookahead_until=w.ahead_until, today=tuple(todays), lookahead=tuple(ahead),
        clashes=tuple(c.text for c in found), due_today=due_today, overdue=overdue, alerts=tuple(alerts), month=month,
        due_today_by_owner=due_today_by_owner, overdue_by_owner=overdue_by_owner, cases=case_digest,
        on_site=tuple(on_site(session, w.now)) if w.day == w.today else None, last_month=last_month,
        care=tuple(care.coming(session, w.day, care_until)), care_until=care_until,
    )


def _visits(session: Session, w: _Window) -> tuple[list, list, list, list]:
    """The window's visits (with client, plan and host); the day's, and the look-ahead's that need
    a look, with their flags; the clashes among them, each pair once."""
    v = visit.c
    rows = session.execute(
        visit_records.visit_query()
        .where(v.starts_at < w.ahead_end, v.ends_at > w.start, v.status != "cancelled",
               v.starts_at > w.start - timedelta(hours=MAX_HOURS))  # an index range, however long the history
        .order_by(v.starts_at, v.id)
    ).all()
    views = [visit_records.view_of(r) for r in rows]
    prep = _preparation(session, [v.id for v in views], w.cutoff)
    found = clashes.find(session, window=(w.start, w.ahead_end))
    clash_ids = {c.visit_id for c in found}
    # each pair once: "visit 5 ... visit 6" and not also "visit 6 ... visit 5"
    found = [c for c in found if c.visit_id < c.other_visit_id or c.other_visit_id not in clash_ids]
    todays, ahead = [], []
    for v in views:
        p = prep.get(v.id)
        if v.starts_at < w.end:
            todays.append(_report_visit(v, p, [("walk-in", _("walk-in"))] if v.walk_in else []))
            continue
        flags = _flags(v, p, v.id in clash_ids)
        if flags:
            ahead.append(_report_visit(v, p, flags))
    return views, todays, ahead, found


def _flags(v: VisitView, p: tuple | None, clash: bool) -> list[tuple[str, str]]:
    """Why a look-ahead visit is listed: (English for JSON, in the run's language)."""
    flags = []
    if v.plan_status != "approved":
        flags.append((f"plan {v.plan_status}", _("plan {status}").format(status=i18n.code(v.plan_status, "plan_status"))))
    if p and p[3]:
        flags.append((f"{p[3]} preparation task{'s' if p[3] != 1 else ''} overdue",
                      ngettext("{n} preparation task overdue", "{n} preparation tasks overdue", p[3]).format(n=p[3])))
    if v.short_notice:
        flags.append(("short notice", _("short notice")))
    if clash:
        flags.append(("clash", _("clash")))
    if v.host is None:
        flags.append(("no host", _("no host")))
    return flags


def _tasks(session: Session, w: _Window, per_owner: int | None, hide: bool) -> tuple:
    """Due today and overdue (open tasks due before the end of the day), high priority first, then
    by due time; with a limit, the first of each person's and the counts, in SQL, however much
    work is open."""
    if per_owner is None:
        due = list_tasks(session, state="open", due_before=w.end, now=w.cutoff, hide_restricted=hide,
                         by_priority=True)
        return tuple(t for t in due if t.due_at >= w.cutoff), tuple(t for t in due if t.due_at < w.cutoff), {}, {}
    late = {"state": "open", "due_before": w.cutoff, "hide_restricted": hide}
    today_ = {"state": "open", "due_from": w.cutoff, "due_before": w.end, "hide_restricted": hide}
    return (tuple(list_tasks(session, now=w.cutoff, per_owner=per_owner, by_priority=True, **today_)),
            tuple(list_tasks(session, now=w.cutoff, per_owner=per_owner, by_priority=True, **late)),
            count_by_owner(session, now=w.cutoff, **today_), count_by_owner(session, now=w.cutoff, **late))


def _streams(session: Session, w: _Window, hide: bool) -> tuple[TaskStream, TaskStream]:
    """Due today and overdue, as _tasks lists them without a limit (high priority first, then by
    due time), each counted now and read when it is written."""
    spans = ({"due_from": w.cutoff, "due_before": w.end}, {"due_before": w.cutoff})
    out = []
    for span in spans:
        filters = {"state": "open", "hide_restricted": hide, **span}
        count = sum(count_by_owner(session, now=w.cutoff, **filters).values())
        out.append(TaskStream(count, lambda f=filters: iter_tasks(session, now=w.cutoff, by_priority=True, **f)))
    return out[0], out[1]


def _row_alerts(session: Session, rules: dict, w: _Window) -> tuple[list[Alert], list[Alert], list[tuple]]:
    """Feedback under the red line: received in the last 7 days, or still under investigation
    (two index ranges, not one scan of every form ever received); open high or critical
    incidents; plans needing approval again. One statement: the three parts of a union, each in
    its order (the form's time, the incident's, the visit's start); the plans as rows."""
    t, f, i, v, c, pl = task.c, feedback.c, incident.c, visit.c, client.c, plan.c
    investigating = select(t.visit_id).where(t.state == "open", t.key == "investigate-feedback")
    recent = or_(and_(f.at >= w.start - timedelta(days=7), f.at < w.end),
                 and_(f.at < w.end, f.visit_id.in_(investigating)))
    red = (select(literal_column("0", Integer).label("part"), f.visit_id.label("visit_id"), c.name.label("client"),
                  f.at.label("at"), f.score.label("score"), null().label("incident_id"), null().label("severity"),
                  null().label("kind"), null().label("text"))
           .join(visit, v.id == f.visit_id).join(client, c.id == v.client_id)
           .where(f.score < rules["red_line_score"], recent))
    open_incidents = (select(literal_column("1", Integer), i.visit_id, c.name, i.at, null(), i.id, i.severity, i.kind,
                             i.text)
                      .join(visit, v.id == i.visit_id).join(client, c.id == v.client_id)
                      .where(i.resolved_at.is_(None), i.severity.in_(("high", "critical")), i.at < w.end))
    again = (select(literal_column("2", Integer), v.id, c.name, v.starts_at, null(), null(), null(), null(),
                    pl.reapproval)
             .join(plan, pl.visit_id == v.id).join(client, c.id == v.client_id)
             .where(pl.reapproval.is_not(None), v.status.in_(ACTIVE)))
    both = union_all(red, open_incidents, again).subquery()
    rows = session.execute(select(both).order_by(both.c.part, both.c.at)).all()
    return (_feedback_alerts(rules, [r for r in rows if r.part == 0]),
            _incident_alerts([r for r in rows if r.part == 1]), [r for r in rows if r.part == 2])


def _feedback_alerts(rules: dict, rows: list) -> list[Alert]:
    return [_alert("red_line", N_("visit {visit} ({client}): feedback score {score} under the red line "
                                  "{red_line} ({day})"), r.visit_id, visit=r.visit_id, client=r.client,
                   score=r.score, red_line=rules["red_line_score"], day=f"{clock.local(r.at):%Y-%m-%d}")
            for r in rows]


def _incident_alerts(rows: list) -> list[Alert]:
    """Open high or critical incidents; a critical one is a critical alert."""
    return [_alert("incident", N_("visit {visit} ({client}): open {severity} {kind} incident #{incident}: {text}"),
                   r.visit_id, ("severity", "kind"), CRITICAL if r.severity == "critical" else NORMAL,
                   visit=r.visit_id, client=r.client, severity=r.severity, kind=r.kind, incident=r.incident_id,
                   text=r.text)
            for r in rows]


def _plan_alerts(again: list, views: list[VisitView]) -> list[Alert]:
    """Plans needing approval again (`again`: their rows); the window's open visits with no host."""
    out = [_alert("reapproval", N_("visit {visit} ({client}): plan needs approval again ({why})"), r.visit_id,
                  visit=r.visit_id, client=r.client, why=stored.change(r.text))
           for r in again]
    return out + [_alert("no_host", N_("visit {visit} ({client}, {starts}): no primary host"), v.id, visit=v.id,
                         client=v.client, starts=f"{clock.local(v.starts_at):%Y-%m-%d %H:%M}")
                  for v in views if v.host is None and v.status in ACTIVE]


def _case_alerts(digest: CaseDigest) -> list[Alert]:
    """Service cases: promises of an answer not kept, repeated causes, the day check not made."""
    out = [_alert("promise", N_("case {case}: the answer promised by {promised} ({to} was asked: "
                                "{question}) has not been given"), case=case_id,
                  promised=clock.local(e.promised_at).strftime("%Y-%m-%d %H:%M"), to=e.to, question=e.question)
           for case_id, e in digest.escalations if e.overdue]
    out += [_alert("pattern", N_("repeated cause: {line}"), line=line) for line in digest.repeated]
    if digest.missing_check is not None:
        out.append(_alert("day_check", N_("the duty manager's case check of {day} was not made "
                                          "(receptionctl case day-check)"), day=digest.missing_check))
    return out


def _door_alerts(rules: dict, w: _Window, views: list[VisitView]) -> list[Alert]:
    """Walk-ins and no-shows among the day's visits (seed 004)."""
    no_show_after = timedelta(minutes=rules["no_show_minutes"])
    out = []
    for v in views:
        if v.walk_in and w.start <= v.starts_at < w.end:
            out.append(_alert("walk_in", N_("visit {visit} ({client}): a walk-in, checked in at the desk at {time} "
                                            "without an approved visit; host {host}"), v.id, visit=v.id,
                              client=v.client, time=f"{clock.local(v.starts_at):%H:%M}", host=v.host or _("none")))
        elif v.status == "approved" and w.start <= v.starts_at < w.end and v.starts_at + no_show_after <= w.cutoff:
            out.append(_alert("no_show", N_("visit {visit} ({client}, {time}): no guest has arrived {minutes} minutes "
                                            "after the start"), v.id, visit=v.id, client=v.client,
                              time=f"{clock.local(v.starts_at):%H:%M}", minutes=rules["no_show_minutes"]))
    return out


def _owner_alerts(session: Session) -> list[Alert]:
    """People who left: their open tasks need a new owner."""
    out = []
    for username, name, n, visit_ids in inactive_owners(session):
        visit_ids = [v for v in visit_ids if v is not None]  # the others are case and desk tasks
        listed = ", ".join(str(v) for v in visit_ids[:10]) + (" …" if len(visit_ids) > 10 else "")
        where = (ngettext("on visit {visits}", "on visits {visits}", len(visit_ids)).format(visits=listed)
                 if visit_ids else _("of cases and the desk"))
        out.append(Alert("no_owner", ngettext(
            "{name} ({username}) is inactive: {n} open task {where} need a new owner (plan assign, case assign, or "
            "task reassign)",
            "{name} ({username}) is inactive: {n} open tasks {where} need a new owner (plan assign, case assign, or "
            "task reassign)", n).format(name=name, username=username, n=n, where=where),
            visit_ids[0] if len(visit_ids) == 1 else None))
    return out


def _months(session: Session, rules: dict, w: _Window) -> tuple[MonthToDate, MonthToDate]:
    """Month to date, and last month to the same day (for the change)."""
    month_start = datetime.combine(w.day.replace(day=1), time(0, 0), w.zone)
    last_start = datetime.combine((w.day.replace(day=1) - timedelta(days=1)).replace(day=1), time(0, 0), w.zone)
    last_end = min(last_start + (w.end - month_start), month_start)
    return _month_pair(session, rules, ((f"{w.day:%Y-%m}", month_start, w.end),
                                        (f"{last_start:%Y-%m}", last_start, last_end)))


def _month_pair(session: Session, rules: dict, windows) -> tuple[MonthToDate, MonthToDate]:
    """Visits received, feedback forms, average score, excellent share, converted, in each of two
    windows [start, end) (labelled): one statement for both, each window's figures summed apart
    (conditional aggregates), as one window's own statements would count them. Its first row
    holds the counts; the others are the converted visits (the conversion is judged here)."""
    (_, a_start, a_end), (_, b_start, b_end) = windows
    v, f = visit.c, feedback.c
    seen = [and_(col >= a_start, col < a_end) for col in (v.starts_at, f.at)]
    seen_b = [and_(col >= b_start, col < b_end) for col in (v.starts_at, f.at)]
    received = (select(*(func.count(case((w, v.id))).label(f"r{n}") for n, w in enumerate((seen[0], seen_b[0]))))
                .where(or_(seen[0], seen_b[0]), v.status.in_(lifecycle.RECEIVED)).subquery())
    excellent = f.score >= rules["excellent_score"]
    forms = (select(*(x.label(f"{k}{n}") for n, w in enumerate((seen[1], seen_b[1])) for k, x in (
        ("n", func.count(case((w, f.visit_id)))), ("avg", func.avg(case((w, f.score)))),
        ("good", func.sum(case((and_(w, excellent), 1), else_=0))))))
             .where(or_(seen[1], seen_b[1])).subquery())
    counts = (select(literal_column("0", Integer).label("part"), *received.c, *forms.c,
                     type_coerce(null(), UTCDateTime()).label("converted_at"),
                     type_coerce(null(), UTCDateTime()).label("ends_at"), null().label("which"))
              .select_from(received).join(forms, true()))
    conversions = (select(literal_column("1", Integer), *(null() for _c in (*received.c, *forms.c)), v.converted_at,
                          v.ends_at, case((seen[0], 0), else_=1))
                   .where(or_(seen[0], seen_b[0]), v.converted_at.is_not(None)))
    both = union_all(counts, conversions).subquery()
    rows = session.execute(select(both).order_by(both.c.part)).all()
    first = rows[0]
    conv = [0, 0]
    for r in rows[1:]:
        conv[r.which] += converted(r.converted_at, r.ends_at, rules["conversion_window_days"])
    out = []
    for i, (label, _start, _end) in enumerate(windows):
        n, avg, good = getattr(first, f"n{i}"), getattr(first, f"avg{i}"), getattr(first, f"good{i}")
        out.append(MonthToDate(
            month=label, visits_received=getattr(first, f"r{i}") or 0, feedback_collected=n or 0,
            average_score=round(float(avg), 1) if avg is not None else None,
            excellent_share=(int(good or 0) / n) if n else None, converted=conv[i],
        ))
    return out[0], out[1]


# The order alerts are read in: what can hurt a client or break a promise first.
ALERT_ORDER = ("incident", "promise", "red_line", "handover_refused", "no_show", "walk_in", "pass_overdue",
               "no_host", "no_manager", "stale", "reapproval", "no_owner", "day_check", "handover_review", "desk_unclosed",
               "desk_problem", "mail_uncollected", "goods_waiting", "pattern", "drill_overdue", "inspection_overdue",
               "finding_unassigned", "doc_overdue", "doc_recall",
               "procedure_unread", "retention_due")


def alert_rank(alert: Alert) -> tuple[int, int]:
    critical = 0 if alert.critical else 1
    kind = ALERT_ORDER.index(alert.kind) if alert.kind in ALERT_ORDER else len(ALERT_ORDER)
    return critical, kind


def is_working_day(session: Session, day: date | None = None) -> bool:
    """Whether `day` (default today, in the company's zone) is a working day."""
    rules = policy.load(session)
    day = day or policy.today(rules)
    return calendar_for(rules["country"]).is_working_day(day)
