"""Reception plans: agenda, roles, budget, approval."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Group, Typer
from receptionctl.cli.common import WHEN_FORMS, complete_user, record_id, state, when
from receptionctl.cli.output import Output, output_options
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, short_help="Reception plans: agenda, roles, budget, approval.", help="Reception plans: agenda, who does what, budget, approval by the leadership.",
            no_args_is_help=True)


@app.command("show", help="The reception sheet: agenda, roles and backups, guests' needs, budget, NDA, approval trail. "
             "Example: receptionctl plan show 7")
@output_options
def show(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    from receptionctl.domain.visits.plans import show_plan
    from receptionctl.render.sheets import print_plan

    with state(ctx).session() as session:
        sheet = show_plan(session, visit)
    out.show(sheet, lambda: print_plan(sheet))


class _AddByDefault(Group):
    """`plan item VISIT --at … --title …` is `plan item add VISIT …`, as it always was; `list`,
    `edit` and `remove` are sub-commands (a visit id is never one of their names)."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "add", self.commands["add"], args
        return super().resolve_command(ctx, args)


item_app = Typer(cls=_AddByDefault, rich_markup_mode=None, no_args_is_help=True,
                 help="The agenda: add an item (the default: plan item VISIT --at WHEN --title TEXT), "
                      "list, edit, remove. Changing an approved plan sends it back for approval.")
app.add_typer(item_app, name="item")

ItemArg = Annotated[int, typer.Argument(metavar="ITEM", parser=record_id, help="The agenda item's id "
                                        "(see `plan item list VISIT`).")]


@item_app.command("add", help="Add an agenda item (`plan item VISIT …` says the same). Changing an approved "
                  "plan sends it back for approval. Example: receptionctl plan item add 7 --at \"12-01 10:00\" "
                  "--title Welcome --place \"Room 301\"")
@output_options
def item(
    ctx: typer.Context,
    visit: VisitArg,
    at: Annotated[str, typer.Option("--at", metavar="WHEN", help="When the item starts. " + WHEN_FORMS)],
    title: Annotated[str, typer.Option("--title", help="What happens: welcome, presentation, tour, lunch ...")],
    until: Annotated[Optional[str], typer.Option("--until", metavar="WHEN", help="When it ends (same forms as --at).")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="Where: meeting room, showroom, tour route.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", help="Who is responsible.", autocompletion=complete_user)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.plans import add_item
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_item(session, st.actor, visit, starts_at=when(at, session),
                        ends_at=when(until, session) if until else None, title=title, place=place, owner=owner)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("agenda item {item} added to visit {visit}: {title}").format(item=done.view.id, visit=visit,
                                                                                  title=done.view.title), next=step)


@app.command("assign", help="Assign a visit role to a person, with a backup (A/B roles). Warns about clashes. "
             "Example: receptionctl plan assign 7 --role host --staff li.na --backup wang")
@output_options
def assign(
    ctx: typer.Context,
    visit: VisitArg,
    role: Annotated[VisitRole, typer.Option("--role", help="The visit role.")],
    staff: Annotated[str, typer.Option("--staff", metavar="USER", help="Who plays it.", autocompletion=complete_user)],
    backup: Annotated[Optional[str], typer.Option("--backup", metavar="USER", help="Who stands in if they are absent.", autocompletion=complete_user)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.plans import assign as do_assign
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = do_assign(session, st.actor, visit, role=role.value, staff=staff, backup=backup)
        step = out.next_step(next_step, session, visit)
    out.done(done, lambda a: _assigned(visit, a), next=step)


def _assigned(visit: int, a) -> str:
    role = code(a.role, "role")
    return (_("visit {visit}: {role} {user}, backup {backup}").format(visit=visit, role=role, user=a.staff,
                                                                      backup=a.backup) if a.backup else
            _("visit {visit}: {role} {user}").format(visit=visit, role=role, user=a.staff))


@app.command("set", short_help="Set the plan's budget, meals, lodging, transport, NDA.", help="Set the plan's budget, per-person meal standard, catering, lodging, transport, NDA. "
             "Example: receptionctl plan set 7 --budget 8000 --per-person 150 --catering \"Lunch in the canteen\" --nda")
@output_options
def set_(
    ctx: typer.Context,
    visit: VisitArg,
    budget: Annotated[Optional[str], typer.Option("--budget", metavar="AMOUNT", help="The reception budget.")] = None,
    per_person: Annotated[Optional[str], typer.Option("--per-person", metavar="AMOUNT", help="Meal standard per person.")] = None,
    catering: Annotated[Optional[str], typer.Option("--catering", help="Meals and refreshments.")] = None,
    lodging: Annotated[Optional[str], typer.Option("--lodging", help="Hotel arrangements.")] = None,
    transport: Annotated[Optional[str], typer.Option("--transport", help="Pick-up, vehicles, drivers.")] = None,
    nda: Annotated[Optional[bool], typer.Option("--nda/--no-nda", help="The client signs an NDA before core technology or data is shown.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.plans import set_plan
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = set_plan(session, st.actor, visit, budget=budget, per_person=per_person, catering=catering,
                        lodging=lodging, transport=transport, nda=nda)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("plan of visit {visit} updated (plan {plan})").format(visit=visit,
                                                                           plan=code(done.view.plan_status)),
             next=step)


def _transition(ctx: typer.Context, visit: int, action: str, out: Output, **kw) -> None:
    from receptionctl.domain.core.lifecycle import state_text
    from receptionctl.domain.visits import plans
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = getattr(plans, action)(session, st.actor, visit, **kw)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("plan of visit {visit} {plan}; visit {status}").format(
        visit=visit, plan=code(done.view.plan_status), status=state_text(done.view.status)), next=step)


@app.command("submit", help="Submit the plan for approval: needs a host, an agenda item, a standard within the limit, "
             "and for level 1 a backup host. Example: receptionctl plan submit 7")
@output_options
def submit(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    _transition(ctx, visit, "submit", out)


@app.command("approve", help="Approve a submitted plan (approver role; not your own submission). "
             "Example: receptionctl plan approve 7 --note \"budget checked\"")
@output_options
def approve(ctx: typer.Context, visit: VisitArg,
            note: Annotated[Optional[str], typer.Option("--note", help="A remark for the trail.")] = None,
            *, out: Output) -> None:
    _transition(ctx, visit, "approve", out, note=note)


@app.command("reject", help="Reject a submitted plan, with a reason; it can be changed and submitted again. "
             "Example: receptionctl plan reject 7 --reason \"budget too high\"")
@output_options
def reject(ctx: typer.Context, visit: VisitArg,
           reason: Annotated[str, typer.Option("--reason", help="What must change.")],
           *, out: Output) -> None:
    _transition(ctx, visit, "reject", out, reason=reason)


ITEM_COLUMNS = [("id", N_("ID")), ("starts_at", N_("Starts")), ("ends_at", N_("Ends")), ("title", N_("Item")),
                ("place", N_("Place")), ("owner", N_("Owner"))]


@item_app.command("list", help="A visit's agenda, by start. Example: receptionctl plan item list 7")
@output_options
def item_list(ctx: typer.Context, visit: VisitArg, *, out: Output) -> None:
    from receptionctl.domain.visits.plans import list_items

    with state(ctx).session() as session:
        views = list_items(session, visit)
    out.table(views, ITEM_COLUMNS, empty=N_("No agenda items."))


@item_app.command("edit", help="Change an agenda item; \"\" clears --place or --owner. An approved plan goes "
                  "back for approval. Example: receptionctl plan item edit 12 --at \"12-01 10:30\"")
@output_options
def item_edit(
    ctx: typer.Context,
    item_id: ItemArg,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="The new start. " + WHEN_FORMS)] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="WHEN", help="The new end (same forms).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="What happens.")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="Where.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER", help="Who is responsible.", autocompletion=complete_user)] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.plans import edit_item

    st = state(ctx)
    with st.session(write=True) as session:
        done = edit_item(session, st.actor, item_id, starts_at=when(at, session) if at else None,
                         ends_at=when(until, session) if until else None, title=title, place=place, owner=owner)
    out.done(done, _("agenda item {item} changed: {title}").format(item=done.view.id, title=done.view.title))


@item_app.command("remove", help="Take an item off the agenda. An approved plan goes back for approval. "
                  "Example: receptionctl plan item remove 12")
@output_options
def item_remove(ctx: typer.Context, item_id: ItemArg, *, out: Output) -> None:
    from receptionctl.domain.visits.plans import remove_item

    st = state(ctx)
    with st.session(write=True) as session:
        done = remove_item(session, st.actor, item_id)
    out.done(done, _("agenda item {item} removed: {title}").format(item=done.view.id, title=done.view.title))


@app.command("unassign", help="Nobody plays this role on the visit any more (its tasks show it unassigned). "
             "An approved plan goes back for approval. Example: receptionctl plan unassign 7 --role guide")
@output_options
def unassign(
    ctx: typer.Context,
    visit: VisitArg,
    role: Annotated[VisitRole, typer.Option("--role", help="The visit role to free.")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.plans import unassign as do_unassign
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = do_unassign(session, st.actor, visit, role.value)
        step = out.next_step(next_step, session, visit)
    out.done(done, _("visit {visit}: {role} unassigned (was {user})").format(
        visit=visit, role=code(role.value, "role"), user=done.view.staff), next=step)
