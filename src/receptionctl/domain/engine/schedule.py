"""When a task is due: a procedure step's deadline reckoned in the policy's working calendar
(`due_for`, in the `context` of one policy read; `Days` for reading many), the deadlines
that stay put when a visit moves (`FIXED`, `event_anchored`), and compressing a
short-notice schedule (`fit_schedule`): no task is born overdue.

The bottom of the engine's task modules (above `procedure` and `events`): the task list,
the tasks and the case and desk tasks import it, it imports none of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from receptionctl.domain.core import clock, policy
from receptionctl.domain.core.calendar import WorkCalendar, calendar_for
from receptionctl.domain.core.due import parse_due
from receptionctl.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def context(session: Session) -> tuple[dict, WorkCalendar]:
    """The policy's rules and its country's working calendar (one policy read)."""
    rules = policy.load(session)
    return rules, calendar_for(rules["country"])


class Days:
    """The calendar and zone that due dates are read in (one policy read per command)."""

    def __init__(self, session: Session) -> None:
        self.rules, self.cal = context(session)
        self.zone = policy.work_zone(self.rules)


def due_for(expr: str, visit, rules: dict, cal: WorkCalendar, event_at: datetime | None = None) -> datetime:
    """When a step is due: its due expression `expr` (start-3wd, end+24h, event+5m) on `visit` or `event_at`."""
    return parse_due(expr).at(visit.starts_at, visit.ends_at, rules, cal, policy.work_zone(rules), event_at)


FIXED = "fixed"  # the due_expr of an event task made before the engine read them from the procedure


def event_anchored():
    """Tasks opened by an event keep their deadline when the visit moves (for a query of the
    table class: the writes that move a visit's tasks)."""
    from receptionctl.store.tables.common import Task

    return or_(Task.due_expr == FIXED, Task.due_expr.like("event%"))


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
    from receptionctl.store.tables.common import Task

    now = clock.now()
    if visit.starts_at <= now:
        return 0
    rows = list(session.scalars(
        select(Task).where(Task.visit_id == visit.id, Task.state == "open", Task.seq == 1,
                           ~event_anchored(), Task.stage.in_(("prepare", "receive")))
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
