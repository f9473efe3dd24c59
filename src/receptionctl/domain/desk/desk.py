"""The front desk (seed 004, 总台交接班制度): shifts, the front-desk duty log, and the shift
handover with the incoming person's right to refuse.

    shift started → entries in the duty log (append-only; a correction points back)
    → handover prepared by the outgoing person: a summary, what is open (listed
      automatically), every item of the policy's handover_checklist checked together
    → accepted by the incoming person (both signatures: who and when)
      or refused with the question not answered: the outgoing shift stays responsible, the
      supervisor is alerted (a desk task) and settles it; then the incoming person accepts
    → the outgoing shift ends (only with its handover accepted, or saying why there was none)
    → the manager reviews the day's handovers, once a day; a day not reviewed in time is an
      alert in the daily report.

Passes, goods and mail are domain/desk/passes.py's; what they leave open is read here straight
from their tables, so that neither module waits for the other."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Integer, literal_column, null, or_, select, union_all

from receptionctl.domain import engine
from receptionctl.domain.cases.cases import list_cases
from receptionctl.domain.core import access, audit, clock, find, outbox, policy, stored
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import required_text
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, chinese, choices, code, ngettext, typed
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.desk import DeskShift, Handover


# who may do what (admin always may)
DESK = frozenset({"desk", "security", "desk_supervisor"})  # shifts, the duty log, handovers
SUPERVISE = frozenset({"desk_supervisor"})  # settle a refused handover, review the day's handovers
LOG_KINDS = ("visitor", "call", "delivery", "repair", "help", "security", "enquiry", "other")  # cli.desk.LogKind
CHECK_STATES = ("ok", "problem")
HANDOVER_STATES = ("pending", "refused", "settled", "accepted")
REVIEW_GRACE_DAYS = 7  # a day not reviewed stays an alert this many days after its deadline
SETTLE_KEY = "handover-settle"  # the supervisor's task when a handover is refused
PASSED_KEY = "desk-passed-on"  # the task of the person a duty-log entry was passed to
# seed 004: 如遇外来客人询问大厦、小区内客户的情况，只能提供房间号码，注意保密纪律 (shown after an enquiry is logged)
ENQUIRY_RULE = N_("reminder: an outsider asking about a resident or a guest is told the room number only, "
                  "never more")
# a log kind in the Chinese title of a task (stored, whatever the run's language)
_KIND_ZH = {"visitor": "访客", "call": "来电", "delivery": "快递", "repair": "报修", "help": "求助",
            "security": "安保", "enquiry": "问询", "other": "其他"}


# -- read models ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftView:
    id: int
    user: str
    name: str
    shift: str
    started_at: datetime
    ended_at: datetime | None
    handover_id: int | None  # the shift's handover, once prepared
    handover_state: str | None


@dataclass(frozen=True)
class DeskLogView:
    id: int
    at: datetime
    by: str
    shift_id: int | None
    kind: str
    text: str
    passed_to: str | None
    task_id: int | None
    task_state: str | None
    corrects_id: int | None
    corrected_by: tuple[int, ...]  # the entries that correct this one
    corrected: bool


@dataclass(frozen=True)
class OpenItem:
    kind: str  # case | pass | mail | guest
    id: int
    text: str


@dataclass(frozen=True)
class CheckView:
    item: str
    ok: bool
    note: str | None


@dataclass(frozen=True)
class HandoverView:
    id: int
    shift_id: int
    shift: str
    from_by: str  # the outgoing person, who signed it when preparing it
    prepared_at: datetime
    summary: str
    open_items: tuple[OpenItem, ...]
    checks: tuple[CheckView, ...]
    state: str  # pending | refused | settled | accepted
    to_by: str | None  # the incoming person who accepted it (or refused it)
    accepted_at: datetime | None
    refused_at: datetime | None
    question: str | None
    settled_at: datetime | None
    settled_by: str | None
    settlement: str | None

    @property
    def problems(self) -> tuple[CheckView, ...]:
        return tuple(c for c in self.checks if not c.ok)


@dataclass(frozen=True)
class ReviewView:
    day: date
    handovers: tuple[HandoverView, ...]
    reviewed_at: datetime | None
    reviewed_by: str | None
    note: str | None


# -- helpers -------------------------------------------------------------------------------
def _zone(session: Session):
    return policy.work_zone(policy.load(session))


def _day_bounds(session: Session, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0), _zone(session))
    return start, start + timedelta(days=1)


def _open_shift(session: Session, staff_id: int) -> DeskShift | None:
    from receptionctl.store.tables.desk import DeskShift
    return session.scalars(select(DeskShift).where(DeskShift.staff_id == staff_id, DeskShift.ended_at.is_(None))
                           .order_by(DeskShift.started_at.desc(), DeskShift.id.desc())).first()


def _state(h: Handover) -> str:
    if h.accepted_at is not None:
        return "accepted"
    if h.refused_at is not None:
        return "settled" if h.settled_at is not None else "refused"
    return "pending"


def _minute(moment: datetime) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


def _clip(value: str, limit: int = 80) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


# -- shifts --------------------------------------------------------------------------------
def shift_at(shifts, moment: datetime, zone) -> str | None:
    """The name of the policy's shift whose hours contain `moment` (a shift may run past
    midnight: 23:00-07:00), or None."""
    hm = moment.astimezone(zone).strftime("%H:%M")
    for name, start, end in shifts:
        if start == end or (start < end and start <= hm < end) or (start > end and (hm >= start or hm < end)):
            return name
    return None


def _shift_views(session: Session, q) -> list[ShiftView]:
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.desk import DeskShift, Handover
    rows = session.execute(
        q.add_columns(Staff.username, Staff.name, Handover.id, Handover.accepted_at, Handover.refused_at,
                      Handover.settled_at)
        .join(Staff, Staff.id == DeskShift.staff_id)
        .outerjoin(Handover, Handover.shift_id == DeskShift.id)
        .order_by(DeskShift.started_at, DeskShift.id))
    out = []
    for s, username, name, h_id, accepted, refused, settled in rows:
        state = None
        if h_id is not None:
            state = "accepted" if accepted else ("settled" if settled else "refused") if refused else "pending"
        out.append(ShiftView(s.id, username, name, s.shift, s.started_at, s.ended_at, h_id, state))
    return out


def _shift_view(session: Session, shift_id: int) -> ShiftView:
    from receptionctl.store.tables.desk import DeskShift
    return _shift_views(session, select(DeskShift).where(DeskShift.id == shift_id))[0]


def start_shift(session: Session, actor: str, shift: str | None = None) -> ShiftView:
    """The acting person is on duty from now: `shift` names one of the policy's desk_shifts
    (default: the one whose hours contain now). One open shift per person."""
    from receptionctl.store.tables.desk import DeskShift
    who = access.require(session, actor, DESK, N_("start a desk shift"))
    rules = policy.load(session)
    names = [n for n, _, _ in rules["desk_shifts"]]
    now = clock.now()
    if shift is None:
        shift = shift_at(rules["desk_shifts"], now, policy.work_zone(rules))
        if shift is None:
            raise BadInput(_("no shift of the policy covers {time}: expected a shift named, one of {choices}").format(
                time=f"{clock.local(now):%H:%M}", choices=", ".join(names)),
                hint=_("the hours are the policy's desk_shifts"))
    elif typed(shift.strip().lower(), names) is None:  # a name, or its word: 早班 is morning
        raise BadInput(_("shift {shift!r} is not valid: expected one of {choices}").format(
            shift=shift, choices=choices(names)), hint=_("the list is the policy's desk_shifts"))
    shift = typed(shift.strip().lower(), names)
    current = _open_shift(session, who.id)
    if current is not None:
        raise Refused(_("{user} is on shift {shift} ({name}, since {at}) already: one open shift per person").format(
            user=actor, shift=current.id, name=code(current.shift), at=_minute(current.started_at)),
            hint=_("end it first (after its handover is accepted)"))
    row = DeskShift(staff_id=who.id, shift=shift, started_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "desk.shift_start", "desk_shift", row.id, after={"shift": shift})
    return _shift_view(session, row.id)


def end_shift(session: Session, actor: str, without_handover: str | None = None) -> ShiftView:
    """The acting person's shift ends. The outgoing shift stays responsible until its handover
    is accepted (seed 004): so the shift ends only with an accepted handover, or, when nobody
    takes over, with `without_handover` saying why, written in the duty log."""
    from receptionctl.store.tables.desk import DeskLog, Handover
    who = access.require(session, actor, DESK, N_("end a desk shift"))
    row = _open_shift(session, who.id)
    if row is None:
        raise Refused(_("{user} has no open shift to end").format(user=actor))
    handover = session.scalars(select(Handover).where(Handover.shift_id == row.id)
                               .order_by(Handover.id.desc())).first()
    reason = None
    if handover is not None:
        state = _state(handover)
        if state != "accepted":
            why = {"pending": N_("shift {shift} cannot end: its handover {handover} waits for the incoming person to "
                                 "accept it; the outgoing shift stays responsible until the handover is accepted"),
                   "refused": N_("shift {shift} cannot end: its handover {handover} was refused by {user} and waits "
                                 "for the supervisor to settle it; the outgoing shift stays responsible until the "
                                 "handover is accepted"),
                   "settled": N_("shift {shift} cannot end: its handover {handover} was settled by the supervisor "
                                 "and waits for the incoming person to accept it; the outgoing shift stays "
                                 "responsible until the handover is accepted")}[state]
            raise Refused(_(why).format(shift=row.id, handover=handover.id, user=handover.to_by))
        if without_handover is not None:
            raise BadInput(_("handover {handover} of shift {shift} was accepted: no reason for ending without one is "
                             "needed").format(handover=handover.id, shift=row.id))
    else:
        if without_handover is None:
            raise Refused(_("shift {shift} has no handover: the outgoing shift stays responsible until the incoming "
                            "person accepts one").format(shift=row.id),
                          hint=_("prepare the handover, or say why the shift ends without one"))
        reason = required_text(without_handover, N_("the reason"), N_("why the shift ends without a handover"),
                               limit=2000)
    now = clock.now()
    row.ended_at = now
    if reason is not None:
        entry = DeskLog(at=now, by=actor, shift_id=row.id, kind="other",  # written for the actor, in their language
                        text=_("shift {shift} ({name}) ended without a handover: {reason}").format(
                            shift=row.id, name=code(row.shift), reason=reason))
        session.add(entry)
    session.flush()
    audit.record(session, actor, "desk.shift_end", "desk_shift", row.id,
                 after={"shift": row.shift, "handover_id": handover.id if handover else None,
                        "without_handover": reason})
    return _shift_view(session, row.id)


def list_shifts(session: Session, actor: str, day: date | None = None) -> list[ShiftView]:
    """The shifts that started on `day` (default today), and any still open."""
    from receptionctl.store.tables.desk import DeskShift
    access.require(session, actor, DESK, N_("see the desk's shifts"))
    start, end = _day_bounds(session, day or policy.today(session))
    q = select(DeskShift).where(or_((DeskShift.started_at >= start) & (DeskShift.started_at < end),
                                    DeskShift.ended_at.is_(None) & (DeskShift.started_at < end)))
    return _shift_views(session, q)


# -- the duty log ----------------------------------------------------------------------------
def _log_views(session: Session, q) -> list[DeskLogView]:
    from sqlalchemy.orm import aliased  # a query of the table classes

    from receptionctl.store.tables.common import Staff, Task
    from receptionctl.store.tables.desk import DeskLog
    passed = aliased(Staff, name="passed")
    rows = session.execute(q.add_columns(passed.username, Task.state)
                           .outerjoin(passed, passed.id == DeskLog.passed_to_id)
                           .outerjoin(Task, Task.id == DeskLog.task_id)
                           .order_by(DeskLog.at, DeskLog.id)).all()
    ids = [r[0].id for r in rows]
    corrected: dict[int, list[int]] = {}
    if ids:
        for entry_id, target in session.execute(select(DeskLog.id, DeskLog.corrects_id)
                                                .where(DeskLog.corrects_id.in_(ids)).order_by(DeskLog.id)):
            corrected.setdefault(target, []).append(entry_id)
    return [DeskLogView(e.id, e.at, e.by, e.shift_id, e.kind, e.text, to, e.task_id, task_state, e.corrects_id,
                        tuple(corrected.get(e.id, ())), e.id in corrected) for e, to, task_state in rows]


def add_entry(session: Session, actor: str, text: str, *, kind: str | None = None, passed_to: str | None = None,
              corrects: int | None = None) -> DeskLogView:
    """A line of the front-desk duty log, on the writer's open shift when there is one. What
    is passed on to someone becomes their task, due at once. The log is append-only: a
    correction is a new entry pointing at the one it corrects (`corrects`)."""
    from receptionctl.store.tables.desk import DeskLog
    access.require(session, actor, DESK, N_("write the front-desk duty log"))
    text = required_text(text, N_("the entry"), N_("what happened, was asked or passed on"), limit=4000)
    if kind is not None and kind not in LOG_KINDS:
        raise BadInput(_("kind {value!r} is not valid: expected one of {choices}").format(
            value=kind, choices=", ".join(LOG_KINDS)))
    old = None
    if corrects is not None:
        old = session.get(DeskLog, corrects)
        if old is None:
            raise NotFound(_("no duty-log entry {entry} to correct").format(entry=corrects),
                           hint=_("see the duty log of its day"))
    kind = kind or (old.kind if old is not None else "other")
    person = find.staff(session, passed_to, N_("passing on"), active_only=True) if passed_to is not None else None
    who = access.find_actor(session, actor)
    shift = _open_shift(session, who.id)
    now = clock.now()
    row = DeskLog(at=now, by=actor, shift_id=shift.id if shift else None, kind=kind, text=text,
                  passed_to_id=person.id if person else None, corrects_id=corrects)
    session.add(row)
    session.flush()
    if person is not None:
        row.task_id = engine.open_desk_task(
            session, PASSED_KEY, f"Duty log {row.id} ({kind}), passed on by {actor}: {_clip(text)}",
            f"前台值班记录第{row.id}条（{_KIND_ZH.get(kind, kind)}），{actor}转达：{_clip(text)}", "staff", now,
            assignee_id=person.id)
        session.flush()
    audit.record(session, actor, "desk.log", "desk_log", row.id,
                 after={"kind": kind, "text": text, "shift_id": row.shift_id,
                        "passed_to": person.username if person else None, "task_id": row.task_id,
                        "corrects_id": corrects})
    return _log_views(session, select(DeskLog).where(DeskLog.id == row.id))[0]


def list_entries(session: Session, actor: str, day: date | None = None,
                 shift_id: int | None = None) -> list[DeskLogView]:
    """The duty log of a day (default today, unless a shift is given) and/or of one shift;
    each entry says which later entries correct it."""
    from receptionctl.store.tables.desk import DeskLog, DeskShift
    access.require(session, actor, DESK, N_("read the front-desk duty log"))
    q = select(DeskLog)
    if shift_id is not None:
        if session.get(DeskShift, shift_id) is None:
            raise NotFound(_("no shift {shift}").format(shift=shift_id), hint=_("see the day's shifts"))
        q = q.where(DeskLog.shift_id == shift_id)
    if day is not None or shift_id is None:
        start, end = _day_bounds(session, day or policy.today(session))
        q = q.where(DeskLog.at >= start, DeskLog.at < end)
    return _log_views(session, q)


# -- handovers -------------------------------------------------------------------------------
_CHECK = re.compile(r"^(?P<item>[^=＝]*)(?P<sep>[=＝])?(?P<status>[^:：]*)(?::|：)?(?P<note>.*)$", re.DOTALL)


def _check_forms() -> str:
    """ITEM=ok or ITEM=problem, in the run's language (ITEM=正常 or ITEM=有问题)."""
    ok, problem = (code(s) or s for s in CHECK_STATES) if chinese() else CHECK_STATES
    return _("ITEM={ok} or ITEM={problem}, optionally with :NOTE").format(ok=ok, problem=problem)


HANDOVER_CHECKLIST = "handover_checklist"


def parse_checks(values, checklist, key: str = HANDOVER_CHECKLIST) -> tuple[CheckView, ...]:
    """`ITEM=ok`, `ITEM=problem` or either with `:NOTE`, one for every item of the checklist
    (the policy's handover_checklist, or the policy list `key` names: desk_open_checklist ...), in
    its order. The item and the state may be given in words (i18n.typed: `钥匙=正常`,
    `对讲机=有问题：一块电池没电`), with full-width = and : too."""
    found = _given_checks(values, checklist, key)
    missing = [i for i in checklist if i not in found]
    if missing and key != HANDOVER_CHECKLIST:
        raise BadInput(_("the checklist is not complete: {missing} not checked; expected every item of the "
                         "policy's {key} ({checklist})").format(missing=choices(missing), key=key,
                                                                 checklist=choices(checklist)))
    if missing:
        raise BadInput(_("the handover checklist is not complete: {missing} not checked; every item of the "
                         "checklist ({checklist}) is checked by both shifts together").format(
            missing=choices(missing), checklist=choices(checklist)))
    return tuple(found[i] for i in checklist)


def _given_checks(values, checklist, key: str = HANDOVER_CHECKLIST) -> dict[str, CheckView]:
    """The checks given, each valid and on the checklist (the policy's list `key`), by item."""
    found: dict[str, CheckView] = {}
    for value in values:
        m = _CHECK.match(str(value))
        given, status, note = m.group("item").strip().lower(), m.group("status").strip().lower(), m.group("note")
        if not m.group("sep") or not given:
            raise BadInput(_("check {value!r} is not valid: expected {forms}").format(value=value, forms=_check_forms()))
        item = typed(given, checklist)
        if item is None and key != HANDOVER_CHECKLIST:
            raise BadInput(_("check {value!r}: {item!r} is not on the checklist: expected one of {choices}").format(
                value=value, item=given, choices=choices(checklist)),
                hint=_("the list is the policy's {key}").format(key=key))
        if item is None:
            raise BadInput(_("check {value!r}: {item!r} is not on the handover checklist: expected one of "
                             "{choices}").format(value=value, item=given, choices=choices(checklist)),
                           hint=_("the list is the policy's handover_checklist"))
        status = typed(status, CHECK_STATES)
        if status is None:
            raise BadInput(_("check {value!r}: {status!r} is not valid: expected {forms}").format(
                value=value, status=m.group("status").strip(), forms=_check_forms()))
        if item in found:
            raise BadInput(_("{item} is checked twice: expected each item once").format(item=code(item)))
        note = " ".join(note.split()) or None
        if note is not None and len(note) > 500:
            raise BadInput(_("the note on {item} is too long: expected at most 500 characters").format(item=code(item)))
        found[item] = CheckView(item, status == "ok", note)
    return found


def open_items(session: Session, actor: str) -> list[OpenItem]:
    """What is open now, for a handover: cases not closed (never a complaint about staff), passes
    not returned, mail not collected, guests still on site. Four statements. Their texts are
    written in the language of the run (they are stored with the handover, as its summary)."""
    from receptionctl.store.tables.common import Client, Staff, Visit
    from receptionctl.store.tables.desk import MailItem, SitePass
    from receptionctl.store.tables.visits import Guest
    out = []
    for c in list_cases(session, actor, open_only=True):
        if c.restricted:  # a complaint about staff: the handover is read by the whole desk
            continue
        said = dict(kind=code(c.kind), state=code(c.state).replace("_", " "), client=c.client,
                    text=_clip(stored.case_text(c.text)))
        out.append(OpenItem("case", c.id, _("{kind}, {state}, {client}: {text}").format(**said) if c.client
                            else _("{kind}, {state}: {text}").format(**said)))
    for pass_id, name, company, until in session.execute(
            select(SitePass.id, SitePass.name, SitePass.company, SitePass.until)
            .where(SitePass.returned_at.is_(None)).order_by(SitePass.issued_at, SitePass.id)):
        out.append(OpenItem("pass", pass_id, _("{name} ({company}), pass valid until {until}, not returned").format(
            name=name, company=company, until=_minute(until))))
    for mail_id, kind, to, dept, sender, received in session.execute(
            select(MailItem.id, MailItem.kind, Staff.username, MailItem.to_dept, MailItem.sender,
                   MailItem.received_at)
            .outerjoin(Staff, Staff.id == MailItem.to_id)
            .where(MailItem.collected_at.is_(None)).order_by(MailItem.received_at, MailItem.id)):
        said = dict(kind=code(kind), to=to or dept or _("unknown"), sender=sender, at=_minute(received))
        out.append(OpenItem("mail", mail_id, _("{kind} for {to} from {sender}, received {at}, not collected").format(
            **said) if sender else _("{kind} for {to}, received {at}, not collected").format(**said)))
    for guest_id, name, visit_id, client in session.execute(
            select(Guest.id, Guest.name, Guest.visit_id, Client.name)
            .join(Visit, Visit.id == Guest.visit_id).join(Client, Client.id == Visit.client_id)
            .where(Guest.checked_out_at.is_(None), Visit.status == "in_progress")
            .order_by(Guest.checked_in_at, Guest.id)):
        out.append(OpenItem("guest", guest_id, _("{name} of visit {visit} ({client}) is still on site").format(
            name=name, visit=visit_id, client=client)))
    return out


def _handover_views(session: Session, q) -> list[HandoverView]:
    from receptionctl.store.tables.desk import DeskShift, Handover
    rows = session.execute(q.add_columns(DeskShift.shift).join(DeskShift, DeskShift.id == Handover.shift_id)
                           .order_by(Handover.prepared_at, Handover.id))
    out = []
    for h, shift in rows:
        items = tuple(OpenItem(i["kind"], i["id"], i["text"]) for i in json.loads(h.open_items))
        checks = tuple(CheckView(item, bool(c["ok"]), c.get("note")) for item, c in json.loads(h.checks).items())
        out.append(HandoverView(h.id, h.shift_id, shift, h.from_by, h.prepared_at, h.summary, items, checks,
                                _state(h), h.to_by, h.accepted_at, h.refused_at, h.question, h.settled_at,
                                h.settled_by, h.settlement))
    return out


def _view(session: Session, handover_id: int) -> HandoverView:
    from receptionctl.store.tables.desk import Handover
    found = _handover_views(session, select(Handover).where(Handover.id == handover_id))
    if not found:
        raise NotFound(_("no handover {handover}").format(handover=handover_id), hint=_("see the day's handovers"))
    return found[0]


def _load(session: Session, handover_id: int) -> Handover:
    from receptionctl.store.tables.desk import Handover
    row = session.get(Handover, handover_id)
    if row is None:
        raise NotFound(_("no handover {handover}").format(handover=handover_id), hint=_("see the day's handovers"))
    return row


def prepare(session: Session, actor: str, summary: str, checks) -> HandoverView:
    """The outgoing person's handover of their open shift: what happened (`summary`), what is
    open (listed automatically), and every item of the policy's handover_checklist checked
    (`ITEM=ok|problem[:note]`). Signed by the outgoing person: their name and the time."""
    from receptionctl.store.tables.desk import Handover
    who = access.require(session, actor, DESK, N_("prepare a handover"))
    rules = policy.load(session)
    summary = required_text(summary, N_("the summary"), N_("what happened during the shift and what the next one "
                                                           "must know"), limit=8000)
    checked = parse_checks(checks, rules["handover_checklist"])
    shift = _shift_to_hand_over(session, who.id, actor)
    items = open_items(session, actor)
    row = Handover(shift_id=shift.id, from_by=actor, prepared_at=clock.now(), summary=summary,
                   open_items=json.dumps([{"kind": i.kind, "id": i.id, "text": i.text} for i in items],
                                         ensure_ascii=False),
                   checks=json.dumps({c.item: {"ok": c.ok, "note": c.note} for c in checked}, ensure_ascii=False))
    session.add(row)
    session.flush()
    audit.record(session, actor, "desk.handover_prepare", "desk_handover", row.id,
                 after={"shift_id": shift.id, "summary": summary, "open_items": len(items),
                        "problems": [c.item for c in checked if not c.ok]})
    return _view(session, row.id)


def unchecked(session: Session, actor: str, checks) -> tuple[str, ...]:
    """The items of the policy's handover_checklist that `checks` (`ITEM=ok|problem[:NOTE]`) leave
    out, in its order: what the outgoing person is asked at a terminal. What `prepare` would
    refuse whatever the answers (the role, no open shift, a handover already, a check given that
    is not valid) is refused now, before anyone is asked."""
    who = access.require(session, actor, DESK, N_("prepare a handover"))
    checklist = policy.load(session)["handover_checklist"]
    given = _given_checks(checks, checklist)
    _shift_to_hand_over(session, who.id, actor)
    return tuple(i for i in checklist if i not in given)


def _shift_to_hand_over(session: Session, staff_id: int, actor: str) -> DeskShift:
    """The actor's open shift, which has no handover yet."""
    from receptionctl.store.tables.desk import Handover
    shift = _open_shift(session, staff_id)
    if shift is None:
        raise Refused(_("{user} has no open shift: a handover is prepared by the outgoing person, on their "
                        "shift").format(user=actor), hint=_("start your shift first"))
    existing = session.scalars(select(Handover).where(Handover.shift_id == shift.id)).first()
    if existing is not None:
        raise Refused(_("shift {shift} has its handover already: handover {handover} ({state})").format(
            shift=shift.id, handover=existing.id, state=code(_state(existing))),
            hint=_("add what was left out to the duty log"))
    return shift


def _waiting(session: Session, actor: str, handover_id: int | None, states: tuple[str, ...], doing: str) -> Handover:
    """The handover named, or the one handover in `states` prepared by someone else."""
    from receptionctl.store.tables.desk import Handover
    if handover_id is not None:
        return _load(session, handover_id)
    waiting = Handover.refused_at.is_(None) | Handover.settled_at.is_not(None)  # pending or settled
    rows = list(session.scalars(select(Handover).where(Handover.accepted_at.is_(None), Handover.from_by != actor)
                                .where(waiting if "refused" not in states else Handover.id.is_not(None))
                                .order_by(Handover.id).limit(20)))
    found = [h for h in rows if _state(h) in states]
    if not found:  # why not: the oldest refusal still waiting for the supervisor
        rows = list(session.scalars(select(Handover).where(
            Handover.accepted_at.is_(None), Handover.from_by != actor, Handover.refused_at.is_not(None),
            Handover.settled_at.is_(None)).order_by(Handover.id).limit(1)))
    if not found:
        refused = [h for h in rows if _state(h) == "refused"]
        if refused:
            raise Refused(_("handover {handover} was refused by {user} ({question}) and waits for the supervisor to "
                            "settle it").format(handover=refused[0].id, user=refused[0].to_by,
                                                question=refused[0].question))
        none = {"accepted": N_("no handover waits to be accepted"), "refused": N_("no handover waits to be refused")}
        raise NotFound(_(none[doing]), hint=_("the outgoing person prepares it first"))
    if len(found) > 1:
        many = {"accepted": N_("{n} handovers wait to be accepted ({ids}): expected the one meant, by its id"),
                "refused": N_("{n} handovers wait to be refused ({ids}): expected the one meant, by its id")}
        raise BadInput(_(many[doing]).format(n=len(found), ids=", ".join(str(h.id) for h in found)))
    return found[0]


def _not_own(h: Handover, actor: str, doing: str) -> None:
    if h.from_by == actor:
        said = {"accepts": N_("{user} prepared handover {handover}: the incoming person accepts it, not the "
                              "outgoing one"),
                "refuses": N_("{user} prepared handover {handover}: the incoming person refuses it, not the "
                              "outgoing one")}
        raise NotAllowed(_(said[doing]).format(user=actor, handover=h.id))


def accept(session: Session, actor: str, handover_id: int | None = None) -> HandoverView:
    """The incoming person takes over: they read the log, had their questions answered and
    checked the equipment together. Recorded with their name and the time (the second
    signature); the outgoing shift may then end."""
    access.require(session, actor, DESK, N_("accept a handover"))
    h = _waiting(session, actor, handover_id, ("pending", "settled"), "accepted")
    _not_own(h, actor, "accepts")
    state = _state(h)
    if state == "accepted":
        raise Refused(_("handover {handover} was accepted already by {user} ({at})").format(
            handover=h.id, user=h.to_by, at=_minute(h.accepted_at)))
    if state == "refused":
        raise Refused(_("handover {handover} was refused by {user} ({question}) and waits for the supervisor to "
                        "settle it").format(handover=h.id, user=h.to_by, question=h.question))
    h.to_by, h.accepted_at = actor, clock.now()
    session.flush()
    audit.record(session, actor, "desk.handover_accept", "desk_handover", h.id,
                 before={"state": state}, after={"state": "accepted", "from_by": h.from_by})
    return _view(session, h.id)


def refuse(session: Session, actor: str, question: str, handover_id: int | None = None) -> HandoverView:
    """The incoming person does not take over while a question has no clear answer (seed 004):
    the outgoing shift stays responsible, and the supervisor is told at once (a desk task for
    the desk_supervisor role) and settles it."""
    access.require(session, actor, DESK, N_("refuse a handover"))
    question = required_text(question, N_("the question"), N_("what was not answered or not in order"), limit=2000)
    h = _waiting(session, actor, handover_id, ("pending",), "refused")
    _not_own(h, actor, "refuses")
    state = _state(h)
    if state != "pending":
        if h.to_by:
            raise Refused(_("handover {handover} is {state} by {user}: only a handover waiting for the incoming "
                            "person may be refused").format(handover=h.id, state=code(state), user=h.to_by))
        raise Refused(_("handover {handover} is {state}: only a handover waiting for the incoming person may be "
                        "refused").format(handover=h.id, state=code(state)))
    now = clock.now()
    h.to_by, h.refused_at, h.question = actor, now, question
    task_id = engine.open_desk_task(
        session, SETTLE_KEY, f"Handover {h.id}: refused by {actor} ({_clip(question)}); settle it with {h.from_by}",
        f"第{h.id}号交接班：{actor}拒绝接班（{_clip(question)}），请与{h.from_by}协调处理", "desk_supervisor", now)
    session.flush()
    audit.record(session, actor, "desk.handover_refuse", "desk_handover", h.id,
                 before={"state": state}, after={"state": "refused", "question": question, "task_id": task_id})
    outbox.emit(session, "handover.refuse", {"handover_id": h.id, "from_by": h.from_by, "question": question, "task_id": task_id, "by": actor})
    return _view(session, h.id)


def settle(session: Session, actor: str, handover_id: int, note: str) -> HandoverView:
    """The supervisor has dealt with a refused handover; the incoming person may now accept it."""
    from receptionctl.store.tables.common import Task
    access.require(session, actor, SUPERVISE, N_("settle a refused handover"))
    note = required_text(note, N_("the note"), N_("how the question was answered or settled"), limit=2000)
    h = _load(session, handover_id)
    state = _state(h)
    if state != "refused":
        raise Refused(_("handover {handover} is {state}: only a refused handover is settled").format(
            handover=h.id, state=code(state)))
    h.settled_at, h.settled_by, h.settlement = clock.now(), actor, note
    task_id = session.scalar(select(Task.id).where(Task.key == SETTLE_KEY, Task.state == "open",
                                                   Task.title.like(f"Handover {h.id}: %")))
    if task_id is not None:
        engine.close_task(session, task_id, actor, note)
    session.flush()
    audit.record(session, actor, "desk.handover_settle", "desk_handover", h.id,
                 before={"state": state}, after={"state": "settled", "note": note, "task_id": task_id})
    return _view(session, h.id)


def list_handovers(session: Session, actor: str, day: date | None = None) -> list[HandoverView]:
    """The handovers prepared on `day` (default today)."""
    from receptionctl.store.tables.desk import Handover
    access.require(session, actor, DESK, N_("see handovers"))
    start, end = _day_bounds(session, day or policy.today(session))
    return _handover_views(session, select(Handover).where(Handover.prepared_at >= start, Handover.prepared_at < end))


def show_handover(session: Session, actor: str, handover_id: int) -> HandoverView:
    access.require(session, actor, DESK, N_("see handovers"))
    return _view(session, handover_id)


def review(session: Session, actor: str, day: date, note: str | None = None) -> ReviewView:
    """The manager has read the day's handovers and signs them (seed 004: every day); once per
    day. A day not reviewed within the policy's handover_review_hours of its end is an alert."""
    from receptionctl.store.tables.desk import Handover, HandoverReview
    access.require(session, actor, SUPERVISE, N_("review the day's handovers"))
    if day > policy.today(session):
        raise BadInput(_("day {day} is in the future: expected today or a past day").format(day=day))
    done = session.get(HandoverReview, day.isoformat())
    if done is not None:
        raise Refused(_("the handovers of {day} were reviewed already ({user}, {at})").format(
            day=day, user=done.by, at=_minute(done.at)))
    start, end = _day_bounds(session, day)
    handovers = tuple(_handover_views(session, select(Handover).where(Handover.prepared_at >= start,
                                                                      Handover.prepared_at < end)))
    if not handovers:
        raise Refused(_("no handover was prepared on {day}: nothing to review").format(day=day))
    note = (note or "").strip() or None
    row = HandoverReview(day=day.isoformat(), at=clock.now(), by=actor, note=note)
    session.add(row)
    session.flush()
    audit.record(session, actor, "desk.handover_review", "desk_handover_review", None,
                 after={"day": day.isoformat(), "handovers": len(handovers), "note": note})
    return ReviewView(day, handovers, row.at, row.by, row.note)


# -- for the daily report ----------------------------------------------------------------------
def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what the front desk's manager must see: each refused handover not
    settled (`handover_refused`), and each day whose handovers were not reviewed within the
    policy's handover_review_hours of its end (`handover_review`; looked for back to
    REVIEW_GRACE_DAYS days past the deadline). One statement: the refused handovers, the
    handovers prepared on those days and the days' reviews, the three parts of a union."""
    rules = policy.load(session)
    zone = policy.work_zone(rules)
    h, shift_, review_ = light.desk_handover.c, light.desk_shift.c, light.desk_handover_review.c
    hours = rules["handover_review_hours"]
    today = now.astimezone(zone).date()
    due = [today - timedelta(days=i) for i in range(math.ceil(hours / 24) + REVIEW_GRACE_DAYS + 1)]
    due = [d for d in due if datetime.combine(d, time(0, 0), zone) + timedelta(days=1, hours=hours) <= now]
    parts = [select(literal_column("0", Integer).label("part"), h.id, h.from_by, h.to_by, h.refused_at.label("at"),
                    h.question, shift_.shift, null().label("day"))
             .join(light.desk_shift, shift_.id == h.shift_id)
             .where(h.refused_at.is_not(None), h.refused_at <= now, h.settled_at.is_(None), h.accepted_at.is_(None))]
    if due:
        start = datetime.combine(min(due), time(0, 0), zone)
        end = datetime.combine(max(due), time(0, 0), zone) + timedelta(days=1)
        parts += [select(literal_column("1", Integer), h.id, null(), null(), h.prepared_at, null(), null(), null())
                  .where(h.prepared_at >= start, h.prepared_at < end),
                  select(literal_column("2", Integer), null(), null(), null(), null(), null(), null(), review_.day)
                  .where(review_.day.in_([d.isoformat() for d in due]))]
    both = union_all(*parts).subquery()
    rows = session.execute(select(both).order_by(both.c.part, both.c.at, both.c.id)).all()
    out: list[Alert] = []
    for r in (r for r in rows if r.part == 0):
        out.append(Alert("handover_refused", _("handover {handover} ({shift} shift of {user}) was refused by {by} at "
                                               "{at}: {question}; {user}'s shift stays responsible until the "
                                               "supervisor settles it").format(
            handover=r.id, shift=code(r.shift), user=r.from_by, by=r.to_by, at=_minute(r.at),
            question=_clip(r.question, 120))))
    counts: dict[date, int] = {}
    for r in (r for r in rows if r.part == 1):
        d = r.at.astimezone(zone).date()
        counts[d] = counts.get(d, 0) + 1
    reviewed = {r.day for r in rows if r.part == 2}
    for d in sorted(counts):
        if d.isoformat() not in reviewed:
            out.append(Alert("handover_review", ngettext(
                "the {n} handover of {day} was not reviewed and signed by the manager within {hours} h of the "
                "day's end",
                "the {n} handovers of {day} were not reviewed and signed by the manager within {hours} h of the "
                "day's end", counts[d]).format(n=counts[d], day=d, hours=hours)))
    return out
