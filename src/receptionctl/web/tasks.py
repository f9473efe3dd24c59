"""My tasks (/tasks), the list `task list --mine` shows, and a task marked done or skipped from a
page (this list, a visit's checklist) under the same rules as `task done` and `task skip`:
the domain refuses what the command line refuses, and the refusal is shown with its status."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.domain.core.access import sees_staff_complaints
from receptionctl.domain.engine import list_tasks, mark
from receptionctl.domain.visits import work
from receptionctl.i18n import _
from receptionctl.render.output import text
from receptionctl.web.base import Page, field_text, page
from receptionctl.web.parts import back_to, path_id


@page
def my_tasks(pg: Page) -> Response:
    """The signed-in user's open tasks, by due time; complaints about staff left out for those who
    may not see them (as `task list --mine`)."""
    with pg.session() as session:
        views = list_tasks(session, owner=pg.actor, state="open",
                           hide_restricted=not sees_staff_complaints(session, pg.actor))
    return pg.render("tasks.html", {"tasks": views, "mark": mark})


def _said_next(pg: Page, nxt) -> None:
    if nxt is not None:
        pg.flash(_("next: task {task} due {due}").format(task=nxt.id, due=text(nxt.due_at)))


@page
def done(pg: Page, form) -> Response:
    """`task done TASK --note ...` as the signed-in user."""
    task_id = path_id(pg, "task_id")
    note = field_text(form, "note").strip() or None
    with pg.session(write=True) as session:
        view, nxt = work.done(session, pg.actor, task_id, note)
    late = view.done_at and view.done_at > view.due_at
    said = (_("task {task} done: {title} (late)") if late else _("task {task} done: {title}")).format(
        task=view.id, title=view.shown_title)
    response = pg.redirect(back_to(form, "/tasks"), said)
    _said_next(pg, nxt)
    return response


@page
def skip(pg: Page, form) -> Response:
    """`task skip TASK --reason ...` as the signed-in user (the reason is required, as there)."""
    task_id = path_id(pg, "task_id")
    with pg.session(write=True) as session:
        view = work.skip(session, pg.actor, task_id, field_text(form, "reason"))
    return pg.redirect(back_to(form, "/tasks"), _("task {task} skipped: {title}").format(task=view.id,
                                                                                        title=view.shown_title))
