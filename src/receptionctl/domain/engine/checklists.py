"""A visit's checklist (`receptionctl checklist`): its tasks by stage, each with its mark
(done, overdue, open, skipped, missed), the share of the preparation done, what blocks the
visit, and why and how its schedule was compressed. It reads the tasks through tasklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.domain.core import clock, stored
from receptionctl.domain.core.vocab import STAGES
from receptionctl.domain.engine.schedule import COMPRESS_REASONS
from receptionctl.domain.engine.tasklist import PER_VISIT, TaskView, list_tasks
from receptionctl.i18n import N_, _, code, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ChecklistItem:
    task: TaskView
    mark: str  # ✓ done, ✗ overdue, • open, – skipped, ! missed


@dataclass(frozen=True)
class Checklist:
    visit_id: int
    client: str
    starts_at: datetime
    status: str
    plan_status: str
    readiness: float | None  # share of the preparation tasks done (skipped ones left out)
    prepared: int
    to_prepare: int
    blockers: tuple[str, ...]
    stages: dict[str, tuple[ChecklistItem, ...]]
    compressed: str | None = None  # why and how the preparation schedule was compressed
    missed: tuple[str, ...] = ()  # keys of the tasks missed at completion


def mark(view: TaskView) -> str:
    if view.state == "done":
        return "✓"
    if view.state == "skipped":
        return "–"
    if view.state == "missed":
        return "!"
    return "✗" if view.overdue else "•"


def readiness(tasks: list[TaskView]) -> tuple[float | None, int, int]:
    prep = [t for t in tasks if t.stage == "prepare" and t.state != "skipped"]
    done_n = sum(1 for t in prep if t.state == "done")
    return (done_n / len(prep) if prep else None), done_n, len(prep)


def blockers_of(visit_view, tasks: list[TaskView]) -> list[str]:
    out = []
    if visit_view.status in ("planning", "submitted") and visit_view.plan_status != "approved":
        out.append(_("plan is {status}, not approved").format(status=code(visit_view.plan_status)))
    if visit_view.reapproval:
        out.append(_("re-approval needed: {why}").format(why=stored.change(visit_view.reapproval)))
    overdue = [t for t in tasks if t.stage == "prepare" and t.overdue]
    if overdue:
        out.append(ngettext("{n} preparation task overdue: {keys}", "{n} preparation tasks overdue: {keys}",
                            len(overdue)).format(n=len(overdue), keys=_(", ").join(t.name for t in overdue)))
    unassigned = sorted({t.owner_role for t in tasks if t.state == "open" and t.owner is None
                         and t.owner_role in PER_VISIT})
    if unassigned:
        out.append(_("no one assigned as {roles}").format(roles=_(", ").join(code(r, "role") for r in unassigned)))
    return out


def compression_note(compressed_at: datetime | None, reason: str | None, starts_at: datetime,
                     tasks: list[TaskView]) -> str | None:
    """Why and how a schedule was compressed, in words (None when it was not)."""
    squeezed = [t for t in tasks if t.planned_at is not None]
    if compressed_at is None or not squeezed:
        return None
    left = starts_at - compressed_at
    hours = int(left.total_seconds() // 3600)
    left_words = (_("{n} h").format(n=hours) if hours
                  else _("{n} min").format(n=max(1, int(left.total_seconds() // 60))))
    first, last = min(t.due_at for t in squeezed), max(t.due_at for t in squeezed)
    why = _(COMPRESS_REASONS.get(reason or "", reason or N_("the schedule changed")))
    n = len(squeezed)
    return ngettext(
        "{why} {at}, {left} before the start: {n} task whose procedure deadline had passed is due between "
        "{first} and {last}, in the procedure's order",
        "{why} {at}, {left} before the start: {n} tasks whose procedure deadline had passed are due between "
        "{first} and {last}, in the procedure's order", n).format(
        why=why, at=f"{clock.local(compressed_at):%Y-%m-%d %H:%M}", left=left_words, n=n,
        first=f"{clock.local(first):%m-%d %H:%M}", last=f"{clock.local(last):%m-%d %H:%M}")


def checklist(session: Session, v) -> Checklist:
    """The checklist of a visit, from its read model `v` (a VisitView)."""
    visit_id = v.id
    visit = light.visit.c
    row = session.execute(select(visit.compressed_at, visit.compressed_reason, visit.starts_at)
                          .where(visit.id == visit_id)).one()
    tasks = list_tasks(session, visit_id=visit_id, state="all")
    share, done_n, total = readiness(tasks)
    stages = {stage: tuple(ChecklistItem(t, mark(t)) for t in tasks if t.stage == stage) for stage in STAGES}
    return Checklist(visit_id, v.client, v.starts_at, v.status, v.plan_status, share, done_n, total,
                     tuple(blockers_of(v, tasks)), stages,
                     compressed=compression_note(row.compressed_at, row.compressed_reason, row.starts_at, tasks),
                     missed=tuple(t.key for t in tasks if t.state == "missed"))

