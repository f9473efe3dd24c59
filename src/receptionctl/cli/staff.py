"""Staff: who receives clients, with which roles."""


from typing import Annotated, List, Optional

import typer

from receptionctl.cli.common import JsonOpt, emit, state
from receptionctl.domain.vocab import StaffRole

app = typer.Typer(rich_markup_mode=None, help="The staff list: usernames, departments, roles.", no_args_is_help=True)

_COLUMNS = [("username", "Username"), ("name", "Name"), ("dept", "Department"), ("roles", "Roles"), ("active", "Active")]


@app.command("add", help="Add a staff member (admin only).")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login-style name used with --as and in assignments.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    dept: Annotated[str, typer.Option("--dept", help="Department, such as customer service or logistics.")],
    role: Annotated[
        Optional[List[StaffRole]],
        typer.Option("--role", help="A role; repeat for several. Default: staff.", case_sensitive=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.staff import add_staff

    st = state(ctx)
    with st.session(write=True) as session:
        view = add_staff(session, st.actor, username, name, dept, [r.value for r in role or []])
    emit(view, as_json, f"staff {view.username} added: {view.name}, {view.dept} ({', '.join(view.roles)})")


@app.command("list", help="List staff members and their roles.")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from receptionctl.domain.staff import list_staff
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        views = list_staff(session)
    if as_json:
        print_json(views)
    else:
        print_table([v.__dict__ for v in views], _COLUMNS)
