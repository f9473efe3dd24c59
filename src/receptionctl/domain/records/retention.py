"""Retention (seed 001; PIPL Arts. 19, 28, 47; GB/T 35273; Cybersecurity Law Art. 21): the
record classes and what is kept how long, legal holds, what is due, and the daily report's
alerts; the read models of the runs that destroy.

The policy holds a period per record class. `plan` counts what is due, per class, in one
statement each; `due_of` is the query of one part's due records, which a run lists. A legal
hold keeps a client (its visits, contacts, guests, cases and attachments), a visit or a case
out of every retention run and erasure until it is removed.

The rest of retention is beside this module, each importing only those below it: erasure
(erasure on request, PIPL Art. 47) -> runs (a run, its two approvals) -> destruction (what a
record keeps of itself once destroyed, and the scrubbing of the audit log) -> retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import Integer, and_, case, false, func, literal_column, null, or_, select, type_coerce, union_all

from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import required_text
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light
from receptionctl.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PLACEHOLDER = "(erased)"  # what an erased name or text reads afterwards
# who may place and remove holds, create runs and approve them (admin always may): the approvers
# (the leadership who approve reception plans) and the duty manager
APPROVERS = frozenset({"approver", "duty_manager"})
TARGETS = ("client", "visit", "case")


# -- the record classes ----------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """The words (records, since, action) stay English in the read models and their JSON; they
    are marked for the catalogue and translated where a command shows them."""

    key: str  # stored in retention_item and destruction_record
    cls: str  # the policy's record class
    records: str  # what is counted, in words
    setting: str | None  # the policy's period (days)
    since: str  # what the period counts from
    action: str  # what is done to a record


PARTS = (
    Part("id_numbers:guest", "id_numbers", N_("guests"), "retention_id_number_days", N_("the end of the visit"),
         N_("identity number removed")),
    Part("id_numbers:pass", "id_numbers", N_("passes"), "retention_id_number_days",
         N_("the pass's return (its end when never returned)"), N_("identity number removed")),
    Part("contact_details:contact", "contact_details", N_("contacts"), "retention_contact_days",
         N_("the client's last visit (the contact's creation when later)"),
         N_("name replaced; title, phone, e-mail, diet, transport, needs and identity number removed")),
    Part("contact_details:guest", "contact_details", N_("guests"), "retention_contact_days",
         N_("the client's last visit"), N_("name replaced; title and identity number removed")),
    Part("attachments", "attachments", N_("attachments"), "retention_attachment_days",
         N_("the end of the visit, or the closing of the case"), N_("file and record deleted")),
    Part("cases", "cases", N_("service cases"), "retention_case_days", N_("the closing of the case"),
         N_("free text replaced (kind, category, severity, times, state, satisfaction kept)")),
    Part("audit", "audit", N_("audit events"), "retention_audit_days", N_("the event"), N_("deleted")),
)
ERASURE = (
    Part("erasure:contact", "erasure", N_("contacts"), None, N_("a request (PIPL Art. 47)"),
         N_("name replaced; title, phone, e-mail, diet, transport, needs and identity number removed")),
    Part("erasure:guest", "erasure", N_("guests"), None, N_("a request (PIPL Art. 47)"),
         N_("name replaced; title and identity number removed")),
)
BY_KEY = {p.key: p for p in PARTS + ERASURE}
# the record classes in words (the daily report's alert): the class with spaces for underscores
CLASS_WORDS = {"id_numbers": N_("id numbers"), "contact_details": N_("contact details"),
               "attachments": N_("attachments"), "cases": N_("cases"), "audit": N_("audit")}
# the parts (record_class of a run, its items and its destruction records) as they are shown, for the
# catalogue: code(key, "part")
_PART_CODES = (N_("code|part|id_numbers:guest"), N_("code|part|id_numbers:pass"),
               N_("code|part|contact_details:contact"), N_("code|part|contact_details:guest"),
               N_("code|part|attachments"), N_("code|part|cases"), N_("code|part|audit"),
               N_("code|part|erasure:contact"), N_("code|part|erasure:guest"))
# the kinds of run and their states, the records an erasure covers, a hold's targets
_CODES = (N_("code|retention"), N_("code|erasure"), N_("code|contact"), N_("code|guest"), N_("code|pending"),
          N_("code|done"), N_("code|cancelled"))
WAITING = (N_("two approvals"), N_("a second approval"))  # RunView.waiting_for, translated where shown



# -- views ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HoldView:
    id: int
    target: str  # client | visit | case
    target_id: int
    label: str  # what is held, in words
    reason: str
    placed_at: datetime
    placed_by: str
    active: bool
    removed_at: datetime | None
    removed_by: str | None
    removed_reason: str | None


@dataclass(frozen=True)
class PlanRow:
    record_class: str  # id_numbers | contact_details | attachments | cases | audit
    part: str  # the class and the records, as runs and destruction records name them
    records: str
    policy: str
    days: int
    since: str
    cutoff: datetime  # what ended (or happened) before this moment is due
    due: int  # due and not held
    held: int  # due by its age, kept by a legal hold
    oldest: datetime | None  # the oldest due record's date
    action: str


@dataclass(frozen=True)
class RetentionPlan:
    at: datetime
    rows: tuple[PlanRow, ...]
    due: int
    pending: tuple[int, ...]  # runs waiting for approval


@dataclass(frozen=True)
class RunPart:
    part: str
    records: str
    due: int  # listed when the run was created
    cutoff: datetime | None


@dataclass(frozen=True)
class DestructionView:
    id: int
    run_id: int
    record_class: str
    count: int
    skipped: int
    cutoff: datetime | None
    first_by: str
    second_by: str
    at: datetime
    by: str


@dataclass(frozen=True)
class RunView:
    id: int
    kind: str  # retention | erasure
    state: str  # pending | done | cancelled
    waiting_for: str | None  # "two approvals", "a second approval"
    subject: str | None
    note: str | None
    created_at: datetime
    created_by: str
    first_by: str | None
    first_at: datetime | None
    done_by: str | None
    done_at: datetime | None
    cancelled_by: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    due: int
    destroyed: int
    parts: tuple[RunPart, ...]
    records: tuple[DestructionView, ...]


@dataclass(frozen=True)
class Match:
    """A record an erasure covers, for the person asking to check it is the right one."""

    kind: str  # contact | guest
    id: int
    name: str
    client: str | None
    visit_id: int | None
    at: datetime | None  # a guest's check-in


@dataclass(frozen=True)
class Erasure:
    run: RunView
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Approval:
    run: RunView
    carried_out: bool  # False: the first approval, nothing destroyed yet
    store_root: Path | None  # where the attachment files are, to delete after the commit
    hashes: tuple[str, ...]  # attachment files no longer referenced


# Read through the light handles (store/light.py): the daily report's alert and every read here
# build no table class; the writes (a hold placed or removed) import theirs.
(audit_event, client, contact, service_case, visit, site_pass, attachment, legal_hold, retention_run,
 guest) = (light.audit_event, light.client, light.contact, light.service_case, light.visit, light.site_pass,
           light.attachment, light.legal_hold, light.retention_run, light.guest)


# -- holds ------------------------------------------------------------------------------------
# The expressions below are the same for every query: built once (aliasing a table is slow).
@cache
def _holds(target: str):
    """The ids a legal hold in force keeps, of one kind."""
    return (select(legal_hold.c.target_id).where(legal_hold.c.target == target, legal_hold.c.removed_at.is_(None))
            .correlate(None))


def _visit_held(visit_id, client_id):
    return or_(visit_id.in_(_holds("visit")), client_id.in_(_holds("client")))


@cache
def _held_visits():
    v = visit.alias().c
    return select(v.id).where(_visit_held(v.id, v.client_id)).correlate(None)


def _case_held(case_=service_case):
    """A case is held by a hold on it, on its client, or on the visit it arose in (or that
    visit's client)."""
    c = case_.c
    return or_(c.id.in_(_holds("case")), c.client_id.in_(_holds("client")), c.visit_id.in_(_held_visits()))


@cache
def _held_cases():
    c = service_case.alias()
    return select(c.c.id).where(_case_held(c)).correlate(None)


@cache
def _audit_held():
    """An audit event about a held record: of a held visit (or a visit of a held client), about
    a held client, case, or a contact of a held client."""
    contacts = select(contact.c.id).where(contact.c.client_id.in_(_holds("client"))).correlate(None)
    guests = select(guest.c.id).where(guest.c.visit_id.in_(_held_visits())).correlate(None)
    files = select(attachment.c.id).where(or_(attachment.c.visit_id.in_(_held_visits()),
                                            attachment.c.case_id.in_(_held_cases()))).correlate(None)
    holds = select(legal_hold.c.id).where(legal_hold.c.removed_at.is_(None)).correlate(None)
    e = audit_event.c
    # visit_id IS NOT NULL first: NULL IN (...) is NULL, and NOT NULL would keep every event without a visit
    return or_(and_(e.visit_id.is_not(None), e.visit_id.in_(_held_visits())),
               and_(e.entity == "client", e.entity_id.in_(_holds("client"))),
               and_(e.entity == "visit", e.entity_id.in_(_held_visits())),
               and_(e.entity == "case", e.entity_id.in_(_held_cases())),
               and_(e.entity == "contact", e.entity_id.in_(contacts)),
               and_(e.entity == "guest", e.entity_id.in_(guests)),
               and_(e.entity == "attachment", e.entity_id.in_(files)),
               and_(e.entity == "legal_hold", e.entity_id.in_(holds)))


_VISIT_CLIENT = client.alias("visit_client")
_HELD_CLIENT = client.alias("held_client")


def _hold_query():
    vc, held_client = _VISIT_CLIENT, _HELD_CLIENT
    """A hold's row, with what it keeps: the client's name (`held_name`), the visit's start and
    client (`visit_starts`, `visit_client`), the case's kind (`case_kind`)."""
    return (select(legal_hold, held_client.c.name.label("held_name"), visit.c.starts_at.label("visit_starts"),
                   vc.c.name.label("visit_client"), service_case.c.kind.label("case_kind"))
            .outerjoin(held_client, and_(legal_hold.c.target == "client",
                                         held_client.c.id == legal_hold.c.target_id))
            .outerjoin(visit, and_(legal_hold.c.target == "visit", visit.c.id == legal_hold.c.target_id))
            .outerjoin(vc, vc.c.id == visit.c.client_id)
            .outerjoin(service_case, and_(legal_hold.c.target == "case", service_case.c.id == legal_hold.c.target_id)))


def _label(target: str, target_id: int, client: str | None, starts: datetime | None, visit_client: str | None,
           kind: str | None, translated: bool = False) -> str:
    """What a hold keeps, in words: English for the read model (its JSON), or `translated` for a
    message (label_shown translates the read model's)."""
    if not translated:
        if target == "client":
            return f"client {target_id} ({client})" if client else f"client {target_id}"
        if target == "visit":
            return (f"visit {target_id} ({visit_client}, {clock.local(starts):%Y-%m-%d})" if starts
                    else f"visit {target_id}")
        return f"case {target_id} ({kind})" if kind else f"case {target_id}"
    if target == "client":
        return (_("client {id} ({name})").format(id=target_id, name=client) if client
                else _("client {id}").format(id=target_id))
    if target == "visit":
        return (_("visit {id} ({client}, {day})").format(id=target_id, client=visit_client,
                                                        day=f"{clock.local(starts):%Y-%m-%d}") if starts
                else _("visit {id}").format(id=target_id))
    return (_("case {id} ({kind})").format(id=target_id, kind=code(kind, "kind")) if kind
            else _("case {id}").format(id=target_id))


def label_shown(view: HoldView) -> str:
    """A hold's label (HoldView.label, English) in the run's language."""
    prefix = f"{view.target} {view.target_id}"
    inner = view.label[len(prefix) + 2:-1] if view.label.startswith(prefix + " (") else None
    if view.target == "visit" and inner:
        client, _sep, day = inner.rpartition(", ")
        return _("visit {id} ({client}, {day})").format(id=view.target_id, client=client, day=day)
    if view.target == "case" and inner:
        return _("case {id} ({kind})").format(id=view.target_id, kind=code(inner, "kind"))
    if view.target == "client" and inner:
        return _("client {id} ({name})").format(id=view.target_id, name=inner)
    return _("{target} {id}").format(target=code(view.target), id=view.target_id)


def _hold_view(h) -> HoldView:
    client, starts, visit_client, kind = h.held_name, h.visit_starts, h.visit_client, h.case_kind
    return HoldView(h.id, h.target, h.target_id, _label(h.target, h.target_id, client, starts, visit_client, kind),
                    h.reason, h.placed_at, h.placed_by, h.removed_at is None, h.removed_at, h.removed_by,
                    h.removed_reason)


def _target(session: Session, text: str) -> tuple[str, int]:
    """`client:NAME-or-id`, `visit:N` or `case:N` -> (kind, id); the record must exist."""
    kind, sep, ref = (text or "").partition(":")
    kind, ref = kind.strip().lower(), ref.strip()
    if not sep or kind not in TARGETS or not ref:
        raise BadInput(_("target {target!r} is not valid: expected client:NAME (or client:ID), visit:N or case:N")
                       .format(target=text))
    if kind == "client":
        return kind, find.client(session, ref).id
    if not (ref.isascii() and ref.isdigit() and 1 <= int(ref) <= 2**31 - 1):
        if kind == "visit":
            raise BadInput(_("target {target!r} is not valid: expected visit:N, N the visit's id").format(target=text))
        raise BadInput(_("target {target!r} is not valid: expected case:N, N the case's id").format(target=text))
    from receptionctl.store.tables.common import ServiceCase, Visit
    model = Visit if kind == "visit" else ServiceCase
    if session.get(model, int(ref)) is None:
        if kind == "visit":
            raise NotFound(_("no visit {id}").format(id=ref), hint=_("see `receptionctl visit list`"))
        raise NotFound(_("no case {id}").format(id=ref), hint=_("see `receptionctl case list`"))
    return kind, int(ref)


def add_hold(session: Session, actor: str, target: str, reason: str) -> HoldView:
    """Keep a client (its visits, contacts, guests, cases and attachments), a visit (its guests,
    attachments and cases) or a case out of every retention run and erasure until removed."""
    from receptionctl.store.tables.records import LegalHold
    access.require(session, actor, APPROVERS, N_("place legal holds"))
    kind, target_id = _target(session, target)
    reason = required_text(reason, N_("reason"), N_("why the records must be kept (the matter, the request)"))
    existing = session.scalar(select(LegalHold.id).where(LegalHold.target == kind, LegalHold.target_id == target_id,
                                                         LegalHold.removed_at.is_(None)))
    if existing is not None:
        raise Refused(_("{target} {id} is under legal hold {hold} already").format(target=code(kind), id=target_id,
                                                                                  hold=existing))
    row = LegalHold(target=kind, target_id=target_id, reason=reason, placed_at=clock.now(), placed_by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor, "hold.add", "legal_hold", row.id,
                 after={"target": kind, "target_id": target_id, "reason": reason})
    return show_hold(session, row.id)


def show_hold(session: Session, hold_id: int) -> HoldView:
    row = session.execute(_hold_query().where(legal_hold.c.id == hold_id)).first()
    if row is None:
        raise NotFound(_("no legal hold {id}").format(id=hold_id), hint=_("see `receptionctl hold list`"))
    return _hold_view(row)


def list_holds(session: Session, *, all_: bool = False) -> list[HoldView]:
    """Holds in force by the time they were placed; `all_`: removed ones too."""
    q = _hold_query()
    if not all_:
        q = q.where(legal_hold.c.removed_at.is_(None))
    return [_hold_view(r) for r in session.execute(q.order_by(legal_hold.c.placed_at, legal_hold.c.id))]


def remove_hold(session: Session, actor: str, hold_id: int, reason: str) -> HoldView:
    """The hold ends (the matter is settled): its records follow their retention periods again."""
    from receptionctl.store.tables.records import LegalHold
    access.require(session, actor, APPROVERS, N_("remove legal holds"))
    row = session.get(LegalHold, hold_id)
    if row is None:
        raise NotFound(_("no legal hold {id}").format(id=hold_id), hint=_("see `receptionctl hold list`"))
    if row.removed_at is not None:
        raise Refused(_("legal hold {id} was removed already ({user}, {at})").format(
            id=hold_id, user=row.removed_by, at=f"{clock.local(row.removed_at):%Y-%m-%d %H:%M}"))
    reason = required_text(reason, N_("reason"), N_("why the hold ends"))
    row.removed_at, row.removed_by, row.removed_reason = clock.now(), actor, reason
    session.flush()
    audit.record(session, actor, "hold.remove", "legal_hold", row.id, before={"active": True},
                 after={"active": False, "target": row.target, "target_id": row.target_id, "reason": reason})
    return show_hold(session, hold_id)


def refuse_if_held(session: Session, contact_ids, guest_ids) -> None:
    """Refused (exit 1) naming the first legal hold that keeps one of these records."""
    clients = or_(legal_hold.c.target_id.in_(select(contact.c.client_id).where(contact.c.id.in_(contact_ids))
                                          .correlate(None)),
                  legal_hold.c.target_id.in_(select(visit.c.client_id).join(guest, guest.c.visit_id == visit.c.id)
                                          .where(guest.c.id.in_(guest_ids)).correlate(None)))
    visits = legal_hold.c.target_id.in_(select(guest.c.visit_id).where(guest.c.id.in_(guest_ids)).correlate(None))
    row = session.execute(_hold_query().where(
        legal_hold.c.removed_at.is_(None),
        or_(and_(legal_hold.c.target == "client", clients), and_(legal_hold.c.target == "visit", visits)))
        .order_by(legal_hold.c.id).limit(1)).first()
    if row is not None:
        h = row
        client, starts, visit_client, kind = h.held_name, h.visit_starts, h.visit_client, h.case_kind
        label = _label(h.target, h.target_id, client, starts, visit_client, kind, translated=True)
        raise Refused(_("legal hold {id} keeps {label} ({reason}): its records cannot be erased while the hold is in "
                        "force").format(id=h.id, label=label, reason=h.reason),
                      hint=_("once the matter is settled: {command}").format(
                          command=f"`receptionctl hold remove {h.id} --reason ...`"))



# -- what is due ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    """A part's due records as query pieces (see due_of)."""

    id: Any  # the record's id column
    date: Any  # the moment its period runs from
    held: Any  # whether a legal hold keeps it
    apply: Callable  # a select -> with its FROM and the condition "due by its age"


def contact_left():
    """A contact that still holds something personal."""
    c = contact.c
    return or_(c.name != PLACEHOLDER, c.title.is_not(None), c.phone.is_not(None), c.email.is_not(None),
               c.diet.is_not(None), c.transport.is_not(None), c.needs.is_not(None), c.id_number_enc.is_not(None),
               c.id_number_mask.is_not(None), c.birthday.is_not(None))


def guest_left():
    """A guest that still holds something personal."""
    g = guest.c
    return or_(g.name != PLACEHOLDER, g.title.is_not(None), g.id_number_enc.is_not(None),
               g.id_number_mask.is_not(None))


_LAST = visit.alias("last_visit")  # the client's last visit


def due_of(key: str, cutoff: datetime | None) -> Due:
    """Part `key`'s records due at `cutoff` (None: any age, for an erasure)."""
    if key == "id_numbers:guest":
        return Due(guest.c.id, visit.c.ends_at, _visit_held(visit.c.id, visit.c.client_id),
                    lambda q: q.select_from(guest).join(visit, visit.c.id == guest.c.visit_id).where(
                        or_(guest.c.id_number_enc.is_not(None), guest.c.id_number_mask.is_not(None)),
                        visit.c.ends_at < cutoff, visit.c.starts_at < cutoff))  # implied: read by the index
    if key == "id_numbers:pass":
        since = func.coalesce(site_pass.c.returned_at, site_pass.c.until)
        return Due(site_pass.c.id, since, false(), lambda q: q.select_from(site_pass).where(
            or_(site_pass.c.id_number_enc.is_not(None), site_pass.c.id_number_mask.is_not(None)), since < cutoff))
    if key in ("contact_details:contact", "erasure:contact"):
        v = _LAST.c
        last = (select(func.max(v.ends_at)).where(v.client_id == contact.c.client_id, v.status != "cancelled")
                .correlate(contact).scalar_subquery())
        since = case((last > contact.c.created_at, last), else_=contact.c.created_at)
        held = contact.c.client_id.in_(_holds("client"))
        if cutoff is None:
            return Due(contact.c.id, since, held, lambda q: q.select_from(contact).where(contact_left()))
        return Due(contact.c.id, since, held,
                    lambda q: q.select_from(contact).where(contact_left(), since < cutoff))
    if key in ("contact_details:guest", "erasure:guest"):
        v = _LAST.c
        last = (select(func.max(v.ends_at)).where(v.client_id == visit.c.client_id, v.status != "cancelled")
                .correlate(visit).scalar_subquery())
        since = func.coalesce(last, visit.c.ends_at)
        held = _visit_held(visit.c.id, visit.c.client_id)

        def apply(q):
            q = q.select_from(guest).join(visit, visit.c.id == guest.c.visit_id).where(guest_left())
            if cutoff is None:
                return q
            # implied by `since < cutoff`, and cheap: the visit began before the cutoff (read by the
            # index), and its client has no visit ending after it (one list, made once), so that the
            # client's last visit is looked for only where it may be old
            recent = select(v.client_id).where(v.ends_at >= cutoff, v.status != "cancelled")
            return q.where(visit.c.starts_at < cutoff, visit.c.client_id.not_in(recent), since < cutoff)
        return Due(guest.c.id, since, held, apply)
    if key == "attachments":
        model = attachment.c
        since = func.coalesce(visit.c.ends_at, service_case.c.closed_at)
        held = or_(and_(model.visit_id.is_not(None), model.visit_id.in_(_held_visits())),
                   and_(model.case_id.is_not(None), model.case_id.in_(_held_cases())))
        return Due(model.id, since, held, lambda q: q.select_from(attachment)
                    .outerjoin(visit, visit.c.id == model.visit_id)
                    .outerjoin(service_case, service_case.c.id == model.case_id).where(since < cutoff))
    if key == "cases":
        return Due(service_case.c.id, service_case.c.closed_at, _case_held(), lambda q: q.select_from(service_case).where(
            service_case.c.state == "closed", service_case.c.closed_at < cutoff, service_case.c.text != PLACEHOLDER))
    if key == "audit":
        return Due(audit_event.c.id, audit_event.c.at, _audit_held(),
                    lambda q: q.select_from(audit_event).where(audit_event.c.at < cutoff))
    raise ValueError(f"unknown record class {key!r}")  # pragma: no cover


def cutoffs_at(rules: dict, now: datetime, extra_days: int = 0) -> dict[str, datetime]:
    """Each part's cut-off moment at `now` (what ended before it is due), `extra_days` earlier."""
    return {p.key: now - timedelta(days=rules[p.setting] + extra_days) for p in PARTS}


def plan(session: Session) -> RetentionPlan:
    """What is due for destruction now, per class, and why; one statement per class and one
    for the pending runs. Nothing changes."""
    rules = policy.load(session)
    now = clock.now()
    rows = []
    for part, cutoff in zip(PARTS, cutoffs_at(rules, now).values()):
        d = due_of(part.key, cutoff)
        held = case((d.held, 1), else_=0)
        free = case((d.held, None), else_=d.date)
        total, kept, oldest = session.execute(d.apply(select(func.count(), func.sum(held), func.min(free)))).one()
        if isinstance(oldest, str):  # SQLite: min() of a CASE comes back as text
            oldest = _parse(oldest)
        rows.append(PlanRow(part.cls, part.key, part.records, part.setting, rules[part.setting], part.since, cutoff,
                            (total or 0) - (kept or 0), kept or 0, oldest, part.action))
    pending = tuple(session.scalars(select(retention_run.c.id).where(retention_run.c.state == "pending")
                                    .order_by(retention_run.c.id)))
    return RetentionPlan(now, tuple(rows), sum(r.due for r in rows), pending)


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# -- the daily report -------------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what needs attention at `now` for the daily report: runs waiting for an
    approval, and records due for destruction for more than the policy's retention_alert_days
    with no retention run pending. One statement: the counts of what is due (its first row),
    then the runs pending (ignored when one of them is a retention run)."""
    rules = policy.load(session)
    out: list[Alert] = []
    grace = rules["retention_alert_days"]
    cutoffs = cutoffs_at(rules, now, grace)
    counts = []
    for n, part in enumerate(PARTS):
        d = due_of(part.key, cutoffs[part.key])
        counts.append(d.apply(select(func.count())).where(~d.held).scalar_subquery().label(f"n{n}"))
    r = retention_run.c
    both = union_all(
        select(literal_column("0", Integer).label("part"), null().label("id"), null().label("kind"),
               null().label("first_by"), type_coerce(null(), UTCDateTime()).label("first_at"),
               null().label("created_by"), type_coerce(null(), UTCDateTime()).label("created_at"), *counts),
        select(literal_column("1", Integer), r.id, r.kind, r.first_by, r.first_at, r.created_by, r.created_at,
               *(null() for _n in counts)).where(r.state == "pending")).subquery()
    rows = session.execute(select(both).order_by(both.c.part, both.c.id)).all()
    found, runs = rows[0][-len(PARTS):], rows[1:]
    for r in runs:
        if r.first_by:
            out.append(Alert("retention_due", _("{kind} run {id} waits for its second approval (first approved by {user} "
                                           "on {day}): another approver carries it out").format(
                                               kind=code(r.kind), id=r.id, user=r.first_by,
                                               day=f"{clock.local(r.first_at):%Y-%m-%d}")))
        else:
            out.append(Alert("retention_due", _("{kind} run {id} waits for two approvals (created by {user} on {day})")
                        .format(kind=code(r.kind), id=r.id, user=r.created_by,
                                day=f"{clock.local(r.created_at):%Y-%m-%d}")))
    if any(r.kind == "retention" for r in runs):
        return out
    due = [_("{n} {records_class} ({records})").format(n=n, records_class=_(CLASS_WORDS[part.cls]),
                                                        records=_(part.records))
           for part, n in zip(PARTS, found) if n]
    if due:
        out.append(Alert("retention_due", _("records due for destruction for more than {days} days and no retention run "
                                       "pending: {records}").format(days=grace, records=_(", ").join(due))))
    return out
