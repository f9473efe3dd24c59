"""Service cases (complaints, repairs, requests for help, requests) and the duty logbook."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.common import (
    DAY_FORMS,
    WHEN_FORMS,
    JsonOpt,
    LimitOpt,
    MineOpt,
    WideOpt,
    complete_client,
    complete_user,
    day,
    emit,
    owner_filter,
    period_of,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.domain.vocab import CaseKind, CaseSource, CaseState, Severity

app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                  help="Service cases: complaints, repairs, requests for help and requests, from received to "
                       "closed; escalations with a promised answer; the duty manager's checks.")
log_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                      help="The duty logbook: what was heard, promised and handed on.")

CaseArg = Annotated[int, typer.Argument(metavar="CASE", parser=record_id, help="The case id.")]
TextOpt = Annotated[str, typer.Option("--text", help="What the person said or asked for, in their words.")]

COLUMNS = [("id", "ID"), ("received_at", "Received"), ("kind", "Kind"), ("state", "State"),
           ("severity", "Severity"), ("category", "Category"), ("client", "Client"), ("owner", "Owner"),
           ("due_at", "Due"), ("flag", ""), ("text", "What")]


def _rows(views):
    return [{**v.__dict__, "flag": "OVERDUE" if v.overdue else ""} for v in views]


def _say(view, verb: str) -> str:
    return f"case {view.id} {verb}: {view.kind}, {view.state.replace('_', ' ')}"


@app.command("add", help="Record what a client, guest or resident raised; it must be acknowledged at once "
             "(the policy's case_ack_minutes). A complaint about a member of staff (--about) goes to the duty "
             "manager and is seen only by duty managers, approvers and admins. "
             "Example: receptionctl case add --kind complaint --text \"Lunch came an hour late\" --client huaxin "
             "--visit 7 --category service --severity high --source visit")
def add(
    ctx: typer.Context,
    kind: Annotated[CaseKind, typer.Option("--kind", help="complaint, repair, help or request.")],
    text: TextOpt,
    source: Annotated[CaseSource, typer.Option("--source", help="Where it came from.")] = CaseSource.desk,
    category: Annotated[str, typer.Option("--category", help="What it is about: one of the policy's "
                                          "case_categories (service, staff, facility, product, safety, "
                                          "information, other).")] = "other",
    severity: Annotated[Severity, typer.Option("--severity", help="How serious: high and critical are resolved "
                                               "within the policy's case_resolve_hours_urgent.")] = Severity.medium,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="The client, when known (id, name, or a unique part).")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="The visit it arose in.")] = None,
    about: Annotated[Optional[str], typer.Option("--about", metavar="USER", autocompletion=complete_user,
                                                 help="A complaint about this member of staff.")] = None,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When it was raised (default now). "
                                              + WHEN_FORMS)] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.add_case(session, st.actor, kind=kind.value, text=text, source=source.value, category=category,
                              severity=severity.value, client=client, visit_id=visit, about=about,
                              received_at=when(at, session) if at else None)
    emit(view, as_json, _say(view, "received") + ": acknowledge it now (`receptionctl case ack "
                              f"{view.id}`)")


@app.command("ack", help="Acknowledge a case: the person who raised it knows it is being handled. "
             "Example: receptionctl case ack 12 --note \"apologised, told her we will call back by 3 pm\"")
def ack(ctx: typer.Context, case: CaseArg,
        note: Annotated[Optional[str], typer.Option("--note", help="What was said (kept in the duty logbook).")] = None,
        as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.acknowledge(session, st.actor, case, note)
    emit(view, as_json, _say(view, "acknowledged"))


@app.command("assign", help="Give a case an owner and a resolution deadline (a coordinator, a duty manager or an "
             "admin). Example: receptionctl case assign 12 --to wang --due \"today 17:00\"")
def assign(ctx: typer.Context, case: CaseArg,
           to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user,
                                           help="The owner: username, name, or a unique part.")],
           due: Annotated[Optional[str], typer.Option("--due", metavar="WHEN", help="Resolve by then (default: the "
                                                      "policy's case_resolve_hours from when it was received). "
                                                      + WHEN_FORMS)] = None,
           as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.assign(session, st.actor, case, to, when(due, session) if due else None)
    emit(view, as_json, _say(view, f"assigned to {view.owner}"))


@app.command("escalate", help="Put what is beyond your remit to a named person, with the time the client was "
             "promised an answer; a promise not kept is an alert in the daily report. "
             "Example: receptionctl case escalate 12 --to gm --question \"May we refund the meal?\" "
             "--answer-by \"tomorrow 12:00\"")
def escalate(ctx: typer.Context, case: CaseArg,
             to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user,
                                             help="Who decides: username, name, or a unique part.")],
             question: Annotated[str, typer.Option("--question", help="What must be decided or answered.")],
             answer_by: Annotated[str, typer.Option("--answer-by", metavar="WHEN", help="The answer the client was "
                                                    "promised by. " + WHEN_FORMS)],
             as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.escalate(session, st.actor, case, to, question, when(answer_by, session))
    emit(view, as_json, _say(view, "escalated"))


@app.command("answer", help="Record the answer to an escalated question (the person asked, a coordinator, a duty "
             "manager or an admin). Example: receptionctl case answer 12 --text \"Yes, refund the lunch\"")
def answer(ctx: typer.Context, case: CaseArg,
           text: Annotated[str, typer.Option("--text", help="The answer.")],
           escalation: Annotated[Optional[int], typer.Option("--escalation", parser=record_id, help="Which "
                                                             "escalation, when several wait.")] = None,
           as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.answer(session, st.actor, case, text, escalation)
    emit(view, as_json, _say(view, "escalation answered"))


@app.command("resolve", help="Resolved: the root cause, what was done, and what prevents it happening again; the "
             "client is then called back within the policy's callback_hours. For a complaint about staff the duty "
             "manager may deduct points from the person (--deduct, the policy's deduction_min to deduction_max). "
             "Example: receptionctl case resolve 12 --cause \"kitchen not told of the time change\" --action "
             "\"lunch refunded\" --prevention \"time changes go to the kitchen by the coordinator\"")
def resolve(ctx: typer.Context, case: CaseArg,
            cause: Annotated[str, typer.Option("--cause", help="The real cause (not who was blamed).")],
            action: Annotated[str, typer.Option("--action", help="What was done about it.")],
            prevention: Annotated[str, typer.Option("--prevention", help="What keeps it from happening again.")],
            deduct: Annotated[Optional[int], typer.Option("--deduct", metavar="POINTS", parser=whole(0, 100),
                                                          help="Points deducted from the member of staff the "
                                                               "complaint is about (duty manager).")] = None,
            as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.resolve(session, st.actor, case, cause=cause, action=action, prevention=prevention,
                             deduct=deduct)
    emit(view, as_json, _say(view, "resolved") + ": call back by the policy's deadline")


@app.command("callback", help="The client was called back: told what was done and asked if satisfied; the duty "
             "manager then reviews the case. Example: receptionctl case callback 12 --note \"accepted the "
             "refund, thanked us\" --satisfied")
def callback(ctx: typer.Context, case: CaseArg,
             note: Annotated[str, typer.Option("--note", help="What they were told and what they said.")],
             satisfied: Annotated[Optional[bool], typer.Option("--satisfied/--unsatisfied", show_default=False,
                                                               help="Whether they are satisfied.")] = None,
             as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.callback(session, st.actor, case, note, satisfied)
    emit(view, as_json, _say(view, "called back"))


@app.command("review", help="The duty manager has reviewed how the case was handled (duty_manager role). "
             "Example: receptionctl case review 12 --note \"handled well; brief the kitchen at Monday's meeting\"")
def review(ctx: typer.Context, case: CaseArg,
           note: Annotated[Optional[str], typer.Option("--note", help="The duty manager's remarks.")] = None,
           as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.review(session, st.actor, case, note)
    emit(view, as_json, _say(view, "reviewed"))


@app.command("close", help="Close a reviewed case (a coordinator, a duty manager or an admin). "
             "Example: receptionctl case close 12")
def close(ctx: typer.Context, case: CaseArg, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.close(session, st.actor, case)
    emit(view, as_json, _say(view, "closed"))


@app.command("list", help="Cases by the time they were received; complaints about staff only for duty managers, "
             "approvers and admins. Example: receptionctl case list --open --overdue")
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
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain import cases
    from receptionctl.render.output import print_json, print_table

    owner = owner_filter(ctx, owner, mine)
    st = state(ctx)
    with st.session() as session:
        views = cases.list_cases(session, st.actor, state=state_.value if state_ else None,
                                 kind=kind.value if kind else None, open_only=open_, client=client, owner=owner,
                                 overdue=overdue, start=when(start, session) if start else None,
                                 end=when(end, session) if end else None, limit=limit)
    if as_json:
        print_json(views)
    else:
        print_table(_rows(views), COLUMNS)


@app.command("show", help="A case whole: what was raised, each step with who and when, escalations, the "
             "logbook lines about it. Example: receptionctl case show 12")
def show(ctx: typer.Context, case: CaseArg, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases
    from receptionctl.render.output import print_json
    from receptionctl.render.sheets import print_case

    st = state(ctx)
    with st.session() as session:
        view = cases.show_case(session, st.actor, case)
    if as_json:
        print_json(view)
    else:
        print_case(view)


@app.command("day-check", help="The duty manager's end-of-day check (seed 003): every case handled that day, by "
             "whom and how, and the check recorded; the daily report shows a working day left unchecked. "
             "Example: receptionctl case day-check --note \"two complaints, both called back\"")
def day_check(ctx: typer.Context,
              on: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day (default today). "
                                                        + DAY_FORMS)] = None,
              note: Annotated[Optional[str], typer.Option("--note", help="The duty manager's remarks.")] = None,
              preview: Annotated[bool, typer.Option("--preview", help="List the day's cases without recording "
                                                    "the check.")] = False,
              as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases
    from receptionctl.render.output import print_json, print_table, say

    st = state(ctx)
    with st.session(write=not preview) as session:
        view = cases.day_check(session, st.actor, day(on, session) if on else None, note, record=not preview)
    if as_json:
        print_json(view)
        return
    print_table(_rows(view.cases), COLUMNS, title=f"Cases handled on {view.day}")
    if view.checked_at is not None:
        say(f"checked by {view.checked_by}" + (f": {view.note}" if view.note else ""))


@app.command("patterns", help="Counts of the cases received in a period by category, client, member of staff, root "
             "cause, source and kind, beside the period before; clients and categories at the policy's "
             "pattern_count are repeated causes. Example: receptionctl case patterns --month 2026-11")
def patterns(ctx: typer.Context,
             month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
             quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQn", help="A quarter, such as "
                                                            "2026Q4.")] = None,
             start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="First day of a period. "
                                                          + DAY_FORMS)] = None,
             end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Last day of the period "
                                                        "(included).")] = None,
             as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases
    from receptionctl.render.output import print_json, print_table, say

    st = state(ctx)
    with st.session() as session:
        first, last = period_of(session, month, quarter, start, end)
        bounds = cases.period_bounds(session, first, last)
        result = cases.patterns(session, st.actor, *bounds)
    if as_json:
        print_json(result)
        return
    print_table([{**c.__dict__, "change": f"{c.change:+d}"} for c in result.counts],
                [("dimension", "By"), ("value", "Value"), ("count", "Cases"), ("previous", "Before"),
                 ("change", "Change")], title=f"Cases received {first} to {last}: {result.total} "
                                              f"(the period before: {result.previous_total})")
    for line in result.repeated:
        say(f"repeated: {line}")


@log_app.command("add", help="Write a line in the duty logbook, about a case or a visit when it is one. "
                 "Example: receptionctl log add \"promised Ms Liu the brochure on her next visit\" --case 12")
def log_add(ctx: typer.Context,
            text: Annotated[str, typer.Argument(help="What happened, was promised or handed on.")],
            case: Annotated[Optional[int], typer.Option("--case", parser=record_id, help="The case it is about.")] = None,
            visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="The visit it is about.")] = None,
            as_json: JsonOpt = False) -> None:
    from receptionctl.domain import cases

    st = state(ctx)
    with st.session(write=True) as session:
        view = cases.add_log(session, st.actor, text, case_id=case, visit_id=visit)
    emit(view, as_json, f"logbook line {view.id} written")


@log_app.command("list", help="The duty logbook of a day. Example: receptionctl log list --date yesterday")
def log_list(ctx: typer.Context,
             on: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day (default today). "
                                                       + DAY_FORMS)] = None,
             as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    from receptionctl.domain import cases
    from receptionctl.render.output import print_json, print_table

    st = state(ctx)
    with st.session() as session:
        views = cases.list_log(session, st.actor, day(on, session) if on else None)
    if as_json:
        print_json(views)
    else:
        print_table(views, [("id", "ID"), ("at", "When"), ("by", "Who"), ("case_id", "Case"), ("visit_id", "Visit"),
                            ("text", "Entry")])
