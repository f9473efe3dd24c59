"""Clients (organisations) and their contact people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from receptionctl.domain import engine
from receptionctl.domain.care import care
from receptionctl.domain.core import access, audit, clock, find, lifecycle, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import Done
from receptionctl.domain.core.secrets import clean_id_number, mask, verify
from receptionctl.domain.core.vocab import Tier
from receptionctl.domain.core.when import parse_yearly
from receptionctl.domain.people.notes import list_notes
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Reads go through the light handles (store/light.py), so that `client list` and `client show`
# build no table class; the writes import the classes inside the function.
client_t, contact_t, staff_t = light.client, light.contact, light.staff

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-./]{2,30}$")


@dataclass(frozen=True)
class ContactView:
    id: int
    client_id: int
    name: str
    title: str | None
    phone: str | None
    email: str | None
    diet: str | None
    transport: str | None
    needs: str | None
    id_number: str | None  # masked unless revealed
    lang: str | None = None  # the language mail to them is written in (zh-CN, en); None: the policy's
    birthday: str | None = None  # "MM-DD", or "YYYY-MM-DD" when the year is known (issue 26)


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    tier: str
    industry: str | None
    created_at: datetime
    contacts: int
    manager: str | None = None  # the account manager (username), who keeps the client (issue 26)
    anniversary: str | None = None  # "MM-DD", or "YYYY-MM-DD" when the first year is known


@dataclass(frozen=True)
class ClientDetail:
    id: int
    name: str
    tier: str
    industry: str | None
    created_at: datetime
    contacts: tuple[ContactView, ...]
    open_promises: tuple = ()  # promises made to the client and not yet kept
    manager: str | None = None  # the account manager (username)
    manager_name: str | None = None
    manager_active: bool | None = None
    anniversary: str | None = None
    care_dates: tuple = ()  # care.CareDateView: the days it is greeted on besides birthdays and holidays


# The account manager hosts the client's visits by default: someone who knows the client and the
# business (seed 002), with the host or coordinator role, as a visit's host.
MANAGER_ROLES = frozenset({"host", "coordinator"})


_ID = re.compile(r"[0-9]{1,18}")
_NUMBER_ID = N_("client name {name!r} is not valid: expected a name, not a number (numbers are ids)")


def _name(value: str, what: str, limit: int = 300) -> str:
    value = " ".join(value.split())
    if not value or len(value) > limit:
        raise BadInput(_("{what} {value!r} is not valid: expected 1 to {limit} characters").format(
            what=_(what), value=value[:40], limit=limit))
    return value


def _optional(value: str | None, limit: int = 2000) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise BadInput(_("value {value!r}… is too long: expected at most {limit} characters").format(
            value=value[:20], limit=limit))
    return value or None


def resolve_client(session: Session, ref: str):
    """A client row by id, exact name, or a unique part of the name (case-insensitive)."""
    return find.client(session, ref)


def add_client(session: Session, actor: str, name: str, tier: str = "normal", industry: str | None = None, *,
               manager: str | None = None, anniversary: str | None = None) -> Done:
    """A client organisation, with its account manager (who keeps it: required for a VIP client,
    an alert in the daily report until it has one) and its anniversary; audited."""
    from receptionctl.store.tables.common import Client

    access.require(session, actor, access.CLIENT_WRITE, N_("add clients"))
    name = _name(name, N_("client name"))
    if _ID.fullmatch(name):
        raise BadInput(_(_NUMBER_ID).format(name=name))
    if tier not in {t.value for t in Tier}:
        raise BadInput(_("tier {tier!r} is not valid: expected one of vip, key, normal").format(tier=tier))
    keeper = _manager(session, manager) if manager else None
    anniversary = parse_yearly(anniversary, N_("anniversary")) if anniversary else None
    key = name.casefold()
    existing = session.scalars(select(Client).where(Client.name_key == key)).first()
    if existing is not None:
        raise Refused(_("client {name!r} already exists (id {id})").format(name=name, id=existing.id))
    row = Client(name=name, name_key=key, tier=tier, industry=_optional(industry, 200), created_at=clock.now(),
                 manager_id=keeper.id if keeper else None, anniversary=anniversary)
    session.add(row)
    session.flush()
    view = ClientView(row.id, row.name, row.tier, row.industry, row.created_at, 0, keeper.username if keeper else None,
                      anniversary)
    audit.record(session, actor, "client.add", "client", row.id,
                 after={"name": row.name, "tier": row.tier, "industry": row.industry, "manager": view.manager,
                        "anniversary": anniversary})
    return Done(view, _keeper_warnings(row, keeper) + care.opened_words(care.sync(session, actor, [row.id])))


def _manager(session: Session, ref: str):
    """The account manager named by `ref`: an active person with the host or coordinator role."""
    row = find.staff(session, ref, N_("the client's manager"), active_only=True)
    held = light.staff_role
    roles = set(session.scalars(select(held.c.role).where(held.c.staff_id == row.id)))
    if not roles & MANAGER_ROLES:
        raise Refused(_("{user} cannot be a client's manager: has the role {roles}, the manager needs host or "
                        "coordinator (they host the client's visits)").format(
            user=row.username, roles=_(", ").join(code(r, "role") for r in sorted(roles)) or _("none")),
            hint=_("choose someone with the host role, or ask an admin to give it"))
    return row


def _keeper(session: Session, staff_id: int | None):
    """The account manager's staff row (username, name, active), or None."""
    if staff_id is None:
        return None
    return session.execute(select(staff_t).where(staff_t.c.id == staff_id)).first()


def _keeper_warnings(row, keeper) -> list[str]:
    if row.tier == "vip" and keeper is None:
        return [_("client {name} is VIP: name its account manager (`receptionctl client edit {id} --manager "
                  "USER`)").format(name=row.name, id=row.id)]
    return []


def list_clients(session: Session, tier: str | None = None) -> list[ClientView]:
    keeper = staff_t.alias("keeper")
    c = client_t.c
    q = (
        select(c.id, c.name, c.tier, c.industry, c.created_at, func.count(contact_t.c.id), keeper.c.username,
               c.anniversary)
        .outerjoin(contact_t, contact_t.c.client_id == c.id)
        .outerjoin(keeper, keeper.c.id == c.manager_id)
        .group_by(c.id, keeper.c.username)
        .order_by(c.name_key)
    )
    if tier is not None:
        q = q.where(c.tier == tier)
    return [ClientView(*row) for row in session.execute(q).all()]


def _contact_view(row, id_number: str | None) -> ContactView:
    return ContactView(row.id, row.client_id, row.name, row.title, row.phone, row.email, row.diet,
                       row.transport, row.needs, id_number, row.lang, row.birthday)


def _language(value: str) -> str:
    """The language of a contact's mail: zh-CN or en (bad input otherwise)."""
    text = value.strip().replace("_", "-")
    for lang in policy.MAIL_LANGS:
        if text.lower() == lang.lower():
            return lang
    raise BadInput(_("language {lang!r} is not valid: expected {langs}").format(lang=value,
                                                                               langs=", ".join(policy.MAIL_LANGS)))


def _contacts_of(session: Session, actor: str, client, cipher) -> list[ContactView]:
    """A client's contact people, identity numbers masked; with a `cipher` (a reveal, already
    allowed), in clear, each reveal audited."""
    views = []
    for row in session.execute(select(contact_t).where(contact_t.c.client_id == client.id).order_by(contact_t.c.id)):
        shown = row.id_number_mask
        if cipher is not None and row.id_number_enc:
            shown = cipher.decrypt(row.id_number_enc)
            audit.record(session, actor, "contact.reveal", "contact", row.id,
                         after={"client": client.name, "field": "id_number"})
        views.append(_contact_view(row, shown))
    return views


def show_client(
    session: Session, actor: str, ref: str, *, reveal: bool = False, cipher=None
) -> ClientDetail:
    """`cipher` is a Cipher or a callable returning one, asked for only when revealing."""
    if reveal:
        access.require(session, actor, access.REVEAL, N_("reveal identity numbers"))
    client = resolve_client(session, ref)
    if reveal:
        cipher = verify(session, cipher)
    contacts = _contacts_of(session, actor, client, cipher if reveal else None)
    promises = tuple(list_notes(session, client_id=client.id, open_promises=True))
    keeper = _keeper(session, client.manager_id)
    return ClientDetail(client.id, client.name, client.tier, client.industry, client.created_at, tuple(contacts),
                        promises, keeper.username if keeper else None, keeper.name if keeper else None,
                        keeper.active if keeper else None, client.anniversary,
                        tuple(care.list_dates(session, str(client.id))))


def add_contact(
    session: Session,
    actor: str,
    client_ref: str,
    name: str,
    *,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    diet: str | None = None,
    transport: str | None = None,
    needs: str | None = None,
    id_number: str | None = None,
    birthday: str | None = None,
    cipher=None,
    lang: str | None = None,
) -> Done:
    from receptionctl.store.tables.common import Contact

    access.require(session, actor, access.CLIENT_WRITE, N_("add contacts"))
    client = resolve_client(session, client_ref)
    name = _name(name, N_("contact name"), 200)
    phone = _phone(phone) if phone is not None else None
    email = _email(email) if email is not None else None
    birthday = parse_yearly(birthday, N_("birthday")) if birthday else None
    enc = masked = None
    if id_number is not None:
        cleaned = clean_id_number(id_number)
        enc = verify(session, cipher).encrypt(cleaned)
        masked = mask(cleaned)
    row = Contact(
        client_id=client.id,
        name=name,
        title=_optional(title, 200),
        phone=phone,
        email=email,
        diet=_optional(diet),
        transport=_optional(transport),
        needs=_optional(needs),
        id_number_enc=enc,
        id_number_mask=masked,
        created_at=clock.now(),
        lang=_language(lang) if lang is not None and lang.strip() else None,
        birthday=birthday,
    )
    session.add(row)
    session.flush()
    view = _contact_view(row, masked)
    after = {k: v for k, v in view.__dict__.items() if v is not None}
    audit.record(session, actor, "contact.add", "contact", row.id, after=after)
    return Done(view, care.opened_words(care.sync(session, actor, [client.id])) if birthday else [])


def _phone(phone: str) -> str:
    if not _PHONE.match(phone.strip()):
        raise BadInput(_("phone {phone!r} is not valid: expected digits, optionally with +, spaces or dashes").format(
            phone=phone))
    return phone.strip()


def _email(email: str) -> str:
    if len(email.strip()) > 320 or not _EMAIL.match(email.strip()):
        raise BadInput(_("email {email!r} is not valid: expected an address such as name@example.com").format(
            email=email))
    return email.strip()


def _client_view(session: Session, row) -> ClientView:
    n = session.scalar(select(func.count(contact_t.c.id)).where(contact_t.c.client_id == row.id)) or 0
    keeper = _keeper(session, row.manager_id)
    return ClientView(row.id, row.name, row.tier, row.industry, row.created_at, n,
                      keeper.username if keeper else None, row.anniversary)


def edit_client(session: Session, actor: str, ref: str, *, name: str | None = None, tier: str | None = None,
                industry: str | None = None, manager: str | None = None, anniversary: str | None = None) -> Done:
    """Correct a client's name, tier or industry, name its account manager or its anniversary (an
    empty --industry, --manager or --anniversary clears it); audited. The client's open greeting
    tasks follow a new manager, and its care tasks follow the tier and the anniversary."""
    from receptionctl.store.tables.common import Client

    access.require(session, actor, access.CLIENT_WRITE, N_("edit clients"))
    row = session.get(Client, resolve_client(session, ref).id)  # the ORM object, to change
    if all(v is None for v in (name, tier, industry, manager, anniversary)):
        raise BadInput(_("nothing to change: expected --name, --tier, --industry, --manager or --anniversary"))
    before = _fields(session, row)
    if name is not None:
        name = _name(name, N_("client name"))
        if _ID.fullmatch(name):
            raise BadInput(_(_NUMBER_ID).format(name=name))
        other = session.scalars(select(Client).where(Client.name_key == name.casefold(), Client.id != row.id)).first()
        if other is not None:
            raise Refused(_("client {name!r} already exists (id {id})").format(name=name, id=other.id))
        row.name, row.name_key = name, name.casefold()
    if tier is not None:
        if tier not in {t.value for t in Tier}:
            raise BadInput(_("tier {tier!r} is not valid: expected one of vip, key, normal").format(tier=tier))
        row.tier = tier
    if industry is not None:
        row.industry = _optional(industry, 200)
    old_manager = row.manager_id
    if manager is not None:
        row.manager_id = _manager(session, manager).id if manager.strip() else None
    if anniversary is not None:
        row.anniversary = parse_yearly(anniversary, N_("anniversary")) if anniversary.strip() else None
    session.flush()
    after = _fields(session, row)
    if after == before:
        raise Refused(_("client {name!r} already has these values").format(name=row.name))
    changed = sorted(k for k in after if after[k] != before[k])
    audit.record(session, actor, "client.edit", "client", row.id, before={k: before[k] for k in changed},
                 after={k: after[k] for k in changed})
    if row.manager_id != old_manager:
        engine.reassign_care_tasks(session, row.id, old_manager, row.manager_id)
    keeper = _keeper(session, row.manager_id)
    warnings = _keeper_warnings(row, keeper) if {"tier", "manager"} & set(changed) else []
    if {"tier", "anniversary"} & set(changed):
        warnings += care.opened_words(care.sync(session, actor, [row.id]))
    if "tier" in changed:
        warnings += _below_level(session, row)
    return Done(_client_view(session, row), warnings)


def _fields(session: Session, row) -> dict:
    """What `client edit` changes, as the audit log keeps it (the manager by username)."""
    manager = (session.scalar(select(staff_t.c.username).where(staff_t.c.id == row.manager_id))
               if row.manager_id else None)
    return {"name": row.name, "tier": row.tier, "industry": row.industry, "manager": manager,
            "anniversary": row.anniversary}


def _below_level(session: Session, row) -> list[str]:
    """A client made VIP: its coming visits received below the policy's vip_level without a waiver."""
    if row.tier != "vip":
        return []
    least = policy.load(session)["vip_level"]
    v = light.visit.c
    visits = list(session.scalars(select(v.id).where(
        v.client_id == row.id, v.level > least, v.level_waived_by.is_(None),
        v.status.in_(lifecycle.COMING)).order_by(v.starts_at)))
    return [_("visit {visit} of {client} is below level {level}, which a VIP client's visit needs: `receptionctl "
              "visit edit {visit} --level {level}`, or an approver waives it (--waive-level)").format(
        visit=v, client=row.name, level=least) for v in visits]


def list_contacts(session: Session, ref: str, *, actor: str | None = None, reveal: bool = False,
                  cipher=None) -> list[ContactView]:
    """A client's contact people, identity numbers masked; with `reveal` (admin), in clear, each
    reveal audited, as in show_client."""
    if reveal:
        access.require(session, actor or "", access.REVEAL, N_("reveal identity numbers"))
    client = resolve_client(session, ref)
    if reveal:
        cipher = verify(session, cipher)
    return _contacts_of(session, actor or "", client, cipher if reveal else None)


def _contact(session: Session, contact_id: int):
    """The contact row, to change or remove: the ORM object."""
    from receptionctl.store.tables.common import Contact

    row = session.get(Contact, contact_id)
    if row is None:
        raise NotFound(_("no contact {contact}").format(contact=contact_id),
                       hint=_("see `receptionctl contact list CLIENT`"))
    return row


CONTACT_FIELDS = ("name", "title", "phone", "email", "diet", "transport", "needs", "lang", "birthday")


def edit_contact(session: Session, actor: str, contact_id: int, *, cipher=None, id_number: str | None = None,
                 **fields: str | None) -> Done:
    """Correct a contact's details; an empty value clears an optional one. A new identity
    number is encrypted like the first; the audit log keeps only masked numbers. A birthday
    given or removed opens or skips its greeting task."""
    access.require(session, actor, access.CLIENT_WRITE, N_("edit contacts"))
    row = _contact(session, contact_id)
    given = {k: v for k, v in fields.items() if v is not None}
    unknown = set(given) - set(CONTACT_FIELDS)
    if unknown:
        raise BadInput(_("field {field!r} is not valid: expected one of {choices}").format(
            field=sorted(unknown)[0], choices=", ".join(CONTACT_FIELDS)))
    if not given and id_number is None:
        raise BadInput(_("nothing to change: expected --name, --title, --phone, --email, --diet, --transport, "
                         "--needs, --language, --birthday or --id-number"))
    before = {k: v for k, v in _contact_view(row, row.id_number_mask).__dict__.items()}
    for key, value in given.items():
        if key == "name":
            row.name = _name(value, N_("contact name"), 200)
        elif not value.strip():
            setattr(row, key, None)
        elif key == "phone":
            row.phone = _phone(value)
        elif key == "email":
            row.email = _email(value)
        elif key == "lang":
            row.lang = _language(value)
        elif key == "birthday":
            row.birthday = parse_yearly(value, N_("birthday"))
        else:
            setattr(row, key, _optional(value, 200 if key == "title" else 2000))
    if id_number is not None:
        if id_number.strip():
            cleaned = clean_id_number(id_number)
            row.id_number_enc, row.id_number_mask = verify(session, cipher).encrypt(cleaned), mask(cleaned)
        else:
            row.id_number_enc = row.id_number_mask = None
    session.flush()
    view = _contact_view(row, row.id_number_mask)
    after = view.__dict__
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        raise Refused(_("contact {contact} already has these values").format(contact=contact_id))
    audit.record(session, actor, "contact.edit", "contact", row.id,
                 before={k: before[k] for k in sorted(changed)}, after={k: after[k] for k in sorted(changed)})
    synced = care.sync(session, actor, [row.client_id]) if "birthday" in changed else None
    return Done(view, care.opened_words(synced) if synced else [])


def remove_contact(session: Session, actor: str, contact_id: int) -> ContactView:
    """Remove a contact person (left the client, asked to be forgotten): the record and its
    encrypted identity number go; guests already checked in keep their own record; the
    greeting task of their birthday is skipped."""
    access.require(session, actor, access.CLIENT_WRITE, N_("remove contacts"))
    row = _contact(session, contact_id)
    view = _contact_view(row, row.id_number_mask)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "contact.remove", "contact", contact_id,
                 before={k: v for k, v in view.__dict__.items() if v is not None})
    if view.birthday:
        care.sync(session, actor, [view.client_id])
    return view


# -- the keepers of clients (issue 26) -------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """VIP clients without an active account manager (seed 001: a VIP client gets a dedicated
    manager): one statement, over the VIP clients only."""
    keeper = staff_t.alias("keeper")
    c = client_t.c
    rows = session.execute(select(c.id, c.name, keeper.c.username)
                           .outerjoin(keeper, keeper.c.id == c.manager_id)
                           .where(c.tier == "vip", or_(keeper.c.id.is_(None), keeper.c.active.is_(False)))
                           .order_by(c.name_key))
    out = []
    for client_id, name, username in rows:
        if username is None:
            text = _("VIP client {client} has no account manager (receptionctl client edit {id} --manager USER)").format(
                client=name, id=client_id)
        else:
            text = _("VIP client {client}'s account manager {user} is inactive (receptionctl client edit {id} --manager "
                     "USER)").format(client=name, user=username, id=client_id)
        out.append(Alert("no_manager", text))
    return out
