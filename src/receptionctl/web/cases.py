"""Service cases: the list (/cases) and a case's page (/cases/ID) with the steps of its loop the
signed-in user may take now (domain/cases/cases.py, steps_open_to: what the case's state allows
and their roles let them do), each a form calling the function `case ack`, `case assign` ...
call. A complaint about a member of staff is left out, or not found, for whoever may not see it
(the domain's rule, as on the command line): never shown to the person it is about."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.domain.cases import cases
from receptionctl.domain.cases.steps import next_step
from receptionctl.domain.core import clock, policy
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.when import parse_when
from receptionctl.domain.visits import views
from receptionctl.errors import BadInput, NotFound
from receptionctl.i18n import N_, _, code
from receptionctl.render import sheets
from receptionctl.render.sheets import case_text
from receptionctl.render.steps import next_line
from receptionctl.web.base import Page, field_text, form_id, page
from receptionctl.web.parts import path_id, shown


@page
def case_list(pg: Page) -> Response:
    """Cases by the time they were received (?open=1: those not closed), as `case list`."""
    open_only = pg.request.query_params.get("open") == "1"
    with pg.session() as session:
        found = cases.list_cases(session, pg.actor, open_only=open_only)
    return pg.render("cases.html", {"cases": found, "open_only": open_only, "case_text": case_text})


@page
def case_page(pg: Page) -> Response:
    """The case whole, as `case show`; its next step in words; the forms of the steps open to the user."""
    case_id = path_id(pg, "case_id")
    with pg.session() as session:
        view = views.show_case(session, pg.actor, case_id)
        steps = cases.steps_open_to(session, pg.actor, case_id)
        nxt = next_step(session, case_id)
    waiting = [e for e in view.escalations if e.answered_at is None]
    return pg.render("case.html", {"c": view, "steps": steps, "next_line": next_line(nxt), "waiting": waiting,
                                   "sheet": shown(sheets.case_pairs(view)), "visit_label": _("visit"),
                                   "escalation_state": sheets.escalation_state})


def _when(session, value: str, option: str):
    """A moment typed in a form, read as the command line reads --due and --answer-by."""
    if not value.strip():
        raise BadInput(_("{option} is needed: expected a date and time").format(option=option))
    return parse_when(value, clock.now(), clock.zone(), calendar_for(policy.load(session)["country"]))


def _points(value: str) -> int | None:
    """--deduct's value: a whole number from 0 to 100, or none."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) < 12 and 0 <= int(value) <= 100:
        return int(value)
    raise BadInput(_("{value!r} is not valid: expected a whole number from {lo} to {hi}").format(value=value, lo=0,
                                                                                                 hi=100))


def _satisfied(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _ack(session, pg, case_id, form):
    return cases.acknowledge(session, pg.actor, case_id, field_text(form, "note").strip() or None)


def _assign(session, pg, case_id, form):
    due = field_text(form, "due", 100)
    return cases.assign(session, pg.actor, case_id, field_text(form, "to", 200),
                        _when(session, due, "--due") if due.strip() else None)


def _escalate(session, pg, case_id, form):
    return cases.escalate(session, pg.actor, case_id, field_text(form, "to", 200), field_text(form, "question"),
                          _when(session, field_text(form, "answer_by", 100), "--answer-by"))


def _answer(session, pg, case_id, form):
    escalation = form_id(form, "escalation") if field_text(form, "escalation", 20).strip() else None
    return cases.answer(session, pg.actor, case_id, field_text(form, "text"), escalation)


def _resolve(session, pg, case_id, form):
    return cases.resolve(session, pg.actor, case_id, cause=field_text(form, "cause"),
                         action=field_text(form, "action"), prevention=field_text(form, "prevention"),
                         deduct=_points(field_text(form, "deduct", 20)),
                         responsible=field_text(form, "responsible", 200).strip() or None)


def _callback(session, pg, case_id, form):
    return cases.callback(session, pg.actor, case_id, field_text(form, "note"),
                          _satisfied(field_text(form, "satisfied", 10)))


def _review(session, pg, case_id, form):
    return cases.review(session, pg.actor, case_id, field_text(form, "note").strip() or None)


def _close(session, pg, case_id, form):
    return cases.close(session, pg.actor, case_id)


# each step: the function that takes it, and what is said after it (the command line's words)
STEPS = {
    "ack": (_ack, N_("case {case} acknowledged: {kind}, {state}")),
    "assign": (_assign, N_("case {case} assigned to {owner}: {kind}, {state}")),
    "escalate": (_escalate, N_("case {case} escalated: {kind}, {state}")),
    "answer": (_answer, N_("case {case} escalation answered: {kind}, {state}")),
    "resolve": (_resolve, N_("case {case} resolved: {kind}, {state}")),
    "callback": (_callback, N_("case {case} called back: {kind}, {state}")),
    "review": (_review, N_("case {case} reviewed: {kind}, {state}")),
    "close": (_close, N_("case {case} closed: {kind}, {state}")),
}


@page
def case_step(pg: Page, form) -> Response:
    """POST /cases/ID/STEP: one step of the loop as the signed-in user; back to the case's page."""
    case_id = path_id(pg, "case_id")
    step = pg.request.path_params.get("step")
    if step not in STEPS:
        raise NotFound(_("no such step {step!r}: expected one of {choices}").format(
            step=step, choices=", ".join(STEPS)))
    take, said = STEPS[step]
    with pg.session(write=True) as session:
        view = take(session, pg, case_id, form)
    return pg.redirect(f"/cases/{view.id}", _(said).format(case=view.id, kind=code(view.kind),
                                                            state=code(view.state).replace("_", " "),
                                                            owner=view.owner))
