"""Clashes: one person (main or backup) on two visits that overlap in time, or one venue
booked for overlapping visits. Found in SQL, in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import and_, func, union_all
from sqlalchemy.orm import Session, aliased
from sqlmodel import select

from receptionctl.domain.core.base import MAX_HOURS
from receptionctl.i18n import _
from receptionctl.store.tables.common import Staff, Visit
from receptionctl.store.tables.visits import Assignment


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
) -> list[Clash]:
    """Clashes of the given visits (or of every visit starting in `window`), in 2 queries (3
    for given visits: their span first). Only visits near them are read, so the cost does
    not grow with the closed history."""
    ids = list(visit_ids) if visit_ids is not None else None
    if ids is not None and not ids:
        return []

    def people(scope):
        """(visit, person) pairs, main and backup, of the visits `scope` selects."""
        main = select(Assignment.visit_id.label("visit_id"), Assignment.staff_id.label("staff_id")).where(scope)
        backup = select(Assignment.visit_id, Assignment.backup_id).where(scope, Assignment.backup_id.is_not(None))
        return union_all(main, backup)

    live = Visit.status != "cancelled"
    if ids is not None:
        mine = Assignment.visit_id.in_(ids)
        # only visits near the given ones can overlap them: an index range, however long the history
        lo, hi = session.execute(select(func.min(Visit.starts_at), func.max(Visit.ends_at))
                                 .where(Visit.id.in_(ids))).one()
        if lo is None:
            return []
        near = (lo - timedelta(hours=MAX_HOURS), hi)  # where another visit must start to overlap
        others = Assignment.visit_id.in_(select(Visit.id).where(live, Visit.starts_at > near[0],
                                                                Visit.starts_at < near[1]))
    else:
        lo, hi = window
        mine = Assignment.visit_id.in_(select(Visit.id).where(live, Visit.starts_at >= lo, Visit.starts_at < hi))
        # a visit lasts at most MAX_HOURS, so only those near the window can overlap one in it
        near = (lo - timedelta(hours=MAX_HOURS), hi + timedelta(hours=MAX_HOURS))
        others = Assignment.visit_id.in_(select(Visit.id).where(
            live, Visit.ends_at > lo, Visit.starts_at > near[0], Visit.starts_at < near[1]))
    p1, p2 = people(mine).cte("p1"), people(others).cte("p2")
    v1, v2 = aliased(Visit, name="v1"), aliased(Visit, name="v2")

    def scoped(q):
        q = q.where(v1.starts_at < v2.ends_at, v2.starts_at < v1.ends_at, v1.status != "cancelled",
                    v2.status != "cancelled")
        if ids is not None:
            q = q.where(v1.id.in_(ids))
        if window is not None:
            q = q.where(v1.starts_at >= window[0], v1.starts_at < window[1])
        return q

    person_q = scoped(
        select(v1.id, v2.id, Staff.username, v2.starts_at, v2.ends_at)
        .distinct()
        .select_from(p1)
        .join(p2, and_(p1.c.staff_id == p2.c.staff_id, p1.c.visit_id != p2.c.visit_id))
        .join(v1, v1.id == p1.c.visit_id)
        .join(v2, v2.id == p2.c.visit_id)
        .join(Staff, Staff.id == p1.c.staff_id)
    )
    venue_q = scoped(
        select(v1.id, v2.id, v1.venue, v2.starts_at, v2.ends_at)
        .select_from(v1)
        .join(v2, and_(v1.venue_key == v2.venue_key, v1.id != v2.id,
                       v2.starts_at > near[0], v2.starts_at < near[1]))
        .where(v1.venue_key.is_not(None))
    )
    found = [Clash("person", *row) for row in session.execute(person_q)]
    found += [Clash("venue", *row) for row in session.execute(venue_q)]
    return sorted(found, key=lambda c: (c.visit_id, c.kind, c.subject, c.other_visit_id))
