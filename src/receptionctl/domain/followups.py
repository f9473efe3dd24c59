"""After the visit: completion, the feedback form, the outcome, the evaluation, closing,
and the follow-up work that is due."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlmodel import select, update

from receptionctl.domain import access, audit, cases, clock, engine, lifecycle, policy
from receptionctl.domain.base import Done, amount, load_for_change, required_text
from receptionctl.domain.engine import Event
from receptionctl.domain.clients import resolve_client
from receptionctl.domain.visits import VISIT_WRITE, get_view
from receptionctl.domain.vocab import Channel, Intent, Outcome
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.store.models import Client, Evaluation, Feedback, Guest, Incident, Task, Visit

AFTER = frozenset({"coordinator", "host"})


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


@dataclass(frozen=True)
class EvaluationView:
    visit_id: int
    strengths: str
    weaknesses: str
    improvements: str
    cost: float | None
    at: datetime
    by: str


def evaluation_view(ev) -> EvaluationView:
    return EvaluationView(ev.visit_id, ev.strengths, ev.weaknesses, ev.improvements,
                          float(ev.cost) if ev.cost else None, ev.at, ev.by)


def archive_label(client: str, starts_at: datetime, zone) -> str:
    """Records are archived per "client name – reception date"."""
    return f"{client} – {starts_at.astimezone(zone):%Y-%m-%d}"


def complete(session: Session, actor: str, visit_id: int) -> Done:
    """The visit took place: it is completed and gets the procedure's follow-up tasks."""

    access.require(session, actor, VISIT_WRITE, "complete visits")
    visit, plan = load_for_change(session, visit_id)
    before = visit.status
    visit.status = lifecycle.visit_step(visit_id, visit.status, "complete")
    now = clock.now()
    warnings = []
    if now < visit.starts_at:
        raise Refused(f"visit {visit_id} starts at {clock.local(visit.starts_at):%Y-%m-%d %H:%M}: "
                      "it cannot be completed before it begins")
    visit.completed_at = now


    still_in = session.execute(
        update(Guest).where(Guest.visit_id == visit_id, Guest.checked_out_at.is_(None)).values(checked_out_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    if still_in:
        warnings.append(f"{still_in} guest{'s' if still_in != 1 else ''} still checked in "
                        f"{'were' if still_in != 1 else 'was'} checked out")
    # the follow-up tasks open; what was to be done before and on the day, and was not, is
    # missed (not thrown away): it counts against compliance and may still be done, late
    result = engine.on(session, Event("visit.completed", visit_id, actor, note="visit completed"))
    missed = result.missed
    if missed:
        warnings.append(f"{len(missed)} preparation or reception-day task{'s' if len(missed) != 1 else ''} "
                        f"{'were' if len(missed) != 1 else 'was'} missed: "
                        + ", ".join(f"{key} (task {tid})" for tid, key in missed)
                        + "; record one done late with `task done TASK --at WHEN`")
    session.flush()
    audit.record(session, actor, "visit.complete", "visit", visit_id, visit_id=visit_id,
                 before={"status": before}, after={"status": visit.status,
                                                   "missed": [key for _tid, key in missed]})
    return Done(get_view(session, visit_id), warnings)


def _text(value: str | None, option: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > 4000:
        raise BadInput(f"{option} is too long: expected at most 4000 characters")
    return value.strip()


def feedback_view(f, rules) -> FeedbackView:
    return FeedbackView(f.visit_id, f.score, f.channel, f.intent, f.comment, f.suggestion, f.at, f.by,
                        f.score >= rules["excellent_score"], f.score < rules["red_line_score"])


def add_feedback(session: Session, actor: str, visit_id: int, *, score: int, channel: str,
                 intent: str | None = None, comment: str | None = None, suggestion: str | None = None,
                 replace: bool = False) -> Done:
    """The client-reception feedback form. It closes the callback task; a score under the
    red line raises an alert and an investigation task for the coordinator, and opens a
    complaint case (unless one from this visit's feedback is still open)."""


    access.require(session, actor, AFTER, "record feedback")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise BadInput(f"score {score!r} is not valid: expected a whole number from 0 to 100")
    if channel not in {c.value for c in Channel}:
        raise BadInput(f"channel {channel!r} is not valid: expected phone, email, form or visit")
    if intent is not None and intent not in {i.value for i in Intent}:
        raise BadInput(f"intent {intent!r} is not valid: expected none, low, medium or high")
    comment, suggestion = _text(comment, "--comment"), _text(suggestion, "--suggestion")
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in ("completed", "closed"):
        raise Refused(f"visit {visit_id} is {visit.status.replace('_', ' ')}: feedback is collected after the visit",
                      hint=f"complete it first (`receptionctl visit complete {visit_id}`)")
    rules = policy.load(session)
    old = session.get(Feedback, visit_id)
    before = None
    if old is not None:
        if not replace:
            raise Refused(f"visit {visit_id} has a feedback form already (score {old.score}, "
                          f"{clock.local(old.at):%Y-%m-%d})", hint="give --replace to replace it (the old one stays in the audit log)")
        before = {k: getattr(old, k) for k in ("score", "channel", "intent", "comment", "suggestion", "at", "by")}
        session.delete(old)
        session.flush()
    now = clock.now()
    row = Feedback(visit_id=visit_id, score=score, channel=channel, intent=intent, comment=comment,
                   suggestion=suggestion, at=now, by=actor)
    session.add(row)
    session.flush()
    view = feedback_view(row, rules)
    warnings = []
    client = get_view(session, visit_id).client
    result = engine.on(session, Event("feedback.added", visit_id, actor, note=f"feedback form received by {channel}",
                                      data={"score": score, "below_red_line": view.below_red_line,
                                            "channel": channel, "client": client}))
    investigating = None
    if view.below_red_line and result.already_open:
        investigating = result.already_open[0]
        warnings.append(f"ALERT: score {score} is under the red line {rules['red_line_score']}: "
                        f"investigation task {investigating} is still open")
    elif view.below_red_line:
        if visit.status == "closed" and result.opened:
            visit.status = lifecycle.visit_step(visit_id, visit.status, "reopen")
            visit.closed_at = None
            audit.record(session, actor, "visit.reopen", "visit", visit_id, visit_id=visit_id,
                         before={"status": "closed"}, after={"status": "completed", "why": "feedback under the red line"})
            warnings.append(f"visit {visit_id} is open again until the investigation is done")
        for task in result.opened:
            investigating = investigating or task.id
            warnings.append(f"ALERT: score {score} is under the red line {rules['red_line_score']}: "
                            f"investigation task {task.id} for the {task.owner_role}")
        if not result.opened:
            warnings.append(f"ALERT: score {score} is under the red line {rules['red_line_score']}")
        case = cases.open_red_line_case(session, actor, visit_id, visit.client_id, score, rules["red_line_score"],
                                        comment)
        if case is not None:
            warnings.append(f"complaint case {case} opened: acknowledge it, give it an owner, call the client back")
    audit.record(session, actor, "feedback.replace" if before else "feedback.add", "feedback", visit_id,
                 visit_id=visit_id, before=before,
                 after={"score": score, "channel": channel, "intent": intent, "comment": comment,
                        "suggestion": suggestion, "investigation_task": investigating if view.below_red_line else None})
    if maybe_close(session, actor, visit):
        warnings.append(f"visit {visit_id} is closed: everything after it is done")
    return Done(view, warnings)


def set_outcome(session: Session, actor: str, visit_id: int, outcome: str, note: str | None = None) -> Done:
    """won or lost ends the weekly chain; won or intent within the conversion window converts."""


    access.require(session, actor, AFTER, "record outcomes")
    if outcome not in {o.value for o in Outcome}:
        raise BadInput(f"outcome {outcome!r} is not valid: expected won, lost or intent")
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in ("completed", "closed"):
        raise Refused(f"visit {visit_id} is {visit.status.replace('_', ' ')}: the outcome is recorded after the visit",
                      hint=f"complete it first (`receptionctl visit complete {visit_id}`)")
    before = {"outcome": visit.outcome, "outcome_at": visit.outcome_at}
    was = visit.outcome
    visit.outcome, visit.outcome_at = outcome, clock.now()
    visit.outcome_note = required_text(note, "--note", "a remark") if note and note.strip() else None
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
            warnings.append(f"the weekly follow-up starts again: {', '.join(restarted)}")
    if outcome in ("won", "lost") and result.closed:
        n = result.closed
        warnings.append(f"{n} open progress update{'s' if n != 1 else ''} closed as not needed")
    session.flush()
    audit.record(session, actor, "visit.outcome", "visit", visit_id, visit_id=visit_id, before=before,
                 after={"outcome": outcome, "outcome_at": visit.outcome_at, "note": visit.outcome_note})
    if maybe_close(session, actor, visit):
        warnings.append(f"visit {visit_id} is closed: everything after it is done")
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


def outcome_view(session: Session, visit_id: int) -> OutcomeView:

    v = session.get(Visit, visit_id)
    window = policy.load(session)["conversion_window_days"]
    return OutcomeView(v.id, v.outcome, v.outcome_at, v.outcome_note,
                       converted(v.converted_at, v.ends_at, window))


def evaluate(session: Session, actor: str, visit_id: int, *, strengths: str, weaknesses: str, improvements: str,
             cost: str | None = None) -> Done:

    access.require(session, actor, AFTER, "write evaluations")
    strengths = required_text(strengths, "--strengths", "what went well", 4000)
    weaknesses = required_text(weaknesses, "--weaknesses", "what went less well", 4000)
    improvements = required_text(improvements, "--improvements", "what to do better", 4000)
    cost_value = amount(cost, "--cost")
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in ("completed", "closed"):
        raise Refused(f"visit {visit_id} is {visit.status.replace('_', ' ')}: the evaluation is written after the visit",
                      hint=f"complete it first (`receptionctl visit complete {visit_id}`)")
    row = session.get(Evaluation, visit_id)
    before = None
    if row is None:
        row = Evaluation(visit_id=visit_id, strengths=strengths, weaknesses=weaknesses, improvements=improvements,
                         cost=str(cost_value) if cost_value is not None else None, at=clock.now(), by=actor)
        session.add(row)
    else:
        before = {"strengths": row.strengths, "weaknesses": row.weaknesses, "improvements": row.improvements,
                  "cost": row.cost}
        row.strengths, row.weaknesses, row.improvements = strengths, weaknesses, improvements
        row.cost = str(cost_value) if cost_value is not None else row.cost
        row.at, row.by = clock.now(), actor
    engine.on(session, Event("evaluation.written", visit_id, actor, note="evaluation written"))
    session.flush()
    audit.record(session, actor, "visit.evaluate", "evaluation", visit_id, visit_id=visit_id, before=before,
                 after={"strengths": strengths, "weaknesses": weaknesses, "improvements": improvements,
                        "cost": row.cost})
    warnings = []
    if maybe_close(session, actor, visit):
        warnings.append(f"visit {visit_id} is closed: everything after it is done")
    elif visit.status == "completed":
        warnings.append(f"visit {visit_id} stays open until {', '.join(what_keeps_open(session, visit))}")
    return Done(evaluation_view(row), warnings)


def what_keeps_open(session: Session, visit) -> list[str]:
    """What still stands between a completed visit and its closing."""


    missing = []
    if session.get(Feedback, visit.id) is None:
        missing.append("the feedback form is in")
    if session.get(Evaluation, visit.id) is None:
        missing.append("the evaluation is written")

    open_n = session.scalar(select(func.count(Task.id)).where(Task.visit_id == visit.id, Task.state == "open")) or 0
    if open_n:
        missing.append(f"{open_n} open task{'s' if open_n != 1 else ''} "
                       f"{'are' if open_n != 1 else 'is'} done (follow-up, escalation, or due after the visit)")
    incidents = session.scalar(select(func.count(Incident.id)).where(
        Incident.visit_id == visit.id, Incident.resolved_at.is_(None))) or 0
    if incidents:
        missing.append(f"{incidents} open incident{'s' if incidents != 1 else ''} {'are' if incidents != 1 else 'is'} resolved")
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
    """Open follow-up tasks, and the steps of service cases, overdue or due within the window:
    overdue first, then by due time."""

    if within_days < 0 or within_days > 366:
        raise BadInput(f"--within {within_days} is not valid: expected 0 to 366 days")
    return engine.list_tasks(session, owner=owner, stages=("followup", "case"), state="open",
                             due_before=clock.now() + timedelta(days=within_days, microseconds=1),
                             hide_restricted=hide_restricted)


def list_feedback(session: Session, *, visit_id: int | None = None, client: str | None = None,
                  start: datetime | None = None, end: datetime | None = None,
                  below: int | None = None) -> list[FeedbackView]:
    """Feedback forms by the time they were received, filtered in SQL: one visit's, one
    client's, received in [start, end), scored under `below`."""
    rules = policy.load(session)
    q = (select(Feedback, Client.name).join(Visit, Visit.id == Feedback.visit_id)
         .join(Client, Client.id == Visit.client_id))
    if visit_id is not None:
        get_view(session, visit_id)
        q = q.where(Feedback.visit_id == visit_id)
    if client is not None:
        q = q.where(Visit.client_id == resolve_client(session, client).id)
    if start is not None:
        q = q.where(Feedback.at >= start)
    if end is not None:
        q = q.where(Feedback.at < end)
    if below is not None:
        if not 0 <= below <= 101:
            raise BadInput(f"--below {below} is not valid: expected a score from 0 to 101")
        q = q.where(Feedback.score < below)
    return [dataclasses.replace(feedback_view(f, rules), client=name)
            for f, name in session.execute(q.order_by(Feedback.at, Feedback.visit_id))]


def show_feedback(session: Session, visit_id: int) -> FeedbackView:
    """A visit's feedback form."""
    found = list_feedback(session, visit_id=visit_id)
    if not found:
        raise NotFound(f"visit {visit_id} has no feedback form yet",
                       hint="record it with `receptionctl feedback add VISIT --score N --channel phone`")
    return found[0]
