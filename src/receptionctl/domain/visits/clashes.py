"""Clashes: one person (main or backup) on two visits that overlap in time, or one venue
booked for overlapping visits. Found in SQL, in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import and_, func, literal, select, union_all

from receptionctl.domain.core.base import MAX_HOURS
from receptionctl.i18n import _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Clash:
    kind: str  # "person" | "venue"
    visit_id: int
    other_visit_id: int
    subject: str  # the username or the venue
    other_starts_at: datetime
    other_ends_at: datetime

    @property
    def text(self) -> str:
        if self.kind == "person":
            return _("visit {visit}: {user} is also on visit {other}").format(
                visit=self.visit_id, user=self.subject, other=self.other_visit_id)
        return _("visit {visit}: venue {venue!r} is also booked for visit {other}").format(
            visit=self.visit_id, venue=self.subject, other=self.other_visit_id)


def find(
    session: Session,
    visit_ids: Iterable[int] | None = None,
    window: tuple[datetime, datetime] | None = None,
    span: tuple[datetime, datetime] | None = None,
) -> list[Clash]:
    """Clashes of the given visits (or of every visit starting in `window`), in one query (two
    for given visits: their span first, unless the caller gives it, `span`: the earliest start
    and the latest end of the visits). Only visits near them are read, so the cost does not
    grow with the closed history."""
    ids = list(visit_ids) if visit_ids is not None else None
    if ids is not None and not ids:
        return []
    asg, vis = light.assignment.c, light.visit.c

    def people(scope):
        """(visit, person) pairs, main and backup, of the visits `scope` selects."""
        main = select(asg.visit_id.label("visit_id"), asg.staff_id.label("staff_id")).where(scope)
        backup = select(asg.visit_id, asg.backup_id).where(scope, asg.backup_id.is_not(None))
        return union_all(main, backup)

    live = vis.status != "cancelled"
    if ids is not None:
        mine = asg.visit_id.in_(ids)
        # only visits near the given ones can overlap them: an index range, however long the history
        lo, hi = span or session.execute(select(func.min(vis.starts_at), func.max(vis.ends_at))
                                         .where(vis.id.in_(ids))).one()
        if lo is None:
            return []
        near = (lo - timedelta(hours=MAX_HOURS), hi)  # where another visit must start to overlap
        others = asg.visit_id.in_(select(vis.id).where(live, vis.starts_at > near[0], vis.starts_at < near[1]))
    else:
        lo, hi = window
        mine = asg.visit_id.in_(select(vis.id).where(live, vis.starts_at >= lo, vis.starts_at < hi))
        # a visit lasts at most MAX_HOURS, so only those near the window can overlap one in it
        near = (lo - timedelta(hours=MAX_HOURS), hi + timedelta(hours=MAX_HOURS))
        others = asg.visit_id.in_(select(vis.id).where(
            live, vis.ends_at > lo, vis.starts_at > near[0], vis.starts_at < near[1]))
    p1, p2 = people(mine).cte("p1"), people(others).cte("p2")
    v1, v2 = light.visit.alias("v1"), light.visit.alias("v2")

    def scoped(q):
        q = q.where(v1.c.starts_at < v2.c.ends_at, v2.c.starts_at < v1.c.ends_at, v1.c.status != "cancelled",
                    v2.c.status != "cancelled")
        if ids is not None:
            q = q.where(v1.c.id.in_(ids))
        if window is not None:
            q = q.where(v1.c.starts_at >= window[0], v1.c.starts_at < window[1])
        return q

    person_q = scoped(
        select(literal("person").label("kind"), v1.c.id, v2.c.id, light.staff.c.username.label("subject"),
               v2.c.starts_at, v2.c.ends_at)
        .distinct()
        .select_from(p1)
        .join(p2, and_(p1.c.staff_id == p2.c.staff_id, p1.c.visit_id != p2.c.visit_id))
        .join(v1, v1.c.id == p1.c.visit_id)
        .join(v2, v2.c.id == p2.c.visit_id)
        .join(light.staff, light.staff.c.id == p1.c.staff_id)
    )
    venue_q = scoped(
        select(literal("venue").label("kind"), v1.c.id, v2.c.id, v1.c.venue.label("subject"),
               v2.c.starts_at, v2.c.ends_at)
        .select_from(v1)
        .join(v2, and_(v1.c.venue_key == v2.c.venue_key, v1.c.id != v2.c.id,
                       v2.c.starts_at > near[0], v2.c.starts_at < near[1]))
        .where(v1.c.venue_key.is_not(None))
    )
    found = [Clash(*row) for row in session.execute(union_all(person_q, venue_q))]
    return sorted(found, key=lambda c: (c.visit_id, c.kind, c.subject, c.other_visit_id))
