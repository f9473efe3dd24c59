"""`retention`, `hold`, `person`: what is kept how long, legal holds, erasure on request."""

from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import LimitOpt, record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, chinese, code

retention_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                      short_help="Retention: what is due for destruction, runs, records.", help="Retention: what is due for destruction and why, runs approved by two people, "
                           "and the destruction records.")
hold_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                 help="Legal holds: a client, visit or case kept whatever its retention period.")
person_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                   help="A person's data erased on request, with two approvals (PIPL Article 47).")


class RunState(str, Enum):  # domain.records.retention.RUN_STATES (not imported at start-up)
    pending = "pending"
    done = "done"
    cancelled = "cancelled"


RunArg = Annotated[int, typer.Argument(metavar="RUN", parser=record_id, help="The run id (see retention list).")]
HoldArg = Annotated[int, typer.Argument(metavar="HOLD", parser=record_id, help="The hold id (see hold list).")]
ReasonOpt = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (kept in the audit log).")]

# The headers "Before", "Due" and "Held" (and the label "due") mean here what they mean nowhere else
# (a cut-off moment, counts of records, what a hold keeps): they are looked up in context,
# code|retention|WORD (code|hold|WORD), see _columns; the others are marked for the catalogue.
PLAN_COLUMNS = [("part", N_("Class")), ("days", N_("Days")), ("cutoff", "Before"), ("due", "Due"),
                ("held", "Held"), ("oldest", N_("Oldest")), ("since", N_("Counted from")),
                ("action", N_("What is done"))]
RUN_COLUMNS = [("id", N_("ID")), ("kind", N_("Kind")), ("state", N_("State")), ("waiting_for", N_("Waiting for")),
               ("created_at", N_("Created")), ("created_by", N_("By")), ("first_by", N_("1st approval")),
               ("done_by", N_("2nd approval")), ("done_at", N_("Carried out")), ("due", "Due"),
               ("destroyed", N_("Destroyed")), ("subject", N_("Subject"))]
RECORD_COLUMNS = [("record_class", N_("Class")), ("count", N_("Destroyed")), ("skipped", N_("Skipped")),
                  ("cutoff", "Before"), ("first_by", N_("1st approval")), ("second_by", N_("2nd approval")),
                  ("at", N_("At"))]
HOLD_COLUMNS = [("id", N_("ID")), ("label", "Held"), ("reason", N_("Reason")), ("placed_at", N_("Placed")),
                ("placed_by", N_("By")), ("state", N_("State"))]
_IN_CONTEXT = (N_("code|retention|Before"), N_("code|retention|Due"), N_("code|retention|Held"),
               N_("code|retention|due"), N_("code|hold|Held"))


def _columns(columns, context: str = "retention") -> list:
    """The columns with their headers in context (see _IN_CONTEXT); print_table translates the rest."""
    return [(key, code(header, context)) for key, header in columns]


def _part(key: str) -> str:
    """A run's part (id_numbers:guest, cases ...) as it is shown: the key, or its translation."""
    return code(key, "part")


def _summary(view) -> str:
    parts = _(", ").join(_("{n} {part}").format(n=p.due, part=_part(p.part)) for p in view.parts if p.due)
    return parts or _("nothing")


def _subject(subject: str | None) -> str | None:
    """An erasure's subject (stored in English: "contacts 3, 4; guest 5") in the run's language."""
    if not subject or not chinese():
        return subject
    pieces = []
    for piece in subject.split("; "):
        word, _sep, ids = piece.partition(" ")
        what = word[:-1] if word.endswith("s") else word
        pieces.append(_("{target} {id}").format(target=code(what), id=ids) if what in ("contact", "guest") else piece)
    return _("; ").join(pieces)


def _waiting(what: str | None) -> str | None:
    return _(what) if what else what  # domain/retention.WAITING


# -- retention -------------------------------------------------------------------------------
@retention_app.command("plan", help="What is due for destruction now, per record class, and why: the policy's "
                       "period, the cut-off moment, how many records are due, how many a legal hold keeps, the "
                       "oldest. Nothing changes. Example: receptionctl retention plan")
@output_options(wide=True)
def retention_plan(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.records import retention

    st = state(ctx)
    with st.session() as session:
        view = retention.plan(session)
    out.show(view, lambda: _print_plan(view, out.wide))


def _print_plan(view, wide: bool) -> None:
    from receptionctl.render.output import note, print_table

    print_table([{**r.__dict__, "part": _part(r.part), "since": _(r.since), "action": _(r.action)} for r in view.rows],
                _columns(PLAN_COLUMNS), wide=wide or None)
    if view.pending:
        note(_("waiting for approval: run {runs}").format(runs=", ".join(map(str, view.pending))))
    elif view.due:
        note(_("{n} records are due: `receptionctl retention run` lists them for two approvals").format(n=view.due))


@retention_app.command("run", help="Create a pending retention run of what is due now: each record is listed "
                       "(the audit log by its cut-off moment), and the second approval destroys that set, nothing "
                       "that became due later. One pending retention run at a time; refused (exit 1) when nothing "
                       "is due (approver, duty manager, admin). Example: receptionctl retention run --note "
                       "\"December review\"")
@output_options
def retention_run(
    ctx: typer.Context,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why or for what review "
                                                "(kept with the run).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import runs

    st = state(ctx)
    with st.session(write=True) as session:
        view = runs.create_run(session, st.actor, note)
    out.done(view, _("retention run {id} created: {summary}; it needs two approvals by different people "
                     "(`receptionctl retention approve {id}`)").format(id=view.id, summary=_summary(view)))


@retention_app.command("approve", help="Approve a pending run (a retention run or an erasure). The first approval "
                       "destroys nothing; the second, by a different person, destroys the run's records in one "
                       "transaction, writes the destruction records, then deletes the attachment files and compacts "
                       "the SQLite file so the old bytes are gone. The same person twice: exit 4 (approver, duty "
                       "manager, admin). Example: receptionctl retention approve 3")
@output_options
def retention_approve(ctx: typer.Context, run: RunArg, *, out: Output) -> None:
    from receptionctl.domain.records import runs

    st = state(ctx)
    with st.session(write=True) as session:
        done = runs.approve(session, st.actor, run)
    if done.carried_out:
        from receptionctl.store.compact import compact

        runs.finish(done)
        compact(st.db)  # the old bytes leave the SQLite file and its log
        view = done.run
        destroyed = _(", ").join(_("{n} {part}").format(n=r.count, part=_part(r.record_class))
                                 for r in view.records if r.count)
        facts = dict(kind=code(view.kind), id=view.id, records=destroyed,
                     skipped=sum(r.skipped for r in view.records))
        if destroyed and facts["skipped"]:
            message = _("{kind} run {id} carried out: {records} destroyed ({skipped} no longer due, skipped)")
        elif destroyed:
            message = _("{kind} run {id} carried out: {records} destroyed")
        elif facts["skipped"]:
            message = _("{kind} run {id} carried out: nothing left destroyed ({skipped} no longer due, skipped)")
        else:
            message = _("{kind} run {id} carried out: nothing left destroyed")
        message = message.format(**facts)
    else:
        message = _("{kind} run {id}: first approval by {user}; nothing is destroyed until a different approver "
                    "approves it too").format(kind=code(done.run.kind), id=done.run.id, user=done.run.first_by)
    out.done(done.run, message)


@retention_app.command("cancel", help="Drop a pending run: nothing of it is destroyed (approver, duty manager, "
                       "admin). Example: receptionctl retention cancel 3 --reason \"wrong person\"")
@output_options
def retention_cancel(ctx: typer.Context, run: RunArg, reason: ReasonOpt, *, out: Output) -> None:
    from receptionctl.domain.records import runs

    st = state(ctx)
    with st.session(write=True) as session:
        view = runs.cancel_run(session, st.actor, run, reason)
    out.done(view, _("{kind} run {id} cancelled").format(kind=code(view.kind), id=view.id))


@retention_app.command("list", help="Retention runs and erasures: state, who approved, how many records were due "
                       "and destroyed. Example: receptionctl retention list --state pending")
@output_options(wide=True)
def retention_list(
    ctx: typer.Context,
    state_: Annotated[Optional[RunState], typer.Option("--state", help="Only runs in this state.")] = None,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import runs

    st = state(ctx)
    with st.session() as session:
        views = runs.list_runs(session, state=state_.value if state_ else None, limit=limit)
    out.table(views, _columns(RUN_COLUMNS), rows=lambda: [
        {**v.__dict__, "waiting_for": _waiting(v.waiting_for), "subject": _subject(v.subject)} for v in views])


@retention_app.command("show", short_help="One run: what was due, the approvals, the destruction.", help="One run: what was due per class (with its cut-off moment), the approvals, and "
                       "its destruction records (class, how many, skipped, the approvers, when). "
                       "Example: receptionctl retention show 3")
@output_options
def retention_show(ctx: typer.Context, run: RunArg, *, out: Output) -> None:
    from receptionctl.domain.records import runs

    st = state(ctx)
    with st.session() as session:
        v = runs.show_run(session, run)
    out.show(v, lambda: _print_run(v))


def _print_run(v) -> None:
    from receptionctl.render.output import print_fields, print_table, text

    def by(at, user) -> str:
        return _("{at} by {user}").format(at=text(at), user=user)

    state_ = (_("{state}, waiting for {what}").format(state=code(v.state), what=_waiting(v.waiting_for))
              if v.waiting_for else code(v.state))
    due = _("; ").join(_("{part} {n} (before {cutoff})").format(part=_part(p.part), n=p.due, cutoff=text(p.cutoff))
                       if p.cutoff else _("{part} {n}").format(part=_part(p.part), n=p.due) for p in v.parts)
    print_fields([
        (N_("kind"), code(v.kind)), (N_("state"), state_),
        (N_("subject"), _subject(v.subject)), (N_("note"), v.note), (N_("created"), by(v.created_at, v.created_by)),
        (N_("1st approval"), by(v.first_at, v.first_by) if v.first_by else None),
        (N_("2nd approval"), by(v.done_at, v.done_by) if v.done_by else None),
        (N_("cancelled"), _("{at} by {user}: {reason}").format(at=text(v.cancelled_at), user=v.cancelled_by,
                                                               reason=v.cancel_reason) if v.cancelled_by else None),
        (code("due", "retention"), due),
    ], title=_("Run {id}").format(id=v.id))
    if v.records:
        print_table([{**r.__dict__, "record_class": _part(r.record_class)} for r in v.records],
                    _columns(RECORD_COLUMNS), title=_("Destruction records"))


# -- holds -----------------------------------------------------------------------------------
@hold_app.command("add", help="Place a legal hold: TARGET is client:NAME (or client:ID), visit:N or case:N. A "
                  "held client keeps its visits, contacts, guests, cases and attachments; a held visit its guests, "
                  "attachments and cases; a held case itself. Held records are in no retention run and no erasure "
                  "until the hold is removed (approver, duty manager, admin). "
                  "Example: receptionctl hold add client:Acme --reason \"contract dispute 2026-17\"")
@output_options
def hold_add(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="TARGET", help="client:NAME or client:ID, visit:N, case:N.")],
    reason: ReasonOpt,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.add_hold(session, st.actor, target, reason)
    out.done(view, _("legal hold {id} placed on {label}").format(id=view.id, label=retention.label_shown(view)))


@hold_app.command("list", help="Legal holds in force (--all: removed ones too). Example: receptionctl hold list")
@output_options(wide=True)
def hold_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Removed holds too.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import retention

    st = state(ctx)
    with st.session() as session:
        views = retention.list_holds(session, all_=all_)
    out.table(views, _columns(HOLD_COLUMNS, "hold"), rows=lambda: [
        {**v.__dict__, "label": retention.label_shown(v),
         "state": _("in force") if v.active else _("removed by {user}").format(user=v.removed_by)} for v in views])


@hold_app.command("remove", help="End a legal hold: its records follow their retention periods again (approver, "
                  "duty manager, admin). Example: receptionctl hold remove 2 --reason \"dispute settled\"")
@output_options
def hold_remove(ctx: typer.Context, hold: HoldArg, reason: ReasonOpt, *, out: Output) -> None:
    from receptionctl.domain.records import retention

    st = state(ctx)
    with st.session(write=True) as session:
        view = retention.remove_hold(session, st.actor, hold, reason)
    out.done(view, _("legal hold {id} on {label} removed").format(id=view.id, label=retention.label_shown(view)))


# -- erasure on request ----------------------------------------------------------------------
@person_app.command("erase", short_help="Erase one person's data on request (two approvals).", help="Erase one person's data on their request (PIPL Art. 47): --contact ID and "
                    "--guest ID (each repeatable), or --name TEXT for every contact and guest recorded with that "
                    "name (all listed). It creates a pending run of kind erasure; `retention approve` by two "
                    "different people then replaces the name and removes the title, phone, e-mail, needs and "
                    "identity number, in the records and in the audit log. Refused (exit 1) while a legal hold "
                    "keeps one of them (approver, duty manager, admin). "
                    "Example: receptionctl person erase --name \"Zhang San\"")
@output_options
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
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import erasure
    from receptionctl.errors import BadInput

    if not contact and not guest and name is None:
        raise BadInput(_("person erase needs --contact ID, --guest ID or --name TEXT: expected who is to be erased"))
    st = state(ctx)
    with st.session(write=True) as session:
        done = erasure.erase_person(session, st.actor, contacts=contact or [], guests=guest or [], name=name,
                                    note=note)
    out.show(done, lambda: _say_erasure(done))


def _say_erasure(done) -> None:
    """Each person matched, then the run that erases them."""
    from receptionctl.domain.core import clock
    from receptionctl.render.output import say

    for m in done.matches:
        if m.kind == "guest":
            say("  " + _("guest {id}: {name} ({client}, visit {visit}, {day})").format(
                id=m.id, name=m.name, client=m.client, visit=m.visit_id, day=f"{clock.local(m.at):%Y-%m-%d}"))
        else:
            say("  " + _("contact {id}: {name} ({client}, contact)").format(id=m.id, name=m.name, client=m.client))
    say(_("erasure run {id} created for {subject}; it needs two approvals by different people "
          "(`receptionctl retention approve {id}`)").format(id=done.run.id, subject=_subject(done.run.subject)))
