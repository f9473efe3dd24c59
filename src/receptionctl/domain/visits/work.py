"""Closing tasks by hand (`task done`, `task skip`). The engine records it; when that was
the last thing a completed visit waited for, the visit closes (a follow-up rule). A
top-layer module, so that the engine never reaches up into a stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from receptionctl.domain import engine
from receptionctl.domain.visits import followups
from receptionctl.store.tables.common import Visit


def done(session: Session, actor: str, task_id: int, note: str | None = None, at: datetime | None = None):
    """Mark a task done (see engine.done); returns (the task, the next one of a repeating step)."""
    view, nxt = engine.done(session, actor, task_id, note, at=at)
    _maybe_close(session, actor, view.visit_id)
    return engine.get_task(session, task_id), nxt


def skip(session: Session, actor: str, task_id: int, reason: str):
    view = engine.skip(session, actor, task_id, reason)
    _maybe_close(session, actor, view.visit_id)
    return engine.get_task(session, task_id)


def _maybe_close(session: Session, actor: str, visit_id: int | None) -> None:
    if visit_id is None:  # a task of the front desk's: no visit to close
        return
    visit = session.get(Visit, visit_id)
    if visit.status == "completed":
        followups.maybe_close(session, actor, visit)
