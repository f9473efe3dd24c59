"""Passwords and signing in (issue 27): the web front desk's logins over the staff list.

A password is kept only as its Argon2 hash (argon2-cffi's PasswordHasher), never in clear,
never in the audit log. A person sets their own; an admin sets anyone's, and with `reset` the
person must choose a new one at their next sign-in. Every change of password, and every
sign-out, moves the person's session version on: a signed cookie carries the version it was
made with, so the sessions signed before stop working.

`check_login` answers every refusal (no such user, wrong password, inactive, locked, no password
set) with the same result, so that a caller cannot tell them apart; the audit log knows why.
`policy login_max_failures` failures in a row lock the login for `login_lock_minutes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.vocab import StaffRole, check_username
from receptionctl.errors import BadInput, NotAllowed
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# reads through the light handles (store/light.py); the writes import their table class inside
staff_t, login_t = light.staff, light.staff_login

MAX_LENGTH = 1024  # longer is not a password but a mistake (or an attempt to make the hash slow)


def hasher():
    """argon2-cffi's hasher, with its (RFC 9106) defaults."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@dataclass(frozen=True)
class PasswordSet:
    username: str
    must_change: bool  # they must choose a new one at their next sign-in
    set_at: object


@dataclass(frozen=True)
class LoginCheck:
    """The answer to a sign-in: `ok`, and then who and the version of their sessions."""

    ok: bool
    username: str | None = None
    name: str | None = None
    must_change: bool = False
    version: int = 0


REFUSED = LoginCheck(False)


def _login(session: Session, staff_id: int):
    """The person's login row, made when they have none: the ORM object, to change."""
    from receptionctl.store.tables.logins import StaffLogin

    row = session.get(StaffLogin, staff_id)
    if row is None:
        row = StaffLogin(staff_id=staff_id, must_change=False, failures=0, session_version=0)
        session.add(row)
    return row


def check_password(session: Session, password: str) -> str:
    """A new password: policy password_min_length characters or more, at most MAX_LENGTH, not blank."""
    least = policy.load(session)["password_min_length"]
    if not isinstance(password, str) or not password.strip() or not least <= len(password) <= MAX_LENGTH:
        raise BadInput(_("the password is not valid: expected {least} to {most} characters").format(
            least=least, most=MAX_LENGTH))
    return password


def set_password(session: Session, actor: str, ref: str, password: str, *, reset: bool = False) -> PasswordSet:
    """Set `ref`'s password. A person sets their own; an admin anyone's. `reset` (an admin's):
    the person must choose a new password at their next sign-in. Their sessions end."""
    me = access.require(session, actor, frozenset(r.value for r in StaffRole), N_("set a password"))
    person = find.staff(session, ref)
    if reset or person.id != me.id:
        access.require(session, actor, access.STAFF_WRITE, N_("set another person's password"))
    check_password(session, password)
    row = _login(session, person.id)
    if row.must_change and person.id == me.id and row.password_hash and _matches(row.password_hash, password):
        raise BadInput(_("the new password is the one to be changed: expected a different one"))
    now = clock.now()
    row.password_hash = hasher().hash(password)
    row.password_set_at = now
    row.must_change = bool(reset)
    row.failures = 0
    row.locked_until = None
    row.session_version = (row.session_version or 0) + 1
    session.flush()
    audit.record(session, actor, "staff.password_reset" if reset else "staff.password", "staff", person.id,
                 after={"username": person.username, "must_change": bool(reset)})
    return PasswordSet(person.username, bool(reset), now)


def _matches(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []  # a hash to verify against when there is none, so that a refusal takes as long


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hasher().hash("not a password of anyone's"))
    return _DUMMY[0]


def _refuse(session: Session, who: str, staff_id: int | None, reason: str) -> LoginCheck:
    audit.record(session, who, "login.fail", "staff", staff_id, after={"username": who, "reason": reason})
    return REFUSED


def check_login(session: Session, username: str, password: str) -> LoginCheck:
    """A sign-in attempt, written in the caller's write session whatever the answer (the
    failures count and the audit must stay when it is refused): LoginCheck(ok=True, ...) or
    REFUSED, the same for every reason."""
    from receptionctl.store.tables.logins import StaffLogin

    try:
        who = check_username((username or "").strip())
    except BadInput:
        who = None
    staff = session.execute(select(staff_t).where(staff_t.c.username == who)).first() if who else None
    row = session.get(StaffLogin, staff.id) if staff is not None else None
    if staff is None or row is None or not row.password_hash:
        _matches(_dummy_hash(), password or "")
        return _refuse(session, who or "unknown", staff.id if staff else None,
                       "unknown" if staff is None else "no-password")
    now = clock.now()
    if row.locked_until is not None and row.locked_until > now:
        _matches(_dummy_hash(), password or "")
        return _refuse(session, who, staff.id, "locked")
    if not _matches(row.password_hash, password or ""):
        return _failed(session, staff, row, now)
    if not staff.active:
        return _refuse(session, who, staff.id, "inactive")
    row.failures, row.locked_until = 0, None
    if hasher().check_needs_rehash(row.password_hash):
        row.password_hash = hasher().hash(password)
    session.flush()
    audit.record(session, who, "login.ok", "staff", staff.id, after={"must_change": row.must_change})
    return LoginCheck(True, staff.username, staff.name, row.must_change, row.session_version)


def _failed(session: Session, staff, row, now) -> LoginCheck:
    """A wrong password: counted; the policy's login_max_failures in a row lock the login."""
    rules = policy.load(session)
    row.failures = (row.failures or 0) + 1
    _refuse(session, staff.username, staff.id, "password")
    if row.failures >= rules["login_max_failures"]:
        row.locked_until = now + timedelta(minutes=rules["login_lock_minutes"])
        audit.record(session, staff.username, "login.lock", "staff", staff.id,
                     after={"failures": row.failures, "locked_until": row.locked_until})
        row.failures = 0
    session.flush()
    return REFUSED


def signed_in(session: Session, username: str, version: int) -> LoginCheck:
    """Whether a session made for `username` at `version` still stands: they are active, and
    neither a password change, a reset nor a sign-out has moved their version on since."""
    row = session.execute(
        select(staff_t.c.username, staff_t.c.name, login_t.c.password_hash, login_t.c.must_change,
               login_t.c.session_version).join(login_t, login_t.c.staff_id == staff_t.c.id)
        .where(staff_t.c.username == username, staff_t.c.active.is_(True))).first()
    if row is None or not row.password_hash or row.session_version != version:
        return REFUSED
    return LoginCheck(True, row.username, row.name, row.must_change, row.session_version)


def sign_out(session: Session, actor: str) -> None:
    """The person signs out: every session of theirs ends (their version moves on); audited."""
    from receptionctl.store.tables.logins import StaffLogin

    staff = session.execute(select(staff_t.c.id).where(staff_t.c.username == actor)).first()
    row = session.get(StaffLogin, staff.id) if staff is not None else None
    if row is None:
        raise NotAllowed(_("{user!r} is not signed in").format(user=actor))
    row.session_version = (row.session_version or 0) + 1
    session.flush()
    audit.record(session, actor, "logout", "staff", staff.id)
