"""The audit log: every change, who made it, when, and what it was before and after.

The events form a hash chain (issue 18): each carries `prev_hash`, the `hash` of the event
before it (GENESIS for the first), and its own `hash` = SHA-256(prev_hash || the canonical
serialisation of its fields). Events are numbered and chained in one order: `record` reads the
last event once per transaction (on PostgreSQL under a transaction-level advisory lock; a
SQLite write transaction is serialised already, BEGIN IMMEDIATE) and keeps it on the session.
`verify` walks the chain; `reseal` recomputes it after the tool itself changed old events
(retention), and is recorded as an event of its own."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, event, func, select, text, update

from receptionctl.domain.core import clock
from receptionctl.errors import StorageError
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Reads go through the light handles (store/light.py): nearly every domain module imports this
# one, and a read must not build the table classes for it. The writes (an event recorded, the
# chain resealed) import the table class inside the function.
events, meta = light.audit_event, light.meta

GENESIS = "0" * 64  # the prev_hash of the first event of the log
ANCHOR = "audit_anchor"  # meta: {"id": N, "prev_hash": H}, the first event left after retention deleted older ones
BATCH = 1000  # events read per statement by verify and reseal
_HEAD = "receptionctl.audit_head"  # session.info: (id, hash) of the last event, read once per transaction
_DIRTY = "receptionctl.audit_dirty"  # session.info: the first event to reseal; and whether events were deleted
_LOCK_ID = 0x52434148  # "RCAH": the advisory lock PostgreSQL writers of the audit log share


def canonical(event_id: int, at: datetime, actor: str, action: str, entity: str, entity_id: int | None,
              visit_id: int | None, before: str | None, after: str | None) -> bytes:
    """The bytes an event's hash covers: its fields in a fixed order, as compact JSON (UTF-8),
    the moment in UTC with microseconds, before/after as the stored text."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    moment = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps([event_id, moment, actor, action, entity, entity_id, visit_id, before, after],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str | None, event_id: int, at: datetime, actor: str, action: str, entity: str,
               entity_id: int | None, visit_id: int | None, before: str | None, after: str | None) -> str:
    """SHA-256 (hex) of prev_hash || canonical(the event)."""
    return hashlib.sha256((prev_hash or "").encode("ascii", "replace")
                          + canonical(event_id, at, actor, action, entity, entity_id, visit_id, before,
                                      after)).hexdigest()


def _row_hash(prev_hash: str | None, r) -> str:
    return chain_hash(prev_hash, r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.visit_id, r.before,
                      r.after)


def _forget_head(session: Session, previous_transaction) -> None:  # pragma: no cover - a rolled-back savepoint
    session.info.pop(_HEAD, None)


def _listen() -> None:
    """The head kept in session.info is forgotten when a savepoint rolls back: listened for from
    the first event recorded (a write: the ORM is loaded then, never by a read)."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_soft_rollback", _forget_head):
        event.listen(Session, "after_soft_rollback", _forget_head)


def _lock(session: Session) -> None:
    """PostgreSQL: one writer of the audit log at a time, until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})


def _head(session: Session) -> tuple[int, str]:
    """(id, hash) of the last event; read once per transaction (after the lock), then kept."""
    head = session.info.get(_HEAD)
    if head is None:
        _lock(session)
        row = session.execute(select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
        head = (row.id, row.hash or "") if row is not None else (0, GENESIS)
        session.info[_HEAD] = head
    return head


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return value


def _dump(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True)


BEHALF = N_("{user} (by admin {admin})")  # an event's actor when an admin acts for someone; stored in English
_BEHALF = re.compile(r"(?P<user>.+) \(by admin (?P<admin>.+)\)")


def shown_actor(actor: str) -> str:
    """An event's actor as shown: "li (by admin root)" in the run's language."""
    m = _BEHALF.fullmatch(actor)
    return _(BEHALF).format(**m.groupdict()) if m else actor


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    visit_id: int | None = None,
) -> None:
    """One event, chained to the last: one INSERT (and, first in a transaction, one read of the
    last event; on PostgreSQL the lock before it)."""
    from receptionctl.store.tables.common import AuditEvent

    _listen()
    behalf = session.info.get("receptionctl.on_behalf")  # access.ON_BEHALF: (declared user, the admin behind)
    if behalf and actor == behalf[0]:
        actor = BEHALF.format(user=actor, admin=behalf[1])  # the declared and the real identity, both recorded
    last_id, last_hash = _head(session)
    row = AuditEvent(
        id=last_id + 1,
        at=clock.now(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        visit_id=visit_id,
        before=_dump(before),
        after=_dump(after),
        prev_hash=last_hash,
    )
    row.hash = _row_hash(last_hash, row)
    session.add(row)
    session.info[_HEAD] = (row.id, row.hash)


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    visit_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def version(session: Session) -> int:
    """The newest audit event's id, in one look at the primary key. Every change of the database is
    audited in the change's own transaction, so a read made at the same version is still true
    (apart from what the passing of time changes): the web's pages are kept by it (web/base.py)."""
    return session.execute(select(func.max(events.c.id))).scalar() or 0


def list_events(
    session: Session,
    *,
    visit_id: int | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
    since: datetime | None = None,
    hide_restricted: bool = False,
) -> list[AuditView]:
    """`hide_restricted`: leave out the events of complaints about staff (their case's steps and
    their logbook lines), for a reader who may not see them."""
    q = select(events).order_by(events.c.id)
    if hide_restricted:
        cases, lines = light.service_case, light.duty_log
        restricted = select(cases.c.id).where(cases.c.about_staff_id.is_not(None))
        restricted_lines = select(lines.c.id).where(lines.c.case_id.in_(restricted))
        q = q.where(~((events.c.entity == "case") & events.c.entity_id.in_(restricted)),
                    ~((events.c.entity == "duty_log") & events.c.entity_id.in_(restricted_lines)))
    if visit_id is not None:
        q = q.where(events.c.visit_id == visit_id)
    if entity is not None:
        q = q.where(events.c.entity == entity)
    if actor is not None:
        q = q.where(events.c.actor == actor)
    if since is not None:
        q = q.where(events.c.at >= since)
    if limit is not None:
        q = q.order_by(None).order_by(events.c.id.desc()).limit(limit)
    rows = list(session.execute(q))
    if limit is not None:
        rows.reverse()
    return [
        AuditView(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            visit_id=r.visit_id,
            before=json.loads(r.before) if r.before else None,
            after=json.loads(r.after) if r.after else None,
        )
        for r in rows
    ]


# -- the chain ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found. `broken_id`: the first event that does not verify (None: the chain
    holds); `problem`: "content" (the event was changed: its fields no longer give its hash) or
    "link" (its prev_hash is not the hash of the event before it: an event was deleted, or the
    log re-ordered); `message`: the problem in words."""

    events: int  # events verified (before the broken one)
    head_id: int | None  # the last event (None: the log is empty)
    head: str  # its hash (GENESIS when the log is empty): keep a copy elsewhere to anchor the log
    anchor_id: int | None  # the first event left after retention deleted older ones, if any
    broken_id: int | None
    problem: str | None
    message: str | None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _anchor(session: Session) -> tuple[int, str] | None:
    value = session.scalar(select(meta.c.value).where(meta.c.key == ANCHOR))
    if not value:
        return None
    try:
        data = json.loads(value)
        return int(data["id"]), str(data["prev_hash"])
    except (ValueError, KeyError, TypeError):
        return None


def _batches(session: Session, start_after: int | None = None):
    """The events in id order, BATCH at a time (keyset: each read starts after the last id)."""
    cols = (events.c.id, events.c.at, events.c.actor, events.c.action, events.c.entity, events.c.entity_id,
            events.c.visit_id, events.c.before, events.c.after, events.c.prev_hash, events.c.hash)
    last = start_after
    while True:
        q = select(*cols).order_by(events.c.id).limit(BATCH)
        if last is not None:
            q = q.where(events.c.id > last)
        rows = session.execute(q).all()
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def _walk(session: Session) -> ChainCheck:
    anchor = _anchor(session)
    count = 0
    prev = None  # (id, hash) of the event before
    for rows in _batches(session):
        for r in rows:
            if prev is None:
                linked = r.prev_hash == GENESIS or (anchor is not None and anchor == (r.id, r.prev_hash))
                if not linked:
                    return ChainCheck(count, r.id, r.hash or "", anchor[0] if anchor else None, r.id, "link", _(
                        "event {id}, the first of the log, chains neither from the start of the log nor from the "
                        "anchor retention recorded: the events before it were deleted outside receptionctl").format(
                            id=r.id))
            elif r.prev_hash != prev[1]:
                if r.id - prev[0] == 2:
                    message = _("event {id} does not follow event {prev}: its prev_hash is not that event's hash "
                                "(event {first} was deleted, or the log was re-ordered)").format(
                                    id=r.id, prev=prev[0], first=prev[0] + 1)
                elif r.id - prev[0] > 2:
                    message = _("event {id} does not follow event {prev}: its prev_hash is not that event's hash "
                                "(events {first} to {last} were deleted, or the log was re-ordered)").format(
                                    id=r.id, prev=prev[0], first=prev[0] + 1, last=r.id - 1)
                else:
                    message = _("event {id} does not follow event {prev}: its prev_hash is not that event's hash "
                                "(an event was deleted, or the log was re-ordered)").format(id=r.id, prev=prev[0])
                return ChainCheck(count, r.id, r.hash or "", anchor[0] if anchor else None, r.id, "link", message)
            if _row_hash(r.prev_hash, r) != r.hash:
                return ChainCheck(count, r.id, r.hash or "", anchor[0] if anchor else None, r.id, "content", _(
                    "event {id} was changed outside receptionctl: its content does not give its hash").format(id=r.id))
            count += 1
            prev = (r.id, r.hash)
    return ChainCheck(count, prev[0] if prev else None, prev[1] if prev else GENESIS, anchor[0] if anchor else None,
                      None, None, None)


def verify(session: Session) -> ChainCheck:
    """Walk the chain in id order (one pass, BATCH events per read): the first event that does
    not verify, or how many did and the head. On PostgreSQL a break is checked again under the
    writers' lock (a retention run resealing at the same moment is not a break)."""
    found = _walk(session)
    if not found.ok and session.get_bind().dialect.name == "postgresql":
        _lock(session)
        found = _walk(session)
    return found


def refuse_if_broken(session: Session) -> None:
    """Before the tool rewrites old events (retention): a chain broken already is not resealed
    over (that would hide the break). StorageError (exit 5) naming the first broken event."""
    found = verify(session)
    if not found.ok:
        raise StorageError(_("the audit log's chain is broken at event {id}: {problem}").format(
            id=found.broken_id, problem=found.message),
            hint=_("nothing was changed: find out what happened to the audit log (compare a backup) before "
                   "destroying records"))


def deleting(session: Session, where) -> None:
    """Before the tool deletes the events `where` selects (retention): note the first event left
    that followed a deleted one other than the oldest ones (it will be resealed); deleting the
    oldest ones only moves the anchor. One statement. `where` is made of AuditEvent's columns
    (the caller's delete), so this selects from the same table class."""
    from receptionctl.store.tables.common import AuditEvent

    gone = case((where, 1), else_=0)
    first_kept = select(func.min(AuditEvent.id)).where(gone == 0).scalar_subquery()
    first_gap = select(func.min(AuditEvent.id)).where(gone == 1, AuditEvent.id > first_kept).scalar_subquery()
    after_gap = session.scalar(select(func.min(AuditEvent.id)).where(gone == 0, AuditEvent.id > first_gap))
    _mark(session, after_gap, deleted=True)


def rewritten(session: Session, first_id: int | None) -> None:
    """The tool changed the before/after of events from `first_id` on (retention's erasure)."""
    _mark(session, first_id)


def _mark(session: Session, first_id: int | None, deleted: bool = False) -> None:
    start, was_deleted = session.info.get(_DIRTY, (None, False))
    if first_id is not None:
        start = first_id if start is None else min(start, first_id)
    session.info[_DIRTY] = (start, was_deleted or deleted)


@dataclass(frozen=True)
class Reseal:
    events: int  # events whose hashes were recomputed
    first_id: int | None
    old_head: str
    new_head: str
    anchor_id: int | None  # a new anchor was recorded for this event


def reseal(session: Session, actor: str, run_id: int) -> Reseal | None:
    """After retention deleted or rewrote events in this transaction (`deleting`, `rewritten`):
    the anchor moved to the first event left (in `meta`), the hashes recomputed from the first
    changed event to the head (BATCH per read, one bulk update per batch), and an event
    "audit.reseal" (the run, how many, the old and the new head) recorded. None when nothing
    was changed."""
    from receptionctl.store.tables.common import AuditEvent, Meta

    start, deleted = session.info.pop(_DIRTY, (None, False))
    if start is None and not deleted:
        return None
    session.flush()
    _lock(session)
    session.info.pop(_HEAD, None)
    head = _head(session)
    anchor_id = None
    if deleted:
        first = session.execute(select(events.c.id, events.c.prev_hash).order_by(events.c.id).limit(1)).first()
        if first is not None and first.prev_hash != GENESIS and _anchor(session) != (first.id, first.prev_hash):
            value = json.dumps({"id": first.id, "prev_hash": first.prev_hash})
            row = session.get(Meta, ANCHOR)
            if row is None:
                session.add(Meta(key=ANCHOR, value=value))
            else:
                row.value = value
            anchor_id = first.id
    count = 0
    old_head = head[1]
    if start is not None:
        before = session.execute(select(events.c.hash).where(events.c.id < start)
                                 .order_by(events.c.id.desc()).limit(1)).first()
        prev = before.hash if before is not None else None
        for rows in _batches(session, start - 1):
            changes = []
            for r in rows:
                link = r.prev_hash if prev is None else prev  # the first event keeps its anchor
                new = _row_hash(link, r)
                if (link, new) != (r.prev_hash, r.hash):
                    changes.append({"id": r.id, "prev_hash": link, "hash": new})
                prev = new
                count += 1
            if changes:
                session.execute(update(AuditEvent), changes)
        session.info[_HEAD] = (head[0], prev if prev is not None else head[1])
    new_head = session.info[_HEAD][1]
    record(session, actor, "audit.reseal", "retention_run", run_id,
           after={"run": run_id, "events": count, "from": start, "anchor": anchor_id, "old_head": old_head,
                  "new_head": new_head})
    return Reseal(count, start, old_head, new_head, anchor_id)
