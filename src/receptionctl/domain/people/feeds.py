"""A secret calendar address for each person (issue 30): `staff calendar USER --new/--revoke`
and the web front desk's calendar page make and end it; `GET /calendar/<token>.ics` reads it.

The token is 256 random bits in URL-safe text (secrets.token_urlsafe), shown once when it is
made and kept only as its SHA-256: whoever reads the database cannot subscribe. A person makes
or revokes their own address; an admin anyone's. One address per person: a new one ends the old
one. A request for an address that does not exist (unknown, revoked, or its person inactive) is
counted by the hour (calendar_miss), for an admin to see someone guessing. Every making and
revoking is audited, never with the token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from receptionctl.domain.core import access, audit, clock, find
from receptionctl.domain.core.vocab import StaffRole
from receptionctl.errors import BadInput, Refused
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# reads through the light handles (store/light.py); the writes import their table class inside
feed_t, staff_t, miss_t = light.calendar_feed, light.staff, light.calendar_miss

TOKEN_BYTES = 32  # 256 random bits
FEED_LANGS = ("zh-CN", "en")
PATH = "/calendar/{token}.ics"


@dataclass(frozen=True)
class FeedState:
    """A person's calendar address: whether they have one, since when, by whom, in which language;
    `url` only at the moment it is made (never again)."""

    username: str
    name: str
    active: bool
    created_at: datetime | None = None
    created_by: str | None = None
    lang: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed a token opens: the person, and the language their feed is written in."""

    staff_id: int
    username: str
    name: str
    email: str | None
    lang: str
    created_at: datetime


@dataclass(frozen=True)
class Misses:
    """Requests for calendar addresses that do not exist, in the last hour, day and week."""

    hour: int
    day: int
    week: int


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_url(base: str, token: str) -> str:
    """The address of a feed: `base` (the policy's web_url, or the server's own address) + the path."""
    return base.rstrip("/") + PATH.format(token=token)


def _person(session: Session, actor: str, ref: str, doing: str):
    """The person named by `ref`, if the actor may act on their address: their own; an admin anyone's."""
    me = access.require(session, actor, frozenset(r.value for r in StaffRole), doing)
    person = find.staff(session, ref)
    if person.id != me.id:
        access.require(session, actor, access.STAFF_WRITE, N_("make or revoke another person's calendar address"))
    return person


def _lang(lang: str) -> str:
    value = lang.strip().replace("_", "-")
    for known in FEED_LANGS:
        if value.lower() == known.lower():
            return known
    raise BadInput(_("--lang {value!r} is not valid: expected one of {choices}").format(
        value=lang, choices=", ".join(FEED_LANGS)))


def make(session: Session, actor: str, ref: str, base: str, lang: str) -> FeedState:
    """A new secret address for `ref` (ending the one they had): its URL, shown this once."""
    from receptionctl.store.tables.logins import CalendarFeed

    person = _person(session, actor, ref, N_("make a calendar address"))
    if not person.active:
        raise Refused(_("{user} is inactive: a calendar address is for active staff").format(user=person.username))
    lang = _lang(lang)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = session.get(CalendarFeed, person.id)
    replaced = row is not None
    now = clock.now()
    if row is None:
        row = CalendarFeed(staff_id=person.id, token_hash=digest(token), lang=lang, created_at=now, created_by=actor)
        session.add(row)
    else:
        row.token_hash, row.lang, row.created_at, row.created_by = digest(token), lang, now, actor
    session.flush()
    audit.record(session, actor, "calendar.new", "staff", person.id,
                 after={"username": person.username, "lang": lang, "replaced": replaced})
    return FeedState(person.username, person.name, True, now, actor, lang, feed_url(base, token))


def revoke(session: Session, actor: str, ref: str) -> FeedState:
    """End `ref`'s address: whoever holds it gets 404 from now on."""
    from receptionctl.store.tables.logins import CalendarFeed

    person = _person(session, actor, ref, N_("revoke a calendar address"))
    row = session.get(CalendarFeed, person.id)
    if row is None:
        raise Refused(_("{user} has no calendar address").format(user=person.username))
    session.delete(row)
    session.flush()
    audit.record(session, actor, "calendar.revoke", "staff", person.id, after={"username": person.username})
    return FeedState(person.username, person.name, person.active)


def state(session: Session, actor: str, ref: str) -> FeedState:
    """Whether `ref` has an address (their own; an admin anyone's)."""
    person = _person(session, actor, ref, N_("see a calendar address"))
    row = session.execute(select(feed_t).where(feed_t.c.staff_id == person.id)).first()
    if row is None:
        return FeedState(person.username, person.name, person.active)
    return FeedState(person.username, person.name, person.active, row.created_at, row.created_by, row.lang)


def holders(session: Session, actor: str) -> list[FeedState]:
    """Everyone who has an address (admin only)."""
    access.require(session, actor, access.STAFF_WRITE, N_("list the calendar addresses"))
    rows = session.execute(select(staff_t.c.username, staff_t.c.name, staff_t.c.active, feed_t.c.created_at,
                                  feed_t.c.created_by, feed_t.c.lang)
                           .join(feed_t, feed_t.c.staff_id == staff_t.c.id).order_by(staff_t.c.username))
    return [FeedState(*r) for r in rows]


def owner(session: Session, token: str) -> FeedOwner | None:
    """Whose feed `token` opens, or None (unknown, revoked, or an inactive person). The token's
    hash is looked up, then compared in constant time."""
    if not token or len(token) > 128:
        return None
    wanted = digest(token)
    row = session.execute(select(feed_t.c.token_hash, feed_t.c.lang, feed_t.c.created_at, staff_t.c.id,
                                 staff_t.c.username, staff_t.c.name, staff_t.c.email, staff_t.c.active)
                          .join(staff_t, staff_t.c.id == feed_t.c.staff_id)
                          .where(feed_t.c.token_hash == wanted)).first()
    if row is None:
        return None
    if not secrets.compare_digest(row.token_hash, wanted) or not row.active:
        return None
    return FeedOwner(row.id, row.username, row.name, row.email, row.lang, row.created_at)


def count_miss(session: Session) -> None:
    """One more request for an address that does not exist, in this hour's count (a write session)."""
    from receptionctl.store.tables.logins import CalendarMiss

    now = clock.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    row = session.get(CalendarMiss, hour)
    if row is None:
        session.add(CalendarMiss(hour=hour, count=1))
    else:
        row.count += 1
    session.flush()


def misses(session: Session, actor: str) -> Misses:
    """The failed requests of the last hour, day and week (admin only)."""
    access.require(session, actor, access.STAFF_WRITE, N_("see the failed calendar requests"))
    now = clock.now()

    def since(delta: timedelta) -> int:
        start = (now - delta).replace(minute=0, second=0, microsecond=0)
        return session.scalar(select(func.coalesce(func.sum(miss_t.c.count), 0))
                              .where(miss_t.c.hour >= start)) or 0

    return Misses(since(timedelta(0)), since(timedelta(hours=23)), since(timedelta(days=6, hours=23)))
