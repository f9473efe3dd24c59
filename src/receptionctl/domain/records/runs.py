"""Retention runs (seed 001): `create_run` lists what is due at that moment (each record's
class and id, in `retention_item`, and each class's cut-off moment); the second of two
approvals by different people destroys that set and nothing that became due later; what is
no longer due by then (a hold placed, a new visit of the client, erased already) is skipped
and counted. A run of kind erasure (erasure.py) is approved the same way. A destruction
record (class, how many, the approvers, when) is written for each class; it refers to
nothing that is deleted.

Imports: runs -> destruction (destroying a part's records) -> retention (the classes, what is
due, the holds, the read models)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Integer, String, cast, delete, func, insert, literal, select

from receptionctl.domain.core import access, audit, clock, policy
from receptionctl.domain.core.base import required_text
from receptionctl.domain.records import attachments, destruction
from receptionctl.domain.records.retention import (
    APPROVERS,
    BY_KEY,
    PARTS,
    Approval,
    DestructionView,
    RunPart,
    RunView,
    cutoffs_at,
    due_of,
    refuse_if_held,
)
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.records import RetentionRun

RUN_STATES = ("pending", "done", "cancelled")


def _load_run(session: Session, run_id: int) -> RetentionRun:
    from receptionctl.store.tables.records import RetentionRun
    row = session.get(RetentionRun, run_id)
    if row is None:
        raise NotFound(_("no retention run {id}").format(id=run_id), hint=_("see `receptionctl retention list`"))
    return row


def _views(session: Session, rows: list[RetentionRun]) -> list[RunView]:
    """The runs with their destruction records: one statement for all the records."""
    from receptionctl.store.tables.records import DestructionRecord
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
    from receptionctl.store.tables.records import RetentionRun
    q = select(RetentionRun)
    if state is not None:
        if state not in RUN_STATES:
            raise BadInput(_("state {state!r} is not valid: expected one of {states}").format(
                state=state, states=", ".join(RUN_STATES)))
        q = q.where(RetentionRun.state == state)
    return _views(session, list(session.scalars(q.order_by(RetentionRun.id).limit(limit))))


def _items(run_id: int, key: str):
    from receptionctl.store.tables.records import RetentionItem
    return (select(RetentionItem.record_id)
            .where(RetentionItem.run_id == run_id, RetentionItem.record_class == key).correlate(None))


def _item_counts(session: Session, run_id: int) -> dict[str, int]:
    from receptionctl.store.tables.records import RetentionItem
    return dict(session.execute(select(RetentionItem.record_class, func.count())
                                .where(RetentionItem.run_id == run_id).group_by(RetentionItem.record_class)).all())


def create_run(session: Session, actor: str, note: str | None = None) -> RunView:
    """A pending run of what is due now (each record listed by class and id; the audit log by
    its cut-off moment). Nothing is destroyed until two different people approve it."""
    from receptionctl.store.tables.records import RetentionItem, RetentionRun
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
    cutoffs = cutoffs_at(rules, now)
    run = RetentionRun(kind="retention", state="pending", note=note, created_at=now, created_by=actor)
    session.add(run)
    session.flush()
    for part in PARTS:
        if part.key == "audit":
            continue
        d = due_of(part.key, cutoffs[part.key])
        session.execute(insert(RetentionItem).from_select(
            ["run_id", "record_class", "record_id"],
            d.apply(select(literal(run.id, Integer), cast(literal(part.key), String(32)), d.id)).where(~d.held)))
    counts = _item_counts(session, run.id)
    d = due_of("audit", cutoffs["audit"])
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
    from receptionctl.store.tables.common import AuditEvent
    from receptionctl.store.tables.records import DestructionRecord, RetentionItem, RetentionRun
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
        refuse_if_held(session, _items(run.id, "erasure:contact"), _items(run.id, "erasure:guest"))
    audit.refuse_if_broken(session)  # old events are about to be deleted or rewritten, and resealed
    stored = json.loads(run.cutoffs or "{}")
    root = attachments.store_root(session) if "attachments" in stored and stored["attachments"].get("due") else None
    hashes: list[str] = []
    erased: set[str] = set()  # the names, phones, e-mails erased: also out of the run's own note and events
    destroyed: dict[str, int] = {}
    for key, info in stored.items():
        cutoff = datetime.fromisoformat(info["cutoff"]) if info.get("cutoff") else None
        if key == "audit":
            d = due_of("audit", cutoff)
            # the events due, by their ids (due_of reads through the light handles; the delete is the table's)
            gone = AuditEvent.id.in_(d.apply(select(d.id)).where(~d.held))
            audit.deleting(session, gone)  # the chain: anchor and reseal
            result = session.execute(delete(AuditEvent).where(gone).execution_options(synchronize_session=False))
            destroyed[key] = result.rowcount or 0
            continue
        d = due_of(key, cutoff)
        keep = d.apply(select(d.id))
        if run.kind == "retention":
            keep = keep.where(~d.held)
        session.execute(delete(RetentionItem).where(
            RetentionItem.run_id == run.id, RetentionItem.record_class == key,
            RetentionItem.record_id.not_in(keep.correlate(None))).execution_options(synchronize_session=False))
        hashes += destruction.destroy(session, key, _items(run.id, key), erased)
    if erased:
        run.note = destruction.replace(run.note, sorted(erased, key=len, reverse=True))
        destruction.scrub(session, {"retention_run": (select(RetentionRun.id).where(RetentionRun.id == run.id), frozenset())},
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
