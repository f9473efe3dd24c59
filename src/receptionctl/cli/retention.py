"""`retention`, `hold`, `person`: what is kept how long, legal holds, erasure on request."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.common import JsonOpt, LimitOpt, WideOpt, emit, record_id, state

retention_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                            help="Retention: what is due for destruction and why, runs approved by two people, "
                                 "and the destruction records.")
hold_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                       help="Legal holds: a client, visit or case kept whatever its retention period.")
person_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                         help="A person's data erased on request, with two approvals (PIPL Article 47).")

RunArg = Annotated[int, typer.Argument(metavar="RUN", parser=record_id, help="The run id (see retention list).")]
HoldArg = Annotated[int, typer.Argument(metavar="HOLD", parser=record_id, help="The hold id (see hold list).")]
ReasonOpt = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (kept in the audit log).")]

PLAN_COLUMNS = [("part", "Class"), ("days", "Days"), ("cutoff", "Before"), ("due", "Due"), ("held", "Held"),
                ("oldest", "Oldest"), ("since", "Counted from"), ("action", "What is done")]
RUN_COLUMNS = [("id", "ID"), ("kind", "Kind"), ("state", "State"), ("waiting_for", "Waiting for"),
               ("created_at", "Created"), ("created_by", "By"), ("first_by", "1st approval"),
               ("done_by", "2nd approval"), ("done_at", "Carried out"), ("due", "Due"), ("destroyed", "Destroyed"),
               ("subject", "Subject")]
RECORD_COLUMNS = [("record_class", "Class"), ("count", "Destroyed"), ("skipped", "Skipped"), ("cutoff", "Before"),
                  ("first_by", "1st approval"), ("second_by", "2nd approval"), ("at", "At")]
HOLD_COLUMNS = [("id", "ID"), ("label", "Held"), ("reason", "Reason"), ("placed_at", "Placed"),
                ("placed_by", "By"), ("state", "State")]


def _summary(view) -> str:
    parts = ", ".join(f"{p.due} {p.part}" for p in view.parts if p.due)
    return parts or "nothing"


# -- retention -------------------------------------------------------------------------------
@retention_app.command("plan", help="What is due for destruction now, per record class, and why: the policy's "
                       "period, the cut-off moment, how many records are due, how many a legal hold keeps, the "
                       "oldest. Nothing changes. Example: receptionctl retention plan")
def retention_plan(ctx: typer.Context, as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    from receptionctl.domain import retention
    from receptionctl.render.output import note, print_json, print_table

    st = state(ctx)
    with st.session() as session:
        view = retention.plan(session)
    if as_json:
        print_json(view)
        return
    print_table(view.rows, PLAN_COLUMNS)
    if view.pending:
        note("waiting for approval: run " + ", ".join(map(str, view.pending)))
    elif view.due:
        note(f"{view.due} records are due: `receptionctl retention run` lists them for two approvals")


@retention_app.command("run", help="Create a pending retention run of what is due now: each record is listed "
                       "(the audit log by its cut-off moment), and the second approval destroys that set, nothing "
                       "that became due later. One pending retention run at a time; refused (exit 1) when nothing "
                       "is due (approver, duty manager, admin). Example: receptionctl retention run --note "
                       "\"December review\"")
def retention_run(
    ctx: typer.Context,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why or for what review "
                                                "(kept with the run).")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.create_run(session, st.actor, note)
    emit(view, as_json, f"retention run {view.id} created: {_summary(view)}; it needs two approvals by different "
                        f"people (`receptionctl retention approve {view.id}`)")


@retention_app.command("approve", help="Approve a pending run (a retention run or an erasure). The first approval "
                       "destroys nothing; the second, by a different person, destroys the run's records in one "
                       "transaction, writes the destruction records, then deletes the attachment files and compacts "
                       "the SQLite file so the old bytes are gone. The same person twice: exit 4 (approver, duty "
                       "manager, admin). Example: receptionctl retention approve 3")
def retention_approve(ctx: typer.Context, run: RunArg, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import retention

    st = state(ctx)
    with st.session(write=True) as session:
        done = retention.approve(session, st.actor, run)
    if done.carried_out:
        from receptionctl.store.compact import compact

        retention.finish(done)
        compact(st.db)  # the old bytes leave the SQLite file and its log
        view = done.run
        message = (f"{view.kind} run {view.id} carried out: "
                   + (", ".join(f"{r.count} {r.record_class}" for r in view.records if r.count) or "nothing left")
                   + " destroyed" + (f" ({sum(r.skipped for r in view.records)} no longer due, skipped)"
                                     if any(r.skipped for r in view.records) else ""))
    else:
        message = (f"{done.run.kind} run {done.run.id}: first approval by {done.run.first_by}; nothing is destroyed "
                   "until a different approver approves it too")
    emit(done.run, as_json, message)


@retention_app.command("cancel", help="Drop a pending run: nothing of it is destroyed (approver, duty manager, "
                       "admin). Example: receptionctl retention cancel 3 --reason \"wrong person\"")
def retention_cancel(ctx: typer.Context, run: RunArg, reason: ReasonOpt, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.cancel_run(session, st.actor, run, reason)
    emit(view, as_json, f"{view.kind} run {view.id} cancelled")


@retention_app.command("list", help="Retention runs and erasures: state, who approved, how many records were due "
                       "and destroyed. Example: receptionctl retention list --state pending")
def retention_list(
    ctx: typer.Context,
    state_: Annotated[Optional[str], typer.Option("--state", metavar="pending|done|cancelled",
                                                  help="Only runs in this state.")] = None,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain import retention
    from receptionctl.render.output import print_json, print_table

    st = state(ctx)
    with st.session() as session:
        views = retention.list_runs(session, state=state_, limit=limit)
    if as_json:
        print_json(views)
    else:
        print_table(views, RUN_COLUMNS)


@retention_app.command("show", help="One run: what was due per class (with its cut-off moment), the approvals, and "
                       "its destruction records (class, how many, skipped, the approvers, when). "
                       "Example: receptionctl retention show 3")
def retention_show(ctx: typer.Context, run: RunArg, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import retention
    from receptionctl.render.output import print_fields, print_json, print_table, text

    st = state(ctx)
    with st.session() as session:
        v = retention.show_run(session, run)
    if as_json:
        print_json(v)
        return
    print_fields([
        ("kind", v.kind), ("state", v.state + (f", waiting for {v.waiting_for}" if v.waiting_for else "")),
        ("subject", v.subject), ("note", v.note), ("created", f"{text(v.created_at)} by {v.created_by}"),
        ("1st approval", f"{text(v.first_at)} by {v.first_by}" if v.first_by else None),
        ("2nd approval", f"{text(v.done_at)} by {v.done_by}" if v.done_by else None),
        ("cancelled", f"{text(v.cancelled_at)} by {v.cancelled_by}: {v.cancel_reason}" if v.cancelled_by else None),
        ("due", "; ".join(f"{p.part} {p.due}" + (f" (before {text(p.cutoff)})" if p.cutoff else "")
                          for p in v.parts)),
    ], title=f"Run {v.id}")
    if v.records:
        print_table(v.records, RECORD_COLUMNS, title="Destruction records")


# -- holds -----------------------------------------------------------------------------------
@hold_app.command("add", help="Place a legal hold: TARGET is client:NAME (or client:ID), visit:N or case:N. A "
                  "held client keeps its visits, contacts, guests, cases and attachments; a held visit its guests, "
                  "attachments and cases; a held case itself. Held records are in no retention run and no erasure "
                  "until the hold is removed (approver, duty manager, admin). "
                  "Example: receptionctl hold add client:Acme --reason \"contract dispute 2026-17\"")
def hold_add(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="TARGET", help="client:NAME or client:ID, visit:N, case:N.")],
    reason: ReasonOpt,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.add_hold(session, st.actor, target, reason)
    emit(view, as_json, f"legal hold {view.id} placed on {view.label}")


@hold_app.command("list", help="Legal holds in force (--all: removed ones too). Example: receptionctl hold list")
def hold_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Removed holds too.")] = False,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain import retention
    from receptionctl.render.output import print_json, print_table

    st = state(ctx)
    with st.session() as session:
        views = retention.list_holds(session, all_=all_)
    if as_json:
        print_json(views)
    else:
        print_table([{**v.__dict__, "state": "in force" if v.active else f"removed by {v.removed_by}"}
                     for v in views], HOLD_COLUMNS)


@hold_app.command("remove", help="End a legal hold: its records follow their retention periods again (approver, "
                  "duty manager, admin). Example: receptionctl hold remove 2 --reason \"dispute settled\"")
def hold_remove(ctx: typer.Context, hold: HoldArg, reason: ReasonOpt, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.remove_hold(session, st.actor, hold, reason)
    emit(view, as_json, f"legal hold {view.id} on {view.label} removed")


# -- erasure on request ----------------------------------------------------------------------
@person_app.command("erase", help="Erase one person's data on their request (PIPL Art. 47): --contact ID and "
                    "--guest ID (each repeatable), or --name TEXT for every contact and guest recorded with that "
                    "name (all listed). It creates a pending run of kind erasure; `retention approve` by two "
                    "different people then replaces the name and removes the title, phone, e-mail, needs and "
                    "identity number, in the records and in the audit log. Refused (exit 1) while a legal hold "
                    "keeps one of them (approver, duty manager, admin). "
                    "Example: receptionctl person erase --name \"Zhang San\"")
def person_erase(
    ctx: typer.Context,
    contact: Annotated[Optional[list[int]], typer.Option("--contact", metavar="ID", parser=record_id,
                                                         help="A contact's id (repeatable).")] = None,
    guest: Annotated[Optional[list[int]], typer.Option("--guest", metavar="ID", parser=record_id,
                                                       help="A guest's id (repeatable).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", metavar="TEXT", help="Every contact and guest recorded "
                                                "with this name (case-insensitive).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="The request (when, how it came); "
                                                "kept with the run, the erased values replaced.")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain import clock, retention
    from receptionctl.errors import BadInput
    from receptionctl.render.output import print_json, say

    if not contact and not guest and name is None:
        raise BadInput("person erase needs --contact ID, --guest ID or --name TEXT: expected who is to be erased")
    st = state(ctx)
    with st.session(write=True) as session:
        done = retention.erase_person(session, st.actor, contacts=contact or [], guests=guest or [], name=name,
                                      note=note)
    if as_json:
        print_json(done)
        return
    for m in done.matches:
        where = (f"visit {m.visit_id}, {clock.local(m.at):%Y-%m-%d}" if m.kind == "guest" else "contact")
        say(f"  {m.kind} {m.id}: {m.name} ({m.client}, {where})")
    say(f"erasure run {done.run.id} created for {done.run.subject}; it needs two approvals by different people "
        f"(`receptionctl retention approve {done.run.id}`)")
