"""After the visit: feedback, outcome, evaluation, and the follow-up work due."""


from typing import Annotated, List, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    WHEN_FORMS,
    MineOpt,
    complete_client,
    complete_user,
    owner_filter,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.core.vocab import Channel, Intent, MailLanguage, Outcome, PipelineStage, Priority
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
    from receptionctl.domain.visits.steps import next_step
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
        step = out.next_step(next_step, session, visit)
    out.done(done, lambda f: _said_feedback(visit, f), next=step)


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


@feedback_app.command("request", help="Mail the visit's feedback questionnaire to the client (the "
                      "feedback request after the service): to the main contact (the client's first contact person) "
                      "or --contact, in their language (else the policy's feedback_language), with the policy's "
                      "feedback_form_url and reply address; queued now, sent by `notify send` through the smtp "
                      "setting. A completed visit sends it by itself when the policy's feedback_request is on. The "
                      "callback task stays: the host still calls. Example: receptionctl feedback request 7")
@output_options
def feedback_request(
    ctx: typer.Context,
    visit: VisitArg,
    contact: Annotated[Optional[int], typer.Option("--contact", metavar="CONTACT", parser=record_id,
                                                   help="Another contact of the client (see `contact list CLIENT`) "
                                                        "than the main one.")] = None,
    language: Annotated[Optional[MailLanguage], typer.Option("--language", help="The mail's language, instead of the "
                                                                              "contact's own.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.survey import request

    st = state(ctx)
    with st.session(write=True) as session:
        done = request(session, st.actor, visit, contact, language.value if language else None)
    out.done(done, lambda r: _("feedback questionnaire of visit {visit} queued to {contact} ({lang}), notification "
                               "{message}: `notify send` mails it").format(visit=r.visit_id, contact=r.contact,
                                                                          lang=r.lang, message=r.message_id))


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
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = set_outcome(session, st.actor, visit, result.value, note)
        step = out.next_step(next_step, session, visit)
    out.done(done, (_("visit {visit}: {outcome} (converted)") if done.view.converted else
                    _("visit {visit}: {outcome}")).format(visit=visit, outcome=code(done.view.outcome)), next=step)


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
                                                  "people.")] = None,
    material_cost: Annotated[Optional[str], typer.Option(
        "--material-cost", metavar="AMOUNT", help="The material cost: brochures, gifts, stationery, samples "
                                                 "bought or used.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import evaluate as do
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, strengths=strengths, weaknesses=weaknesses, improvements=improvements,
                  cost=cost, reception_cost=reception_cost, material_cost=material_cost)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("evaluation of visit {visit} written").format(visit=visit), next=step)


@followup_app.command("due", short_help="Open follow-up work: overdue first, then by due time.", help="Open follow-up tasks (the next steps of the clients' opportunities among them), "
                      "and the steps of service cases, overdue or due within the window: high priority first, then "
                      "medium, then low, each by due time (a visit's tasks take the priority of its client's open "
                      "opportunity, a case's steps their severity's). "
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
    from receptionctl.domain.core.access import sees_staff_complaints
    from receptionctl.domain.visits.followups import followup_due as due

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = due(session, owner=owner, within_days=within,
                    hide_restricted=not sees_staff_complaints(session, st.actor))
    columns = [*TASK_COLUMNS[:3], ("priority", N_("Priority")), *TASK_COLUMNS[3:]]
    out.table(views, columns, rows=lambda: task_rows(views), empty=N_("No tasks due."))


# -- the follow-up pipeline: a client's opportunity through its stages ----------------
@followup_app.command("stage", help="Move a client's opportunity through the follow-up pipeline: "
                      "first contact, needs (confirmed), proposal (submitted), negotiation, then won or lost; each "
                      "stage with its date and owner, the opportunity with a priority and the date of its next step, "
                      "which becomes a follow-up task of its owner. A client without an open opportunity gets one, "
                      "at first contact. At the stage it is at, it takes a new next date, priority, owner or note. "
                      "Won or lost ends it and the follow-up chain of the client's visits (the proposal, the second "
                      "meeting, the weekly updates: their open tasks are skipped, saying why). "
                      "Example: receptionctl followup stage Huaxin --to proposal --next +3d --priority high "
                      "--note \"send the draft framework agreement\"")
@output_options
def followup_stage(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", autocompletion=complete_client,
                                          help="The client (id, name, or a unique part of it).")],
    to: Annotated[PipelineStage, typer.Option("--to", help="The stage it reaches: first-contact, needs, proposal, "
                                                          "negotiation, won or lost.")],
    next_at: Annotated[Optional[str], typer.Option("--next", metavar="WHEN", help="The date of the next step (needed "
                                                   "but with won and lost, which end it). " + WHEN_FORMS)] = None,
    priority: Annotated[Optional[Priority], typer.Option("--priority", help="high, medium or low (a new opportunity: "
                                                         "high for a VIP client, medium for a key one, else low).")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                                 help="Who follows it up (a new opportunity: the host of the "
                                                      "client's latest visit, else you).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="The next step, in words.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.work import stage

    st = state(ctx)
    with st.session(write=True) as session:
        done = stage(session, st.actor, client, to.value, next_at=when(next_at, session) if next_at else None,
                     priority=priority.value if priority else None, owner=owner, note=note)
    out.done(done, _said_stage)


def _said_stage(o) -> str:
    from receptionctl.domain.visits.pipeline import stage_label
    from receptionctl.render.output import text

    if o.closed_at is not None:
        return _("opportunity {id} of {client}: {stage}").format(id=o.id, client=o.client, stage=code(o.stage))
    return _("opportunity {id} of {client}: {stage}, {priority} priority, next step {next} ({owner})").format(
        id=o.id, client=o.client, stage=stage_label(o.stage), priority=code(o.priority), next=text(o.next_at),
        owner=o.owner or "-")


PIPELINE_COLUMNS = [("id", N_("ID")), ("client", N_("Client"), "text 6"), ("stage", N_("Stage")),
                    ("priority", N_("Priority")), ("next_at", N_("Next step")), ("mark", ""), ("owner", N_("Owner")),
                    ("stage_at", N_("Since")), ("note", N_("Note"), "text 9 24")]


@followup_app.command("pipeline", help="The clients' opportunities (open ones unless --all or --stage won/lost): "
                      "high priority first, then by the date of the next step; ! marks a next step overdue. "
                      "Example: receptionctl followup pipeline --stage proposal --json")
@output_options(wide=True)
def followup_pipeline(
    ctx: typer.Context,
    stage: Annotated[Optional[PipelineStage], typer.Option("--stage", help="Only the opportunities at this "
                                                                          "stage.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                                 help="Only those this person follows up.")] = None,
    mine: MineOpt = False,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="Only this client's.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also those won or lost.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.pipeline import list_opportunities

    owner = owner_filter(ctx, owner, mine)
    with state(ctx).session() as session:
        views = list_opportunities(session, stage=stage.value if stage else None, owner=owner, client=client,
                                   ended=all_)
    out.table(views, PIPELINE_COLUMNS, rows=lambda: [
        {**o.__dict__, "priority": code(o.priority), "mark": "!" if o.overdue else "",
         "owner": f"{o.owner_name} ({o.owner})" if o.owner else None} for o in views],
        empty=N_("No opportunities."))


@followup_app.command("show", help="A client's opportunity (the open one, else the latest), with each stage it "
                      "reached: when, by whom, its owner, priority and next date then. "
                      "Example: receptionctl followup show Huaxin")
@output_options
def followup_show(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", autocompletion=complete_client,
                                          help="The client (id, name, or a unique part of it).")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.pipeline import client_opportunities
    from receptionctl.errors import NotFound

    with state(ctx).session() as session:
        found = client_opportunities(session, client)
    if not found:
        raise NotFound(_("{client} has no opportunity yet").format(client=client),
                       hint=_("`receptionctl followup stage CLIENT --to needs --next DATE` opens one"))
    o = found[0]
    out.show(o, lambda: _print_opportunity(o))


def _print_opportunity(o) -> None:
    import sys

    from receptionctl.domain.visits.pipeline import stage_label
    from receptionctl.render.output import print_fields, print_table

    print_fields([(N_("client"), o.client), (N_("stage"), stage_label(o.stage)),
                  (N_("priority"), code(o.priority)), (N_("next step"), o.next_at), (N_("note"), o.note),
                  (N_("owner"), f"{o.owner_name} ({o.owner})" if o.owner else None),
                  (N_("opened"), o.opened_at), (N_("closed"), o.closed_at), (N_("visit"), o.visit_id)],
                 title=_("Opportunity {id}").format(id=o.id))
    sys.stdout.write("\n")
    print_table([{**s.__dict__, "stage": stage_label(s.stage), "priority": code(s.priority)} for s in o.stages],
                [("at", N_("When")), ("stage", N_("Stage")), ("by", N_("By")), ("owner", N_("Owner")),
                 ("priority", N_("Priority")), ("next_at", N_("Next step")), ("visit_id", N_("Visit")),
                 ("note", N_("Note"))], title=_("Stages"), wide=True)
