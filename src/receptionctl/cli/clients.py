"""Clients and their contact people."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import RevealOpt, complete_client, complete_user, record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import MailLanguage, Tier
from receptionctl.i18n import N_, _, code

client_app = Typer(rich_markup_mode=None, help="Clients: the organisations you receive.", no_args_is_help=True)
contact_app = Typer(rich_markup_mode=None, help="Contact people of a client.", no_args_is_help=True)

ClientArg = Annotated[str, typer.Argument(metavar="CLIENT", help="Client id, name, or a unique part of the name.", autocompletion=complete_client)]
ManagerOpt = Annotated[Optional[str], typer.Option(
    "--manager", metavar="USER", autocompletion=complete_user,
    help="The account manager, who keeps the client: required for a VIP client, the default host of its "
         "visits, the backup owner of its follow-up and the owner of its greeting tasks; someone with the host or "
         "coordinator role.")]
AnniversaryOpt = Annotated[Optional[str], typer.Option(
    "--anniversary", metavar="DAY", help="The day the client is congratulated on every year (the partnership's or "
    "the company's anniversary): MM-DD, or YYYY-MM-DD when the first year is known.")]
BirthdayOpt = Annotated[Optional[str], typer.Option(
    "--birthday", metavar="DAY", help="Birthday, for a greeting: MM-DD, or YYYY-MM-DD when the year is known.")]


@client_app.command("add", help="Add a client organisation. Example: receptionctl client add "
                    "\"Huaxin Precision Machinery\" --tier vip --industry Manufacturing --manager li.na")
@output_options
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The organisation's name (unique, case-insensitive).")],
    tier: Annotated[Tier, typer.Option("--tier", help="Client tier; VIP clients get a dedicated manager.")] = Tier.normal,
    industry: Annotated[Optional[str], typer.Option("--industry", help="The client's industry.")] = None,
    manager: ManagerOpt = None,
    anniversary: AnniversaryOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import add_client

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_client(session, st.actor, name, tier.value, industry, manager=manager, anniversary=anniversary)
    out.done(done, lambda view: _("client {id} added: {name} ({tier})").format(id=view.id, name=view.name,
                                                                                tier=code(view.tier)))


@client_app.command("list", help="List clients with their tier, industry and number of contacts. "
                    "Example: receptionctl client list --tier vip")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    tier: Annotated[Optional[Tier], typer.Option("--tier", help="Only clients of this tier.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import list_clients

    with state(ctx).session() as session:
        views = list_clients(session, tier.value if tier else None)
    out.table(views, [("id", N_("ID")), ("name", N_("Client")), ("tier", N_("Tier")), ("industry", N_("Industry")),
                      ("manager", N_("Manager")), ("contacts", N_("Contacts"))],
              rows=lambda: [{**v.__dict__, "tier": code(v.tier)} for v in views], empty=N_("No clients."))


_CONTACT_COLUMNS = [("id", N_("ID")), ("name", N_("Name")), ("title", N_("Title")), ("phone", N_("Phone")),
                    ("email", N_("Email")), ("diet", N_("Diet")), ("transport", N_("Transport")),
                    ("needs", N_("Special needs")), ("birthday", N_("Birthday")), ("id_number", N_("ID number"))]


@client_app.command("show", help="Show a client and its contact people (identity numbers masked). "
                    "Example: receptionctl client show huaxin")
@output_options
def show(ctx: typer.Context, client: ClientArg, reveal: RevealOpt = False, *, out: Output) -> None:
    from receptionctl.domain.people.clients import show_client

    st = state(ctx)
    with st.session(write=reveal) as session:
        detail = show_client(session, st.actor, client, reveal=reveal, cipher=st.cipher)
    out.show(detail, lambda: _print_client(detail))


def _print_client(detail) -> None:
    from receptionctl.render.output import print_fields, print_table

    manager = None
    if detail.manager:
        manager = f"{detail.manager_name} ({detail.manager})" + ("" if detail.manager_active else " " + _("inactive"))
    elif detail.tier == "vip":
        manager = _("none: a VIP client needs one (client edit {id} --manager USER)").format(id=detail.id)
    print_fields([(N_("client"), _("{name} (id {id})").format(name=detail.name, id=detail.id)),
                  (N_("tier"), code(detail.tier)), (N_("industry"), detail.industry), (N_("manager"), manager),
                  (N_("anniversary"), detail.anniversary), (N_("since"), detail.created_at)])
    import sys

    from receptionctl.render.sheets import print_promises

    if detail.contacts:
        sys.stdout.write("\n")
        print_table(detail.contacts, _CONTACT_COLUMNS, title=_("Contacts"), wide=True)
    if detail.care_dates:
        sys.stdout.write("\n")
        print_table([{**d.__dict__, "once": _("once") if d.once else _("every year")} for d in detail.care_dates],
                    CARE_DATE_COLUMNS, title=_("Care dates"))
    print_promises(detail.open_promises)


CARE_DATE_COLUMNS = [("id", N_("ID")), ("name", N_("Name")), ("day", N_("Day")), ("once", N_("Repeats"))]


@contact_app.command("add", help="Add a contact person to a client. The identity number is stored encrypted. "
                     "Example: receptionctl contact add huaxin \"Liu Yang\" --title \"General manager\" "
                     "--phone \"+86 139 0000 0000\"")
@output_options
def contact_add(
    ctx: typer.Context,
    client: ClientArg,
    name: Annotated[str, typer.Argument(help="The contact's full name.")],
    title: Annotated[Optional[str], typer.Option("--title", help="Job title.")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="Phone number.")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="Email address.")] = None,
    diet: Annotated[Optional[str], typer.Option("--diet", help="Dietary restrictions.")] = None,
    transport: Annotated[Optional[str], typer.Option("--transport", help="Transport preference.")] = None,
    needs: Annotated[Optional[str], typer.Option("--needs", help="Other special needs.")] = None,
    id_number: Annotated[
        Optional[str], typer.Option("--id-number", help="Identity-card number: encrypted at rest, shown masked.")
    ] = None,
    language: Annotated[Optional[MailLanguage], typer.Option(
        "--language", help="The language mail to them is written in, such as the feedback questionnaire (default: "
                           "the policy's feedback_language).")] = None,
    birthday: BirthdayOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import add_contact

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_contact(
            session, st.actor, client, name, title=title, phone=phone, email=email, diet=diet,
            transport=transport, needs=needs, id_number=id_number, birthday=birthday,
            cipher=st.cipher, lang=language.value if language else None,
        )
    out.done(done, lambda view: _("contact {id} added to client {client}: {name}, ID {id_number}").format(
        id=view.id, client=view.client_id, name=view.name, id_number=view.id_number) if view.id_number else
        _("contact {id} added to client {client}: {name}").format(id=view.id, client=view.client_id, name=view.name))


@client_app.command("edit", short_help="Correct a client; name its account manager.", help="Correct a client's name, tier or industry, name its account manager or its "
                    "anniversary (audited; \"\" clears the industry, the manager or the anniversary). "
                    "Example: receptionctl client edit huaxin --manager li.na")
@output_options
def edit(
    ctx: typer.Context,
    client: ClientArg,
    name: Annotated[Optional[str], typer.Option("--name", help="The corrected name (unique).")] = None,
    tier: Annotated[Optional[Tier], typer.Option("--tier", help="The new tier.")] = None,
    industry: Annotated[Optional[str], typer.Option("--industry", help="The industry; \"\" clears it.")] = None,
    manager: ManagerOpt = None,
    anniversary: AnniversaryOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import edit_client

    st = state(ctx)
    with st.session(write=True) as session:
        done = edit_client(session, st.actor, client, name=name, tier=tier.value if tier else None, industry=industry,
                           manager=manager, anniversary=anniversary)
    out.done(done, lambda view: _("client {id} changed: {name} ({tier}, {industry})").format(
        id=view.id, name=view.name, tier=code(view.tier), industry=view.industry or _("no industry"))
        + (" · " + _("manager {user}").format(user=view.manager) if view.manager else ""))


ContactArg = Annotated[int, typer.Argument(metavar="CONTACT", parser=record_id, help="The contact's id "
                                           "(see `contact list CLIENT`).")]


@contact_app.command("list", help="A client's contact people, identity numbers masked (--reveal: in clear, admin "
                     "only, audited). Example: receptionctl contact list huaxin")
@output_options(wide=True)
def contact_list(ctx: typer.Context, client: ClientArg, reveal: RevealOpt = False, *, out: Output) -> None:
    from receptionctl.domain.people.clients import list_contacts

    st = state(ctx)
    with st.session(write=reveal) as session:
        views = list_contacts(session, client, actor=st.actor, reveal=reveal, cipher=st.cipher)
    out.table(views, _CONTACT_COLUMNS, empty=N_("No contacts."))


@contact_app.command("edit", help="Correct a contact's details (audited; \"\" clears an optional field). "
                     "A new identity number is stored encrypted. Example: receptionctl contact edit 3 --phone 13900000000")
@output_options
def contact_edit(
    ctx: typer.Context,
    contact: ContactArg,
    name: Annotated[Optional[str], typer.Option("--name", help="Full name.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Job title.")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="Phone number.")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="Email address.")] = None,
    diet: Annotated[Optional[str], typer.Option("--diet", help="Dietary restrictions.")] = None,
    transport: Annotated[Optional[str], typer.Option("--transport", help="Transport preference.")] = None,
    needs: Annotated[Optional[str], typer.Option("--needs", help="Other special needs.")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="Identity-card number: encrypted at "
                                                     "rest, shown masked; \"\" removes it.")] = None,
    language: Annotated[Optional[str], typer.Option(
        "--language", metavar="zh-CN|en", help="The language mail to them is written in; \"\" clears it (the "
                                               "policy's feedback_language applies).")] = None,
    birthday: Annotated[Optional[str], typer.Option(
        "--birthday", metavar="DAY", help="Birthday, for a greeting: MM-DD, or YYYY-MM-DD when the year is known; "
        "\"\" removes it.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import edit_contact

    st = state(ctx)
    with st.session(write=True) as session:
        done = edit_contact(session, st.actor, contact, cipher=st.cipher, id_number=id_number, name=name,
                            title=title, phone=phone, email=email, diet=diet, transport=transport, needs=needs,
                            birthday=birthday, lang=language)
    out.done(done, lambda view: _("contact {id} changed: {name}").format(id=view.id, name=view.name))


@contact_app.command("remove", help="Remove a contact person and their encrypted identity number (audited, "
                     "masked); guests already checked in keep their own record. Example: receptionctl contact remove 3")
@output_options
def contact_remove(ctx: typer.Context, contact: ContactArg, *, out: Output) -> None:
    from receptionctl.domain.people.clients import remove_contact

    st = state(ctx)
    with st.session(write=True) as session:
        view = remove_contact(session, st.actor, contact)
    out.done(view, _("contact {id} removed: {name}").format(id=view.id, name=view.name))
