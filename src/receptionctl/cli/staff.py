"""Staff: who receives clients, with which roles."""


from typing import Annotated, List, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import complete_user, state
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import StaffRole
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, help="The staff list: usernames, departments, roles.", no_args_is_help=True)

_COLUMNS = [("username", N_("Username")), ("name", N_("Name")), ("dept", N_("Department")), ("roles", N_("Roles")),
            ("email", N_("E-mail")), ("active", N_("Active"))]
EmailOpt = Annotated[Optional[str], typer.Option(
    "--email", metavar="ADDRESS", help="Their own e-mail address (name@example.com): calendars name them by it (the "
    "organizer and attendees of exported visits), and mail notifications may use it (policy notify_staff_email); "
    "\"\" clears it. Not an address: exit 2.")]


def _roles(roles) -> str:
    """A person's roles as people read them: the codes, or their translations."""
    return _(", ").join(code(r, "role") for r in roles)


@app.command("add", help="Add a staff member (admin only). Example: receptionctl staff add li.na "
             "--name \"Li Na\" --dept \"Customer service\" --role coordinator --role host")
@output_options
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login-style name used with --as and in assignments.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    dept: Annotated[str, typer.Option("--dept", help="Department, such as customer service or logistics.")],
    role: Annotated[
        Optional[List[StaffRole]],
        typer.Option("--role", help="A role; repeat for several. Default: staff.", case_sensitive=False),
    ] = None,
    email: EmailOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.staff import add_staff

    st = state(ctx)
    with st.session(write=True) as session:
        view = add_staff(session, st.actor, username, name, dept, [r.value for r in role or []], email=email)
    out.done(view, _("staff {user} added: {name}, {dept} ({roles})").format(
        user=view.username, name=view.name, dept=view.dept, roles=_roles(view.roles)))


@app.command("list", help="List staff members and their roles. Example: receptionctl staff list --json")
@output_options(wide=True)
def list_(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.people.staff import list_staff

    with state(ctx).session() as session:
        views = list_staff(session)
    out.table(views, _COLUMNS, rows=lambda: [{**v.__dict__, "roles": _roles(v.roles) or None} for v in views],
              empty=N_("No staff members."))


UserArg = Annotated[str, typer.Argument(metavar="USER", help="The person: username, id, full name, or a unique part of one.", autocompletion=complete_user)]


@app.command("edit", help="Change a person's name, department, roles or e-mail address (admin only; audited). "
             "The last active admin keeps the admin role; --notify sets their notification channel; --db-login maps "
             "a login to them (policy identity os or db). "
             "Example: receptionctl staff edit li --add-role approver")
@output_options
def edit(
    ctx: typer.Context,
    user: UserArg,
    name: Annotated[Optional[str], typer.Option("--name", help="The new full name.")] = None,
    dept: Annotated[Optional[str], typer.Option("--dept", help="The new department.")] = None,
    add_role: Annotated[Optional[List[StaffRole]], typer.Option(
        "--add-role", help="Give this role; repeat for several.", case_sensitive=False)] = None,
    remove_role: Annotated[Optional[List[StaffRole]], typer.Option(
        "--remove-role", help="Take this role away; repeat for several.", case_sensitive=False)] = None,
    notify_url: Annotated[Optional[str], typer.Option(
        "--notify", metavar="URL", help="Their own notification channel, an Apprise URL (mailtos://user:pass@"
        "example.com, dingtalk://TOKEN, wecombot://KEY, ...): they get their notifications there rather than "
        "through their role's channel; \"\" clears it. A URL Apprise does not know exits 2.")] = None,
    db_login: Annotated[Optional[str], typer.Option(
        "--db-login", metavar="NAME", help="The login that is theirs: the PostgreSQL role they connect as (policy "
        "identity db) or their operating-system login where it differs from their username (policy identity os); "
        "\"\" clears it.")] = None,
    email: EmailOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.staff import edit_staff

    st = state(ctx)
    with st.session(write=True) as session:
        view = edit_staff(session, st.actor, user, name=name, dept=dept,
                          add_roles=[r.value for r in add_role or []], remove_roles=[r.value for r in remove_role or []],
                          notify_url=notify_url, db_login=db_login, email=email)
    out.done(view, _("staff {user} changed: {name}, {dept} ({roles})").format(
        user=view.username, name=view.name, dept=view.dept, roles=_roles(view.roles)))


def _set_active(ctx: typer.Context, user: str, active: bool, out: Output) -> None:
    from receptionctl.domain.people.staff import set_active

    st = state(ctx)
    with st.session(write=True) as session:
        view = set_active(session, st.actor, user, active)
    out.done(view, (_("staff {user} is now active") if active else _("staff {user} is now inactive")).format(
        user=view.username))


@app.command("deactivate", short_help="Deactivate a person who left or is away for good.", help="A person who left or is away for good (admin only): they keep their history, "
             "cannot act, are not offered as owner, and the daily report shows their open tasks as needing "
             "a new owner. Not the last admin. Example: receptionctl staff deactivate wang")
@output_options
def deactivate(ctx: typer.Context, user: UserArg, *, out: Output) -> None:
    _set_active(ctx, user, False, out)


@app.command("activate", help="Let an inactive person act again (admin only). "
             "Example: receptionctl staff activate wang")
@output_options
def activate(ctx: typer.Context, user: UserArg, *, out: Output) -> None:
    _set_active(ctx, user, True, out)


def _read_password() -> str:
    """The new password: asked twice, hidden, on a terminal; else the first line of stdin."""
    import sys

    from receptionctl.errors import BadInput

    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_("New password: "))
        if getpass.getpass(_("The same again: ")) != first:
            raise BadInput(_("the two passwords differ: expected the same password twice"))
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise BadInput(_("no password on standard input: expected one line"))
    return line.rstrip("\r\n")


@app.command("password", short_help="Set a person's password for the web front desk.",
             help="Set the password a person signs in to the web front desk with (`receptionctl serve`): asked "
                  "twice, hidden, on a terminal; read from the first line of standard input when piped. A person "
                  "sets their own; an admin anyone's. It is kept only as an Argon2 hash; the person's signed-in "
                  "sessions end. Example: receptionctl staff password li.na --reset")
@output_options
def password(
    ctx: typer.Context,
    user: UserArg,
    reset: Annotated[bool, typer.Option("--reset", help="An admin's reset: the password given is temporary, and the "
                                        "person must choose a new one at their next sign-in.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.passwords import set_password

    st = state(ctx)
    secret = _read_password()
    with st.session(write=True) as session:
        view = set_password(session, st.actor, user, secret, reset=reset)
    out.done(view, (_("password of {user} reset: they choose a new one at their next sign-in") if reset
                    else _("password of {user} set")).format(user=view.username))


@app.command("calendar", short_help="A person's secret calendar address: make it, revoke it, see it.",
             help="The secret address of a person's calendar on the web front desk (`receptionctl serve`): a "
                  "calendar app (Outlook, Google, Apple, Thunderbird, WeCom, DingTalk) subscribes to it and sees "
                  "the visits they host, serve on or back up, and with ?tasks=1 their open tasks. --new makes it "
                  "(ending the old one) and prints it once: the policy's web_url followed by "
                  "/calendar/TOKEN.ics; --revoke ends it. Without either: whether they have one (an admin also "
                  "sees the failed requests for addresses that do not exist). A person their own; an admin "
                  "anyone's. Example: receptionctl staff calendar li.na --new")
@output_options
def calendar(
    ctx: typer.Context,
    user: UserArg,
    new: Annotated[bool, typer.Option("--new", help="Make a new address (the old one stops working) and print "
                                      "it; it is kept only hashed and never shown again.")] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="End the address: whoever holds it gets nothing "
                                         "more.")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="LANG", help="With --new: the language of "
                                                "the calendar, zh-CN or en (default: this run's).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl import i18n
    from receptionctl.domain.core import policy
    from receptionctl.domain.people import feeds
    from receptionctl.errors import BadInput
    from receptionctl.render.output import print_fields, say, warn

    if new and revoke:
        raise BadInput(_("--new and --revoke together: expected one of them"))
    if lang is not None and not new:
        raise BadInput(_("--lang is for --new: the language of a new address"))
    st = state(ctx)
    with st.session(write=new or revoke) as session:
        if new:
            base = policy.load(session)["web_url"]
            view = feeds.make(session, st.actor, user, base, lang or ("zh-CN" if i18n.chinese() else "en"))
        elif revoke:
            view = feeds.revoke(session, st.actor, user)
        else:
            view = feeds.state(session, st.actor, user)
            misses = _misses(session, st.actor)
    if new:
        out.done(view, lambda v: v.url)
        if not base and not out.json:
            warn(_("policy web_url is not set: put the web front desk's address before this path, or set it "
                   "(`receptionctl policy set web_url https://desk.example.com`)"))
        return
    if revoke:
        out.done(view, _("calendar address of {user} revoked").format(user=view.username))
        return
    fields = {**view.__dict__, "failed_requests": misses.__dict__ if misses else None}
    fields.pop("url")

    def text() -> None:
        if view.created_at is None:
            say(_("{user} has no calendar address").format(user=view.username))
        else:
            print_fields([(N_("username"), view.username), (N_("made"), view.created_at),
                          (N_("made by"), view.created_by), (N_("language"), view.lang)])
        if misses is not None:
            say(_("requests for addresses that do not exist: {hour} in the last hour, {day} in the last 24 hours, "
                  "{week} in the last 7 days").format(**misses.__dict__))

    out.show(fields, text)


def _misses(session, actor: str):
    """The failed calendar requests, for an admin; None for anyone else."""
    from receptionctl.domain.core import access
    from receptionctl.domain.people import feeds

    who = access.find_actor(session, actor)
    return feeds.misses(session, actor) if who is not None and "admin" in who.roles else None
