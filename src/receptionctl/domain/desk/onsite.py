"""Who is on site now (seeds 001 and 004: identity registration and safety at the door): the
guests of visits in progress, walk-ins among them, and the holders of temporary passes not
returned, for an evacuation roll call. Two statements, however many people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy.orm import Session, aliased
from sqlmodel import select

from receptionctl.store.tables.common import Client, Staff, Visit
from receptionctl.store.tables.desk import SitePass
from receptionctl.store.tables.visits import Assignment, Guest


@dataclass(frozen=True)
class OnSite:
    kind: str  # guest | walk-in | pass
    name: str
    company: str
    host: str | None
    since: datetime
    where: str | None
    visit_id: int | None = None
    pass_id: int | None = None
    until: datetime | None = None  # a pass's time


def on_site(session: Session, now: datetime) -> list[OnSite]:
    """Everyone on site at `now`, by the time they came in."""
    host = aliased(Staff, name="host")
    guests = session.execute(
        select(Guest.name, Client.name, host.username, Guest.checked_in_at, Visit.venue, Visit.id, Visit.walk_in)
        .join(Visit, Visit.id == Guest.visit_id)
        .join(Client, Client.id == Visit.client_id)
        .outerjoin(Assignment, and_(Assignment.visit_id == Visit.id, Assignment.role == "host"))
        .outerjoin(host, host.id == Assignment.staff_id)
        .where(Guest.checked_out_at.is_(None), Visit.status == "in_progress", Guest.checked_in_at <= now)
    )
    people = [OnSite("walk-in" if walk_in else "guest", name, company, who, since, venue, visit_id=vid)
              for name, company, who, since, venue, vid, walk_in in guests]
    passes = session.execute(
        select(SitePass.name, SitePass.company, Staff.username, SitePass.issued_at, SitePass.place, SitePass.id,
               SitePass.until)
        .outerjoin(Staff, Staff.id == SitePass.host_id)
        .where(SitePass.returned_at.is_(None), SitePass.issued_at <= now)
    )
    people += [OnSite("pass", name, company, who, since, place, pass_id=pid, until=until)
               for name, company, who, since, place, pid, until in passes]
    return sorted(people, key=lambda p: (p.since, p.name))
