"""After the visit: feedback, outcome, evaluation, and the follow-up work due."""


from typing import Annotated, List, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Typer
from receptionctl.cli.common import MineOpt, complete_client, complete_user, owner_filter, record_id, state, when, whole
from receptionctl.cli.output import Output, output_options
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.core.vocab import Channel, Intent, Outcome
from receptionctl.i18n import N_, _, chinese, code

feedback_app = Typer(rich_markup_mode=None, help="The client-reception feedback form.", no_args_is_help=True)
followup_app = Typer(rich_markup_mode=None, help="Follow-up work after visits.", no_args_is_help=True)


@feedback_app.command("add", help="Record the feedback form: the answers to the visit's questions "
                      "(`procedure show` lists them; the score 0-100 is computed from the scale answers), "
                      "or a score alone, as from a phone call. With neither, on a terminal, each question is "
                      "asked in turn. It closes the callback task; a score under the red line raises an "
                      "alert, an investigation task and a complaint case. "
                      "Example: receptionctl feedback add 7 --score 92 --channel phone --intent high")
@output_options
def feedback_add(
    ctx: typer.Context,
    visit: VisitArg,
    score: Annotated[Optional[int], typer.Option("--score", metavar="0..100", parser=whole(0, 100),
                                                 help="Satisfaction score, 0 to 100, given as a number (a "
                                                      "phone call); instead of --answer.")] = None,
    answer: Annotated[Optional[List[str]], typer.Option(
        "--answer", metavar="KEY=VALUE",
        help="An answer to a question of the form, such as q1=5: a scale question 1 (poor) to 5 "
             "(excellent), a text question in words; repeat for each. Every scale question is answered.")] = None,
    ask_rest: Annotated[bool, typer.Option("--ask", help="Ask the questions not answered by --answer in turn, "
                                                         "also when stdin is not a terminal (one answer a line).")] = False,
    channel: Annotated[Optional[Channel], typer.Option("--channel", help="How the feedback came (needed with "
                                                                         "--score; default form with answers).")] = None,
    intent: Annotated[Optional[Intent], typer.Option("--intent", help="The client's cooperation intention.")] = None,
    comment: Annotated[Optional[str], typer.Option("--comment", help="The client's comments.")] = None,
    suggestion: Annotated[Optional[str], typer.Option("--suggestion", help="Improvement suggestions.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the visit's feedback form (the old one stays in the audit log).")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import add_feedback
    from receptionctl.errors import BadInput

    given = _answer_options(answer or [])
    if score is not None and (given or ask_rest):
        raise BadInput(_("--score and {option} both give the score: expected one of them").format(
            option="--answer" if given else "--ask"),
            hint=_("--score N for a score given as a number, --answer KEY=VALUE for the form's answers"))
    if score is not None and channel is None:
        if not ask.enabled(ctx):
            raise BadInput(_("--score needs --channel: expected phone, email, form or visit"))
        channel = Channel(ask.choose(_("How did the feedback come?"), ask.codes(c.value for c in Channel)))
    if score is None and not given and not ask_rest:
        if not ask.enabled(ctx):
            raise BadInput(_("no score and no answers: give --score N --channel CHANNEL, or --answer KEY=VALUE "
                             "for each question of the form"),
                           hint=_("`receptionctl procedure show` lists the questions; on a terminal `feedback add` "
                                  "asks them"))
        ask_rest = True
    st = state(ctx)
    if ask_rest:
        from receptionctl.domain.visits.followups import feedback_form

        with st.session() as session:  # read only: nothing is held while the questions are answered
            questions = feedback_form(session, st.actor, visit, replace=replace)
        given = {**given, **(_ask_at_terminal(questions, given) if ask.enabled(ctx) else _ask(questions, given))}
    with st.session(write=True) as session:
        done = add_feedback(session, st.actor, visit, score=score, channel=channel.value if channel else None,
                            answers=given or None, intent=intent.value if intent else None, comment=comment,
                            suggestion=suggestion, replace=replace)
    out.done(done, lambda f: _said_feedback(visit, f))


def _said_feedback(visit: int, f) -> str:
    """A feedback form recorded, in one line."""
    return ((_("feedback for visit {visit}: score {score} from {n} answers").format(
                visit=visit, score=f.score, n=len(f.answers)) if f.answers else
             _("feedback for visit {visit}: score {score}").format(visit=visit, score=f.score))
            + (_(" (excellent)") if f.excellent else "") + (_(" (UNDER THE RED LINE)") if f.below_red_line else ""))


def _answer_options(values: list) -> dict:
    """--answer KEY=VALUE, each key once."""
    from receptionctl.errors import BadInput

    out: dict = {}
    for value in values:
        key, sep, answer = str(value).partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise BadInput(_("--answer {value!r} is not valid: expected KEY=VALUE, such as q1=5").format(value=value))
        if key in out:
            raise BadInput(_("--answer {key} is given twice: expected one answer to each question").format(key=key))
        out[key] = answer
    return out


def _on_a_terminal() -> bool:
    import sys

    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _question(q) -> str:
    """A question as it is asked: in Chinese its Chinese text, in English both."""
    from receptionctl.domain.visits.followups import question_text

    if chinese():
        return f"{q.key}. {question_text(q)}"
    return f"{q.key}. {q.text}" + (f" / {q.text_zh}" if q.text_zh else "")


def _ask_at_terminal(questions, given: dict) -> dict:
    """Each question not answered yet, asked in turn at the terminal (cli/ask.py): a scale
    answer until it is valid, a question answered in words passed over with Enter."""
    from receptionctl.domain.visits.followups import SCALE, check_answer
    from receptionctl.render.output import note

    todo = [q for q in questions if q.key not in given]
    if todo:
        note(_("the feedback form: answer {low} (poor) to {high} (excellent); Enter passes over a question answered "
               "in words").format(low=SCALE[0], high=SCALE[1]))
    answers = {}
    for q in todo:
        scale = q.kind == "scale"
        label = _question(q) + (f" [{SCALE[0]}-{SCALE[1]}]" if scale else "")
        raw = ask.text(label, required=scale, check=lambda answer, q=q: check_answer(q, answer))
        if raw:
            answers[q.key] = raw
    return answers


def _ask(questions, given: dict) -> dict:
    """Each question not answered yet, in turn, the answer a line of stdin (--ask, where the
    terminal is not asked: piped, or --no-input). When stdin is a terminal the question is shown
    on stderr and a bad scale answer is asked again; piped, the answers are read in the form's
    order and a bad one is an error. Enter passes over a question answered in words.
    (typer.prompt would echo the last character of every prompt to stdout, a workaround of
    click's for readline, and stdout is for data.)"""
    import sys

    from receptionctl.domain.visits.followups import SCALE, check_answer
    from receptionctl.errors import BadInput
    from receptionctl.render.output import note

    todo = [q for q in questions if q.key not in given]
    terminal = _on_a_terminal()
    if todo and terminal:
        note(_("the feedback form: answer {low} (poor) to {high} (excellent); Enter passes over a question answered "
               "in words").format(low=SCALE[0], high=SCALE[1]))
    answers = {}
    for q in todo:
        label = _question(q) + (f" [{SCALE[0]}-{SCALE[1]}]: " if q.kind == "scale" else ": ")
        while True:
            if terminal:
                sys.stderr.write(label)
                sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                if terminal:
                    sys.stderr.write("\n")
                raise BadInput(_("the answers ended at {key}: nothing was recorded").format(key=q.key))
            raw = line.rstrip("\r\n")
            if q.kind == "scale" and not raw.strip() and terminal:
                continue
            try:
                value = check_answer(q, raw)
            except BadInput as exc:
                if not terminal:
                    raise
                note(exc.message)
                continue
            if value is not None:
                answers[q.key] = raw
            break
    return answers


FEEDBACK_COLUMNS = [("visit_id", N_("Visit")), ("client", N_("Client")), ("at", N_("Received")), ("score", N_("Score")),
                    ("mark", ""), ("channel", N_("Channel")), ("intent", N_("Intent")), ("comment", N_("Comment"))]


@feedback_app.command("list", help="Feedback forms by the time they were received: one visit's, one client's, "
                      "in a period, or under a score. Example: receptionctl feedback list --from 11-01 --below 75")
@output_options(wide=True)
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
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import list_feedback

    with state(ctx).session() as session:
        views = list_feedback(session, visit_id=visit, client=client, start=when(start, session) if start else None,
                              end=when(end, session) if end else None, below=below)
    out.table(views, FEEDBACK_COLUMNS, rows=lambda: [{**f.__dict__, "channel": code(f.channel), "intent": code(f.intent),
                                              "mark": _("excellent") if f.excellent else _("RED LINE")
                                              if f.below_red_line else ""} for f in views], empty=N_("No feedback."))


@feedback_app.command("show", help="A visit's feedback form, whole. Example: receptionctl feedback show 7")
@output_options
def feedback_show(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    from receptionctl.domain.visits.followups import show_feedback

    with state(ctx).session() as session:
        f = show_feedback(session, visit)
    out.show(f, lambda: _print_feedback(f))


def _print_feedback(f) -> None:
    from receptionctl.render.output import print_fields

    print_fields([(N_("visit"), f.visit_id), (N_("client"), f.client), (N_("score"), f"{f.score}" + (
        _(" (excellent)") if f.excellent else _(" (UNDER THE RED LINE)") if f.below_red_line else "")),
        (N_("channel"), code(f.channel)), (N_("intent"), code(f.intent)), (N_("comment"), f.comment),
        (N_("suggestion"), f.suggestion), (N_("received"), f.at),
        *([(N_("replaced"), f.replaced_at)] if f.replaced_at else []), (N_("recorded by"), f.by)],
        title=_("Feedback of visit {visit}").format(visit=f.visit_id))
    if f.answers:
        import sys

        sys.stdout.write("\n")
        print_fields([(a.key, _answer(a)) for a in f.answers], title=_("answers"))


def _answer(a) -> str:
    """One answer of a form with its question: in Chinese the question's Chinese text, in
    English both."""
    value = _("{value} of 5").format(value=a.value) if a.kind == "scale" else a.value
    if chinese():
        return f"{value}  ({a.question_zh or a.question})"
    return value + f"  ({a.question}" + (f" / {a.question_zh})" if a.question_zh else ")")

@output_options
def outcome(
    ctx: typer.Context,
    visit: VisitArg,
    result: Annotated[Outcome, typer.Argument(metavar="won|lost|intent", help="A deal won, lost, or a cooperation intention agreed.")],
    note: Annotated[Optional[str], typer.Option("--note", help="A remark.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import set_outcome

    st = state(ctx)
    with st.session(write=True) as session:
        done = set_outcome(session, st.actor, visit, result.value, note)
    out.done(done, (_("visit {visit}: {outcome} (converted)") if done.view.converted else
                    _("visit {visit}: {outcome}")).format(visit=visit, outcome=code(done.view.outcome)))


@output_options
def evaluate(
    ctx: typer.Context,
    visit: VisitArg,
    strengths: Annotated[str, typer.Option("--strengths", help="What went well.")],
    weaknesses: Annotated[str, typer.Option("--weaknesses", help="What went less well.")],
    improvements: Annotated[str, typer.Option("--improvements", help="What to do better next time.")],
    cost: Annotated[Optional[str], typer.Option("--cost", metavar="AMOUNT", help="What the reception cost, as a "
                                                "whole (with the two costs below: their sum).")] = None,
    reception_cost: Annotated[Optional[str], typer.Option(
        "--reception-cost", metavar="AMOUNT", help="The reception cost: venue, catering, lodging, transport, "
                                                  "people (seed 000).")] = None,
    material_cost: Annotated[Optional[str], typer.Option(
        "--material-cost", metavar="AMOUNT", help="The material cost: brochures, gifts, stationery, samples "
                                                 "bought or used (seed 000).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import evaluate as do

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, strengths=strengths, weaknesses=weaknesses, improvements=improvements,
                  cost=cost, reception_cost=reception_cost, material_cost=material_cost)
    out.done(done, _("evaluation of visit {visit} written").format(visit=visit))


@followup_app.command("due", help="Open follow-up tasks, and the steps of service cases, overdue or due within the window: overdue first, then by due time. "
                      "Example: receptionctl followup due --owner li.na --within 3")
@output_options(wide=True)
def followup_due(
    ctx: typer.Context,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user, help="Only what falls to this person (as owner, backup, or by staff role).")] = None,
    mine: MineOpt = False,
    within: Annotated[int, typer.Option("--within", metavar="DAYS", parser=whole(0, 366), help="Days ahead to include (default 3).")] = 3,
    *,
    out: Output,
) -> None:
    from receptionctl.cli.tasks import TASK_COLUMNS, task_rows
    from receptionctl.domain.cases.cases import sees_staff_complaints
    from receptionctl.domain.visits.followups import followup_due as due

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = due(session, owner=owner, within_days=within,
                    hide_restricted=not sees_staff_complaints(session, st.actor))
    out.table(views, TASK_COLUMNS, rows=lambda: task_rows(views), empty=N_("No tasks due."))
