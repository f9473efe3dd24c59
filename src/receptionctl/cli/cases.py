"""Service cases (complaints, repairs, requests for help, requests) and the duty logbook."""

from typing import Annotated, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    DAY_FORMS,
    WHEN_FORMS,
    LimitOpt,
    MineOpt,
    complete_client,
    complete_user,
    day,
    owner_filter,
    period_of,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import CaseKind, CaseSource, CaseState, Severity
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, no_args_is_help=True,
            short_help="Service cases: complaints, repairs, requests for help.",
            help="Service cases: complaints, repairs, requests for help and requests, from received to "
                 "closed; escalations with a promised answer; the duty manager's checks.")
log_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                help="The duty logbook: what was heard, promised and handed on.")

CaseArg = Annotated[int, typer.Argument(metavar="CASE", parser=record_id, help="The case id.")]
TextOpt = Annotated[str, typer.Option("--text", help="What the person said or asked for, in their words.")]

COLUMNS = [("id", N_("ID")), ("received_at", N_("Received")), ("kind", N_("Kind")), ("state", N_("State")),
           ("severity", N_("Severity")), ("category", N_("Category")), ("client", N_("Client")),
           ("owner", N_("Owner")), ("due_at", N_("Due")), ("flag", ""), ("text", N_("What"))]


def _rows(views):
    from receptionctl.render.sheets import case_text

    return [{**v.__dict__, "text": case_text(v.text), "flag": _("OVERDUE") if v.overdue else ""} for v in views]


def _say(view, said: str, **more) -> str:
    """What a step did to a case, in one line: `said` is the message id (case, kind, state)."""
    return _(said).format(case=view.id, kind=code(view.kind), state=code(view.state).replace("_", " "), **more)


@app.command("add", help="Record what a client, guest or resident raised; it must be acknowledged at once "
             "(the policy's case_ack_minutes). A complaint about a member of staff (--about) goes to the duty "
             "manager and is seen only by duty managers, approvers and admins; a complaint about another customer "
             "(--about-client) goes to the duty manager too. A case taken at the desk and not "
             "acknowledged in time goes to the shift leader (`notify send`). "
             "Example: receptionctl case add --kind complaint --text \"Lunch came an hour late\" --client huaxin "
             "--visit 7 --category service --severity high --source visit")
@output_options
@ask.asks("kind", "text")
def add(
    ctx: typer.Context,
    kind: Annotated[CaseKind, typer.Option("--kind", help="complaint, repair, help or request.")],
    text: TextOpt,
    source: Annotated[CaseSource, typer.Option("--source", help="Where it came from.")] = CaseSource.desk,
    category: Annotated[Optional[str], typer.Option("--category", help="What it is about: one of the policy's "
                                                    "case_categories (service, staff, facility, product, safety, "
                                                    "information, other). Default: staff for a complaint about a "
                                                    "member of staff (--about), else other.")] = None,
    severity: Annotated[Severity, typer.Option("--severity", help="How serious: high and critical are resolved "
                                               "within the policy's case_resolve_hours_urgent.")] = Severity.medium,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="The client, when known (id, name, or a unique part).")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="The visit it arose in.")] = None,
    about: Annotated[Optional[str], typer.Option("--about", metavar="USER", autocompletion=complete_user,
                                                 help="A complaint about this member of staff.")] = None,
    about_client: Annotated[Optional[str], typer.Option(
        "--about-client", metavar="CLIENT", autocompletion=complete_client,
        help="A complaint about another customer (id, name, or a unique part): the duty manager handles it.")] = None,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When it was raised (default now). "
                                              + WHEN_FORMS)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    if kind is None or text is None:  # left out on a terminal: asked, with the category and severity
        kind, category, severity, text = _ask_case(ctx, st, kind, category, severity, text, about)
    with st.session(write=True) as session:
        view = cases.add_case(session, st.actor, kind=kind.value, text=text, source=source.value, category=category,
                              severity=severity.value, client=client, visit_id=visit, about=about,
                              received_at=when(at, session) if at else None, about_client=about_client)
        step = out.next_step(next_step, session, view.id)
    if view.about_client:
        out.done(view, _say(view, N_("case {case} received: {kind} about another customer ({other}), {state}: the "
                                     "duty manager handles it"), other=view.about_client), next=step)
        return
    out.done(view, _say(view, N_("case {case} received: {kind}, {state}")), next=step)


def _ask_case(ctx, st, kind, category, severity, text, about=None):
    """A case's kind, category, severity (those not given on the command line, the default
    chosen) and text, asked in that order. A complaint about a member of staff (--about) is of
    category staff: not asked."""
    from receptionctl.domain.core import policy

    if kind is None:
        kind = CaseKind(ask.choose(_("What kind of case?"), ask.codes(k.value for k in CaseKind)))
    if ctx.get_parameter_source("category").name == "DEFAULT" and about is None:
        with st.session() as session:
            categories = policy.load(session)["case_categories"]
        category = ask.choose(_("What is it about?"), ask.codes(categories),
                              default="other" if "other" in categories else None)
    if ctx.get_parameter_source("severity").name == "DEFAULT":
        severity = Severity(ask.choose(_("How serious is it?"), ask.codes(s.value for s in Severity),
                                       default=severity.value))
    if text is None:
        text = ask.text(_("What the person said or asked for, in their words:"))
    return kind, category, severity, text


@app.command("ack", help="Acknowledge a case: the person who raised it knows it is being handled. "
             "Example: receptionctl case ack 12 --note \"apologised, told her we will call back by 3 pm\"")
@output_options
def ack(ctx: typer.Context, case: CaseArg,
        note: Annotated[Optional[str], typer.Option("--note", help="What was said (kept in the duty logbook).")] = None,
        *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.acknowledge(session, st.actor, case, note)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} acknowledged: {kind}, {state}")), next=step)


@app.command("assign", help="Give a case an owner and a resolution deadline (a coordinator, a duty manager or an "
             "admin). Example: receptionctl case assign 12 --to wang --due \"today 17:00\"")
@output_options
def assign(ctx: typer.Context, case: CaseArg,
           to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user,
                                           help="The owner: username, name, or a unique part.")],
           due: Annotated[Optional[str], typer.Option("--due", metavar="WHEN", help="Resolve by then (default: the "
                                                      "policy's case_resolve_hours from when it was received). "
                                                      + WHEN_FORMS)] = None,
           *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.assign(session, st.actor, case, to, when(due, session) if due else None)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} assigned to {owner}: {kind}, {state}"), owner=view.owner), next=step)


@app.command("escalate", short_help="Put a question beyond your remit to a named person.", help="Put what is beyond your remit to a named person, with the time the client was "
             "promised an answer; a promise not kept is an alert in the daily report. "
             "Example: receptionctl case escalate 12 --to gm --question \"May we refund the meal?\" "
             "--answer-by \"tomorrow 12:00\"")
@output_options
def escalate(ctx: typer.Context, case: CaseArg,
             to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user,
                                             help="Who decides: username, name, or a unique part.")],
             question: Annotated[str, typer.Option("--question", help="What must be decided or answered.")],
             answer_by: Annotated[str, typer.Option("--answer-by", metavar="WHEN", help="The answer the client was "
                                                    "promised by. " + WHEN_FORMS)],
             *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.escalate(session, st.actor, case, to, question, when(answer_by, session))
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} escalated: {kind}, {state}")), next=step)


@app.command("answer", help="Record the answer to an escalated question (the person asked, a coordinator, a duty "
             "manager or an admin). Example: receptionctl case answer 12 --text \"Yes, refund the lunch\"")
@output_options
def answer(ctx: typer.Context, case: CaseArg,
           text: Annotated[str, typer.Option("--text", help="The answer.")],
           escalation: Annotated[Optional[int], typer.Option("--escalation", parser=record_id, help="Which "
                                                             "escalation, when several wait.")] = None,
           *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.answer(session, st.actor, case, text, escalation)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} escalation answered: {kind}, {state}")), next=step)


@app.command("resolve", short_help="Resolve a case: root cause, action, prevention.", help="Resolved: the root cause, what was done, and what prevents it happening again; the "
             "client is then called back within the policy's callback_hours. A complaint about a member of staff "
             "names the person found responsible (--responsible; required); any "
             "other complaint may. The duty manager may deduct points from that person (--deduct, the policy's "
             "deduction_min to deduction_max). "
             "Example: receptionctl case resolve 12 --cause \"kitchen not told of the time change\" --action "
             "\"lunch refunded\" --prevention \"time changes go to the kitchen by the coordinator\"")
@output_options
def resolve(ctx: typer.Context, case: CaseArg,
            cause: Annotated[str, typer.Option("--cause", help="The real cause (not who was blamed).")],
            action: Annotated[str, typer.Option("--action", help="What was done about it.")],
            prevention: Annotated[str, typer.Option("--prevention", help="What keeps it from happening again.")],
            responsible: Annotated[Optional[str], typer.Option("--responsible", metavar="USER",
                                                               autocompletion=complete_user,
                                                               help="Who was found responsible for a complaint "
                                                                    "(required for a complaint about a member of "
                                                                    "staff): username, name, or a unique part.")] = None,
            deduct: Annotated[Optional[int], typer.Option("--deduct", metavar="POINTS", parser=whole(0, 100),
                                                          help="Points deducted from the person responsible (else "
                                                               "the member of staff the complaint is about; duty "
                                                               "manager).")] = None,
            *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.resolve(session, st.actor, case, cause=cause, action=action, prevention=prevention,
                             deduct=deduct, responsible=responsible)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} resolved: {kind}, {state}")), next=step)


@app.command("callback", help="The client was called back: told what was done and asked if satisfied; the duty "
             "manager then reviews the case. Example: receptionctl case callback 12 --note \"accepted the "
             "refund, thanked us\" --satisfied")
@output_options
def callback(ctx: typer.Context, case: CaseArg,
             note: Annotated[str, typer.Option("--note", help="What they were told and what they said.")],
             satisfied: Annotated[Optional[bool], typer.Option("--satisfied/--unsatisfied", show_default=False,
                                                               help="Whether they are satisfied.")] = None,
             *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.callback(session, st.actor, case, note, satisfied)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} called back: {kind}, {state}")), next=step)


@app.command("review", help="The duty manager has reviewed how the case was handled (duty_manager role). "
             "Example: receptionctl case review 12 --note \"handled well; brief the kitchen at Monday's meeting\"")
@output_options
def review(ctx: typer.Context, case: CaseArg,
           note: Annotated[Optional[str], typer.Option("--note", help="The duty manager's remarks.")] = None,
           *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.review(session, st.actor, case, note)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} reviewed: {kind}, {state}")), next=step)


@app.command("close", help="Close a reviewed case (a coordinator, a duty manager or an admin). "
             "Example: receptionctl case close 12")
@output_options
def close(ctx: typer.Context, case: CaseArg, *, out: Output) -> None:
    from receptionctl.domain.cases import cases
    from receptionctl.domain.cases.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.close(session, st.actor, case)
        step = out.next_step(next_step, session, view.id)
    out.done(view, _say(view, N_("case {case} closed: {kind}, {state}")), next=step)


@app.command("list", help="Cases by the time they were received; complaints about staff only for duty managers, "
             "approvers and admins. Example: receptionctl case list --open --overdue")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    state_: Annotated[Optional[CaseState], typer.Option("--state", help="Only cases in this state.")] = None,
    kind: Annotated[Optional[CaseKind], typer.Option("--kind", help="Only this kind.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only cases not closed.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only cases not resolved by their deadline.")] = False,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="Only this client's cases.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                                 help="Only cases this person owns.")] = None,
    mine: MineOpt = False,
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help="Only cases received at or after "
                                                 "this moment.")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="Only cases received before this "
                                               "moment.")] = None,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.cases import cases

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = cases.list_cases(session, st.actor, state=state_.value if state_ else None,
                                 kind=kind.value if kind else None, open_only=open_, client=client, owner=owner,
                                 overdue=overdue, start=when(start, session) if start else None,
                                 end=when(end, session) if end else None, limit=limit)
    out.table(views, COLUMNS, rows=lambda: _rows(views), empty=N_("No service cases."))


@app.command("show", help="A case whole: what was raised, each step with who and when, escalations, the "
             "logbook lines about it. Example: receptionctl case show 12")
@output_options
def show(ctx: typer.Context, case: CaseArg, *, out: Output) -> None:
    from receptionctl.domain.visits import views
    from receptionctl.render.sheets import print_case

    st = state(ctx)
    with st.session() as session:
        view = views.show_case(session, st.actor, case)  # with its attachments
    out.show(view, lambda: print_case(view))


@app.command("day-check", help="The duty manager's end-of-day check: every case handled that day, by "
             "whom and how, and the check recorded; the daily report shows a working day left unchecked. "
             "Example: receptionctl case day-check --note \"two complaints, both called back\"")
@output_options
def day_check(ctx: typer.Context,
              on: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day (default today). "
                                                        + DAY_FORMS)] = None,
              note: Annotated[Optional[str], typer.Option("--note", help="The duty manager's remarks.")] = None,
              preview: Annotated[bool, typer.Option("--preview", help="List the day's cases without recording "
                                                    "the check.")] = False,
              *, out: Output) -> None:
    from receptionctl.domain.cases import cases

    st = state(ctx)
    with st.session(write=not preview) as session:
        view = cases.day_check(session, st.actor, day(on, session) if on else None, note, record=not preview)
    out.show(view, lambda: _print_day_check(view))


def _print_day_check(view) -> None:
    from receptionctl.render.output import print_table, say

    print_table(_rows(view.cases), COLUMNS, title=_("Cases handled on {day}").format(day=view.day))
    if view.checked_at is not None:
        say(_("checked by {user}: {note}").format(user=view.checked_by, note=view.note) if view.note
            else _("checked by {user}").format(user=view.checked_by))


@app.command("patterns", short_help="Cases counted by category, client, cause: repeated causes.", help="Counts of the cases received in a period by category, client, member of staff, root "
             "cause, source and kind, beside the period before; clients and categories at the policy's "
             "pattern_count are repeated causes. Example: receptionctl case patterns --month 2026-11")
@output_options
def patterns(ctx: typer.Context,
             month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
             quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQn", help="A quarter, such as "
                                                            "2026Q4.")] = None,
             start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="First day of a period. "
                                                          + DAY_FORMS)] = None,
             end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Last day of the period "
                                                        "(included).")] = None,
             *, out: Output) -> None:
    from receptionctl.domain.cases import cases

    st = state(ctx)
    with st.session() as session:
        first, last = period_of(session, month, quarter, start, end)
        bounds = cases.period_bounds(session, first, last)
        result = cases.patterns(session, st.actor, *bounds)
    out.show(result, lambda: _print_patterns(result, first, last))


def _print_patterns(result, first, last) -> None:
    from receptionctl.render.output import print_table, say

    print_table([{**c.__dict__, "change": f"{c.change:+d}", "dimension": code(c.dimension),
                  "value": code(c.value) if c.dimension in ("category", "source", "kind") else c.value}
                 for c in result.counts],
                [("dimension", N_("patterns|By")), ("value", N_("Value")), ("count", N_("Cases")),
                 ("previous", N_("Before")), ("change", N_("Change"))],
                title=_("Cases received {first} to {last}: {total} (the period before: {previous})").format(
                    first=first, last=last, total=result.total, previous=result.previous_total))
    for line in result.repeated:
        say(_("repeated: {line}").format(line=line))


@log_app.command("add", short_help="Write a line in the duty logbook.", help="Write a line in the duty logbook, about a case or a visit when it is one. "
                 "Example: receptionctl log add \"promised Ms Liu the brochure on her next visit\" --case 12")
@output_options
def log_add(ctx: typer.Context,
            text: Annotated[str, typer.Argument(help="What happened, was promised or handed on.")],
            case: Annotated[Optional[int], typer.Option("--case", parser=record_id, help="The case it is about.")] = None,
            visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="The visit it is about.")] = None,
            *, out: Output) -> None:
    from receptionctl.domain.cases import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.add_log(session, st.actor, text, case_id=case, visit_id=visit)
    out.done(view, _("logbook line {id} written").format(id=view.id))


@log_app.command("list", help="The duty logbook of a day. Example: receptionctl log list --date yesterday")
@output_options(wide=True)
def log_list(ctx: typer.Context,
             on: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day (default today). "
                                                       + DAY_FORMS)] = None,
             *, out: Output) -> None:
    from receptionctl.domain.cases import cases

    st = state(ctx)
    with st.session() as session:
        views = cases.list_log(session, st.actor, day(on, session) if on else None)
    out.table(views, [("id", N_("ID")), ("at", N_("When")), ("by", N_("Who")), ("case_id", N_("Case")),
                      ("visit_id", N_("Visit")), ("text", N_("Entry"))])
