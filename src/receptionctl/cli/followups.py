"""After the visit: feedback, outcome, evaluation, and the follow-up work due."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.common import JsonOpt, MineOpt, WideOpt, complete_client, complete_user, emit, owner_filter, record_id, report, state, when, whole
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.vocab import Channel, Intent, Outcome

feedback_app = typer.Typer(rich_markup_mode=None, help="The client-reception feedback form.", no_args_is_help=True)
followup_app = typer.Typer(rich_markup_mode=None, help="Follow-up work after visits.", no_args_is_help=True)


@feedback_app.command("add", help="Record the feedback form (score 0-100). It closes the callback task; "
                      "a score under the red line raises an alert and an investigation task. "
                      "Example: receptionctl feedback add 7 --score 92 --channel phone --intent high")
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



FEEDBACK_COLUMNS = [("visit_id", "Visit"), ("client", "Client"), ("at", "Received"), ("score", "Score"),
                    ("mark", ""), ("channel", "Channel"), ("intent", "Intent"), ("comment", "Comment")]


@feedback_app.command("list", help="Feedback forms by the time they were received: one visit's, one client's, "
                      "in a period, or under a score. Example: receptionctl feedback list --from 11-01 --below 75")
def feedback_list(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's form.")] = None,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client, help="Only this client's forms (id, name, or a "
                                                  "unique part of it).")] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help="Only forms received at or after "
                                                 "this moment (today, 11-01, -7d ...).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="Only forms received before this "
                                               "moment.")] = None,
    below: Annotated[Optional[int], typer.Option("--below", parser=whole(0, 101), metavar="N",
                                                 help="Only scores under N (the red line is the policy's "
                                                      "red_line_score).")] = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain.followups import list_feedback
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        views = list_feedback(session, visit_id=visit, client=client, start=when(start, session) if start else None,
                              end=when(end, session) if end else None, below=below)
    if as_json:
        print_json(views)
    else:
        print_table([{**f.__dict__, "mark": "excellent" if f.excellent else "RED LINE" if f.below_red_line else ""}
                     for f in views], FEEDBACK_COLUMNS)


@feedback_app.command("show", help="A visit's feedback form, whole. Example: receptionctl feedback show 7")
def feedback_show(ctx: typer.Context, visit: VisitArg, as_json: JsonOpt = False) -> None:
    from receptionctl.domain.followups import show_feedback
    from receptionctl.render.output import print_fields, print_json

    with state(ctx).session() as session:
        f = show_feedback(session, visit)
    if as_json:
        print_json(f)
        return
    print_fields([("visit", f.visit_id), ("client", f.client), ("score", f"{f.score}" + (
        " (excellent)" if f.excellent else " (UNDER THE RED LINE)" if f.below_red_line else "")),
        ("channel", f.channel), ("intent", f.intent), ("comment", f.comment), ("suggestion", f.suggestion),
        ("received", f.at), ("recorded by", f.by)], title=f"Feedback of visit {f.visit_id}")

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


@followup_app.command("due", help="Open follow-up tasks, and the steps of service cases, overdue or due within the window: overdue first, then by due time. "
                      "Example: receptionctl followup due --owner li.na --within 3")
def followup_due(
    ctx: typer.Context,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user, help="Only what falls to this person (as owner, backup, or by staff role).")] = None,
    mine: MineOpt = False,
    within: Annotated[int, typer.Option("--within", metavar="DAYS", parser=whole(0, 366), help="Days ahead to include (default 3).")] = 3,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.cli.tasks import TASK_COLUMNS, task_rows
    from receptionctl.domain.followups import followup_due as due
    from receptionctl.render.output import print_json, print_table

    from receptionctl.domain.cases import sees_staff_complaints

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = due(session, owner=owner, within_days=within,
                    hide_restricted=not sees_staff_complaints(session, st.actor))
    if as_json:
        print_json(views)
    else:
        print_table(task_rows(views), TASK_COLUMNS)
