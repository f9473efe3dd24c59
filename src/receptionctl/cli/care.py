"""Relationship care: the birthdays, holidays and anniversaries clients are greeted on, the
greeting tasks, and the greetings sent (issue 26, seed 001)."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import DAY_FORMS, LimitOpt, complete_client, day, record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import CareKind
from receptionctl.i18n import N_, _, code

care_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                 help="Relationship care: the birthdays, holidays and anniversaries clients are greeted on, the "
                      "greeting tasks their keepers get before them, and the greetings sent.")
date_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                 help="A client's care dates: the days it is greeted on besides birthdays, holidays and its "
                      "anniversary (a founding day, a plant's opening, an award).")
care_app.add_typer(date_app, name="date")

ClientArg = Annotated[str, typer.Argument(metavar="CLIENT", autocompletion=complete_client,
                                          help="Client id, name, or a unique part of the name.")]
ClientOpt = Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="Only this client's (id, name, or a unique part of it).")]
KindOpt = Annotated[Optional[CareKind], typer.Option("--kind", help="Only this kind of occasion.")]

OCCASION_COLUMNS = [("day", N_("Day")), ("kind", N_("Kind")), ("what", N_("Occasion")), ("client", N_("Client")),
                    ("tier", N_("Tier")), ("owner", N_("Owner")), ("due", N_("Due")), ("task", N_("Task")),
                    ("greeted", N_("Greeted"))]
GREETING_COLUMNS = [("id", N_("ID")), ("at", N_("When")), ("client", N_("Client")), ("contact", N_("Contact")),
                    ("kind", N_("Kind")), ("day", N_("Occasion")), ("note", N_("Sent")), ("task_id", N_("Task")),
                    ("by", N_("By"))]
DATE_COLUMNS = [("id", N_("ID")), ("client", N_("Client")), ("name", N_("Name")), ("day", N_("Day")),
                ("once", N_("Repeats"))]


def _occasion_rows(views):
    from receptionctl.domain.core.vocab import role_owner
    from receptionctl.render.output import text

    return [{"day": f"{o.day:%Y-%m-%d}", "kind": code(o.kind, "care"), "what": o.what, "client": o.client,
             "tier": code(o.tier), "owner": o.owner or role_owner("coordinator"), "due": o.due_at,
             "task": f"{o.task_id} {code(o.task_state)}" if o.task_id else "",
             "greeted": _("{at} by {user}").format(at=text(o.greeted_at), user=o.greeted_by) if o.greeted else ""}
            for o in views]


@care_app.command("list", help="The occasions coming: contacts' birthdays, the policy's holidays for its tiers' "
                  "clients, anniversaries and care dates, from today to the policy's care_lookahead_days (14) ahead, "
                  "each with its owner, its greeting task and whether it was greeted. "
                  "Example: receptionctl care list --from today --to +30d")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="From this day (default today). "
                                                 + DAY_FORMS)] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Up to this day, inclusive (default "
                                               "care_lookahead_days after --from).")] = None,
    client: ClientOpt = None,
    kind: KindOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.care import care

    with state(ctx).session() as session:
        views = care.coming(session, day(start, session) if start else None, day(end, session) if end else None,
                            client=client, kind=kind.value if kind else None)
    out.table(views, OCCASION_COLUMNS, rows=lambda: _occasion_rows(views), empty=N_("No occasions coming."))


@care_app.command("log", help="Record a greeting sent to a client: it answers the client's occasion of that kind "
                  "nearest today (--on: that day's; --contact: that person's birthday) and closes its greeting "
                  "task; audited. Example: receptionctl care log huaxin --kind birthday --contact \"Liu Yang\" "
                  "--note \"card and flowers sent\"")
@output_options
def log(
    ctx: typer.Context,
    client: ClientArg,
    kind: Annotated[CareKind, typer.Option("--kind", help="What the greeting was for (other: a care date or an "
                                                            "achievement's congratulations).")],
    note: Annotated[str, typer.Option("--note", help="What was sent, and how: a card, a call, a gift.")],
    contact: Annotated[Optional[str], typer.Option("--contact", metavar="NAME", help="The contact person greeted "
                                                   "(id, name, or a unique part of it).")] = None,
    on: Annotated[Optional[str], typer.Option("--on", metavar="DAY", help="The occasion's day, when the nearest is "
                                              "not the one. " + DAY_FORMS)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.care import care

    st = state(ctx)
    with st.session(write=True) as session:
        done = care.log(session, st.actor, client, kind.value, note, contact=contact,
                        on=day(on, session) if on else None)
    out.done(done, _logged)


def _logged(v) -> str:
    said = _("greeting {id} recorded: {client}, {kind}").format(id=v.id, client=v.client, kind=code(v.kind, "care"))
    if v.contact:
        said += f" ({v.contact})"
    if v.task_id:
        said += " · " + _("task {task} done").format(task=v.task_id)
    return said


@care_app.command("history", help="The greetings sent, newest first: to whom, for what, what was sent, by whom. "
                  "Example: receptionctl care history huaxin")
@output_options(wide=True)
def history(
    ctx: typer.Context,
    client: Annotated[Optional[str], typer.Argument(metavar="[CLIENT]", autocompletion=complete_client,
                                                    help="Only this client's.")] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="Sent on or after this day. "
                                                 + DAY_FORMS)] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Sent on or before this day.")] = None,
    kind: KindOpt = None,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from datetime import datetime, time, timedelta

    from receptionctl.domain.care import care
    from receptionctl.domain.core import policy

    with state(ctx).session() as session:
        zone = policy.work_zone(policy.load(session))
        first = datetime.combine(day(start, session), time(0, 0), zone) if start else None
        last = datetime.combine(day(end, session), time(0, 0), zone) + timedelta(days=1) if end else None
        views = care.history(session, client=client, start=first, end=last, kind=kind.value if kind else None)
    views = views[:limit] if limit else views
    out.table(views, GREETING_COLUMNS, rows=lambda: [{**v.__dict__, "kind": code(v.kind, "care")} for v in views],
              empty=N_("No greetings recorded."))


@care_app.command("generate", short_help="Open the greeting tasks of the days ahead.", help="Open the greeting tasks of the occasions in the next care_lookahead_days that "
                  "have none (and skip those no longer an occasion); run every morning by cron, as a staff member. "
                  "Idempotent: run again, it opens nothing. Example: receptionctl care generate")
@output_options
def generate(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.care import care

    st = state(ctx)
    with st.session(write=True) as session:
        result = care.generate(session, st.actor)
    out.done(result, lambda r: _("{opened} greeting tasks opened, {skipped} skipped (the next {days} days)").format(
        opened=len(r.opened), skipped=len(r.skipped), days=r.days))


@date_app.command("add", help="Add a day a client is greeted on: every year (MM-DD, or YYYY-MM-DD: every year since, "
                  "the years counted), or once (--once, a full date); its greeting task opens when it is near. "
                  "Example: receptionctl care date add huaxin \"Founding day\" --on 2006-06-18")
@output_options
def date_add(
    ctx: typer.Context,
    client: ClientArg,
    name: Annotated[str, typer.Argument(help="What the day is: \"Founding day\", \"New plant opens\".")],
    on: Annotated[str, typer.Option("--on", metavar="DAY", help="MM-DD, or YYYY-MM-DD.")],
    once: Annotated[bool, typer.Option("--once", help="That one day only (a full date), not every year.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.care import care

    st = state(ctx)
    with st.session(write=True) as session:
        done = care.add_date(session, st.actor, client, name, on, once=once)
    out.done(done, lambda v: _("care date {id} added: {client}, {name} on {day}").format(
        id=v.id, client=v.client, name=v.name, day=v.day))


@date_app.command("list", help="Care dates, by client. Example: receptionctl care date list huaxin")
@output_options
def date_list(
    ctx: typer.Context,
    client: Annotated[Optional[str], typer.Argument(metavar="[CLIENT]", autocompletion=complete_client,
                                                    help="Only this client's.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.care import care

    with state(ctx).session() as session:
        views = care.list_dates(session, client)
    out.table(views, DATE_COLUMNS, rows=lambda: [{**v.__dict__, "once": _("once") if v.once else _("every year")}
                                                 for v in views], empty=N_("No care dates."))


@date_app.command("remove", help="Remove a care date; its open greeting task is skipped (audited). "
                  "Example: receptionctl care date remove 3")
@output_options
def date_remove(
    ctx: typer.Context,
    date_id: Annotated[int, typer.Argument(metavar="ID", parser=record_id, help="The care date's id "
                                           "(see `care date list`).")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.care import care

    st = state(ctx)
    with st.session(write=True) as session:
        done = care.remove_date(session, st.actor, date_id)
    out.done(done, lambda v: _("care date {id} removed: {client}, {name}").format(id=v.id, client=v.client,
                                                                                  name=v.name))
