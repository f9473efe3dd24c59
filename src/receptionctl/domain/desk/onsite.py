"""Who is on site now (seeds 001 and 004: identity registration and safety at the door): the
guests of visits in progress, walk-ins among them, and the holders of temporary passes not
returned, for an evacuation roll call. One statement, however many people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, literal, null, select, type_coerce, union_all

from receptionctl.store import light
from receptionctl.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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
    """Everyone on site at `now`, by the time they came in: the guests and the passes in one
    statement (light handles: no table class is built)."""
    guest, visit, client, assignment, site_pass = light.guest, light.visit, light.client, light.assignment, \
        light.site_pass
    host, holder_host = light.staff.alias("host"), light.staff.alias("pass_host")
    guests = (
        select(guest.c.name, client.c.name.label("company"), host.c.username.label("who"),
               guest.c.checked_in_at.label("since"), visit.c.venue.label("place"), visit.c.id.label("visit_id"),
               visit.c.walk_in, null().label("pass_id"), type_coerce(null(), UTCDateTime()).label("until"))
        .join(visit, visit.c.id == guest.c.visit_id)
        .join(client, client.c.id == visit.c.client_id)
        .outerjoin(assignment, and_(assignment.c.visit_id == visit.c.id, assignment.c.role == "host"))
        .outerjoin(host, host.c.id == assignment.c.staff_id)
        .where(guest.c.checked_out_at.is_(None), visit.c.status == "in_progress", guest.c.checked_in_at <= now)
    )
    passes = (
        select(site_pass.c.name, site_pass.c.company, holder_host.c.username, site_pass.c.issued_at,
               site_pass.c.place, null(), literal(None), site_pass.c.id, site_pass.c.until)
        .outerjoin(holder_host, holder_host.c.id == site_pass.c.host_id)
        .where(site_pass.c.returned_at.is_(None), site_pass.c.issued_at <= now)
    )
    people = [OnSite("pass", r.name, r.company, r.who, r.since, r.place, pass_id=r.pass_id, until=r.until)
              if r.pass_id is not None else
              OnSite("walk-in" if r.walk_in else "guest", r.name, r.company, r.who, r.since, r.place,
                     visit_id=r.visit_id)
              for r in session.execute(union_all(guests, passes))]
    return sorted(people, key=lambda p: (p.since, p.name))
