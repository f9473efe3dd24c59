"""Reception day: guests at the door, incidents, notes and promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from receptionctl.domain import access, audit, clock, lifecycle, policy
from receptionctl.domain.errors import BadInput, NotFound, Refused
from receptionctl.domain.secrets import clean_id_number, mask, verify
from receptionctl.domain.visits import Done, load_for_change, required_text
from receptionctl.domain.vocab import IncidentKind, NoteKind, Severity

RECEPTION = frozenset({"coordinator", "host", "desk", "staff", "security"})  # who works on the day


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


@dataclass(frozen=True)
class NoteView:
    id: int
    visit_id: int
    client_id: int
    kind: str
    text: str
    at: datetime
    by: str
    fulfilled_at: datetime | None
    fulfilled_by: str | None
    fulfilment: str | None
    open: bool  # a promise not yet kept


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value or len(value) > 200:
        raise BadInput(f"guest name {value[:40]!r} is not valid: expected 1 to 200 characters")
    return value


# -- guests -------------------------------------------------------------------------------
def _guest_view(g, shown: str | None = None) -> GuestView:
    return GuestView(g.id, g.visit_id, g.name, g.title, shown if shown is not None else g.id_number_mask,
                     g.checked_in_at, g.checked_in_by, g.checked_out_at)


def checkin(session: Session, actor: str, visit_id: int, name: str, title: str | None = None,
            id_number: str | None = None, cipher=None, force: bool = False) -> Done:
    """Register a visitor at the door: the visit is then in progress."""
    from sqlmodel import select

    from receptionctl.store.models import Guest

    access.require(session, actor, RECEPTION, "check guests in")
    visit, _plan = load_for_change(session, visit_id)
    new_status = lifecycle.visit_step(visit_id, visit.status, "checkin")
    now = clock.now()
    if not force and not (visit.starts_at - timedelta(hours=12) <= now <= visit.ends_at + timedelta(hours=12)):
        raise Refused(f"visit {visit_id} is scheduled for {clock.local(visit.starts_at):%Y-%m-%d %H:%M}, not now: "
                      "check the visit number", hint="give --force to check in all the same")
    name = _name(name)
    key = name.casefold()
    present = session.scalars(select(Guest).where(Guest.visit_id == visit_id, Guest.name_key == key,
                                                  Guest.checked_out_at.is_(None))).first()
    if present is not None:
        raise Refused(f"{name} is already checked in to visit {visit_id} (at "
                      f"{clock.local(present.checked_in_at):%H:%M})", hint="check them out first")
    enc = masked = None
    if id_number is not None:
        cleaned = clean_id_number(id_number)
        enc, masked = verify(session, cipher).encrypt(cleaned), mask(cleaned)
    if title is not None and len(title.strip()) > 200:
        raise BadInput("--title is too long: expected at most 200 characters")
    row = Guest(visit_id=visit_id, name=name, name_key=key, title=(title or "").strip() or None, id_number_enc=enc,
                id_number_mask=masked, checked_in_at=now, checked_in_by=actor)
    session.add(row)
    before = visit.status
    visit.status = new_status
    from receptionctl.domain.tasks import event_done

    event_done(session, visit, "checkin", actor, f"{name} registered")
    session.flush()
    view = _guest_view(row)
    audit.record(session, actor, "guest.checkin", "guest", row.id, visit_id=visit_id,
                 after={k: v for k, v in view.__dict__.items() if v is not None},
                 before={"visit_status": before} if before != new_status else None)
    return Done(view)


def checkout(session: Session, actor: str, visit_id: int, name: str) -> Done:
    from sqlmodel import select

    from receptionctl.store.models import Guest

    access.require(session, actor, RECEPTION, "check guests out")
    visit, _plan = load_for_change(session, visit_id)
    lifecycle.visit_step(visit_id, visit.status, "checkout")
    key = _name(name).casefold()
    row = session.scalars(select(Guest).where(Guest.visit_id == visit_id, Guest.name_key == key,
                                              Guest.checked_out_at.is_(None))).first()
    if row is None:
        raise NotFound(f"no guest {name!r} checked in to visit {visit_id}",
                       hint=f"see `receptionctl visit show {visit_id}`")
    row.checked_out_at = clock.now()
    session.flush()
    audit.record(session, actor, "guest.checkout", "guest", row.id, visit_id=visit_id,
                 after={"name": row.name, "checked_out_at": row.checked_out_at})
    return Done(_guest_view(row))


def guests(session: Session, visit_id: int, *, actor: str | None = None, reveal: bool = False,
           cipher=None) -> tuple[GuestView, ...]:
    """The visit's guests, identity numbers masked (revealed to an admin who asks, audited)."""
    from sqlmodel import select

    from receptionctl.store.models import Guest

    rows = list(session.scalars(select(Guest).where(Guest.visit_id == visit_id).order_by(Guest.id)))
    if not reveal:
        return tuple(_guest_view(g) for g in rows)
    access.require(session, actor, access.REVEAL, "reveal identity numbers")
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
    """Record an incident. An equipment failure of any severity brings the visit's technical
    support (else its logistics person) on site within equipment_response_minutes (seed
    002); anything high or critical is escalated to the coordinator within
    incident_response_minutes (seed 001); an itinerary change asks for the plan to be
    updated. `affects_client`: once resolved, the client is called back (seed 001)."""
    from receptionctl.domain.tasks import add_task
    from receptionctl.store.models import Assignment, Incident

    access.require(session, actor, RECEPTION, "record incidents")
    if kind not in {k.value for k in IncidentKind}:
        raise BadInput(f"kind {kind!r} is not valid: expected one of " + ", ".join(k.value for k in IncidentKind))
    if severity not in {s.value for s in Severity}:
        raise BadInput(f"severity {severity!r} is not valid: expected low, medium, high or critical")
    text = required_text(text, "--text", "what happened")
    visit, _plan = load_for_change(session, visit_id)
    if visit.status in ("cancelled", "closed"):
        raise Refused(f"visit {visit_id} is {visit.status}: incidents are recorded on a visit that is still open")
    now = clock.now()
    row = Incident(visit_id=visit_id, kind=kind, severity=severity, text=text, at=now, by=actor,
                   affects_client=affects_client)
    session.add(row)
    session.flush()
    warnings = []
    rules = policy.load(session)
    if kind == "equipment":
        from sqlmodel import select

        assigned = set(session.scalars(select(Assignment.role).where(
            Assignment.visit_id == visit_id, Assignment.role.in_(("tech", "logistics")))))
        owner = "tech" if "tech" in assigned or "logistics" not in assigned else "logistics"
        minutes = rules["equipment_response_minutes"]
        task = add_task(session, visit_id, key=f"onsite-incident-{row.id}", stage="receive",
                        title=f"On site within {minutes} minutes for equipment incident #{row.id}: {text}",
                        title_zh=f"设备故障 #{row.id}：{minutes}分钟内到场排查", owner=owner,
                        due_at=now + timedelta(minutes=minutes))
        row.task_id = task.id
        warnings.append(f"equipment incident: task {task.id} for the visit's {owner}, on site within {minutes} "
                        "minutes; meanwhile the host bridges with questions and a tea break")
        if not assigned:
            warnings.append(f"no one is assigned as tech or logistics on visit {visit_id}: "
                            f"assign one (`receptionctl plan assign {visit_id} --role tech --staff USER`)")
    if severity in ("high", "critical"):
        minutes = rules["incident_response_minutes"]
        task = add_task(session, visit_id, key=f"escalate-incident-{row.id}", stage="receive",
                        title=f"Escalate {severity} {kind} incident #{row.id} to the superior: {text}",
                        title_zh=f"{severity}级事件 #{row.id}：上报主管", owner="coordinator",
                        due_at=now + timedelta(minutes=minutes))
        row.task_id = row.task_id or task.id
        warnings.append(f"{severity} incident: escalation task {task.id} for the coordinator, "
                        f"due within {minutes} minutes")
    if kind == "itinerary":
        warnings.append(f"the itinerary changed: update the plan of visit {visit_id} "
                        f"(`receptionctl plan item {visit_id} ...` or `visit reschedule`)")
    session.flush()
    view = _incident_view(row)
    audit.record(session, actor, "incident.add", "incident", row.id, visit_id=visit_id,
                 after={"kind": kind, "severity": severity, "text": text, "task_id": row.task_id,
                        "affects_client": affects_client})
    return Done(view, warnings)


def resolve_incident(session: Session, actor: str, incident_id: int, text: str) -> Done:
    """Resolve an incident: its on-site and escalation tasks are done; when it affected the
    client, the host calls the client back within callback_hours (seed 001)."""
    from sqlmodel import update

    from receptionctl.domain.tasks import add_task
    from receptionctl.store.models import Incident, Task

    access.require(session, actor, RECEPTION, "resolve incidents")
    text = required_text(text, "--text", "how it was resolved")
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id}", hint="see `receptionctl incident list`")
    if row.resolved_at is not None:
        raise Refused(f"incident {incident_id} is resolved already ({row.resolved_by}, "
                      f"{clock.local(row.resolved_at):%Y-%m-%d %H:%M})")
    now = clock.now()
    row.resolved_at, row.resolved_by, row.resolution = now, actor, text
    session.execute(
        update(Task).where(Task.visit_id == row.visit_id, Task.state == "open",
                           Task.key.in_((f"onsite-incident-{row.id}", f"escalate-incident-{row.id}")))
        .values(state="done", done_at=now, done_by=actor, note=f"incident resolved: {text}")
        .execution_options(synchronize_session=False)
    )
    warnings = []
    callback = None
    if row.affects_client:
        hours = policy.load(session)["callback_hours"]
        task = add_task(session, row.visit_id, key=f"incident-callback-{row.id}", stage="followup",
                        title=f"Call the client back about incident #{row.id} (resolved: {text}) and ask "
                              "whether they are satisfied",
                        title_zh=f"事件 #{row.id} 解决后24小时内回访客户", owner="host",
                        due_at=now + timedelta(hours=hours))
        callback = task.id
        warnings.append(f"callback task {task.id} for the host, due within {hours} hours")
    session.flush()
    audit.record(session, actor, "incident.resolve", "incident", row.id, visit_id=row.visit_id,
                 before={"open": True}, after={"open": False, "resolution": text, "callback_task": callback})
    return Done(_incident_view(row), warnings)


def list_incidents(session: Session, *, visit_id: int | None = None, open_only: bool = False) -> list[IncidentView]:
    from sqlmodel import select

    from receptionctl.store.models import Incident

    q = select(Incident).order_by(Incident.at, Incident.id)
    if visit_id is not None:
        load_for_change(session, visit_id)  # exit 3 for an unknown visit
        q = q.where(Incident.visit_id == visit_id)
    if open_only:
        q = q.where(Incident.resolved_at.is_(None))
    return [_incident_view(i) for i in session.scalars(q)]


# -- notes and promises -------------------------------------------------------------------
def _note_view(n) -> NoteView:
    return NoteView(n.id, n.visit_id, n.client_id, n.kind, n.text, n.at, n.by, n.fulfilled_at, n.fulfilled_by,
                    n.fulfilment, n.kind == "promise" and n.fulfilled_at is None)


def add_note(session: Session, actor: str, visit_id: int, kind: str, text: str) -> Done:
    from receptionctl.store.models import Note

    access.require(session, actor, RECEPTION, "record notes")
    if kind not in {k.value for k in NoteKind}:
        raise BadInput(f"kind {kind!r} is not valid: expected question, suggestion, intent or promise")
    text = required_text(text, "--text", "what was said")
    visit, _plan = load_for_change(session, visit_id)
    if visit.status == "cancelled":
        raise Refused(f"visit {visit_id} is cancelled: notes are recorded on visits that took place")
    row = Note(visit_id=visit_id, client_id=visit.client_id, kind=kind, text=text, at=clock.now(), by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor, "note.add", "note", row.id, visit_id=visit_id, after={"kind": kind, "text": text})
    warnings = [f"promise {row.id} stays open until kept: `receptionctl note keep {row.id}`"] if kind == "promise" else []
    return Done(_note_view(row), warnings)


def keep_promise(session: Session, actor: str, note_id: int, text: str | None = None) -> Done:
    from receptionctl.store.models import Note

    access.require(session, actor, RECEPTION, "mark promises kept")
    row = session.get(Note, note_id)
    if row is None:
        raise NotFound(f"no note {note_id}", hint="see `receptionctl note list`")
    if row.kind != "promise":
        raise Refused(f"note {note_id} is a {row.kind}, not a promise")
    if row.fulfilled_at is not None:
        raise Refused(f"promise {note_id} is kept already ({row.fulfilled_by}, "
                      f"{clock.local(row.fulfilled_at):%Y-%m-%d %H:%M})")
    row.fulfilled_at, row.fulfilled_by = clock.now(), actor
    row.fulfilment = required_text(text, "--text", "how it was kept") if text and text.strip() else None
    session.flush()
    audit.record(session, actor, "note.keep", "note", row.id, visit_id=row.visit_id,
                 before={"open": True}, after={"open": False, "how": row.fulfilment})
    return Done(_note_view(row))


def list_notes(session: Session, *, visit_id: int | None = None, client_id: int | None = None,
               kind: str | None = None, open_promises: bool = False) -> list[NoteView]:
    from sqlmodel import select

    from receptionctl.store.models import Note

    q = select(Note).order_by(Note.at, Note.id)
    if visit_id is not None:
        load_for_change(session, visit_id)  # exit 3 for an unknown visit
        q = q.where(Note.visit_id == visit_id)
    if client_id is not None:
        q = q.where(Note.client_id == client_id)
    if kind is not None:
        q = q.where(Note.kind == kind)
    if open_promises:
        q = q.where(Note.kind == "promise", Note.fulfilled_at.is_(None))
    return [_note_view(n) for n in session.scalars(q)]
