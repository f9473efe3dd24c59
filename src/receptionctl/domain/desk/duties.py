"""The desk's own duties before and after hours (seed 003, chapter 4: 营业时间段前后的值班管理 and
the operations checklist, 运营检查表): the desk is opened with the policy's desk_open_checklist
and closed with its desk_close_checklist, every item checked, ok or a problem with a note (the
handover's parser, desk.parse_checks), once each a day; `desk day` shows a day's opening and
closing beside its shifts, duty log and handovers. What was left undone is an alert in the daily
report: a day opened and not closed, a problem found at the last opening or closing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from receptionctl.domain.core import access, audit, clock, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.desk import desk
from receptionctl.domain.desk.desk import DESK, CheckView, ShiftView
from receptionctl.errors import BadInput, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = ("open", "close")
CHECKLIST = {"open": "desk_open_checklist", "close": "desk_close_checklist"}  # the policy key of each
GRACE_DAYS = 7  # a day opened and not closed is an alert this many days
# the items of the default checklists as they are shown (i18n.code; keys, radios, phone, mail,
# badge-stock and logbook are the handover's), and the duty log's enquiry
CODES = (N_("code|appearance"), N_("code|counter"), N_("code|lights"), N_("code|computer"), N_("code|passes"),
         N_("code|doors"), N_("code|enquiry"))


@dataclass(frozen=True)
class DeskCheckView:
    id: int
    kind: str  # open | close
    day: date
    at: datetime
    by: str
    shift_id: int | None  # the shift of the person who checked, when they were on one
    checks: tuple[CheckView, ...]
    note: str | None

    @property
    def problems(self) -> tuple[CheckView, ...]:
        return tuple(c for c in self.checks if not c.ok)


@dataclass(frozen=True)
class DeskDayView:
    day: date
    opening: DeskCheckView | None
    closing: DeskCheckView | None
    shifts: tuple[ShiftView, ...]
    log_entries: int
    handovers: int


def _view(row) -> DeskCheckView:
    """`row`: a desk check, a stored one or a row of light.desk_check."""
    checks = tuple(CheckView(item, bool(c["ok"]), c.get("note")) for item, c in json.loads(row.checks).items())
    return DeskCheckView(row.id, row.kind, date.fromisoformat(row.day), row.at, row.by, row.shift_id, checks, row.note)


def _minute(moment: datetime) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(_("kind {value!r} is not valid: expected one of {choices}").format(value=kind,
                                                                                        choices=", ".join(KINDS)))
    return kind


_DONE = {"open": N_("the desk was opened already on {day} ({user}, {at})"),
         "close": N_("the desk was closed already on {day} ({user}, {at})")}


def _not_done(session: Session, kind: str, day: date) -> None:
    from receptionctl.store.tables.desk import DeskCheck
    done = session.scalars(select(DeskCheck).where(DeskCheck.kind == kind, DeskCheck.day == day.isoformat())).first()
    if done is not None:
        raise Refused(_(_DONE[kind]).format(day=day, user=done.by, at=_minute(done.at)),
                      hint=_("see `receptionctl desk day`"))


def unchecked(session: Session, actor: str, kind: str, checks) -> tuple[str, ...]:
    """The items of the opening (or closing) checklist that `checks` leave out, in its order: what
    a terminal asks. What `check` would refuse whatever the answers (the role, done already today,
    a check that is not valid) is refused now."""
    access.require(session, actor, DESK, N_("open or close the desk"))
    kind = _kind(kind)
    rules = policy.load(session)
    _not_done(session, kind, policy.today(rules))
    checklist = rules[CHECKLIST[kind]]
    given = desk._given_checks(checks, checklist, CHECKLIST[kind])
    return tuple(i for i in checklist if i not in given)


def check(session: Session, actor: str, kind: str, checks, note: str | None = None) -> DeskCheckView:
    """The desk opened (`open`) or closed (`close`) today: every item of the policy's checklist
    checked (`ITEM=ok|problem[:NOTE]`), on the checker's shift when they are on one; once a day
    each. Audited."""
    from receptionctl.store.tables.desk import DeskCheck
    who = access.require(session, actor, DESK, N_("open or close the desk"))
    kind = _kind(kind)
    rules = policy.load(session)
    today = policy.today(rules)
    _not_done(session, kind, today)
    key = CHECKLIST[kind]
    checked = desk.parse_checks(checks, rules[key], key)
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > 2000:
        raise BadInput(_("the note is too long: expected at most 2000 characters"))
    shift = desk._open_shift(session, who.id)
    row = DeskCheck(kind=kind, day=today.isoformat(), at=clock.now(), by=actor, shift_id=shift.id if shift else None,
                    checks=json.dumps({c.item: {"ok": c.ok, "note": c.note} for c in checked}, ensure_ascii=False),
                    note=note)
    session.add(row)
    session.flush()  # a second check of the day at once from elsewhere: the unique index refuses it
    audit.record(session, actor, f"desk.{kind}", "desk_check", row.id,
                 after={"day": row.day, "checks": len(checked), "problems": [c.item for c in checked if not c.ok],
                        "note": note, "shift_id": row.shift_id})
    return _view(row)


def day_view(session: Session, actor: str, day: date | None = None) -> DeskDayView:
    """A day at the desk: its opening and closing checks, its shifts, how many duty-log entries
    and handovers it had. Four statements."""
    from receptionctl.store.tables.desk import DeskCheck, DeskLog, Handover
    access.require(session, actor, DESK, N_("see the desk's day"))
    day = day or policy.today(session)
    if day > policy.today(session):
        raise BadInput(_("day {day} is in the future: expected today or a past day").format(day=day))
    found = {r.kind: _view(r) for r in session.scalars(select(DeskCheck).where(DeskCheck.day == day.isoformat()))}
    start = datetime.combine(day, time(0, 0), policy.work_zone(policy.load(session)))
    end = start + timedelta(days=1)
    entries = session.scalar(select(func.count(DeskLog.id)).where(DeskLog.at >= start, DeskLog.at < end)) or 0
    handovers = session.scalar(select(func.count(Handover.id)).where(Handover.prepared_at >= start,
                                                                      Handover.prepared_at < end)) or 0
    shifts = tuple(desk.list_shifts(session, actor, day))
    return DeskDayView(day, found.get("open"), found.get("close"), shifts, entries, handovers)


# -- for the daily report ----------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """A day before `now`'s (back GRACE_DAYS days) whose desk was opened and not closed
    (`desk_unclosed`); the problems found at the last opening or closing, today's or the day
    before's (`desk_problem`). One statement."""
    dc = light.desk_check.c
    zone = policy.work_zone(policy.load(session))
    today = now.astimezone(zone).date()
    first = today - timedelta(days=GRACE_DAYS)
    rows = session.execute(select(light.desk_check).where(dc.day >= first.isoformat(), dc.day <= today.isoformat(),
                                                          dc.at <= now)
                           .order_by(dc.day, dc.at, dc.id)).all()
    by_day: dict[str, dict] = {}
    for r in rows:
        by_day.setdefault(r.day, {})[r.kind] = r
    out = [Alert("desk_unclosed", _("the desk was opened on {day} ({user}, {at}) and not closed with its closing "
                                    "checklist (receptionctl desk close)").format(day=d, user=k["open"].by,
                                                                                  at=_minute(k["open"].at)))
           for d, k in sorted(by_day.items()) if d < today.isoformat() and "open" in k and "close" not in k]
    if rows:
        last = _view(rows[-1])
        if last.day >= today - timedelta(days=1) and last.problems:
            said = {"open": N_("the desk's opening checklist of {day} ({user}) found problems: {problems}"),
                    "close": N_("the desk's closing checklist of {day} ({user}) found problems: {problems}")}
            problems = _(", ").join(f"{code(c.item)} ({c.note})" if c.note else code(c.item) for c in last.problems)
            out.append(Alert("desk_problem", _(said[last.kind]).format(day=last.day, user=last.by, problems=problems)))
    return out
