"""What comes next in a loop (the visit's, a case's): the read model each loop's `next_step`
returns, and the people who may take a step by their staff role.

The command line shows a NextStep as one line after a step's confirmation ("Waiting for
approval: approver Zhou Min — receptionctl plan approve 2"); it is never part of the JSON. A leaf:
it imports the store and nothing of the domain above it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import select

from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_NAMED = 3  # when several people may act, the hint names this many


@dataclass(frozen=True)
class Person:
    """Someone who may take the next step, and the role they take it in (a staff role, a visit
    role, or `owner`: the owner of a case)."""

    username: str
    name: str
    role: str


@dataclass(frozen=True)
class NextStep:
    """What comes next and who does it.

    `step` says what (`plan.approve`, `visit.callback`, `case.review` ...: render/steps.py has
    the words of each); `who` names up to MAX_NAMED of the people who may do it, `more` how many
    others may; `role` is the role that does it when nobody holds it (`who` empty); `command`
    is the command line after `receptionctl`, its upper-case words (NAME, TEXT, USER, WHEN,
    AMOUNT, INCIDENT) to be filled in (render/steps.py shows them in the run's language). `due_at`, `count`, `title`/`title_zh` (a task's) and `subject` (the visit or case
    id) give the words their details."""

    step: str
    who: tuple[Person, ...] = ()
    more: int = 0
    role: str | None = None
    command: tuple[str, ...] = ()
    due_at: datetime | None = None
    count: int | None = None
    title: str | None = None
    title_zh: str | None = None
    subject: int | None = None


def people_with(session: Session, roles: Iterable[str], *, but: Iterable[str] = ()) -> list[Person]:
    """The active staff holding one of `roles`, by role (in the order given) then name; each
    person once, in the first of the roles they hold. `but`: usernames left out (the one who
    submitted a plan does not approve it)."""
    roles = list(roles)
    if not roles:
        return []
    skip = set(but)
    staff, held = light.staff, light.staff_role
    rows = session.execute(
        select(staff.c.username, staff.c.name, held.c.role).join(held, held.c.staff_id == staff.c.id)
        .where(staff.c.active.is_(True), held.c.role.in_(roles)).order_by(staff.c.name, staff.c.username))
    found: dict[str, Person] = {}
    for username, name, role in sorted(rows, key=lambda r: roles.index(r.role)):
        if username not in skip and username not in found:
            found[username] = Person(username, name or username, role)
    return list(found.values())


def named(people: Iterable[Person]) -> tuple[tuple[Person, ...], int]:
    """The people to name (each once, at most MAX_NAMED) and how many more there are."""
    seen: dict[str, Person] = {}
    for p in people:
        seen.setdefault(p.username, p)
    listed = list(seen.values())
    return tuple(listed[:MAX_NAMED]), max(0, len(listed) - MAX_NAMED)
