"""The checklist of a visit, and tasks: list, done, skip."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    WHEN_FORMS,
    LimitOpt,
    MineOpt,
    NoPagerOpt,
    complete_user,
    owner_filter,
    record_id,
    state,
    when,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.core.vocab import TaskStage
from receptionctl.domain.core.vocab import TaskStateFilter as State
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, help="Tasks of the procedure: list them, mark them done, skip them.", no_args_is_help=True)

TaskArg = Annotated[int, typer.Argument(metavar="TASK", parser=record_id, help="The task id.")]


# the task's text keeps at least 24 display columns on a terminal (12 Chinese characters): the
# when, stage and client columns are left out or shortened first (render/output.py, _fit)
TASK_TEXT = "text 9 24"
TASK_COLUMNS = [("id", N_("ID")), ("due", N_("Due")), ("mark", ""), ("when", N_("When")), ("visit", N_("Visit")),
                ("client", N_("Client"), "text 6"), ("stage", N_("Stage")), ("title", N_("Task"), TASK_TEXT),
                ("who", N_("Owner"))]


def task_rows(views):
    """Tasks as table rows, in the run's language (the title, the due time in words, the owner)."""
    from receptionctl.domain.engine import mark, shown_words

    return [
        {"id": t.id, "due": t.due_at, "mark": mark(t), "when": shown_words(t.due_in_words),
         "visit": t.visit_id if t.visit_id is not None else _("case {case}").format(case=t.case_id)
         if t.case_id is not None else _("opportunity {opportunity}").format(opportunity=t.opportunity_id)
         if t.opportunity_id is not None else code(t.stage if t.stage == "care" else "desk"),
         "client": t.client, "stage": t.stage, "title": t.shown_title, "who": t.who, "priority": code(t.priority)}
        for t in views
    ]


@output_options
def checklist(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    from receptionctl.domain.visits.views import checklist as build
    from receptionctl.render.sheets import print_checklist

    with state(ctx).session() as session:
        sheet = build(session, visit)
    out.show(sheet, lambda: print_checklist(sheet))


@app.command("list", help="List tasks (open ones unless --state says otherwise), by due time. "
             "Example: receptionctl task list --owner li.na --overdue")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's tasks.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user, help="Only tasks that fall to this person (as owner, backup, or by staff role).")] = None,
    mine: MineOpt = False,
    stage: Annotated[Optional[TaskStage], typer.Option("--stage", help="Only this stage (case: the steps of "
                                                                    "service cases; care: greetings to clients).")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past their due time.")] = False,
    state_: Annotated[State, typer.Option("--state", help="open (default), done, skipped, missed (still open when the visit was completed) or all.")] = State.open,
    limit: LimitOpt = None,
    *,
    out: Output,
    no_pager: NoPagerOpt = False,
) -> None:
    from receptionctl.domain.core.access import sees_staff_complaints
    from receptionctl.domain.engine import list_tasks

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = list_tasks(session, visit_id=visit, owner=owner, stage=stage.value if stage else None,
                           overdue=overdue, state=state_.value, limit=limit,
                           hide_restricted=not sees_staff_complaints(session, st.actor))
    out.table(views, TASK_COLUMNS, rows=lambda: task_rows(views), pager=not no_pager, empty=N_("No tasks."))


@app.command("done", help="Mark a task done (its owner, the backup, a coordinator or an admin). "
             "A repeating task gets its next one. A task missed at the visit's completion can still be "
             "recorded as done, late: give the real time with --at; the audit log says it was late. "
             "Example: receptionctl task done 42 --note \"briefed the team\"")
@output_options
def done(ctx: typer.Context, task: TaskArg,
         note: Annotated[Optional[str], typer.Option("--note", help="What was done.")] = None,
         at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When it was really done "
                       "(default now; not in the future). " + WHEN_FORMS)] = None,
         *, out: Output) -> None:
    from receptionctl.domain.visits import work
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view, nxt = work.done(session, st.actor, task, note, at=when(at, session) if at else None)
        step = out.next_step(next_step, session, view.visit_id) if view.visit_id is not None else None
    out.show(view, lambda: _say_done(view, nxt, step))


def _say_done(view, nxt, step) -> None:
    from receptionctl.render.output import say, text
    from receptionctl.render.steps import next_line

    if view.done_at and view.done_at > view.due_at:
        say(_("task {task} done: {title} (late)").format(task=view.id, title=view.shown_title))
    else:
        say(_("task {task} done: {title}").format(task=view.id, title=view.shown_title))
    if nxt is not None:
        say(_("next: task {task} due {due}").format(task=nxt.id, due=text(nxt.due_at)))
    line = next_line(step)
    if line:
        say(line)


@app.command("skip", help="Skip a task that is not needed, with a reason. "
             "Example: receptionctl task skip 42 --reason \"covered by the site plan\"")
@output_options
def skip(ctx: typer.Context, task: TaskArg,
         reason: Annotated[str, typer.Option("--reason", help="Why it is not needed.")],
         *, out: Output) -> None:
    from receptionctl.domain.visits import work
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = work.skip(session, st.actor, task, reason)
        step = out.next_step(next_step, session, view.visit_id) if view.visit_id is not None else None
    out.done(view, _("task {task} skipped: {title}").format(task=view.id, title=view.shown_title), next=step)


@app.command("reassign", short_help="Give an open task to another active person.", help="Give an open task to one active person, whatever its role's assignment says "
             "(a coordinator or an admin; audited). Example: receptionctl task reassign 42 --to wang")
@output_options
def reassign(ctx: typer.Context, task: TaskArg,
             to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user, help="The person: username, name, or a unique "
                                             "part of one.")],
             *, out: Output) -> None:
    from receptionctl.domain import engine

    st = state(ctx)
    with st.session(write=True) as session:
        view = engine.reassign(session, st.actor, task, to)
    out.done(view, _("task {task} is now {who}'s: {title}").format(task=view.id, who=view.who,
                                                                    title=view.shown_title))


@app.command("note", help="Add a line of news to a task, kept with who and when (audited). "
             "Example: receptionctl task note 42 \"client asked to move the call to 3 pm\"")
@output_options
def note(ctx: typer.Context, task: TaskArg,
         text: Annotated[str, typer.Argument(help="What happened or what to remember.")],
         *, out: Output) -> None:
    from receptionctl.domain import engine

    st = state(ctx)
    with st.session(write=True) as session:
        view = engine.add_note(session, st.actor, task, text)
    out.done(view, _("task {task}: note added").format(task=view.id))
