"""Erasure on request (seed 001; PIPL Art. 47): `erase_person` makes a run of kind erasure
for one person's records (contacts and guests by id, or every one with that name), refused
while a legal hold keeps one of them. Two different people approve it like any run
(runs.approve); destroying then replaces the name and removes the details, in the records
and in the audit log (destruction.py).

Imports: erasure -> runs -> destruction -> retention."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, insert, or_, select

from receptionctl.domain.core import access, audit, clock
from receptionctl.domain.records.retention import (
    APPROVERS,
    PLACEHOLDER,
    Erasure,
    Match,
    contact_left,
    guest_left,
    refuse_if_held,
)
from receptionctl.domain.records.runs import show_run
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _matches(session: Session, contact_ids: list[int], guest_ids: list[int], name: str | None) -> list[Match]:
    from receptionctl.store.tables.common import Client, Contact, Visit
    from receptionctl.store.tables.visits import Guest
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
    from receptionctl.store.tables.records import RetentionItem, RetentionRun
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
    contact, guest = light.contact.c, light.guest.c  # as contact_left and guest_left read them
    left = {("contact", i) for i in session.scalars(select(contact.id).where(contact.id.in_(contact_ids),
                                                                             contact_left()))}
    left |= {("guest", i) for i in session.scalars(select(guest.id).where(guest.id.in_(guest_ids), guest_left()))}
    done = [m for m in matches if (m.kind, m.id) not in left]
    if done:
        raise Refused(_("{kind} {id} is erased already: nothing of it is left to erase").format(
            kind=code(done[0].kind), id=done[0].id))
    refuse_if_held(session, contact_ids, guest_ids)
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
