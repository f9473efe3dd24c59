"""A visit's page (/visits/ID): its sheet, as `visit show` shows it, and its checklist, as
`checklist ID` does, each open task with a form to mark it done or skip it (tasks.py). An
admin may reveal the guests' identity numbers (a POST, audited by the domain as `visit show
--reveal` is); anyone else gets 403 from the same rule."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.domain.core import access
from receptionctl.domain.visits import views
from receptionctl.domain.visits.steps import next_step
from receptionctl.render import sheets
from receptionctl.render.steps import next_line
from receptionctl.web.base import Page, page
from receptionctl.web.parts import path_id, shown


def visit_data(pg: Page, visit_id: int, reveal: bool = False) -> dict:
    """The sheet and the checklist, read as `visit show` and `checklist` read them; with `reveal`,
    in a write session (each reveal is audited) with the key."""
    with pg.session(write=reveal) as session:
        detail = views.show_visit(session, visit_id, actor=pg.actor, reveal=reveal,
                                  cipher=pg.web.cipher() if reveal else None)
        checklist = views.checklist(session, visit_id)
        step = next_step(session, visit_id)
        me = access.find_actor(session, pg.actor)
    return {"v": detail, "sheet": shown(sheets.visit_pairs(detail)), "checklist": checklist,
            "head": shown(sheets.checklist_pairs(checklist)), "missed": sheets.missed_text(checklist),
            "stages": [(sheets.stage_name(stage), items) for stage, items in checklist.stages.items() if items],
            "next_line": next_line(step), "revealed": reveal,
            "evaluation": shown(sheets.evaluation_pairs(detail.evaluation)) if detail.evaluation else [],
            "may_reveal": me is not None and me.has() and any(g.id_number for g in detail.guests)}


@page
def visit(pg: Page) -> Response:
    visit_id = path_id(pg, "visit_id")
    return pg.render("visit.html", pg.kept(("visit", visit_id), lambda: visit_data(pg, visit_id)))


@page
def reveal(pg: Page, form) -> Response:
    """The page with the identity numbers in clear, for this answer only (an admin; audited)."""
    return pg.render("visit.html", visit_data(pg, path_id(pg, "visit_id"), reveal=True))
