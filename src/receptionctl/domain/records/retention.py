"""Retention and erasure (seed 001; PIPL Arts. 19, 28, 47; GB/T 35273; Cybersecurity Law
Art. 21): what is kept how long, legal holds, destruction with two approvals, and the record
that survives it.

The policy holds a period per record class. `plan` counts what is due, per class, in one
statement each. `create_run` lists what is due at that moment (each record's class and id, in
`retention_item`, and each class's cut-off moment): the second of two approvals by different
people destroys that set and nothing that became due later; what is no longer due by then (a
hold placed, a new visit of the client, erased already) is skipped and counted. `erase_person`
makes a run of kind erasure for one person's records (PIPL Art. 47), approved the same way.

Destroying keeps what the measures need: a guest's or contact's row stays with its name
replaced and its details removed, a case keeps its kind, category, severity, times, state and
satisfaction, and only audit events older than the period are deleted. The personal values are
also scrubbed from the audit events of the erased records (and, for a guest, from the texts of
their visit: its audit events, task titles and notes, the desk handovers' open items). A
destruction record (class, how many, the approvers, when) is written for each class; it refers
to nothing that is deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import required_text
from receptionctl.domain.records import attachments
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store.tables.cases import DutyLog, Escalation
from receptionctl.store.tables.common import AuditEvent, Client, Contact, ServiceCase, Task, Visit
from receptionctl.store.tables.desk import Handover, SitePass
from receptionctl.store.tables.records import Attachment, DestructionRecord, LegalHold, RetentionItem, RetentionRun
from receptionctl.store.tables.visits import Guest

PLACEHOLDER = "(erased)"  # what an erased name or text reads afterwards
# who may place and remove holds, create runs and approve them (admin always may): the approvers
# (the leadership who approve reception plans) and the duty manager
APPROVERS = frozenset({"approver", "duty_manager"})
TARGETS = ("client", "visit", "case")
RUN_STATES = ("pending", "done", "cancelled")


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

# the keys of audit events (before/after) that hold a record's personal values
CONTACT_KEYS = frozenset({"name", "title", "phone", "email", "diet", "transport", "needs", "id_number"})
GUEST_KEYS = frozenset({"name", "title", "id_number"})
ID_KEYS = frozenset({"id_number"})
CASE_KEYS = frozenset({"text", "note", "question", "answer", "cause", "action", "prevention"})
LOG_KEYS = frozenset({"text"})
ATTACHMENT_KEYS = frozenset({"name", "note", "to"})


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


# -- holds ------------------------------------------------------------------------------------
# The expressions below are the same for every query: built once (aliasing a table is slow).
@cache
def _holds(target: str):
    """The ids a legal hold in force keeps, of one kind."""
    return (select(LegalHold.target_id).where(LegalHold.target == target, LegalHold.removed_at.is_(None))
            .correlate(None))


def _visit_held(visit_id, client_id):
    return or_(visit_id.in_(_holds("visit")), client_id.in_(_holds("client")))


@cache
def _held_visits():
    v = aliased(Visit)
    return select(v.id).where(_visit_held(v.id, v.client_id)).correlate(None)


def _case_held(c=ServiceCase):
    """A case is held by a hold on it, on its client, or on the visit it arose in (or that
    visit's client)."""
    return or_(c.id.in_(_holds("case")), c.client_id.in_(_holds("client")), c.visit_id.in_(_held_visits()))


@cache
def _held_cases():
    c = aliased(ServiceCase)
    return select(c.id).where(_case_held(c)).correlate(None)


@cache
def _audit_held():
    """An audit event about a held record: of a held visit (or a visit of a held client), about
    a held client, case, or a contact of a held client."""
    contacts = select(Contact.id).where(Contact.client_id.in_(_holds("client"))).correlate(None)
    guests = select(Guest.id).where(Guest.visit_id.in_(_held_visits())).correlate(None)
    files = select(Attachment.id).where(or_(Attachment.visit_id.in_(_held_visits()),
                                            Attachment.case_id.in_(_held_cases()))).correlate(None)
    holds = select(LegalHold.id).where(LegalHold.removed_at.is_(None)).correlate(None)
    e = AuditEvent
    # visit_id IS NOT NULL first: NULL IN (...) is NULL, and NOT NULL would keep every event without a visit
    return or_(and_(e.visit_id.is_not(None), e.visit_id.in_(_held_visits())),
               and_(e.entity == "client", e.entity_id.in_(_holds("client"))),
               and_(e.entity == "visit", e.entity_id.in_(_held_visits())),
               and_(e.entity == "case", e.entity_id.in_(_held_cases())),
               and_(e.entity == "contact", e.entity_id.in_(contacts)),
               and_(e.entity == "guest", e.entity_id.in_(guests)),
               and_(e.entity == "attachment", e.entity_id.in_(files)),
               and_(e.entity == "legal_hold", e.entity_id.in_(holds)))


_VISIT_CLIENT = aliased(Client, name="visit_client")
_HELD_CLIENT = aliased(Client, name="held_client")


def _hold_query():
    vc, held_client = _VISIT_CLIENT, _HELD_CLIENT
    return (select(LegalHold, held_client.name, Visit.starts_at, vc.name, ServiceCase.kind)
            .outerjoin(held_client, and_(LegalHold.target == "client", held_client.id == LegalHold.target_id))
            .outerjoin(Visit, and_(LegalHold.target == "visit", Visit.id == LegalHold.target_id))
            .outerjoin(vc, vc.id == Visit.client_id)
            .outerjoin(ServiceCase, and_(LegalHold.target == "case", ServiceCase.id == LegalHold.target_id)))


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


def _hold_view(row) -> HoldView:
    h, client, starts, visit_client, kind = row
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
    model = Visit if kind == "visit" else ServiceCase
    if session.get(model, int(ref)) is None:
        if kind == "visit":
            raise NotFound(_("no visit {id}").format(id=ref), hint=_("see `receptionctl visit list`"))
        raise NotFound(_("no case {id}").format(id=ref), hint=_("see `receptionctl case list`"))
    return kind, int(ref)


def add_hold(session: Session, actor: str, target: str, reason: str) -> HoldView:
    """Keep a client (its visits, contacts, guests, cases and attachments), a visit (its guests,
    attachments and cases) or a case out of every retention run and erasure until removed."""
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
    row = session.execute(_hold_query().where(LegalHold.id == hold_id)).first()
    if row is None:
        raise NotFound(_("no legal hold {id}").format(id=hold_id), hint=_("see `receptionctl hold list`"))
    return _hold_view(row)


def list_holds(session: Session, *, all_: bool = False) -> list[HoldView]:
    """Holds in force by the time they were placed; `all_`: removed ones too."""
    q = _hold_query()
    if not all_:
        q = q.where(LegalHold.removed_at.is_(None))
    return [_hold_view(r) for r in session.execute(q.order_by(LegalHold.placed_at, LegalHold.id))]


def remove_hold(session: Session, actor: str, hold_id: int, reason: str) -> HoldView:
    """The hold ends (the matter is settled): its records follow their retention periods again."""
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


# -- what is due ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Due:
    id: Any  # the record's id column
    date: Any  # the moment its period runs from
    held: Any  # whether a legal hold keeps it
    apply: Callable  # a select -> with its FROM and the condition "due by its age"


def _contact_left():
    """A contact that still holds something personal."""
    c = Contact
    return or_(c.name != PLACEHOLDER, c.title.is_not(None), c.phone.is_not(None), c.email.is_not(None),
               c.diet.is_not(None), c.transport.is_not(None), c.needs.is_not(None), c.id_number_enc.is_not(None),
               c.id_number_mask.is_not(None))


def _guest_left():
    g = Guest
    return or_(g.name != PLACEHOLDER, g.title.is_not(None), g.id_number_enc.is_not(None),
               g.id_number_mask.is_not(None))


_LAST = aliased(Visit, name="last_visit")  # the client's last visit


def _due(key: str, cutoff: datetime | None) -> _Due:
    """Part `key`'s records due at `cutoff` (None: any age, for an erasure)."""
    if key == "id_numbers:guest":
        return _Due(Guest.id, Visit.ends_at, _visit_held(Visit.id, Visit.client_id),
                    lambda q: q.select_from(Guest).join(Visit, Visit.id == Guest.visit_id).where(
                        or_(Guest.id_number_enc.is_not(None), Guest.id_number_mask.is_not(None)),
                        Visit.ends_at < cutoff, Visit.starts_at < cutoff))  # implied: read by the index
    if key == "id_numbers:pass":
        since = func.coalesce(SitePass.returned_at, SitePass.until)
        return _Due(SitePass.id, since, false(), lambda q: q.select_from(SitePass).where(
            or_(SitePass.id_number_enc.is_not(None), SitePass.id_number_mask.is_not(None)), since < cutoff))
    if key in ("contact_details:contact", "erasure:contact"):
        v = _LAST
        last = (select(func.max(v.ends_at)).where(v.client_id == Contact.client_id, v.status != "cancelled")
                .correlate(Contact).scalar_subquery())
        since = case((last > Contact.created_at, last), else_=Contact.created_at)
        held = Contact.client_id.in_(_holds("client"))
        if cutoff is None:
            return _Due(Contact.id, since, held, lambda q: q.select_from(Contact).where(_contact_left()))
        return _Due(Contact.id, since, held,
                    lambda q: q.select_from(Contact).where(_contact_left(), since < cutoff))
    if key in ("contact_details:guest", "erasure:guest"):
        v = _LAST
        last = (select(func.max(v.ends_at)).where(v.client_id == Visit.client_id, v.status != "cancelled")
                .correlate(Visit).scalar_subquery())
        since = func.coalesce(last, Visit.ends_at)
        held = _visit_held(Visit.id, Visit.client_id)

        def apply(q):
            q = q.select_from(Guest).join(Visit, Visit.id == Guest.visit_id).where(_guest_left())
            if cutoff is None:
                return q
            # implied by `since < cutoff`, and cheap: the visit began before the cutoff (read by the
            # index), and its client has no visit ending after it (one list, made once), so that the
            # client's last visit is looked for only where it may be old
            recent = select(v.client_id).where(v.ends_at >= cutoff, v.status != "cancelled")
            return q.where(Visit.starts_at < cutoff, Visit.client_id.not_in(recent), since < cutoff)
        return _Due(Guest.id, since, held, apply)
    if key == "attachments":
        model = Attachment
        since = func.coalesce(Visit.ends_at, ServiceCase.closed_at)
        held = or_(and_(model.visit_id.is_not(None), model.visit_id.in_(_held_visits())),
                   and_(model.case_id.is_not(None), model.case_id.in_(_held_cases())))
        return _Due(model.id, since, held, lambda q: q.select_from(model)
                    .outerjoin(Visit, Visit.id == model.visit_id)
                    .outerjoin(ServiceCase, ServiceCase.id == model.case_id).where(since < cutoff))
    if key == "cases":
        return _Due(ServiceCase.id, ServiceCase.closed_at, _case_held(), lambda q: q.select_from(ServiceCase).where(
            ServiceCase.state == "closed", ServiceCase.closed_at < cutoff, ServiceCase.text != PLACEHOLDER))
    if key == "audit":
        return _Due(AuditEvent.id, AuditEvent.at, _audit_held(),
                    lambda q: q.select_from(AuditEvent).where(AuditEvent.at < cutoff))
    raise ValueError(f"unknown record class {key!r}")  # pragma: no cover


def _cutoffs(rules: dict, now: datetime, extra_days: int = 0) -> dict[str, datetime]:
    return {p.key: now - timedelta(days=rules[p.setting] + extra_days) for p in PARTS}


def plan(session: Session) -> RetentionPlan:
    """What is due for destruction now, per class, and why; one statement per class and one
    for the pending runs. Nothing changes."""
    rules = policy.load(session)
    now = clock.now()
    rows = []
    for part, cutoff in zip(PARTS, _cutoffs(rules, now).values()):
        d = _due(part.key, cutoff)
        held = case((d.held, 1), else_=0)
        free = case((d.held, None), else_=d.date)
        total, kept, oldest = session.execute(d.apply(select(func.count(), func.sum(held), func.min(free)))).one()
        if isinstance(oldest, str):  # SQLite: min() of a CASE comes back as text
            oldest = _parse(oldest)
        rows.append(PlanRow(part.cls, part.key, part.records, part.setting, rules[part.setting], part.since, cutoff,
                            (total or 0) - (kept or 0), kept or 0, oldest, part.action))
    pending = tuple(session.scalars(select(RetentionRun.id).where(RetentionRun.state == "pending")
                                    .order_by(RetentionRun.id)))
    return RetentionPlan(now, tuple(rows), sum(r.due for r in rows), pending)


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# -- runs -------------------------------------------------------------------------------------
def _load_run(session: Session, run_id: int) -> RetentionRun:
    row = session.get(RetentionRun, run_id)
    if row is None:
        raise NotFound(_("no retention run {id}").format(id=run_id), hint=_("see `receptionctl retention list`"))
    return row


def _views(session: Session, rows: list[RetentionRun]) -> list[RunView]:
    """The runs with their destruction records: one statement for all the records."""
    ids = [r.id for r in rows]
    records: dict[int, list[DestructionView]] = {i: [] for i in ids}
    if ids:
        for d in session.scalars(select(DestructionRecord).where(DestructionRecord.run_id.in_(ids))
                                 .order_by(DestructionRecord.id)):
            records[d.run_id].append(DestructionView(d.id, d.run_id, d.record_class, d.count, d.skipped, d.cutoff,
                                                     d.first_by, d.second_by, d.at, d.by))
    out = []
    for r in rows:
        stored = json.loads(r.cutoffs or "{}")
        parts = tuple(RunPart(k, BY_KEY[k].records if k in BY_KEY else k, v.get("due", 0),
                              datetime.fromisoformat(v["cutoff"]) if v.get("cutoff") else None)
                      for k, v in stored.items())
        waiting = None
        if r.state == "pending":
            waiting = "a second approval" if r.first_by else "two approvals"
        out.append(RunView(r.id, r.kind, r.state, waiting, r.subject, r.note, r.created_at, r.created_by, r.first_by,
                           r.first_at, r.done_by, r.done_at, r.cancelled_by, r.cancelled_at, r.cancel_reason,
                           sum(p.due for p in parts), sum(d.count for d in records[r.id]), parts,
                           tuple(records[r.id])))
    return out


def show_run(session: Session, run_id: int) -> RunView:
    return _views(session, [_load_run(session, run_id)])[0]


def list_runs(session: Session, *, state: str | None = None, limit: int | None = None) -> list[RunView]:
    """Runs by id (the oldest first); `state`: pending, done or cancelled."""
    q = select(RetentionRun)
    if state is not None:
        if state not in RUN_STATES:
            raise BadInput(_("state {state!r} is not valid: expected one of {states}").format(
                state=state, states=", ".join(RUN_STATES)))
        q = q.where(RetentionRun.state == state)
    return _views(session, list(session.scalars(q.order_by(RetentionRun.id).limit(limit))))


def _items(run_id: int, key: str):
    return (select(RetentionItem.record_id)
            .where(RetentionItem.run_id == run_id, RetentionItem.record_class == key).correlate(None))


def _item_counts(session: Session, run_id: int) -> dict[str, int]:
    return dict(session.execute(select(RetentionItem.record_class, func.count())
                                .where(RetentionItem.run_id == run_id).group_by(RetentionItem.record_class)).all())


def create_run(session: Session, actor: str, note: str | None = None) -> RunView:
    """A pending run of what is due now (each record listed by class and id; the audit log by
    its cut-off moment). Nothing is destroyed until two different people approve it."""
    access.require(session, actor, APPROVERS, N_("create retention runs"))
    note = (note or "").strip() or None
    if note is not None and len(note) > 2000:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option="--note",
                                                                                               limit=2000))
    pending = session.scalar(select(RetentionRun.id).where(RetentionRun.state == "pending",
                                                           RetentionRun.kind == "retention"))
    if pending is not None:
        raise Refused(_("retention run {id} is waiting for approval: approve or cancel it first").format(id=pending),
                      hint=_("see `receptionctl retention show {id}`").format(id=pending))
    rules = policy.load(session)
    now = clock.now()
    cutoffs = _cutoffs(rules, now)
    run = RetentionRun(kind="retention", state="pending", note=note, created_at=now, created_by=actor)
    session.add(run)
    session.flush()
    for part in PARTS:
        if part.key == "audit":
            continue
        d = _due(part.key, cutoffs[part.key])
        session.execute(insert(RetentionItem).from_select(
            ["run_id", "record_class", "record_id"],
            d.apply(select(literal(run.id, Integer), cast(literal(part.key), String(32)), d.id)).where(~d.held)))
    counts = _item_counts(session, run.id)
    d = _due("audit", cutoffs["audit"])
    counts["audit"] = session.scalar(d.apply(select(func.count())).where(~d.held)) or 0
    if not any(counts.values()):
        raise Refused(_("nothing is due for destruction: every record is within its retention period or held"),
                      hint=_("see `receptionctl retention plan`"))
    run.cutoffs = json.dumps({p.key: {"cutoff": cutoffs[p.key].isoformat(), "due": counts.get(p.key, 0)}
                              for p in PARTS})
    session.flush()
    audit.record(session, actor, "retention.run", "retention_run", run.id,
                 after={"kind": "retention", "state": "pending", "due": {k: n for k, n in counts.items() if n},
                        "note": note})
    return show_run(session, run.id)


def cancel_run(session: Session, actor: str, run_id: int, reason: str) -> RunView:
    """A pending run is dropped: nothing of it is destroyed."""
    access.require(session, actor, APPROVERS, N_("cancel retention runs"))
    run = _load_run(session, run_id)
    _pending(run)
    reason = required_text(reason, N_("reason"), N_("why the run is dropped"))
    run.state, run.cancelled_at, run.cancelled_by, run.cancel_reason = "cancelled", clock.now(), actor, reason
    session.flush()
    audit.record(session, actor, "retention.cancel", "retention_run", run.id, before={"state": "pending"},
                 after={"state": "cancelled", "reason": reason})
    return show_run(session, run_id)


def _pending(run: RetentionRun) -> None:
    if run.state == "done":
        raise Refused(_("{kind} run {id} was carried out already ({user}, {at})").format(
            kind=code(run.kind), id=run.id, user=run.done_by, at=f"{clock.local(run.done_at):%Y-%m-%d %H:%M}"))
    if run.state == "cancelled":
        raise Refused(_("{kind} run {id} was cancelled ({user}, {at}): {reason}").format(
            kind=code(run.kind), id=run.id, user=run.cancelled_by,
            at=f"{clock.local(run.cancelled_at):%Y-%m-%d %H:%M}", reason=run.cancel_reason))


def approve(session: Session, actor: str, run_id: int) -> Approval:
    """One approval of a pending run. The first destroys nothing; the second, by a different
    person, destroys the run's records in this transaction and writes the destruction records.
    The same person twice is not allowed (exit 4)."""
    who = access.require(session, actor, APPROVERS, N_("approve retention runs"))
    run = _load_run(session, run_id)
    _pending(run)
    now = clock.now()
    if run.first_by is None:
        run.first_by, run.first_at = who.username, now
        session.flush()
        audit.record(session, actor, "retention.approve", "retention_run", run.id,
                     after={"approval": 1, "kind": run.kind})
        return Approval(show_run(session, run_id), False, None, ())
    if run.first_by == who.username:
        raise NotAllowed(_("{user} approved {kind} run {id} already ({at}): the second approval must come from a "
                           "different person").format(user=actor, kind=code(run.kind), id=run.id,
                                                      at=f"{clock.local(run.first_at):%Y-%m-%d %H:%M}"),
                         hint=_("ask another approver, duty manager or admin"))
    if run.kind == "erasure":
        _refuse_if_held(session, _items(run.id, "erasure:contact"), _items(run.id, "erasure:guest"))
    audit.refuse_if_broken(session)  # old events are about to be deleted or rewritten, and resealed
    stored = json.loads(run.cutoffs or "{}")
    root = attachments.store_root(session) if "attachments" in stored and stored["attachments"].get("due") else None
    hashes: list[str] = []
    erased: set[str] = set()  # the names, phones, e-mails erased: also out of the run's own note and events
    destroyed: dict[str, int] = {}
    for key, info in stored.items():
        cutoff = datetime.fromisoformat(info["cutoff"]) if info.get("cutoff") else None
        if key == "audit":
            d = _due("audit", cutoff)
            audit.deleting(session, and_(AuditEvent.at < cutoff, ~d.held))  # the chain: anchor and reseal
            result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff, ~d.held)
                                     .execution_options(synchronize_session=False))
            destroyed[key] = result.rowcount or 0
            continue
        d = _due(key, cutoff)
        keep = d.apply(select(d.id))
        if run.kind == "retention":
            keep = keep.where(~d.held)
        session.execute(delete(RetentionItem).where(
            RetentionItem.run_id == run.id, RetentionItem.record_class == key,
            RetentionItem.record_id.not_in(keep.correlate(None))).execution_options(synchronize_session=False))
        hashes += _destroy(session, key, run.id, erased)
    if erased:
        run.note = _replace(run.note, sorted(erased, key=len, reverse=True))
        _scrub(session, {"retention_run": (select(RetentionRun.id).where(RetentionRun.id == run.id), frozenset())},
               values=erased)
    counts = _item_counts(session, run.id)
    for key in stored:
        destroyed.setdefault(key, counts.get(key, 0))
    run.state, run.done_by, run.done_at = "done", who.username, now
    for key, info in stored.items():
        session.add(DestructionRecord(run_id=run.id, record_class=key, count=destroyed[key],
                                      skipped=max(0, info.get("due", 0) - destroyed[key]),
                                      cutoff=datetime.fromisoformat(info["cutoff"]) if info.get("cutoff") else None,
                                      first_by=run.first_by, second_by=who.username, at=now, by=who.username))
    session.flush()
    audit.reseal(session, actor, run.id)  # the chain again over what was deleted or rewritten ("audit.reseal")
    audit.record(session, actor, "retention.approve", "retention_run", run.id,
                 after={"approval": 2, "kind": run.kind, "state": "done",
                        "destroyed": {k: n for k, n in destroyed.items() if n}})
    return Approval(show_run(session, run_id), True, root, tuple(hashes))


def finish(done: Approval) -> int:
    """After the commit: the attachment files no longer referenced are deleted (how many)."""
    if not done.carried_out or not done.hashes or done.store_root is None:
        return 0
    return attachments.unlink(done.store_root, list(done.hashes))


# -- destroying -------------------------------------------------------------------------------
def _destroy(session: Session, key: str, run_id: int, erased: set[str]) -> list[str]:
    """Destroy the records of part `key` still listed in run `run_id` (the personal values
    erased are added to `erased`); the attachment hashes no longer referenced (to delete after
    the commit)."""
    ids = _items(run_id, key)
    if key == "id_numbers:guest":
        session.execute(update(Guest).where(Guest.id.in_(ids)).values(id_number_enc=None, id_number_mask=None)
                        .execution_options(synchronize_session=False))
        _scrub(session, {"guest": (ids, ID_KEYS)})
    elif key == "id_numbers:pass":
        session.execute(update(SitePass).where(SitePass.id.in_(ids)).values(id_number_enc=None, id_number_mask=None)
                        .execution_options(synchronize_session=False))
        _scrub(session, {"site_pass": (ids, ID_KEYS)})
    elif key in ("contact_details:contact", "erasure:contact"):
        erased |= _erase_contacts(session, ids)
    elif key in ("contact_details:guest", "erasure:guest"):
        erased |= _erase_guests(session, ids)
    elif key == "cases":
        _erase_cases(session, ids)
    elif key == "attachments":
        listed = list(session.scalars(ids))
        if listed:
            _scrub(session, {"attachment": (ids, ATTACHMENT_KEYS)})
            return list(attachments.remove(session, listed))
    return []


def _values(*texts: str | None) -> set[str]:
    return {t.strip() for t in texts if t and t.strip() and t.strip() != PLACEHOLDER and len(t.strip()) >= 2}


def _erase_contacts(session: Session, ids) -> set[str]:
    rows = session.execute(select(Contact.name, Contact.phone, Contact.email).where(Contact.id.in_(ids))).all()
    values = set().union(*(_values(*r) for r in rows)) if rows else set()
    session.execute(update(Contact).where(Contact.id.in_(ids)).values(
        name=PLACEHOLDER, title=None, phone=None, email=None, diet=None, transport=None, needs=None,
        id_number_enc=None, id_number_mask=None).execution_options(synchronize_session=False))
    _scrub(session, {"contact": (ids, CONTACT_KEYS)}, values=values)
    return values


def _erase_guests(session: Session, ids) -> set[str]:
    rows = session.execute(select(Guest.name).where(Guest.id.in_(ids))).all()
    values = set().union(*(_values(*r) for r in rows)) if rows else set()
    visits = select(Guest.visit_id).where(Guest.id.in_(ids)).correlate(None)
    session.execute(update(Guest).where(Guest.id.in_(ids)).values(
        name=PLACEHOLDER, name_key=PLACEHOLDER, title=None, id_number_enc=None, id_number_mask=None)
        .execution_options(synchronize_session=False))
    _scrub(session, {"guest": (ids, GUEST_KEYS)}, values=values, visits=visits)
    if values:
        _scrub_tasks(session, Task.visit_id.in_(visits), values)
        _scrub_handovers(session, "guest", ids, values)
    return values


def _erased(column):
    return case((column.is_(None), null()), else_=literal(PLACEHOLDER))


def _erase_cases(session: Session, ids) -> None:
    c = ServiceCase
    session.execute(update(c).where(c.id.in_(ids)).values(
        text=PLACEHOLDER, root_cause=_erased(c.root_cause), action=_erased(c.action),
        prevention=_erased(c.prevention), callback_note=_erased(c.callback_note),
        review_note=_erased(c.review_note)).execution_options(synchronize_session=False))
    session.execute(update(Escalation).where(Escalation.case_id.in_(ids)).values(
        question=PLACEHOLDER, answer=_erased(Escalation.answer)).execution_options(synchronize_session=False))
    lines = select(DutyLog.id).where(DutyLog.case_id.in_(ids)).correlate(None)
    session.execute(update(DutyLog).where(DutyLog.case_id.in_(ids)).values(text=PLACEHOLDER)
                    .execution_options(synchronize_session=False))
    session.execute(update(Task).where(Task.case_id.in_(ids)).values(note=_erased(Task.note))
                    .execution_options(synchronize_session=False))
    _scrub(session, {"case": (ids, CASE_KEYS), "duty_log": (lines, LOG_KEYS)})
    _scrub_handovers(session, "case", ids, set())


def _clean(value: Any, keys: frozenset[str], values: list[str]) -> Any:
    """`value` (decoded JSON) with the personal `keys` blanked and the `values` replaced."""
    if isinstance(value, dict):
        return {k: (_blank(k, v) if k in keys and v is not None else _clean(v, keys, values))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, keys, values) for v in value]
    if isinstance(value, str):
        for text in values:
            value = value.replace(text, PLACEHOLDER)
    return value


def _blank(key: str, value: Any) -> Any:
    return None if key == "id_number" else PLACEHOLDER


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _scrub(session: Session, own: dict[str, tuple[Any, frozenset[str]]], *, values: set[str] = frozenset(),
           visits=None) -> None:
    """Blank the personal keys in the audit events of the erased records (`own`: entity ->
    (their ids, the keys)), and replace the erased `values` in those events and in every event
    of the `visits`. Two statements, whatever the number of events."""
    found = [and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_(ids)) for entity, (ids, _keys) in own.items()]
    if visits is not None and values:
        found.append(AuditEvent.visit_id.in_(visits))
    rows = session.execute(select(AuditEvent.id, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.before,
                                  AuditEvent.after).where(or_(*found))).all()
    if not rows:
        return
    mine = {entity: set(session.scalars(ids)) for entity, (ids, _keys) in own.items()}
    ordered = sorted(values, key=len, reverse=True)
    changes = []
    for row in rows:
        keys = own[row.entity][1] if row.entity in mine and row.entity_id in mine[row.entity] else frozenset()
        change = {}
        for field in ("before", "after"):
            text = getattr(row, field)
            if not text:
                continue
            try:
                data = json.loads(text)
            except ValueError:
                continue
            cleaned = _dump(_clean(data, keys, ordered))
            if cleaned != _dump(data):
                change[field] = cleaned
        if change:
            changes.append({"id": row.id, "before": change.get("before", row.before),
                            "after": change.get("after", row.after)})
    if changes:
        session.execute(update(AuditEvent), changes)
        audit.rewritten(session, min(c["id"] for c in changes))  # resealed from there by audit.reseal


def _replace(text: str | None, values: list[str]) -> str | None:
    if text is None:
        return None
    for value in values:
        text = text.replace(value, PLACEHOLDER)
    return text


def _scrub_tasks(session: Session, where, values: set[str]) -> None:
    """The erased values replaced in the titles and notes of the tasks `where` selects."""
    ordered = sorted(values, key=len, reverse=True)
    changes = []
    for tid, title, title_zh, note in session.execute(select(Task.id, Task.title, Task.title_zh, Task.note)
                                                      .where(where)):
        new = (_replace(title, ordered), _replace(title_zh, ordered), _replace(note, ordered))
        if new != (title, title_zh, note):
            changes.append({"id": tid, "title": new[0], "title_zh": new[1], "note": new[2]})
    if changes:
        session.execute(update(Task), changes)


def _scrub_handovers(session: Session, kind: str, ids, values: set[str]) -> None:
    """The desk handovers' open items about the erased records: their text replaced."""
    listed = set(session.scalars(ids))
    if not listed:
        return
    ordered = sorted(values, key=len, reverse=True)
    changes = []
    for hid, items in session.execute(select(Handover.id, Handover.open_items)
                                      .where(Handover.open_items.like(f'%"{kind}"%'))):
        try:
            data = json.loads(items)
        except ValueError:
            continue
        changed = False
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and item.get("kind") == kind and item.get("id") in listed:
                item["text"] = f"{kind} {item['id']}: {PLACEHOLDER}"
                changed = True
            elif isinstance(item, dict) and isinstance(item.get("text"), str) and ordered:
                text = _replace(item["text"], ordered)
                changed = changed or text != item["text"]
                item["text"] = text
        if changed:
            changes.append({"id": hid, "open_items": json.dumps(data, ensure_ascii=False)})
    if changes:
        session.execute(update(Handover), changes)


# -- erasure on request -----------------------------------------------------------------------
def _refuse_if_held(session: Session, contact_ids, guest_ids) -> None:
    """Refused (exit 1) naming the first legal hold that keeps one of these records."""
    clients = or_(LegalHold.target_id.in_(select(Contact.client_id).where(Contact.id.in_(contact_ids))
                                          .correlate(None)),
                  LegalHold.target_id.in_(select(Visit.client_id).join(Guest, Guest.visit_id == Visit.id)
                                          .where(Guest.id.in_(guest_ids)).correlate(None)))
    visits = LegalHold.target_id.in_(select(Guest.visit_id).where(Guest.id.in_(guest_ids)).correlate(None))
    row = session.execute(_hold_query().where(
        LegalHold.removed_at.is_(None),
        or_(and_(LegalHold.target == "client", clients), and_(LegalHold.target == "visit", visits)))
        .order_by(LegalHold.id).limit(1)).first()
    if row is not None:
        h, client, starts, visit_client, kind = row
        label = _label(h.target, h.target_id, client, starts, visit_client, kind, translated=True)
        raise Refused(_("legal hold {id} keeps {label} ({reason}): its records cannot be erased while the hold is in "
                        "force").format(id=h.id, label=label, reason=h.reason),
                      hint=_("once the matter is settled: {command}").format(
                          command=f"`receptionctl hold remove {h.id} --reason ...`"))


def _matches(session: Session, contact_ids: list[int], guest_ids: list[int], name: str | None) -> list[Match]:
    cq = select(Contact, Client.name).join(Client, Client.id == Contact.client_id)
    gq = (select(Guest, Client.name).join(Visit, Visit.id == Guest.visit_id)
          .join(Client, Client.id == Visit.client_id))
    picked = []
    if name is not None:
        cleaned = " ".join(name.split())
        key = cleaned.casefold()
        if not cleaned or cleaned == PLACEHOLDER:
            raise BadInput(_("name {name!r} is not valid: expected the person's name as it was recorded").format(
                name=name))
        picked += [Match("contact", c.id, c.name, client, None, None) for c, client in session.execute(
            cq.where(or_(Contact.name == cleaned, func.lower(Contact.name) == key)).order_by(Contact.id))]
        picked += [Match("guest", g.id, g.name, client, g.visit_id, g.checked_in_at) for g, client in session.execute(
            gq.where(Guest.name_key == key).order_by(Guest.id))]
        if not picked:
            raise NotFound(_("no contact or guest named {name!r}").format(name=cleaned),
                           hint=_("give the name as it was recorded, or --contact ID / --guest ID"))
    if contact_ids:
        found = {c.id: (c, client) for c, client in session.execute(cq.where(Contact.id.in_(contact_ids)))}
        for cid in contact_ids:
            if cid not in found:
                raise NotFound(_("no contact {id}").format(id=cid), hint=_("see `receptionctl contact list CLIENT`"))
            c, client = found[cid]
            picked.append(Match("contact", c.id, c.name, client, None, None))
    if guest_ids:
        found = {g.id: (g, client) for g, client in session.execute(gq.where(Guest.id.in_(guest_ids)))}
        for gid in guest_ids:
            if gid not in found:
                raise NotFound(_("no guest {id}").format(id=gid), hint=_("see `receptionctl visit show VISIT`"))
            g, client = found[gid]
            picked.append(Match("guest", g.id, g.name, client, g.visit_id, g.checked_in_at))
    unique = list({(m.kind, m.id): m for m in picked}.values())
    return sorted(unique, key=lambda m: (m.kind, m.id))


def erase_person(session: Session, actor: str, *, contacts: list[int] = (), guests: list[int] = (),
                 name: str | None = None, note: str | None = None) -> Erasure:
    """A pending run of kind erasure for one person's records on their request (PIPL Art. 47):
    contacts and guests by id, or every contact and guest with that name (all listed). Refused
    while a legal hold keeps one of them. Approved twice like any run."""
    access.require(session, actor, APPROVERS, N_("erase a person's data"))
    if not contacts and not guests and name is None:
        raise BadInput(_("no one named: expected contact ids, guest ids or a name"))
    note = (note or "").strip() or None
    if note is not None and len(note) > 2000:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option="--note",
                                                                                               limit=2000))
    matches = _matches(session, list(contacts), list(guests), name)
    contact_ids = [m.id for m in matches if m.kind == "contact"]
    guest_ids = [m.id for m in matches if m.kind == "guest"]
    left = {("contact", i) for i in session.scalars(select(Contact.id).where(Contact.id.in_(contact_ids),
                                                                             _contact_left()))}
    left |= {("guest", i) for i in session.scalars(select(Guest.id).where(Guest.id.in_(guest_ids), _guest_left()))}
    done = [m for m in matches if (m.kind, m.id) not in left]
    if done:
        raise Refused(_("{kind} {id} is erased already: nothing of it is left to erase").format(
            kind=code(done[0].kind), id=done[0].id))
    _refuse_if_held(session, contact_ids, guest_ids)
    busy = session.execute(
        select(RetentionItem.run_id, RetentionItem.record_class, RetentionItem.record_id)
        .join(RetentionRun, RetentionRun.id == RetentionItem.run_id)
        .where(RetentionRun.state == "pending", RetentionRun.kind == "erasure",
               or_(and_(RetentionItem.record_class == "erasure:contact", RetentionItem.record_id.in_(contact_ids)),
                   and_(RetentionItem.record_class == "erasure:guest", RetentionItem.record_id.in_(guest_ids))))
        .limit(1)).first()
    if busy is not None:
        raise Refused(_("{kind} {id} is in erasure run {run} already, waiting for approval").format(
            kind=code(busy.record_class.split(":")[1]), id=busy.record_id, run=busy.run_id),
            hint=_("see `receptionctl retention show {id}`").format(id=busy.run_id))
    subject = "; ".join(f"{what}{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}"
                        for what, ids in (("contact", contact_ids), ("guest", guest_ids)) if ids)
    run = RetentionRun(kind="erasure", state="pending", subject=subject[:300], note=note, created_at=clock.now(),
                       created_by=actor,
                       cutoffs=json.dumps({key: {"cutoff": None, "due": len(ids)} for key, ids in (
                           ("erasure:contact", contact_ids), ("erasure:guest", guest_ids)) if ids}))
    session.add(run)
    session.flush()
    rows = [{"run_id": run.id, "record_class": "erasure:contact", "record_id": i} for i in contact_ids]
    rows += [{"run_id": run.id, "record_class": "erasure:guest", "record_id": i} for i in guest_ids]
    session.execute(insert(RetentionItem), rows)
    audit.record(session, actor, "person.erase", "retention_run", run.id,
                 after={"kind": "erasure", "state": "pending", "contacts": contact_ids, "guests": guest_ids,
                        "note": note})
    return Erasure(show_run(session, run.id), tuple(matches))


# -- the daily report -------------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what needs attention at `now` for the daily report: runs waiting for an
    approval, and records due for destruction for more than the policy's retention_alert_days
    with no retention run pending. Two statements."""
    rules = policy.load(session)
    out: list[Alert] = []
    runs = session.execute(select(RetentionRun.id, RetentionRun.kind, RetentionRun.first_by, RetentionRun.first_at,
                                  RetentionRun.created_by, RetentionRun.created_at)
                           .where(RetentionRun.state == "pending").order_by(RetentionRun.id)).all()
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
    grace = rules["retention_alert_days"]
    cutoffs = _cutoffs(rules, now, grace)
    counts = []
    for part in PARTS:
        d = _due(part.key, cutoffs[part.key])
        counts.append(d.apply(select(func.count())).where(~d.held).scalar_subquery())
    found = session.execute(select(*counts)).one()
    due = [_("{n} {records_class} ({records})").format(n=n, records_class=_(CLASS_WORDS[part.cls]),
                                                        records=_(part.records))
           for part, n in zip(PARTS, found) if n]
    if due:
        out.append(Alert("retention_due", _("records due for destruction for more than {days} days and no retention run "
                                       "pending: {records}").format(days=grace, records=_(", ").join(due))))
    return out
