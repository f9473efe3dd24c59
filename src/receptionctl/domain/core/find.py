"""Find a client or a staff member by what people remember: the id, the exact name, or a
unique case-insensitive prefix or substring. Several matches exit 2 listing them; none
exits 3 with the nearest names ("did you mean …", difflib). The filtering is SQL: only
the failure path reads every name, to suggest some.

Each lookup runs on the light handles (store/light.py) and gives a read-only row
(`client_row`, `staff_row`), or the table class's object for a caller that changes it
(`client`, `staff`): the same search either way."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, or_, select

from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_ID = re.compile(r"[0-9]{1,9}")
SHOWN = 8  # candidates named in an "ambiguous" error


def _like(text: str) -> str:
    """A LIKE pattern body with its wildcards escaped (escape character `\\`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _clean(ref: str) -> str:
    return " ".join((ref or "").split())


def _choose(ref: str, exact: list, prefix: list, inside: list, what: str, label, hint: str):
    for found in (exact, prefix, inside):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = _(", ").join(label(r) for r in found[:SHOWN]) + (" …" if len(found) > SHOWN else "")
            raise BadInput(_("{what} {ref!r} is ambiguous: it matches {names}").format(what=what, ref=ref, names=names),
                           hint=_("give more of the name, or the id; {hint}").format(hint=hint))
    return None


def _not_found(ref: str, what: str, names: list[str], hint: str) -> NotFound:
    near = difflib.get_close_matches(ref.casefold(), [n.casefold() for n in names], n=3, cutoff=0.6)
    by_key = {n.casefold(): n for n in names}
    if near:
        return NotFound(_("no {what} {ref!r}: did you mean {names}?").format(
            what=what, ref=ref, names=_(" or ").join(repr(by_key[n]) for n in near)), hint=hint)
    return NotFound(_("no {what} {ref!r}").format(what=what, ref=ref), hint=hint)


class _Kind:
    """Where a lookup reads: the table class (its objects, for a caller that changes them) or
    the light handle (read-only rows). Both have the same columns and attribute names."""

    def __init__(self, entity, columns, orm: bool) -> None:
        self.entity, self.c, self.orm = entity, columns, orm

    def all(self, session: Session, q) -> list:
        return list(session.scalars(q)) if self.orm else list(session.execute(q))

    def get(self, session: Session, row_id: int):
        if self.orm:
            return session.get(self.entity, row_id)
        return session.execute(select(self.entity).where(self.c.id == row_id)).first()


def client(session: Session, ref: str):
    """The client (the table class's object) named by `ref`: see client_row."""
    from receptionctl.store.tables.common import Client

    return _client(session, ref, _Kind(Client, Client, True))


def client_row(session: Session, ref: str):
    """The client row named by `ref`: its id, its exact name, or a unique prefix or substring
    of it (case-insensitive). A read-only row of the light handle."""
    return _client(session, ref, _Kind(light.client, light.client.c, False))


def _client(session: Session, ref: str, kind: _Kind):
    ref = _clean(ref)
    hint = _("see `receptionctl client list`")
    if not ref:
        raise BadInput(_("client '' is not valid: expected a client id or name"))
    c = kind.c
    if _ID.fullmatch(ref):
        row = kind.get(session, int(ref))
        if row is not None:
            return row
    key = ref.casefold()
    exact = kind.all(session, select(kind.entity).where(c.name_key == key))
    if not exact:
        pattern = _like(key)
        found = kind.all(session, select(kind.entity).where(c.name_key.like(f"%{pattern}%", escape="\\"))
                         .order_by(c.name_key).limit(50))
        prefix = [r for r in found if r.name_key.startswith(key)]
        row = _choose(ref, [], prefix, found, _("client"), lambda r: f"{r.name} ({r.id})", hint)
    else:
        row = exact[0]
    if row is None:
        names = list(session.scalars(select(c.name)))
        raise _not_found(ref, _("client"), names, hint)
    return row


def staff(session: Session, ref: str, what: str = "staff member", *, active_only: bool = False):
    """The staff member (the table class's object) named by `ref`: see staff_row."""
    from receptionctl.store.tables.common import Staff

    return _staff(session, ref, what, active_only, _Kind(Staff, Staff, True))


def staff_row(session: Session, ref: str, what: str = "staff member", *, active_only: bool = False):
    """The staff row named by `ref`: the username, the id, the full name, or a unique prefix or
    substring of the username or the name (case-insensitive). `active_only`: an inactive
    person is refused (exit 1), named. `what` is an English message id (marked N_() by the
    caller), translated here. A read-only row of the light handle."""
    return _staff(session, ref, what, active_only, _Kind(light.staff, light.staff.c, False))


def _staff(session: Session, ref: str, what: str, active_only: bool, kind: _Kind):
    Staff, entity = kind.c, kind.entity
    ref = _clean(ref)
    label_what = _(what) if what == N_("staff member") else _("staff member for {what}").format(what=_(what))
    hint = _("see `receptionctl staff list`")
    if not ref:
        raise BadInput(_("{what} '' is not valid: expected a username or a name").format(what=label_what))
    found_one = kind.all(session, select(entity).where(Staff.username == ref).limit(1))
    row = found_one[0] if found_one else None
    if row is None and _ID.fullmatch(ref):
        row = kind.get(session, int(ref))
    if row is None:
        key = ref.casefold()
        uname, name = func.lower(Staff.username), func.lower(Staff.name)
        exact = kind.all(session, select(entity).where(or_(uname == key, name == key)).order_by(Staff.username))
        # lower() in SQL folds ASCII only on SQLite: compare the rest here, on the few rows LIKE kept
        pattern = f"%{_like(key)}%"
        found = [] if exact else [
            r for r in kind.all(session, select(entity).where(or_(uname.like(pattern, escape="\\"),
                                                                name.like(pattern, escape="\\")))
                                       .order_by(Staff.username).limit(50))
            if key in r.username.casefold() or key in r.name.casefold()
        ]
        if not exact and not found and not key.isascii():
            # SQL's lower() folds ASCII letters only ("Émile" is not "émile" to it): a staff
            # list is short, so the names are folded here, on this failure path only
            everyone = kind.all(session, select(entity).order_by(Staff.username))
            exact = [r for r in everyone if key in (r.username.casefold(), r.name.casefold())]
            found = [r for r in everyone if key in r.username.casefold() or key in r.name.casefold()]
        prefix = [r for r in found if r.username.casefold().startswith(key) or r.name.casefold().startswith(key)]
        row = _choose(ref, exact, prefix, found, label_what, lambda r: f"{r.username} ({r.name})", hint)
    if row is None:
        people = session.execute(select(Staff.username, Staff.name)).all()
        raise _not_found(ref, label_what, [p for u, n in people for p in (u, n)], hint)
    if active_only and not row.active:
        raise Refused(_("{user} ({name}) is inactive and cannot be {what}").format(user=row.username, name=row.name,
                                                                                   what=_(what)),
                      hint=_("choose an active person, or ask an admin to run `receptionctl staff activate`"))
    return row


def complete(session: Session, kind: str, incomplete: str, limit: int = 50) -> list[tuple[str, str]]:
    """Shell completion: (value, help) pairs for what has been typed so far. `kind`: client
    (names), user (usernames of active staff), visit (ids of visits not closed or cancelled)."""
    typed = (incomplete or "").casefold()
    pattern = f"{_like(typed)}%"
    if kind == "client":
        rows = session.execute(select(light.client.c.name, light.client.c.tier).where(light.client.c.name_key.like(pattern, escape="\\"))
                               .order_by(light.client.c.name_key).limit(limit))
        return [(name, tier) for name, tier in rows]
    if kind == "user":
        rows = session.execute(select(light.staff.c.username, light.staff.c.name).where(
            light.staff.c.active.is_(True), func.lower(light.staff.c.username).like(pattern, escape="\\"))
            .order_by(light.staff.c.username).limit(limit))
        return [(u, n) for u, n in rows]
    if kind == "visit":
        rows = session.execute(
            select(light.visit.c.id, light.client.c.name, light.visit.c.starts_at).join(light.client, light.client.c.id == light.visit.c.client_id)
            .where(light.visit.c.status.not_in(("closed", "cancelled")), cast(light.visit.c.id, String).like(pattern, escape="\\"))
            .order_by(light.visit.c.starts_at.desc()).limit(limit))
        return [(str(i), f"{name}, {at:%Y-%m-%d}") for i, name, at in rows]
    raise ValueError(f"unknown completion {kind!r}")
