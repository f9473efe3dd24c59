"""The front desk's logs: temporary passes, goods leaving the site, mail and newspapers."""

from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    WHEN_FORMS,
    LimitOpt,
    RevealOpt,
    complete_user,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, code

pass_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                 help="Temporary passes for workers and contractors: issued, returned, out past their time.")
goods_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                  help="Goods leaving the site: recorded by the desk, agreed to by their owner, then released.")
mail_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                 help="The mail log: letters, parcels and newspapers received at the desk and collected.")


class MailKind(str, Enum):  # domain.desk.passes.MAIL_KINDS (the domain module is not imported at start-up)
    letter = "letter"
    parcel = "parcel"
    newspaper = "newspaper"


PassArg = Annotated[int, typer.Argument(metavar="PASS", parser=record_id, help="The pass id.")]
GoodsArg = Annotated[int, typer.Argument(metavar="N", parser=record_id, help="The goods id (see goods list).")]
MailArg = Annotated[int, typer.Argument(metavar="N", parser=record_id, help="The mail id (see mail list).")]

PASS_COLUMNS = [("id", N_("ID")), ("name", N_("Name")), ("company", N_("Company")), ("id_number", N_("ID number")),
                ("issued_at", N_("Issued")), ("until", N_("Until")), ("returned_at", N_("Returned")), ("flag", ""),
                ("host", N_("Host")), ("place", N_("Place")), ("purpose", N_("Purpose"))]
GOODS_COLUMNS = [("id", N_("ID")), ("requested_at", N_("Recorded")), ("qty", N_("Qty")), ("what", N_("What")),
                 ("owner", N_("Owner")), ("carrier", N_("Carrier")), ("state", N_("State")),
                 ("approved_by", N_("Agreed by")), ("released_at", N_("Released")), ("released_by", N_("Released by"))]
MAIL_COLUMNS = [("id", N_("ID")), ("received_at", N_("Received")), ("kind", N_("Kind")), ("addressee", N_("mail|To")),
                ("sender", N_("mail|From")), ("tracking", N_("Tracking")), ("collected_at", N_("Collected")),
                ("collected_by", N_("Collected by")), ("flag", "")]


def _pass_rows(views):
    return [{**v.__dict__, "flag": _("OVERDUE") if v.overdue else _("out") if v.out else ""} for v in views]


def _mail_rows(views):
    return [{**v.__dict__, "addressee": v.to or v.to_dept, "flag": _("UNCOLLECTED") if v.overdue else ""}
            for v in views]


# -- passes --------------------------------------------------------------------------------
@pass_app.command("issue", short_help="Issue a temporary pass to a worker or contractor.", help="Issue a temporary pass to a worker or contractor, to be returned by --until; "
                  "the identity number is stored encrypted and shown masked. A pass out past its time is an "
                  "alert in the daily report (desk, security, coordinator, desk supervisor, admin). "
                  "Example: receptionctl pass issue --name \"Zhang San\" --company \"Huayu Renovation\" "
                  "--purpose \"repaint room 301\" --until \"today 18:00\" --host wang --place \"room 301\"")
@output_options
@ask.asks("name", "company", "purpose", "until")
def pass_issue(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The holder's full name.")],
    company: Annotated[str, typer.Option("--company", help="The holder's company.")],
    purpose: Annotated[str, typer.Option("--purpose", help="What they are here to do.")],
    until: Annotated[str, typer.Option("--until", metavar="WHEN", help="When the pass must be back at the desk. "
                                       + WHEN_FORMS)],
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="The holder's identity number (stored "
                                                     "encrypted, shown masked).")] = None,
    host: Annotated[Optional[str], typer.Option("--host", metavar="USER", autocompletion=complete_user,
                                                help="The member of staff they work for.")] = None,
    place: Annotated[Optional[str], typer.Option("--place", metavar="TEXT", help="Where on the site they "
                                                 "work.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.core import clock
    from receptionctl.domain.desk import passes

    st = state(ctx)
    if None in (name, company, purpose, until):  # left out on a terminal: asked, with the host
        name, company, purpose, until, host = _ask_pass(name, company, purpose, until, host)
    with st.session(write=True) as session:
        view = passes.issue_pass(session, st.actor, name=name, company=company, purpose=purpose,
                                 until=when(until, session), id_number=id_number, host=host, place=place,
                                 cipher=st.cipher)
    out.done(view, _("pass {id} issued to {name} ({company}), back by {until}").format(
        id=view.id, name=view.name, company=view.company, until=f"{clock.local(view.until):%Y-%m-%d %H:%M}"))


def _ask_pass(name, company, purpose, until, host):
    """What a pass lacks, asked in the order of the form; the host too, when not given (Enter:
    none)."""
    name = name if name is not None else ask.text(_("The holder's full name:"))
    company = company if company is not None else ask.text(_("The holder's company:"))
    purpose = purpose if purpose is not None else ask.text(_("What they are here to do:"))
    if until is None:
        until = ask.text(_("Back at the desk by (such as today 18:00, or +4h):"), check=when)
    if host is None:
        host = ask.text(_("The member of staff they work for (a username or a name; Enter: none):"),
                        required=False) or None
    return name, company, purpose, until, host


@pass_app.command("return", help="A pass is back at the desk (written on the record, once). "
                  "Example: receptionctl pass return 3")
@output_options
def pass_return(ctx: typer.Context, pass_: PassArg, *, out: Output) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session(write=True) as session:
        view = passes.return_pass(session, st.actor, pass_)
    out.done(view, _("pass {id} returned ({name}, {company})").format(id=view.id, name=view.name,
                                                                       company=view.company))


@pass_app.command("list", help="Passes by the time they were issued, identity numbers masked; --out: those not "
                  "returned. Example: receptionctl pass list --out")
@output_options(wide=True)
def pass_list(
    ctx: typer.Context,
    out_only: Annotated[bool, typer.Option("--out", help="Only passes issued and not returned.")] = False,
    reveal: RevealOpt = False,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session(write=reveal) as session:
        views = passes.list_passes(session, out_only=out_only, actor=st.actor, reveal=reveal, cipher=st.cipher,
                                   limit=limit)
    out.table(views, PASS_COLUMNS, rows=lambda: _pass_rows(views), empty=N_("No passes."))


@pass_app.command("show", help="One pass: who, for what, issued and returned by whom and when. "
                  "Example: receptionctl pass show 3")
@output_options
def pass_show(ctx: typer.Context, pass_: PassArg, reveal: RevealOpt = False, *, out: Output) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session(write=reveal) as session:
        v = passes.show_pass(session, pass_, actor=st.actor, reveal=reveal, cipher=st.cipher)
    out.show(v, lambda: _print_pass(v))


def _print_pass(v) -> None:
    from receptionctl.render.output import print_fields, text

    by = _("{at} by {user}")
    print_fields([
        (N_("name"), v.name), (N_("company"), v.company), (N_("purpose"), v.purpose), (N_("id number"), v.id_number),
        (N_("host"), f"{v.host_name} ({v.host})" if v.host else None), (N_("place"), v.place),
        (N_("issued"), by.format(at=text(v.issued_at), user=v.issued_by)),
        (N_("until"), _("{at} – OVERDUE").format(at=text(v.until)) if v.overdue else text(v.until)),
        (N_("returned"), by.format(at=text(v.returned_at), user=v.returned_by) if v.returned_at else _("no: out")),
    ], title=_("Pass {id}").format(id=v.id))


# -- goods ---------------------------------------------------------------------------------
def _say_goods(v, said: str = N_("goods {id}: {qty} × {what}, carried by {carrier}, owner {owner}: {state}")) -> str:
    return _(said).format(id=v.id, qty=v.qty, what=v.what, carrier=v.carrier, owner=v.owner, state=code(v.state))


WhatOpt = Annotated[Optional[str], typer.Option("--what", metavar="TEXT", help="What leaves.")]
QtyOpt = Annotated[Optional[int], typer.Option("--qty", metavar="N", parser=whole(1, 1_000_000),
                                               help="How many.")]
OwnerOpt = Annotated[Optional[str], typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                                 help="Whose goods they are: the person who must agree.")]
CarrierOpt = Annotated[Optional[str], typer.Option("--carrier", metavar="NAME", help="Who carries them out.")]


def _request(ctx: typer.Context, what, qty, owner, carrier):
    from receptionctl.domain.desk import passes
    from receptionctl.errors import BadInput

    missing = [o for o, v in (("--what", what), ("--qty", qty), ("--owner", owner), ("--carrier", carrier))
               if v is None]
    if missing:
        raise BadInput(_("{options} missing: a request names what leaves, how many, whose and who carries "
                         "it").format(options=", ".join(missing)))
    st = state(ctx)
    with st.session(write=True) as session:
        return passes.request_goods(session, st.actor, what=what, qty=qty, owner=owner, carrier=carrier)


@goods_app.command("request", help="Record goods someone wants to carry out; their owner gets a task to agree, "
                   "due at once, and nothing leaves before they do (desk, security, coordinator, desk supervisor, "
                   "admin). Example: receptionctl goods request --what \"boxes of files\" --qty 2 --owner wang "
                   "--carrier \"Zhang San\"")
@output_options
def goods_request(
    ctx: typer.Context,
    what: Annotated[str, typer.Option("--what", metavar="TEXT", help="What leaves.")],
    qty: Annotated[int, typer.Option("--qty", metavar="N", parser=whole(1, 1_000_000), help="How many.")],
    owner: Annotated[str, typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                       help="Whose goods they are: the person who must agree.")],
    carrier: Annotated[str, typer.Option("--carrier", metavar="NAME", help="Who carries them out.")],
    *,
    out: Output,
) -> None:
    view = _request(ctx, what, qty, owner, carrier)
    out.done(view, _say_goods(view, N_("goods {id}: {qty} × {what}, carried by {carrier}, owner {owner}: "
                                       "{state}: waiting for {owner}'s agreement")))


@goods_app.command("approve", help="The owner agrees that the goods may leave (the owner or an admin). "
                   "Example: receptionctl goods approve 4")
@output_options
def goods_approve(ctx: typer.Context, goods: GoodsArg, *, out: Output) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session(write=True) as session:
        view = passes.approve_goods(session, st.actor, goods)
    out.done(view, _say_goods(view))


@goods_app.command("release", help="Let agreed goods leave with their carrier: refused (exit 1) until the owner "
                   "has agreed. Without N, with --what, --qty, --owner and --carrier, the request is recorded "
                   "as by `goods request` and the command exits 1: waiting for the owner's agreement. "
                   "Example: receptionctl goods release 4")
@output_options
def goods_release(
    ctx: typer.Context,
    goods: Annotated[Optional[int], typer.Argument(metavar="N", parser=record_id, show_default=False,
                                                   help="The goods id; omit it to record a new request.")] = None,
    what: WhatOpt = None, qty: QtyOpt = None, owner: OwnerOpt = None, carrier: CarrierOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.desk import passes
    from receptionctl.errors import BadInput, Refused

    given = [o for o, v in (("--what", what), ("--qty", qty), ("--owner", owner), ("--carrier", carrier))
             if v is not None]
    if goods is not None:
        if given:
            raise BadInput(_("goods {id} is recorded already: {options} describe a new request, expected the id "
                             "alone").format(id=goods, options=", ".join(given)),
                           hint=_("see `receptionctl goods list`"))
        st = state(ctx)
        with st.session(write=True) as session:
            view = passes.release_goods(session, st.actor, goods)
        out.done(view, _("goods {id} released: {qty} × {what}, carried by {carrier}, agreed by {user}").format(
            id=view.id, qty=view.qty, what=view.what, carrier=view.carrier, user=view.approved_by))
        return
    if not given:
        raise BadInput(_("goods release needs N, the goods id, or --what, --qty, --owner and --carrier for a new "
                         "request"), hint=_("see `receptionctl goods list --pending`"))
    view = _request(ctx, what, qty, owner, carrier)  # recorded and committed: the owner is asked
    out.done(view, _say_goods(view))
    raise Refused(_("goods {id} are waiting for the owner's agreement ({owner}): nothing leaves yet").format(
        id=view.id, owner=view.owner),
        hint=_("once {owner} has run `receptionctl goods approve {id}`, run `receptionctl goods release {id}`").format(
            owner=view.owner, id=view.id))


@goods_app.command("list", help="The release log: what, how many, whose, who agreed, who carried it out, when. "
                   "Example: receptionctl goods list --pending")
@output_options(wide=True)
def goods_list(
    ctx: typer.Context,
    pending: Annotated[bool, typer.Option("--pending", help="Only goods not released yet (waiting for their "
                                          "owner, or agreed).")] = False,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session() as session:
        views = passes.list_goods(session, pending=pending, limit=limit)
    out.table(views, GOODS_COLUMNS)


# -- mail ----------------------------------------------------------------------------------
@mail_app.command("receive", help="Record a letter, parcel or newspaper. For a person: a desk task of theirs to "
                  "collect it at the front desk, due within the policy's mail_days. For a department: no task, "
                  "it waits in the log. Anything uncollected after mail_days is an alert in the daily report "
                  "(desk, security, coordinator, desk supervisor, admin). "
                  "Example: receptionctl mail receive --to wang --kind parcel --from \"SF Express\" "
                  "--tracking SF1234567890")
@output_options
@ask.asks("to", "kind")
def mail_receive(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="USER|DEPT", autocompletion=complete_user,
                                    help="A member of staff (username, name or a unique part), or a department "
                                         "as the staff list spells it; an exact username wins over a department.")],
    kind: Annotated[MailKind, typer.Option("--kind", help="letter, parcel or newspaper.")],
    sender: Annotated[Optional[str], typer.Option("--from", metavar="TEXT", help="Who sent it.")] = None,
    tracking: Annotated[Optional[str], typer.Option("--tracking", metavar="TEXT", help="The courier's tracking "
                                                    "number.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    if kind is None:  # left out on a terminal: asked
        kind = MailKind(ask.choose(_("What has come?"), ask.codes(passes.MAIL_KINDS)))
    if to is None:
        to = ask.text(_("Who is it for (a username, a name, or a department)?"))
    with st.session(write=True) as session:
        view = passes.receive_mail(session, st.actor, to=to, kind=kind.value, sender=sender, tracking=tracking)
    said = dict(id=view.id, kind=code(view.kind), to=view.to or view.to_dept, task=view.task_id)
    out.done(view, _("mail {id} received: {kind} for {to} (task {task})").format(**said) if view.task_id
             else _("mail {id} received: {kind} for {to}").format(**said))


@mail_app.command("collect", help="Mail handed out: who took it (default: the acting person) and when; the "
                  "addressee's task is done. The desk hands out anything; anyone on the staff may collect their "
                  "own mail or their department's. Example: receptionctl mail collect 5 --by \"Wang Lei\"")
@output_options
def mail_collect(ctx: typer.Context, mail: MailArg,
                 by: Annotated[Optional[str], typer.Option("--by", metavar="NAME", help="Who took it (default: "
                                                           "the acting person's name).")] = None,
                 *, out: Output) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session(write=True) as session:
        view = passes.collect_mail(session, st.actor, mail, by)
    out.done(view, _("mail {id} collected by {user}").format(id=view.id, user=view.collected_by))


@mail_app.command("list", help="The mail log by the time each item came in; --uncollected: still at the desk. "
                  "Example: receptionctl mail list --uncollected")
@output_options(wide=True)
def mail_list(
    ctx: typer.Context,
    uncollected: Annotated[bool, typer.Option("--uncollected", help="Only items not collected.")] = False,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.desk import passes

    st = state(ctx)
    with st.session() as session:
        views = passes.list_mail(session, uncollected=uncollected, limit=limit)
    out.table(views, MAIL_COLUMNS, rows=lambda: _mail_rows(views), empty=N_("No mail."))
