"""What can happen to a visit: the events stages tell the task engine about.

A stage that records a visit, approves a plan or resolves an incident does its own work,
then calls `engine.on(session, Event("incident.resolved", visit_id, actor, data={...}))`.
The engine decides from the procedure file which tasks that opens, closes or repeats.
The same events are what notifications and hooks will publish after commit.

This module is the vocabulary only: it imports nothing of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class Event:
    name: str  # one of EVENTS
    visit_id: int
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None  # what a task closed by the event records as its note
    at: datetime | None = None  # when it happened, if earlier than now (a task it closes is done then)


@dataclass(frozen=True)
class EventInfo:
    name: str
    emitted_by: str  # the command (stage) that emits it
    fields: tuple[str, ...]  # the data a procedure's `when` and `title` may use
    meaning: str


EVENTS: dict[str, EventInfo] = {
    e.name: e
    for e in [
        EventInfo("visit.recorded", "visit new (visits)", (), "a visit is recorded: its prepare and receive tasks open"),
        EventInfo("visit.rescheduled", "visit reschedule (visits)", (), "open tasks move with the visit"),
        EventInfo("visit.cancelled", "visit cancel (visits)", ("reason",), "every open task is skipped"),
        EventInfo("visit.edited", "visit edit (visits)", ("changed",),
                  "the level, purpose or off-site changed: the steps that apply are opened, the others skipped"),
        EventInfo("plan.submitted", "plan submit (plans)", (), "the plan went to the leadership"),
        EventInfo("plan.approved", "plan approve (plans)", (), "the plan is approved"),
        EventInfo("plan.nda_changed", "plan set --nda/--no-nda (plans)", ("nda",),
                  "the plan now does (or no longer does) require an NDA"),
        EventInfo("guest.checked_in", "checkin (reception)", ("guest",), "a guest is registered at the door"),
        EventInfo("incident.added", "incident add (reception)", ("incident", "kind", "severity", "text"),
                  "something went wrong during the visit"),
        EventInfo("incident.resolved", "incident resolve (reception)", ("incident", "affects_client", "resolution"),
                  "the incident is resolved"),
        EventInfo("visit.completed", "visit complete (followups)", (),
                  "the visit took place: follow-up tasks open, open preparation is missed"),
        EventInfo("visit.called_back", "visit callback; feedback add --channel phone (followups)", ("satisfied",),
                  "the client was called back after the visit"),
        EventInfo("feedback.added", "feedback add (followups)", ("score", "below_red_line", "channel", "client"),
                  "the client-reception feedback form is in"),
        EventInfo("evaluation.written", "evaluate (followups)", (), "the execution group's evaluation is written"),
        EventInfo("outcome.recorded", "outcome (followups)", ("outcome", "was"),
                  "won or lost ends repeating follow-ups; intent after won/lost restarts them"),
        EventInfo("opportunity.ended", "followup stage, outcome (pipeline)", ("stage", "opportunity", "client"),
                  "the client's opportunity is won or lost: the open steps of the follow-up chain are skipped"),
    ]
}

# `done_when` names of procedure files written before events had their names
ALIASES = {
    "plan.submit": "plan.submitted",
    "plan.approve": "plan.approved",
    "checkin": "guest.checked_in",
    "complete": "visit.completed",
    "feedback": "feedback.added",
    "evaluation": "evaluation.written",
}

# Events that also complete the steps closed by other events. The procedure's 24-hour callback is
# one step, "call the client back and fill in the feedback form" (seed 002), closed by the form
# (`closes_on = "feedback.added"`): a callback recorded on its own completes it too, whichever
# comes first (the visit still waits for the form to close).
ALSO_CLOSES = {"visit.called_back": ("feedback.added",)}

# The event a task without `opens_on` opens with: its stage's
STAGE_OPENS = {"prepare": "visit.recorded", "receive": "visit.recorded", "followup": "visit.completed"}


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


@dataclass
class Outcome:
    """What the engine did with an event: for the stage's messages and the audit log."""

    opened: list = field(default_factory=list)  # OpenedTask
    already_open: list[int] = field(default_factory=list)  # tasks the event would open, open already
    closed: int = 0
    missed: list[tuple[int, str, str]] = field(default_factory=list)  # (task id, key, name: tasklist.task_name)
    moved: int = 0
    compressed: int = 0


@dataclass(frozen=True)
class OpenedTask:
    id: int
    key: str
    spec_key: str
    owner_role: str
    due_at: datetime
    title: str
