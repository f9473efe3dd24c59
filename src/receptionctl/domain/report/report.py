"""The daily report: what a reception team lead reads before the day starts.

Built in a fixed number of SQL statements whatever the number of visits and tasks: the
filtering, the counting and the averages happen in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import Session
from sqlmodel import select

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
from receptionctl.domain.people import clients
from receptionctl.domain.quality import drills, inspections
from receptionctl.domain.records import documents, manual, retention
from receptionctl.domain.visits import clashes, pipeline
from receptionctl.domain.visits import visits as visit_records
from receptionctl.domain.visits.followups import converted
from receptionctl.domain.visits.visits import VisitView, _view, _visit_query
from receptionctl.i18n import N_, _, ngettext
from receptionctl.store.tables.common import Client, Task, Visit
from receptionctl.store.tables.visits import Feedback, Incident, Plan

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
    rows = session.execute(
        select(Task.visit_id, Task.state, Task.title, Task.due_at, Task.title_zh)
        .where(Task.visit_id.in_(visit_ids), Task.stage.concat("") == "prepare", Task.state != "skipped")
        .order_by(Task.due_at, Task.id)
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


def daily(session: Session, day: date | None = None, per_owner: int | None = None,
          viewer: str | None = None, tasks: bool = True) -> DailyReport:
    """The daily report of `day` (default today). `per_owner`: list at most so many due and
    overdue tasks per person (or role) and count the rest; None lists every one. `viewer`:
    the person reading it; complaints about staff are left out unless they may see them.
    `tasks=False`: without the due and overdue tasks (none read: for a page that shows the
    visits and the alerts only, the board)."""
    rules = policy.load(session)
    w = _window(rules, day)
    views, todays, ahead, found = _visits(session, w)
    hide = viewer is not None and not service_cases.sees_staff_complaints(session, viewer)
    due_today, overdue, due_today_by_owner, overdue_by_owner = (_tasks(session, w, per_owner, hide) if tasks
                                                                else ((), (), {}, {}))
    case_digest = service_cases.digest(session, viewer, w.day, w.cutoff)
    alerts = (_feedback_alerts(session, rules, w) + _incident_alerts(session, w) + _plan_alerts(session, views)
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
    rows = session.execute(
        _visit_query()
        .where(Visit.starts_at < w.ahead_end, Visit.ends_at > w.start, Visit.status != "cancelled",
               Visit.starts_at > w.start - timedelta(hours=MAX_HOURS))  # an index range, however long the history
        .order_by(Visit.starts_at, Visit.id)
    ).all()
    views = [_view(r) for r in rows]
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


def _feedback_alerts(session: Session, rules: dict, w: _Window) -> list[Alert]:
    """Feedback under the red line: received in the last 7 days, or still under investigation
    (two index ranges, not one scan of every form ever received)."""
    investigating = select(Task.visit_id).where(Task.state == "open", Task.key == "investigate-feedback")
    recent = or_(and_(Feedback.at >= w.start - timedelta(days=7), Feedback.at < w.end),
                 and_(Feedback.at < w.end, Feedback.visit_id.in_(investigating)))
    return [_alert("red_line", N_("visit {visit} ({client}): feedback score {score} under the red line "
                                  "{red_line} ({day})"), visit_id, visit=visit_id, client=client, score=score,
                   red_line=rules["red_line_score"], day=f"{clock.local(at):%Y-%m-%d}")
            for visit_id, client, score, at in session.execute(
                select(Feedback.visit_id, Client.name, Feedback.score, Feedback.at)
                .join(Visit, Visit.id == Feedback.visit_id)
                .join(Client, Client.id == Visit.client_id)
                .where(Feedback.score < rules["red_line_score"], recent)
                .order_by(Feedback.at))]


def _incident_alerts(session: Session, w: _Window) -> list[Alert]:
    """Open high or critical incidents; a critical one is a critical alert."""
    return [_alert("incident", N_("visit {visit} ({client}): open {severity} {kind} incident #{incident}: {text}"),
                   visit_id, ("severity", "kind"), CRITICAL if severity == "critical" else NORMAL, visit=visit_id,
                   client=client, severity=severity, kind=kind, incident=inc_id, text=text_)
            for inc_id, visit_id, client, severity, kind, text_ in session.execute(
                select(Incident.id, Incident.visit_id, Client.name, Incident.severity, Incident.kind, Incident.text)
                .join(Visit, Visit.id == Incident.visit_id)
                .join(Client, Client.id == Visit.client_id)
                .where(Incident.resolved_at.is_(None), Incident.severity.in_(("high", "critical")),
                       Incident.at < w.end)
                .order_by(Incident.at))]


def _plan_alerts(session: Session, views: list[VisitView]) -> list[Alert]:
    """Plans needing approval again; the window's open visits with no host."""
    out = [_alert("reapproval", N_("visit {visit} ({client}): plan needs approval again ({why})"), visit_id,
                  visit=visit_id, client=client, why=stored.change(why))
           for visit_id, client, why in session.execute(
               select(Visit.id, Client.name, Plan.reapproval)
               .join(Plan, Plan.visit_id == Visit.id)
               .join(Client, Client.id == Visit.client_id)
               .where(Plan.reapproval.is_not(None), Visit.status.in_(ACTIVE))
               .order_by(Visit.starts_at))]
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
    windows [start, end) (labelled): three statements for both, each window's figures summed
    apart (conditional aggregates), as one window's own statements would count them."""
    (_, a_start, a_end), (_, b_start, b_end) = windows
    seen = [and_(col >= a_start, col < a_end) for col in (Visit.starts_at, Feedback.at)]
    seen_b = [and_(col >= b_start, col < b_end) for col in (Visit.starts_at, Feedback.at)]
    received = session.execute(
        select(*(func.count(case((w, Visit.id))) for w in (seen[0], seen_b[0])))
        .where(or_(seen[0], seen_b[0]), Visit.status.in_(lifecycle.RECEIVED))).one()
    excellent = Feedback.score >= rules["excellent_score"]
    forms = session.execute(
        select(*(x for w in (seen[1], seen_b[1]) for x in (
            func.count(case((w, Feedback.visit_id))), func.avg(case((w, Feedback.score))),
            func.sum(case((and_(w, excellent), 1), else_=0)))))
        .where(or_(seen[1], seen_b[1]))).one()
    conv = [0, 0]
    for converted_at, ends_at, which in session.execute(
            select(Visit.converted_at, Visit.ends_at, case((seen[0], 0), else_=1))
            .where(or_(seen[0], seen_b[0]), Visit.converted_at.is_not(None))):
        conv[which] += converted(converted_at, ends_at, rules["conversion_window_days"])
    out = []
    for i, (label, _start, _end) in enumerate(windows):
        n, avg, good = forms[3 * i:3 * i + 3]
        out.append(MonthToDate(
            month=label, visits_received=received[i] or 0, feedback_collected=n or 0,
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
