"""Read models that gather what several stages recorded about one visit: the visit sheet
(`visit show`) and the checklist. A top-layer module: it may read every stage; no stage
reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from receptionctl.domain import engine
from receptionctl.domain.cases import cases
from receptionctl.domain.core import policy
from receptionctl.domain.people.notes import list_notes
from receptionctl.domain.records import attachments
from receptionctl.domain.visits import clashes, followups, reception, survey
from receptionctl.domain.visits.visits import Assigned, VisitView, assignments, get_view
from receptionctl.i18n import ngettext
from receptionctl.store.tables.common import Visit
from receptionctl.store.tables.visits import Evaluation, Plan


@dataclass(frozen=True)
class VisitDetail(VisitView):
    notice: str | None
    cancel_reason: str | None
    assignments: tuple[Assigned, ...]
    clashes: tuple[str, ...]
    guests: tuple = ()
    incidents: tuple = ()
    notes: tuple = ()
    open_promises: tuple = ()  # the client's promises not yet kept, from any visit
    feedback: Any = None
    evaluation: Any = None
    outcome: Any = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    archive_label: str | None = None  # "client name – reception date", once closed
    keeps_open: tuple[str, ...] = ()  # what a completed visit still waits for
    attachments: tuple = ()  # AttachmentView: photos, video, forms, minutes ... (records, issue 16)
    feedback_requests: tuple = ()  # RequestView: the questionnaire mailed to the client (issue 26)
    notice_shown: str | None = field(default=None, compare=False, metadata={"json": False})  # `notice`, translated
    # the callbacks after the visit (CallbackView): on the sheet; not in its JSON, which stays as it was
    callbacks: tuple = field(default=(), compare=False, metadata={"json": False})


def notice_text(row, translate: bool = True) -> str | None:
    """The notice the visit had, against the notice the procedure needs (in English for the JSON,
    which does not change with the language; else in the run's language)."""
    if row.notice_needed is None:
        return None
    had = row.notice_had
    plural = ngettext if translate else (lambda one, many, n: one if n == 1 else many)
    if row.urgent:
        text = plural("{had} hour of notice, the procedure needs {needed}",
                        "{had} hours of notice, the procedure needs {needed}", had)
    else:
        text = plural("{had} working day of notice, the procedure needs {needed}",
                        "{had} working days of notice, the procedure needs {needed}", had)
    return text.format(had=f"{had}+" if not row.urgent and had >= 366 else had, needed=row.notice_needed)


def show_visit(session: Session, visit_id: int, *, actor: str | None = None, reveal: bool = False,
               cipher=None) -> VisitDetail:
    view = get_view(session, visit_id)
    row = session.get(Visit, visit_id)
    rules = policy.load(session)
    # held for the whole read: the stages below look the plan up again (load_for_change), and
    # the session's identity map answers them without a statement while it is referenced here
    plan = session.get(Plan, visit_id)
    feedback = followups.list_feedback(session, visit_id=visit_id)  # the form with its answers, if any
    ev = session.get(Evaluation, visit_id)
    files = attachments.for_target(session, visit_id=visit_id)
    return VisitDetail(
        **view.__dict__,
        notice=notice_text(row, translate=False), notice_shown=notice_text(row),
        cancel_reason=row.cancel_reason,
        assignments=assignments(session, visit_id),
        clashes=tuple(c.text for c in clashes.find(session, [visit_id])),
        guests=reception.guests(session, visit_id, actor=actor, reveal=reveal, cipher=cipher),
        incidents=tuple(reception.list_incidents(session, visit_id=visit_id)),
        notes=tuple(list_notes(session, visit_id=visit_id)),
        open_promises=tuple(list_notes(session, client_id=row.client_id, open_promises=True)),
        feedback=feedback[0] if feedback else None,
        evaluation=followups.evaluation_view(ev, plan.budget if plan else None) if ev else None,
        outcome=followups.outcome_view(session, visit_id) if row.outcome else None,
        completed_at=row.completed_at,
        closed_at=row.closed_at,
        archive_label=(followups.archive_label(view.client, row.starts_at, policy.work_zone(rules))
                       + attachments.summary(files) if row.status == "closed" else None),
        keeps_open=tuple(followups.what_keeps_open(session, row)) if row.status == "completed" else (),
        attachments=tuple(files),
        callbacks=followups.list_callbacks(session, visit_id, view.client),
        feedback_requests=survey.requests_of(session, visit_id),
    )


@dataclass(frozen=True)
class CaseDetail(cases.CaseView):
    attachments: tuple = ()  # AttachmentView (records, issue 16)


def show_case(session: Session, actor: str, case_id: int) -> CaseDetail:
    """`case show`: the case (seen only by those who may see it) with its attachments."""
    view = cases.show_case(session, actor, case_id)
    return CaseDetail(**view.__dict__, attachments=tuple(attachments.for_target(session, case_id=case_id)))


def checklist(session: Session, visit_id: int) -> engine.Checklist:
    """A visit's tasks by stage, readiness, blockers, and whether its schedule was compressed."""
    return engine.checklist(session, get_view(session, visit_id))
