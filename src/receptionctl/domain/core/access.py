"""Who may do what. Admin may do everything; an unknown user may only read (and run
`init` on an empty staff table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.errors import BadInput, NotAllowed, Refused, StorageError
from receptionctl.i18n import _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Read through the light handles (store/light.py): every command establishes who acts,
# and a read must not build the table classes for it.
staff, staff_role, policy = light.staff, light.staff_role, light.policy

# Roles that may do each kind of change (admin is always allowed).
CLIENT_WRITE = frozenset({"coordinator", "host", "desk"})
STAFF_WRITE = frozenset()  # admin only
REVEAL = frozenset()  # admin only
RECEPTION = frozenset({"coordinator", "host", "desk", "staff", "security"})  # who works on the day
ANY_STAFF = frozenset({"approver", "coordinator", "host", "staff", "desk", "security", "duty_manager",
                       "desk_supervisor"})
# who may see a complaint about a member of staff (and admin); never the person it is about
SEE_STAFF_COMPLAINTS = frozenset({"duty_manager", "approver"})


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
        select(staff.c.id, staff.c.username, staff.c.name, staff_role.c.role)
        .outerjoin(staff_role, staff_role.c.staff_id == staff.c.id)
        .where(staff.c.username == username, staff.c.active.is_(True))
    ).all()
    if not rows:
        return None
    return Actor(rows[0].id, rows[0].username, rows[0].name, frozenset(r.role for r in rows if r.role))


def sees_staff_complaints(session: Session, actor: str | None) -> bool:
    """Duty managers, approvers and admins (and the tool itself, actor None)."""
    if actor is None:
        return True
    who = find_actor(session, actor)
    return who is not None and who.has(*SEE_STAFF_COMPLAINTS)


def refuse_inactive(session: Session, username: str, doing: str) -> None:
    """When `username` is on the staff list but deactivated: exit 4, saying so (not "not on the
    staff list"). `doing` is an English message id (marked N_() by the caller)."""
    inactive = session.scalar(select(staff.c.id).where(staff.c.username == username, staff.c.active.is_(False)))
    if inactive is not None:
        raise NotAllowed(_("{user!r} is inactive (deactivated), so cannot {doing}").format(user=username,
                                                                                          doing=_(doing)),
                         hint=_("an admin lets them act again: `receptionctl staff activate {user}`").format(
                             user=username))


def require(session: Session, username: str, allowed: frozenset[str] | set[str], doing: str) -> Actor:
    """The acting staff member, if they hold one of `allowed` (or admin); else exit 4. `doing`
    is an English message id (marked N_() by the caller), translated here."""
    actor = find_actor(session, username)
    if actor is None:
        refuse_inactive(session, username, doing)
        raise NotAllowed(
            _("{user!r} is not on the staff list, so cannot {doing}").format(user=username, doing=_(doing)),
            hint=_("act as a registered user with --as, or ask an admin to run `receptionctl staff add`"),
        )
    if not actor.has(*allowed):
        needed = _(", ").join(code(r, "role") for r in sorted({"admin", *allowed}))
        has = _(", ").join(code(r, "role") for r in sorted(actor.roles)) or _("none")
        raise NotAllowed(
            _("{user} cannot {doing}: needs the role {needed}; has {has}").format(user=username, doing=_(doing),
                                                                                 needed=needed, has=has)
        )
    return actor


# -- identity (issue 18): who really acts ---------------------------------------------------------
IDENTITY_MODES = ("declared", "os", "db")
OS_LOGIN = "receptionctl.os_login"  # session.info: the operating-system login (the cli puts it there)
ON_BEHALF = "receptionctl.on_behalf"  # session.info: (declared user, the admin behind): audit.record reads it


@dataclass(frozen=True)
class Identity:
    actor: str  # whom the command acts as: their roles are checked
    real: str | None = None  # the admin behind it, when they act on behalf of `actor`
    login: str | None = None  # the login it was established from (modes os and db)
    mode: str = "declared"


def identity_mode(session: Session) -> str:
    """The policy's `identity` (default declared); a value edited by hand into nonsense stops
    every command (failing open would let anyone be anyone)."""
    stored = session.scalar(select(policy.c.value).where(policy.c.key == "identity"))
    value = (stored or "declared").strip().lower()
    if value not in IDENTITY_MODES:
        raise StorageError(_("policy identity is {value!r}: expected one of {modes}").format(
            value=stored, modes=", ".join(IDENTITY_MODES)))
    return value


def database_login(session: Session) -> str | None:
    """The login the database knows this connection by (PostgreSQL's current_user); None on SQLite."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":
        return None
    return session.scalar(text("SELECT current_user"))


def _mapped(session: Session, login: str, by_username: bool) -> Actor | None:
    """The active staff member whose db_login is `login` (else, with `by_username`, whose username is)."""
    username = session.scalar(select(staff.c.username).where(staff.c.db_login == login, staff.c.active.is_(True)))
    if username is None and by_username:
        username = login
    return find_actor(session, username) if username is not None else None


def establish(session: Session, declared: str | None, os_login: str) -> Identity:
    """Who acts, by the policy's `identity`:
    - declared: `declared` (or the login name) at its word;
    - os: the operating-system login, mapped to a staff member (db_login, else username);
    - db: the database login (PostgreSQL), mapped by db_login.
    Under os and db, a `declared` user other than the login's is refused (exit 4) unless the
    login's staff member is an admin: then the command acts as `declared`, on their behalf."""
    mode = identity_mode(session)
    if mode == "declared":
        return Identity(declared or os_login)
    if mode == "db":
        login = database_login(session)
        if login is None:
            raise StorageError(_("policy identity is db, but a SQLite file has no database logins"),
                               hint=_("an admin sets the policy identity to os or declared"))
        real = _mapped(session, login, by_username=False)
        what = _("database login {login}").format(login=login)
    else:
        login = os_login
        real = _mapped(session, login, by_username=True)
        what = _("login {login}").format(login=login)
    if real is None:
        if declared and declared != login:
            raise NotAllowed(_("{what} is not a staff member's, so cannot act as {user}").format(what=what, user=declared),
                             hint=_("an admin maps a login to a staff member: `receptionctl staff edit USER --db-login "
                                    "LOGIN`"))
        return Identity(login, None, login, mode)  # nobody's: may read only, as an unknown user
    if declared is None or declared == real.username:
        return Identity(real.username, None, login, mode)
    if "admin" not in real.roles:
        raise NotAllowed(_("{user} ({what}) is not an admin, so cannot act as {declared}").format(
            user=real.username, what=what, declared=declared),
            hint=_("act as yourself: drop --as and RECEPTIONCTL_USER"))
    return Identity(declared, real.username, login, mode)


def check_identity_mode(session: Session, mode: str) -> None:
    """Before the policy changes to `mode`: it must work here, and the admin setting it must
    still be an admin under it (nobody is locked out)."""
    if mode == "declared":
        return
    if mode == "db":
        login = database_login(session)
        if login is None:
            raise BadInput(_("policy identity cannot be db on a SQLite file (it has no database logins): "
                             "expected declared or os"))
        real = _mapped(session, login, by_username=False)
    else:
        login = session.info.get(OS_LOGIN) or ""
        real = _mapped(session, login, by_username=True) if login else None
    if real is None or "admin" not in real.roles:
        raise Refused(_("policy identity cannot be {mode} yet: the login {login} is not an admin's, so no admin "
                        "could act afterwards").format(mode=mode, login=login),
                      hint=_("first map your login to your staff record: `receptionctl staff edit USER --db-login "
                             "LOGIN`"))
