"""The audit log: every change, who made it, when, and what it was before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.domain import clock
from receptionctl.store.models import AuditEvent, DutyLog, ServiceCase


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return value


def _dump(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    visit_id: int | None = None,
) -> None:

    session.add(
        AuditEvent(
            at=clock.now(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            visit_id=visit_id,
            before=_dump(before),
            after=_dump(after),
        )
    )


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    visit_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def list_events(
    session: Session,
    *,
    visit_id: int | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
    since: datetime | None = None,
    hide_restricted: bool = False,
) -> list[AuditView]:
    """`hide_restricted`: leave out the events of complaints about staff (their case's steps and
    their logbook lines), for a reader who may not see them."""
    q = select(AuditEvent).order_by(AuditEvent.id)
    if hide_restricted:
        restricted = select(ServiceCase.id).where(ServiceCase.about_staff_id.is_not(None))
        restricted_lines = select(DutyLog.id).where(DutyLog.case_id.in_(restricted))
        q = q.where(~((AuditEvent.entity == "case") & AuditEvent.entity_id.in_(restricted)),
                    ~((AuditEvent.entity == "duty_log") & AuditEvent.entity_id.in_(restricted_lines)))
    if visit_id is not None:
        q = q.where(AuditEvent.visit_id == visit_id)
    if entity is not None:
        q = q.where(AuditEvent.entity == entity)
    if actor is not None:
        q = q.where(AuditEvent.actor == actor)
    if since is not None:
        q = q.where(AuditEvent.at >= since)
    if limit is not None:
        q = q.order_by(None).order_by(AuditEvent.id.desc()).limit(limit)
    rows = list(session.scalars(q))
    if limit is not None:
        rows.reverse()
    return [
        AuditView(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            visit_id=r.visit_id,
            before=json.loads(r.before) if r.before else None,
            after=json.loads(r.after) if r.after else None,
        )
        for r in rows
    ]
