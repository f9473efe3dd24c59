"""What comes next in a case's loop, who does it, and the command that does it (issue 25).

One function, `next_step(session, case_id)`, read after each step of the loop; the command line
shows it as one line after the step's confirmation, never in JSON. By the case's state:

    received       acknowledge it now: whoever took it down (a complaint about staff: the duty
                   managers)
    acknowledged   give it an owner: the coordinators (the duty managers for a complaint about staff)
    assigned       resolve it by its deadline: its owner; while an escalated question waits, the
                   person asked, by the time the client was promised
    resolved       call the client back: its owner
    called_back    the duty manager reviews it
    reviewed       close it: the coordinators and duty managers (duty managers only for a complaint
                   about staff)
    closed         nothing more to do"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.domain.core.steps import NextStep, Person, named, people_with
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# read through the light handles (store/light.py): a case's next step builds no table class
service_case, case_escalation, staff, task = light.service_case, light.case_escalation, light.staff, light.task


def next_step(session: Session, case_id: int) -> NextStep | None:
    """What comes next for the case, who does it and how."""
    row = session.execute(select(service_case).where(service_case.c.id == case_id)).first()
    if row is None:
        return None
    c, restricted = str(case_id), row.about_staff_id is not None
    manager = "duty_manager" if restricted else "coordinator"
    if row.state == "received":
        who, more = named(_task_people(session, case_id, "case-ack")
                          or people_with(session, ("duty_manager",) if restricted else ("desk",)))
        return NextStep("case.ack", who, more, "desk", ("case", "ack", c), due_at=_due(session, case_id, "case-ack"),
                        subject=case_id)
    if row.state == "acknowledged":
        who, more = named(people_with(session, (manager,)))
        return NextStep("case.assign", who, more, manager, ("case", "assign", c, "--to", "USER"),
                        due_at=_due(session, case_id, "case-assign"), subject=case_id)
    if row.state == "assigned":
        e = case_escalation
        waiting = session.execute(select(e.c.promised_at, staff.c.username, staff.c.name)
                                  .join(staff, staff.c.id == e.c.to_id)
                                  .where(e.c.case_id == case_id, e.c.answered_at.is_(None))
                                  .order_by(e.c.promised_at, e.c.id)).first()
        if waiting is not None:
            return NextStep("case.answer", (Person(waiting.username, waiting.name or waiting.username, ""),),
                            command=("case", "answer", c, "--text", "TEXT"), due_at=waiting.promised_at,
                            subject=case_id)
        return NextStep("case.resolve", _owner(session, row), 0, "owner",
                        ("case", "resolve", c, "--cause", "TEXT", "--action", "TEXT", "--prevention", "TEXT"),
                        due_at=row.due_at, subject=case_id)
    if row.state == "resolved":
        return NextStep("case.callback", _owner(session, row), 0, "owner",
                        ("case", "callback", c, "--note", "TEXT"),
                        due_at=_due(session, case_id, "case-callback"), subject=case_id)
    if row.state == "called_back":
        who, more = named(people_with(session, ("duty_manager",)))
        return NextStep("case.review", who, more, "duty_manager", ("case", "review", c),
                        due_at=_due(session, case_id, "case-review"), subject=case_id)
    if row.state == "reviewed":
        who, more = named(people_with(session, ("duty_manager",) if restricted else ("coordinator", "duty_manager")))
        return NextStep("case.close", who, more, manager, ("case", "close", c), subject=case_id)
    return NextStep("case.closed", subject=case_id)


def _person(session: Session, staff_id: int):
    """The member of staff `staff_id` (username, name, active), or None."""
    return session.execute(select(staff.c.username, staff.c.name, staff.c.active)
                           .where(staff.c.id == staff_id)).first()


def _owner(session: Session, row) -> tuple[Person, ...]:
    who = _person(session, row.owner_id) if row.owner_id is not None else None
    return (Person(who.username, who.name or who.username, "owner"),) if who is not None else ()


def _open_task(session: Session, case_id: int, key: str):
    t = task
    return session.execute(select(t.c.due_at, t.c.assignee_id, t.c.owner)
                           .where(t.c.case_id == case_id, t.c.key == key, t.c.state == "open")
                           .order_by(t.c.id)).first()


def _due(session: Session, case_id: int, key: str):
    step = _open_task(session, case_id, key)
    return step.due_at if step is not None else None


def _task_people(session: Session, case_id: int, key: str) -> list[Person]:
    """The person a case's open step is given to (whoever took the case down acknowledges it)."""
    step = _open_task(session, case_id, key)
    if step is None or step.assignee_id is None:
        return []
    who = _person(session, step.assignee_id)
    return [Person(who.username, who.name or who.username, step.owner)] if who is not None and who.active else []
