"""The numbers behind `report charts` (issue 15, part 5): satisfaction by ISO week, the
conversion funnel, overdue tasks by owner, the readiness of the coming visits.

A constant number of SQL statements whatever the rows: the policy; the forms counted and
summed per week in the database; the funnel counted in one statement; the overdue tasks
counted per owner in one; the coming visits, then their preparation tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, func, or_
from sqlmodel import select

from receptionctl import i18n
from receptionctl.domain.core import clock, lifecycle, policy
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.vocab import role_owner
from receptionctl.domain.engine import count_by_owner
from receptionctl.domain.visits.visits import view_of, visit_query
from receptionctl.i18n import N_, _, code, ngettext
from receptionctl.store import light
from receptionctl.store.tables.common import Staff, Task, Visit
from receptionctl.store.tables.visits import Feedback

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CHARTS = ("satisfaction", "funnel", "overdue", "readiness")
TOOK_PLACE = lifecycle.RECEIVED  # a visit received (as domain/measures/kpi.py counts it)
COMING = lifecycle.COMING  # a visit still to come
TOP_OWNERS = 10
_CODES = (N_("code|intent"), N_("code|won"))  # the funnel's last stages: visit outcomes, shown as codes


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: nothing to measure (a week without forms, a visit with nothing to prepare)
    count: int  # the forms of the week; the visits of the stage; the tasks; the tasks to prepare
    note: str = ""  # what the value is made of, in words


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    unit: str  # score (0-100) | count | percent (0-100)
    top: float  # the top of the scale: 100 for a score or percent, the largest count otherwise
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Charts:
    first: date  # the Monday of the first week
    last: date  # the Sunday of the last week (the current one)
    weeks: int
    generated_at: datetime
    lookahead_until: date
    charts: tuple[Chart, ...]

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_label(monday: date) -> str:
    """An ISO week as people read it, with its days: `Week 43 (19–25 Oct)`, `Week 44 (26 Oct–1 Nov)`;
    in Chinese `第43周（10月19日–25日）`, `第44周（10月26日–11月1日）`."""
    sunday = monday + timedelta(days=6)
    week = monday.isocalendar()[1]
    if i18n.chinese():
        last = f"{sunday.day}日" if sunday.month == monday.month else f"{sunday.month}月{sunday.day}日"
        return f"第{week}周（{monday.month}月{monday.day}日–{last}）"
    first = f"{monday.day}" if sunday.month == monday.month else f"{monday.day} {MONTHS[monday.month - 1]}"
    return f"Week {week} ({first}–{sunday.day} {MONTHS[sunday.month - 1]})"


def _coming(session: Session, now: datetime, ahead_end: datetime) -> list:
    """The visits coming in [now, ahead_end), through the light handles (visits.visit_query)."""
    lv = light.visit.c
    return [view_of(r) for r in session.execute(
        visit_query().where(lv.starts_at >= now, lv.starts_at < ahead_end, lv.status.in_(COMING))
        .order_by(lv.starts_at, lv.id)).all()]


def build(session: Session, weeks: int = 8) -> Charts:
    """The four charts: the last `weeks` ISO weeks (the current one included) in the company's
    zone; the tasks overdue now; the visits from now to the end of the daily report's look-ahead."""
    if weeks < 1:
        raise ValueError("weeks must be 1 or more")
    rules = policy.load(session)
    zone = policy.work_zone(rules)
    now = clock.now()
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    starts = [datetime.combine(first + timedelta(weeks=i), time(0, 0), zone) for i in range(weeks + 1)]
    start, end = starts[0], starts[-1]

    # 1. satisfaction: the forms received per week, counted and summed in SQL
    week = case(*((Feedback.at < starts[i + 1], i) for i in range(weeks)), else_=weeks)
    sub = select(week.label("w"), Feedback.score.label("s")).where(Feedback.at >= start, Feedback.at < end).subquery()
    per_week = {w: (int(n), int(total or 0)) for w, n, total in
                session.execute(select(sub.c.w, func.count(), func.sum(sub.c.s)).group_by(sub.c.w))}
    points = []
    for i in range(weeks):
        n, total = per_week.get(i, (0, 0))
        points.append(Point(week_label(first + timedelta(weeks=i)), round(total / n, 1) if n else None, n,
                            ngettext("{n} form", "{n} forms", n).format(n=n)))
    satisfaction = Chart("satisfaction", _("Satisfaction by week (average feedback score)"), "score", 100,
                         tuple(points))

    # 2. the funnel of the visits received in those weeks, one statement
    def flag(condition):
        return func.sum(case((condition, 1), else_=0))

    intent = or_(Visit.converted_at.is_not(None), Visit.outcome.in_(("intent", "won")))
    received, with_form, intended, won = session.execute(
        select(func.count(Visit.id), flag(Feedback.visit_id.is_not(None)), flag(intent), flag(Visit.outcome == "won"))
        .select_from(Visit).outerjoin(Feedback, Feedback.visit_id == Visit.id)
        .where(Visit.starts_at >= start, Visit.starts_at < end, Visit.status.in_(TOOK_PLACE))
    ).one()
    stages = [(_("visits received"), received), (_("feedback collected"), with_form), (code("intent"), intended),
              (code("won"), won)]
    received = int(received or 0)
    funnel = Chart("funnel", _("Conversion funnel (visits received in the weeks shown)"), "count", received, tuple(
        Point(name, int(n or 0), int(n or 0),
              _("{percent}% of received").format(percent=round(100 * int(n or 0) / received)) if received else "")
        for name, n in stages))

    # 3. overdue tasks by owner (the person, or the role where no one is assigned), one statement
    counts = count_by_owner(session, now=now, state="open", due_before=now)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:TOP_OWNERS]
    names = dict(session.execute(select(Staff.username, Staff.name).where(
        Staff.username.in_([str(who) for who, _n in top]))).all()) if top else {}
    rest = sum(counts.values()) - sum(n for _, n in top)
    title = (_("Overdue tasks by owner (top {n}); {rest} more with the others").format(n=TOP_OWNERS, rest=rest)
             if rest else _("Overdue tasks by owner (top {n})").format(n=TOP_OWNERS))
    overdue = Chart("overdue", title, "count",
                    max((n for _, n in top), default=0),
                    tuple(Point(names.get(who) or role_owner(str(who)), n, n) for who, n in top))

    # 4. readiness of the coming visits: from now to the end of the daily report's look-ahead
    ahead_until = calendar_for(rules["country"]).add(today, rules["lookahead_working_days"])
    ahead_end = datetime.combine(ahead_until + timedelta(days=1), time(0, 0), zone)
    views = _coming(session, now, ahead_end)
    prep: dict[int, list[int]] = {v.id: [0, 0] for v in views}
    if views:
        for visit_id, done, total in session.execute(
            select(Task.visit_id, func.sum(case((Task.state == "done", 1), else_=0)), func.count(Task.id))
            .where(Task.visit_id.in_(list(prep)), Task.stage == "prepare", Task.state != "skipped")
            .group_by(Task.visit_id)
        ):
            prep[visit_id] = [int(done or 0), int(total)]
    readiness = Chart("readiness", _("Readiness of the coming visits (to {day})").format(day=f"{ahead_until:%Y-%m-%d}"),
                      "percent", 100, tuple(
        Point(f"#{v.id} {clock.local(v.starts_at):%m-%d %H:%M} {v.client}",
              round(100 * prep[v.id][0] / prep[v.id][1], 1) if prep[v.id][1] else None, prep[v.id][1],
              _("{done}/{total} prepared").format(done=prep[v.id][0], total=prep[v.id][1]) if prep[v.id][1]
              else _("nothing to prepare"))
        for v in views))
    return Charts(first, monday + timedelta(days=6), weeks, now, ahead_until,
                  (satisfaction, funnel, overdue, readiness))
