"""Closing tasks by hand (`task done`, `task skip`), and moving a client's opportunity
(`followup stage`: won or lost ends the follow-up chain of the client's visits). The engine
records it; when that was the last thing a completed visit waited for, the visit closes (a
follow-up rule). A top-layer module, so that the engine never reaches up into a stage."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from receptionctl.domain import engine
from receptionctl.domain.core.base import Done
from receptionctl.domain.visits import followups, pipeline
from receptionctl.store.tables.common import Visit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def stage(session: Session, actor: str, client: str, to: str, *, next_at: datetime | None = None,
          priority: str | None = None, owner: str | None = None, note: str | None = None) -> Done:
    """`followup stage` (pipeline.move); the visits whose follow-up chain it ended close when
    nothing else keeps them open."""
    done, ended = pipeline.move(session, actor, client, to, next_at=next_at, priority=priority, owner=owner, note=note)
    for visit_id in ended:
        visit = session.get(Visit, visit_id)
        if visit.status == "completed" and followups.maybe_close(session, actor, visit):
            done.warnings.append(followups._closed(visit_id))
    return done
