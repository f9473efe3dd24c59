"""After the visit: completion, the callback, the feedback form, the outcome, the evaluation,
closing, and the follow-up work that is due."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update

from receptionctl.domain import engine
from receptionctl.domain.cases import cases
from receptionctl.domain.core import access, audit, clock, lifecycle, outbox, policy
from receptionctl.domain.core.base import Done, amount, load_for_change, required_text
from receptionctl.domain.core.vocab import Channel, Intent, Outcome
from receptionctl.domain.engine import Event
from receptionctl.domain.engine.procedure import QuestionSpec
from receptionctl.domain.people.clients import resolve_client
from receptionctl.domain.visits import pipeline, survey
from receptionctl.domain.visits.visits import VISIT_WRITE, get_view
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, chinese, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from receptionctl.store.tables.common import Visit
    from receptionctl.store.tables.visits import Feedback

AFTER = frozenset({"coordinator", "host"})
SCALE = (1, 5)  # a scale answer: 1 poor ... 5 excellent


@dataclass(frozen=True)
class AnswerView:
    """One answer of the form, with its question as the visit's procedure asks it."""

    key: str
    question: str
    question_zh: str | None
    kind: str  # scale (1-5, weighted into the score) or text
    weight: float | None
    value: int | str


@dataclass(frozen=True)
class FeedbackView:
    visit_id: int
    score: int
    channel: str
    intent: str | None
    comment: str | None
    suggestion: str | None
    at: datetime
    by: str
    excellent: bool
    below_red_line: bool
    client: str | None = None  # in lists and `feedback show`
    # the form's answers, in the order of its questions; () for a score given as a number;
    # None where they are not read (the visit sheet)
    answers: tuple[AnswerView, ...] | None = None
    # when the form was last replaced (`at` stays the time the first form was received: the
    # satisfaction of the month it came in does not move to the month of the correction)
    replaced_at: datetime | None = None


@dataclass(frozen=True)
class EvaluationView:
    visit_id: int
    strengths: str
    weaknesses: str
    improvements: str
    cost: float | None  # what the reception cost: the sum of the two costs below when they are given
    at: datetime
    by: str
    # seed 000 counts the reception cost and the material cost apart (issue 26)
    reception_cost: float | None = None  # venue, catering, lodging, transport, people
    material_cost: float | None = None  # materials bought or used: brochures, gifts, stationery, samples
    budget: float | None = None  # the plan's budget
    over_budget: float | None = None  # how much the cost is above the budget (0 within it; None: unknown)


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def evaluation_view(ev, budget: str | None = None) -> EvaluationView:
    """`budget`: the plan's (Plan.budget), to set the cost against."""
    over = None
    if ev.cost and budget:
        over = float(max(Decimal(ev.cost) - Decimal(budget), Decimal(0)))
    return EvaluationView(ev.visit_id, ev.strengths, ev.weaknesses, ev.improvements, _number(ev.cost), ev.at, ev.by,
                          _number(ev.reception_cost), _number(ev.material_cost), _number(budget), over)


def archive_label(client: str, starts_at: datetime, zone) -> str:
    """Records are archived per "client name – reception date"."""
    return f"{client} – {starts_at.astimezone(zone):%Y-%m-%d}"


def complete(session: Session, actor: str, visit_id: int) -> Done:
    """The visit took place: it is completed and gets the procedure's follow-up tasks."""
    from receptionctl.store.tables.visits import Guest

    access.require(session, actor, VISIT_WRITE, N_("complete visits"))
    visit, plan = load_for_change(session, visit_id)
    before = visit.status
    visit.status = lifecycle.visit_step(visit_id, visit.status, "complete")
    now = clock.now()
    warnings = []
    if now < visit.starts_at:
        raise Refused(_("visit {visit} starts at {start}: it cannot be completed before it begins").format(
            visit=visit_id, start=f"{clock.local(visit.starts_at):%Y-%m-%d %H:%M}"))
    visit.completed_at = now


    still_in = session.execute(
        update(Guest).where(Guest.visit_id == visit_id, Guest.checked_out_at.is_(None)).values(checked_out_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    if still_in:
        warnings.append(ngettext("{n} guest still checked in was checked out",
                                 "{n} guests still checked in were checked out", still_in).format(n=still_in))
    # the follow-up tasks open; what was to be done before and on the day, and was not, is
    # missed (not thrown away): it counts against compliance and may still be done, late
    result = engine.on(session, Event("visit.completed", visit_id, actor, note="visit completed"))
    missed = result.missed
    if missed:
        warnings.append(ngettext(
            "{n} preparation or reception-day task was missed: {tasks}; record one done late with "
            "`task done TASK --at WHEN`",
            "{n} preparation or reception-day tasks were missed: {tasks}; record one done late with "
            "`task done TASK --at WHEN`", len(missed)).format(
                n=len(missed), tasks=_(", ").join(_("{key} (task {task})").format(key=name, task=tid)
                                                  for tid, _key, name in missed)))
    session.flush()
    audit.record(session, actor, "visit.complete", "visit", visit_id, visit_id=visit_id,
                 before={"status": before}, after={"status": visit.status,
                                                   "missed": [key for _tid, key, _name in missed]})
    warnings += survey.on_completed(session, actor, visit)  # the questionnaire to the main contact (policy)
    return Done(get_view(session, visit_id), warnings)


def _text(value: str | None, option: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > 4000:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option=option,
                                                                                               limit=4000))
    return value.strip()


def feedback_view(f, rules, answers: tuple[AnswerView, ...] | None = None) -> FeedbackView:
    return FeedbackView(f.visit_id, f.score, f.channel, f.intent, f.comment, f.suggestion, f.at, f.by,
                        f.score >= rules["excellent_score"], f.score < rules["red_line_score"], answers=answers,
                        replaced_at=f.replaced_at)


def questions_of(session: Session, visit) -> tuple[QuestionSpec, ...]:
    """The feedback form of a visit: the questions of the procedure version it started with."""
    proc = engine.by_id(session, visit.procedure_id) if visit.procedure_id else engine.current(session)
    return proc.questions


def check_answer(question: QuestionSpec, raw) -> int | str | None:
    """One answer read against its question: a scale answer is a whole number from 1 to 5; a
    text answer is trimmed (empty: not answered, None)."""
    value = str(raw).strip()
    if question.kind == "scale":
        if value.isascii() and value.isdigit() and SCALE[0] <= int(value) <= SCALE[1]:
            return int(value)
        raise BadInput(_("answer {key}={value!r} is not valid: {key} ({question}) is answered with a whole number "
                         "from {low} (poor) to {high} (excellent)").format(
            key=question.key, value=value, question=question_text(question), low=SCALE[0], high=SCALE[1]))
    if len(value) > 4000:
        raise BadInput(_("answer {key} is too long: expected at most 4000 characters").format(key=question.key))
    return value or None


def question_text(question) -> str:
    """A question as the run's language asks it: the Chinese text when the interface is
    Chinese and the procedure gives one, else the English."""
    return (getattr(question, "text_zh", None) or question.text) if chinese() else question.text


def read_answers(questions: tuple[QuestionSpec, ...], answers: dict[str, str]) -> dict[str, int | str]:
    """A form's answers, by question key in the form's order: unknown keys, bad values and
    unanswered scale questions are refused (every scale question counts in the score)."""
    by_key = {q.key: q for q in questions}
    unknown = [k for k in answers if k not in by_key]
    if unknown:
        raise BadInput(_("the feedback form has no question {keys}: expected {choices}").format(
            keys=", ".join(map(repr, unknown)), choices=", ".join(by_key)))
    checked = {k: check_answer(by_key[k], v) for k, v in answers.items()}
    missing = [q.key for q in questions if q.kind == "scale" and checked.get(q.key) is None]
    if missing:
        raise BadInput(_("the form has no answer to {keys}: every scale question is answered {low} to {high} (the "
                         "score is computed from them all)").format(keys=", ".join(missing), low=SCALE[0],
                                                                     high=SCALE[1]))
    return {q.key: checked[q.key] for q in questions if checked.get(q.key) is not None}


def form_score(questions: tuple[QuestionSpec, ...], answers: dict[str, int | str]) -> int:
    """The 0-100 score of a form: round(100 x sum(weight x (answer - 1) / 4) / sum(weight)) over
    the scale questions, halves rounded up, in exact arithmetic."""
    scale = [q for q in questions if q.kind == "scale"]
    total = sum(Fraction(q.weight) for q in scale)
    got = sum(Fraction(q.weight) * (answers[q.key] - SCALE[0]) for q in scale)
    return math.floor(100 * got / ((SCALE[1] - SCALE[0]) * total) + Fraction(1, 2))


def _answer_views(questions: tuple[QuestionSpec, ...], stored: dict[str, str]) -> tuple[AnswerView, ...]:
    by_key = {q.key: q for q in questions}
    order = [q.key for q in questions if q.key in stored] + [k for k in stored if k not in by_key]
    views = []
    for key in order:
        q = by_key.get(key)
        if q is None:  # a question no longer in the form (not expected: a visit keeps its version)
            views.append(AnswerView(key, key, None, "text", None, stored[key]))
        else:
            value = stored[key]
            views.append(AnswerView(key, q.text, q.text_zh, q.kind, q.weight,
                                    int(value) if q.kind == "scale" else value))
    return tuple(views)


def _ready_for_feedback(session: Session, visit_id: int, replace: bool):
    """The checks before a form is taken (after the actor's right to record it): the visit
    took place, and it has no form yet unless it is replaced. Returns the visit and its
    current form (or None)."""
    from receptionctl.store.tables.visits import Feedback

    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in lifecycle.ENDED:
        raise Refused(_("visit {visit} is {status}: feedback is collected after the visit").format(
            visit=visit_id, status=lifecycle.state_text(visit.status)), hint=_complete_first(visit_id))
    old = session.get(Feedback, visit_id)
    if old is not None and not replace:
        raise Refused(_("visit {visit} has a feedback form already (score {score}, {day})").format(
            visit=visit_id, score=old.score, day=f"{clock.local(old.at):%Y-%m-%d}"),
            hint=_("give --replace to replace it (the old one stays in the audit log)"))
    return visit, old


def _complete_first(visit_id: int) -> str:
    return _("complete it first (`receptionctl visit complete {visit}`)").format(visit=visit_id)


def feedback_form(session: Session, actor: str, visit_id: int, replace: bool = False) -> tuple[QuestionSpec, ...]:
    """The questions to ask for a visit's form, once the form may be recorded (the same checks
    as add_feedback, so that nobody answers a form that would be refused)."""
    access.require(session, actor, AFTER, N_("record feedback"))
    visit, _old = _ready_for_feedback(session, visit_id, replace)
    return questions_of(session, visit)


def add_feedback(session: Session, actor: str, visit_id: int, *, score: int | None = None,
                 channel: str | None = None, answers: dict[str, str] | None = None,
                 intent: str | None = None, comment: str | None = None, suggestion: str | None = None,
                 replace: bool = False) -> Done:
    """The client-reception feedback form: a score from 0 to 100 (a phone call), or the
    answers to the visit's questions, from which the score is computed (channel `form` unless
    said). It closes the callback task; taken by phone, it is the callback too, unless one is
    recorded already. A score under the red line raises an alert and an investigation task for
    the coordinator, and opens a complaint case (unless one from this visit's feedback is still
    open)."""
    from receptionctl.store.tables.visits import Feedback, FeedbackAnswer

    access.require(session, actor, AFTER, N_("record feedback"))
    channel = _check_form(score, channel, answers, intent)
    comment, suggestion = _text(comment, "--comment"), _text(suggestion, "--suggestion")
    visit, old = _ready_for_feedback(session, visit_id, replace)
    given: dict[str, int | str] = {}
    questions: tuple[QuestionSpec, ...] = ()
    if answers:
        questions = questions_of(session, visit)
        given = read_answers(questions, {str(k).strip().lower(): v for k, v in answers.items()})
        score = form_score(questions, given)
    rules = policy.load(session)
    before = _remove_form(session, old, visit_id) if old is not None else None
    now = clock.now()
    # a replaced form is a correction: it keeps the time the form was received, so that the
    # measures of that month keep it (the audit log has the old form and the moment of the change)
    row = Feedback(visit_id=visit_id, score=score, channel=channel, intent=intent, comment=comment,
                   suggestion=suggestion, at=before["at"] if before else now, by=actor,
                   replaced_at=now if before else None)
    session.add(row)
    session.flush()
    session.add_all([FeedbackAnswer(visit_id=visit_id, key=k, value=str(v)) for k, v in given.items()])
    session.flush()
    view = feedback_view(row, rules, _answer_views(questions, {k: str(v) for k, v in given.items()}))
    client = get_view(session, visit_id).client
    result = engine.on(session, Event("feedback.added", visit_id, actor, note=f"feedback form received by {channel}",
                                      data={"score": score, "below_red_line": view.below_red_line,
                                            "channel": channel, "client": client}))
    if channel == Channel.phone.value and not called_back(session, visit_id):
        # a form taken by phone is the callback too, recorded the one way (not twice for one call)
        record_callback(session, actor, visit, note=comment, satisfied=None, at=now, via="feedback")
    investigating, warnings = (_under_red_line(session, actor, visit, result, score, rules, comment)
                               if view.below_red_line else (None, []))
    audit.record(session, actor, "feedback.replace" if before else "feedback.add", "feedback", visit_id,
                 visit_id=visit_id, before=before,
                 after={"score": score, "channel": channel, "intent": intent, "comment": comment,
                        "suggestion": suggestion, "answers": given or None,
                        "investigation_task": investigating if view.below_red_line else None})
    outbox.emit(session, "feedback.add", {"visit_id": visit_id, "client": client, "score": score, "channel": channel, "intent": intent, "red_line": view.below_red_line, "red_line_score": rules["red_line_score"], "replaced": before is not None, "by": actor})
    if intent:  # a cooperation intention feeds the client's opportunity (the follow-up pipeline)
        warnings += pipeline.feed(session, actor, visit, intent)
    if maybe_close(session, actor, visit):
        warnings.append(_closed(visit_id))
    return Done(view, warnings)


def _check_form(score: int | None, channel: str | None, answers, intent: str | None) -> str:
    """The form's inputs checked; its channel (`form` for answers unless said)."""
    if (score is None) == (not answers):
        raise BadInput(_("give the score or the answers to the form, one of them")
                       if score is None else _("give the score or the answers to the form, not both"))
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100):
        raise BadInput(_("score {score!r} is not valid: expected a whole number from 0 to 100").format(score=score))
    if channel is None and answers:
        channel = Channel.form.value
    if channel is None:
        raise BadInput(_("a score needs its channel: expected phone, email, form or visit"))
    if channel not in {c.value for c in Channel}:
        raise BadInput(_("channel {channel!r} is not valid: expected phone, email, form or visit").format(
            channel=channel))
    if intent is not None and intent not in {i.value for i in Intent}:
        raise BadInput(_("intent {intent!r} is not valid: expected none, low, medium or high").format(intent=intent))
    return channel


def _remove_form(session: Session, old: Feedback, visit_id: int) -> dict:
    """The form being replaced, removed with its answers; what it said, for the audit log."""
    from receptionctl.store.tables.visits import FeedbackAnswer

    before = {k: getattr(old, k) for k in ("score", "channel", "intent", "comment", "suggestion", "at", "by")}
    before["answers"] = dict(session.execute(select(FeedbackAnswer.key, FeedbackAnswer.value)
                                             .where(FeedbackAnswer.visit_id == visit_id)).all()) or None
    session.execute(delete(FeedbackAnswer).where(FeedbackAnswer.visit_id == visit_id))
    session.delete(old)
    session.flush()
    return before


def _under_red_line(session: Session, actor: str, visit: Visit, result, score: int, rules: dict,
                    comment: str | None) -> tuple[int | None, list[str]]:
    """A score under the red line: the investigation task (opened, or still open), the visit open
    again if it was closed, a complaint case; (the investigation task, the warnings)."""
    visit_id = visit.id
    warnings: list[str] = []
    investigating = None
    red_line = rules["red_line_score"]
    if result.already_open:
        investigating = result.already_open[0]
        warnings.append(_("ALERT: score {score} is under the red line {red_line}: investigation task {task} is still "
                          "open").format(score=score, red_line=red_line, task=investigating))
        return investigating, warnings
    if visit.status == "closed" and result.opened:
        visit.status = lifecycle.visit_step(visit_id, visit.status, "reopen")
        visit.closed_at = None
        audit.record(session, actor, "visit.reopen", "visit", visit_id, visit_id=visit_id,
                     before={"status": "closed"}, after={"status": "completed", "why": "feedback under the red line"})
        warnings.append(_("visit {visit} is open again until the investigation is done").format(visit=visit_id))
    for task in result.opened:
        investigating = investigating or task.id
        warnings.append(_("ALERT: score {score} is under the red line {red_line}: investigation task {task} for "
                          "the {role}").format(score=score, red_line=red_line, task=task.id,
                                               role=code(task.owner_role, "role")))
    if not result.opened:
        warnings.append(_("ALERT: score {score} is under the red line {red_line}").format(score=score,
                                                                                        red_line=red_line))
    case = cases.open_red_line_case(session, actor, visit_id, visit.client_id, score, rules["red_line_score"], comment)
    if case is not None:
        warnings.append(_("complaint case {case} opened: acknowledge it, give it an owner, call the client "
                          "back").format(case=case))
    return investigating, warnings


def _closed(visit_id: int) -> str:
    return _("visit {visit} is closed: everything after it is done").format(visit=visit_id)


def set_outcome(session: Session, actor: str, visit_id: int, outcome: str, note: str | None = None) -> Done:
    """won or lost ends the weekly chain; won or intent within the conversion window converts."""
    from receptionctl.store.tables.common import Visit

    access.require(session, actor, AFTER, N_("record outcomes"))
    if outcome not in {o.value for o in Outcome}:
        raise BadInput(_("outcome {outcome!r} is not valid: expected won, lost or intent").format(outcome=outcome))
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in lifecycle.ENDED:
        raise Refused(_("visit {visit} is {status}: the outcome is recorded after the visit").format(
            visit=visit_id, status=lifecycle.state_text(visit.status)), hint=_complete_first(visit_id))
    before = {"outcome": visit.outcome, "outcome_at": visit.outcome_at}
    was = visit.outcome
    visit.outcome, visit.outcome_at = outcome, clock.now()
    visit.outcome_note = required_text(note, "--note", N_("a remark")) if note and note.strip() else None
    if outcome in ("won", "intent") and visit.converted_at is None:
        visit.converted_at = visit.outcome_at  # the first deal or intention counts for conversion
    warnings = []
    result = engine.on(session, Event("outcome.recorded", visit_id, actor, data={"outcome": outcome, "was": was}))
    if outcome == "intent" and was in ("won", "lost"):
        restarted = [t.key for t in result.opened]
        if restarted:
            if visit.status == "closed":
                visit.status = lifecycle.visit_step(visit_id, visit.status, "reopen")
                visit.closed_at = None
            warnings.append(_("the weekly follow-up starts again: {tasks}").format(tasks=", ".join(restarted)))
    if outcome in ("won", "lost") and result.closed:
        n = result.closed
        warnings.append(ngettext("{n} open progress update closed as not needed",
                                 "{n} open progress updates closed as not needed", n).format(n=n))
    session.flush()
    audit.record(session, actor, "visit.outcome", "visit", visit_id, visit_id=visit_id, before=before,
                 after={"outcome": outcome, "outcome_at": visit.outcome_at, "note": visit.outcome_note})
    # the client's opportunity (the follow-up pipeline): an intention feeds it, won or lost ends it
    # and the follow-up chain of the client's other visits, which may close them
    ended: list[int] = []
    if outcome == "intent":
        warnings += pipeline.feed(session, actor, visit, "intent")
    else:
        said, ended = pipeline.end(session, actor, visit, outcome)
        warnings += said
    for other in ended:
        row = session.get(Visit, other)
        if other != visit_id and maybe_close(session, actor, row):
            warnings.append(_closed(other))
    if maybe_close(session, actor, visit):
        warnings.append(_closed(visit_id))
    return Done(outcome_view(session, visit_id), warnings)


@dataclass(frozen=True)
class OutcomeView:
    visit_id: int
    outcome: str | None
    outcome_at: datetime | None
    note: str | None
    converted: bool  # won or intent within the conversion window after the visit


def converted(converted_at: datetime | None, ends_at: datetime, window_days: int) -> bool:
    """A deal or an intention (the first, `converted_at`) within the window after the visit."""
    return converted_at is not None and converted_at <= ends_at + timedelta(days=window_days)


def outcome_view(session: Session, visit_id: int, v=None) -> OutcomeView:
    """`v`: the visit's row, when the caller has read it already (else one statement)."""
    if v is None:
        v = session.execute(select(light.visit).where(light.visit.c.id == visit_id)).first()
    window = policy.load(session)["conversion_window_days"]
    return OutcomeView(v.id, v.outcome, v.outcome_at, v.outcome_note,
                       converted(v.converted_at, v.ends_at, window))


def evaluate(session: Session, actor: str, visit_id: int, *, strengths: str, weaknesses: str, improvements: str,
             cost: str | None = None, reception_cost: str | None = None, material_cost: str | None = None) -> Done:
    """The execution group's evaluation (seed 000): strengths, weaknesses, improvements, and what
    the reception cost, as a whole (`cost`) or as its reception cost and material cost apart,
    whose sum is the cost; set against the plan's budget. Written again, it replaces the texts,
    and the costs given (a cost part not given keeps its value)."""
    from receptionctl.store.tables.visits import Evaluation

    access.require(session, actor, AFTER, N_("write evaluations"))
    strengths = required_text(strengths, "--strengths", N_("what went well"), 4000)
    weaknesses = required_text(weaknesses, "--weaknesses", N_("what went less well"), 4000)
    improvements = required_text(improvements, "--improvements", N_("what to do better"), 4000)
    given = (amount(cost, "--cost"), amount(reception_cost, "--reception-cost"),
             amount(material_cost, "--material-cost"))
    visit, plan = load_for_change(session, visit_id)
    if visit.status not in lifecycle.ENDED:
        raise Refused(_("visit {visit} is {status}: the evaluation is written after the visit").format(
            visit=visit_id, status=lifecycle.state_text(visit.status)), hint=_complete_first(visit_id))
    row = session.get(Evaluation, visit_id)
    before = None
    if row is None:
        row = Evaluation(visit_id=visit_id, strengths=strengths, weaknesses=weaknesses, improvements=improvements,
                         at=clock.now(), by=actor)
        session.add(row)
    else:
        before = {"strengths": row.strengths, "weaknesses": row.weaknesses, "improvements": row.improvements,
                  "cost": row.cost, "reception_cost": row.reception_cost, "material_cost": row.material_cost}
        row.strengths, row.weaknesses, row.improvements = strengths, weaknesses, improvements
        row.at, row.by = clock.now(), actor
    row.cost, row.reception_cost, row.material_cost = _costs(row, *given)
    engine.on(session, Event("evaluation.written", visit_id, actor, note="evaluation written"))
    session.flush()
    audit.record(session, actor, "visit.evaluate", "evaluation", visit_id, visit_id=visit_id, before=before,
                 after={"strengths": strengths, "weaknesses": weaknesses, "improvements": improvements,
                        "cost": row.cost, "reception_cost": row.reception_cost, "material_cost": row.material_cost})
    warnings = []
    if maybe_close(session, actor, visit):
        warnings.append(_closed(visit_id))
    elif visit.status == "completed":
        warnings.append(_("visit {visit} stays open until {what}").format(
            visit=visit_id, what=_(", ").join(what_keeps_open(session, visit))))
    view = evaluation_view(row, plan.budget if plan is not None else None)
    if view.over_budget:
        warnings.append(_("the cost {cost} is {over} over the plan's budget {budget}").format(
            cost=f"{view.cost:.2f}", over=f"{view.over_budget:.2f}", budget=f"{view.budget:.2f}"))
    return Done(view, warnings)


def _costs(row, cost: Decimal | None, reception: Decimal | None,
           material: Decimal | None) -> tuple[str | None, str | None, str | None]:
    """The evaluation's (cost, reception cost, material cost) as stored text, from what is given
    and what it had: the parts given replace the stored ones and the cost is their sum (a --cost
    given with them must be that sum); a cost given alone stands for the whole, unless the
    evaluation has its costs apart and they do not add up to it."""
    def text(value: Decimal | None) -> str | None:
        return str(value) if value is not None else None

    had = [Decimal(v) if v else None for v in (row.reception_cost, row.material_cost)]
    if reception is None and material is None:
        if cost is not None and any(v is not None for v in had) and cost != sum(v or 0 for v in had):
            raise BadInput(_("--cost {cost} is not the sum of the reception cost and the material cost recorded "
                             "({total}): expected --reception-cost and --material-cost").format(
                cost=cost, total=sum(v or 0 for v in had)))
        return (text(cost) if cost is not None else row.cost), row.reception_cost, row.material_cost
    parts = [reception if reception is not None else had[0], material if material is not None else had[1]]
    total = sum(v or 0 for v in parts)
    if cost is not None and cost != total:
        raise BadInput(_("--cost {cost} is not the sum of --reception-cost and --material-cost ({total}): expected "
                         "the two costs alone, or their sum").format(cost=cost, total=total))
    return text(Decimal(total).quantize(Decimal("0.01"))), text(parts[0]), text(parts[1])


def what_keeps_open(session: Session, visit) -> list[str]:
    """What still stands between a completed visit and its closing: one statement."""
    return keeps_open(*session.execute(select(*open_columns(visit.id))).one())


def open_columns(visit_id) -> tuple:
    """What what_keeps_open reads of a visit (`visit_id`: a value, or the column of an enclosing
    query): whether its form is in, whether its evaluation is written, its open tasks, its open
    incidents."""
    task, incident = light.task.c, light.incident.c
    return (
        select(light.feedback.c.visit_id).where(light.feedback.c.visit_id == visit_id)
        .correlate_except(light.feedback).exists().label("has_form"),
        select(light.evaluation.c.visit_id).where(light.evaluation.c.visit_id == visit_id)
        .correlate_except(light.evaluation).exists().label("has_evaluation"),
        # `state || ''`: the state without its index, so that SQLite reads the visit's tasks (their
        # index) and not every open task there is (730,016 in the bench's density scenario)
        select(func.count(task.id)).where(task.visit_id == visit_id, task.state.concat("") == "open")
        .scalar_subquery().label("open_tasks"),
        select(func.count(incident.id)).where(incident.visit_id == visit_id, incident.resolved_at.is_(None))
        .scalar_subquery().label("open_incidents"),
    )


def keeps_open(feedback, evaluation, open_n, incidents) -> list[str]:
    """What still stands between a completed visit and its closing, in words, from open_columns."""
    missing = []
    if not feedback:
        missing.append(_("the feedback form is in"))
    if not evaluation:
        missing.append(_("the evaluation is written"))
    if open_n:
        missing.append(ngettext("{n} open task is done (follow-up, escalation, or due after the visit)",
                                "{n} open tasks are done (follow-up, escalation, or due after the visit)",
                                open_n).format(n=open_n))
    if incidents:
        missing.append(ngettext("{n} open incident is resolved", "{n} open incidents are resolved",
                                incidents).format(n=incidents))
    return missing


def maybe_close(session: Session, actor: str, visit) -> bool:
    """A completed visit closes when feedback, evaluation and every follow-up are done."""
    if visit.status != "completed" or what_keeps_open(session, visit):
        return False
    visit.status = lifecycle.visit_step(visit.id, visit.status, "close")
    visit.closed_at = clock.now()
    session.flush()
    audit.record(session, actor, "visit.close", "visit", visit.id, visit_id=visit.id,
                 before={"status": "completed"}, after={"status": "closed"})
    return True


def followup_due(session: Session, *, owner: str | None = None, within_days: int = 3,
                 hide_restricted: bool = False):
    """Open follow-up tasks (the next steps of the client's opportunities among them), and the
    steps of service cases, overdue or due within the window: by priority (high first; a
    visit's tasks have its client's opportunity's, a case's steps its severity's), then by due
    time."""

    if within_days < 0 or within_days > 366:
        raise BadInput(_("--within {days} is not valid: expected 0 to 366 days").format(days=within_days))
    return engine.list_tasks(session, owner=owner, stages=("followup", "case"), state="open",
                             due_before=clock.now() + timedelta(days=within_days, microseconds=1),
                             hide_restricted=hide_restricted, by_priority=True)


def list_feedback(session: Session, *, visit_id: int | None = None, client: str | None = None,
                  start: datetime | None = None, end: datetime | None = None,
                  below: int | None = None) -> list[FeedbackView]:
    """Feedback forms by the time they were received, filtered in SQL: one visit's, one
    client's, received in [start, end), scored under `below`."""
    rules = policy.load(session)
    feedback, answer, visit = light.feedback, light.feedback_answer, light.visit
    where = []
    if visit_id is not None:
        where.append(feedback.c.visit_id == visit_id)
    if client is not None:
        where.append(visit.c.client_id == resolve_client(session, client).id)
    if start is not None:
        where.append(feedback.c.at >= start)
    if end is not None:
        where.append(feedback.c.at < end)
    if below is not None:
        if not 0 <= below <= 101:
            raise BadInput(_("--below {below} is not valid: expected a score from 0 to 101").format(below=below))
        where.append(feedback.c.score < below)
    q = (select(feedback, light.client.c.name.label("client_name")).join(visit, visit.c.id == feedback.c.visit_id)
         .join(light.client, light.client.c.id == visit.c.client_id).where(*where))
    # the answers of the same forms, in one query; their questions from each visit's procedure
    stored: dict[int, dict[str, str]] = {}
    procedure_of: dict[int, int | None] = {}
    for vid, proc_id, key, value in session.execute(
            select(answer.c.visit_id, visit.c.procedure_id, answer.c.key, answer.c.value)
            .join(feedback, feedback.c.visit_id == answer.c.visit_id)
            .join(visit, visit.c.id == answer.c.visit_id).where(*where)):
        stored.setdefault(vid, {})[key] = value
        procedure_of[vid] = proc_id
    forms = {proc_id: form_of(session, proc_id) for proc_id in set(procedure_of.values())}
    views = []
    for f in session.execute(q.order_by(feedback.c.at, feedback.c.visit_id)):
        name = f.client_name
        answers = (_answer_views(forms[procedure_of[f.visit_id]], stored[f.visit_id])
                   if f.visit_id in stored else ())
        views.append(dataclasses.replace(feedback_view(f, rules, answers), client=name))
    if visit_id is not None and not views:
        get_view(session, visit_id)  # exit 3 for an unknown visit (asked only when it has no form)
    return views


def form_of(session: Session, procedure_id: int | None) -> tuple[QuestionSpec, ...]:
    """The feedback form of the procedure version `procedure_id` (None: the current one)."""
    return engine.by_id(session, procedure_id).questions if procedure_id else engine.current(session).questions


def one_feedback(session: Session, form, client: str, procedure_id: int | None, rules: dict,
                 answered: bool) -> FeedbackView:
    """One visit's form from its row (`form`, read by the caller, as list_feedback reads it), with
    its answers when it has some (`answered`: one statement more)."""
    stored: dict[str, str] = {}
    if answered:
        answer = light.feedback_answer.c
        stored = dict(session.execute(select(answer.key, answer.value).where(answer.visit_id == form.visit_id)).all())
    answers = _answer_views(form_of(session, procedure_id), stored) if stored else ()
    return dataclasses.replace(feedback_view(form, rules, answers), client=client)


def show_feedback(session: Session, visit_id: int) -> FeedbackView:
    """A visit's feedback form."""
    found = list_feedback(session, visit_id=visit_id)
    if not found:
        raise NotFound(_("visit {visit} has no feedback form yet").format(visit=visit_id),
                       hint=_("record it with `receptionctl feedback add VISIT --score N --channel phone`"))
    return found[0]


# -- the callback (回访) ------------------------------------------------------------------------
@dataclass(frozen=True)
class CallbackView:
    """The client called back after the visit."""

    id: int
    visit_id: int
    client: str
    at: datetime  # when the call was made
    by: str
    note: str | None  # what they were told and said (None: a form taken by phone without a comment)
    satisfied: bool | None  # None: not asked, or not said
    via: str  # callback (`visit callback`) or feedback (a feedback form taken by phone)
    recorded_at: datetime


def _callback_view(row, client: str) -> CallbackView:
    return CallbackView(row.id, row.visit_id, client, row.at, row.by, row.note, row.satisfied, row.via,
                        row.recorded_at)


def record_callback(session: Session, actor: str, visit: Visit, *, note: str | None, satisfied: bool | None,
                    at: datetime, via: str) -> CallbackView:
    """A callback recorded, the one way whether it is `visit callback` or a feedback form taken by
    phone: its row, the event (the engine completes the procedure's callback step with it, at the
    time of the call), the audit line."""
    from receptionctl.store.tables.visits import Callback

    row = Callback(visit_id=visit.id, at=at, by=actor, note=note, satisfied=satisfied, via=via,
                   recorded_at=clock.now())
    session.add(row)
    session.flush()
    result = engine.on(session, Event("visit.called_back", visit.id, actor, data={"satisfied": satisfied},
                                      note="client called back", at=at))
    audit.record(session, actor, "visit.callback", "callback", row.id, visit_id=visit.id,
                 after={"at": at, "note": note, "satisfied": satisfied, "via": via, "tasks_closed": result.closed})
    return _callback_view(row, get_view(session, visit.id).client)


def call_back(session: Session, actor: str, visit_id: int, note: str, satisfied: bool | None = None,
              at: datetime | None = None) -> Done:
    """The 24-hour callback (回访, seed 002): the client was called after the visit, asked how it went
    and whether they are satisfied (`at`: when, if earlier than now). It completes the procedure's
    callback step, the one the feedback form also completes; the form itself is `feedback add`."""
    access.require(session, actor, AFTER, N_("record callbacks"))
    note = required_text(note, "--note", N_("what the client was told and said"), limit=2000)
    now = clock.now()
    if at is not None and at > now:
        raise BadInput(_("callback at {at} is in the future: expected when the call was made, at the latest "
                         "now").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}"))
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in lifecycle.ENDED:
        raise Refused(_("visit {visit} is {status}: the client is called back after the visit").format(
            visit=visit_id, status=lifecycle.state_text(visit.status)), hint=_complete_first(visit_id))
    if at is not None and at < visit.starts_at:
        raise BadInput(_("callback at {at} is before visit {visit} began ({start}): expected when the call was "
                         "made").format(at=f"{clock.local(at):%Y-%m-%d %H:%M}", visit=visit_id,
                                        start=f"{clock.local(visit.starts_at):%Y-%m-%d %H:%M}"))
    view = record_callback(session, actor, visit, note=note, satisfied=satisfied, at=at or now, via="callback")
    warnings = [_closed(visit_id)] if maybe_close(session, actor, visit) else []
    return Done(view, warnings)


def called_back(session: Session, visit_id: int) -> bool:
    """Whether a callback after the visit is recorded."""
    callback = light.visit_callback.c
    return session.scalar(select(callback.id).where(callback.visit_id == visit_id).limit(1)) is not None


def list_callbacks(session: Session, visit_id: int, client: str | None = None) -> tuple[CallbackView, ...]:
    """A visit's callbacks, by the time they were made (`client`: the visit's client's name, when
    the caller has read the visit already)."""
    if client is None:
        client = get_view(session, visit_id).client
    callback = light.visit_callback
    rows = session.execute(select(callback).where(callback.c.visit_id == visit_id)
                           .order_by(callback.c.at, callback.c.id))
    return tuple(_callback_view(r, client) for r in rows)
