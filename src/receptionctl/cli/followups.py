"""After the visit: feedback, outcome, evaluation, and the follow-up work due."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.common import JsonOpt, WideOpt, emit, report, state, whole
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.vocab import Channel, Intent, Outcome

feedback_app = typer.Typer(rich_markup_mode=None, help="The client-reception feedback form.", no_args_is_help=True)
followup_app = typer.Typer(rich_markup_mode=None, help="Follow-up work after visits.", no_args_is_help=True)


@feedback_app.command("add", help="Record the feedback form (score 0-100). It closes the callback task; "
                      "a score under the red line raises an alert and an investigation task.")
def feedback_add(
    ctx: typer.Context,
    visit: VisitArg,
    score: Annotated[int, typer.Option("--score", metavar="0..100", parser=whole(0, 100), help="Satisfaction score, 0 to 100.")],
    channel: Annotated[Channel, typer.Option("--channel", help="How the feedback came.")],
    intent: Annotated[Optional[Intent], typer.Option("--intent", help="The client's cooperation intention.")] = None,
    comment: Annotated[Optional[str], typer.Option("--comment", help="The client's comments.")] = None,
    suggestion: Annotated[Optional[str], typer.Option("--suggestion", help="Improvement suggestions.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the visit's feedback form (the old one stays in the audit log).")] = False,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.followups import add_feedback
    from receptionctl.render.output import print_json, say

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_feedback(session, st.actor, visit, score=score, channel=channel.value,
                            intent=intent.value if intent else None, comment=comment, suggestion=suggestion,
                            replace=replace)
    f = done.view
    if as_json:
        print_json(f)
    else:
        say(f"feedback for visit {visit}: score {f.score}" + (" (excellent)" if f.excellent else "")
            + (" (UNDER THE RED LINE)" if f.below_red_line else ""))
    report(done)


def outcome(
    ctx: typer.Context,
    visit: VisitArg,
    result: Annotated[Outcome, typer.Argument(metavar="won|lost|intent", help="A deal won, lost, or a cooperation intention agreed.")],
    note: Annotated[Optional[str], typer.Option("--note", help="A remark.")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.followups import set_outcome

    st = state(ctx)
    with st.session(write=True) as session:
        done = set_outcome(session, st.actor, visit, result.value, note)
    emit(done, as_json, f"visit {visit}: {done.view.outcome}" + (" (converted)" if done.view.converted else ""))


def evaluate(
    ctx: typer.Context,
    visit: VisitArg,
    strengths: Annotated[str, typer.Option("--strengths", help="What went well.")],
    weaknesses: Annotated[str, typer.Option("--weaknesses", help="What went less well.")],
    improvements: Annotated[str, typer.Option("--improvements", help="What to do better next time.")],
    cost: Annotated[Optional[str], typer.Option("--cost", metavar="AMOUNT", help="What the reception cost.")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.followups import evaluate as do

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, strengths=strengths, weaknesses=weaknesses, improvements=improvements,
                  cost=cost)
    emit(done, as_json, f"evaluation of visit {visit} written")


@followup_app.command("due", help="Open follow-up tasks overdue or due within the window: overdue first, then by due time.")
def followup_due(
    ctx: typer.Context,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USERNAME", help="Only what falls to this person.")] = None,
    within: Annotated[int, typer.Option("--within", metavar="DAYS", parser=whole(0, 366), help="Days ahead to include (default 3).")] = 3,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.cli.tasks import TASK_COLUMNS, task_rows
    from receptionctl.domain.followups import followup_due as due
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        views = due(session, owner=owner, within_days=within)
    if as_json:
        print_json(views)
    else:
        print_table(task_rows(views), TASK_COLUMNS)
