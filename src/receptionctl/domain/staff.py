"""Staff: the people who receive clients, and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.domain import access, audit, clock, find
from receptionctl.domain.vocab import StaffRole, check_username
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.store.models import Staff
from receptionctl.store.models import StaffRole as RoleRow


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    name: str
    dept: str
    roles: tuple[str, ...]
    active: bool


def _text(value: str, what: str, limit: int = 200) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise BadInput(f"{what} {value!r} is not valid: expected 1 to {limit} characters")
    return value


def add_staff(
    session: Session, actor: str, username: str, name: str, dept: str, roles: list[str]
) -> StaffView:


    access.require(session, actor, access.STAFF_WRITE, "add staff")
    check_username(username)
    known = {r.value for r in StaffRole}
    bad = [r for r in roles if r not in known]
    if bad:
        raise BadInput(f"role {bad[0]!r} is not valid: expected one of {', '.join(sorted(known))}")
    if not roles:
        roles = ["staff"]
    if session.scalar(select(Staff.id).where(Staff.username == username)) is not None:
        raise Refused(f"staff member {username!r} already exists")
    row = Staff(
        username=username,
        name=_text(name, "name"),
        dept=_text(dept, "department"),
        active=True,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    for role in sorted(set(roles)):
        session.add(RoleRow(staff_id=row.id, role=role))
    view = StaffView(row.id, row.username, row.name, row.dept, tuple(sorted(set(roles))), True)
    audit.record(session, actor, "staff.add", "staff", row.id, after=view.__dict__)
    return view


def list_staff(session: Session, usernames: list[str] | None = None) -> list[StaffView]:
    """Staff members with their roles (only `usernames` when given), in one query."""
    q = select(Staff, RoleRow.role).outerjoin(RoleRow, RoleRow.staff_id == Staff.id)
    if usernames is not None:
        q = q.where(Staff.username.in_(usernames))
    views: dict[int, tuple] = {}
    for staff, role in session.execute(q.order_by(Staff.username, RoleRow.role)).all():
        entry = views.setdefault(staff.id, (staff, []))
        if role:
            entry[1].append(role)
    return [StaffView(s.id, s.username, s.name, s.dept, tuple(r), s.active) for s, r in views.values()]


def get_staff(session: Session, ref: str) -> StaffView:
    """A staff member by username, id, name, or a unique part of one."""
    return list_staff(session, [find.staff(session, ref).username])[0]
