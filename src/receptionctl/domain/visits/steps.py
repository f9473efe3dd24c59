"""What comes next in a visit's loop, who does it, and the command that does it (issue 25).

One function, `next_step(session, visit_id)`, read after each step of the loop (recorded, planned,
submitted, approved or rejected, received, completed, called back, the feedback form, the
outcome, the evaluation): the command line shows it as one line after the step's confirmation,
never in JSON. The loop, by the visit's status:

    planning      what stops a submission (a host, a level-1 visit's backup host, the agenda, the
                  meal standard), else submit the plan (again, after a rejection): the visit's host
                  and the coordinators
    submitted     waiting for approval: the approvers, not the one who submitted it
    approved      the preparation tasks still open, by whom; once done, check the guests in: the
                  visit's greeter and the front desk
    in_progress   complete the visit when it is over: the host and the coordinators
    completed     the callback (its task), the feedback form, then the most pressing open task with
                  the command that completes it, the evaluation, open incidents
    closed        nothing more to do

A top-layer module (beside the sheet and `work`): it reads the stages and the engine, and no
stage reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import select

from receptionctl.domain import engine
from receptionctl.domain.core.steps import NextStep, Person, named, people_with
from receptionctl.domain.engine.events import ALSO_CLOSES
from receptionctl.domain.visits.plans import count_items, submission_gaps
from receptionctl.domain.visits.visits import assignments
from receptionctl.store.tables.common import Staff, Visit
from receptionctl.store.tables.visits import Evaluation, Feedback, Incident, Plan

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PLANNERS = ("coordinator",)  # besides the visit's host: who plans, submits, completes and follows a visit up
DESK = ("desk",)  # who checks guests in, besides the visit's greeter
CALLBACK = "visit.called_back"

# the command that completes a step the procedure closes on an event (one closed by hand: `task done`)
_BY_EVENT = {
    CALLBACK: lambda v, subject: ("visit", "callback", v, "--note", "TEXT"),
    "feedback.added": lambda v, subject: ("feedback", "add", v),
    "evaluation.written": lambda v, subject: ("evaluate", v, "--strengths", "TEXT", "--weaknesses", "TEXT",
                                              "--improvements", "TEXT"),
    "incident.resolved": lambda v, subject: ("incident", "resolve", subject or "INCIDENT", "--text", "TEXT"),
    "guest.checked_in": lambda v, subject: ("checkin", v, "--guest", "NAME"),
    "plan.submitted": lambda v, subject: ("plan", "submit", v),
    "plan.approved": lambda v, subject: ("plan", "approve", v),
}
# the command that fills each gap of a plan not ready for submission (`host`: the visit's host)
_GAP_COMMANDS = {
    "host": lambda v, host: ("plan", "assign", v, "--role", "host", "--staff", "USER"),
    "backup": lambda v, host: ("plan", "assign", v, "--role", "host", "--staff", host or "USER", "--backup", "USER"),
    "agenda": lambda v, host: ("plan", "item", v, "--at", "WHEN", "--title", "TEXT"),
    "standard": lambda v, host: ("plan", "set", v, "--per-person", "AMOUNT"),
    "vip_level": lambda v, host: ("visit", "edit", v, "--level", "N"),
}


def next_step(session: Session, visit_id: int) -> NextStep | None:
    """What comes next for the visit, who does it and how; None for a cancelled visit."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.status == "cancelled":
        return None
    if visit.status == "planning":
        return _planning(session, visit)
    if visit.status == "submitted":
        plan = session.get(Plan, visit_id)
        who, more = named(people_with(session, ("approver",), but=[plan.submitted_by] if plan.submitted_by else []))
        return NextStep("plan.approve", who, more, "approver", ("plan", "approve", str(visit_id)), subject=visit_id)
    if visit.status == "approved":
        return _before(session, visit)
    if visit.status == "in_progress":
        who, more = named(_planners(session, visit_id))
        return NextStep("visit.complete", who, more, "coordinator", ("visit", "complete", str(visit_id)),
                        due_at=visit.ends_at, subject=visit_id)
    if visit.status == "completed":
        return _after(session, visit)
    return NextStep("visit.closed", subject=visit_id)


def _planners(session: Session, visit_id: int) -> list[Person]:
    """The visit's host, then the coordinators."""
    host = [Person(a.staff, a.staff_name or a.staff, "host") for a in assignments(session, visit_id)
            if a.role == "host"]
    return host + people_with(session, PLANNERS)


def _planning(session: Session, visit: Visit) -> NextStep:
    """What stops the submission, else submitting (again, after a rejection)."""
    v = str(visit.id)
    plan = session.get(Plan, visit.id)
    who, more = named(_planners(session, visit.id))
    roles = assignments(session, visit.id)
    gaps = submission_gaps(session, visit, plan, roles, count_items(session, visit.id))
    if gaps:
        host = next((a.staff for a in roles if a.role == "host"), None)
        return NextStep(f"plan.{gaps[0]}", who, more, "coordinator", _GAP_COMMANDS[gaps[0]](v, host),
                        subject=visit.id)
    step = "plan.resubmit" if plan.status == "rejected" else "plan.submit"
    return NextStep(step, who, more, "coordinator", ("plan", "submit", v), subject=visit.id)


def _before(session: Session, visit: Visit) -> NextStep:
    """An approved visit: the preparation still open, else the check-in on the day."""
    open_ = engine.list_tasks(session, visit_id=visit.id, stage="prepare", state="open")
    if open_:
        who, more = named(p for t in open_ for p in _task_people(session, t))
        return NextStep("visit.prepare", who, more, open_[0].owner_role, ("checklist", str(visit.id)),
                        due_at=open_[0].due_at, count=len(open_), subject=visit.id)
    greeter = [Person(a.staff, a.staff_name or a.staff, "greeter") for a in assignments(session, visit.id)
               if a.role == "greeter"]
    who, more = named(greeter + people_with(session, DESK))
    return NextStep("visit.checkin", who, more, "desk", ("checkin", str(visit.id), "--guest", "NAME"),
                    due_at=visit.starts_at, subject=visit.id)


def _after(session: Session, visit: Visit) -> NextStep | None:
    """A completed visit: the callback, the form, the most pressing open task, the evaluation,
    open incidents."""
    v = str(visit.id)
    open_ = engine.list_tasks(session, visit_id=visit.id, state="open")
    closing = _closing_events(session, visit)
    callback = next((t for t in open_ if CALLBACK in closing(t.key)[0]), None)
    if callback is not None:
        who, more = named(_task_people(session, callback))
        return NextStep("visit.callback", who, more, callback.owner_role, _BY_EVENT[CALLBACK](v, None),
                        due_at=callback.due_at, subject=visit.id)
    if session.get(Feedback, visit.id) is None:
        who, more = named(_planners(session, visit.id))
        return NextStep("visit.feedback", who, more, "host", ("feedback", "add", v), subject=visit.id)
    if open_:
        task = open_[0]
        events, subject = closing(task.key)
        event = next((e for e in events if e in _BY_EVENT), None)
        command = _BY_EVENT[event](v, subject) if event else ("task", "done", str(task.id))
        who, more = named(_task_people(session, task))
        return NextStep("visit.task", who, more, task.owner_role, command, due_at=task.due_at, title=task.title,
                        title_zh=task.title_zh, subject=visit.id)
    if session.get(Evaluation, visit.id) is None:
        who, more = named(_planners(session, visit.id))
        return NextStep("visit.evaluate", who, more, "coordinator", _BY_EVENT["evaluation.written"](v, None),
                        subject=visit.id)
    incident = session.scalar(select(func.min(Incident.id)).where(Incident.visit_id == visit.id,
                                                                  Incident.resolved_at.is_(None)))
    if incident is not None:
        who, more = named(_planners(session, visit.id))
        return NextStep("visit.incident", who, more, "coordinator",
                        _BY_EVENT["incident.resolved"](v, str(incident)), subject=incident)
    return None


def _closing_events(session: Session, visit: Visit):
    """For a task key of the visit: the events that complete it (its step's `closes_on`, and the
    events that also close for that one) and its subject (the incident of a per-incident step)."""
    proc = engine.by_id(session, visit.procedure_id) if visit.procedure_id else engine.current(session)

    def closing(key: str) -> tuple[set[str], str | None]:
        for spec in proc.tasks:
            subject = key[len(spec.key) + 1:] if spec.per and key.startswith(spec.key + "-") else None
            if spec.key == key or subject:
                if spec.closes_on is None:
                    return set(), subject
                also = {e for e, closes in ALSO_CLOSES.items() if spec.closes_on in closes}
                return {spec.closes_on, *also}, subject
        return set(), None

    return closing


def _task_people(session: Session, task) -> list[Person]:
    """Who a task falls to: its person and backup, else anyone with its staff role (an unassigned
    visit role falls to nobody)."""
    if task.owner:
        people = [Person(task.owner, task.owner_name or task.owner, task.owner_role)]
        if task.backup:
            name = session.scalar(select(Staff.name).where(Staff.username == task.backup))
            people.append(Person(task.backup, name or task.backup, task.owner_role))
        return people
    if task.owner_role in engine.PER_VISIT:
        return []
    return people_with(session, (task.owner_role,))

