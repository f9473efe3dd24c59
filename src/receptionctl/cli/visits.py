"""Visits: record, list, show, reschedule, cancel."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer, optional_values
from receptionctl.cli.common import (
    WHEN_FORMS,
    LimitOpt,
    NoPagerOpt,
    RevealOpt,
    complete_client,
    complete_user,
    complete_visit,
    number,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import OffsiteKind, Purpose, VisitStatus
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, short_help="Visits: record, list, show, reschedule, cancel.", help="Visits: record one the moment a client announces it; list, show, reschedule, cancel.",
            no_args_is_help=True)

VisitArg = Annotated[int, typer.Argument(metavar="VISIT", parser=record_id, help="The visit id.", autocompletion=complete_visit)]
AtOpt = Annotated[str, typer.Option("--at", metavar="WHEN", help="Start. " + WHEN_FORMS)]
HoursOpt = Annotated[Optional[float], typer.Option("--hours", metavar="N", parser=number(0, 336), help="Length in hours (default 2).")]
WaiveOpt = Annotated[bool, typer.Option("--waive-level", help="An approver lets a VIP client's visit be received "
                                         "below the policy's vip_level (level 2 unless changed); audited.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", metavar="WHEN", help="End, instead of --hours (same forms as --at).")]
# `--offsite` alone is `--offsite other` (cli/base.py optional_values): the flag it was keeps working
OffsiteOpt = Annotated[Optional[OffsiteKind], typer.Option(
    "--offsite", metavar="[KIND]", show_default=False,
    help="The reception is away from the company: client-site (the client's own premises), fair (an exhibition "
         "or fair), event (an event venue); --offsite alone: other. Off-site, the campus-only steps (patrol, duty "
         "roster, water features and music, route cameras) do not apply, and each kind has its own.")]

COLUMNS = [("id", N_("ID")), ("starts_at", N_("Start")), ("ends_at", N_("End")), ("client", N_("Client")),
           ("purpose", N_("Purpose")), ("level", N_("Lvl")), ("headcount", N_("Guests")), ("venue", N_("Venue")),
           ("host", N_("Host")), ("status", N_("Status")), ("plan_status", N_("Plan")), ("flags", N_("Flags"))]


def flags(v) -> str:
    out = []
    if v.urgent:
        out.append(_("urgent"))
    if v.short_notice:
        out.append(_("short notice"))
    if v.offsite:
        out.append(site(v))
    if v.reapproval:
        out.append(_("re-approval needed"))
    if v.host is None and v.status not in ("cancelled", "closed"):
        out.append(_("no host"))
    return _(", ").join(out)


def site(v) -> str:
    """Off-site, and where: "off-site (fair)"; a visit off-site before the kinds were kept: "off-site"."""
    kind = getattr(v, "offsite_kind", None)
    return _("off-site ({kind})").format(kind=code(kind, "offsite")) if kind else _("off-site")


def row(v) -> dict:
    """A visit as a line of the text table: its codes in the run's language."""
    return {**v.__dict__, "purpose": code(v.purpose), "status": code(v.status), "plan_status": code(v.plan_status),
            "flags": flags(v)}



@app.command("new", help="Record a visit; it gets a draft reception plan. Warns when the notice is short. "
             "Example: receptionctl visit new --client \"Huaxin Precision Machinery\" --at \"12-01 10:00\" "
             "--purpose tour --headcount 6 --host li.na", cls=optional_values(offsite="other"))
@output_options
def new(
    ctx: typer.Context,
    client: Annotated[str, typer.Option("--client", help="Client id, name, or a unique part of the name.", autocompletion=complete_client)],
    at: AtOpt,
    purpose: Annotated[Purpose, typer.Option("--purpose", help="Why the client comes.")],
    headcount: Annotated[int, typer.Option("--headcount", parser=whole(1, 10000), help="Number of visitors (1 to 10000).")],
    hours: HoursOpt = None,
    until: UntilOpt = None,
    level: Annotated[int, typer.Option("--level", parser=whole(1, 3), help="Reception level: 1 (group president or above), 2 (vice-president, important partner), 3 (ordinary). For a VIP client the default is the policy's vip_level (2), below which only an approver's --waive-level lets it go.")] = 3,
    venue: Annotated[Optional[str], typer.Option("--venue", help="Meeting room, showroom, or the off-site place.")] = None,
    offsite: OffsiteOpt = None,
    host: Annotated[Optional[str], typer.Option("--host", metavar="USER", help="The primary host (default: the client's account manager).", autocompletion=complete_user)] = None,
    urgent: Annotated[bool, typer.Option("--urgent", help="An urgent reception: hours of notice instead of working days.")] = False,
    waive_level: WaiveOpt = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.steps import next_step
    from receptionctl.domain.visits.visits import create_visit, span

    st = state(ctx)
    with st.session(write=True) as session:
        start = when(at, session)
        end = span(start, hours, when(until, session) if until else None)
        given = getattr(ctx.get_parameter_source("level"), "name", "DEFAULT") != "DEFAULT"  # else the tier's
        done = create_visit(session, st.actor, client=client, starts_at=start, ends_at=end, purpose=purpose.value,
                            headcount=headcount, level=level if given else None, venue=venue, host=host,
                            urgent=urgent, offsite_kind=offsite.value if offsite else None,
                            waive_level=waive_level)
        step = out.next_step(next_step, session, done.view.id)
    out.done(done, _recorded, next=step)


def _recorded(v) -> str:
    from receptionctl.render.output import span_text

    return _("visit {visit} recorded: {client}, {purpose}, {span}, level {level}, plan {plan}").format(
        visit=v.id, client=v.client, purpose=code(v.purpose), span=span_text(v.starts_at, v.ends_at),
        level=v.level, plan=code(v.plan_status))


@app.command("list", short_help="List visits by start time, with status and flags.", help="List visits by start time, with their status, plan status and flags. "
             "Example: receptionctl visit list --from today --to +7d")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help="Only visits still going on at or after this moment (same forms as --at: today, 12-01, 下周一 ...).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="Only visits starting before this moment (same forms as --at: +7d, next mon ...).")] = None,
    status: Annotated[Optional[VisitStatus], typer.Option("--status", help="Only visits in this status.")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="Only this client's visits (id, name, or a unique part of it).", autocompletion=complete_client)] = None,
    limit: LimitOpt = None,
    *,
    out: Output,
    no_pager: NoPagerOpt = False,
) -> None:
    from receptionctl.domain.visits.visits import list_visits

    with state(ctx).session() as session:
        views = list_visits(session, start=when(start, session) if start else None,
                            end=when(end, session) if end else None,
                            status=status.value if status else None, client=client, limit=limit)
    out.table(views, COLUMNS, rows=lambda: [row(v) for v in views], pager=not no_pager, empty=N_("No visits."))


@app.command("show", help="Show a visit: details, roles, notice, clashes, guests, incidents, notes, feedback, "
             "outcome, evaluation, archive label. Example: receptionctl visit show 7")
@output_options
def show(ctx: typer.Context, visit: VisitArg, reveal: RevealOpt = False, *, out: Output) -> None:
    from receptionctl.domain.visits.views import show_visit
    from receptionctl.render.sheets import print_visit

    st = state(ctx)
    with st.session(write=reveal) as session:
        detail = show_visit(session, visit, actor=st.actor, reveal=reveal, cipher=st.cipher)
    out.show(detail, lambda: print_visit(detail))


@app.command("reschedule", help="Move a visit; its agenda and open tasks move with it and an approved plan "
             "needs approval again. Example: receptionctl visit reschedule 7 --at \"12-02 10:00\" --hours 3")
@output_options
def reschedule(
    ctx: typer.Context,
    visit: VisitArg,
    at: AtOpt,
    hours: Annotated[Optional[float], typer.Option("--hours", metavar="N", parser=number(0, 336), help="New length in hours (default: keep the length).")] = None,
    until: UntilOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits import visits
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = visits.reschedule(session, st.actor, visit, when(at, session), hours,
                                 when(until, session) if until else None)
        step = out.next_step(next_step, session, visit)
    out.done(done, _moved, next=step)


def _moved(v) -> str:
    from receptionctl.render.output import span_text

    return _("visit {visit} at {span}, plan {plan}").format(visit=v.id, span=span_text(v.starts_at, v.ends_at),
                                                            plan=code(v.plan_status))


@app.command("edit", short_help="Correct a visit's venue, headcount, level or purpose.", help="Correct a visit's venue, headcount, level, purpose, off-site or urgency (audited). "
             "A new level, purpose or off-site changes which procedure steps apply: open ones that no longer "
             "do are skipped, new ones open, done ones stay done. Any change sends an approved plan back for "
             "approval. Example: receptionctl visit edit 7 --level 1 --headcount 12",
             cls=optional_values(offsite="other"))
@output_options
def edit(
    ctx: typer.Context,
    visit: VisitArg,
    venue: Annotated[Optional[str], typer.Option("--venue", help="Meeting room, showroom, or the off-site place; "
                                                 "\"\" clears it.")] = None,
    headcount: Annotated[Optional[int], typer.Option("--headcount", parser=whole(1, 10000),
                                                     help="Number of visitors (1 to 10000).")] = None,
    level: Annotated[Optional[int], typer.Option("--level", parser=whole(1, 3), help="Reception level: 1, 2 or 3.")] = None,
    purpose: Annotated[Optional[Purpose], typer.Option("--purpose", help="Why the client comes.")] = None,
    offsite: OffsiteOpt = None,
    onsite: Annotated[bool, typer.Option("--no-offsite", help="At the company after all (not off-site).")] = False,
    urgent: Annotated[Optional[bool], typer.Option("--urgent/--no-urgent", help="An urgent reception (hours of "
                                                   "notice), or not.", show_default=False)] = None,
    waive_level: WaiveOpt = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits import visits
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = visits.edit_visit(session, st.actor, visit, venue=venue, headcount=headcount, level=level,
                                 purpose=purpose.value if purpose else None, offsite=False if onsite else None,
                                 offsite_kind=offsite.value if offsite else None, urgent=urgent,
                                 waive_level=waive_level)
        step = out.next_step(next_step, session, visit)
    v = done.view
    out.done(done, _("visit {visit} changed: {client}, {purpose}, level {level}, {headcount} guests, "
                     "plan {plan}").format(visit=v.id, client=v.client, purpose=code(v.purpose), level=v.level,
                                           headcount=v.headcount, plan=code(v.plan_status)), next=step)


@app.command("cancel", help="Cancel a visit that has not taken place, with a reason. "
             "Example: receptionctl visit cancel 7 --reason \"client postponed\"")
@output_options
def cancel(ctx: typer.Context, visit: VisitArg,
           reason: Annotated[str, typer.Option("--reason", help="Why the visit is cancelled.")],
           *, out: Output) -> None:
    from receptionctl.domain.visits import visits

    st = state(ctx)
    with st.session(write=True) as session:
        done = visits.cancel(session, st.actor, visit, reason)
    out.done(done.view, _("visit {visit} cancelled").format(visit=visit))


@app.command("complete", short_help="Mark a visit completed; its follow-up tasks open.", help="The visit took place: it is completed and gets the follow-up tasks. "
             "Example: receptionctl visit complete 7")
@output_options
def complete(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    from receptionctl.domain.visits.followups import complete as do
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("visit {visit} completed; follow-up tasks created (`receptionctl checklist {visit}`)").format(
        visit=visit), next=step)


@app.command("callback", help="The 24-hour callback (回访): the client was called after the visit and asked how it "
             "went; it completes the procedure's callback task (the feedback form itself is `feedback add`). "
             "Example: receptionctl visit callback 7 --note \"thanked us; wants the proposal by Friday\" --satisfied")
@output_options
def callback(
    ctx: typer.Context,
    visit: VisitArg,
    note: Annotated[str, typer.Option("--note", help="What the client was told and said.")],
    satisfied: Annotated[Optional[bool], typer.Option("--satisfied/--unsatisfied", show_default=False,
                                                      help="Whether they are satisfied.")] = None,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When the call was made (default now). "
                                              + WHEN_FORMS)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.followups import call_back
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = call_back(session, st.actor, visit, note, satisfied, when(at, session) if at else None)
        step = out.next_step(next_step, session, visit)
    out.done(done, _called_back, next=step)


def _called_back(c) -> str:
    said = _("visit {visit}: the client was called back").format(visit=c.visit_id)
    if c.satisfied is not None:
        said = (_("{callback} (satisfied)") if c.satisfied else _("{callback} (NOT satisfied)")).format(callback=said)
    return said
