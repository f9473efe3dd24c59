"""Reception plans: agenda, roles with backups, budget and standards, approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, lifecycle, outbox, policy
from receptionctl.domain.core.base import (
    Done,
    amount,
    clean_place,
    load_for_change,
    required_text,
)
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.domain.engine import Event
from receptionctl.domain.people.notes import list_notes
from receptionctl.domain.visits import clashes
from receptionctl.domain.visits.visits import (
    VISIT_WRITE,
    Assigned,
    VisitView,
    assignments,
    check_host,
    get_view,
    reopen_plan,
    staff_ref,
)
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store.tables.common import Client, Contact, Staff, Visit
from receptionctl.store.tables.visits import Assignment, Plan, PlanEvent, PlanItem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

APPROVE = frozenset({"approver"})


@dataclass(frozen=True)
class ItemView:
    id: int
    starts_at: datetime
    ends_at: datetime | None
    title: str
    place: str | None
    owner: str | None


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    actor: str
    action: str
    note: str | None


@dataclass(frozen=True)
class GuestNeeds:
    name: str
    title: str | None
    phone: str | None
    diet: str | None
    transport: str | None
    needs: str | None


@dataclass(frozen=True)
class PlanSheet:
    visit: VisitView
    plan_status: str
    reapproval: str | None
    items: tuple[ItemView, ...]
    assignments: tuple[Assigned, ...]
    contacts: tuple[GuestNeeds, ...]
    budget: Decimal | None
    per_person: Decimal | None
    meals_total: Decimal | None  # per-person standard × headcount
    per_person_limit: Decimal | None
    over_limit: bool
    catering: str | None
    lodging: str | None
    transport: str | None
    nda: bool
    trail: tuple[TrailEntry, ...]
    clashes: tuple[str, ...]
    missing: tuple[str, ...]  # what stops a submission
    open_promises: tuple = ()  # promises made to this client and not yet kept




def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _plan_for_change(session: Session, actor: str, visit_id: int, doing: str):
    access.require(session, actor, VISIT_WRITE, doing)
    return load_for_change(session, visit_id)


def add_item(
    session: Session,
    actor: str,
    visit_id: int,
    *,
    starts_at: datetime,
    ends_at: datetime | None,
    title: str,
    place: str | None = None,
    owner: str | None = None,
) -> Done:

    visit, plan = _plan_for_change(session, actor, visit_id, N_("change plans"))
    title = " ".join(title.split())
    if not title or len(title) > 300:
        raise BadInput(_("title {title!r} is not valid: expected 1 to 300 characters").format(title=title))
    if ends_at is not None and ends_at <= starts_at:
        raise BadInput(_("--until {end} is not after --at {start}").format(
            end=f"{clock.local(ends_at):%Y-%m-%d %H:%M}", start=f"{clock.local(starts_at):%Y-%m-%d %H:%M}"))
    owner_id = None
    if owner:
        owner_row = staff_ref(session, owner, N_("the agenda item's owner"))
        owner_id, owner = owner_row.id, owner_row.username
    reopen_plan(session, actor, visit, plan, f"agenda item {title!r} added")
    item = PlanItem(visit_id=visit_id, starts_at=starts_at, ends_at=ends_at, title=title,
                    place=clean_place(place, "--place"), owner_id=owner_id)
    session.add(item)
    session.flush()
    view = ItemView(item.id, item.starts_at, item.ends_at, item.title, item.place, owner)
    audit.record(session, actor, "plan.item", "plan_item", item.id, visit_id=visit_id, after=view.__dict__)
    warnings = []
    if starts_at < visit.starts_at or starts_at >= visit.ends_at or (ends_at is not None and ends_at > visit.ends_at):
        warnings.append(_outside(title, visit))
    return Done(view, warnings)


def _outside(title: str, visit) -> str:
    return _("agenda item {title!r} is outside the visit's time ({start}–{end})").format(
        title=title, start=f"{clock.local(visit.starts_at):%Y-%m-%d %H:%M}", end=f"{clock.local(visit.ends_at):%H:%M}")


def assign(
    session: Session, actor: str, visit_id: int, *, role: str, staff: str, backup: str | None = None
) -> Done:


    visit, plan = _plan_for_change(session, actor, visit_id, N_("assign roles"))
    if role not in {r.value for r in VisitRole}:
        raise BadInput(_("role {role!r} is not valid: expected one of {choices}").format(
            role=role, choices=", ".join(r.value for r in VisitRole)))
    staff_row = staff_ref(session, staff, code(role, "role"))
    staff_id, staff = staff_row.id, staff_row.username
    backup_id = None
    if backup:
        backup_row = staff_ref(session, backup, _("{role} backup").format(role=code(role, "role")))
        backup_id, backup = backup_row.id, backup_row.username
    if role == "host":
        check_host(session, staff)
        if backup:
            check_host(session, backup, N_("host's backup"))
    if backup_id == staff_id:
        raise Refused(_("{user} cannot be their own backup as {role}").format(user=staff, role=code(role, "role")),
                      hint=_("name another person with --backup"))
    row = session.scalars(select(Assignment).where(Assignment.visit_id == visit_id, Assignment.role == role)).first()
    before = None
    if row is not None:
        old = {a.role: a for a in assignments(session, visit_id)}[role]
        before = {"role": role, "staff": old.staff, "backup": old.backup}
        if (row.staff_id, row.backup_id) == (staff_id, backup_id):
            return Done(next(a for a in assignments(session, visit_id) if a.role == role))
    what = f"{role} {'changed' if row else 'assigned'}: {staff}" + (f" (backup {backup})" if backup else "")
    reopen_plan(session, actor, visit, plan, what)
    if row is None:
        session.add(Assignment(visit_id=visit_id, role=role, staff_id=staff_id, backup_id=backup_id))
    else:
        row.staff_id, row.backup_id = staff_id, backup_id
    session.flush()
    view = next(a for a in assignments(session, visit_id) if a.role == role)
    audit.record(session, actor, "plan.assign", "visit", visit_id, visit_id=visit_id, before=before,
                 after={"role": role, "staff": staff, "backup": backup})
    people = {staff, backup} - {None}
    warnings = [c.text for c in clashes.find(session, [visit_id]) if c.kind == "person" and c.subject in people]
    return Done(view, warnings)


def set_plan(
    session: Session,
    actor: str,
    visit_id: int,
    *,
    budget: str | None = None,
    per_person: str | None = None,
    catering: str | None = None,
    lodging: str | None = None,
    transport: str | None = None,
    nda: bool | None = None,
) -> Done:
    visit, plan = _plan_for_change(session, actor, visit_id, N_("change plans"))
    lifecycle.visit_step(visit_id, visit.status, "edit")  # even a change to the same values
    changes: dict[str, object] = {}
    if budget is not None:
        changes["budget"] = str(amount(budget, "--budget"))
    if per_person is not None:
        changes["per_person"] = str(amount(per_person, "--per-person"))
    for key, value in (("catering", catering), ("lodging", lodging), ("transport", transport)):
        if value is not None:
            changes[key] = value.strip() or None
    if nda is not None:
        changes["nda"] = nda
    if not changes:
        raise BadInput(_("nothing to set: give at least one of --budget, --per-person, --catering, "
                         "--lodging, --transport, --nda/--no-nda"))
    before = {k: getattr(plan, k) for k in changes}
    changed = {k: v for k, v in changes.items() if before[k] != v}
    warnings = []
    if changed:
        reopen_plan(session, actor, visit, plan, ", ".join(f"{k} set" for k in changed))
        for key, value in changed.items():
            setattr(plan, key, value)
        if "nda" in changed:
            engine.on(session, Event("plan.nda_changed", visit_id, actor, data={"nda": bool(changed["nda"])}))
        session.flush()
        audit.record(session, actor, "plan.set", "plan", visit_id, visit_id=visit_id,
                     before={k: before[k] for k in changed}, after=changed)
    limit = over_limit(session, plan.per_person)
    if limit is not None:
        warnings.append(_("per-person standard {standard} is over the policy limit {limit}: "
                          "the plan cannot be submitted like this").format(standard=plan.per_person, limit=limit))
    return Done(show_plan(session, visit_id), warnings)


def over_limit(session: Session, per_person) -> Decimal | None:
    """The policy's per-person limit when the standard exceeds it, else None."""
    limit = policy.load(session)["per_person_limit"]
    if per_person is not None and limit is not None and Decimal(per_person) > limit:
        return limit
    return None


def submission_gaps(session: Session, visit, plan, roles: tuple[Assigned, ...], n_items: int) -> list[str]:
    """What stops a submission, as codes: `host` (no primary host), `backup` (a level-1 visit's host
    has no backup), `agenda` (no agenda item), `standard` (the per-person standard is over the
    policy's limit)."""
    gaps = []
    host = next((a for a in roles if a.role == "host"), None)
    if host is None:
        gaps.append("host")
    elif visit.level == 1 and host.backup is None:
        gaps.append("backup")
    least = policy.load(session)["vip_level"]
    if visit.level > least and visit.level_waived_by is None and session.get(Client, visit.client_id).tier == "vip":
        gaps.append("vip_level")  # a VIP visit below the policy's vip_level, not waived
    if n_items == 0:
        gaps.append("agenda")
    if over_limit(session, plan.per_person) is not None:
        gaps.append("standard")
    return gaps


_GAPS = {"host": N_("no primary host (`plan assign VISIT --role host --staff USERNAME`)"),
         "backup": N_("a level-1 visit needs a backup for the host (`plan assign ... --backup USERNAME`)"),
         "agenda": N_("no agenda item (`plan item VISIT --at WHEN --title TEXT`)")}


def missing_for_submit(session: Session, visit, plan, roles: tuple[Assigned, ...], n_items: int) -> list[str]:
    """What stops a submission, in words (the plan sheet, the refusal)."""
    missing = []
    for gap in submission_gaps(session, visit, plan, roles, n_items):
        if gap == "standard":
            missing.append(_("per-person standard {standard} is over the policy limit {limit}").format(
                standard=plan.per_person, limit=over_limit(session, plan.per_person)))
        elif gap == "vip_level":
            missing.append(_("a VIP client's visit is received at level {least} or above (`visit edit {visit} --level "
                             "{least}`, or an approver's `visit edit {visit} --waive-level`)").format(
                least=policy.load(session)["vip_level"], visit=visit.id))
        else:
            missing.append(_(_GAPS[gap]))
    return missing


def _steps(visit, plan, action: str) -> tuple[str, str]:
    """The visit's and the plan's next states. Before the visit the plan's state says more
    (a draft, a rejected plan); after it, the visit's (in progress, completed ...)."""
    if visit.status in lifecycle.COMING:
        new_plan = lifecycle.plan_step(visit.id, plan.status, action)
        return lifecycle.visit_step(visit.id, visit.status, action), new_plan
    new_visit = lifecycle.visit_step(visit.id, visit.status, action)
    return new_visit, lifecycle.plan_step(visit.id, plan.status, action)


def count_items(session: Session, visit_id: int) -> int:
    """How many items the visit's agenda has."""
    return session.scalar(select(func.count(PlanItem.id)).where(PlanItem.visit_id == visit_id)) or 0


def submit(session: Session, actor: str, visit_id: int) -> Done:

    visit, plan = _plan_for_change(session, actor, visit_id, N_("submit plans"))
    new_visit, new_plan = _steps(visit, plan, "submit")
    missing = missing_for_submit(session, visit, plan, assignments(session, visit_id), count_items(session, visit_id))
    if missing:
        raise Refused(_("cannot submit the plan of visit {visit}: {missing}").format(
            visit=visit_id, missing=_("; ").join(missing)))
    before = plan.status
    plan.status, visit.status = new_plan, new_visit
    plan.submitted_by, plan.submitted_at = actor, clock.now()
    plan.approved_by = plan.approved_at = None
    session.add(PlanEvent(visit_id=visit_id, at=clock.now(), actor=actor, action="submitted", note=None))
    engine.on(session, Event("plan.submitted", visit_id, actor, note="plan submitted"))
    session.flush()
    audit.record(session, actor, "plan.submit", "plan", visit_id, visit_id=visit_id,
                 before={"status": before}, after={"status": plan.status})
    view = get_view(session, visit_id)
    outbox.emit(session, "plan.submit", {"visit_id": visit_id, "client": view.client, "starts_at": view.starts_at, "host": view.host, "submitter": actor, "by": actor})
    return Done(view)


def approve(session: Session, actor: str, visit_id: int, note: str | None = None) -> Done:

    access.require(session, actor, APPROVE, N_("approve plans"))
    visit, plan = load_for_change(session, visit_id)
    new_visit, new_plan = _steps(visit, plan, "approve")
    if plan.submitted_by == actor:
        raise NotAllowed(_("{user} submitted the plan of visit {visit} and cannot approve it too").format(
            user=actor, visit=visit_id), hint=_("another approver must approve it"))
    plan.status, visit.status = new_plan, new_visit
    plan.approved_by, plan.approved_at = actor, clock.now()
    reapproval = plan.reapproval
    plan.reapproval = None
    session.add(PlanEvent(visit_id=visit_id, at=clock.now(), actor=actor, action="approved",
                          note=(note or "").strip() or None))
    engine.on(session, Event("plan.approved", visit_id, actor, note="plan approved"))
    session.flush()
    audit.record(session, actor, "plan.approve", "plan", visit_id, visit_id=visit_id,
                 before={"status": "submitted", "reapproval": reapproval},
                 after={"status": "approved", "note": note})
    view = get_view(session, visit_id)
    outbox.emit(session, "plan.approve", {"visit_id": visit_id, "client": view.client, "starts_at": view.starts_at, "host": view.host, "submitter": plan.submitted_by, "by": actor, "note": note})
    return Done(view)


def reject(session: Session, actor: str, visit_id: int, reason: str) -> Done:

    access.require(session, actor, APPROVE, N_("reject plans"))
    reason = required_text(reason, "--reason", N_("why the plan is rejected"))
    visit, plan = load_for_change(session, visit_id)
    new_visit, new_plan = _steps(visit, plan, "reject")
    plan.status, visit.status = new_plan, new_visit
    session.add(PlanEvent(visit_id=visit_id, at=clock.now(), actor=actor, action="rejected", note=reason))
    session.flush()
    audit.record(session, actor, "plan.reject", "plan", visit_id, visit_id=visit_id,
                 before={"status": "submitted"}, after={"status": "rejected", "reason": reason})
    view = get_view(session, visit_id)
    outbox.emit(session, "plan.reject", {"visit_id": visit_id, "client": view.client, "starts_at": view.starts_at, "host": view.host, "submitter": plan.submitted_by, "by": actor, "reason": reason})
    return Done(view)


def show_plan(session: Session, visit_id: int) -> PlanSheet:


    view = get_view(session, visit_id)
    plan = session.get(Plan, visit_id)
    visit = session.get(Visit, visit_id)
    items = tuple(_items(session, visit_id))
    roles = assignments(session, visit_id)
    contacts = tuple(
        GuestNeeds(c.name, c.title, c.phone, c.diet, c.transport, c.needs)
        for c in session.scalars(select(Contact).where(Contact.client_id == view.client_id).order_by(Contact.id))
    )
    trail = tuple(
        TrailEntry(e.at, e.actor, e.action, e.note)
        for e in session.scalars(select(PlanEvent).where(PlanEvent.visit_id == visit_id).order_by(PlanEvent.id))
    )
    per_person = _dec(plan.per_person)
    limit = policy.load(session)["per_person_limit"]
    missing = (tuple(missing_for_submit(session, visit, plan, roles, len(items)))
               if visit.status == "planning" and plan.status in ("draft", "rejected") else ())
    return PlanSheet(
        visit=view,
        plan_status=plan.status,
        reapproval=plan.reapproval,
        items=items,
        assignments=roles,
        contacts=contacts,
        budget=_dec(plan.budget),
        per_person=per_person,
        meals_total=per_person * view.headcount if per_person is not None else None,
        per_person_limit=limit,
        over_limit=over_limit(session, per_person) is not None,
        catering=plan.catering,
        lodging=plan.lodging,
        transport=plan.transport,
        nda=plan.nda,
        trail=trail,
        clashes=tuple(c.text for c in clashes.find(session, [visit_id])),
        missing=missing,
        open_promises=tuple(list_notes(session, client_id=view.client_id, open_promises=True)),
    )


# -- changing the agenda and the roles ----------------------------------------------------
def _items(session: Session, visit_id: int, item_id: int | None = None) -> list[ItemView]:
    q = (select(PlanItem, Staff.username).outerjoin(Staff, Staff.id == PlanItem.owner_id)
         .where(PlanItem.visit_id == visit_id).order_by(PlanItem.starts_at, PlanItem.id))
    if item_id is not None:
        q = q.where(PlanItem.id == item_id)
    return [ItemView(i.id, i.starts_at, i.ends_at, i.title, i.place, owner) for i, owner in session.execute(q)]


def list_items(session: Session, visit_id: int) -> list[ItemView]:
    """A visit's agenda, by start."""
    get_view(session, visit_id)  # exit 3 for an unknown visit
    return _items(session, visit_id)


def _item_for_change(session: Session, actor: str, item_id: int, doing: str):
    item = session.get(PlanItem, item_id)
    if item is None:
        access.require(session, actor, VISIT_WRITE, doing)
        raise NotFound(_("no agenda item {item}").format(item=item_id), hint=_("see `receptionctl plan item list VISIT`"))
    visit, plan = _plan_for_change(session, actor, item.visit_id, doing)
    return item, visit, plan


def edit_item(session: Session, actor: str, item_id: int, *, starts_at: datetime | None = None,
              ends_at: datetime | None = None, title: str | None = None, place: str | None = None,
              owner: str | None = None) -> Done:
    """Change an agenda item (an empty --place or --owner clears it); an approved plan goes
    back for approval."""
    item, visit, plan = _item_for_change(session, actor, item_id, N_("change plans"))
    if all(v is None for v in (starts_at, ends_at, title, place, owner)):
        raise BadInput(_("nothing to change: expected --at, --until, --title, --place or --owner"))
    before = _items(session, visit.id, item_id)[0]
    if title is not None:
        title = " ".join(title.split())
        if not title or len(title) > 300:
            raise BadInput(_("title {title!r} is not valid: expected 1 to 300 characters").format(title=title))
        item.title = title
    if starts_at is not None:
        item.starts_at = starts_at
    if ends_at is not None:
        item.ends_at = ends_at
    if item.ends_at is not None and item.ends_at <= item.starts_at:
        raise BadInput(_("--until {end} is not after the start {start}").format(
            end=f"{clock.local(item.ends_at):%Y-%m-%d %H:%M}", start=f"{clock.local(item.starts_at):%Y-%m-%d %H:%M}"))
    if place is not None:
        item.place = clean_place(place, "--place") if place.strip() else None
    if owner is not None:
        item.owner_id = staff_ref(session, owner, N_("the agenda item's owner")).id if owner.strip() else None
    session.flush()
    after = _items(session, visit.id, item_id)[0]
    if after == before:
        raise Refused(_("agenda item {item} already has these values").format(item=item_id))
    reopen_plan(session, actor, visit, plan, f"agenda item {after.title!r} changed")
    changed = [k for k in after.__dict__ if getattr(after, k) != getattr(before, k)]
    audit.record(session, actor, "plan.item_edit", "plan_item", item_id, visit_id=visit.id,
                 before={k: getattr(before, k) for k in changed}, after={k: getattr(after, k) for k in changed})
    warnings = []
    if item.starts_at < visit.starts_at or item.starts_at >= visit.ends_at or (
            item.ends_at is not None and item.ends_at > visit.ends_at):
        warnings.append(_outside(after.title, visit))
    return Done(after, warnings)


def remove_item(session: Session, actor: str, item_id: int) -> Done:
    """Take an item off the agenda; an approved plan goes back for approval."""
    item, visit, plan = _item_for_change(session, actor, item_id, N_("change plans"))
    view = _items(session, visit.id, item_id)[0]
    reopen_plan(session, actor, visit, plan, f"agenda item {view.title!r} removed")
    session.delete(item)
    session.flush()
    audit.record(session, actor, "plan.item_remove", "plan_item", item_id, visit_id=visit.id, before=view.__dict__)
    return Done(view)


def unassign(session: Session, actor: str, visit_id: int, role: str) -> Done:
    """Nobody plays `role` on the visit any more (its tasks show it unassigned until someone
    is); an approved plan goes back for approval."""
    visit, plan = _plan_for_change(session, actor, visit_id, N_("assign roles"))
    if role not in {r.value for r in VisitRole}:
        raise BadInput(_("role {role!r} is not valid: expected one of {choices}").format(
            role=role, choices=", ".join(r.value for r in VisitRole)))
    row = session.scalars(select(Assignment).where(Assignment.visit_id == visit_id, Assignment.role == role)).first()
    if row is None:
        raise Refused(_("no one is assigned as {role} on visit {visit}").format(role=code(role, "role"),
                                                                                visit=visit_id))
    old = {a.role: a for a in assignments(session, visit_id)}[role]
    reopen_plan(session, actor, visit, plan, f"{role} unassigned (was {old.staff})")
    session.delete(row)
    session.flush()
    audit.record(session, actor, "plan.unassign", "visit", visit_id, visit_id=visit_id,
                 before={"role": role, "staff": old.staff, "backup": old.backup})
    warnings = [_("visit {visit} has no primary host now").format(visit=visit_id)] if role == "host" else []
    return Done(old, warnings)
