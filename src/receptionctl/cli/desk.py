"""The front desk (seed 004): shifts, the duty log, the shift handover and its daily review."""

from enum import Enum
from typing import Annotated, List, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Group, Typer
from receptionctl.cli.common import DAY_FORMS, complete_user, day, record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, code

app = Typer(rich_markup_mode=None, no_args_is_help=True,
            short_help="The front desk: shifts, the duty log, handovers.",
            help="The front desk: shifts, the duty log, and the shift handover the incoming person may "
                 "refuse.")
shift_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                  help="Shifts: start yours, end it once its handover is accepted, see who is on duty.")
app.add_typer(shift_app, name="shift")


class LogKind(str, Enum):  # domain.desk.LOG_KINDS (the domain module is not imported at start-up)
    visitor = "visitor"
    call = "call"
    delivery = "delivery"
    repair = "repair"
    help = "help"
    security = "security"
    enquiry = "enquiry"
    other = "other"


class _AddByDefault(Group):
    """`desk log TEXT …` is `desk log add TEXT …`; `desk log list` lists. An option first
    (`desk log --kind call TEXT`) also adds."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            return "add", self.commands["add"], args
        return super().resolve_command(ctx, args)


log_app = Typer(cls=_AddByDefault, rich_markup_mode=None, no_args_is_help=True,
                context_settings={"ignore_unknown_options": True},
                help="The front-desk duty log, append-only: write an entry (the default: desk log TEXT), "
                     "or list a day's or a shift's entries.")
app.add_typer(log_app, name="log")
handover_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                     help="The shift handover: prepared by the outgoing person, accepted or refused by the "
                          "incoming one, settled by the supervisor, reviewed daily by the manager.")
app.add_typer(handover_app, name="handover")

HandoverArg = Annotated[int, typer.Argument(metavar="HANDOVER", parser=record_id, help="The handover's id.")]
DayOpt = Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day (default today). " + DAY_FORMS)]

SHIFT_COLUMNS = [("id", N_("ID")), ("user", N_("Who")), ("name", N_("Name")), ("shift", N_("Shift")),
                 ("started_at", N_("Started")), ("ended_at", N_("Ended")), ("handover", N_("Handover"))]
LOG_COLUMNS = [("id", N_("ID")), ("at", N_("When")), ("by", N_("Who")), ("shift_id", N_("Shift")), ("kind", N_("Kind")),
               ("passed", N_("Passed to")), ("flag", N_("Note")), ("text", N_("Entry"))]
HANDOVER_COLUMNS = [("id", N_("ID")), ("prepared_at", N_("Prepared")), ("shift", N_("Shift")),
                    ("from_by", N_("handover|From")), ("to_by", N_("handover|To")), ("state", N_("State")),
                    ("open", N_("Open")), ("problems", N_("Problems")), ("summary", N_("Summary"))]


def _shift_rows(views):
    return [{**v.__dict__, "shift": code(v.shift),
             "handover": f"{v.handover_id} {code(v.handover_state)}" if v.handover_id else ""}
            for v in views]


def _log_rows(views):
    rows = []
    for v in views:
        flag = []
        if v.corrects_id is not None:
            flag.append(_("corrects {entry}").format(entry=v.corrects_id))
        if v.corrected:
            flag.append(_("CORRECTED by {entries}").format(entries=", ".join(str(i) for i in v.corrected_by)))
        passed = _("{user} (task {task} {state})").format(user=v.passed_to, task=v.task_id,
                                                          state=code(v.task_state)) if v.passed_to else ""
        rows.append({**v.__dict__, "passed": passed, "flag": "; ".join(flag)})
    return rows


def _handover_rows(views):
    return [{**v.__dict__, "shift": code(v.shift), "open": len(v.open_items),
             "problems": _(", ").join(code(c.item) for c in v.problems)}
            for v in views]


def _say(view, said: str, **more) -> str:
    """What a step did to a handover, in one line: `said` is the message id (handover, state)."""
    return _(said).format(handover=view.id, state=code(view.state), **more)


# -- shifts ------------------------------------------------------------------------------------
@shift_app.command("start", help="Start your shift at the desk (desk, security, desk_supervisor). One open shift "
                   "per person. Example: receptionctl desk shift start --shift morning")
@output_options
def shift_start(ctx: typer.Context,
                shift: Annotated[Optional[str], typer.Option("--shift", metavar="NAME", help="One of the policy's "
                                                             "desk_shifts (default: the one whose hours contain "
                                                             "now).")] = None,
                *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.start_shift(session, st.actor, shift)
    out.done(view, _("shift {shift} started: {user}, {name}").format(shift=view.id, user=view.user,
                                                                      name=code(view.shift)))


@shift_app.command("end", help="End your shift. The outgoing shift stays responsible until its handover is "
                   "accepted, so this needs an accepted handover; when nobody takes over, --without-handover says "
                   "why (written in the duty log). Example: receptionctl desk shift end")
@output_options
def shift_end(ctx: typer.Context,
              without: Annotated[Optional[str], typer.Option("--without-handover", metavar="REASON",
                                                             help="End a shift that has no handover, saying "
                                                                  "why.")] = None,
              *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.end_shift(session, st.actor, without)
    said = dict(shift=view.id, user=view.user, name=code(view.shift), handover=view.handover_id)
    out.done(view, _("shift {shift} ended: {user}, {name} (handover {handover} accepted)").format(**said)
             if view.handover_id else _("shift {shift} ended: {user}, {name} (no handover)").format(**said))


@shift_app.command("list", help="The shifts started on a day, and any still open. "
                   "Example: receptionctl desk shift list --date yesterday")
@output_options(wide=True)
def shift_list(ctx: typer.Context, on: DayOpt = None, *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session() as session:
        views = desk.list_shifts(session, st.actor, day(on, session) if on else None)
    out.table(views, SHIFT_COLUMNS, rows=lambda: _shift_rows(views), empty=N_("No shifts."))


# -- the duty log --------------------------------------------------------------------------------
@log_app.command("add", help="Write an entry in the duty log (`desk log TEXT` says the same), on your open shift. "
                 "What is passed on to someone becomes their task, due at once. There is no editing: --corrects N "
                 "writes a new entry that corrects entry N. After an enquiry (--kind enquiry), the rule on what may be "
                 "told is shown: the room number only. "
                 "Example: receptionctl desk log add \"Room 502 reports a leaking tap\" --kind repair --passed-to wang")
@output_options
def log_add(ctx: typer.Context,
            text: Annotated[str, typer.Argument(help="What happened, was asked for or passed on.")],
            kind: Annotated[Optional[LogKind], typer.Option("--kind", help="What it is (default: other, or the "
                                                            "kind of the entry corrected).")] = None,
            passed_to: Annotated[Optional[str], typer.Option("--passed-to", metavar="USER", autocompletion=complete_user,
                                                             help="Passed on to this person: it becomes their "
                                                                  "task, due now.")] = None,
            corrects: Annotated[Optional[int], typer.Option("--corrects", metavar="N", parser=record_id,
                                                            help="This entry corrects entry N.")] = None,
            *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.add_entry(session, st.actor, text, kind=kind.value if kind else None, passed_to=passed_to,
                              corrects=corrects)
    said = {(False, False): N_("duty log entry {entry} written"),
            (True, False): N_("duty log entry {entry} written, passed to {user} (task {task})"),
            (False, True): N_("duty log entry {entry} written, correcting entry {corrects}"),
            (True, True): N_("duty log entry {entry} written, passed to {user} (task {task}), correcting entry "
                             "{corrects}")}[bool(view.passed_to), bool(view.corrects_id)]
    out.done(view, _(said).format(entry=view.id, user=view.passed_to, task=view.task_id,
                                  corrects=view.corrects_id))
    if view.kind == "enquiry":
        from receptionctl.domain.desk.desk import ENQUIRY_RULE
        from receptionctl.render.output import note

        note(_(ENQUIRY_RULE))


@log_app.command("list", help="The duty log of a day (default today) or of one shift; an entry corrected by a "
                 "later one is marked CORRECTED. Example: receptionctl desk log list --date yesterday")
@output_options(wide=True)
def log_list(ctx: typer.Context, on: DayOpt = None,
             shift: Annotated[Optional[int], typer.Option("--shift", metavar="ID", parser=record_id,
                                                          help="Only this shift's entries (see desk shift "
                                                               "list).")] = None,
             *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session() as session:
        views = desk.list_entries(session, st.actor, day(on, session) if on else None, shift)
    out.table(views, LOG_COLUMNS, rows=lambda: _log_rows(views))


# -- handovers -----------------------------------------------------------------------------------
@handover_app.command("prepare", help="The outgoing person's handover of their shift: a summary, what is open "
                      "(open cases, passes not returned, mail not collected, guests on site: listed automatically) "
                      "and every item of the policy's handover_checklist checked together, ITEM=ok or "
                      "ITEM=problem, with :NOTE. Example: receptionctl desk handover prepare --summary \"Quiet "
                      "morning; Acme's guests still in room 301\" --check keys=ok --check \"radios=problem:one "
                      "battery flat\" --check badge-stock=ok --check cameras=ok --check phone=ok --check logbook=ok")
@output_options
@ask.asks("summary", "check")
def handover_prepare(ctx: typer.Context,
                     summary: Annotated[str, typer.Option("--summary", help="What happened during the shift and "
                                                          "what the next one must know.")],
                     check: Annotated[List[str], typer.Option("--check", metavar="ITEM=ok|problem[:NOTE]",
                                                              help="One item of the handover checklist, checked "
                                                                   "together (repeat for each); the item and its state "
                                                                   "also in Chinese: 钥匙=正常, 对讲机=有问题:一块电池没电.")],
                     *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    if ask.enabled(ctx):  # on a terminal: the checklist item by item, then the summary
        check = list(check or ())  # None: left out
        with st.session() as session:
            todo = desk.unchecked(session, st.actor, check)
        check += _walk_checklist(todo)
        if summary is None:
            summary = ask.text(_("Summary of the shift (what happened, what the next shift must know):"))
    with st.session(write=True) as session:
        view = desk.prepare(session, st.actor, summary, check)
    if view.problems:
        said = N_("handover {handover} prepared: {state} ({n} open items, problems: {problems}); the incoming "
                  "person accepts it (`receptionctl desk handover accept {handover}`) or refuses it")
    else:
        said = N_("handover {handover} prepared: {state} ({n} open items); the incoming person accepts it "
                  "(`receptionctl desk handover accept {handover}`) or refuses it")
    out.done(view, _say(view, said, n=len(view.open_items),
                        problems=_(", ").join(code(c.item) for c in view.problems)))


def _walk_checklist(items, heading: str = N_("Handover checklist {n}/{total}: {item}")) -> list[str]:
    """Each item not checked yet, asked in turn (`heading`: the question, a message id): OK or a
    problem, and for a problem a note; the answers as --check values."""
    from receptionctl.domain.desk.desk import parse_checks

    checks = []
    for n, item in enumerate(items, 1):
        name = code(item)
        state_ = ask.choose(_(heading).format(n=n, total=len(items), item=name),
                            [("ok", _("OK")), ("problem", _("Problem"))])
        if state_ == "ok":
            checks.append(f"{item}=ok")
            continue
        note = ask.text(_("What is wrong with {item}? (Enter: no note)").format(item=name), required=False,
                        check=lambda answer, item=item: parse_checks([f"{item}=problem:{answer}"], (item,)))
        checks.append(f"{item}=problem:{note}" if note else f"{item}=problem")
    return checks


@handover_app.command("accept", help="The incoming person takes over (recorded with your name and the time, beside "
                      "the outgoing person's). Without HANDOVER: the one waiting. "
                      "Example: receptionctl desk handover accept 4")
@output_options
def handover_accept(ctx: typer.Context,
                    handover: Annotated[Optional[int], typer.Argument(metavar="[HANDOVER]", parser=record_id,
                                                                      help="The handover (default: the one "
                                                                           "waiting).")] = None,
                    *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.accept(session, st.actor, handover)
    out.done(view, _say(view, N_("handover {handover} accepted by {user}: {state}; {outgoing} may end their "
                                 "shift"), user=view.to_by, outgoing=view.from_by))


@handover_app.command("refuse", help="Refuse to take over while a question has no clear answer: the outgoing shift "
                      "stays responsible, the supervisor gets a task at once and settles it. "
                      "Example: receptionctl desk handover refuse 4 --question \"Key 12 is missing from the cabinet\"")
@output_options
def handover_refuse(ctx: typer.Context,
                    question: Annotated[str, typer.Option("--question", help="What was not answered or not in "
                                                          "order.")],
                    handover: Annotated[Optional[int], typer.Argument(metavar="[HANDOVER]", parser=record_id,
                                                                      help="The handover (default: the one "
                                                                           "waiting).")] = None,
                    *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.refuse(session, st.actor, question, handover)
    out.done(view, _say(view, N_("handover {handover} refused by {user}: {state}; {outgoing}'s shift stays "
                                 "responsible until the supervisor settles it"), user=view.to_by,
                        outgoing=view.from_by))


@handover_app.command("settle", help="The supervisor has dealt with a refused handover (desk_supervisor or admin); "
                      "the incoming person may then accept it. "
                      "Example: receptionctl desk handover settle 4 --note \"key 12 was with the cleaner; returned\"")
@output_options
def handover_settle(ctx: typer.Context, handover: HandoverArg,
                    note: Annotated[str, typer.Option("--note", help="How the question was answered.")],
                    *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.settle(session, st.actor, handover, note)
    out.done(view, _say(view, N_("handover {handover} settled by {user}: {state}; the incoming person may "
                                 "accept it now"), user=view.settled_by))


@handover_app.command("list", help="The handovers prepared on a day, with their state. "
                      "Example: receptionctl desk handover list --date yesterday")
@output_options(wide=True)
def handover_list(ctx: typer.Context, on: DayOpt = None, *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session() as session:
        views = desk.list_handovers(session, st.actor, day(on, session) if on else None)
    out.table(views, HANDOVER_COLUMNS, rows=lambda: _handover_rows(views), empty=N_("No handovers."))


@handover_app.command("show", help="A handover whole: the summary, what was open, the checklist, both "
                      "signatures, a refusal and its settlement. Example: receptionctl desk handover show 4")
@output_options
def handover_show(ctx: typer.Context, handover: HandoverArg, *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session() as session:
        v = desk.show_handover(session, st.actor, handover)
    out.show(v, lambda: _print_handover(v))


def _print_handover(v) -> None:
    from receptionctl.render.output import print_fields, print_table, say, text

    by = _("{at} by {user}")
    print_fields([
        (N_("handover"), _("{handover}: {shift} shift {shift_id}").format(handover=v.id, shift=code(v.shift),
                                                                          shift_id=v.shift_id)),
        (N_("state"), code(v.state)),
        (N_("prepared"), by.format(at=text(v.prepared_at), user=v.from_by)), (N_("summary"), v.summary),
        (N_("accepted"), by.format(at=text(v.accepted_at), user=v.to_by) if v.accepted_at else None),
        (N_("refused"), _("{at}: {question}").format(at=text(v.refused_at), question=v.question) if v.refused_at
         else None),
        (N_("settled"), _("{at} by {user}: {note}").format(at=text(v.settled_at), user=v.settled_by,
                                                           note=v.settlement) if v.settled_at else None),
    ], title=_("Handover {handover}").format(handover=v.id))
    say("")
    print_table([{"item": code(c.item), "state": code("ok") if c.ok else _("PROBLEM"), "note": c.note}
                 for c in v.checks],
                [("item", N_("Item")), ("state", N_("State")), ("note", N_("Note"))], title=_("Checked together"),
                wide=True)
    if v.open_items:
        say("")
        print_table(v.open_items, [("kind", N_("Kind")), ("id", N_("ID")), ("text", N_("Open"))],
                    title=_("Open at the handover"), wide=True)


@handover_app.command("review", short_help="The manager's daily review of the day's handovers.", help="The manager's daily review of a day's handovers (desk_supervisor or admin), "
                      "recorded once per day; a day not reviewed within the policy's handover_review_hours of its "
                      "end is an alert in the daily report. "
                      "Example: receptionctl desk handover review yesterday --note \"radios: order batteries\"")
@output_options
def handover_review(ctx: typer.Context,
                    on: Annotated[str, typer.Argument(metavar="DAY", help="The day reviewed. " + DAY_FORMS)],
                    note: Annotated[Optional[str], typer.Option("--note", help="The manager's remarks.")] = None,
                    *, out: Output) -> None:
    from receptionctl.domain.desk import desk

    st = state(ctx)
    with st.session(write=True) as session:
        view = desk.review(session, st.actor, day(on, session), note)
    out.show(view, lambda: _print_review(view))


def _print_review(view) -> None:
    from receptionctl.render.output import print_table, say

    print_table(_handover_rows(view.handovers), HANDOVER_COLUMNS, title=_("Handovers of {day}").format(day=view.day))
    said = dict(day=view.day, user=view.reviewed_by, note=view.note)
    say(_("handovers of {day} reviewed by {user}: {note}").format(**said) if view.note
        else _("handovers of {day} reviewed by {user}").format(**said))


# -- before and after hours (seed 003: the duty management checklist) ---------------------------
CheckOpt = Annotated[List[str], typer.Option(
    "--check", metavar="ITEM=ok|problem[:NOTE]",
    help="One item of the policy's checklist (desk_open_checklist or desk_close_checklist), checked (repeat for "
         "each); the item and its state also in Chinese: 灯光=正常, 电脑=有问题:开不了机.")]
CheckNoteOpt = Annotated[Optional[str], typer.Option("--note", help="Anything else the next person must know.")]
CHECK_HEADINGS = {"open": N_("Opening checklist {n}/{total}: {item}"),
                  "close": N_("Closing checklist {n}/{total}: {item}")}


def _desk_check(ctx: typer.Context, kind: str, check, note, out: Output) -> None:
    """`desk open` and `desk close`: the checklist (asked item by item on a terminal for what
    --check left out), recorded once a day."""
    from receptionctl.domain.desk import duties

    st = state(ctx)
    if ask.enabled(ctx):
        check = list(check or ())
        with st.session() as session:
            todo = duties.unchecked(session, st.actor, kind, check)
        check += _walk_checklist(todo, CHECK_HEADINGS[kind])
    with st.session(write=True) as session:
        view = duties.check(session, st.actor, kind, check or (), note)
    said = {("open", False): N_("the desk is open for {day}: {n} items checked by {user}"),
            ("open", True): N_("the desk is open for {day}: {n} items checked by {user}; problems: {problems}"),
            ("close", False): N_("the desk is closed for {day}: {n} items checked by {user}"),
            ("close", True): N_("the desk is closed for {day}: {n} items checked by {user}; problems: {problems}")}
    out.done(view, _(said[kind, bool(view.problems)]).format(
        day=view.day, n=len(view.checks), user=view.by, problems=_(", ").join(code(c.item) for c in view.problems)))


@app.command("open", help="Open the desk before hours (the duty management checklist): every item of "
             "the policy's desk_open_checklist checked, ITEM=ok or ITEM=problem with :NOTE; once a day, recorded "
             "with your name, the time and your shift. On a terminal the items left out are asked in turn. "
             "Example: receptionctl desk open --check appearance=ok --check counter=ok --check lights=ok "
             "--check computer=ok --check phone=ok --check \"radios=problem:one battery flat\" "
             "--check badge-stock=ok --check logbook=ok")
@output_options
@ask.asks("check")
def desk_open(ctx: typer.Context, check: CheckOpt, note: CheckNoteOpt = None, *, out: Output) -> None:
    _desk_check(ctx, "open", check, note, out)


@app.command("close", help="Close the desk after hours: every item of the policy's "
             "desk_close_checklist checked, as desk open does; once a day. A day opened and not closed is an "
             "alert in the daily report. Example: receptionctl desk close --check passes=ok --check mail=ok "
             "--check keys=ok --check radios=ok --check computer=ok --check lights=ok --check doors=ok "
             "--check logbook=ok")
@output_options
@ask.asks("check")
def desk_close(ctx: typer.Context, check: CheckOpt, note: CheckNoteOpt = None, *, out: Output) -> None:
    _desk_check(ctx, "close", check, note, out)


@app.command("day", help="A day at the desk: its opening and closing checklists (who, when, each item and its "
             "problems), its shifts, how many duty-log entries and handovers it had. "
             "Example: receptionctl desk day --date yesterday")
@output_options
def desk_day(ctx: typer.Context, on: DayOpt = None, *, out: Output) -> None:
    from receptionctl.domain.desk import duties

    st = state(ctx)
    with st.session() as session:
        view = duties.day_view(session, st.actor, day(on, session) if on else None)
    out.show(view, lambda: _print_day(view))


def _print_day(v) -> None:
    from receptionctl.render.output import print_fields, print_table, say, text

    def line(c) -> str | None:
        if c is None:
            return _("not done")
        said = _("{at} by {user}").format(at=text(c.at), user=c.by)
        if c.problems:
            said += _(", problems: {problems}").format(problems=_(", ").join(code(p.item) for p in c.problems))
        return said

    print_fields([(N_("day"), v.day), (N_("opening"), line(v.opening)), (N_("closing"), line(v.closing)),
                  (N_("duty log"), v.log_entries), (N_("handovers"), v.handovers)],
                 title=_("The desk on {day}").format(day=v.day))
    for title, c in ((N_("Opening checklist"), v.opening), (N_("Closing checklist"), v.closing)):
        if c is None:
            continue
        say("")
        print_table([{"item": code(x.item), "state": code("ok") if x.ok else _("PROBLEM"), "note": x.note}
                     for x in c.checks], [("item", N_("Item")), ("state", N_("State")), ("note", N_("Note"))],
                    title=_(title), wide=True)
        if c.note:
            say(_("note: {note}").format(note=c.note))
    if v.shifts:
        say("")
        print_table(_shift_rows(v.shifts), SHIFT_COLUMNS, title=_("Shifts"), wide=True)
