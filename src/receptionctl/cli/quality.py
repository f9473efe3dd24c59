"""Quality and safety: inspections and their corrective tasks, emergency drills."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    DAY_FORMS,
    WHEN_FORMS,
    LimitOpt,
    complete_user,
    day,
    day_window,
    record_id,
    state,
    when,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import DrillKind, InspectionArea
from receptionctl.i18n import N_, _, code, ngettext

inspect_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                    help="Inspections and quality checks: the process followed, the facilities, the records, the "
                         "emergency plans, safety, dress; their findings and the tasks that correct them.")
drill_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                  help="Emergency drills: fire, evacuation, medical, equipment failure; who took part and the "
                       "headcount against the on-site roll call.")

InspectionArg = Annotated[int, typer.Argument(metavar="INSPECTION", parser=record_id, help="The inspection id.")]
FromOpt = Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="From this day on (inclusive). "
                                                + DAY_FORMS)]
ToOpt = Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Up to this day (inclusive). "
                                              + DAY_FORMS)]

INSPECTION_COLUMNS = [("id", N_("ID")), ("at", N_("When")), ("area", N_("Area")), ("inspector", N_("Inspector")),
                      ("visit_id", N_("Visit")), ("score", N_("Score")), ("findings", N_("Findings")),
                      ("open_findings", N_("Open")), ("overdue_findings", N_("Overdue"))]
FINDING_COLUMNS = [("number", N_("No.")), ("text", N_("Finding")), ("state", N_("State")), ("task_id", N_("Task")),
                   ("owner", N_("Owner")), ("due_at", N_("Due")), ("done_at", N_("Done"))]
DRILL_COLUMNS = [("id", N_("ID")), ("day", N_("Day")), ("kind", N_("Kind")), ("people", N_("People")),
                 ("counted", N_("Counted")), ("roll_call", N_("Roll call")), ("unaccounted", N_("Unaccounted")),
                 ("notes", N_("Notes"))]


@inspect_app.command("add", help="Record an inspection (quality control; ad-hoc inspections): "
                     "the area checked, the inspector, perhaps the visit, a score out of 100 and each finding (one "
                     "--finding each, numbered 1, 2, ... in that order; none when all was well). Each finding then "
                     "gets its corrective task with `inspect fix` (a coordinator, a duty manager, an approver, a desk "
                     "supervisor or an admin). Example: receptionctl inspect add --area facility --by li --score 85 "
                     "--finding \"Projector in room 3 flickers\" --finding \"Fire exit sign unlit\"")
@output_options
def add(
    ctx: typer.Context,
    area: Annotated[InspectionArea, typer.Option("--area", help="What was checked: process (the service procedure "
                                                 "followed), facility (equipment and facilities), records (forms "
                                                 "complete and filed), emergency (the emergency plans), safety, or "
                                                 "dress (uniforms and etiquette).")],
    by: Annotated[str, typer.Option("--by", metavar="USER", autocompletion=complete_user,
                                    help="The inspector: username, name, or a unique part.")],
    finding: Annotated[Optional[list[str]], typer.Option("--finding", metavar="TEXT",
                                                         help="What was found wrong (repeat for each).")] = None,
    score: Annotated[Optional[int], typer.Option("--score", metavar="N", parser=whole(0, 100),
                                                 help="The inspection's score, 0 to 100.")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id,
                                                 help="The visit it was made during.")] = None,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="When it was inspected (default now). "
                                              + WHEN_FORMS)] = None,
    notes: Annotated[Optional[str], typer.Option("--notes", help="What was checked, remarks.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.quality import inspections

    st = state(ctx)
    with st.session(write=True) as session:
        view = inspections.add_inspection(session, st.actor, area=area.value, inspector=by, findings=finding or [],
                                          score=score, visit_id=visit, at=when(at, session) if at else None,
                                          notes=notes)
    n = len(view.findings)
    said = dict(id=view.id, area=code(view.area, "area"), n=n)
    if n:
        message = ngettext("inspection {id}: {area}, {n} finding; give it a corrective task: receptionctl inspect "
                           "fix {id} 1 --owner USER --due DAY",
                           "inspection {id}: {area}, {n} findings; give each a corrective task: receptionctl "
                           "inspect fix {id} FINDING --owner USER --due DAY", n).format(**said)
    else:
        message = _("inspection {id}: {area}, nothing found wrong").format(**said)
    out.done(view, message)


@inspect_app.command("fix", help="Give a finding its corrective task: one person's, due by the end of a day; it is "
                     "on their task list and in the daily report, and closes with `task done` (`task skip --reason` "
                     "waives the finding). A finding whose task is open or done gets no second one (exit 1). "
                     "Example: receptionctl inspect fix 3 2 --owner wang --due 2026-12-10")
@output_options
def fix(
    ctx: typer.Context,
    inspection: InspectionArg,
    finding: Annotated[int, typer.Argument(metavar="FINDING", parser=record_id,
                                           help="The finding's number within the inspection (1, 2, ...).")],
    owner: Annotated[str, typer.Option("--owner", metavar="USER", autocompletion=complete_user,
                                       help="Who corrects it: username, name, or a unique part.")],
    due: Annotated[str, typer.Option("--due", metavar="DAY", help="Corrected by the end of this day (today or "
                                     "later). " + DAY_FORMS)],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.quality import inspections

    st = state(ctx)
    with st.session(write=True) as session:
        view = inspections.fix_finding(session, st.actor, inspection, finding, owner, day(due, session))
    f = next(x for x in view.findings if x.number == finding)
    from receptionctl.render.output import text

    out.done(view, _("inspection {id}, finding {number}: task {task} for {user}, due {due}").format(
        id=view.id, number=f.number, task=f.task_id, user=f.owner, due=text(f.due_at)))


@inspect_app.command("list", help="Inspections, newest first, with their findings counted: all, open (no corrective "
                     "task, or its task open) and past their task's due time. "
                     "Example: receptionctl inspect list --area facility --open")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    area: Annotated[Optional[InspectionArea], typer.Option("--area", help="Only this area.")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    open_: Annotated[bool, typer.Option("--open", help="Only inspections with an open finding.")] = False,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id,
                                                 help="Only those made during this visit.")] = None,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.quality import inspections

    st = state(ctx)
    with st.session() as session:
        lo, hi = day_window(session, start, end)
        views = inspections.list_inspections(
            session, area=area.value if area else None, open_only=open_, visit_id=visit, limit=limit, start=lo, end=hi)
    out.table(views, INSPECTION_COLUMNS, empty=N_("No inspections."),
              rows=lambda: [{**v.__dict__, "area": code(v.area, "area")} for v in views])


@inspect_app.command("show", help="An inspection whole: the area, the inspector, the score, the notes, and each "
                     "finding with its state (unassigned, open, fixed, waived) and its corrective task. "
                     "Example: receptionctl inspect show 3")
@output_options
def show(ctx: typer.Context, inspection: InspectionArg, *, out: Output) -> None:
    from receptionctl.domain.quality import inspections

    with state(ctx).session() as session:
        view = inspections.show_inspection(session, inspection)
    out.show(view, lambda: _print_inspection(view))


def _print_inspection(view) -> None:
    from receptionctl.render.output import print_fields, print_table, text

    print_fields([(N_("area"), code(view.area, "area")),
                  (N_("inspected"), _("{at} by {user}").format(at=text(view.at), user=view.inspector)),
                  (N_("visit"), view.visit_id), (N_("score"), view.score), (N_("notes"), view.notes),
                  (N_("open findings"), view.open_findings),
                  (N_("recorded"), _("{at} by {user}").format(at=text(view.recorded_at), user=view.recorded_by))],
                 title=_("Inspection {id}").format(id=view.id))
    if view.findings:
        print_table([{**f.__dict__, "state": code(f.state) + (" – " + _("OVERDUE") if f.overdue else "")}
                     for f in view.findings], FINDING_COLUMNS, wide=True)


@drill_app.command("add", help="Record an emergency drill (drilled regularly; the rescue plan): "
                   "its kind, its day (--date) or its moment (--at), who took part and what was practised and "
                   "learnt. The headcount sheet of an evacuation is the on-site roll call (`onsite --format csv`): "
                   "recorded as it ends (--at now), the drill keeps the roll call's count beside the count its "
                   "headcount found (--count) and says how many are not accounted for (a coordinator, a duty "
                   "manager, an approver, a desk supervisor, security or an admin). "
                   "Example: receptionctl drill add --kind evacuation --at now --people li,wang,chen --notes "
                   "\"Fire alarm test, building A emptied in 4 minutes\" --count 12")
@output_options
def drill_add(
    ctx: typer.Context,
    kind: Annotated[DrillKind, typer.Option("--kind", help="fire, evacuation, medical, equipment (a failure "
                                            "simulated) or other.")],
    people: Annotated[list[str], typer.Option("--people", metavar="USER[,USER…]", autocompletion=complete_user,
                                              help="The staff who took part: usernames, comma-separated or the "
                                                   "option repeated.")],
    notes: Annotated[str, typer.Option("--notes", help="What was practised, how it went, what is to improve.")],
    on: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day it was held (today or before). "
                                              + DAY_FORMS)] = None,
    at: Annotated[Optional[str], typer.Option("--at", metavar="WHEN", help="The moment it was held; `now` as it "
                                              "ends compares --count with the roll call. " + WHEN_FORMS)] = None,
    count: Annotated[Optional[int], typer.Option("--count", metavar="N", parser=whole(0, 100_000),
                                                 help="The people its headcount found at the assembly "
                                                      "point.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.quality import drills

    st = state(ctx)
    with st.session(write=True) as session:
        done = drills.add_drill(session, st.actor, kind=kind.value, people=people, notes=notes,
                                day=day(on, session) if on else None, at=when(at, session) if at else None,
                                counted=count)
    v = done.view
    said = dict(id=v.id, kind=code(v.kind, "kind"), day=v.day, n=len(v.people), counted=v.counted,
                listed=v.roll_call)
    if v.roll_call is not None and v.counted is not None:
        message = _("drill {id}: {kind}, {day}, {n} staff; the headcount found {counted}, the roll call lists "
                    "{listed}").format(**said)
    elif v.roll_call is not None:
        message = _("drill {id}: {kind}, {day}, {n} staff; the roll call lists {listed}").format(**said)
    else:
        message = _("drill {id}: {kind}, {day}, {n} staff").format(**said)
    out.done(done, message)


@drill_app.command("list", help="Emergency drills, newest first: kind, day, who took part, the headcount and the roll "
                   "call's count. Example: receptionctl drill list --from 2026-01-01")
@output_options(wide=True)
def drill_list(
    ctx: typer.Context,
    kind: Annotated[Optional[DrillKind], typer.Option("--kind", help="Only this kind.")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.quality import drills

    with state(ctx).session() as session:
        views = drills.list_drills(session, kind=kind.value if kind else None,
                                   first=day(start, session) if start else None,
                                   last=day(end, session) if end else None, limit=limit)
    out.table(views, DRILL_COLUMNS, empty=N_("No drills."))
