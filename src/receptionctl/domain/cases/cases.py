"""Service cases: what a client, a guest or a resident raises (a complaint, a repair, a
request for help, a request) and its closed loop (seeds 001, 003, 004):

    received → acknowledged (at once) → assigned to an owner → resolved (root cause, what
    was done, prevention) → the client called back → reviewed by the duty manager → closed

Each step is a command that writes the audit log and opens or closes the case's tasks
(stage "case"), so `task list`, `followup due` and the daily report show case work beside
visit work. What is beyond the handler's remit is escalated to a named person with an
answer promised by a time. A complaint about a member of staff goes to the duty manager and
is seen only by duty managers, approvers and admins; its outcome may deduct points from the
person. A complaint about another customer (seed 003) goes to the duty manager too. A case
taken at the desk and not acknowledged in time goes to the shift leader at once (seed 004:
the desk supervisor; `escalate_unacknowledged`, run by `notify send`). The duty logbook, the
end-of-day check and the patterns live here too."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, lifecycle, outbox, policy, stored
from receptionctl.domain.core.base import required_text, visit_client
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.vocab import CaseKind, CaseSource, CaseState, Severity
from receptionctl.domain.people.clients import resolve_client
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:  # the writes' table classes, imported inside the functions that write
    from receptionctl.store.tables.cases import DutyLog, Escalation
    from receptionctl.store.tables.common import ServiceCase, Staff

# Reads select through the light handles (store/light.py), so that `case list`, `case show`
# and the reports that read cases build no table class (docs/ARCHITECTURE.md, "Reading fast").
service_case, duty_log, case_escalation = light.service_case, light.duty_log, light.case_escalation
case_about_client, case_day_check = light.case_about_client, light.case_day_check

# The stored codes of cases, the front desk and its logs, as they are shown (i18n.code): case
# kinds, sources, states, severities and the policy's default categories; the desk's log kinds,
# default shifts, handover states and checks, the default handover checklist; goods, mail;
# training results; the dimensions of the patterns.
CODES = (
    N_("code|complaint"), N_("code|repair"), N_("code|help"), N_("code|request"),
    N_("code|visit"), N_("code|client"), N_("code|desk"), N_("code|phone"), N_("code|mail"), N_("code|other"),
    N_("code|received"), N_("code|acknowledged"), N_("code|assigned"), N_("code|resolved"), N_("code|called_back"),
    N_("code|reviewed"), N_("code|closed"),
    N_("code|low"), N_("code|medium"), N_("code|high"), N_("code|critical"),
    N_("code|service"), N_("code|staff"), N_("code|facility"), N_("code|product"), N_("code|safety"),
    N_("code|information"),
    N_("code|visitor"), N_("code|call"), N_("code|delivery"), N_("code|security"),
    N_("code|morning"), N_("code|middle"), N_("code|night"),
    N_("code|pending"), N_("code|refused"), N_("code|settled"), N_("code|accepted"), N_("code|ok"), N_("code|problem"),
    N_("code|keys"), N_("code|radios"), N_("code|badge-stock"), N_("code|cameras"), N_("code|logbook"),
    N_("code|pass"), N_("code|guest"),
    N_("code|waiting"), N_("code|agreed"), N_("code|released"),
    N_("code|letter"), N_("code|parcel"), N_("code|newspaper"),
    N_("code|passed"), N_("code|failed"),
    N_("code|category"), N_("code|cause"), N_("code|source"), N_("code|kind"),
)
# a case's kind in the Chinese titles of its tasks (stored, whatever the run's language)
_KIND_ZH = {"complaint": "投诉", "repair": "报修", "help": "求助", "request": "需求"}

# who may do what (admin always may)
RECEIVE = frozenset({"coordinator", "host", "desk", "staff", "security", "duty_manager", "approver",
                     "desk_supervisor"})
MANAGE = frozenset({"coordinator", "duty_manager"})  # assign, escalate, close
REVIEW = frozenset({"duty_manager"})
SEE_STAFF_COMPLAINTS = access.SEE_STAFF_COMPLAINTS  # and admin
URGENT = ("high", "critical")
SHIFT_LEADER_KEY = "case-shift-leader"  # the shift leader's step on a desk case not acknowledged in time
SHIFT_LEADER = "desk_supervisor"  # the shift leader (领班) of the front desk
STAFF_CATEGORY = "staff"  # the category of a complaint about a member of staff, whatever the policy's list


@dataclass(frozen=True)
class EscalationView:
    id: int
    to: str
    to_name: str
    question: str
    promised_at: datetime
    at: datetime
    by: str
    answered_at: datetime | None
    answer: str | None
    overdue: bool


@dataclass(frozen=True)
class CaseView:
    id: int
    kind: str
    source: str
    state: str
    category: str
    severity: str
    text: str
    client: str | None
    client_id: int | None
    visit_id: int | None
    about: str | None  # the member of staff a complaint is about (restricted)
    restricted: bool
    received_at: datetime
    received_by: str
    acknowledged_at: datetime | None
    owner: str | None
    owner_name: str | None
    due_at: datetime | None
    overdue: bool
    root_cause: str | None
    action: str | None
    prevention: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    callback_at: datetime | None
    callback_note: str | None
    satisfied: bool | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None
    closed_at: datetime | None
    escalations: tuple[EscalationView, ...] = ()
    log: tuple = ()  # LogView of the duty logbook about the case
    about_client: str | None = None  # the other customer a complaint is about (seed 003)
    about_client_id: int | None = None
    responsible: str | None = None  # who was found responsible for a complaint, at its resolution (seed 003)


@dataclass(frozen=True)
class LogView:
    id: int
    at: datetime
    by: str
    text: str
    case_id: int | None
    visit_id: int | None


@dataclass(frozen=True)
class DayCheckView:
    day: date
    cases: tuple[CaseView, ...]
    checked_at: datetime | None
    checked_by: str | None
    note: str | None


# -- who sees what -------------------------------------------------------------------------
sees_staff_complaints = access.sees_staff_complaints  # the rule lives in core/access.py


def _visible(q, session: Session, actor: str | None):
    """Complaints about staff only for those who may see them, and never for the person they
    are about."""
    about = service_case.c.about_staff_id
    if actor is None:  # the tool itself sees every case
        return q
    who = access.find_actor(session, actor)  # one read: whether they may see them, and who they are
    if who is None or not who.has(*SEE_STAFF_COMPLAINTS):
        return q.where(about.is_(None))
    return q.where(or_(about.is_(None), about != who.id))


def _checked(session: Session, actor: str, case_id: int, row):
    """`row` (the case `case_id`, an ORM object or a row read through the light handles; None: no
    such case) if `actor` may see it, else NotFound."""
    if row is not None and row.about_staff_id is not None and row.about_staff_id == _staff_id(session, actor):
        row = None  # a complaint about yourself is not yours to see or handle
    if row is None or (row.about_staff_id is not None and not sees_staff_complaints(session, actor)):
        raise NotFound(_("no case {case}").format(case=case_id), hint=_("see `receptionctl case list`"))
    return row


def _seen(session: Session, actor: str, case_id: int):
    """The case's row, read (through the light handles), if `actor` may see it; else NotFound."""
    row = session.execute(select(service_case).where(service_case.c.id == case_id)).first()
    return _checked(session, actor, case_id, row)


def _load(session: Session, actor: str, case_id: int) -> ServiceCase:
    """The case to change (its ORM object), if `actor` may see it; else NotFound."""
    from receptionctl.store.tables.common import ServiceCase

    return _checked(session, actor, case_id, session.get(ServiceCase, case_id))


def _minute(moment: datetime) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


# -- reading -------------------------------------------------------------------------------
def _case_query():
    """The cases' columns, with the names of their client, owner, the person a complaint is about,
    the other customer it is about and the person found responsible (labelled as CaseView names them)."""
    owner, about = light.staff.alias("owner"), light.staff.alias("about")
    other, responsible = light.client.alias("other"), light.staff.alias("responsible")
    return (select(service_case, light.client.c.name.label("client"), owner.c.username.label("owner"),
                   owner.c.name.label("owner_name"), about.c.username.label("about"), other.c.name.label("other"),
                   other.c.id.label("other_id"), responsible.c.username.label("responsible"))
            .outerjoin(light.client, light.client.c.id == service_case.c.client_id)
            .outerjoin(owner, owner.c.id == service_case.c.owner_id)
            .outerjoin(about, about.c.id == service_case.c.about_staff_id)
            .outerjoin(case_about_client, case_about_client.c.case_id == service_case.c.id)
            .outerjoin(other, other.c.id == case_about_client.c.client_id)
            .outerjoin(responsible, responsible.c.id == service_case.c.responsible_staff_id))


def _view(c, now: datetime, escalations=(), log=()) -> CaseView:
    """A row of _case_query as its read model."""
    return CaseView(
        c.id, c.kind, c.source, c.state, c.category, c.severity, c.text, c.client, c.client_id, c.visit_id, c.about,
        c.about_staff_id is not None, c.received_at, c.received_by, c.acknowledged_at, c.owner, c.owner_name,
        c.due_at, c.due_at is not None and c.state in ("received", "acknowledged", "assigned") and c.due_at < now,
        c.root_cause, c.action, c.prevention, c.resolved_at, c.resolved_by, c.callback_at, c.callback_note,
        c.satisfied, c.reviewed_at, c.reviewed_by, c.review_note, c.closed_at, tuple(escalations), tuple(log),
        c.other, c.other_id, c.responsible,
    )


def _escalations(session: Session, case_id: int, now: datetime) -> list[EscalationView]:
    e, to = case_escalation, light.staff
    rows = session.execute(select(e, to.c.username, to.c.name).join(to, to.c.id == e.c.to_id)
                           .where(e.c.case_id == case_id).order_by(e.c.id))
    return [EscalationView(r.id, r.username, r.name, r.question, r.promised_at, r.at, r.by, r.answered_at, r.answer,
                           r.answered_at is None and r.promised_at < now) for r in rows]


def show_case(session: Session, actor: str, case_id: int) -> CaseView:
    """A case with its escalations and the logbook lines about it."""
    row = session.execute(_case_query().where(service_case.c.id == case_id)).first()
    _checked(session, actor, case_id, row)
    now = clock.now()
    log = [_log_view(r) for r in session.execute(select(duty_log).where(duty_log.c.case_id == case_id)
                                                 .order_by(duty_log.c.at, duty_log.c.id))]
    return _view(row, now, _escalations(session, case_id, now), log)


def list_cases(session: Session, actor: str | None, *, state: str | None = None, kind: str | None = None,
               open_only: bool = False, client: str | None = None, owner: str | None = None,
               overdue: bool = False, start: datetime | None = None, end: datetime | None = None,
               limit: int | None = None) -> list[CaseView]:
    """Cases by the time they were received, filtered in SQL; a complaint about staff only
    for those who may see it."""
    now = clock.now()
    q = _visible(_case_query(), session, actor)
    if state is not None:
        if state not in {s.value for s in CaseState}:
            raise BadInput(_("state {state!r} is not valid: expected one of {choices}").format(
                state=state, choices=", ".join(s.value for s in CaseState)))
        q = q.where(service_case.c.state == state)
    if kind is not None:
        q = q.where(service_case.c.kind == _choice(kind, CaseKind, "kind"))
    if open_only:
        q = q.where(service_case.c.state != "closed")
    if client is not None:
        q = q.where(service_case.c.client_id == resolve_client(session, client).id)
    if owner is not None:
        q = q.where(service_case.c.owner_id == find.staff(session, owner, "--owner").id)
    if overdue:
        q = q.where(service_case.c.state.in_(("received", "acknowledged", "assigned")), service_case.c.due_at < now)
    if start is not None:
        q = q.where(service_case.c.received_at >= start)
    if end is not None:
        q = q.where(service_case.c.received_at < end)
    rows = session.execute(q.order_by(service_case.c.received_at, service_case.c.id).limit(limit))
    return [_view(r, now) for r in rows]


# -- the loop --------------------------------------------------------------------------------
_INVALID = {"kind": N_("kind {value!r} is not valid: expected one of {choices}"),
            "source": N_("source {value!r} is not valid: expected one of {choices}"),
            "severity": N_("severity {value!r} is not valid: expected one of {choices}")}


def _choice(value: str, enum, what: str) -> str:
    if value not in {e.value for e in enum}:
        raise BadInput(_(_INVALID[what]).format(value=value, choices=", ".join(e.value for e in enum)))
    return value


def _staff_id(session: Session, username: str) -> int | None:
    staff = light.staff
    return session.scalar(select(staff.c.id).where(staff.c.username == username, staff.c.active.is_(True)))


def _record(session: Session, actor: str, action: str, row: ServiceCase, after: dict) -> None:
    """The audit line of a step; a complaint about staff keeps its words out of the log."""
    if row.about_staff_id is not None:
        after = {k: v for k, v in after.items() if k in ("state", "kind", "owner", "to", "promised_at", "points",
                                                          "responsible")}
        after["restricted"] = True
    audit.record(session, actor, action, "case", row.id, visit_id=row.visit_id, after=after)


def _titles(row: ServiceCase, key: str) -> tuple[str, str]:
    """The English and Chinese titles of a case's step (both stored: shown in the run's language)."""
    n, kind = row.id, row.kind
    zh = _KIND_ZH.get(kind, kind)
    return {
        "case-ack": (f"Acknowledge case {n} ({kind}): tell the person it is being handled",
                     f"确认受理第{n}号工单（{zh}）：告知对方正在处理"),
        "case-assign": (f"Give case {n} ({kind}) an owner", f"为第{n}号工单（{zh}）指定负责人"),
        "case-resolve": (f"Resolve case {n} ({kind}): find the root cause, fix it, prevent it",
                         f"处理第{n}号工单（{zh}）：查明根本原因，解决问题，防止再次发生"),
        "case-callback": (f"Call back on case {n} ({kind}): tell them what was done, ask if they are satisfied",
                          f"回访第{n}号工单（{zh}）：告知处理结果，询问是否满意"),
        "case-review": (f"Review case {n} ({kind}) as duty manager", f"值班经理复核第{n}号工单（{zh}）"),
    }[key]


def _open(session: Session, row: ServiceCase, key: str, owner_role: str, due_at: datetime,
          assignee_id: int | None = None) -> None:
    title, title_zh = _titles(row, key)
    engine.open_case_task(session, row.id, key, title, title_zh, owner_role, due_at, assignee_id)


def _duty_managers(session: Session, row: ServiceCase) -> bool:
    """Whether the case is the duty manager's from the start: a complaint about a member of staff,
    or about another customer."""
    return row.about_staff_id is not None or session.scalar(
        select(case_about_client.c.case_id).where(case_about_client.c.case_id == row.id)) is not None


def _manager_role(session: Session, row: ServiceCase) -> str:
    return "duty_manager" if _duty_managers(session, row) else "coordinator"


def add_case(session: Session, actor: str, *, kind: str, text: str, source: str = "desk",
             category: str | None = None, severity: str = "medium", client: str | None = None,
             visit_id: int | None = None, about: str | None = None,
             received_at: datetime | None = None, about_client: str | None = None) -> CaseView:
    """Record what was raised. It must be acknowledged within the policy's minutes; a complaint
    about a member of staff (`about`) or about another customer (`about_client`, seed 003) goes
    to the duty manager. Without a category, a complaint about a member of staff is of category
    "staff" (complaints about staff), any other case "other"."""
    from receptionctl.store.tables.cases import CaseAboutClient
    from receptionctl.store.tables.common import ServiceCase

    access.require(session, actor, RECEIVE, N_("record cases"))
    rules = policy.load(session)
    kind, source = _choice(kind, CaseKind, "kind"), _choice(source, CaseSource, "source")
    severity = _choice(severity, Severity, "severity")
    if category is None:
        category = STAFF_CATEGORY if about is not None else "other"
    elif category not in rules["case_categories"]:
        raise BadInput(_("category {category!r} is not valid: expected one of {choices}").format(
            category=category, choices=", ".join(rules["case_categories"])),
            hint=_("the list is the policy's case_categories"))
    text = required_text(text, "--text", N_("what was said or asked for"), limit=4000)
    now = clock.now()
    received_at = received_at or now
    if received_at > now:
        raise BadInput(_("received at {at} is in the future: expected when it was raised, at the latest now").format(
            at=_minute(received_at)))
    client_id = resolve_client(session, client).id if client else None
    if visit_id is not None:
        visit_client_id, visit_client_name = visit_client(session, visit_id)
        if client_id is not None and client_id != visit_client_id:
            raise BadInput(_("visit {visit} is {client}'s, not the client given with --client").format(
                visit=visit_id, client=visit_client_name))
        client_id = visit_client_id
    about_id = about_name = None
    if about is not None:
        if kind != "complaint":
            raise BadInput(_("--about names the member of staff a complaint is about: expected --kind complaint, "
                             "not {kind}").format(kind=kind))
        person = find.staff(session, about, "--about")
        about_id, about_name = person.id, person.username
    other_id = _other_client(session, kind, about_client, about, client_id)
    row = ServiceCase(kind=kind, source=source, client_id=client_id, visit_id=visit_id, category=category,
                      severity=severity, text=text, about_staff_id=about_id, state="received",
                      received_at=received_at, received_by=actor)
    session.add(row)
    session.flush()
    if other_id is not None:
        session.add(CaseAboutClient(case_id=row.id, client_id=other_id))
        session.flush()
    ack_due = received_at + timedelta(minutes=rules["case_ack_minutes"])
    if about_id is None and other_id is None:  # the one who took it acknowledges it
        _open(session, row, "case-ack", "desk", ack_due, assignee_id=_staff_id(session, actor))
    else:  # a complaint about staff, or about another customer, is the duty manager's from the start
        _open(session, row, "case-ack", "duty_manager", ack_due)
    _record(session, actor, "case.add", row, {"kind": kind, "source": source, "category": category,
                                              "severity": severity, "text": text, "client_id": client_id,
                                              "state": "received", "about_client_id": other_id})
    outbox.emit(session, "case.add", {"case_id": row.id, "kind": kind, "source": source, "category": category, "severity": severity, "client_id": client_id, "visit_id": visit_id, "by": actor, **({"about": about_name, "seen_by": sorted(SEE_STAFF_COMPLAINTS), "restricted": True} if about_id is not None else {"description": text})})
    if about_id is not None and not sees_staff_complaints(session, actor):
        # the one who took it down sees what they typed, once; then it is the duty manager's
        return _view(session.execute(_case_query().where(service_case.c.id == row.id)).first(), now)
    return show_case(session, actor, row.id)


def _other_client(session: Session, kind: str, about_client: str | None, about: str | None,
                  client_id: int | None) -> int | None:
    """The id of the other customer a complaint is about (`--about-client`), checked: a complaint,
    not also about a member of staff, not about the client who complains."""
    if about_client is None:
        return None
    if kind != "complaint":
        raise BadInput(_("--about-client names the other customer a complaint is about: expected --kind complaint, "
                         "not {kind}").format(kind=kind))
    if about is not None:
        raise BadInput(_("--about and --about-client: a complaint is about a member of staff or about another "
                         "customer, expected one of them"))
    other = resolve_client(session, about_client)
    if other.id == client_id:
        raise BadInput(_("--about-client {client}: the client who complains cannot be the other customer the "
                         "complaint is about").format(client=other.name))
    return other.id


def open_red_line_case(session: Session, actor: str, visit_id: int, client_id: int, score: int, red_line: int,
                       comment: str | None) -> int | None:
    """Feedback under the red line is a complaint (seed 001): a case of kind complaint, from
    the visit, high, unless the visit has one from its feedback still open. Returns its id."""
    marker = stored.RED_LINE.format(score=score, red_line=red_line)  # English: found again by its words
    open_id = session.scalar(select(service_case.c.id).where(
        service_case.c.visit_id == visit_id, service_case.c.kind == "complaint", service_case.c.source == "visit",
        service_case.c.state != "closed", service_case.c.text.like("feedback score %")))
    if open_id is not None:
        return None
    text = marker + (f": {comment}" if comment else "")
    view = add_case(session, actor, kind="complaint", text=text, source="visit", category="service",
                    severity="high", client=str(client_id), visit_id=visit_id)
    return view.id


def acknowledge(session: Session, actor: str, case_id: int, note: str | None = None) -> CaseView:
    """The person who raised it knows it is being handled (seed 003: respond at once)."""
    access.require(session, actor, RECEIVE, N_("acknowledge cases"))
    row = _load(session, actor, case_id)
    row.state = lifecycle.case_step(case_id, row.state, "ack")
    rules = policy.load(session)
    now = clock.now()
    row.acknowledged_at, row.acknowledged_by = now, actor
    engine.close_case_tasks(session, case_id, {"case-ack", SHIFT_LEADER_KEY}, by=actor, note=note)
    _open(session, row, "case-assign", _manager_role(session, row),
          now + timedelta(minutes=rules["case_assign_minutes"]))
    if note:
        _log(session, actor, note, case_id=case_id)
    _record(session, actor, "case.ack", row, {"state": row.state, "note": note})
    return show_case(session, actor, case_id)


def assign(session: Session, actor: str, case_id: int, to: str, due: datetime | None = None) -> CaseView:
    """The case has an owner and a resolution deadline (`due`, else the policy's hours from
    when it was received; fewer for a high or critical one). A complaint about staff is the
    duty manager's."""
    access.require(session, actor, MANAGE, N_("assign cases"))
    row = _load(session, actor, case_id)
    row.state = lifecycle.case_step(case_id, row.state, "assign")
    person = find.staff(session, to, N_("the case's owner"), active_only=True)
    if row.about_staff_id is not None:
        owner_roles = access.find_actor(session, person.username).roles
        if not ({"duty_manager", "admin"} & owner_roles):
            raise Refused(_("case {case} is a complaint about a member of staff: its owner is a duty manager, "
                            "not {user}").format(case=case_id, user=person.username),
                          hint=_("give it to someone with the duty_manager role"))
        if person.id == row.about_staff_id:
            raise Refused(_("{user} cannot own a complaint about themselves").format(user=person.username))
    elif _duty_managers(session, row) and not ({"duty_manager", "admin"}
                                              & access.find_actor(session, person.username).roles):
        raise Refused(_("case {case} is a complaint about another customer: the duty manager handles it, "
                        "not {user}").format(case=case_id, user=person.username),
                      hint=_("give it to someone with the duty_manager role"))
    rules = policy.load(session)
    now = clock.now()
    if due is not None and due <= now:
        raise BadInput(_("--due {due} is in the past: expected a future deadline").format(due=_minute(due)))
    hours = rules["case_resolve_hours_urgent"] if row.severity in URGENT else rules["case_resolve_hours"]
    row.due_at = due or max(row.received_at + timedelta(hours=hours), now + timedelta(minutes=30))
    row.owner_id, row.assigned_at, row.assigned_by = person.id, now, actor
    if row.acknowledged_at is None:  # giving it an owner at once acknowledges it
        row.acknowledged_at, row.acknowledged_by = now, actor
    engine.close_case_tasks(session, case_id, {"case-ack", "case-assign", SHIFT_LEADER_KEY}, by=actor)
    _open(session, row, "case-resolve", _manager_role(session, row), row.due_at, assignee_id=person.id)
    engine.reassign_case_tasks(session, case_id, {"case-resolve", "case-callback"}, person.id,
                               due={"case-resolve": row.due_at})
    _record(session, actor, "case.assign", row, {"state": row.state, "owner": person.username, "due_at": row.due_at})
    return show_case(session, actor, case_id)


def escalate_unacknowledged(session: Session, actor: str, now: datetime | None = None) -> list[int]:
    """Cases taken at the desk (source desk) whose acknowledgement is overdue go to the shift leader
    at once (seed 004: a complaint the desk cannot solve is reported to the shift leader at once):
    a step for the desk supervisor, due now, closed when the case is acknowledged; a line in the
    duty logbook; the event case.escalate. Each case once (its step, in any state, says so); a
    complaint about staff or another customer is the duty manager's already. `notify send` runs
    it. The ids of the cases escalated."""
    now = now or clock.now()
    sc, task = service_case, light.task
    done = select(task.c.case_id).where(task.c.key == SHIFT_LEADER_KEY, task.c.case_id.is_not(None))
    rows = session.execute(
        select(sc, task.c.due_at.label("ack_due_at"))
        .join(task, (task.c.case_id == sc.c.id) & (task.c.key == "case-ack"))
        .where(sc.c.source == "desk", sc.c.state == "received", sc.c.about_staff_id.is_(None),
               task.c.state == "open", task.c.due_at <= now, sc.c.id.not_in(done),
               sc.c.id.not_in(select(case_about_client.c.case_id)))
        .order_by(task.c.due_at, sc.c.id)).all()
    for row in rows:
        due_at = row.ack_due_at
        zh = _KIND_ZH.get(row.kind, row.kind)
        late = max(1, round((now - row.received_at).total_seconds() / 60))
        engine.open_case_task(session, row.id, SHIFT_LEADER_KEY,
                              f"Case {row.id} ({row.kind}) was not acknowledged at the desk in time: as shift leader, "
                              f"take it over at once", f"第{row.id}号工单（{zh}）前台未按时确认受理：请领班立即接手",
                              SHIFT_LEADER, now)
        _log(session, actor, f"not acknowledged at the desk {late} minutes after it was received (due "
                             f"{_minute(due_at)}): passed to the shift leader at once", case_id=row.id)
        _record(session, actor, "case.escalate_ack", row, {"state": row.state, "to": SHIFT_LEADER,
                                                           "ack_due_at": due_at})
        outbox.emit(session, "case.escalate", {"case_id": row.id, "kind": row.kind, "severity": row.severity,
                                               "to": SHIFT_LEADER, "received_at": row.received_at,
                                               "received_by": row.received_by, "minutes": late})
    return [row.id for row in rows]


def escalate(session: Session, actor: str, case_id: int, to: str, question: str, answer_by: datetime) -> CaseView:
    """Beyond the handler's remit: a named person is asked, and the client is promised an
    answer by `answer_by`; the promise is tracked and its breach is an alert."""
    from receptionctl.store.tables.cases import Escalation

    access.require(session, actor, RECEIVE, N_("escalate cases"))
    row = _load(session, actor, case_id)
    lifecycle.case_step(case_id, row.state, "escalate")
    question = required_text(question, "--question", N_("what must be decided or answered"), limit=2000)
    person = find.staff(session, to, N_("the escalation"), active_only=True)
    if row.about_staff_id is not None and (person.id == row.about_staff_id
                                           or not sees_staff_complaints(session, person.username)):
        raise Refused(_("case {case} is a complaint about a member of staff: {user} may not see it").format(
            case=case_id, user=person.username), hint=_("escalate to a duty manager, an approver or an admin"))
    now = clock.now()
    if answer_by <= now:
        raise BadInput(_("--answer-by {at} is not in the future: expected the time the client was promised an "
                         "answer").format(at=_minute(answer_by)))
    esc = Escalation(case_id=case_id, to_id=person.id, question=question, promised_at=answer_by, at=now, by=actor)
    session.add(esc)
    session.flush()
    engine.open_case_task(session, case_id, f"case-answer-{esc.id}",
                          f"Answer the question escalated on case {case_id}: the client was promised an answer",
                          f"答复第{case_id}号工单的上报问题（已向客户承诺答复时间）", "coordinator", answer_by, person.id)
    # a logbook line written for the actor, in the language of the run (as the lines they type)
    _log(session, actor, _("escalated to {user}, answer promised by {at}").format(
        user=person.username, at=_minute(answer_by)), case_id=case_id)
    _record(session, actor, "case.escalate", row, {"to": person.username, "question": question,
                                                   "promised_at": answer_by})
    return show_case(session, actor, case_id)


def answer(session: Session, actor: str, case_id: int, text: str, escalation_id: int | None = None) -> CaseView:
    """The escalated question is answered (by the person asked, a manager or an admin); the
    case's handler passes it on to the client."""
    from receptionctl.store.tables.cases import Escalation

    row = _load(session, actor, case_id)
    lifecycle.case_step(case_id, row.state, "answer")
    text = required_text(text, "--text", N_("the answer"), limit=2000)
    q = select(Escalation).where(Escalation.case_id == case_id, Escalation.answered_at.is_(None))
    if escalation_id is not None:
        q = q.where(Escalation.id == escalation_id)
    waiting = list(session.scalars(q.order_by(Escalation.id)))
    if not waiting:
        if escalation_id is None:
            raise Refused(_("case {case} has no escalation waiting for an answer").format(case=case_id))
        raise Refused(_("case {case} has no escalation waiting for an answer with id {escalation}").format(
            case=case_id, escalation=escalation_id))
    if len(waiting) > 1 and escalation_id is None:
        raise BadInput(_("case {case} has {n} escalations waiting: expected --escalation ID ({ids})").format(
            case=case_id, n=len(waiting), ids=", ".join(str(e.id) for e in waiting)))
    esc = waiting[0]
    who = access.require(session, actor, RECEIVE, N_("answer escalations"))
    if not _answers(who, esc):
        raise NotAllowed(_("{user} cannot answer escalation {escalation}: it was put to someone else "
                           "(they, a coordinator, a duty manager or an admin may)").format(user=actor,
                                                                                          escalation=esc.id))
    now = clock.now()
    esc.answered_at, esc.answered_by, esc.answer = now, actor, text
    engine.close_case_tasks(session, case_id, {f"case-answer-{esc.id}"}, by=actor)
    late = now > esc.promised_at
    _record(session, actor, "case.answer", row, {"escalation": esc.id, "answer": text, "late": late})
    return show_case(session, actor, case_id)


def _answers(who: access.Actor, esc: Escalation) -> bool:
    """The person asked, a coordinator, a duty manager or an admin answers an escalated question."""
    return esc.to_id == who.id or who.has(*MANAGE)


# who may take each step of the loop (the functions above and below check it; steps_open_to reads it)
STEP_ROLES = {"ack": RECEIVE, "assign": MANAGE, "escalate": RECEIVE, "answer": RECEIVE, "resolve": RECEIVE,
              "callback": RECEIVE, "review": REVIEW, "close": MANAGE}


def steps_open_to(session: Session, actor: str, case_id: int) -> tuple[str, ...]:
    """The steps of the case's loop `actor` may take now, in the loop's order: those its state
    allows (lifecycle.CASE) that their roles let them take, as each step's function checks them
    (an escalation waiting: answered by the person asked or a manager, and the case not resolved
    until it is; resolve and callback: the owner or a manager). A case they may not see: NotFound,
    as `case show`."""
    row = _seen(session, actor, case_id)
    who = access.find_actor(session, actor)
    if who is None:
        return ()
    e = case_escalation
    waiting = session.execute(select(e).where(e.c.case_id == case_id, e.c.answered_at.is_(None))).all()
    out = []
    for step, roles in STEP_ROLES.items():
        if row.state not in lifecycle.CASE[step] or not who.has(*roles):
            continue
        if step == "answer" and not any(_answers(who, e) for e in waiting):
            continue
        if step in ("resolve", "callback") and not _handles(who, row) or step == "resolve" and waiting:
            continue
        out.append(step)
    return tuple(out)


def _handles(who: access.Actor, row: ServiceCase) -> bool:
    """The case's owner, a coordinator, a duty manager or an admin: who resolves it and calls back."""
    return who.id == row.owner_id or who.has(*MANAGE)


def _may_handle(session: Session, actor: str, row: ServiceCase, doing: str) -> None:
    who = access.require(session, actor, RECEIVE, doing)
    if _handles(who, row):
        return
    raise NotAllowed(_("{user} cannot {doing} for case {case}: it is its owner's (the owner, a coordinator, "
                       "a duty manager or an admin may)").format(user=actor, doing=_(doing), case=row.id))


def _responsible(session: Session, row: ServiceCase, responsible: str | None) -> Staff | None:
    """The person found responsible (seed 003's second principle: find who is responsible): named
    for every complaint about a member of staff (else exit 2), and for a complaint only."""
    if responsible is None:
        if row.about_staff_id is not None:
            raise BadInput(_("--responsible is needed: case {case} is a complaint about a member of staff, so its "
                             "resolution names the person found responsible").format(case=row.id),
                           hint=_("add --responsible USER (the person complained about, or whoever the "
                                  "investigation found responsible)"))
        return None
    if row.kind != "complaint":
        raise BadInput(_("--responsible names who is responsible for a complaint: case {case} is a {kind}").format(
            case=row.id, kind=code(row.kind)))
    return find.staff(session, responsible, "--responsible")


def resolve(session: Session, actor: str, case_id: int, *, cause: str, action: str, prevention: str,
            deduct: int | None = None, responsible: str | None = None) -> CaseView:
    """Fixed: the real cause, what was done, what prevents it happening again, and for a
    complaint who is responsible (seed 003's three principles; required for a complaint about
    staff). The client is then called back within the policy's callback hours. The duty manager
    may deduct points from the person responsible (the person complained about when none is
    named)."""
    row = _load(session, actor, case_id)
    _may_handle(session, actor, row, N_("resolve cases"))
    person = _responsible(session, row, responsible)
    row.state = lifecycle.case_step(case_id, row.state, "resolve")
    e = case_escalation
    waiting = session.scalar(select(e.c.id).where(e.c.case_id == case_id, e.c.answered_at.is_(None)))
    if waiting is not None:
        raise Refused(_("case {case} has escalation {escalation} waiting for an answer: the client was promised "
                        "it").format(case=case_id, escalation=waiting),
                      hint=_("record the answer first (`receptionctl case answer {case} --text ...`)").format(
                          case=case_id))
    row.root_cause = required_text(cause, "--cause", N_("the root cause"), limit=2000)
    row.action = required_text(action, "--action", N_("what was done"), limit=2000)
    row.prevention = required_text(prevention, "--prevention", N_("what keeps it from happening again"), limit=2000)
    rules = policy.load(session)
    now = clock.now()
    row.resolved_at, row.resolved_by = now, actor
    row.responsible_staff_id = person.id if person is not None else None
    deduction = None
    if deduct is not None:
        deduction = _deduct(session, actor, row, deduct, rules)
    engine.close_case_tasks(session, case_id, {"case-resolve"}, by=actor)
    _open(session, row, "case-callback", _manager_role(session, row),
          now + timedelta(hours=rules["callback_hours"]),
          assignee_id=row.owner_id)
    _record(session, actor, "case.resolve", row, {"state": row.state, "cause": row.root_cause,
                                                  "action": row.action, "prevention": row.prevention,
                                                  "responsible": person.username if person is not None else None,
                                                  "points": deduction})
    return show_case(session, actor, case_id)


def _deduct(session: Session, actor: str, row: ServiceCase, points: int, rules: dict) -> int:
    """Points from the person responsible (else the person complained about)."""
    from receptionctl.store.tables.measures import Deduction

    person_id = row.responsible_staff_id or row.about_staff_id
    if person_id is None:
        raise BadInput(_("--deduct applies to the person responsible for a complaint; case {case} is about no "
                         "one and names no one responsible (--responsible USER)").format(case=row.id))
    who = access.require(session, actor, REVIEW, N_("deduct points"))
    lo, hi = rules["deduction_min"], rules["deduction_max"]
    if not lo <= points <= hi:
        raise BadInput(_("--deduct {points} is not valid: expected {lo} to {hi} points (the policy's "
                         "deduction_min and deduction_max)").format(points=points, lo=lo, hi=hi))
    session.add(Deduction(staff_id=person_id, points=points,
                          reason=_("complaint, case {case}").format(case=row.id),
                          case_id=row.id, visit_id=row.visit_id, at=clock.now(), by=who.username))
    return points


def callback(session: Session, actor: str, case_id: int, note: str, satisfied: bool | None = None) -> CaseView:
    """The client was told what was done (seed 001: within 24 hours of the resolution) and asked
    whether they are satisfied; the duty manager then reviews the case."""
    row = _load(session, actor, case_id)
    _may_handle(session, actor, row, N_("record callbacks"))
    row.state = lifecycle.case_step(case_id, row.state, "callback")
    rules = policy.load(session)
    now = clock.now()
    row.callback_at, row.callback_by = now, actor
    row.callback_note = required_text(note, "--note", N_("what the client was told and said"), limit=2000)
    row.satisfied = satisfied
    engine.close_case_tasks(session, case_id, {"case-callback"}, by=actor)
    _open(session, row, "case-review", "duty_manager", now + timedelta(hours=rules["case_review_hours"]))
    _record(session, actor, "case.callback", row, {"state": row.state, "note": row.callback_note,
                                                   "satisfied": satisfied})
    return show_case(session, actor, case_id)


def review(session: Session, actor: str, case_id: int, note: str | None = None) -> CaseView:
    """The duty manager has looked at how the case was handled (seed 003)."""
    access.require(session, actor, REVIEW, N_("review cases"))
    row = _load(session, actor, case_id)
    row.state = lifecycle.case_step(case_id, row.state, "review")
    row.reviewed_at, row.reviewed_by, row.review_note = clock.now(), actor, (note or "").strip() or None
    engine.close_case_tasks(session, case_id, {"case-review"}, by=actor)
    _record(session, actor, "case.review", row, {"state": row.state, "note": row.review_note})
    return show_case(session, actor, case_id)


def close(session: Session, actor: str, case_id: int) -> CaseView:
    """Archived: nothing more to do. Any step still open is skipped."""
    access.require(session, actor, MANAGE, N_("close cases"))
    row = _load(session, actor, case_id)
    row.state = lifecycle.case_step(case_id, row.state, "close")
    row.closed_at, row.closed_by = clock.now(), actor
    engine.close_case_tasks(session, case_id, None, by=actor, state="skipped", note=_("the case was closed"))
    _record(session, actor, "case.close", row, {"state": row.state})
    return show_case(session, actor, case_id)


# -- the duty logbook ------------------------------------------------------------------------
def _log_view(r) -> LogView:
    """A logbook line (its ORM object, or its row read through the light handles) as its read model."""
    return LogView(r.id, r.at, r.by, r.text, r.case_id, r.visit_id)


def _log(session: Session, actor: str, text: str, case_id: int | None = None, visit_id: int | None = None) -> DutyLog:
    from receptionctl.store.tables.cases import DutyLog

    row = DutyLog(at=clock.now(), by=actor, text=text, case_id=case_id, visit_id=visit_id)
    session.add(row)
    session.flush()
    return row


def add_log(session: Session, actor: str, text: str, case_id: int | None = None,
            visit_id: int | None = None) -> LogView:
    """A line in the duty logbook (seed 003: what was heard, promised, handed on)."""
    access.require(session, actor, RECEIVE, N_("write the duty logbook"))
    text = required_text(text, N_("the entry"), N_("what happened"), limit=4000)
    case = _load(session, actor, case_id) if case_id is not None else None
    if visit_id is not None:
        visit_client(session, visit_id)  # the visit exists
    row = _log(session, actor, text, case_id=case_id, visit_id=visit_id)
    restricted = case is not None and case.about_staff_id is not None
    audit.record(session, actor, "log.add", "duty_log", row.id, visit_id=visit_id,
                 after={"case_id": case_id, "restricted": True} if restricted else {"case_id": case_id, "text": text})
    return _log_view(row)


def _day_bounds(session: Session, day: date) -> tuple[datetime, datetime]:
    zone = policy.work_zone(policy.load(session))
    start = datetime.combine(day, time(0, 0), zone)
    return start, start + timedelta(days=1)


def list_log(session: Session, actor: str, day: date | None = None) -> list[LogView]:
    """The logbook of one day (default today), in the company's zone; lines about a complaint
    about staff only for those who may see it."""
    day = day or policy.today(session)
    start, end = _day_bounds(session, day)
    log = duty_log
    q = (select(log).outerjoin(service_case, service_case.c.id == log.c.case_id)
         .where(log.c.at >= start, log.c.at < end))
    if not sees_staff_complaints(session, actor):
        q = q.where(or_(log.c.case_id.is_(None), service_case.c.about_staff_id.is_(None)))
    return [_log_view(r) for r in session.execute(q.order_by(log.c.at, log.c.id))]


# -- the end-of-day check --------------------------------------------------------------------
_STEP_TIMES = tuple(service_case.c[name] for name in ("received_at", "acknowledged_at", "assigned_at", "resolved_at",
                                                      "callback_at", "reviewed_at", "closed_at"))


def touched(session: Session, actor: str, day: date) -> list[CaseView]:
    """Every case that took a step on `day`."""
    start, end = _day_bounds(session, day)
    now = clock.now()
    q = _visible(_case_query(), session, actor).where(or_(*((t >= start) & (t < end) for t in _STEP_TIMES)))
    return [_view(r, now) for r in session.execute(q.order_by(service_case.c.id))]


def day_check(session: Session, actor: str, day: date | None = None, note: str | None = None,
              record: bool = True) -> DayCheckView:
    """The duty manager's end-of-day question (seed 003): which cases were handled today, by
    whom, how. With `record`, the check is recorded (once per day)."""
    if record:
        access.require(session, actor, REVIEW, N_("make the day's case check"))
    today = policy.today(session)
    day = day or today
    if day > today:
        raise BadInput(_("day {day} is in the future: expected today or a past day").format(day=day))
    cases = tuple(touched(session, actor, day))
    done = _day_checked(session, day)
    if record:
        from receptionctl.store.tables.cases import DayCheck

        if done is not None:
            raise Refused(_("the case check of {day} was made already ({user}, {at})").format(
                day=day, user=done.by, at=_minute(done.at)))
        done = DayCheck(day=day.isoformat(), at=clock.now(), by=actor, cases=len(cases),
                        note=(note or "").strip() or None)
        session.add(done)
        session.flush()
        audit.record(session, actor, "case.day_check", "case_day_check", None,
                     after={"day": day.isoformat(), "cases": len(cases), "note": done.note})
    return DayCheckView(day, cases, done.at if done else None, done.by if done else None, done.note if done else None)


def _day_checked(session: Session, day: date):
    """The case check made of `day` (at, by, note), or None."""
    return session.execute(select(case_day_check).where(case_day_check.c.day == day.isoformat())).first()


def missing_day_check(session: Session, day: date) -> date | None:
    """The last working day before `day` when its case check was not made while cases were
    open or handled, else None."""
    cal = calendar_for(policy.load(session)["country"])
    prev = day - timedelta(days=1)
    for _step in range(14):
        if cal.is_working_day(prev):
            break
        prev -= timedelta(days=1)
    if _day_checked(session, prev) is not None:
        return None
    # a day with nothing open and nothing handled needs no check (a team without cases)
    start, end = _day_bounds(session, prev)
    busy = session.scalar(select(service_case.c.id).where(or_(
        service_case.c.state != "closed", *((t >= start) & (t < end) for t in _STEP_TIMES))).limit(1))
    return prev if busy is not None else None


# -- patterns --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatternCount:
    dimension: str  # category | client | staff | cause | source | kind
    value: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass(frozen=True)
class Patterns:
    start: datetime
    end: datetime
    previous_start: datetime
    total: int
    previous_total: int
    counts: tuple[PatternCount, ...]
    repeated: tuple[str, ...]  # the repeated causes: a client or category at the policy's count or more


def _dimension_rows(session: Session, actor: str, start: datetime, end: datetime) -> list[tuple]:
    sc, about = service_case, light.staff.alias("about")
    q = (select(sc.c.category, light.client.c.name, about.c.username, sc.c.root_cause, sc.c.source, sc.c.kind)
         .outerjoin(light.client, light.client.c.id == sc.c.client_id)
         .outerjoin(about, about.c.id == sc.c.about_staff_id)
         .where(sc.c.received_at >= start, sc.c.received_at < end))
    return list(session.execute(_visible(q, session, actor)))


DIMENSIONS = ("category", "client", "staff", "cause", "source", "kind")


def _count(rows) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        for dim, value in zip(DIMENSIONS, row):
            if value:
                counts[(dim, " ".join(str(value).split())[:80])] += 1
    return counts


def period_bounds(session: Session, first: date, last: date) -> tuple[datetime, datetime]:
    """[the start of `first`, the start of the day after `last`) in the company's zone."""
    return _day_bounds(session, first)[0], _day_bounds(session, last)[1]


def patterns(session: Session, actor: str, start: datetime, end: datetime) -> Patterns:
    """Counts of the cases received in [start, end) by category, client, member of staff, root
    cause, source and kind, beside the same length of time before; two statements."""
    rules = policy.load(session)
    prev_start = start - (end - start)
    now_rows, prev_rows = _dimension_rows(session, actor, start, end), _dimension_rows(session, actor, prev_start, start)
    now_counts, prev_counts = _count(now_rows), _count(prev_rows)
    keys = sorted(set(now_counts) | set(prev_counts), key=lambda k: (DIMENSIONS.index(k[0]), -now_counts[k], k[1]))
    counts = tuple(PatternCount(d, v, now_counts[(d, v)], prev_counts[(d, v)]) for d, v in keys)
    repeated = tuple(_("{dimension} {value}: {n} cases").format(
        dimension=code(c.dimension), value=code(c.value) if c.dimension == "category" else c.value, n=c.count)
        for c in counts
                     if c.dimension in ("client", "category") and c.count >= rules["pattern_count"])
    return Patterns(start, end, prev_start, len(now_rows), len(prev_rows), counts, repeated)


def repeated_causes(session: Session, actor: str | None, now: datetime) -> list[str]:
    """For the daily report: clients and categories with the policy's count of cases or more
    within the last pattern_days days (one statement each)."""
    rules = policy.load(session)
    since = now - timedelta(days=rules["pattern_days"])
    out = []
    sentence = {"client": N_("{n} cases about client {value} in the last {days} days"),
                "category": N_("{n} cases about category {value} in the last {days} days")}
    sc = service_case
    for label, column, join in (("client", light.client.c.name, True), ("category", sc.c.category, False)):
        q = select(column, func.count(sc.c.id)).where(sc.c.received_at >= since, sc.c.received_at < now)
        if join:
            q = q.join(light.client, light.client.c.id == sc.c.client_id)
        q = _visible(q, session, actor).group_by(column).having(func.count(sc.c.id) >= rules["pattern_count"])
        out += [_(sentence[label]).format(n=n, value=code(value) if label == "category" else value,
                                          days=rules["pattern_days"])
                for value, n in session.execute(q.order_by(column))]
    return out


# -- for the daily report --------------------------------------------------------------------
@dataclass(frozen=True)
class CaseDigest:
    received: tuple[CaseView, ...]  # received the day before the report's day
    overdue_by_owner: dict  # owner (username, or "unassigned") -> cases open past their deadline
    escalations: tuple[tuple[int, EscalationView], ...]  # waiting for an answer: (case id, escalation)
    missing_check: date | None
    repeated: tuple[str, ...]


def digest(session: Session, actor: str | None, day: date, now: datetime) -> CaseDigest:
    start, end = _day_bounds(session, day)
    received = tuple(list_cases(session, actor, start=start - timedelta(days=1), end=start))
    overdue: dict[str, list[int]] = {}
    for c in list_cases(session, actor, overdue=True):
        overdue.setdefault(c.owner or "unassigned", []).append(c.id)
    e, to = case_escalation, light.staff
    q = (select(e, to.c.username, to.c.name).join(to, to.c.id == e.c.to_id)
         .join(service_case, service_case.c.id == e.c.case_id)
         .where(e.c.answered_at.is_(None), service_case.c.state != "closed"))
    q = _visible(q, session, actor).order_by(e.c.promised_at, e.c.id)
    escalations = tuple((r.case_id, EscalationView(r.id, r.username, r.name, r.question, r.promised_at, r.at, r.by,
                                                   None, None, r.promised_at < now)) for r in session.execute(q))
    return CaseDigest(received, overdue, escalations, missing_day_check(session, day),
                      tuple(repeated_causes(session, actor, now)))


def deductions(session: Session, staff_username: str | None = None) -> list[tuple]:
    """(username, points, reason, at, by) of every deduction, newest first."""
    staff, d = light.staff, light.deduction
    q = select(staff.c.username, d.c.points, d.c.reason, d.c.at, d.c.by).join(staff, staff.c.id == d.c.staff_id)
    if staff_username is not None:
        q = q.where(staff.c.username == staff_username)
    return list(session.execute(q.order_by(d.c.at.desc())))

