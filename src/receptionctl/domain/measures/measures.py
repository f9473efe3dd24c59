"""Measuring the people (docs/usage/measures.md; seeds 000, 002, 003, docs/SEEDS.md).

Deductions: each mistake (wrong information, a client complaint) deducts the policy's
deduction_min to deduction_max points from the person's reception score (seed 002); seed 000's
other penalties are a warning, a fine (its amount) and a demotion, recorded the same way with
no points. `case resolve --deduct` writes one for a complaint about staff; `deduct` writes any
other. A deduction for a complaint about staff is seen only by those who may see the complaint
(duty managers, approvers, admins), never by the person it is about. Rewards are in rewards.py.

Training: a session (topic, day, trainer) with the people who took part and the
assessment's score and result (seed 000: train, then check the training); a person's rows
are their training tracking card (seed 003). Each has a kind (vocab.TrainingKind): the reception
staff's training (the default), safety, etiquette, product, emergency, or a job rotation (seed
003: 岗位轮换, recorded as training and shown on the card). A training given for a visit closes the
visit's "brief and train the staff" step (TRAIN_TASK) through the task engine; a safety training
its off-site safety training step first (TRAIN_STEPS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlmodel import select

from receptionctl.domain import engine
from receptionctl.domain.cases import cases
from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.base import amount as parse_amount
from receptionctl.domain.core.base import required_text
from receptionctl.domain.core.vocab import PenaltyKind, TrainingKind
from receptionctl.domain.visits import followups
from receptionctl.domain.visits.visits import get_view
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, code, typed
from receptionctl.store.tables.common import ServiceCase, Staff, Task, Visit
from receptionctl.store.tables.measures import Deduction, Training, TrainingPerson

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


DEDUCT = frozenset({"approver", "duty_manager"})  # and admin
TRAIN = frozenset({"coordinator", "duty_manager", "approver"})  # and admin: record and read everyone's training
SEE_ALL_DEDUCTIONS = DEDUCT  # others see their own deductions only
PENALTIES = tuple(k.value for k in PenaltyKind)  # points (the default) counts in the score; the others do not
TRAIN_TASK = "train-staff"  # the default procedure's key of "brief and train the reception staff"
# the visit's steps a training of a kind closes, the first still open (default: TRAIN_TASK)
TRAIN_STEPS = {"safety": ("safety-training", TRAIN_TASK)}
DEFAULT_KIND = TrainingKind.reception.value


# -- deductions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeductionView:
    id: int
    person: str
    name: str
    points: int
    reason: str
    case_id: int | None
    visit_id: int | None
    at: datetime
    by: str
    restricted: bool  # for a complaint about staff
    kind: str = "points"  # points | warning | fine | demotion (penalties)
    amount: Decimal | None = None  # a fine's


def _deduction_query():
    return (select(Deduction, Staff.username, Staff.name, ServiceCase.about_staff_id)
            .join(Staff, Staff.id == Deduction.staff_id)
            .outerjoin(ServiceCase, ServiceCase.id == Deduction.case_id))


def _deduction_view(row) -> DeductionView:
    d, username, name, about = row
    return DeductionView(d.id, username, name, d.points, d.reason, d.case_id, d.visit_id, d.at, d.by,
                         about is not None, d.kind, None if d.amount is None else Decimal(d.amount))


def _penalty(session: Session, kind: str, points: int | None, amount: str | None) -> tuple[int, Decimal | None]:
    """The points (0 but for kind points) and the amount (a fine's) of a penalty, checked."""
    if kind not in PENALTIES:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(PENALTIES)))
    if kind != "points" and points is not None:
        raise BadInput(_("--points is for a deduction of points: expected --kind points, not {kind}").format(
            kind=kind))
    value = parse_amount(amount, N_("--amount"))
    if kind == "fine" and (value is None or value <= 0):
        raise BadInput(_("a fine needs its amount: expected --amount such as 200"))
    if kind != "fine" and value is not None:
        raise BadInput(_("--amount is a fine's: expected --kind fine, not {kind}").format(kind=kind))
    if kind != "points":
        return 0, value
    if points is None:
        raise BadInput(_("a deduction of points needs its points: expected --points N"))
    rules = policy.load(session)
    lo, hi = rules["deduction_min"], rules["deduction_max"]
    if not lo <= points <= hi:
        raise BadInput(_("points {points} is not valid: expected {lo} to {hi} points (the policy's deduction_min "
                         "and deduction_max)").format(points=points, lo=lo, hi=hi))
    return points, None


def deduct(session: Session, actor: str, person: str, points: int | None, reason: str, case_id: int | None = None,
           visit_id: int | None = None, kind: str = "points", amount: str | None = None) -> DeductionView:
    """A penalty for a mistake (approver, duty manager, admin): by default points deducted from
    the person's reception score, within the policy's deduction_min..deduction_max; or a warning,
    a fine of `amount`, a demotion (no points)."""
    who = access.require(session, actor, DEDUCT, N_("deduct points"))
    points, value = _penalty(session, kind, points, amount)
    reason = required_text(reason, "--reason", N_("what the mistake was"), limit=2000)
    staff = find.staff(session, person, N_("the deduction"))
    restricted = False
    if case_id is not None:
        case = cases.show_case(session, actor, case_id)  # not found unless the actor may see it
        if case.restricted:
            if staff.username not in (case.about, case.responsible):
                raise BadInput(_("case {case} is a complaint about {about}, not {user}").format(
                    case=case_id, about=case.about, user=staff.username))
            restricted = True
        if visit_id is not None and case.visit_id is not None and visit_id != case.visit_id:
            raise BadInput(_("case {case} arose in visit {visit}, not visit {other}").format(
                case=case_id, visit=case.visit_id, other=visit_id))
        visit_id = visit_id or case.visit_id
    if visit_id is not None:
        get_view(session, visit_id)
    row = Deduction(staff_id=staff.id, points=points, reason=reason, case_id=case_id, visit_id=visit_id,
                    at=clock.now(), by=who.username, kind=kind, amount=None if value is None else str(value))
    session.add(row)
    session.flush()
    after = {"person": staff.username, "points": points, "case_id": case_id, "kind": kind, "amount": row.amount}
    after.update({"restricted": True} if restricted else {"reason": reason})
    audit.record(session, actor, "deduction.add", "deduction", row.id, visit_id=visit_id, after=after)
    return _deduction_view(session.execute(_deduction_query().where(Deduction.id == row.id)).first())


def list_deductions(session: Session, actor: str, person: str | None = None, start: datetime | None = None,
                    end: datetime | None = None) -> list[DeductionView]:
    """Deductions, newest first. Approvers, duty managers and admins see everyone's (but not
    one for a complaint about themselves); others see their own, without those for a
    complaint about staff."""
    me = access.find_actor(session, actor)
    if me is None:
        access.refuse_inactive(session, actor, N_("see deductions"))
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot see deductions").format(user=actor),
                         hint=_("act as a registered user with --as"))
    q = _deduction_query()
    if person is not None:
        staff = find.staff(session, person, "--person")
        if staff.id != me.id and not me.has(*SEE_ALL_DEDUCTIONS):
            raise NotAllowed(_("{user} cannot see {other}'s deductions: needs the role {roles}").format(
                user=actor, other=staff.username,
                roles=_(", ").join(code(r, "role") for r in sorted({"admin", *SEE_ALL_DEDUCTIONS}))))
        q = q.where(Deduction.staff_id == staff.id)
    if not me.has(*SEE_ALL_DEDUCTIONS):
        q = q.where(Deduction.staff_id == me.id)
    if not cases.sees_staff_complaints(session, actor):
        q = q.where(ServiceCase.about_staff_id.is_(None))
    else:  # a complaint about yourself is not yours to see
        q = q.where(or_(ServiceCase.about_staff_id.is_(None), ServiceCase.about_staff_id != me.id))
    if start is not None:
        q = q.where(Deduction.at >= start)
    if end is not None:
        q = q.where(Deduction.at < end)
    return [_deduction_view(r) for r in session.execute(q.order_by(Deduction.at.desc(), Deduction.id.desc()))]


# -- training --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TraineeView:
    person: str
    name: str
    score: int | None
    passed: bool | None


@dataclass(frozen=True)
class TrainingView:
    id: int
    topic: str
    kind: str  # reception | safety | etiquette | product | emergency | rotation
    day: date
    trainer: str | None
    trainer_username: str | None
    pass_mark: int | None
    notes: str | None
    visit_id: int | None
    at: datetime
    by: str
    people: tuple[TraineeView, ...]
    task_id: int | None = None  # the visit's training step it closed, when recorded with a visit


@dataclass(frozen=True)
class CardLine:
    """One line of a person's training tracking card."""

    training_id: int
    day: date
    kind: str
    topic: str
    trainer: str | None
    person: str
    name: str
    score: int | None
    passed: bool | None
    visit_id: int | None


def _result(value: str) -> tuple[int | None, bool | None]:
    """An assessment result: a score 0-100, or pass / fail."""
    word = value.strip().lower()
    word = {"pass": "passed", "fail": "failed"}.get(word, word)
    word = typed(word, ("passed", "failed")) or word  # 通过, 合格; 未通过, 不合格
    if word == "passed":
        return None, True
    if word == "failed":
        return None, False
    if word.isascii() and word.isdigit() and len(word) < 4 and 0 <= int(word) <= 100:
        return int(word), None
    raise BadInput(_("result {value!r} is not valid: expected a score from 0 to 100, pass or fail").format(
        value=value))


def add_training(session: Session, actor: str, *, topic: str, day: date, people: list[str],
                 results: dict[str, str] | None = None, trainer: str | None = None, pass_mark: int | None = None,
                 notes: str | None = None, visit_id: int | None = None, kind: str = DEFAULT_KIND) -> TrainingView:
    """Record a training of `kind` held on `day` (today or before) with the people who took part
    and the assessment's results (`results`: person -> a score 0-100, pass or fail; with
    `pass_mark`, a score at or above it passed). With `visit_id`, the visit's training step is
    done (TRAIN_STEPS); a job rotation prepares for no visit."""
    access.require(session, actor, TRAIN, N_("record training"))
    kinds = [k.value for k in TrainingKind]
    if kind not in kinds:
        raise BadInput(_("training kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(kinds)))
    if kind == "rotation" and visit_id is not None:
        raise BadInput(_("--visit {visit}: a job rotation prepares for no visit; --visit names the visit a training "
                         "was given for").format(visit=visit_id))
    topic = required_text(topic, "--topic", N_("what the training was about"), limit=300)
    rules = policy.load(session)
    today = policy.today(rules)
    if day > today:
        raise BadInput(_("day {day} is in the future: expected the day the training was held, at the latest "
                         "today").format(day=day))
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        raise BadInput(_("pass mark {mark} is not valid: expected a score from 0 to 100").format(mark=pass_mark))
    names = [p.strip() for item in people for p in item.split(",") if p.strip()]
    if not names:
        raise BadInput(_("people '' is not valid: expected the usernames of those who took part"))
    staff: dict[int, Staff] = {}
    for ref in names:
        row = find.staff(session, ref, "--people")
        staff.setdefault(row.id, row)
    scored: dict[int, tuple[int | None, bool | None]] = {}
    for ref, value in (results or {}).items():
        row = find.staff(session, ref, "--score")
        if row.id not in staff:
            raise BadInput(_("{user} has a result but did not take part: expected one of {choices}").format(
                user=row.username, choices=", ".join(s.username for s in staff.values())))
        score, passed = _result(value)
        if score is not None and pass_mark is not None:
            passed = score >= pass_mark
        scored[row.id] = (score, passed)
    trainer_id, trainer_name = None, None
    if trainer is not None and trainer.strip():
        trainer_name = " ".join(trainer.split())[:200]
        known = session.scalar(select(Staff).where(Staff.username == trainer_name))
        if known is not None:
            trainer_id, trainer_name = known.id, known.name
    visit = get_view(session, visit_id) if visit_id is not None else None
    row = Training(topic=topic, kind=kind, day=day.isoformat(), trainer=trainer_name, trainer_id=trainer_id,
                   pass_mark=pass_mark, notes=(notes or "").strip() or None, visit_id=visit_id, at=clock.now(),
                   by=actor)
    session.add(row)
    session.flush()
    for staff_id in staff:
        score, passed = scored.get(staff_id, (None, None))
        session.add(TrainingPerson(training_id=row.id, staff_id=staff_id, score=score, passed=passed))
    session.flush()
    audit.record(session, actor, "training.add", "training", row.id, visit_id=visit_id,
                 after={"topic": topic, "kind": kind, "day": row.day, "trainer": trainer_name,
                        "people": sorted(s.username for s in staff.values()),
                        "results": {staff[i].username: list(v) for i, v in scored.items()}})
    task_id = _close_train_task(session, actor, visit.id, row) if visit is not None else None
    return show_training(session, actor, row.id, task_id=task_id)


def _close_train_task(session: Session, actor: str, visit_id: int, training: Training) -> int:
    """Done, the visit's training step (for a safety training, its off-site safety training step
    while that is open: TRAIN_STEPS), with a note naming the training; as `task done` does, the
    visit closes when that was the last thing a completed visit waited for."""
    keys = TRAIN_STEPS.get(training.kind, (TRAIN_TASK,))
    tasks = list(session.scalars(select(Task).where(Task.visit_id == visit_id, Task.key.in_(keys))
                                 .order_by(Task.seq, Task.id)))
    if not tasks:
        raise Refused(_("visit {visit} has no step {key!r} (brief and train the staff) to close").format(
            visit=visit_id, key=TRAIN_TASK), hint=_("record the training without the visit"))
    waiting = [t for key in keys for t in tasks if t.key == key and t.state in ("open", "missed")]
    if not waiting:
        raise Refused(_("visit {visit}'s step {key!r} (task {task}) is {state} already").format(
            visit=visit_id, key=tasks[-1].key, task=tasks[-1].id, state=code(tasks[-1].state)),
            hint=_("record the training without the visit"))
    task_id = waiting[0].id
    engine.done(session, actor, task_id, _("training {id}: {topic} ({day})").format(
        id=training.id, topic=training.topic, day=training.day))
    visit = session.get(Visit, visit_id)
    if visit.status == "completed":
        followups.maybe_close(session, actor, visit)
    return task_id


def _may_read(session: Session, actor: str) -> access.Actor:
    me = access.find_actor(session, actor)
    if me is None:
        access.refuse_inactive(session, actor, N_("see training records"))
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot see training records").format(user=actor),
                         hint=_("act as a registered user with --as"))
    return me


def show_training(session: Session, actor: str, training_id: int, task_id: int | None = None) -> TrainingView:
    """A training with everyone who took part; someone without a TRAIN role sees a training
    they took part in, with their own line only."""
    me = _may_read(session, actor)
    row = session.get(Training, training_id)
    if row is None:
        raise NotFound(_("no training {id}").format(id=training_id), hint=_("see `receptionctl training list`"))
    q = (select(TrainingPerson, Staff.username, Staff.name).join(Staff, Staff.id == TrainingPerson.staff_id)
         .where(TrainingPerson.training_id == training_id))
    if not me.has(*TRAIN):
        q = q.where(TrainingPerson.staff_id == me.id)
    people = tuple(TraineeView(u, n, p.score, p.passed) for p, u, n in session.execute(q.order_by(Staff.username)))
    if not people:
        raise NotFound(_("no training {id} of yours").format(id=training_id),
                       hint=_("see `receptionctl training list`"))
    trainer = session.get(Staff, row.trainer_id) if row.trainer_id is not None else None
    return TrainingView(row.id, row.topic, row.kind, date.fromisoformat(row.day), row.trainer,
                        trainer.username if trainer else None, row.pass_mark, row.notes, row.visit_id, row.at,
                        row.by, people, task_id)


def list_training(session: Session, actor: str, person: str | None = None, first: date | None = None,
                  last: date | None = None, kind: str | None = None) -> list[CardLine]:
    """One line per person per training, by day; for one person, their training tracking card
    (job rotations on it too); only those of `kind` when given. Someone without a TRAIN role sees
    their own card only."""
    from sqlalchemy.orm import aliased  # a query of the table classes

    me = _may_read(session, actor)
    trainee = aliased(Staff, name="trainee")
    q = (select(Training, TrainingPerson, trainee.username, trainee.name)
         .join(TrainingPerson, TrainingPerson.training_id == Training.id)
         .join(trainee, trainee.id == TrainingPerson.staff_id))
    if person is not None:
        staff = find.staff(session, person, "--person")
        if staff.id != me.id and not me.has(*TRAIN):
            raise NotAllowed(_("{user} cannot see {other}'s training card: needs the role {roles}").format(
                user=actor, other=staff.username, roles=_(", ").join(code(r, "role") for r in sorted({"admin", *TRAIN}))))
        q = q.where(TrainingPerson.staff_id == staff.id)
    elif not me.has(*TRAIN):
        q = q.where(TrainingPerson.staff_id == me.id)
    if kind is not None:
        q = q.where(Training.kind == kind)
    if first is not None:
        q = q.where(Training.day >= first.isoformat())
    if last is not None:
        q = q.where(Training.day <= last.isoformat())
    rows = session.execute(q.order_by(Training.day, Training.id, trainee.username))
    return [CardLine(t.id, date.fromisoformat(t.day), t.kind, t.topic, t.trainer, u, n, p.score, p.passed, t.visit_id)
            for t, p, u, n in rows]
