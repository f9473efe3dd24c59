"""Destroying a run's records (seed 001), part by part: runs.approve calls `destroy` for each
part of the run it carries out (the audit events older than the period it deletes itself).

Destroying keeps what the measures need: a guest's or contact's row stays with its name
replaced and its details removed, a case keeps its kind, category, severity, times, state and
satisfaction. The personal values are also scrubbed from the audit events of the erased
records (and, for a guest, from the texts of their visit: its audit events, task titles and
notes, the desk handovers' open items).

Imports: erasure -> runs -> destruction -> retention."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, literal, null, or_, select, update

from receptionctl.domain.core import audit
from receptionctl.domain.records import attachments
from receptionctl.domain.records.retention import PLACEHOLDER

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# the keys of audit events (before/after) that hold a record's personal values
CONTACT_KEYS = frozenset({"name", "title", "phone", "email", "diet", "transport", "needs", "id_number", "birthday"})
GUEST_KEYS = frozenset({"name", "title", "id_number"})
ID_KEYS = frozenset({"id_number"})
CASE_KEYS = frozenset({"text", "note", "question", "answer", "cause", "action", "prevention"})
LOG_KEYS = frozenset({"text"})
ATTACHMENT_KEYS = frozenset({"name", "note", "to"})
GREETING_KEYS = frozenset({"contact"})  # a greeting's audit event names the contact greeted


def destroy(session: Session, key: str, ids, erased: set[str]) -> list[str]:
    """Destroy the records of part `key` that `ids` selects (a run's items still listed; the
    personal values erased are added to `erased`); the attachment hashes no longer referenced
    (to delete after the commit)."""
    from receptionctl.store.tables.desk import SitePass
    from receptionctl.store.tables.visits import Guest
    if key == "id_numbers:guest":
        session.execute(update(Guest).where(Guest.id.in_(ids)).values(id_number_enc=None, id_number_mask=None)
                        .execution_options(synchronize_session=False))
        scrub(session, {"guest": (ids, ID_KEYS)})
    elif key == "id_numbers:pass":
        session.execute(update(SitePass).where(SitePass.id.in_(ids)).values(id_number_enc=None, id_number_mask=None)
                        .execution_options(synchronize_session=False))
        scrub(session, {"site_pass": (ids, ID_KEYS)})
    elif key in ("contact_details:contact", "erasure:contact"):
        erased |= _erase_contacts(session, ids)
    elif key in ("contact_details:guest", "erasure:guest"):
        erased |= _erase_guests(session, ids)
    elif key == "cases":
        _erase_cases(session, ids)
    elif key == "attachments":
        listed = list(session.scalars(ids))
        if listed:
            scrub(session, {"attachment": (ids, ATTACHMENT_KEYS)})
            return list(attachments.remove(session, listed))
    return []


def _values(*texts: str | None) -> set[str]:
    return {t.strip() for t in texts if t and t.strip() and t.strip() != PLACEHOLDER and len(t.strip()) >= 2}


def _erase_contacts(session: Session, ids) -> set[str]:
    from receptionctl.store.tables.care import CareLog
    from receptionctl.store.tables.common import Contact, Task
    rows = session.execute(select(Contact.name, Contact.phone, Contact.email).where(Contact.id.in_(ids))).all()
    values = set().union(*(_values(*r) for r in rows)) if rows else set()
    session.execute(update(Contact).where(Contact.id.in_(ids)).values(
        name=PLACEHOLDER, title=None, phone=None, email=None, diet=None, transport=None, needs=None,
        id_number_enc=None, id_number_mask=None, birthday=None).execution_options(synchronize_session=False))
    greetings = select(CareLog.id).where(CareLog.contact_id.in_(ids)).correlate(None)
    scrub(session, {"contact": (ids, CONTACT_KEYS), "care_log": (greetings, GREETING_KEYS)}, values=values)
    if values:  # the greeting tasks of their birthday named them, and the greetings sent may
        clients = select(Contact.client_id).where(Contact.id.in_(ids)).correlate(None)
        _scrub_tasks(session, Task.client_id.in_(clients), values)
        ordered = sorted(values, key=len, reverse=True)
        changes = [{"id": gid, "note": replace(note, ordered)} for gid, note in session.execute(
            select(CareLog.id, CareLog.note).where(CareLog.client_id.in_(clients))) if replace(note, ordered) != note]
        if changes:
            session.execute(update(CareLog), changes)
    return values


def _erase_guests(session: Session, ids) -> set[str]:
    from receptionctl.store.tables.common import Task
    from receptionctl.store.tables.visits import Guest
    rows = session.execute(select(Guest.name).where(Guest.id.in_(ids))).all()
    values = set().union(*(_values(*r) for r in rows)) if rows else set()
    visits = select(Guest.visit_id).where(Guest.id.in_(ids)).correlate(None)
    session.execute(update(Guest).where(Guest.id.in_(ids)).values(
        name=PLACEHOLDER, name_key=PLACEHOLDER, title=None, id_number_enc=None, id_number_mask=None)
        .execution_options(synchronize_session=False))
    scrub(session, {"guest": (ids, GUEST_KEYS)}, values=values, visits=visits)
    if values:
        _scrub_tasks(session, Task.visit_id.in_(visits), values)
        _scrub_handovers(session, "guest", ids, values)
    return values


def _erased(column):
    return case((column.is_(None), null()), else_=literal(PLACEHOLDER))


def _erase_cases(session: Session, ids) -> None:
    from receptionctl.store.tables.cases import DutyLog, Escalation
    from receptionctl.store.tables.common import ServiceCase, Task
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
    scrub(session, {"case": (ids, CASE_KEYS), "duty_log": (lines, LOG_KEYS)})
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


def scrub(session: Session, own: dict[str, tuple[Any, frozenset[str]]], *, values: set[str] = frozenset(),
           visits=None) -> None:
    """Blank the personal keys in the audit events of the erased records (`own`: entity ->
    (their ids, the keys)), and replace the erased `values` in those events and in every event
    of the `visits`. Two statements, whatever the number of events."""
    from receptionctl.store.tables.common import AuditEvent
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


def replace(text: str | None, values: list[str]) -> str | None:
    """`text` with each of the erased `values` (longest first) replaced by the placeholder."""
    if text is None:
        return None
    for value in values:
        text = text.replace(value, PLACEHOLDER)
    return text


def _scrub_tasks(session: Session, where, values: set[str]) -> None:
    """The erased values replaced in the titles and notes of the tasks `where` selects."""
    from receptionctl.store.tables.common import Task
    ordered = sorted(values, key=len, reverse=True)
    changes = []
    for tid, title, title_zh, note in session.execute(select(Task.id, Task.title, Task.title_zh, Task.note)
                                                      .where(where)):
        new = (replace(title, ordered), replace(title_zh, ordered), replace(note, ordered))
        if new != (title, title_zh, note):
            changes.append({"id": tid, "title": new[0], "title_zh": new[1], "note": new[2]})
    if changes:
        session.execute(update(Task), changes)


def _scrub_handovers(session: Session, kind: str, ids, values: set[str]) -> None:
    """The desk handovers' open items about the erased records: their text replaced."""
    from receptionctl.store.tables.desk import Handover
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
                text = replace(item["text"], ordered)
                changed = changed or text != item["text"]
                item["text"] = text
        if changed:
            changes.append({"id": hid, "open_items": json.dumps(data, ensure_ascii=False)})
    if changes:
        session.execute(update(Handover), changes)
