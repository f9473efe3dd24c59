"""Read models that gather what several stages recorded about one visit: the visit sheet
(`visit show`) and the checklist. A top-layer module: it may read every stage; no stage
reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from receptionctl.domain import engine
from receptionctl.domain.cases import cases
from receptionctl.domain.core import policy
from receptionctl.domain.people.notes import list_notes
from receptionctl.domain.records import attachments
from receptionctl.domain.visits import clashes, followups, reception, survey
from receptionctl.domain.visits.visits import Assigned, VisitView, assignments, get_view, view_of, visit_query
from receptionctl.errors import NotFound
from receptionctl.i18n import _, ngettext
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


FORM = ("visit_id", "score", "channel", "intent", "comment", "suggestion", "at", "by", "replaced_at")
EVALUATION = ("visit_id", "strengths", "weaknesses", "improvements", "cost", "reception_cost", "material_cost",
              "at", "by")
MORE = ("notice_had", "notice_needed", "cancel_reason", "completed_at", "closed_at", "outcome", "outcome_at",
        "outcome_note", "converted_at", "procedure_id")


def _has(table, *where):
    return select(1).select_from(table).where(*where).exists()


def _sheet_query(visit_id: int):
    """The visit with its plan's budget, its feedback form and its evaluation (outer joins), what
    keeps it open, and whether each list of the sheet has rows: one statement, so that the lists
    without rows cost none."""
    v = light.visit
    form, ev, note = light.feedback, light.evaluation, light.note.c
    return (
        visit_query(
            *(v.c[k] for k in MORE), light.plan.c.budget,
            *(form.c[k].label(f"form_{k}") for k in FORM), *(ev.c[k].label(f"ev_{k}") for k in EVALUATION),
            *followups.open_columns(v.c.id),
            _has(light.feedback_answer, light.feedback_answer.c.visit_id == v.c.id).label("has_answers"),
            _has(light.assignment, light.assignment.c.visit_id == v.c.id).label("has_assignments"),
            _has(light.guest, light.guest.c.visit_id == v.c.id).label("has_guests"),
            _has(light.incident, light.incident.c.visit_id == v.c.id).label("has_incidents"),
            _has(light.note, note.visit_id == v.c.id).label("has_notes"),
            # the condition of list_notes(client_id=..., open_promises=True)
            _has(light.note, note.client_id == v.c.client_id, note.kind == "promise", note.fulfilled_at.is_(None))
            .label("has_promises"),
            _has(light.visit_callback, light.visit_callback.c.visit_id == v.c.id).label("has_callbacks"),
            _has(light.feedback_request, light.feedback_request.c.visit_id == v.c.id).label("has_requests"),
            _has(light.attachment, light.attachment.c.visit_id == v.c.id).label("has_attachments"),
        )
        .outerjoin(form, form.c.visit_id == v.c.id)
        .outerjoin(ev, ev.c.visit_id == v.c.id)
        .where(v.c.id == visit_id)
    )


def _part(row, prefix: str, names: tuple[str, ...]) -> SimpleNamespace:
    return SimpleNamespace(**{k: getattr(row, prefix + k) for k in names})


def show_visit(session: Session, visit_id: int, *, actor: str | None = None, reveal: bool = False,
               cipher=None) -> VisitDetail:
    """The visit sheet. The visit, its plan's budget, its form and evaluation and what keeps it open
    come in one statement; each list of the sheet (people, guests, notes ...) is read only when
    that statement says it has rows."""
    row = session.execute(_sheet_query(visit_id)).first()
    if row is None:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
    view = view_of(row)
    rules = policy.load(session)
    files = attachments.for_target(session, visit_id=visit_id) if row.has_attachments else []
    form = _part(row, "form_", FORM) if row.form_visit_id is not None else None
    ev = _part(row, "ev_", EVALUATION) if row.ev_visit_id is not None else None
    return VisitDetail(
        **view.__dict__,
        notice=notice_text(row, translate=False), notice_shown=notice_text(row),
        cancel_reason=row.cancel_reason,
        assignments=assignments(session, visit_id) if row.has_assignments else (),
        clashes=tuple(c.text for c in clashes.find(session, [visit_id], span=(row.starts_at, row.ends_at))),
        # asked to reveal, the right to is checked even when there are no guests
        guests=(reception.guests(session, visit_id, actor=actor, reveal=reveal, cipher=cipher)
                if row.has_guests or reveal else ()),
        incidents=tuple(reception.list_incidents(session, visit_id=visit_id)) if row.has_incidents else (),
        notes=tuple(list_notes(session, visit_id=visit_id)) if row.has_notes else (),
        open_promises=(tuple(list_notes(session, client_id=row.client_id, open_promises=True))
                       if row.has_promises else ()),
        feedback=(followups.one_feedback(session, form, view.client, row.procedure_id, rules, row.has_answers)
                  if form else None),
        evaluation=followups.evaluation_view(ev, row.budget) if ev else None,
        outcome=followups.outcome_view(session, visit_id, row) if row.outcome else None,
        completed_at=row.completed_at,
        closed_at=row.closed_at,
        archive_label=(followups.archive_label(view.client, row.starts_at, policy.work_zone(rules))
                       + attachments.summary(files) if row.status == "closed" else None),
        keeps_open=(tuple(followups.keeps_open(row.has_form, row.has_evaluation, row.open_tasks,
                                               row.open_incidents)) if row.status == "completed" else ()),
        attachments=tuple(files),
        callbacks=followups.list_callbacks(session, visit_id, view.client) if row.has_callbacks else (),
        feedback_requests=survey.requests_of(session, visit_id) if row.has_requests else (),
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
