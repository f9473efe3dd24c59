"""Staff: the people who receive clients, and their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from receptionctl import reasons
from receptionctl.domain.core import access, audit, clock, find, notify, policy
from receptionctl.domain.core.vocab import StaffRole, check_username
from receptionctl.errors import BadInput, Refused
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    name: str
    dept: str
    roles: tuple[str, ...]
    active: bool
    notify: str | None = None  # their own notification channel (an Apprise URL), masked
    db_login: str | None = None  # the database login that is theirs (policy identity db; issue 18)
    email: str | None = None  # their own e-mail address (issue 30): calendars name them by it


_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\.][^@\s<>,;:\"()\[\]\\]*")


def check_email(value: str) -> str:
    """A person's e-mail address (name@example.com, at most 320 characters); "" clears it.
    Bad input (exit 2) naming it otherwise."""
    text = value.strip()
    if text and (len(text) > 320 or not _EMAIL.fullmatch(text) or text.endswith(".")):
        raise BadInput(_("{value!r} is not an e-mail address: expected name@example.com").format(value=value))
    return text


def _text(value: str, what: str, limit: int = 200) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise BadInput(_("{what} {value!r} is not valid: expected 1 to {limit} characters").format(
            what=_(what), value=value, limit=limit))
    return value


def add_staff(
    session: Session, actor: str, username: str, name: str, dept: str, roles: list[str], email: str | None = None
) -> StaffView:
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.common import StaffRole as RoleRow

    access.require(session, actor, access.STAFF_WRITE, N_("add staff"))
    check_username(username)
    _check_roles(roles)
    email = check_email(email) or None if email is not None else None
    if not roles:
        roles = ["staff"]
    if session.scalar(select(Staff.id).where(Staff.username == username)) is not None:
        raise Refused(_("staff member {user!r} already exists").format(user=username))
    row = Staff(
        username=username,
        name=_text(name, N_("name")),
        dept=_text(dept, N_("department")),
        active=True,
        created_at=clock.now(),
        email=email,
    )
    session.add(row)
    session.flush()
    for role in sorted(set(roles)):
        session.add(RoleRow(staff_id=row.id, role=role))
    view = StaffView(row.id, row.username, row.name, row.dept, tuple(sorted(set(roles))), True, email=email)
    audit.record(session, actor, "staff.add", "staff", row.id, after=view.__dict__)
    return view


def list_staff(session: Session, usernames: list[str] | None = None) -> list[StaffView]:
    """Staff members with their roles (only `usernames` when given), in one query."""
    staff, held = light.staff, light.staff_role  # a read: through the light handles
    q = select(staff, held.c.role).outerjoin(held, held.c.staff_id == staff.c.id)
    if usernames is not None:
        q = q.where(staff.c.username.in_(usernames))
    views: dict[int, tuple] = {}
    for row in session.execute(q.order_by(staff.c.username, held.c.role)).all():
        role = row.role
        entry = views.setdefault(row.id, (row, []))
        if role:
            entry[1].append(role)
    return [StaffView(s.id, s.username, s.name, s.dept, tuple(r), s.active, notify.mask(s.notify_url), s.db_login,
                      s.email) for s, r in views.values()]


def get_staff(session: Session, ref: str) -> StaffView:
    """A staff member by username, id, name, or a unique part of one."""
    return list_staff(session, [find.staff(session, ref).username])[0]


def _check_roles(roles: list[str]) -> None:
    known = {r.value for r in StaffRole}
    bad = [r for r in roles if r not in known]
    if bad:
        raise BadInput(_("role {role!r} is not valid: expected one of {choices}").format(
            role=bad[0], choices=", ".join(sorted(known))))


def _other_admins(session: Session, staff_id: int) -> int:
    staff, held = light.staff, light.staff_role
    return session.scalar(
        select(func.count(staff.c.id)).join(held, held.c.staff_id == staff.c.id)
        .where(held.c.role == "admin", staff.c.active.is_(True), staff.c.id != staff_id)
    ) or 0


def _checked(session: Session, row, notify_url: str | None, db_login: str | None,
             email: str | None) -> tuple[str | None, str | None, str | None]:
    """The channel, the database login and the e-mail address of `staff edit`, checked (None: unchanged)."""
    if email is not None:
        email = check_email(email)
    if db_login:
        db_login = check_username(db_login.strip(), N_("database login"))
        staff = light.staff
        holder = session.scalar(select(staff.c.username).where(staff.c.db_login == db_login, staff.c.id != row.id))
        if holder is not None:
            raise Refused(_("database login {login} is already {user}'s: expected one login per person").format(
                login=db_login, user=holder))
    if notify_url:
        notify_url = notify_url.strip()
        problem = policy.channel_problem(notify_url)
        if problem:
            raise BadInput(_("notification channel {url!r} is not a URL Apprise can use: {problem}").format(
                url=notify.mask(notify_url), problem=reasons.channel(problem)), hint=_("see Apprise's URL syntax: "
                                                                      "https://github.com/caronc/apprise/wiki"))
    return notify_url, db_login, email


def edit_staff(session: Session, actor: str, ref: str, *, name: str | None = None, dept: str | None = None,
               add_roles: list[str] = (), remove_roles: list[str] = (), notify_url: str | None = None,
               db_login: str | None = None, email: str | None = None) -> StaffView:
    """Change a person's name, department, roles, notification channel (an Apprise URL that
    Apprise can parse; "" clears it) or e-mail address ("" clears it) (admin only). The last
    active admin keeps the admin role."""
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.common import StaffRole as RoleRow

    access.require(session, actor, access.STAFF_WRITE, N_("edit staff"))
    row = session.get(Staff, find.staff(session, ref).id)  # the ORM object, to change
    _check_roles([*add_roles, *remove_roles])
    both = set(add_roles) & set(remove_roles)
    if both:
        raise BadInput(_("role {role!r} is both added and removed: expected one or the other").format(
            role=sorted(both)[0]))
    if (name is None and dept is None and not add_roles and not remove_roles and notify_url is None
            and db_login is None and email is None):
        raise BadInput(_("nothing to change: expected --name, --dept, --add-role, --remove-role, --notify, "
                         "--db-login or --email"))
    notify_url, db_login, email = _checked(session, row, notify_url, db_login, email)
    before = get_staff(session, row.username)
    roles = (set(before.roles) | set(add_roles)) - set(remove_roles)
    if "admin" in before.roles and "admin" not in roles and row.active and not _other_admins(session, row.id):
        raise Refused(_("{user} is the last admin and keeps the admin role").format(user=row.username),
                      hint=_("give another active person the admin role first"))
    if not roles:
        roles = {"staff"}
    if name is not None:
        row.name = _text(name, N_("name"))
    if dept is not None:
        row.dept = _text(dept, N_("department"))
    if notify_url is not None:
        row.notify_url = notify_url or None
    if db_login is not None:
        row.db_login = db_login or None
    if email is not None:
        row.email = email or None
    for role in set(before.roles) - roles:
        session.execute(delete(RoleRow).where(RoleRow.staff_id == row.id, RoleRow.role == role))
    for role in sorted(roles - set(before.roles)):
        session.add(RoleRow(staff_id=row.id, role=role))
    session.flush()
    after = StaffView(row.id, row.username, row.name, row.dept, tuple(sorted(roles)), row.active,
                      notify.mask(row.notify_url), row.db_login, row.email)
    audit.record(session, actor, "staff.edit", "staff", row.id, before=before.__dict__, after=after.__dict__)
    return after


def set_active(session: Session, actor: str, ref: str, active: bool) -> StaffView:
    """Deactivate a person who left (they keep their history, cannot act, are not offered as
    owner; their open tasks need a new owner), or activate them again. Not the last admin."""
    from receptionctl.store.tables.common import Staff

    access.require(session, actor, access.STAFF_WRITE, N_("activate or deactivate staff"))
    row = session.get(Staff, find.staff(session, ref).id)  # the ORM object, to change
    before = get_staff(session, row.username)
    if row.active == active:
        raise Refused((_("{user} is already active") if active else _("{user} is already inactive")).format(
            user=row.username))
    if not active and "admin" in before.roles and not _other_admins(session, row.id):
        raise Refused(_("{user} is the last admin and cannot be deactivated").format(user=row.username),
                      hint=_("give another active person the admin role first"))
    row.active = active
    session.flush()
    after = StaffView(row.id, row.username, row.name, row.dept, before.roles, active, before.notify, before.db_login,
                      before.email)
    audit.record(session, actor, "staff.activate" if active else "staff.deactivate", "staff", row.id,
                 before={"active": not active}, after={"active": active})
    return after
