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

from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.domain.core.steps import NextStep, Person, named, people_with
from receptionctl.store.tables.cases import Escalation
from receptionctl.store.tables.common import ServiceCase, Staff, Task


def next_step(session: Session, case_id: int) -> NextStep | None:
    """What comes next for the case, who does it and how."""
    row = session.get(ServiceCase, case_id)
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
        waiting = session.execute(select(Escalation.promised_at, Staff.username, Staff.name)
                                  .join(Staff, Staff.id == Escalation.to_id)
                                  .where(Escalation.case_id == case_id, Escalation.answered_at.is_(None))
                                  .order_by(Escalation.promised_at, Escalation.id)).first()
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


def _owner(session: Session, row: ServiceCase) -> tuple[Person, ...]:
    staff = session.get(Staff, row.owner_id) if row.owner_id is not None else None
    return (Person(staff.username, staff.name or staff.username, "owner"),) if staff is not None else ()


def _open_task(session: Session, case_id: int, key: str):
    return session.scalars(select(Task).where(Task.case_id == case_id, Task.key == key, Task.state == "open")
                           .order_by(Task.id)).first()


def _due(session: Session, case_id: int, key: str):
    task = _open_task(session, case_id, key)
    return task.due_at if task is not None else None


def _task_people(session: Session, case_id: int, key: str) -> list[Person]:
    """The person a case's open step is given to (whoever took the case down acknowledges it)."""
    task = _open_task(session, case_id, key)
    if task is None or task.assignee_id is None:
        return []
    staff = session.get(Staff, task.assignee_id)
    return [Person(staff.username, staff.name or staff.username, task.owner)] if staff is not None and staff.active \
        else []
