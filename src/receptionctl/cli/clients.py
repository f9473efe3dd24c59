"""Clients and their contact people."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.common import JsonOpt, RevealOpt, WideOpt, emit, state
from receptionctl.domain.vocab import Tier

client_app = typer.Typer(rich_markup_mode=None, help="Clients: the organisations you receive.", no_args_is_help=True)
contact_app = typer.Typer(rich_markup_mode=None, help="Contact people of a client.", no_args_is_help=True)

ClientArg = Annotated[str, typer.Argument(metavar="CLIENT", help="Client id or exact name.")]


@client_app.command("add", help="Add a client organisation.")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The organisation's name (unique, case-insensitive).")],
    tier: Annotated[Tier, typer.Option("--tier", help="Client tier; VIP clients get a dedicated manager.")] = Tier.normal,
    industry: Annotated[Optional[str], typer.Option("--industry", help="The client's industry.")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.clients import add_client

    st = state(ctx)
    with st.session(write=True) as session:
        view = add_client(session, st.actor, name, tier.value, industry)
    emit(view, as_json, f"client {view.id} added: {view.name} ({view.tier})")


@client_app.command("list", help="List clients with their tier, industry and number of contacts.")
def list_(
    ctx: typer.Context,
    tier: Annotated[Optional[Tier], typer.Option("--tier", help="Only clients of this tier.")] = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain.clients import list_clients
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        views = list_clients(session, tier.value if tier else None)
    if as_json:
        print_json(views)
    else:
        print_table(views, [("id", "ID"), ("name", "Client"), ("tier", "Tier"), ("industry", "Industry"),
                            ("contacts", "Contacts")])


_CONTACT_COLUMNS = [("id", "ID"), ("name", "Name"), ("title", "Title"), ("phone", "Phone"), ("email", "Email"),
                    ("diet", "Diet"), ("transport", "Transport"), ("needs", "Special needs"),
                    ("id_number", "ID number")]


@client_app.command("show", help="Show a client and its contact people (identity numbers masked).")
def show(ctx: typer.Context, client: ClientArg, reveal: RevealOpt = False, as_json: JsonOpt = False) -> None:
    from receptionctl.domain.clients import show_client
    from receptionctl.render.output import print_fields, print_json, print_table

    st = state(ctx)
    with st.session(write=reveal) as session:
        detail = show_client(session, st.actor, client, reveal=reveal, cipher=st.cipher)
    if as_json:
        print_json(detail)
        return
    print_fields([("client", f"{detail.name} (id {detail.id})"), ("tier", detail.tier),
                  ("industry", detail.industry), ("since", detail.created_at)])
    import sys

    from receptionctl.render.sheets import print_promises

    if detail.contacts:
        sys.stdout.write("\n")
        print_table(detail.contacts, _CONTACT_COLUMNS, title="Contacts", wide=True)
    print_promises(detail.open_promises)


@contact_app.command("add", help="Add a contact person to a client. The identity number is stored encrypted.")
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
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.clients import add_contact

    st = state(ctx)
    with st.session(write=True) as session:
        view = add_contact(
            session, st.actor, client, name, title=title, phone=phone, email=email, diet=diet,
            transport=transport, needs=needs, id_number=id_number,
            cipher=st.cipher,
        )
    emit(view, as_json, f"contact {view.id} added to client {view.client_id}: {view.name}"
            + (f", ID {view.id_number}" if view.id_number else ""))
