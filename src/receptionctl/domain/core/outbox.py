"""Events the world outside hears of: notifications and hooks (issue 17).

A change calls `emit(session, event, payload)` inside its transaction. Notifications to the
people the policy names are queued in the database in that same transaction (domain/core/notify.py:
they are sent later by `notify send`, so sending never blocks or fails the change); the event is
also kept on the session (`session.info["outbox"]`) for the hooks, which the command line runs
once the transaction has committed (a rolled-back change runs none).

Event names are `noun.verb` (visit.new, plan.submit, plan.approve, plan.reject, task.assign,
task.done, feedback.add, incident.add, handover.refuse, case.add, promise.breach, guest.arrived, ...); the
payload is plain JSON: ids, codes, names, times as ISO 8601 text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from receptionctl.domain.core import notify

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OUTBOX = "outbox"


def emit(session: Session, event: str, payload: dict[str, Any]) -> None:
    """Queue `event` for the notifications and the hooks (see the module's docstring)."""
    payload = notify.plain(event, payload)  # JSON values (ISO times), with its short English "text"
    notify.queue(session, event, payload)
    session.info.setdefault(OUTBOX, []).append({"event": event, **payload})


def pending(session: Session) -> list[dict[str, Any]]:
    """The events emitted in this session so far (for the hooks, after the commit)."""
    return list(session.info.get(OUTBOX, ()))
