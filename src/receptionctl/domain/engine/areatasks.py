"""The tasks the areas open and close themselves, outside the procedure's events: the steps
of a service case (stage "case", opened and closed by the case's commands), the front
desk's tasks (stage "desk": a message passed on, mail to collect, a refused handover to
settle, a walk-in to meet), the next step of a client's opportunity (stage "followup",
opened and closed by `followup stage`) and a client's care tasks (stage "care": a greeting to
send before a birthday, a holiday, an anniversary). Their deadlines are fixed (schedule.FIXED):
they do not move with a visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import case, func, insert, select, update

from receptionctl.domain.core import clock
from receptionctl.domain.engine.schedule import FIXED
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def open_case_task(session: Session, case_id: int, key: str, title: str, title_zh: str | None, owner_role: str,
                   due_at: datetime, assignee_id: int | None = None) -> int:
    """A step of a service case (stage "case"): it falls to `assignee_id` when given, else to
    anyone holding `owner_role`. Unless one with that key is open already."""
    from receptionctl.store.tables.common import Task

    open_id = session.scalar(select(Task.id).where(Task.case_id == case_id, Task.key == key, Task.state == "open"))
    if open_id is not None:
        return open_id
    seq = (session.scalar(select(func.max(Task.seq)).where(Task.case_id == case_id, Task.key == key)) or 0) + 1
    row = Task(visit_id=None, case_id=case_id, key=key, stage="case", title=title, title_zh=title_zh,
               owner=owner_role, due_expr=FIXED, seq=seq, due_at=due_at, state="open", created_at=clock.now(),
               assignee_id=assignee_id)
    session.add(row)
    session.flush()
    return row.id


def open_desk_task(session: Session, key: str, title: str, title_zh: str | None, owner_role: str,
                   due_at: datetime, assignee_id: int | None = None, visit_id: int | None = None) -> int:
    """A task of the front desk's (stage "desk": a message passed on, mail to collect, a
    refused handover to settle), of no case; with `visit_id`, a reception-day task of that
    visit (a walk-in to meet). It is closed with `task done` by the person it falls to, or by
    the desk command that settles it."""
    from receptionctl.store.tables.common import Task

    row = Task(visit_id=visit_id, case_id=None, key=key, stage="receive" if visit_id else "desk", title=title,
               title_zh=title_zh,
               owner=owner_role, due_expr=FIXED, seq=1, due_at=due_at, state="open", created_at=clock.now(),
               assignee_id=assignee_id)
    session.add(row)
    session.flush()
    return row.id


def open_desk_tasks(session: Session, key: str, title: str, title_zh: str | None, owner_role: str,
                    due_at: datetime, assignee_ids) -> int:
    """The same desk task for each of `assignee_ids` (one each), in one statement whatever
    their number; how many were opened."""
    from receptionctl.store.tables.common import Task

    now = clock.now()
    rows = [dict(visit_id=None, case_id=None, key=key, stage="desk", title=title, title_zh=title_zh,
                 owner=owner_role, due_expr=FIXED, seq=1, due_at=due_at, state="open", created_at=now,
                 assignee_id=staff_id) for staff_id in sorted(set(assignee_ids))]
    if rows:
        session.execute(insert(Task), rows)
    return len(rows)


def close_desk_tasks(session: Session, by: str, *, keys=None, prefix: str | None = None,
                     assignee_id: int | None = None, state: str = "done", note: str | None = None) -> list[int]:
    """Close the open desk tasks with these keys, or keys starting with `prefix` (of one person
    with `assignee_id`), in a fixed number of statements: done by the command they stand for,
    or skipped when superseded. The people whose tasks were closed (their assignee ids)."""
    from receptionctl.store.tables.common import Task

    where = [Task.stage == "desk", Task.state == "open"]
    if keys is not None:
        where.append(Task.key.in_(list(keys)))
    if prefix is not None:
        where.append(Task.key.startswith(prefix, autoescape=True))
    if assignee_id is not None:
        where.append(Task.assignee_id == assignee_id)
    people = list(session.scalars(select(Task.assignee_id).where(*where)))
    if not people:
        return []
    values = {"state": state, "done_at": clock.now(), "done_by": by}
    if note:  # after the lines of `task note`
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    session.execute(update(Task).where(*where).values(**values).execution_options(synchronize_session=False))
    return [p for p in people if p is not None]


def close_task(session: Session, task_id: int, by: str, note: str | None = None) -> bool:
    """Close one open task by id (the desk command that settles it); False if it was not open."""
    from receptionctl.store.tables.common import Task

    values = {"state": "done", "done_at": clock.now(), "done_by": by}
    if note:  # after the lines of `task note`
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    result = session.execute(update(Task).where(Task.id == task_id, Task.state == "open")
                             .values(**values).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def close_case_tasks(session: Session, case_id: int, keys: set[str] | None, by: str, state: str = "done",
                     note: str | None = None) -> int:
    """Close a case's open steps (`keys`, or all of them): done by the case's command, or
    skipped when the case moved on without them."""
    from receptionctl.store.tables.common import Task

    q = update(Task).where(Task.case_id == case_id, Task.state == "open")
    if keys is not None:
        q = q.where(Task.key.in_(keys))
    values = {"state": state, "done_at": clock.now(), "done_by": by}
    if note:
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    result = session.execute(q.values(**values).execution_options(synchronize_session=False))
    return result.rowcount or 0


def reassign_case_tasks(session: Session, case_id: int, keys: set[str], assignee_id: int,
                        due: dict[str, datetime] | None = None) -> None:
    """The case has a new owner (and maybe deadlines, by key): its open steps follow."""
    from receptionctl.store.tables.common import Task

    session.execute(update(Task).where(Task.case_id == case_id, Task.state == "open", Task.key.in_(keys))
                    .values(assignee_id=assignee_id).execution_options(synchronize_session=False))
    for key, due_at in (due or {}).items():
        session.execute(update(Task).where(Task.case_id == case_id, Task.state == "open", Task.key == key)
                        .values(due_at=due_at).execution_options(synchronize_session=False))



def open_opportunity_task(session: Session, opportunity_id: int, title: str, title_zh: str | None,
                          due_at: datetime, assignee_id: int | None) -> int:
    """The next step of a client's opportunity (the follow-up pipeline): a follow-up task of no
    visit, key `opportunity-N`, falling to `assignee_id` (the opportunity's owner), due at the
    opportunity's next date. `followup stage` closes it and opens the next."""
    from receptionctl.store.tables.common import Task

    key = f"opportunity-{opportunity_id}"
    seq = (session.scalar(select(func.max(Task.seq)).where(Task.opportunity_id == opportunity_id)) or 0) + 1
    row = Task(visit_id=None, case_id=None, opportunity_id=opportunity_id, key=key, stage="followup", title=title,
               title_zh=title_zh, owner="host", due_expr=FIXED, seq=seq, due_at=due_at, state="open",
               created_at=clock.now(), assignee_id=assignee_id)
    session.add(row)
    session.flush()
    return row.id


def close_opportunity_tasks(session: Session, opportunity_id: int, by: str, note: str | None = None) -> int:
    """The open next step of an opportunity is done: the opportunity moved on (or was updated)."""
    from receptionctl.store.tables.common import Task

    values = {"state": "done", "done_at": clock.now(), "done_by": by}
    if note:  # after the lines of `task note`
        values["note"] = case((Task.note.is_(None), note), else_=Task.note + "\n" + note)
    result = session.execute(update(Task).where(Task.opportunity_id == opportunity_id, Task.state == "open")
                             .values(**values).execution_options(synchronize_session=False))
    return result.rowcount or 0


# -- a client's care tasks (issue 26) ----------------------------------------------------------
CARE = "care"  # their stage; their keys start with "care-" and name the occasion and its day


@dataclass(frozen=True)
class CareTask:
    """A care task that should exist: the greeting of one occasion (its key) to one client."""
    key: str
    client_id: int
    title: str
    title_zh: str
    owner_role: str  # falls to anyone with the role unless assignee_id names the person
    assignee_id: int | None
    due_at: datetime


def care_tasks(session: Session, since: datetime, client_ids=None) -> list[tuple[int, str, str, int | None]]:
    """The care tasks due at or after `since` (of those clients), any state: (id, key, state,
    assignee id). One index range (stage, due), however long the history."""
    t = light.task.c  # a read: through the light handle
    q = select(t.id, t.key, t.state, t.assignee_id).where(t.stage == CARE, t.due_at >= since)
    if client_ids is not None:
        q = q.where(t.client_id.in_(list(client_ids)))
    return [tuple(r) for r in session.execute(q.order_by(t.id))]


def open_care_tasks(session: Session, wanted: list[CareTask], have: set[str]) -> list[str]:
    """Open the care tasks of `wanted` whose key is not in `have` (the keys there already, in any
    state: a greeting sent or skipped is never opened again), in one statement whatever their
    number. The keys opened."""
    from receptionctl.store.tables.common import Task

    now = clock.now()
    rows = [dict(visit_id=None, case_id=None, client_id=t.client_id, key=t.key, stage=CARE, title=t.title,
                 title_zh=t.title_zh, owner=t.owner_role, due_expr=FIXED, seq=1, due_at=t.due_at, state="open",
                 created_at=now, assignee_id=t.assignee_id) for t in wanted if t.key not in have]
    if rows:
        session.execute(insert(Task), rows)
    return [r["key"] for r in rows]


def skip_care_tasks(session: Session, task_ids, why: str, by: str) -> int:
    """Skip these open care tasks (the occasion no longer applies: a birthday removed, a tier
    lowered); how many."""
    from receptionctl.store.tables.common import Task

    ids = sorted(set(task_ids))
    if not ids:
        return 0
    result = session.execute(update(Task).where(Task.id.in_(ids), Task.stage == CARE, Task.state == "open")
                             .values(state="skipped", note=why, done_at=clock.now(), done_by=by)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def reassign_care_tasks(session: Session, client_id: int, old_id: int | None, new_id: int | None) -> int:
    """The client's keeper changed: its open care tasks that fell to the old one (or, without
    one, to the role) fall to the new one (None: back to the role); how many."""
    from receptionctl.store.tables.common import Task

    q = update(Task).where(Task.client_id == client_id, Task.stage == CARE, Task.state == "open")
    q = q.where(Task.assignee_id.is_(None) if old_id is None else Task.assignee_id == old_id)
    result = session.execute(q.values(assignee_id=new_id).execution_options(synchronize_session=False))
    return result.rowcount or 0
