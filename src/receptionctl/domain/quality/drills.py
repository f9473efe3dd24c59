"""Emergency drills (docs/usage/quality.md; seed 001: the emergency plans drilled regularly, equipment
failures, conflicts and evacuation simulated; seed 000: the rescue plan).

A drill is recorded with its kind, its day (or the moment it was held), who took part and what
was practised and learnt. An evacuation's headcount sheet is the on-site roll call (`onsite
--format csv`, domain/desk/onsite.py): a drill recorded as it ends (`--at now`) keeps the
number of people its headcount found beside the number the roll call lists at that moment, and
says how many are not accounted for. The policy's drill_interval_days says how often there must
be one: none in time is an alert of the daily report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import Done, required_text
from receptionctl.domain.core.vocab import DrillKind
from receptionctl.domain.desk.onsite import on_site
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.common import Staff


KINDS = tuple(k.value for k in DrillKind)
DRILL = frozenset({"coordinator", "duty_manager", "approver", "desk_supervisor", "security"})  # and admin
ROLL_CALL_MINUTES = 5  # a drill recorded at most this long after its moment is compared with the roll call
MAX_COUNT = 100_000


@dataclass(frozen=True)
class DrillView:
    id: int
    kind: str
    day: date
    at: datetime | None
    notes: str
    people: tuple[str, ...]  # usernames
    counted: int | None  # the people the drill's headcount found
    roll_call: int | None  # the people the on-site roll call listed at that moment
    unaccounted: int | None  # roll_call - counted, when both are known
    recorded_at: datetime
    recorded_by: str


def _people(session: Session, names: list[str]) -> list[Staff]:
    refs = [p.strip() for item in names for p in item.split(",") if p.strip()]
    if not refs:
        raise BadInput(_("people '' is not valid: expected the usernames of those who took part"))
    found: dict[int, Staff] = {}
    for ref in refs:
        row = find.staff(session, ref, "--people")
        found.setdefault(row.id, row)
    return sorted(found.values(), key=lambda s: s.username)


def _moment(rules: dict, day: date | None, at: datetime | None) -> tuple[date, datetime | None]:
    now = clock.now()
    zone = policy.work_zone(rules)
    if day is None and at is None:
        raise BadInput(_("a drill needs its day: expected --date DAY, or --at WHEN (--at now as it ends)"))
    if at is not None:
        if at > now:
            raise BadInput(_("held at {at} is in the future: expected when the drill was held, at the latest "
                             "now").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}"))
        if day is not None and day != at.astimezone(zone).date():
            raise BadInput(_("--date {day} and --at {at} name different days: expected one day").format(
                day=day, at=f"{clock.local(at):%Y-%m-%d %H:%M}"))
        return at.astimezone(zone).date(), at
    if day > policy.today(rules):
        raise BadInput(_("day {day} is in the future: expected the day the drill was held, at the latest "
                         "today").format(day=day))
    return day, None


def _headcount(session: Session, at: datetime | None, counted: int | None) -> tuple[int | None, list[str]]:
    """The roll call's count at `at` when the drill is recorded as it ends, and what the headcount
    against it says."""
    now = clock.now()
    if at is None or now - at > timedelta(minutes=ROLL_CALL_MINUTES):
        return None, []
    listed = len(on_site(session, at))
    if counted is None or counted == listed:
        return listed, []
    if counted < listed:
        return listed, [ngettext("the headcount found {counted} of the {listed} people the roll call lists: {n} "
                                 "person not accounted for",
                                 "the headcount found {counted} of the {listed} people the roll call lists: {n} "
                                 "people not accounted for", listed - counted).format(
            counted=counted, listed=listed, n=listed - counted)]
    return listed, [ngettext("the headcount found {counted} people, {n} more than the roll call lists ({listed}): "
                             "someone on site was not registered",
                             "the headcount found {counted} people, {n} more than the roll call lists ({listed}): "
                             "people on site were not registered", counted - listed).format(
        counted=counted, listed=listed, n=counted - listed)]


def add_drill(session: Session, actor: str, *, kind: str, people: list[str], notes: str, day: date | None = None,
              at: datetime | None = None, counted: int | None = None) -> Done:
    """Record a drill held on `day` (or at `at`), with those who took part and what it practised;
    `counted`: the people its headcount found, compared with the on-site roll call when the
    drill is recorded as it ends (at most ROLL_CALL_MINUTES after `at`). A coordinator, a duty
    manager, an approver, a desk supervisor, security or an admin. Done: the drill, and the
    headcount's difference as a warning."""
    from receptionctl.store.tables.quality import Drill, DrillPerson
    access.require(session, actor, DRILL, N_("record drills"))
    if kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(KINDS)))
    rules = policy.load(session)
    day, at = _moment(rules, day, at)
    notes = required_text(notes, "--notes", N_("what was practised and what was learnt"), limit=4000)
    if counted is not None and not 0 <= counted <= MAX_COUNT:
        raise BadInput(_("count {count} is not valid: expected the number of people the headcount found").format(
            count=counted))
    staff = _people(session, people)
    roll_call, warnings = _headcount(session, at, counted)
    row = Drill(kind=kind, day=day.isoformat(), at=at, notes=notes, counted=counted, roll_call=roll_call,
                recorded_at=clock.now(), recorded_by=actor)
    session.add(row)
    session.flush()
    for s in staff:
        session.add(DrillPerson(drill_id=row.id, staff_id=s.id))
    session.flush()
    audit.record(session, actor, "drill.add", "drill", row.id,
                 after={"kind": kind, "day": row.day, "at": at, "people": [s.username for s in staff],
                        "notes": notes, "counted": counted, "roll_call": roll_call})
    return Done(list_drills(session, drill_id=row.id)[0], warnings)


def list_drills(session: Session, *, kind: str | None = None, first: date | None = None, last: date | None = None,
                drill_id: int | None = None, limit: int | None = None) -> list[DrillView]:
    """Drills, newest first, each with who took part. Two statements."""
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.quality import Drill, DrillPerson
    if kind is not None and kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(KINDS)))
    q = select(Drill)
    if kind is not None:
        q = q.where(Drill.kind == kind)
    if first is not None:
        q = q.where(Drill.day >= first.isoformat())
    if last is not None:
        q = q.where(Drill.day <= last.isoformat())
    if drill_id is not None:
        q = q.where(Drill.id == drill_id)
    drills = list(session.scalars(q.order_by(Drill.day.desc(), Drill.id.desc()).limit(limit)))
    who: dict[int, list[str]] = {}
    if drills:
        for drill, username in session.execute(
                select(DrillPerson.drill_id, Staff.username).join(Staff, Staff.id == DrillPerson.staff_id)
                .where(DrillPerson.drill_id.in_([d.id for d in drills])).order_by(Staff.username)):
            who.setdefault(drill, []).append(username)
    return [DrillView(d.id, d.kind, date.fromisoformat(d.day), d.at, d.notes, tuple(who.get(d.id, ())), d.counted,
                      d.roll_call, None if d.counted is None or d.roll_call is None else d.roll_call - d.counted,
                      d.recorded_at, d.recorded_by) for d in drills]


def alerts(session: Session, now: datetime) -> list[Alert]:
    """drill_overdue when the last drill held by `now`'s day (or, before any, the policy's
    drill_interval_days itself, set at `init` or `db migrate`) is older than that interval. One
    statement (the policy is read once per command)."""
    rules = policy.load(session)
    days = rules["drill_interval_days"]
    if not days:
        return []
    zone = policy.work_zone(rules)
    today = now.astimezone(zone).date()
    last = session.scalar(select(func.max(light.drill.c.day)).where(light.drill.c.day <= today.isoformat()))
    if last is not None:
        due = date.fromisoformat(last) + timedelta(days=days)
        if due < today:
            return [Alert("drill_overdue", _("the last emergency drill was on {last}; one every {days} days (the "
                                             "policy's drill_interval_days) was due {due}").format(
                last=last, days=days, due=due))]
        return []
    since = policy.set_at(session, "drill_interval_days")
    if since is None or since.astimezone(zone).date() + timedelta(days=days) >= today:
        return []
    return [Alert("drill_overdue", _("no emergency drill is recorded; one every {days} days (the policy's "
                                     "drill_interval_days) was due {due}").format(
        days=days, due=since.astimezone(zone).date() + timedelta(days=days)))]

