"""`init`: what a new (or upgraded) database is given besides its schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from sqlmodel import select

from receptionctl.domain.core import access, audit, clock, dbid
from receptionctl.domain.core.policy import SETTINGS, to_text
from receptionctl.domain.core.policyedit import set_value
from receptionctl.domain.core.secrets import KEY_CHECK, Cipher
from receptionctl.domain.core.vocab import check_username
from receptionctl.domain.engine import adopt_orphans, seed_default
from receptionctl.errors import BadInput, NotAllowed
from receptionctl.i18n import N_, _
from receptionctl.store.tables.common import Meta, Policy, ProcedureVersion, Staff, StaffRole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class InitResult:
    created: bool = False  # the schema was made from nothing
    upgraded_from: str | None = None
    revision: str | None = None
    policy_added: tuple[str, ...] = ()
    admin_registered: str | None = None
    key_checked: bool = False
    key_missing: bool = False
    procedure_loaded: bool = False
    identity: str | None = None  # the policy identity chosen for a new database
    identity_login: str | None = None  # the login the first admin was mapped to (os, db)


def missing_procedure(session: Session) -> bool:


    return session.scalars(select(ProcedureVersion.id).limit(1)).first() is None


def missing_policy(session: Session) -> list[str]:


    have = set(session.scalars(select(Policy.key)))
    return [key for key in SETTINGS if key not in have]


def has_staff(session: Session) -> bool:


    return session.scalars(select(Staff.id).limit(1)).first() is not None


def check_upgrade_allowed(session: Session, actor: str, schema_pending: bool) -> None:
    """Once staff exist, only an admin may change the schema or add policy rows."""

    if not has_staff(session) or not (schema_pending or missing_policy(session) or missing_procedure(session)):
        return
    who = access.find_actor(session, actor)
    if who is None or not who.has():
        raise NotAllowed(_("{user!r} cannot upgrade this database: only an admin can").format(user=actor),
                         hint=_("run it with --as ADMIN_USERNAME"))


def seed_policy(session: Session, actor: str, result: InitResult) -> None:
    """Policy rows, the database's id, and the default procedure when none is loaded (for `db
    migrate` too)."""
    _seed_policy(session, actor, result)
    dbid.ensure(session)

    if seed_default(session, actor) is not None:
        result.procedure_loaded = True
    adopt_orphans(session, actor)


def _seed_policy(session: Session, actor: str, result: InitResult) -> None:
    """A row for every policy setting that has none, with its default (audited)."""

    now = clock.now()
    added = missing_policy(session)
    for key in added:
        session.add(Policy(key=key, value=to_text(SETTINGS[key].default), updated_at=now, updated_by=actor))
    if added:
        audit.record(session, actor, "policy.defaults", "policy", None,
                     after={k: to_text(SETTINGS[k].default) for k in added})
    result.policy_added = tuple(added)


def seed(session: Session, actor: str, keys: Callable[[bool], Cipher | None], result: InitResult,
         identity: str | None = None) -> None:
    """Default policy rows, the first admin (when the staff table is empty), the key check.

    `identity` (init --identity) chooses the policy `identity` of a new database; without it a
    SQLite file is `declared` and a server database `db` (its acting user is the database
    login). Under os or db the first admin is mapped to the login running init (db_login), so
    that they can act at once. Runs inside the schema upgrade's transaction, so two concurrent
    `init` runs see each other's work and do it once."""

    now = clock.now()
    new = not has_staff(session)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if identity is not None and identity not in access.IDENTITY_MODES:
        raise BadInput(_("--identity {value!r}: expected one of {modes}").format(
            value=identity, modes=", ".join(access.IDENTITY_MODES)))
    if identity is not None and not new:
        raise BadInput(_("--identity {value!r}: it chooses for a new database, and this one has staff").format(
            value=identity), hint=_("an admin changes it with `receptionctl policy set identity MODE`"))
    if identity == "db" and sqlite:
        raise BadInput(_("--identity db: a SQLite file has no database logins: expected declared or os"))
    seed_policy(session, actor, result)
    if new:
        check_username(actor, N_("the acting user"))
        mode = identity or ("declared" if sqlite else "db")
        login = None  # under os and db, the first admin is the login running init
        if mode == "db":
            login = access.database_login(session)
        elif mode == "os":
            login = session.info.get(access.OS_LOGIN)
        # the first admin's department, in the language of the one who runs init (free text, as typed)
        row = Staff(username=actor, name=actor, dept=_("administration"), active=True, created_at=now, db_login=login)
        session.add(row)
        session.flush()
        session.add(StaffRole(staff_id=row.id, role="admin"))
        after = {"username": actor, "roles": ["admin"], "reason": "first user, at init"}
        if login:
            after["db_login"] = login
        audit.record(session, actor, "staff.add", "staff", row.id, after=after)
        result.admin_registered = actor
        if mode != SETTINGS["identity"].default:
            session.flush()  # the admin's role, which set_value checks
            set_value(session, actor, "identity", mode)
        result.identity = mode
        result.identity_login = login

    # A key is made only for a database that has none yet; one that has a key check keeps
    # its key, and a wrong key is a clear error at init too.
    stored = session.get(Meta, KEY_CHECK)
    cipher = keys(stored is None)
    if cipher is None:
        result.key_missing = True
    elif stored is None:
        session.add(Meta(key=KEY_CHECK, value=cipher.check_token()))
        result.key_checked = True
    else:
        cipher.decrypt(stored.value)
        result.key_checked = True
    session.flush()
