"""Visits: recorded the moment a client announces one, each with a draft plan."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, lifecycle, outbox, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import (
    MAX_HOURS,
    Done,
    clean_place,
    load_for_change,
    required_text,
    venue_key,
)
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.vocab import OffsiteKind, Purpose, VisitRole, VisitStatus
from receptionctl.domain.engine import Event
from receptionctl.domain.people.clients import resolve_client
from receptionctl.domain.visits import clashes
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code, day_label, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from receptionctl.store.tables.common import Visit

VISIT_WRITE = frozenset({"coordinator", "host"})
_PURPOSE = N_("purpose {purpose!r} is not valid: expected one of talk, tour, tech, signing, other")
MAX_HEADCOUNT = 10000
__all__ = ["Done", "MAX_HOURS", "clean_place", "load_for_change", "required_text", "venue_key"]  # re-exported


@dataclass(frozen=True)
class VisitView:
    id: int
    client: str
    client_id: int
    purpose: str
    level: int
    status: str
    starts_at: datetime
    ends_at: datetime
    headcount: int
    venue: str | None
    offsite: bool
    urgent: bool
    short_notice: bool
    host: str | None
    plan_status: str
    reapproval: str | None
    walk_in: bool  # checked in at the desk without an approved visit
    offsite_kind: str | None  # where, when off-site: client-site, fair, event, other (vocab.OffsiteKind)


@dataclass(frozen=True)
class Assigned:
    role: str
    staff: str
    staff_name: str
    backup: str | None
    backup_name: str | None


# -- reading ----------------------------------------------------------------------------
VIEW_COLUMNS = ("id", "client_id", "purpose", "level", "status", "starts_at", "ends_at", "headcount", "venue",
                "offsite", "urgent", "short_notice", "walk_in", "offsite_kind")


def visit_query(*more):
    """The columns of a VisitView (and `more`), through the light handles: one statement. Filter
    it on `light.visit.c`; a row becomes a view with view_of."""
    v, plan = light.visit, light.plan
    host, host_staff = light.assignment.alias("host"), light.staff.alias("host_staff")
    return (
        select(*(v.c[k] for k in VIEW_COLUMNS), light.client.c.name.label("client"),
               plan.c.status.label("plan_status"), plan.c.reapproval, host_staff.c.username.label("host"), *more)
        .join(light.client, light.client.c.id == v.c.client_id)
        .join(plan, plan.c.visit_id == v.c.id)
        .outerjoin(host, and_(host.c.visit_id == v.c.id, host.c.role == "host"))
        .outerjoin(host_staff, host_staff.c.id == host.c.staff_id)
    )


def view_of(row) -> VisitView:
    """A VisitView of a row of visit_query."""
    return VisitView(
        id=row.id, client=row.client, client_id=row.client_id, purpose=row.purpose, level=row.level,
        status=row.status, starts_at=row.starts_at, ends_at=row.ends_at, headcount=row.headcount, venue=row.venue,
        offsite=row.offsite, urgent=row.urgent, short_notice=row.short_notice, host=row.host,
        plan_status=row.plan_status, reapproval=row.reapproval, walk_in=bool(row.walk_in),
        offsite_kind=row.offsite_kind,
    )


def get_view(session: Session, visit_id: int) -> VisitView:
    row = session.execute(visit_query().where(light.visit.c.id == visit_id)).first()
    if row is None:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
    return view_of(row)


def must_exist(session: Session, visit_id: int) -> None:
    """NotFound (exit 3) for an unknown visit: one light statement."""
    if session.scalar(select(light.visit.c.id).where(light.visit.c.id == visit_id)) is None:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))


def list_visits(
    session: Session,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    client: str | None = None,
    limit: int | None = None,
) -> list[VisitView]:
    v = light.visit.c
    q = visit_query()
    if start is not None:
        q = q.where(v.ends_at > start, v.starts_at > start - timedelta(hours=MAX_HOURS))
    if end is not None:
        q = q.where(v.starts_at < end)
    if status is not None:
        if status not in {s.value for s in VisitStatus}:
            raise BadInput(_("status {status!r} is not valid: expected one of {choices}").format(
                status=status, choices=", ".join(s.value for s in VisitStatus)))
        q = q.where(v.status == status)
    if client is not None:
        q = q.where(v.client_id == resolve_client(session, client).id)
    return [view_of(r) for r in session.execute(q.order_by(v.starts_at, v.id).limit(limit))]


def assignments(session: Session, visit_id: int) -> tuple[Assigned, ...]:
    main, backup, asg = light.staff.alias("main"), light.staff.alias("backup"), light.assignment
    rows = session.execute(
        select(asg.c.role, main.c.username, main.c.name, backup.c.username, backup.c.name)
        .join(main, main.c.id == asg.c.staff_id)
        .outerjoin(backup, backup.c.id == asg.c.backup_id)
        .where(asg.c.visit_id == visit_id)
    ).all()
    order = {r.value: i for i, r in enumerate(VisitRole)}
    return tuple(sorted((Assigned(*r) for r in rows), key=lambda a: order.get(a.role, 99)))


# -- the notice period ------------------------------------------------------------------
def notice(session: Session, start: datetime, urgent: bool) -> tuple[int, int, bool]:
    """(notice had, notice needed, short?) for a visit starting at `start`, asked for now.
    Working days (hours when urgent) on the policy's country calendar."""
    rules = policy.load(session)
    now = clock.now()
    if urgent:
        needed = rules["urgent_lead_hours"]
        had = max(0, math.floor((start - now).total_seconds() / 3600))
        return had, needed, start - now < timedelta(hours=needed)
    needed = rules["lead_working_days"]
    cal = calendar_for(rules["country"])
    zone = policy.work_zone(rules)
    had = cal.count_before(start.astimezone(zone), now.astimezone(zone))
    return had, needed, had < needed


def day_off_warning(session: Session, visit_id: int, start: datetime) -> list[str]:
    """A visit on a weekend or a public holiday is recorded, with a warning naming the day."""
    rules = policy.load(session)
    local = start.astimezone(policy.work_zone(rules))
    why = calendar_for(rules["country"]).day_off(local.date())
    if why is None:
        return []
    return [_("visit {visit} is on {day}, a day off ({why}): check that the client, the team and the venue are "
              "available").format(visit=visit_id, day=day_label(local, "%a %Y-%m-%d"), why=why)]


def notice_warning(visit_id: int, had: int, needed: int, urgent: bool) -> str:
    if urgent:
        return ngettext("visit {visit} is short notice: {had} hour before the start, an urgent reception needs "
                        "{needed} (policy urgent_lead_hours)",
                        "visit {visit} is short notice: {had} hours before the start, an urgent reception needs "
                        "{needed} (policy urgent_lead_hours)", had).format(visit=visit_id, had=had, needed=needed)
    return ngettext("visit {visit} is short notice: {had} working day of notice, the procedure needs {needed} "
                    "(policy lead_working_days)",
                    "visit {visit} is short notice: {had} working days of notice, the procedure needs {needed} "
                    "(policy lead_working_days)", had).format(visit=visit_id, had=had, needed=needed)


# -- changing ---------------------------------------------------------------------------
def span(start: datetime, hours: float | None, until: datetime | None) -> datetime:
    """The end of a visit from --hours or --until (default 2 hours)."""
    if hours is not None and until is not None:
        raise BadInput(_("give --hours or --until, not both"))
    if until is not None:
        if until <= start:
            raise BadInput(_("end {end} is not after the start {start}: expected a later --until").format(
                end=f"{clock.local(until):%Y-%m-%d %H:%M}", start=f"{clock.local(start):%Y-%m-%d %H:%M}"))
        if until - start > timedelta(hours=MAX_HOURS):
            raise BadInput(_("end {end} is too far: a visit lasts at most {days} days").format(
                end=f"{clock.local(until):%Y-%m-%d %H:%M}", days=MAX_HOURS // 24))
        return until
    if hours is None:
        hours = 2
    if not (0 < hours <= MAX_HOURS) or math.isnan(hours):
        raise BadInput(_("--hours {hours} is not valid: expected more than 0 and at most {max}").format(
            hours=f"{hours:g}", max=MAX_HOURS))
    return start + timedelta(hours=hours)


def staff_ref(session: Session, ref: str, what: str):
    """The active staff member `ref` names (username, id, name, or a unique part of one)."""
    return find.staff(session, ref, what, active_only=True)


HOST_ROLES = frozenset({"host", "coordinator"})


def check_host(session: Session, username: str, what: str = N_("host")) -> None:
    """The primary host (and the host's backup) must know the client and the business: only
    staff with the host or coordinator role. `what` is an English message id."""
    who = access.find_actor(session, username)
    if who is not None and not (who.roles & HOST_ROLES):
        raise Refused(_("{user} cannot be the {what}: has the role {roles}, the host needs host or coordinator").format(
            user=username, what=_(what),
            roles=_(", ").join(code(r, "role") for r in sorted(who.roles)) or _("none")),
            hint=_("choose someone with the host role, or ask an admin to give it"))


def create_visit(
    session: Session,
    actor: str,
    *,
    client: str,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    headcount: int,
    level: int | None = None,
    venue: str | None = None,
    offsite: bool = False,
    host: str | None = None,
    urgent: bool = False,
    offsite_kind: str | None = None,
    waive_level: bool = False,
) -> Done:
    """Record a visit with its draft plan. Off-site (`offsite`, or `offsite_kind`: client-site,
    fair, event, other; `offsite` alone is other): the procedure's off-site steps apply, those of
    its kind among them, and the campus-only ones do not. Without `level`, a VIP client's visit is
    received at the policy's vip_level, any other at level 3; a VIP visit below vip_level needs an
    approver's `waive_level`. Without `host`, the client's account manager hosts it."""
    access.require(session, actor, VISIT_WRITE, N_("record visits"))
    offsite_kind = site_kind(offsite_kind, offsite)
    offsite = offsite_kind is not None
    client_row = resolve_client(session, client)
    if purpose not in {p.value for p in Purpose}:
        raise BadInput(_(_PURPOSE).format(purpose=purpose))
    least = policy.load(session)["vip_level"]
    if level is None:
        level = least if client_row.tier == "vip" else 3
    if level not in (1, 2, 3):
        raise BadInput(_("level {level} is not valid: expected 1, 2 or 3").format(level=level))
    waived_by, waiver_warnings = tier_level(session, actor, client_row, level, waive_level)
    if headcount < 1:
        raise BadInput(_("headcount {headcount} is not valid: expected at least 1").format(headcount=headcount))
    if starts_at <= clock.now():
        raise BadInput(_("start {start} is in the past: expected a future --at").format(
            start=f"{clock.local(starts_at):%Y-%m-%d %H:%M}"))
    if ends_at <= starts_at:
        raise BadInput(_("the end is not after the start"))
    host_id = None
    if not host:
        host, waiver_warnings = _keeper_hosts(session, client_row, waiver_warnings)
    if host:
        host_row = staff_ref(session, host, N_("host"))
        host_id, host = host_row.id, host_row.username
        check_host(session, host)
    had, needed, short = notice(session, starts_at, urgent)
    now = clock.now()
    venue = clean_place(venue, "--venue")
    if headcount > MAX_HEADCOUNT:
        raise BadInput(_("headcount {headcount} is not valid: expected at most {max}").format(headcount=headcount,
                                                                                             max=MAX_HEADCOUNT))
    row = _add_visit(
        session, actor, now, host_id,
        client_id=client_row.id, purpose=purpose, level=level, status="planning", starts_at=starts_at,
        ends_at=ends_at, headcount=headcount, venue=venue, venue_key=venue_key(venue), offsite=offsite,
        offsite_kind=offsite_kind, urgent=urgent, short_notice=short, notice_had=had, notice_needed=needed,
        level_waived_by=waived_by,
    )
    engine.on(session, Event("visit.recorded", row.id, actor))
    session.flush()
    view = get_view(session, row.id)
    audit.record(session, actor, "visit.new", "visit", row.id, visit_id=row.id,
                 after={**_audit_fields(view, row), **({"level_waived_by": waived_by} if waived_by else {})})
    if waived_by:
        _audit_waiver(session, actor, row.id, client_row, level, least)
    outbox.emit(session, "visit.new", {"visit_id": row.id, "client": view.client, "purpose": purpose, "level": level, "starts_at": starts_at, "ends_at": ends_at, "host": view.host, "urgent": urgent, "short_notice": short, "by": actor})
    warnings = [notice_warning(row.id, had, needed, urgent)] if short else []
    warnings += day_off_warning(session, row.id, starts_at)
    warnings += [c.text for c in clashes.find(session, [row.id])]
    return Done(view, warnings + waiver_warnings)


def _add_visit(session: Session, actor: str, now: datetime, host_id: int | None, **fields) -> Visit:
    """The rows of a visit just recorded: the visit, its draft plan, the plan's first event, its host."""
    from receptionctl.store.tables.common import Visit
    from receptionctl.store.tables.visits import Assignment, Plan, PlanEvent

    row = Visit(**fields, created_at=now, created_by=actor)
    session.add(row)
    session.flush()
    session.add(Plan(visit_id=row.id, status="draft", nda=False))
    session.add(PlanEvent(visit_id=row.id, at=now, actor=actor, action="drafted", note=None))
    if host_id is not None:
        session.add(Assignment(visit_id=row.id, role="host", staff_id=host_id))
    return row


# -- the tier's level and the keeper's hosting (issue 26) -------------------------------------------
APPROVERS = frozenset({"approver"})  # who may waive a VIP visit's level (and admin)
RULE = N_("a VIP client's visit is received at level {least} or above (policy vip_level)")


def tier_level(session: Session, actor: str, client, level: int, waive: bool,
               waived: str | None = None) -> tuple[str | None, list[str]]:
    """Whether `level` may be the level of a visit of `client`: a VIP client's visit is received at
    the policy's vip_level or above (1 is the highest); below it only when an approver waives the
    rule (`waive`; `waived`: who already did, for an edit). Returns who waived it and the warnings;
    exit 1 naming the rule without a waiver, exit 4 when the actor may not waive."""
    least = policy.load(session)["vip_level"]
    below = client.tier == "vip" and level > least
    if not below:
        return None, ([_("--waive-level is not needed: level {level} meets the rule for client {client}").format(
            level=level, client=client.name)] if waive else [])
    if waived and not waive:
        return waived, []
    if not waive:
        raise Refused(_("level {level} is below what the rule asks: {rule}").format(
            level=level, rule=_(RULE).format(least=least)),
            hint=_("give --level {least}, or an approver adds --waive-level").format(least=least))
    access.require(session, actor, APPROVERS, N_("waive a VIP visit's reception level"))
    return actor, [_("the rule is waived by {user}: {rule}").format(user=actor, rule=_(RULE).format(least=least))]


def _edit_level(session: Session, actor: str, visit, level: int, waive: bool) -> list[str]:
    """A visit's level changes (or an approver waives the rule for the level it has: the client
    became VIP): the rule checked, the waiver kept or cleared, and audited."""
    from receptionctl.store.tables.common import Client

    client = session.get(Client, visit.client_id)
    waived_by, warnings = tier_level(session, actor, client, level, waive, visit.level_waived_by)
    if waived_by and waived_by != visit.level_waived_by:
        _audit_waiver(session, actor, visit.id, client, level, policy.load(session)["vip_level"])
    visit.level_waived_by = waived_by
    session.flush()
    return warnings


def _audit_waiver(session: Session, actor: str, visit_id: int, client, level: int, least: int) -> None:
    audit.record(session, actor, "visit.waive_level", "visit", visit_id, visit_id=visit_id,
                 after={"client": client.name, "tier": client.tier, "level": level, "vip_level": least})


def _keeper_hosts(session: Session, client, warnings: list[str]) -> tuple[str | None, list[str]]:
    """The client's account manager hosts a visit recorded without --host, when they are active."""
    if client.manager_id is None:
        return None, warnings
    keeper = session.execute(select(light.staff.c.username, light.staff.c.active)
                             .where(light.staff.c.id == client.manager_id)).first()
    if not keeper.active:
        return None, warnings + [_("client {client}'s account manager {user} is inactive: the visit has no host "
                                   "yet").format(client=client.name, user=keeper.username)]
    return keeper.username, warnings


def site_kind(kind: str | None, offsite: bool | None = None, current: str | None = None) -> str | None:
    """Where an off-site visit is held, checked: `kind` (client-site, fair, event, other), else
    for `offsite` true the `current` kind or other; None on site."""
    if kind is not None:
        kinds = [k.value for k in OffsiteKind]
        if kind not in kinds:
            raise BadInput(_("off-site kind {kind!r} is not valid: expected one of {choices}").format(
                kind=kind, choices=", ".join(kinds)))
        return kind
    if offsite:
        return current or OffsiteKind.other.value
    return None


def _site_asked(visit, offsite: bool | None, offsite_kind: str | None) -> dict:
    """What an edit asks of where the visit is held: nothing ({}), or its offsite and offsite_kind."""
    if offsite is False and offsite_kind is not None:
        raise BadInput(_("--no-offsite and an off-site kind ({kind}) contradict each other: expected one of "
                         "them").format(kind=offsite_kind))
    if offsite_kind is None and offsite is None:
        return {}
    kind = site_kind(offsite_kind, offsite, visit.offsite_kind)
    return {"offsite": kind is not None, "offsite_kind": kind}


WALK_IN = frozenset({"coordinator", "host", "desk", "security"})  # who may check in a walk-in


def record_walk_in(session: Session, actor: str, *, client: str, host: str, purpose: str = "other",
                   hours: float | None = None, headcount: int = 1) -> Visit:
    """A guest arrived without an approved visit and the desk lets them in (seed 004): a
    level-3 visit from now, in progress at once, flagged walk_in, with its host. No
    preparation is opened (it is too late); the host is told at once (by the caller)."""
    from receptionctl.store.tables.common import Visit
    from receptionctl.store.tables.visits import Assignment, Plan, PlanEvent

    access.require(session, actor, WALK_IN, N_("check in walk-in guests"))
    client_row = resolve_client(session, client)
    if purpose not in {p.value for p in Purpose}:
        raise BadInput(_(_PURPOSE).format(purpose=purpose))
    host_row = staff_ref(session, host, N_("host"))
    check_host(session, host_row.username)
    now = clock.now()
    row = Visit(client_id=client_row.id, purpose=purpose, level=3, status="in_progress", starts_at=now,
                ends_at=span(now, hours if hours is not None else 1, None), headcount=headcount, venue=None,
                venue_key=None, offsite=False, urgent=True, short_notice=False, notice_had=0, notice_needed=0,
                created_at=now, created_by=actor, walk_in=True, procedure_id=engine.current(session).id)
    session.add(row)
    session.flush()
    session.add(Plan(visit_id=row.id, status="draft", nda=False))
    session.add(PlanEvent(visit_id=row.id, at=now, actor=actor, action="walk-in",
                          note="checked in at the desk without an approved visit"))
    session.add(Assignment(visit_id=row.id, role="host", staff_id=host_row.id))
    session.flush()
    audit.record(session, actor, "visit.walk_in", "visit", row.id, visit_id=row.id,
                 after=_audit_fields(get_view(session, row.id), row))
    return row


def _audit_fields(view: VisitView, row) -> dict:
    """The visit as its audit event records it: the view, with the times as they were written
    (`row`, the table class's object: in the zone they were given in, as the log always had
    them; the view reads them back from the database, in UTC)."""
    fields = {k: v for k, v in view.__dict__.items() if k not in ("client_id", "reapproval")}
    return {**fields, "starts_at": row.starts_at, "ends_at": row.ends_at}


def reopen_plan(session: Session, actor: str, visit, plan, what: str, action: str = "edit") -> None:
    """A change to the plan (or a reschedule): a submitted or approved plan goes back to
    draft, and "re-approval needed" is recorded when it had been approved."""
    from receptionctl.store.tables.visits import PlanEvent

    new_visit_status = lifecycle.visit_step(visit.id, visit.status, action)
    if visit.status == "in_progress":
        session.add(PlanEvent(visit_id=visit.id, at=clock.now(), actor=actor, action="amended", note=what))
        return
    if plan.status in ("submitted", "approved"):
        was = plan.status
        plan.status = lifecycle.plan_step(visit.id, plan.status, "edit")
        if was == "approved":
            plan.reapproval = f"changed after approval: {what}"
        session.add(PlanEvent(visit_id=visit.id, at=clock.now(), actor=actor, action="reopened",
                              note=f"{what} (was {was})"))
    visit.status = new_visit_status


def reschedule(
    session: Session,
    actor: str,
    visit_id: int,
    starts_at: datetime,
    hours: float | None = None,
    until: datetime | None = None,
) -> Done:
    """Move a visit; without --hours or --until it keeps its length."""
    from receptionctl.store.tables.visits import PlanItem

    access.require(session, actor, VISIT_WRITE, N_("reschedule visits"))
    visit, plan = load_for_change(session, visit_id)
    lifecycle.visit_step(visit.id, visit.status, "reschedule")
    if starts_at <= clock.now():
        raise BadInput(_("start {start} is in the past: expected a future --at").format(
            start=f"{clock.local(starts_at):%Y-%m-%d %H:%M}"))
    if hours is None and until is None:
        ends_at = starts_at + (visit.ends_at - visit.starts_at)
    else:
        ends_at = span(starts_at, hours, until)
    before = get_view(session, visit_id)
    if (starts_at, ends_at) == (visit.starts_at, visit.ends_at):
        return Done(before, [_("visit {visit} is already at that time: nothing changed").format(visit=visit_id)])
    delta = starts_at - visit.starts_at
    if delta:
        for item in session.scalars(select(PlanItem).where(PlanItem.visit_id == visit_id)):
            item.starts_at += delta
            if item.ends_at is not None:
                item.ends_at += delta
    what = (f"rescheduled from {clock.local(visit.starts_at):%Y-%m-%d %H:%M} "
            f"to {clock.local(starts_at):%Y-%m-%d %H:%M}")
    reopen_plan(session, actor, visit, plan, what, action="reschedule")
    had, needed, short = notice(session, starts_at, visit.urgent)
    visit.starts_at, visit.ends_at = starts_at, ends_at
    visit.short_notice, visit.notice_had, visit.notice_needed = short, had, needed

    engine.on(session, Event("visit.rescheduled", visit_id, actor))
    session.flush()
    view = get_view(session, visit_id)
    audit.record(session, actor, "visit.reschedule", "visit", visit_id, visit_id=visit_id,
                 before={"starts_at": before.starts_at, "ends_at": before.ends_at, "plan_status": before.plan_status},
                 after={"starts_at": view.starts_at, "ends_at": view.ends_at, "plan_status": view.plan_status})
    warnings = [notice_warning(visit_id, had, needed, visit.urgent)] if short else []
    warnings += day_off_warning(session, visit_id, starts_at)
    if before.plan_status == "approved":
        warnings.append(_("the plan of visit {visit} needs approval again").format(visit=visit_id))
    warnings += [c.text for c in clashes.find(session, [visit_id])]
    return Done(view, warnings)


def _check_edit(purpose: str | None, level: int | None, headcount: int | None) -> None:
    if purpose is not None and purpose not in {p.value for p in Purpose}:
        raise BadInput(_(_PURPOSE).format(purpose=purpose))
    if level is not None and level not in (1, 2, 3):
        raise BadInput(_("level {level} is not valid: expected 1, 2 or 3").format(level=level))
    if headcount is not None and not 1 <= headcount <= MAX_HEADCOUNT:
        raise BadInput(_("headcount {headcount} is not valid: expected 1 to {max}").format(headcount=headcount,
                                                                                          max=MAX_HEADCOUNT))


def edit_visit(session: Session, actor: str, visit_id: int, *, venue: str | None = None,
               headcount: int | None = None, level: int | None = None, purpose: str | None = None,
               offsite: bool | None = None, urgent: bool | None = None, offsite_kind: str | None = None,
               waive_level: bool = False) -> Done:
    """Correct what was typed when the visit was recorded. A change of level, purpose or
    off-site (or where off-site: `offsite_kind`) changes which steps of the procedure apply: the
    open ones that no longer do are skipped, the new ones open (done work stays done). Any change
    sends an approved plan back for approval. An empty --venue clears it. `waive_level` alone: an
    approver lets a VIP client's visit keep a level below the policy's vip_level (the client
    became VIP)."""
    plain = {"venue": venue, "headcount": headcount, "level": level, "purpose": purpose, "urgent": urgent}
    only_waiver = waive_level and all(v is None for v in plain.values()) and offsite is None and offsite_kind is None
    access.require(session, actor, VISIT_WRITE | APPROVERS if only_waiver else VISIT_WRITE, N_("edit visits"))
    visit, plan = load_for_change(session, visit_id)
    lifecycle.visit_step(visit.id, visit.status, "edit")
    site = _site_asked(visit, offsite, offsite_kind)
    asked = {**plain, "offsite": site.get("offsite"), "offsite_kind": site.get("offsite_kind")}
    if all(v is None for v in asked.values()) and not site and not waive_level:
        raise BadInput(_("nothing to change: expected --venue, --headcount, --level, --purpose, "
                         "--offsite/--no-offsite or --urgent/--no-urgent"))
    _check_edit(purpose, level, headcount)
    if venue is not None:
        venue = clean_place(venue, "--venue") if venue.strip() else ""
        asked["venue"] = venue or None
    changed = {k: v for k, v in asked.items()
               if (v is not None or k == "venue" and venue == "" or k == "offsite_kind" and site)
               and getattr(visit, k) != v}
    waiver_warnings = _edit_level(session, actor, visit, changed.get("level", visit.level), waive_level) \
        if "level" in changed or waive_level else []
    if not changed and waive_level:
        if visit.level_waived_by is None:
            raise Refused(_("visit {visit} needs no waiver: level {level} meets the rule for its client").format(
                visit=visit_id, level=visit.level))
        return Done(get_view(session, visit_id), waiver_warnings)
    if not changed:
        raise Refused(_("visit {visit} already has these values").format(visit=visit_id))
    before_view = get_view(session, visit_id)
    before = {k: getattr(visit, k) for k in changed}
    what = ", ".join(f"{k} {before[k]!s} → {changed[k]!s}" for k in changed)
    reopen_plan(session, actor, visit, plan, what)
    for key, value in changed.items():
        setattr(visit, key, value)
    if "venue" in changed:
        visit.venue_key = venue_key(visit.venue)
    warnings = []
    if "urgent" in changed and visit.status in lifecycle.COMING:
        had, needed, short = notice(session, visit.starts_at, visit.urgent)
        visit.short_notice, visit.notice_had, visit.notice_needed = short, had, needed
        if short:
            warnings.append(notice_warning(visit_id, had, needed, visit.urgent))
    session.flush()
    if {"level", "purpose", "offsite", "offsite_kind"} & set(changed):
        out = engine.on(session, Event("visit.edited", visit_id, actor, data={"changed": what}))
        if out.closed:
            warnings.append(ngettext("{n} open task no longer applies and was skipped",
                                     "{n} open tasks no longer apply and were skipped", out.closed).format(n=out.closed))
    session.flush()
    view = get_view(session, visit_id)
    audit.record(session, actor, "visit.edit", "visit", visit_id, visit_id=visit_id, before=before, after=changed)
    if before_view.plan_status == "approved":
        warnings.append(_("the plan of visit {visit} needs approval again").format(visit=visit_id))
    if "venue" in changed:
        warnings += [c.text for c in clashes.find(session, [visit_id]) if c.kind == "venue"]
    return Done(view, warnings + waiver_warnings)


def cancel(session: Session, actor: str, visit_id: int, reason: str) -> Done:
    access.require(session, actor, VISIT_WRITE, N_("cancel visits"))
    reason = required_text(reason, "--reason", N_("why the visit is cancelled"))
    visit, _plan = load_for_change(session, visit_id)
    before = visit.status
    visit.status = lifecycle.visit_step(visit.id, visit.status, "cancel")
    visit.cancel_reason = reason

    engine.on(session, Event("visit.cancelled", visit_id, actor, data={"reason": reason}))
    session.flush()
    audit.record(session, actor, "visit.cancel", "visit", visit_id, visit_id=visit_id,
                 before={"status": before}, after={"status": visit.status, "reason": reason})
    return Done(get_view(session, visit_id))


# -- for the daily report ----------------------------------------------------------------
STALE = {  # what a visit still to come on a past day asks for, by its status
    "planning": N_("visit {visit} ({client}, {starts}): its day has passed and it is still {status}: cancel it "
                   "(`receptionctl visit cancel {visit} --reason ...`) or move it (`visit reschedule`)"),
    "submitted": N_("visit {visit} ({client}, {starts}): its day has passed and its plan still waits for approval "
                    "({status}): cancel it (`receptionctl visit cancel {visit} --reason ...`) or move it "
                    "(`visit reschedule`)"),
    "approved": N_("visit {visit} ({client}, {starts}): its day has passed and it is still {status}: if it took "
                   "place, check its guests in and complete it (`receptionctl visit complete {visit}`), else "
                   "cancel it"),
}


def alerts(session: Session, now: datetime) -> list[Alert]:
    """Visits whose day has passed (they started before the day of `now`, in the company's zone)
    while they are still planning, submitted or approved: never received, never cancelled
    (`stale`). The day of a visit itself is the no-show alert's. One statement."""
    zone = policy.work_zone(policy.load(session))
    day_start = datetime.combine(now.astimezone(zone).date(), time(0, 0), zone)
    v, client = light.visit.c, light.client
    rows = session.execute(
        select(v.id, client.c.name, v.status, v.starts_at).join(client, client.c.id == v.client_id)
        .where(v.status.in_(lifecycle.COMING), v.starts_at < day_start)
        .order_by(v.starts_at, v.id))
    return [Alert("stale", _(STALE[status]).format(visit=visit_id, client=client, status=lifecycle.state_text(status),
                                                   starts=f"{clock.local(starts_at):%Y-%m-%d %H:%M}"), visit_id)
            for visit_id, client, status, starts_at in rows]
