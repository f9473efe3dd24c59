"""Notes and promises: what a client said during a visit (questions, suggestions,
intentions) and what the company promised, kept until fulfilled ("keep every
promise"). A promise belongs to the client: it is shown at the next contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from receptionctl.domain.core import access, audit, clock
from receptionctl.domain.core.base import Done, load_for_change, required_text
from receptionctl.domain.core.vocab import NoteKind
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def _note_view(n) -> NoteView:
    return NoteView(n.id, n.visit_id, n.client_id, n.kind, n.text, n.at, n.by, n.fulfilled_at, n.fulfilled_by,
                    n.fulfilment, n.kind == "promise" and n.fulfilled_at is None)


def add_note(session: Session, actor: str, visit_id: int, kind: str, text: str) -> Done:
    from receptionctl.store.tables.visits import Note

    access.require(session, actor, access.RECEPTION, N_("record notes"))
    if kind not in {k.value for k in NoteKind}:
        raise BadInput(_("kind {kind!r} is not valid: expected question, suggestion, intent or promise").format(
            kind=kind))
    text = required_text(text, "--text", N_("what was said"))
    visit, _plan = load_for_change(session, visit_id)
    if visit.status == "cancelled":
        raise Refused(_("visit {visit} is cancelled: notes are recorded on visits that took place").format(
            visit=visit_id))
    row = Note(visit_id=visit_id, client_id=visit.client_id, kind=kind, text=text, at=clock.now(), by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor, "note.add", "note", row.id, visit_id=visit_id, after={"kind": kind, "text": text})
    warnings = ([_("promise {note} stays open until kept: `receptionctl note keep {note}`").format(note=row.id)]
                if kind == "promise" else [])
    return Done(_note_view(row), warnings)


def keep_promise(session: Session, actor: str, note_id: int, text: str | None = None) -> Done:
    from receptionctl.store.tables.visits import Note

    access.require(session, actor, access.RECEPTION, N_("mark promises kept"))
    row = session.get(Note, note_id)
    if row is None:
        raise NotFound(_("no note {note}").format(note=note_id), hint=_("see `receptionctl note list`"))
    if row.kind != "promise":
        raise Refused(_("note {note} is a {kind}, not a promise").format(note=note_id, kind=code(row.kind)))
    if row.fulfilled_at is not None:
        raise Refused(_("promise {note} is kept already ({by}, {at})").format(
            note=note_id, by=row.fulfilled_by, at=f"{clock.local(row.fulfilled_at):%Y-%m-%d %H:%M}"))
    row.fulfilled_at, row.fulfilled_by = clock.now(), actor
    row.fulfilment = required_text(text, "--text", N_("how it was kept")) if text and text.strip() else None
    session.flush()
    audit.record(session, actor, "note.keep", "note", row.id, visit_id=row.visit_id,
                 before={"open": True}, after={"open": False, "how": row.fulfilment})
    return Done(_note_view(row))


def list_notes(session: Session, *, visit_id: int | None = None, client_id: int | None = None,
               kind: str | None = None, open_promises: bool = False) -> list[NoteView]:
    """The notes, oldest first. Of a visit: one statement that also finds the visit (exit 3 for
    an unknown one), the notes joined to it."""
    note, visit = light.note, light.visit  # a read: through the light handles
    terms = []
    if client_id is not None:
        terms.append(note.c.client_id == client_id)
    if kind is not None:
        terms.append(note.c.kind == kind)
    if open_promises:
        terms += [note.c.kind == "promise", note.c.fulfilled_at.is_(None)]
    if visit_id is None:
        return [_note_view(n) for n in session.execute(select(note).where(*terms).order_by(note.c.at, note.c.id))]
    rows = session.execute(select(visit.c.id.label("of_visit"), note).select_from(visit)
                           .outerjoin(note, and_(note.c.visit_id == visit.c.id, *terms))
                           .where(visit.c.id == visit_id).order_by(note.c.at, note.c.id)).all()
    if not rows:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
    return [_note_view(n) for n in rows if n.id is not None]
