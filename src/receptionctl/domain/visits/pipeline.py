"""The follow-up pipeline (seed 001, 后续跟进): a client's opportunity moves through the stages
first contact, needs confirmed, proposal submitted and negotiation, each reached on a date
with an owner, with a priority (high-value or urgent needs first) and the date of its next
step; it ends won or lost.

- One open opportunity per client (`opportunity.open_client_id`). `followup stage` opens one
  when the client has none (at first contact, then the stage asked), moves it, or changes its
  priority, owner or next date; each stage reached is a row of `opportunity_stage`.
- Its next step is a task (stage followup, key `opportunity-N`, of no visit) due at the next
  date and falling to its owner; `followup stage` closes it and opens the next.
- The visits feed it: a completed visit whose feedback says a cooperation intention (or whose
  outcome is `intent`) opens the client's opportunity at first contact (low intention) or needs
  (medium, high, or the outcome), or moves one at first contact on to needs. Its next date is
  then the next step of the visit's follow-up chain (the proposal, the second meeting), which is
  the work: no task of its own.
- Won or lost ends it, and with it the follow-up chain (the proposal, the second meeting, the
  weekly updates: the procedure's `chain` steps) of the client's visits: their open steps are
  skipped with the reason, through the engine (`opportunity.ended`).
- The tasks of a client's visits take the priority of the client's open opportunity (the task
  list, engine/tasklist.py), so that `followup due` and the daily report put the work in order.

Below the follow-up stage (followups.py feeds it) and above the visit: closing the visits
whose chain it ended is the top layer's (work.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, find, lifecycle, outbox, policy
from receptionctl.domain.core.alerts import NORMAL, Alert
from receptionctl.domain.core.base import Done
from receptionctl.domain.engine import Event
from receptionctl.errors import BadInput, Refused
from receptionctl.i18n import N_, _, chinese, code, code_in, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from receptionctl.store.tables.common import Opportunity

OPP, STAGE, TASK = light.opportunity.c, light.opportunity_stage.c, light.task.c

STAGES = ("first-contact", "needs", "proposal", "negotiation", "won", "lost")
OPEN = STAGES[:4]
ENDED = ("won", "lost")
PRIORITIES = ("high", "medium", "low")
RANK = {p: i for i, p in enumerate(PRIORITIES)}
# a new opportunity's priority: the higher of its client's value (the tier) and the intention said
TIER_PRIORITY = {"vip": "high", "key": "medium", "normal": "low"}
INTENT_PRIORITY = {"high": "high", "medium": "medium", "low": "low", "intent": "medium"}
# the stage a cooperation intention puts an opportunity at (`intent`: the visit's outcome)
INTENT_STAGE = {"low": "first-contact", "medium": "needs", "high": "needs", "intent": "needs"}
WRITE = frozenset({"coordinator", "host"})


@dataclass(frozen=True)
class StageView:
    stage: str
    at: datetime
    by: str
    owner: str | None
    priority: str
    next_at: datetime | None
    note: str | None
    visit_id: int | None  # the visit that fed it, when one did


@dataclass(frozen=True)
class OpportunityView:
    id: int
    client_id: int
    client: str
    stage: str
    priority: str
    next_at: datetime | None
    owner: str | None
    owner_name: str | None
    note: str | None
    opened_at: datetime
    opened_by: str
    stage_at: datetime  # when it reached its stage
    closed_at: datetime | None  # won or lost
    visit_id: int | None  # the visit that opened it
    overdue: bool  # open, and its next date has passed
    task_id: int | None  # the open task of its next step
    stages: tuple[StageView, ...] = ()


def stage_label(stage: str) -> str:
    """A stage as people read it: `first contact`; in Chinese its words."""
    return code(stage, "stage") if chinese() else stage.replace("-", " ")


# -- reading ----------------------------------------------------------------------------------
def _query():
    owner, client = light.staff.alias("owner"), light.client
    return (select(light.opportunity, client.c.name.label("client_name"), owner.c.username.label("owner_username"),
                   owner.c.name.label("owner_name"))
            .join(client, client.c.id == OPP.client_id)
            .outerjoin(owner, owner.c.id == OPP.owner_id))


def _views(session: Session, rows, now: datetime) -> list[OpportunityView]:
    """The rows as views, with their stages and open next-step tasks (two statements)."""
    ids = [o.id for o in rows]
    stages: dict[int, list[StageView]] = {}
    tasks: dict[int, int] = {}
    if ids:
        owner = light.staff.alias("owner")
        for s in session.execute(
                select(light.opportunity_stage, owner.c.username.label("owner_username"))
                .outerjoin(owner, owner.c.id == STAGE.owner_id)
                .where(STAGE.opportunity_id.in_(ids)).order_by(STAGE.at, STAGE.id)):
            stages.setdefault(s.opportunity_id, []).append(
                StageView(s.stage, s.at, s.by, s.owner_username, s.priority, s.next_at, s.note, s.visit_id))
        tasks = dict(session.execute(select(TASK.opportunity_id, TASK.id).where(
            TASK.opportunity_id.in_(ids), TASK.state == "open")).all())
    return [OpportunityView(o.id, o.client_id, o.client_name, o.stage, o.priority, o.next_at, o.owner_username,
                            o.owner_name, o.note, o.opened_at, o.opened_by, o.stage_at, o.closed_at, o.visit_id,
                            o.closed_at is None and o.next_at is not None and o.next_at < now, tasks.get(o.id),
                            tuple(stages.get(o.id, ()))) for o in rows]


def list_opportunities(session: Session, *, stage: str | None = None, owner: str | None = None,
                       client: str | None = None, ended: bool = False) -> list[OpportunityView]:
    """The opportunities, open ones unless `ended` (or a `stage` won or lost is asked): high
    priority first, then by the next date."""
    if stage is not None and stage not in STAGES:
        raise BadInput(_("stage {stage!r} is not valid: expected {stages}").format(stage=stage,
                                                                                  stages=", ".join(STAGES)))
    q = _query()
    if stage is not None:
        q = q.where(OPP.stage == stage)
    elif not ended:
        q = q.where(OPP.closed_at.is_(None))
    if owner is not None:
        q = q.where(OPP.owner_id == find.staff(session, owner, "--owner").id)
    if client is not None:
        q = q.where(OPP.client_id == find.client(session, client).id)
    rank = case(*((OPP.priority == p, i) for p, i in RANK.items()), else_=len(RANK))
    rows = session.execute(q.order_by(OPP.closed_at.is_not(None), rank, OPP.next_at.is_(None),
                                      OPP.next_at, OPP.closed_at.desc(), OPP.id)).all()
    return _views(session, rows, clock.now())


def get_view(session: Session, opportunity_id: int) -> OpportunityView:
    return _views(session, session.execute(_query().where(OPP.id == opportunity_id)).all(), clock.now())[0]


def client_opportunities(session: Session, client: str) -> list[OpportunityView]:
    """A client's opportunities, the open one first, then the ended ones, newest first (each with its
    stages): `followup show`."""
    row = find.client(session, client)
    rows = session.execute(_query().where(OPP.client_id == row.id).order_by(
        OPP.closed_at.is_not(None), OPP.opened_at.desc(), OPP.id.desc())).all()
    return _views(session, rows, clock.now())


# -- writing ----------------------------------------------------------------------------------
def _open_of(session: Session, client_id: int) -> Opportunity | None:
    from receptionctl.store.tables.common import Opportunity

    return session.scalars(select(Opportunity).where(Opportunity.open_client_id == client_id)).first()


def _record(session: Session, opp: Opportunity, actor: str, at: datetime, visit_id: int | None = None) -> None:
    """The stage the opportunity has just reached, with its owner, priority and next date."""
    from receptionctl.store.tables.visits import OpportunityStage

    session.add(OpportunityStage(opportunity_id=opp.id, stage=opp.stage, at=at, by=actor, owner_id=opp.owner_id,
                                 priority=opp.priority, next_at=opp.next_at, note=opp.note, visit_id=visit_id))


def _titles(client: str, stage: str, note: str | None) -> tuple[str, str]:
    """The next step's task title, in English and in Chinese (written once, for every reader)."""
    en = "Next step with {client} ({stage})".format(client=client, stage=stage.replace("-", " "))
    zh = "与{client}的下一步跟进（{stage}）".format(client=client, stage=code_in("zh-CN", stage, "stage"))
    if note:
        en, zh = f"{en}: {note}", f"{zh}：{note}"
    return en, zh


def _next_step(session: Session, opp: Opportunity, client: str, actor: str, why: str) -> int | None:
    """Close the opportunity's open next step (`why`) and, while it is open with a next date,
    open the next one; its id."""
    engine.close_opportunity_tasks(session, opp.id, actor, why)
    if opp.closed_at is not None or opp.next_at is None:
        return None
    en, zh = _titles(client, opp.stage, opp.note)
    return engine.open_opportunity_task(session, opp.id, en, zh, opp.next_at, opp.owner_id)


def _host_of_latest_visit(session: Session, client_id: int) -> int | None:
    """The host of the client's latest visit that took place: the default owner of its opportunity."""
    asg, visit = light.assignment.c, light.visit.c
    return session.scalar(select(asg.staff_id).join(light.visit, visit.id == asg.visit_id).where(
        visit.client_id == client_id, asg.role == "host", visit.status.in_(lifecycle.RECEIVED))
        .order_by(visit.starts_at.desc()).limit(1))


def _check(to: str, next_at: datetime | None, priority: str | None, note: str | None, rules: dict) -> str | None:
    """The inputs of a move, checked (bad input, exit 2); the note, trimmed."""
    if to not in STAGES:
        raise BadInput(_("stage {stage!r} is not valid: expected {stages}").format(stage=to, stages=", ".join(STAGES)))
    if priority is not None and priority not in PRIORITIES:
        raise BadInput(_("priority {priority!r} is not valid: expected high, medium or low").format(priority=priority))
    if to in ENDED and next_at is not None:
        raise BadInput(_("--next is not taken with {stage}: the opportunity ends").format(stage=to))
    if next_at is not None:
        today = datetime.combine(policy.today(rules), time(0, 0), policy.work_zone(rules))
        if next_at < today:
            raise BadInput(_("--next {day} is in the past: expected the date of the next step, today or later").format(
                day=f"{clock.local(next_at):%Y-%m-%d %H:%M}"))
    note = (note or "").strip() or None
    if note is not None and len(note) > 2000:
        raise BadInput(_("--note is too long: expected at most {limit} characters").format(limit=2000))
    return note


def move(session: Session, actor: str, client_ref: str, to: str, *, next_at: datetime | None = None,
         priority: str | None = None, owner: str | None = None, note: str | None = None) -> tuple[Done, list[int]]:
    """`followup stage`: the client's opportunity moves to `to` (opened at first contact when
    the client has none), or, at the stage it is at, takes a new next date, priority, owner or
    note. Won or lost ends it and the follow-up chain of the client's visits. Returns the
    result and the visits whose chain was ended (the caller closes those that are done)."""
    who = access.require(session, actor, WRITE, N_("move opportunities through the follow-up pipeline"))
    rules = policy.load(session)
    note = _check(to, next_at, priority, note, rules)
    client = find.client(session, client_ref)
    person = find.staff(session, owner, N_("the opportunity's owner"), active_only=True) if owner else None
    opp = _open_of(session, client.id)
    now = clock.now()
    warnings: list[str] = []
    if to in OPEN and next_at is None and (opp is None or to != opp.stage):  # at its stage, the date may stay
        raise BadInput(_("--next is missing: expected the date of the next step at {stage}").format(
            stage=stage_label(to)), hint=_("such as --next +3d, --next mon 10:00 or --next 2026-12-10"))
    if opp is None:
        if to in ENDED:
            raise Refused(_("{client} has no open opportunity: nothing to mark {stage}").format(
                client=client.name, stage=code(to)),
                hint=_("`receptionctl followup stage CLIENT --to needs --next DATE` opens one"))
        opp = _new(session, actor, client, priority or TIER_PRIORITY.get(client.tier, "medium"),
                   person.id if person else _host_of_latest_visit(session, client.id) or who.id, now)
        warnings.append(_("opportunity {id} of {client} opened").format(id=opp.id, client=client.name))
    elif _unchanged(opp, to, next_at, priority, person, note):
        raise Refused(_("the opportunity of {client} is at {stage} already, with that next date, priority and "
                        "owner").format(client=client.name, stage=stage_label(to)))
    elif to in OPEN and STAGES.index(to) < STAGES.index(opp.stage):
        warnings.append(_("the opportunity of {client} goes back from {was} to {stage}").format(
            client=client.name, was=stage_label(opp.stage), stage=stage_label(to)))
    before, moved = _state(opp), to != opp.stage
    opp.owner_id = person.id if person is not None else opp.owner_id
    opp.priority = priority or opp.priority
    opp.note = note if note is not None else (None if moved else opp.note)  # the note says the next step
    opp.next_at = (next_at or opp.next_at) if to in OPEN else None
    if moved:
        opp.stage, opp.stage_at = to, now
        if to in ENDED:
            opp.closed_at, opp.open_client_id = now, None
        session.flush()
        _record(session, opp, actor, now)
    session.flush()
    _next_step(session, opp, client.name, actor, f"moved to {to}" if moved else "next step changed")
    ended = _end_chains(session, actor, opp, client.name, warnings) if to in ENDED else []
    audit.record(session, actor, "opportunity.stage" if moved else "opportunity.update", "opportunity", opp.id,
                 before=before, after=_state(opp))
    _emit(session, actor, opp, client.name, before["stage"])
    return Done(get_view(session, opp.id), warnings), ended


def _unchanged(opp: Opportunity, to: str, next_at, priority, person, note) -> bool:
    """Whether a move would change nothing: the same stage, next date, priority, owner and note."""
    return (to == opp.stage and (next_at is None or next_at == opp.next_at) and priority in (None, opp.priority)
            and (person is None or person.id == opp.owner_id) and (note is None or note == opp.note))


def _new(session: Session, actor: str, client, priority: str, owner_id: int | None, at: datetime,
         visit_id: int | None = None, next_at: datetime | None = None) -> Opportunity:
    """A new opportunity of the client, at first contact (its stage row written)."""
    from receptionctl.store.tables.common import Opportunity

    opp = Opportunity(client_id=client.id, open_client_id=client.id, stage="first-contact", priority=priority,
                      owner_id=owner_id, visit_id=visit_id, opened_at=at, opened_by=actor, stage_at=at,
                      next_at=next_at)
    session.add(opp)
    session.flush()
    _record(session, opp, actor, at, visit_id)
    audit.record(session, actor, "opportunity.open", "opportunity", opp.id, visit_id=visit_id,
                 after={"client": client.name, **_state(opp)})
    return opp


def _state(opp: Opportunity) -> dict:
    return {"stage": opp.stage, "priority": opp.priority, "next_at": opp.next_at, "owner_id": opp.owner_id,
            "note": opp.note}


def _emit(session: Session, actor: str, opp: Opportunity, client: str, was: str | None) -> None:
    owner = (session.scalar(select(light.staff.c.username).where(light.staff.c.id == opp.owner_id))
             if opp.owner_id else None)
    outbox.emit(session, "opportunity.stage", {
        "opportunity_id": opp.id, "client": client, "stage": opp.stage, "kind": opp.stage, "was": was,
        "priority": opp.priority, "next_at": opp.next_at, "owner": owner, "by": actor})


def _end_chains(session: Session, actor: str, opp: Opportunity, client: str, warnings: list[str]) -> list[int]:
    """Won or lost: the engine skips the open steps of the follow-up chain of the client's visits
    (`opportunity.ended`); the visits it touched."""
    visit = light.visit.c
    visits = list(session.scalars(select(TASK.visit_id).join(light.visit, visit.id == TASK.visit_id).where(
        visit.client_id == opp.client_id, TASK.state == "open", TASK.stage == "followup").distinct()
        .order_by(TASK.visit_id)))
    touched, closed = [], 0
    for visit_id in visits:
        n = engine.on(session, Event("opportunity.ended", visit_id, actor, note=f"opportunity {opp.stage}",
                                     data={"stage": opp.stage, "opportunity": opp.id, "client": client})).closed
        if n:
            touched.append(visit_id)
            closed += n
    if closed:
        warnings.append(ngettext("{n} open step of the follow-up chain closed as not needed (visits {visits})",
                                 "{n} open steps of the follow-up chain closed as not needed (visits {visits})",
                                 closed).format(n=closed, visits=", ".join(map(str, touched))))
    return touched


# -- what the visits feed ---------------------------------------------------------------------
def _chain_next(session: Session, visit) -> datetime | None:
    """The due time of the visit's next open step of its follow-up chain (the proposal, ...)."""
    proc = engine.by_id(session, visit.procedure_id) if visit.procedure_id else engine.current(session)
    keys = [s.key for s in proc.tasks if s.chain]
    if not keys:
        return None
    return session.scalar(select(func.min(TASK.due_at)).where(TASK.visit_id == visit.id, TASK.state == "open",
                                                              TASK.key.in_(keys)))


def _client(session: Session, client_id: int):
    """The client's row (its id, name and tier), read through the light handles."""
    client = light.client.c
    return session.execute(select(client.id, client.name, client.tier).where(client.id == client_id)).one()


def feed(session: Session, actor: str, visit, intent: str) -> list[str]:
    """A cooperation intention said of a visit that took place (feedback --intent low, medium or
    high; the outcome `intent`): the client's opportunity opens at the stage it puts it at, or
    moves on from first contact to needs. What was done, in words (none: nothing changed)."""
    stage = INTENT_STAGE.get(intent)
    if stage is None or visit.status not in lifecycle.ENDED:
        return []
    client = _client(session, visit.client_id)
    opp = _open_of(session, client.id)
    if opp is not None and STAGES.index(stage) <= STAGES.index(opp.stage):
        return []
    now = clock.now()
    next_at = _chain_next(session, visit) or now + timedelta(days=policy.load(session)["proposal_days"])
    opened = opp is None
    if opened:
        asg = light.assignment.c
        host = session.scalar(select(asg.staff_id).where(asg.visit_id == visit.id, asg.role == "host"))
        me = access.find_actor(session, actor)
        priority = min(TIER_PRIORITY.get(client.tier, "medium"), INTENT_PRIORITY[intent], key=RANK.get)
        opp = _new(session, actor, client, priority, host or (me.id if me else None), min(visit.starts_at, now),
                   visit.id, next_at)
    before = _state(opp)
    if stage != opp.stage:
        had_task = session.scalar(select(TASK.id).where(TASK.opportunity_id == opp.id, TASK.state == "open"))
        opp.stage, opp.stage_at, opp.next_at = stage, now, opp.next_at or next_at
        session.flush()
        _record(session, opp, actor, now, visit.id)
        if had_task is not None:  # a step planned by hand moves on with it; the chain's are the visit's tasks
            _next_step(session, opp, client.name, actor, f"moved to {stage} by visit {visit.id}")
        audit.record(session, actor, "opportunity.stage", "opportunity", opp.id, visit_id=visit.id, before=before,
                     after=_state(opp))
    _emit(session, actor, opp, client.name, None if opened else before["stage"])
    said = (_("opportunity {id} of {client} opened at {stage} (priority {priority})") if opened else
            _("opportunity {id} of {client} moves to {stage}"))
    return [said.format(id=opp.id, client=client.name, stage=stage_label(opp.stage), priority=code(opp.priority))]


def end(session: Session, actor: str, visit, outcome: str) -> tuple[list[str], list[int]]:
    """The visit's outcome is won or lost: so is the client's open opportunity, if it has one,
    and the follow-up chain of the client's visits ends. (What was done in words, the visits
    whose chain was ended.)"""
    client = _client(session, visit.client_id)
    opp = _open_of(session, client.id)
    if opp is None or outcome not in ENDED:
        return [], []
    before = _state(opp)
    now = clock.now()
    opp.stage, opp.stage_at, opp.closed_at, opp.open_client_id, opp.next_at = outcome, now, now, None, None
    session.flush()
    _record(session, opp, actor, now, visit.id)
    _next_step(session, opp, client.name, actor, f"{outcome}: outcome of visit {visit.id}")
    warnings = [_("opportunity {id} of {client} is {stage}").format(id=opp.id, client=client.name,
                                                                     stage=code(outcome))]
    touched = _end_chains(session, actor, opp, client.name, warnings)
    audit.record(session, actor, "opportunity.stage", "opportunity", opp.id, visit_id=visit.id, before=before,
                 after=_state(opp))
    _emit(session, actor, opp, client.name, before["stage"])
    return warnings, touched


# -- the funnel and the alert ---------------------------------------------------------------------
@dataclass(frozen=True)
class FunnelStage:
    stage: str
    reached: int  # opportunities that reached the stage in the period
    reached_previous: int  # in the period before
    open: int | None  # open at the stage at the end of the period (None for won and lost: they end)


def funnel(session: Session, prev_start: datetime, start: datetime, end_: datetime) -> tuple[FunnelStage, ...]:
    """Per stage: the opportunities that reached it in [start, end) and in [prev_start, start),
    and those at it, still open, at the end of the period (or now, if sooner): one statement."""
    now = clock.now()
    reached = {s: [0, 0] for s in STAGES}
    last: dict[int, str] = {}
    for opp_id, stage, at in session.execute(
            select(STAGE.opportunity_id, STAGE.stage, STAGE.at)
            .where(STAGE.at < end_).order_by(STAGE.at, STAGE.id)):
        if at >= prev_start and stage in reached:
            reached[stage][0 if at >= start else 1] += 1
        if at <= now:  # the stage it was at at the period's end (the query stops there), or now
            last[opp_id] = stage
    at_end = {s: 0 for s in OPEN}
    for stage in last.values():
        if stage in at_end:
            at_end[stage] += 1
    return tuple(FunnelStage(s, reached[s][0], reached[s][1], at_end.get(s) if s in OPEN else None) for s in STAGES)


def alerts(session: Session, now: datetime) -> list[Alert]:
    """Open opportunities at the same stage for longer than the policy's pipeline_stall_days:
    the follow-up is to be looked at again (adjust the follow-up as the client answers)."""
    rules = policy.load(session)
    days = rules["pipeline_stall_days"]
    client = light.client
    rows = session.execute(
        select(OPP.id, client.c.name, OPP.stage, OPP.stage_at, OPP.priority)
        .join(client, client.c.id == OPP.client_id)
        .where(and_(OPP.open_client_id.is_not(None), OPP.stage_at < now - timedelta(days=days)))
        .order_by(OPP.stage_at)).all()
    return [Alert("opportunity_stalled", _("opportunity {id} of {client} ({priority} priority) has been at {stage} "
                                           "for {n} days: follow it up or mark it lost").format(
        id=oid, client=client, priority=code(priority), stage=stage_label(stage), n=(now - at).days), None, NORMAL)
        for oid, client, stage, at, priority in rows]
