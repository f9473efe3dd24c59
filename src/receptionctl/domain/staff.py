"""Staff: the people who receive clients, and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func
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


def _check_roles(roles: list[str]) -> None:
    known = {r.value for r in StaffRole}
    bad = [r for r in roles if r not in known]
    if bad:
        raise BadInput(f"role {bad[0]!r} is not valid: expected one of {', '.join(sorted(known))}")


def _other_admins(session: Session, staff_id: int) -> int:
    return session.scalar(
        select(func.count(Staff.id)).join(RoleRow, RoleRow.staff_id == Staff.id)
        .where(RoleRow.role == "admin", Staff.active.is_(True), Staff.id != staff_id)
    ) or 0


def edit_staff(session: Session, actor: str, ref: str, *, name: str | None = None, dept: str | None = None,
               add_roles: list[str] = (), remove_roles: list[str] = ()) -> StaffView:
    """Change a person's name, department or roles (admin only). The last active admin keeps
    the admin role."""
    access.require(session, actor, access.STAFF_WRITE, "edit staff")
    row = find.staff(session, ref)
    _check_roles([*add_roles, *remove_roles])
    both = set(add_roles) & set(remove_roles)
    if both:
        raise BadInput(f"role {sorted(both)[0]!r} is both added and removed: expected one or the other")
    if name is None and dept is None and not add_roles and not remove_roles:
        raise BadInput("nothing to change: expected --name, --dept, --add-role or --remove-role")
    before = get_staff(session, row.username)
    roles = (set(before.roles) | set(add_roles)) - set(remove_roles)
    if "admin" in before.roles and "admin" not in roles and row.active and not _other_admins(session, row.id):
        raise Refused(f"{row.username} is the last admin and keeps the admin role",
                      hint="give another active person the admin role first")
    if not roles:
        roles = {"staff"}
    if name is not None:
        row.name = _text(name, "name")
    if dept is not None:
        row.dept = _text(dept, "department")
    for role in set(before.roles) - roles:
        session.execute(delete(RoleRow).where(RoleRow.staff_id == row.id, RoleRow.role == role))
    for role in sorted(roles - set(before.roles)):
        session.add(RoleRow(staff_id=row.id, role=role))
    session.flush()
    after = StaffView(row.id, row.username, row.name, row.dept, tuple(sorted(roles)), row.active)
    audit.record(session, actor, "staff.edit", "staff", row.id, before=before.__dict__, after=after.__dict__)
    return after


def set_active(session: Session, actor: str, ref: str, active: bool) -> StaffView:
    """Deactivate a person who left (they keep their history, cannot act, are not offered as
    owner; their open tasks need a new owner), or activate them again. Not the last admin."""
    access.require(session, actor, access.STAFF_WRITE, "activate or deactivate staff")
    row = find.staff(session, ref)
    before = get_staff(session, row.username)
    if row.active == active:
        raise Refused(f"{row.username} is already {'active' if active else 'inactive'}")
    if not active and "admin" in before.roles and not _other_admins(session, row.id):
        raise Refused(f"{row.username} is the last admin and cannot be deactivated",
                      hint="give another active person the admin role first")
    row.active = active
    session.flush()
    after = StaffView(row.id, row.username, row.name, row.dept, before.roles, active)
    audit.record(session, actor, "staff.activate" if active else "staff.deactivate", "staff", row.id,
                 before={"active": not active}, after={"active": active})
    return after
