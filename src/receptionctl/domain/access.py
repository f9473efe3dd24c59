"""Who may do what. Admin may do everything; an unknown user may only read (and run
`init` on an empty staff table)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.errors import NotAllowed
from receptionctl.store.models import Staff, StaffRole

# Roles that may do each kind of change (admin is always allowed).
CLIENT_WRITE = frozenset({"coordinator", "host", "desk"})
STAFF_WRITE = frozenset()  # admin only
REVEAL = frozenset()  # admin only
RECEPTION = frozenset({"coordinator", "host", "desk", "staff", "security"})  # who works on the day
ANY_STAFF = frozenset({"approver", "coordinator", "host", "staff", "desk", "security", "duty_manager",
                       "desk_supervisor"})


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    name: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


def find_actor(session: Session, username: str) -> Actor | None:


    rows = session.execute(
        select(Staff.id, Staff.username, Staff.name, StaffRole.role)
        .outerjoin(StaffRole, StaffRole.staff_id == Staff.id)
        .where(Staff.username == username, Staff.active.is_(True))
    ).all()
    if not rows:
        return None
    return Actor(rows[0].id, rows[0].username, rows[0].name, frozenset(r.role for r in rows if r.role))


def require(session: Session, username: str, allowed: frozenset[str] | set[str], doing: str) -> Actor:
    """The acting staff member, if they hold one of `allowed` (or admin); else exit 4."""
    actor = find_actor(session, username)
    if actor is None:
        raise NotAllowed(
            f"{username!r} is not on the staff list, so cannot {doing}",
            hint="act as a registered user with --as, or ask an admin to run `receptionctl staff add`",
        )
    if not actor.has(*allowed):
        needed = ", ".join(sorted({"admin", *allowed}))
        raise NotAllowed(
            f"{username} cannot {doing}: needs the role {needed}; has {', '.join(sorted(actor.roles)) or 'none'}"
        )
    return actor
