"""The front desk's logs (seed 004, 第4篇): temporary passes for workers and contractors,
goods leaving the site only after their owner agrees, and the mail log.

Each log is append-only: a pass returned, goods agreed to or released, mail collected is a
new fact written on the record (who, when), never an edit of what was written. Every write
is in the audit log. The desk's tasks (the owner's agreement, mail to collect) are opened
through the task engine, stage "desk"; the daily report takes this module's alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Integer, cast, literal_column, null, or_, select, union_all

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import clean_place
from receptionctl.domain.core.secrets import clean_id_number, mask, verify
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.desk import GoodsRelease, MailItem, SitePass


# who keeps the desk's logs (admin always may): issue and take back passes, record goods and
# let them out, receive and hand out mail
FRONT_DESK = frozenset({"desk", "security", "coordinator", "desk_supervisor"})
MAIL_KINDS = ("letter", "parcel", "newspaper")
MAX_QTY = 1_000_000
_MAIL_ZH = {"letter": "信件", "parcel": "包裹", "newspaper": "报纸"}


@dataclass(frozen=True)
class PassView:
    id: int
    name: str
    company: str
    purpose: str
    host: str | None
    host_name: str | None
    place: str | None
    id_number: str | None  # masked unless revealed
    issued_at: datetime
    issued_by: str
    until: datetime
    returned_at: datetime | None
    returned_by: str | None
    out: bool  # issued and not returned
    overdue: bool  # out past its time


@dataclass(frozen=True)
class GoodsView:
    id: int
    what: str
    qty: int
    owner: str
    owner_name: str
    carrier: str
    state: str  # waiting (for the owner's agreement) | agreed | released
    requested_at: datetime
    requested_by: str
    approved_at: datetime | None
    approved_by: str | None
    released_at: datetime | None
    released_by: str | None


@dataclass(frozen=True)
class MailView:
    id: int
    kind: str
    to: str | None  # the person's username, or None for a department's
    to_name: str | None
    to_dept: str | None
    sender: str | None
    tracking: str | None
    received_at: datetime
    received_by: str
    collected_at: datetime | None
    collected_by: str | None
    task_id: int | None
    overdue: bool  # not collected within the policy's mail_days


def _minute(moment: datetime) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


def _text(value: str | None, what: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise BadInput(_("{what} is empty: expected some text").format(what=what))
    if len(value) > limit:
        raise BadInput(_("{what} {value!r}… is too long: expected at most {limit} characters").format(
            what=what, value=value[:40], limit=limit))
    return value


def _optional(value: str | None, what: str, limit: int) -> str | None:
    return _text(value, what, limit) if value is not None and value.strip() else None


# -- temporary passes ----------------------------------------------------------------------
# Read through the light handles (store/light.py): a read builds no table class.
sp, goods, mail = light.site_pass.c, light.goods_release.c, light.mail_item.c


def _pass_query():
    """A pass's row, with its host's username (`who`) and name (`who_name`)."""
    host = light.staff.alias("host")
    return (select(light.site_pass, host.c.username.label("who"), host.c.name.label("who_name"))
            .outerjoin(host, host.c.id == sp.host_id))


def _pass_view(p, now: datetime, shown: str | None = None) -> PassView:
    host, host_name = p.who, p.who_name
    out = p.returned_at is None or p.returned_at > now
    return PassView(p.id, p.name, p.company, p.purpose, host, host_name, p.place,
                    shown if shown is not None else p.id_number_mask, p.issued_at, p.issued_by, p.until,
                    p.returned_at, p.returned_by, out, out and p.until < now)


def _reveal(session: Session, actor: str | None, rows: list, cipher, now: datetime) -> list[PassView]:
    """The passes with their numbers in clear: an admin who asks, each reveal audited."""
    access.require(session, actor, access.REVEAL, N_("reveal identity numbers"))
    key = verify(session, cipher) if any(r.id_number_enc for r in rows) else None
    out = []
    for row in rows:
        p = row
        shown = None
        if p.id_number_enc:
            shown = key.decrypt(p.id_number_enc)
            audit.record(session, actor, "pass.reveal", "site_pass", p.id, after={"name": p.name, "field": "id_number"})
        out.append(_pass_view(row, now, shown))
    return out


def _load_pass(session: Session, pass_id: int) -> SitePass:
    from receptionctl.store.tables.desk import SitePass
    row = session.get(SitePass, pass_id)
    if row is None:
        raise NotFound(_("no pass {id}").format(id=pass_id), hint=_("see `receptionctl pass list`"))
    return row


def show_pass(session: Session, pass_id: int, *, actor: str | None = None, reveal: bool = False,
              cipher=None) -> PassView:
    now = clock.now()
    rows = [session.execute(_pass_query().where(sp.id == pass_id)).first()]
    if rows[0] is None:
        raise NotFound(_("no pass {id}").format(id=pass_id), hint=_("see `receptionctl pass list`"))
    return _reveal(session, actor, rows, cipher, now)[0] if reveal else _pass_view(rows[0], now)


def list_passes(session: Session, *, out_only: bool = False, actor: str | None = None, reveal: bool = False,
                cipher=None, limit: int | None = None) -> list[PassView]:
    """Passes by the time they were issued; `out_only`: issued and not returned."""
    now = clock.now()
    q = _pass_query()
    if out_only:
        q = q.where(sp.returned_at.is_(None))
    rows = list(session.execute(q.order_by(sp.issued_at, sp.id).limit(limit)))
    return _reveal(session, actor, rows, cipher, now) if reveal else [_pass_view(r, now) for r in rows]


def out_now(session: Session, now: datetime) -> list[PassView]:
    """Passes out at `now`: issued by then and not returned by then (for the list of who is
    on site); one statement, numbers masked."""
    rows = session.execute(_pass_query().where(
        sp.issued_at <= now, or_(sp.returned_at.is_(None), sp.returned_at > now))
        .order_by(sp.issued_at, sp.id))
    return [_pass_view(r, now) for r in rows]


def issue_pass(session: Session, actor: str, *, name: str, company: str, purpose: str, until: datetime,
               id_number: str | None = None, host: str | None = None, place: str | None = None,
               cipher=None) -> PassView:
    """A temporary pass for a worker or contractor, valid until `until`; their identity
    number is stored encrypted and shown masked."""
    from receptionctl.store.tables.desk import SitePass
    access.require(session, actor, FRONT_DESK, N_("issue passes"))
    name = _text(name, "--name", 200)
    company = _text(company, "--company", 300)
    purpose = _text(purpose, "--purpose", 2000)
    place = clean_place(place, "--place")
    now = clock.now()
    if until <= now:
        raise BadInput(_("--until {until} is not after now ({now}): expected when the pass must be back").format(
            until=_minute(until), now=_minute(now)))
    host_row = find.staff(session, host, "--host", active_only=True) if host is not None else None
    enc = masked = None
    if id_number is not None:
        cleaned = clean_id_number(id_number)
        enc, masked = verify(session, cipher).encrypt(cleaned), mask(cleaned)
    row = SitePass(name=name, company=company, purpose=purpose, host_id=host_row.id if host_row else None,
                   place=place, id_number_enc=enc, id_number_mask=masked, issued_at=now, issued_by=actor,
                   until=until)
    session.add(row)
    session.flush()
    audit.record(session, actor, "pass.issue", "site_pass", row.id,
                 after={"name": name, "company": company, "purpose": purpose, "until": until, "place": place,
                        "host": host_row.username if host_row else None, "id_number": masked})
    return show_pass(session, row.id)


def return_pass(session: Session, actor: str, pass_id: int) -> PassView:
    """The pass is back at the desk: written on the record, once."""
    access.require(session, actor, FRONT_DESK, N_("take passes back"))
    row = _load_pass(session, pass_id)
    if row.returned_at is not None:
        raise Refused(_("pass {id} was returned already ({user}, {at})").format(
            id=pass_id, user=row.returned_by, at=_minute(row.returned_at)))
    now = clock.now()
    row.returned_at, row.returned_by = now, actor
    session.flush()
    audit.record(session, actor, "pass.return", "site_pass", row.id, before={"out": True},
                 after={"out": False, "returned_at": now, "late": now > row.until})
    return show_pass(session, pass_id)


# -- goods leaving the site ----------------------------------------------------------------
def _goods_query():
    """A release's row, with its owner's username (`who`) and name (`who_name`)."""
    owner = light.staff.alias("owner")
    return (select(light.goods_release, owner.c.username.label("who"), owner.c.name.label("who_name"))
            .join(owner, owner.c.id == goods.owner_id))


def _goods_view(g) -> GoodsView:
    owner, owner_name = g.who, g.who_name
    state = "released" if g.released_at else "agreed" if g.approved_at else "waiting"
    return GoodsView(g.id, g.what, g.qty, owner, owner_name, g.carrier, state, g.requested_at, g.requested_by,
                     g.approved_at, g.approved_by, g.released_at, g.released_by)


def _load_goods(session: Session, goods_id: int) -> GoodsRelease:
    from receptionctl.store.tables.desk import GoodsRelease
    row = session.get(GoodsRelease, goods_id)
    if row is None:
        raise NotFound(_("no goods {id}").format(id=goods_id), hint=_("see `receptionctl goods list`"))
    return row


def show_goods(session: Session, goods_id: int) -> GoodsView:
    row = session.execute(_goods_query().where(goods.id == goods_id)).first()
    if row is None:
        raise NotFound(_("no goods {id}").format(id=goods_id), hint=_("see `receptionctl goods list`"))
    return _goods_view(row)


def list_goods(session: Session, *, pending: bool = False, limit: int | None = None) -> list[GoodsView]:
    """The release log by the time each request was recorded; `pending`: not released yet."""
    q = _goods_query()
    if pending:
        q = q.where(goods.released_at.is_(None))
    rows = session.execute(q.order_by(goods.requested_at, goods.id).limit(limit))
    return [_goods_view(r) for r in rows]


def _agree_key(goods_id: int) -> str:
    return f"goods-agree-{goods_id}"


def request_goods(session: Session, actor: str, *, what: str, qty: int, owner: str, carrier: str) -> GoodsView:
    """The desk records goods someone wants to carry out; their owner is asked at once to
    agree (a desk task of theirs, due now). Nothing leaves before the owner agrees."""
    from receptionctl.store.tables.desk import GoodsRelease
    access.require(session, actor, FRONT_DESK, N_("record goods leaving the site"))
    what = _text(what, "--what", 2000)
    if not 1 <= qty <= MAX_QTY:
        raise BadInput(_("--qty {qty} is not valid: expected a whole number from 1 to {max}").format(
            qty=qty, max=MAX_QTY))
    carrier = _text(carrier, "--carrier", 200)
    owner_row = find.staff(session, owner, "--owner", active_only=True)
    now = clock.now()
    row = GoodsRelease(what=what, qty=qty, owner_id=owner_row.id, carrier=carrier, requested_at=now,
                       requested_by=actor)
    session.add(row)
    session.flush()
    engine.open_desk_task(
        session, _agree_key(row.id),
        f"Agree (or not) to release goods {row.id}: {qty} × {what}, carried out by {carrier}",
        f"确认是否同意第{row.id}号物品放行：{what} × {qty}，携带人：{carrier}",
        "staff", now, assignee_id=owner_row.id)
    audit.record(session, actor, "goods.request", "goods_release", row.id,
                 after={"what": what, "qty": qty, "owner": owner_row.username, "carrier": carrier,
                        "state": "waiting"})
    return show_goods(session, row.id)


def approve_goods(session: Session, actor: str, goods_id: int) -> GoodsView:
    """The owner (or an admin) agrees that the goods may leave; their task is done."""
    from receptionctl.store.tables.common import Staff, Task
    who = access.find_actor(session, actor)
    if who is None:
        access.refuse_inactive(session, actor, N_("agree to release goods"))
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot agree to release goods").format(user=actor),
                         hint=_("act as a registered user with --as"))
    row = _load_goods(session, goods_id)
    owner = session.get(Staff, row.owner_id)
    if who.id != row.owner_id and "admin" not in who.roles:
        raise NotAllowed(_("{user} cannot agree to release goods {id}: only their owner {owner} ({name}) or an admin "
                           "may").format(user=actor, id=goods_id, owner=owner.username, name=owner.name))
    if row.approved_at is not None:
        raise Refused(_("goods {id} were agreed to already ({user}, {at})").format(
            id=goods_id, user=row.approved_by, at=_minute(row.approved_at)))
    now = clock.now()
    row.approved_at, row.approved_by = now, actor
    task_id = session.scalar(select(Task.id).where(Task.key == _agree_key(goods_id), Task.state == "open"))
    if task_id is not None:
        engine.close_task(session, task_id, actor, _("agreed"))
    session.flush()
    audit.record(session, actor, "goods.approve", "goods_release", row.id, before={"state": "waiting"},
                 after={"state": "agreed", "owner": owner.username})
    return show_goods(session, goods_id)


def release_goods(session: Session, actor: str, goods_id: int) -> GoodsView:
    """The goods leave with their carrier: refused until the owner has agreed, and once."""
    from receptionctl.store.tables.common import Staff
    access.require(session, actor, FRONT_DESK, N_("release goods"))
    row = _load_goods(session, goods_id)
    if row.released_at is not None:
        raise Refused(_("goods {id} were released already ({user}, {at})").format(
            id=goods_id, user=row.released_by, at=_minute(row.released_at)))
    if row.approved_at is None:
        owner = session.get(Staff, row.owner_id)
        raise Refused(_("goods {id} are waiting for the owner's agreement: {owner} ({name}) has not agreed, so "
                        "nothing leaves yet").format(id=goods_id, owner=owner.username, name=owner.name))
    now = clock.now()
    row.released_at, row.released_by = now, actor
    session.flush()
    audit.record(session, actor, "goods.release", "goods_release", row.id, before={"state": "agreed"},
                 after={"state": "released", "carrier": row.carrier, "approved_by": row.approved_by})
    return show_goods(session, goods_id)


# -- mail and newspapers ----------------------------------------------------------------------
def _mail_query():
    """An item's row, with its addressee's username (`who`) and name (`who_name`)."""
    to = light.staff.alias("to")
    return (select(light.mail_item, to.c.username.label("who"), to.c.name.label("who_name"))
            .outerjoin(to, to.c.id == mail.to_id))


def _mail_view(m, now: datetime, days: int) -> MailView:
    to, to_name = m.who, m.who_name
    waiting = m.collected_at is None or m.collected_at > now
    return MailView(m.id, m.kind, to, to_name, m.to_dept, m.sender, m.tracking, m.received_at, m.received_by,
                    m.collected_at, m.collected_by, m.task_id,
                    waiting and m.received_at < now - timedelta(days=days))


def _load_mail(session: Session, mail_id: int) -> MailItem:
    from receptionctl.store.tables.desk import MailItem
    row = session.get(MailItem, mail_id)
    if row is None:
        raise NotFound(_("no mail {id}").format(id=mail_id), hint=_("see `receptionctl mail list`"))
    return row


def show_mail(session: Session, mail_id: int) -> MailView:
    row = session.execute(_mail_query().where(mail.id == mail_id)).first()
    if row is None:
        raise NotFound(_("no mail {id}").format(id=mail_id), hint=_("see `receptionctl mail list`"))
    return _mail_view(row, clock.now(), policy.load(session)["mail_days"])


def list_mail(session: Session, *, uncollected: bool = False, limit: int | None = None) -> list[MailView]:
    """The mail log by the time each item came in; `uncollected`: still at the desk."""
    q = _mail_query()
    if uncollected:
        q = q.where(mail.collected_at.is_(None))
    days = policy.load(session)["mail_days"]
    now = clock.now()
    return [_mail_view(r, now, days)
            for r in session.execute(q.order_by(mail.received_at, mail.id).limit(limit))]


def _addressee(session: Session, ref: str) -> tuple[Staff | None, str | None]:
    """A person (an exact username first), else a department some active staff member is in
    (case-insensitive), else a person by a unique part of the username or name."""
    from receptionctl.store.tables.common import Staff
    ref = " ".join((ref or "").split())
    if not ref:
        raise BadInput(_("--to '' is not valid: expected a username, a name or a department"))
    person = session.scalars(select(Staff).where(Staff.username == ref)).first()
    if person is not None:
        return find.staff(session, ref, "--to", active_only=True), None
    depts = {d.casefold(): d for d in session.scalars(select(Staff.dept).where(Staff.active.is_(True)).distinct())}
    if ref.casefold() in depts:
        return None, depts[ref.casefold()]
    try:
        return find.staff(session, ref, "--to", active_only=True), None
    except NotFound as exc:
        raise NotFound(_("{message}, and no department {ref!r}").format(message=exc.message, ref=ref),
                       hint=_("see `receptionctl staff list` for people and their departments")) from None


def receive_mail(session: Session, actor: str, *, to: str, kind: str, sender: str | None = None,
                 tracking: str | None = None) -> MailView:
    """A letter, parcel or newspaper in the mail log. For a person: a desk task of theirs to
    collect it, due within the policy's mail_days. For a department: no task (a department is
    not a role); it waits in the log, an alert after mail_days like any other item."""
    from receptionctl.store.tables.desk import MailItem
    access.require(session, actor, FRONT_DESK, N_("receive mail"))
    if kind not in MAIL_KINDS:
        raise BadInput(_("--kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(MAIL_KINDS)))
    sender = _optional(sender, "--from", 300)
    tracking = _optional(tracking, "--tracking", 100)
    person, dept = _addressee(session, to)
    now = clock.now()
    row = MailItem(kind=kind, to_id=person.id if person else None, to_dept=dept, sender=sender, tracking=tracking,
                   received_at=now, received_by=actor)
    session.add(row)
    session.flush()
    if person is not None:
        due = now + timedelta(days=policy.load(session)["mail_days"])
        row.task_id = engine.open_desk_task(
            session, "mail-collect",
            f"Collect your {kind} at the front desk (mail {row.id}" + (f", from {sender})" if sender else ")"),
            f"请到前台领取您的{_MAIL_ZH[kind]}（第{row.id}号邮件" + (f"，寄件人：{sender}）" if sender else "）"),
            "staff", due, assignee_id=person.id)
        session.flush()
    audit.record(session, actor, "mail.receive", "mail_item", row.id,
                 after={"kind": kind, "to": person.username if person else None, "to_dept": dept,
                        "sender": sender, "tracking": tracking, "task_id": row.task_id})
    return show_mail(session, row.id)


def collect_mail(session: Session, actor: str, mail_id: int, by: str | None = None) -> MailView:
    """Handed out: who took it (`by`, default the acting person's name) and when; the
    addressee's task is done. The desk may hand out anything; anyone on the staff may
    collect their own mail, or their department's."""
    from receptionctl.store.tables.common import Staff
    who = access.find_actor(session, actor)
    if who is None:
        access.refuse_inactive(session, actor, N_("collect mail"))
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot collect mail").format(user=actor),
                         hint=_("act as a registered user with --as"))
    row = _load_mail(session, mail_id)
    if not who.has(*FRONT_DESK):
        me = session.get(Staff, who.id)
        if not (row.to_id == who.id or (row.to_dept is not None and row.to_dept.casefold() == me.dept.casefold())):
            addressee = row.to_dept if row.to_id is None else session.get(Staff, row.to_id).username
            raise NotAllowed(_("{user} cannot collect mail {id}: it is for {addressee}; the addressee or the desk "
                               "({roles}) may").format(user=actor, id=mail_id, addressee=addressee,
                                                       roles=_(", ").join(code(r, "role") for r in
                                                                          sorted({"admin", *FRONT_DESK}))))
    if row.collected_at is not None:
        raise Refused(_("mail {id} was collected already (by {user}, {at})").format(
            id=mail_id, user=row.collected_by, at=_minute(row.collected_at)))
    by = _text(by, "--by", 200) if by is not None else who.name
    now = clock.now()
    row.collected_at, row.collected_by = now, by
    if row.task_id is not None:
        engine.close_task(session, row.task_id, actor, _("collected by {name}").format(name=by))
    session.flush()
    audit.record(session, actor, "mail.collect", "mail_item", row.id, before={"collected": False},
                 after={"collected": True, "by": by})
    return show_mail(session, mail_id)


# -- for the daily report ----------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what needs attention at `now`, in one statement (a union of three parts):
    pass_overdue (out past its time), mail_uncollected (at the desk longer than the policy's
    mail_days), goods_waiting (recorded before today and their owner has not agreed)."""
    rules = policy.load(session)
    days = rules["mail_days"]
    day_start = datetime.combine(now.astimezone(policy.work_zone(rules)).date(), time(0, 0), policy.work_zone(rules))
    passes = _pass_query().where(sp.issued_at <= now, sp.until < now,
                                 or_(sp.returned_at.is_(None), sp.returned_at > now))
    items = _mail_query().where(mail.received_at < now - timedelta(days=days),
                                or_(mail.collected_at.is_(None), mail.collected_at > now))
    waiting = _goods_query().where(goods.requested_at < day_start,
                                   or_(goods.approved_at.is_(None), goods.approved_at > now))
    # each part as (part, id, a, b, at, who, qty): a pass's name and company, an item's kind and
    # department, the goods' description and carrier; the moment each is ordered by
    parts = union_all(
        passes.with_only_columns(literal_column("0", Integer).label("part"), sp.id, sp.name.label("a"),
                                 sp.company.label("b"), sp.until.label("at"), passes.selected_columns.who,
                                 cast(null(), Integer).label("qty")),  # typed: PostgreSQL types a union
        items.with_only_columns(literal_column("1", Integer), mail.id, mail.kind, mail.to_dept, mail.received_at,
                                items.selected_columns.who, cast(null(), Integer)),  # pairwise, NULL with NULL text
        waiting.with_only_columns(literal_column("2", Integer), goods.id, goods.what, goods.carrier,
                                  goods.requested_at, waiting.selected_columns.who, goods.qty)).subquery()
    out: list[Alert] = []
    for r in session.execute(select(parts).order_by(parts.c.part, parts.c.at, parts.c.id)):
        if r.part == 0:
            said = dict(id=r.id, name=r.a, company=r.b, at=_minute(r.at), host=r.who)
            out.append(Alert("pass_overdue", _("pass {id} ({name}, {company}) was due back {at} and is not returned; "
                                               "host {host}").format(**said) if r.who else
                             _("pass {id} ({name}, {company}) was due back {at} and is not returned").format(**said)))
        elif r.part == 1:
            out.append(Alert("mail_uncollected", _("{kind} {id} for {to}, received {at}, not collected within {days} "
                                                   "days (the policy's mail_days)").format(
                kind=code(r.a), id=r.id, to=r.who or r.b, at=_minute(r.at), days=days)))
        else:
            out.append(Alert("goods_waiting", _("goods {id} ({qty} × {what}, carried by {carrier}) have waited since "
                                                "{at} for {owner}'s agreement").format(
                id=r.id, qty=r.qty, what=r.a, carrier=r.b, at=_minute(r.at), owner=r.who)))
    return out
