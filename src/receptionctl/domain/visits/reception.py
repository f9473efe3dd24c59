"""Reception day: guests at the door, incidents, notes and promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, lifecycle, outbox
from receptionctl.domain.core.base import Done, load_for_change, required_text
from receptionctl.domain.core.secrets import clean_id_number, mask, verify
from receptionctl.domain.core.vocab import IncidentKind, Severity
from receptionctl.domain.engine import Event
from receptionctl.domain.visits import visits
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, chinese, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from receptionctl.store.tables.visits import Guest


@dataclass(frozen=True)
class GuestView:
    id: int
    visit_id: int
    name: str
    title: str | None
    id_number: str | None  # masked unless revealed
    checked_in_at: datetime
    checked_in_by: str
    checked_out_at: datetime | None


@dataclass(frozen=True)
class IncidentView:
    id: int
    visit_id: int
    kind: str
    severity: str
    text: str
    at: datetime
    by: str
    task_id: int | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    open: bool
    affects_client: bool = True


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value or len(value) > 200:
        raise BadInput(_("guest name {name!r} is not valid: expected 1 to 200 characters").format(name=value[:40]))
    return value


# -- guests -------------------------------------------------------------------------------
def _guest_view(g, shown: str | None = None) -> GuestView:
    return GuestView(g.id, g.visit_id, g.name, g.title, shown if shown is not None else g.id_number_mask,
                     g.checked_in_at, g.checked_in_by, g.checked_out_at)


CHECKIN_WINDOW = timedelta(hours=12)  # a check-in this far from the visit's time needs --force


def at_the_door(session: Session, actor: str) -> list[visits.VisitView]:
    """The visits a guest may be checked in to now without --force: approved or in progress, and
    now within CHECKIN_WINDOW of their time; by start (the desk's choice at a terminal). Only for
    who may check guests in."""
    access.require(session, actor, access.RECEPTION, N_("check guests in"))
    now = clock.now()
    found = visits.list_visits(session, start=now - CHECKIN_WINDOW, end=now + CHECKIN_WINDOW)
    return [v for v in found if v.status in lifecycle.VISIT["checkin"]
            and v.starts_at - CHECKIN_WINDOW <= now <= v.ends_at + CHECKIN_WINDOW]


def checkin(session: Session, actor: str, visit_id: int, name: str, title: str | None = None,
            id_number: str | None = None, cipher=None, force: bool = False) -> Done:
    """Register a visitor at the door: the visit is then in progress."""
    from receptionctl.store.tables.visits import Guest

    access.require(session, actor, access.RECEPTION, N_("check guests in"))
    visit, _plan = load_for_change(session, visit_id)
    new_status = lifecycle.visit_step(visit_id, visit.status, "checkin")
    now = clock.now()
    if not force and not (visit.starts_at - CHECKIN_WINDOW <= now <= visit.ends_at + CHECKIN_WINDOW):
        raise Refused(_("visit {visit} is scheduled for {at}, not now: check the visit number").format(
            visit=visit_id, at=f"{clock.local(visit.starts_at):%Y-%m-%d %H:%M}"),
            hint=_("give --force to check in all the same"))
    name = _name(name)
    key = name.casefold()
    present = session.scalars(select(Guest).where(Guest.visit_id == visit_id, Guest.name_key == key,
                                                  Guest.checked_out_at.is_(None))).first()
    if present is not None:
        raise Refused(_("{name} is already checked in to visit {visit} (at {at})").format(
            name=name, visit=visit_id, at=f"{clock.local(present.checked_in_at):%H:%M}"),
            hint=_("check them out first"))
    enc = masked = None
    if id_number is not None:
        cleaned = clean_id_number(id_number)
        enc, masked = verify(session, cipher).encrypt(cleaned), mask(cleaned)
    if title is not None and len(title.strip()) > 200:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option="--title",
                                                                                               limit=200))
    row = Guest(visit_id=visit_id, name=name, name_key=key, title=(title or "").strip() or None, id_number_enc=enc,
                id_number_mask=masked, checked_in_at=now, checked_in_by=actor)
    session.add(row)
    before = visit.status
    visit.status = new_status

    engine.on(session, Event("guest.checked_in", visit_id, actor, data={"guest": name},
                             note=f"{name} registered"))
    session.flush()
    view = _guest_view(row)
    audit.record(session, actor, "guest.checkin", "guest", row.id, visit_id=visit_id,
                 after={k: v for k, v in view.__dict__.items() if v is not None},
                 before={"visit_status": before} if before != new_status else None)
    _tell_host(session, actor, row)
    return Done(view)


def _tell_host(session: Session, actor: str, guest: Guest) -> None:
    """guest.arrived, in the check-in's transaction: routed to the visit's host by default (their
    own channel, else their role's), unless the host checked the guest in themselves. Names the
    guest and their title, never the identity number."""
    shown = visits.get_view(session, guest.visit_id)
    outbox.emit(session, "guest.arrived", {
        "visit_id": guest.visit_id, "guest_id": guest.id, "client": shown.client, "guest": guest.name,
        "title": guest.title, "arrived_at": guest.checked_in_at, "venue": shown.venue, "host": shown.host,
        "walk_in": shown.walk_in, "by": actor})


def walk_in(session: Session, actor: str, *, client: str, host: str, name: str, title: str | None = None,
            id_number: str | None = None, cipher=None, purpose: str = "other", hours: float | None = None) -> Done:
    """A guest who arrived without an approved visit: the desk records a level-3 walk-in visit
    and checks them in; the host gets a task due at once to come and meet them (and, by the
    check-in, one guest.arrived notification), and the daily report flags the visit."""
    row = visits.record_walk_in(session, actor, client=client, host=host, purpose=purpose, hours=hours)
    done = checkin(session, actor, row.id, name, title, id_number, cipher=cipher, force=True)
    host_view = visits.get_view(session, row.id)
    asg = light.assignment.c
    host_id = session.scalar(select(asg.staff_id).where(asg.visit_id == row.id, asg.role == "host"))
    task_id = engine.open_desk_task(session, "meet-walk-in", f"Meet walk-in guest {done.view.name} at the front desk",
                                    f"到前台接待未预约来访的{done.view.name}", "host", clock.now(), host_id,
                                    visit_id=row.id)
    return Done(done.view, [_("walk-in visit {visit} recorded for {client}: task {task} tells {host} to come to the "
                              "desk now").format(visit=row.id, client=host_view.client, task=task_id,
                                                 host=host_view.host)])


def checkout(session: Session, actor: str, visit_id: int, name: str) -> Done:
    from receptionctl.store.tables.visits import Guest

    access.require(session, actor, access.RECEPTION, N_("check guests out"))
    visit, _plan = load_for_change(session, visit_id)
    lifecycle.visit_step(visit_id, visit.status, "checkout")
    key = _name(name).casefold()
    row = session.scalars(select(Guest).where(Guest.visit_id == visit_id, Guest.name_key == key,
                                              Guest.checked_out_at.is_(None))).first()
    if row is None:
        raise NotFound(_("no guest {name!r} checked in to visit {visit}").format(name=name, visit=visit_id),
                       hint=_("see `receptionctl visit show {visit}`").format(visit=visit_id))
    row.checked_out_at = clock.now()
    session.flush()
    audit.record(session, actor, "guest.checkout", "guest", row.id, visit_id=visit_id,
                 after={"name": row.name, "checked_out_at": row.checked_out_at})
    return Done(_guest_view(row))


def guests_of(session: Session, visit_ids: list[int]) -> dict[int, tuple[GuestView, ...]]:
    """The guests of several visits, identity numbers masked, in one query (a board of the day's
    visits): each visit's in the order they came."""
    out: dict[int, list[GuestView]] = {v: [] for v in visit_ids}
    if visit_ids:
        guest = light.guest
        for g in session.execute(select(guest).where(guest.c.visit_id.in_(visit_ids)).order_by(guest.c.id)):
            out[g.visit_id].append(_guest_view(g))
    return {v: tuple(found) for v, found in out.items()}


def guests(session: Session, visit_id: int, *, actor: str | None = None, reveal: bool = False,
           cipher=None) -> tuple[GuestView, ...]:
    """The visit's guests, identity numbers masked (revealed to an admin who asks, audited)."""
    guest = light.guest
    rows = session.execute(select(guest).where(guest.c.visit_id == visit_id).order_by(guest.c.id)).all()
    if not reveal:
        return tuple(_guest_view(g) for g in rows)
    access.require(session, actor, access.REVEAL, N_("reveal identity numbers"))
    cipher = verify(session, cipher) if any(g.id_number_enc for g in rows) else None
    out = []
    for g in rows:
        shown = None
        if g.id_number_enc:
            shown = cipher.decrypt(g.id_number_enc)
            audit.record(session, actor, "guest.reveal", "guest", g.id, visit_id=visit_id,
                         after={"name": g.name, "field": "id_number"})
        out.append(_guest_view(g, shown))
    return tuple(out)


# -- incidents ----------------------------------------------------------------------------
def _incident_view(i) -> IncidentView:
    return IncidentView(i.id, i.visit_id, i.kind, i.severity, i.text, i.at, i.by, i.task_id, i.resolved_at,
                        i.resolved_by, i.resolution, i.resolved_at is None, i.affects_client)


def add_incident(session: Session, actor: str, visit_id: int, kind: str, severity: str, text: str,
                 affects_client: bool = True) -> Done:
    """Record an incident; the procedure says what it opens (by default: an equipment failure
    brings the visit's tech, else logistics, on site within equipment_response_minutes; a
    high or critical one is escalated to the coordinator within incident_response_minutes).
    An itinerary change asks for the plan to be updated. `affects_client`: once resolved,
    the client is called back."""
    access.require(session, actor, access.RECEPTION, N_("record incidents"))
    if kind not in {k.value for k in IncidentKind}:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(k.value for k in IncidentKind)))
    if severity not in {s.value for s in Severity}:
        raise BadInput(_("severity {severity!r} is not valid: expected low, medium, high or critical").format(
            severity=severity))
    from receptionctl.store.tables.visits import Incident

    text = required_text(text, "--text", N_("what happened"))
    visit, _plan = load_for_change(session, visit_id)
    if visit.status in ("cancelled", "closed"):
        raise Refused(_("visit {visit} is {status}: incidents are recorded on a visit that is still open").format(
            visit=visit_id, status=code(visit.status)))
    row = Incident(visit_id=visit_id, kind=kind, severity=severity, text=text, at=clock.now(), by=actor,
                   affects_client=affects_client)
    session.add(row)
    session.flush()
    result = engine.on(session, Event("incident.added", visit_id, actor, data={
        "incident": row.id, "kind": kind, "severity": severity, "text": text}))
    warnings = []
    titles = _titles(session, result.opened)
    for task in result.opened:
        row.task_id = row.task_id or task.id
        minutes = max(1, round((task.due_at - row.at).total_seconds() / 60))
        warnings.append(_("{severity} {kind} incident: task {task} for the {role}, due within {minutes} minutes: "
                          "{title}").format(severity=code(severity), kind=code(kind), task=task.id,
                                            role=code(task.owner_role, "role"), minutes=minutes,
                                            title=titles.get(task.id, task.title)))
        if task.owner_role in ("tech", "logistics") and not _assigned(session, visit_id, task.owner_role):
            warnings.append(_("no one is assigned as {role} on visit {visit}: assign one "
                              "(`receptionctl plan assign {visit} --role tech --staff USER`)").format(
                role=code(task.owner_role, "role"), visit=visit_id))
    if kind == "equipment":
        warnings.append(_("meanwhile the host bridges with questions and a tea break"))
    if kind == "itinerary":
        warnings.append(_("the itinerary changed: update the plan of visit {visit} "
                          "(`receptionctl plan item {visit} ...` or `visit reschedule`)").format(visit=visit_id))
    session.flush()
    view = _incident_view(row)
    audit.record(session, actor, "incident.add", "incident", row.id, visit_id=visit_id,
                 after={"kind": kind, "severity": severity, "text": text, "task_id": row.task_id,
                        "tasks": [t.id for t in result.opened], "affects_client": affects_client})
    outbox.emit(session, "incident.add", {"incident_id": row.id, "visit_id": visit_id, "client": visits.get_view(session, visit_id).client, "kind": kind, "severity": severity, "description": text, "task_id": row.task_id, "by": actor})
    return Done(view, warnings)


def _titles(session: Session, opened) -> dict[int, str]:
    """The titles of tasks just opened as the run's language shows them: the Chinese title
    when the interface is Chinese and the procedure gives one (one query; none in English)."""
    if not opened or not chinese():
        return {}
    task = light.task.c
    rows = session.execute(select(task.id, task.title_zh).where(task.id.in_([t.id for t in opened])))
    return {tid: zh for tid, zh in rows if zh}


def _assigned(session: Session, visit_id: int, role: str) -> bool:
    asg = light.assignment.c
    return session.scalars(select(asg.id).where(asg.visit_id == visit_id, asg.role == role)).first() is not None


def resolve_incident(session: Session, actor: str, incident_id: int, text: str) -> Done:
    """Resolve an incident: the procedure closes its on-site and escalation tasks and, when
    it affected the client, opens the host's callback."""
    access.require(session, actor, access.RECEPTION, N_("resolve incidents"))
    from receptionctl.store.tables.visits import Incident

    text = required_text(text, "--text", N_("how it was resolved"))
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(_("no incident {incident}").format(incident=incident_id),
                       hint=_("see `receptionctl incident list`"))
    if row.resolved_at is not None:
        raise Refused(_("incident {incident} is resolved already ({by}, {at})").format(
            incident=incident_id, by=row.resolved_by, at=f"{clock.local(row.resolved_at):%Y-%m-%d %H:%M}"))
    row.resolved_at, row.resolved_by, row.resolution = clock.now(), actor, text
    result = engine.on(session, Event("incident.resolved", row.visit_id, actor, note=f"incident resolved: {text}",
                                      data={"incident": row.id, "affects_client": row.affects_client,
                                            "resolution": text}))
    titles = _titles(session, result.opened)
    warnings = [_("task {task} for the {role}, due {due}: {title}").format(
        task=t.id, role=code(t.owner_role, "role"), due=f"{clock.local(t.due_at):%Y-%m-%d %H:%M}",
        title=titles.get(t.id, t.title)) for t in result.opened]
    session.flush()
    audit.record(session, actor, "incident.resolve", "incident", row.id, visit_id=row.visit_id,
                 before={"open": True}, after={"open": False, "resolution": text,
                                               "tasks_closed": result.closed,
                                               "tasks": [t.id for t in result.opened]})
    return Done(_incident_view(row), warnings)


def list_incidents(session: Session, *, visit_id: int | None = None, open_only: bool = False) -> list[IncidentView]:
    incident = light.incident
    q = select(incident).order_by(incident.c.at, incident.c.id)
    if visit_id is not None:
        q = q.where(incident.c.visit_id == visit_id)
    if open_only:
        q = q.where(incident.c.resolved_at.is_(None))
    found = [_incident_view(i) for i in session.execute(q)]
    if visit_id is not None and not found:
        visits.must_exist(session, visit_id)  # exit 3 for an unknown visit (asked only when it has none)
    return found
