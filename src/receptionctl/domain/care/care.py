"""Relationship care (issue 26, seed 001: "birthday wishes, holiday care, congratulations on
achievements ... an emotional bond beyond business"; VIP and key clients first).

What a client is greeted on (an *occasion*, computed, never stored):
- the birthday of each of its contact people (`contact add|edit --birthday`);
- the holidays of the policy's `care_holidays`, for the clients of the tiers in `care_tiers`
  (the days from the `holidays` package, for the policy's country: domain/core/calendar.py);
- its anniversary (`client edit --anniversary`) and its care dates (`care date add`).

The greeting task of each occasion in the next `care_lookahead_days` is opened by the engine
(engine/areatasks.py, stage "care"): due `care_days_before` days before the day (the working
day before, when that is a day off), falling to the client's account manager (its keeper,
`client edit --manager`), else to any coordinator. `sync` opens them in a fixed number of
statements whatever the number of clients, and is idempotent: an occasion's task is keyed by
the occasion and its day, and a key that exists in any state is never opened again. `care log`
records a greeting sent and closes the occasion's task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.base import Done, required_text
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.vocab import CareKind
from receptionctl.domain.core.when import parse_yearly, yearly_first, yearly_on
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Reads go through the light handles (store/light.py): `care list`, `client show` and the daily
# report build no table class for them; the writes import the classes inside the function.
client_t, contact_t, staff_t, date_t, log_t = (light.client, light.contact, light.staff, light.care_date,
                                               light.care_log)

KINDS = tuple(k.value for k in CareKind)
CARE_ROLE = "coordinator"  # a greeting of a client without an account manager falls to the coordinators
CARE_WRITE = access.ANY_STAFF  # whoever sent a greeting records it
DUE_TIME = time(9, 0)  # a greeting task is due at the start of a working morning
MARGIN = timedelta(days=45)  # a task's due is at most this long before its occasion's day (days off included)
# the holidays' names as people read them (the policy's codes: calendar.FESTIVALS), and in the
# Chinese title a task keeps whatever the run's language (as the procedure's title_zh)
FESTIVAL_NAMES = {
    "new_year": N_("New Year"), "spring_festival": N_("Spring Festival"), "tomb_sweeping": N_("Tomb-Sweeping Day"),
    "labor_day": N_("Labour Day"), "dragon_boat": N_("Dragon Boat Festival"), "mid_autumn": N_("Mid-Autumn Festival"),
    "national_day": N_("National Day"),
}
FESTIVAL_ZH = {"new_year": "元旦", "spring_festival": "春节", "tomb_sweeping": "清明节", "labor_day": "劳动节",
               "dragon_boat": "端午节", "mid_autumn": "中秋节", "national_day": "国庆节"}
CODES = (N_("code|birthday"), N_("code|holiday"), N_("code|anniversary"))  # "other" is code|other


@dataclass(frozen=True)
class Occasion:
    """A day a client is greeted on, its greeting task and whether the greeting was sent."""
    key: str  # care-KIND-SUBJECT-YYYYMMDD: the task's key, and the greeting's
    day: date
    kind: str  # birthday | holiday | anniversary | other
    name: str  # the contact's name, the holiday's code, the care date's name ("anniversary" for one)
    client_id: int
    client: str
    tier: str
    contact_id: int | None
    contact: str | None
    years: int | None  # the age or the anniversary's count, when the first year is known
    owner: str | None  # the client's account manager (username); None: any coordinator
    due_at: datetime  # when the greeting task is (or will be) due
    task_id: int | None = None
    task_state: str | None = None
    greeted_at: datetime | None = None
    greeted_by: str | None = None

    @property
    def greeted(self) -> bool:
        return self.greeted_at is not None

    @property
    def what(self) -> str:
        """The occasion in the run's language: "birthday: Liu Yang", "Spring Festival", "Founding day"."""
        if self.kind == "holiday":
            return _(FESTIVAL_NAMES.get(self.name, self.name))
        if self.kind == "birthday":
            return _("birthday of {name}").format(name=self.name)
        if self.kind == "anniversary":
            return _("anniversary ({years} years)").format(years=self.years) if self.years else _("anniversary")
        return self.name


@dataclass(frozen=True)
class _Client:
    id: int
    name: str
    tier: str
    anniversary: str | None
    keeper_id: int | None  # the active account manager
    keeper: str | None


# -- the occasions ---------------------------------------------------------------------------------
def _clients(session: Session, rules: dict, client_ids) -> dict[int, _Client]:
    keeper = staff_t.alias("keeper")
    c = client_t.c
    q = (select(c.id, c.name, c.tier, c.anniversary, keeper.c.id, keeper.c.username)
         .outerjoin(keeper, and_(keeper.c.id == c.manager_id, keeper.c.active.is_(True))))
    if client_ids is not None:
        q = q.where(c.id.in_(list(client_ids)))
    return {r[0]: _Client(*r) for r in session.execute(q)}


def _in(value: str, start: date, end: date) -> list[tuple[date, int | None]]:
    """The days of a yearly day ("MM-DD", "YYYY-MM-DD") in [start, end], with the count of years."""
    first = yearly_first(value)
    out = []
    for year in range(start.year, end.year + 1):
        day = yearly_on(value, year)
        if start <= day <= end and (first is None or year >= first):
            out.append((day, (year - first) if first is not None and year > first else None))
    return out


def _due(day: date, rules: dict, cal, zone) -> datetime:
    """care_days_before days before `day`, the working day before when that is a day off, 09:00."""
    due = day - timedelta(days=rules["care_days_before"])
    for _step in range(40):  # the longest run of days off is far shorter
        if cal.is_working_day(due):
            break
        due -= timedelta(days=1)
    return datetime.combine(due, DUE_TIME, zone)


def _gather(session: Session, rules: dict, start: date, end: date, client_ids=None) -> tuple[list, dict]:
    """Every occasion in [start, end] (of those clients), by day, and the clients read: three
    statements whatever their number."""
    cal, zone = calendar_for(rules["country"]), policy.work_zone(rules)
    clients = _clients(session, rules, client_ids)
    found: list[Occasion] = []

    def add(key, day, kind, name, c: _Client, contact_id=None, contact=None, years=None):
        found.append(Occasion(key, day, kind, name, c.id, c.name, c.tier, contact_id, contact, years, c.keeper,
                              _due(day, rules, cal, zone)))

    k, d = contact_t.c, date_t.c
    births = select(k.id, k.client_id, k.name, k.birthday).where(k.birthday.is_not(None))
    dates = select(d.id, d.client_id, d.name, d.day, d.once)
    if client_ids is not None:
        births = births.where(k.client_id.in_(list(client_ids)))
        dates = dates.where(d.client_id.in_(list(client_ids)))
    for cid, client_id, name, birthday in session.execute(births):
        for day, years in _in(birthday, start, end):
            add(f"care-birthday-{cid}-{day:%Y%m%d}", day, "birthday", name, clients[client_id], cid, name, years)
    for c in clients.values():
        for day, years in _in(c.anniversary, start, end) if c.anniversary else ():
            add(f"care-anniversary-{c.id}-{day:%Y%m%d}", day, "anniversary", "anniversary", c, years=years)
    for did, client_id, name, value, once in session.execute(dates):
        days = ([(date.fromisoformat(value), None)] if once else _in(value, start, end))
        for day, years in days:
            if start <= day <= end:
                add(f"care-date-{did}-{day:%Y%m%d}", day, "other", name, clients[client_id], years=years)
    greeted = [c for c in clients.values() if c.tier in rules["care_tiers"]]
    if greeted and rules["care_holidays"]:
        for year in range(start.year, end.year + 1):
            festivals = cal.festivals(year)
            for holiday in rules["care_holidays"]:
                day = festivals.get(holiday)
                if day is not None and start <= day <= end:
                    for c in greeted:
                        add(f"care-holiday-{c.id}-{holiday}-{day:%Y%m%d}", day, "holiday", holiday, c)
    found.sort(key=lambda o: (o.day, o.kind, o.client.casefold(), o.key))
    return found, clients


def _with_state(session: Session, found: list[Occasion], start: date, zone, client_ids=None):
    """The occasions with their tasks and greetings (two statements), and the care tasks read."""
    since = datetime.combine(start, time(0, 0), zone) - MARGIN
    tasks = engine.care_tasks(session, since, client_ids)
    by_key = {key: (tid, state) for tid, key, state, _assignee in tasks}
    g = log_t.c
    sent_q = select(g.occasion, g.at, g.by).where(g.at >= since, g.occasion.is_not(None)).order_by(g.at)
    sent = {key: (at, by) for key, at, by in session.execute(sent_q)}
    out = []
    for o in found:
        tid, state = by_key.get(o.key, (None, None))
        at, by = sent.get(o.key, (None, None))
        out.append(Occasion(**{**o.__dict__, "task_id": tid, "task_state": state, "greeted_at": at, "greeted_by": by}))
    return out, tasks


def coming(session: Session, start: date | None = None, end: date | None = None, *, client: str | None = None,
           kind: str | None = None) -> list[Occasion]:
    """The occasions from `start` (default today) to `end` (default care_lookahead_days later), with
    their greeting tasks and the greetings sent: a fixed number of statements."""
    rules = policy.load(session)
    start = start or policy.today(rules)
    end = end or start + timedelta(days=rules["care_lookahead_days"])
    if end < start:
        raise BadInput(_("--to {end} is before --from {start}: expected a later day").format(end=end, start=start))
    if (end - start).days > 366:
        raise BadInput(_("{start} to {end} is too long: expected at most 366 days").format(start=start, end=end))
    if kind is not None and kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {kinds}").format(kind=kind, kinds=", ".join(KINDS)))
    ids = [find.client(session, client).id] if client is not None else None
    found, _clients_read = _gather(session, rules, start, end, ids)
    found, _tasks = _with_state(session, found, start, policy.work_zone(rules), ids)
    return [o for o in found if kind is None or o.kind == kind]


# -- the greeting tasks ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SyncResult:
    opened: tuple[str, ...]  # the keys of the tasks opened
    skipped: tuple[str, ...]  # of the open tasks whose occasion no longer is one
    days: int  # the days looked ahead


def _task_of(o: Occasion, keeper_id: int | None, now: datetime) -> engine.CareTask:
    day = f"{o.day:%Y-%m-%d}"
    if o.kind == "birthday":
        title = f"Send birthday greetings to {o.contact} of {o.client} ({o.day:%m-%d})"
        zh = f"为 {o.client} 的 {o.contact} 送上生日祝福（{o.day:%m-%d}）"
    elif o.kind == "holiday":
        title = f"Send {FESTIVAL_NAMES.get(o.name, o.name)} greetings to {o.client} ({day})"
        zh = f"向 {o.client} 致以{FESTIVAL_ZH.get(o.name, o.name)}问候（{day}）"
    elif o.kind == "anniversary":
        years = f", {o.years} years" if o.years else ""
        title = f"Congratulate {o.client} on its anniversary ({day}{years})"
        zh = f"祝贺 {o.client} 周年纪念（{day}" + (f"，{o.years} 周年" if o.years else "") + "）"
    else:
        title = f"Greet {o.client}: {o.name} ({day})"
        zh = f"问候 {o.client}：{o.name}（{day}）"
    return engine.CareTask(o.key, o.client_id, title, zh, CARE_ROLE, keeper_id, max(o.due_at, now))


def sync(session: Session, actor: str, client_ids=None) -> SyncResult:
    """Open the greeting tasks of the occasions in the next care_lookahead_days that have none and
    were not greeted yet, and skip the open ones whose occasion no longer is one (a birthday
    removed, a tier lowered, a holiday dropped from the policy): audited when it changes anything.
    A fixed number of statements, whatever the number of clients; run again, it changes nothing."""
    rules = policy.load(session)
    today, zone = policy.today(rules), policy.work_zone(rules)
    end = today + timedelta(days=rules["care_lookahead_days"])
    found, clients = _gather(session, rules, today, end, client_ids)
    found, tasks = _with_state(session, found, today, zone, client_ids)
    now = clock.now()
    wanted = [_task_of(o, clients[o.client_id].keeper_id, now) for o in found if o.task_id is None and not o.greeted]
    opened = engine.open_care_tasks(session, wanted, {key for _tid, key, _state, _a in tasks})
    keys = {o.key for o in found}
    stale = [(tid, key) for tid, key, state, _a in tasks
             if state == "open" and key not in keys and key[-8:] >= f"{today:%Y%m%d}"]
    engine.skip_care_tasks(session, [tid for tid, _key in stale], "no longer an occasion of the client's care", actor)
    if opened or stale:
        audit.record(session, actor, "care.sync", "care", None,
                     after={"opened": opened, "skipped": [key for _tid, key in stale]})
    return SyncResult(tuple(opened), tuple(key for _tid, key in stale), rules["care_lookahead_days"])


def generate(session: Session, actor: str) -> SyncResult:
    """`care generate`, run every morning (cron): the greeting tasks of every client."""
    access.require(session, actor, access.ANY_STAFF, N_("open the greeting tasks"))
    return sync(session, actor)


# -- the greetings sent ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GreetingView:
    id: int
    client_id: int
    client: str
    contact_id: int | None
    contact: str | None
    kind: str
    occasion: str | None  # the occasion's key, when the greeting answered one
    day: str | None  # the occasion's day
    note: str
    task_id: int | None  # the greeting task it closed
    at: datetime
    by: str


def _contact(session: Session, client_id: int, ref: str):
    """A contact of this client by id, exact name or a unique part of it (case-insensitive)."""
    ref = " ".join(ref.split())
    rows = list(session.execute(select(contact_t.c.id, contact_t.c.name).where(contact_t.c.client_id == client_id)
                                .order_by(contact_t.c.id)))
    if ref.isdigit():
        rows_by_id = [r for r in rows if r[0] == int(ref)]
        if rows_by_id:
            return rows_by_id[0]
    key = ref.casefold()
    for found in ([r for r in rows if r[1].casefold() == key], [r for r in rows if key in r[1].casefold()]):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise BadInput(_("contact {ref!r} is ambiguous: it matches {names}").format(
                ref=ref, names=_(", ").join(f"{n} ({i})" for i, n in found)),
                hint=_("give the contact's id (see `receptionctl contact list CLIENT`)"))
    raise NotFound(_("client {client} has no contact {ref!r}").format(client=client_id, ref=ref),
                   hint=_("see `receptionctl contact list {client}`").format(client=client_id))


def _match(found: list[Occasion], kind: str, contact_id: int | None, on: date | None, today: date) -> Occasion | None:
    """The occasion a greeting answers: of its kind (and contact), on `on` when given, else the
    one whose task is open and nearest today, else the nearest."""
    cands = [o for o in found if o.kind == kind and (contact_id is None or o.contact_id == contact_id)
             and (on is None or o.day == on) and not o.greeted]
    if not cands:
        return None
    return min(cands, key=lambda o: (o.task_state != "open", abs((o.day - today).days), o.day))


def log(session: Session, actor: str, client_ref: str, kind: str, note: str, *, contact: str | None = None,
        on: date | None = None) -> Done:
    """Record a greeting sent to a client (and one of its contacts): a birthday wish, a holiday
    greeting, an anniversary's or an achievement's congratulations. It answers the client's
    occasion of that kind around today (within care_lookahead_days either side; `on`: that day's)
    and closes its greeting task; audited."""
    from receptionctl.store.tables.care import CareLog

    access.require(session, actor, CARE_WRITE, N_("record greetings"))
    if kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {kinds}").format(kind=kind, kinds=", ".join(KINDS)))
    note = required_text(note, "--note", N_("what was sent"))
    client = find.client(session, client_ref)
    person = _contact(session, client.id, contact) if contact else None
    rules = policy.load(session)
    today, zone = policy.today(rules), policy.work_zone(rules)
    reach = timedelta(days=rules["care_lookahead_days"])
    start, end = (on, on) if on is not None else (today - reach, today + reach)
    found, _clients_read = _gather(session, rules, start, end, [client.id])
    found, _tasks = _with_state(session, found, start, zone, [client.id])
    occasion = _match(found, kind, person[0] if person else None, on, today)
    if occasion is not None and person is None and occasion.contact_id is not None:
        person = (occasion.contact_id, occasion.contact)
    row = CareLog(client_id=client.id, contact_id=person[0] if person else None, kind=kind,
                  occasion=occasion.key if occasion else None, day=f"{occasion.day:%Y-%m-%d}" if occasion else None,
                  note=note, task_id=None, at=clock.now(), by=actor)
    warnings = []
    if occasion is not None and occasion.task_state == "open":
        engine.close_task(session, occasion.task_id, actor, note)
        row.task_id = occasion.task_id
    elif occasion is None and kind != "other":
        warnings.append(_("no {kind} of {client} around {day} is waiting for a greeting: recorded on its own").format(
            kind=code(kind, "care"), client=client.name, day=on or today))
    session.add(row)
    session.flush()
    view = _greeting(row, client.name, person[1] if person else None)
    audit.record(session, actor, "care.log", "care_log", row.id,
                 after={"client": client.name, "contact": view.contact, "kind": kind, "occasion": row.occasion,
                        "task": row.task_id, "note": note})
    return Done(view, warnings)


def _greeting(row, client: str, contact: str | None) -> GreetingView:
    return GreetingView(row.id, row.client_id, client, row.contact_id, contact, row.kind, row.occasion, row.day,
                        row.note, row.task_id, row.at, row.by)


def history(session: Session, *, client: str | None = None, start: datetime | None = None,
            end: datetime | None = None, kind: str | None = None) -> list[GreetingView]:
    """The greetings sent, newest first, filtered in SQL (one statement)."""
    if kind is not None and kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {kinds}").format(kind=kind, kinds=", ".join(KINDS)))
    g = log_t.c
    q = (select(log_t, client_t.c.name.label("client_name"), contact_t.c.name.label("contact_name"))
         .join(client_t, client_t.c.id == g.client_id)
         .outerjoin(contact_t, contact_t.c.id == g.contact_id))
    if client is not None:
        q = q.where(g.client_id == find.client(session, client).id)
    if start is not None:
        q = q.where(g.at >= start)
    if end is not None:
        q = q.where(g.at < end)
    if kind is not None:
        q = q.where(g.kind == kind)
    return [_greeting(row, row.client_name, row.contact_name) for row in
            session.execute(q.order_by(g.at.desc(), g.id.desc()))]


# -- a client's care dates -------------------------------------------------------------------------
@dataclass(frozen=True)
class CareDateView:
    id: int
    client_id: int
    client: str
    name: str
    day: str  # "MM-DD" (every year), "YYYY-MM-DD" (every year since, or that day alone when once)
    once: bool
    created_at: datetime
    created_by: str


def _date_view(row, client: str) -> CareDateView:
    return CareDateView(row.id, row.client_id, client, row.name, row.day, row.once, row.created_at, row.created_by)


def list_dates(session: Session, client: str | None = None) -> list[CareDateView]:
    """The care dates (of one client), by client and day."""
    q = select(date_t, client_t.c.name.label("client_name")).join(client_t, client_t.c.id == date_t.c.client_id)
    if client is not None:
        q = q.where(date_t.c.client_id == find.client(session, client).id)
    rows = session.execute(q.order_by(client_t.c.name_key, date_t.c.id)).all()
    return sorted((_date_view(row, row.client_name) for row in rows),
                  key=lambda v: (v.client.casefold(), v.day[-5:], v.id))


def add_date(session: Session, actor: str, client_ref: str, name: str, day: str, *, once: bool = False) -> Done:
    """A date the client is greeted on every year ("MM-DD", or "YYYY-MM-DD": every year since), or
    on that one day (`once`, a full date): a founding day, a plant's opening, an award. Its greeting
    task opens at once when the day is near; audited."""
    from receptionctl.store.tables.care import CareDate

    access.require(session, actor, access.CLIENT_WRITE, N_("add care dates"))
    client = find.client(session, client_ref)
    name = required_text(name, N_("the care date's name"), N_("what the day is"), limit=200)
    name = " ".join(name.split())
    day = parse_yearly(day, N_("care date"))
    if once and len(day) != 10:
        raise BadInput(_("care date {day!r} with --once is not valid: expected the full date, YYYY-MM-DD").format(
            day=day))
    same = session.scalar(select(CareDate.id).where(CareDate.client_id == client.id, CareDate.day == day,
                                                    CareDate.name == name))
    if same is not None:
        raise Refused(_("client {client} has care date {name!r} on {day} already (id {id})").format(
            client=client.name, name=name, day=day, id=same))
    row = CareDate(client_id=client.id, name=name, day=day, once=once, created_at=clock.now(), created_by=actor)
    session.add(row)
    session.flush()
    view = _date_view(row, client.name)
    audit.record(session, actor, "care_date.add", "care_date", row.id,
                 after={"client": client.name, "name": name, "day": day, "once": once})
    done = sync(session, actor, [client.id])
    return Done(view, opened_words(done))


def remove_date(session: Session, actor: str, date_id: int) -> Done:
    """Remove a care date; its open greeting tasks are skipped. Audited."""
    from receptionctl.store.tables.care import CareDate
    from receptionctl.store.tables.common import Client

    access.require(session, actor, access.CLIENT_WRITE, N_("remove care dates"))
    row = session.get(CareDate, date_id)
    if row is None:
        raise NotFound(_("no care date {id}").format(id=date_id), hint=_("see `receptionctl care date list`"))
    client = session.get(Client, row.client_id)
    view = _date_view(row, client.name)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "care_date.remove", "care_date", date_id,
                 before={"client": client.name, "name": view.name, "day": view.day, "once": view.once})
    sync(session, actor, [client.id])
    return Done(view)


def opened_words(done: SyncResult) -> list[str]:
    """What a change opened, for its messages."""
    if not done.opened:
        return []
    return [ngettext("{n} greeting task opened (see `receptionctl care list`)",
                     "{n} greeting tasks opened (see `receptionctl care list`)", len(done.opened)).format(
        n=len(done.opened))]
