"""The company policy and the procedure."""


from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, chinese, code

policy_app = Typer(rich_markup_mode=None, help="The company policy: every number of the procedure.", no_args_is_help=True)
procedure_app = Typer(rich_markup_mode=None, help="The procedure: what must be done, by whom, by when; versioned.",
                      no_args_is_help=True)


@policy_app.command("show", help="Show every policy setting, its value, default and source. "
                    "Example: receptionctl policy show --json")
@output_options(wide=True)
def policy_show(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.core import policyedit

    with state(ctx).session() as session:
        views = policyedit.show(session)
    out.show({v.key: v.value for v in views}, lambda: _print_policy(views, out.wide))


def _print_policy(views, wide: bool) -> None:
    """The settings as a table (`wide`: the command's --wide; else the run's setting), then the zone in force."""
    from receptionctl.domain.core import policy
    from receptionctl.render.output import print_table

    # a setting's help is an English message id (domain/core/policy.py SETTINGS), translated here
    print_table([{**v.__dict__, "value": policy.to_text(v.value), "default": policy.to_text(v.default),
                  "help": _(v.help), "source": source_name(v.source)} for v in views],
                [("key", N_("Key")), ("value", N_("Value")), ("default", N_("Default")), ("help", N_("Meaning")),
                 ("source", N_("Source")), ("updated_by", N_("Set by"))], wide=wide or None)
    from receptionctl.domain.core import clock
    from receptionctl.render.output import note

    note(_("times are read and shown in {zone} (from {source})").format(zone=clock.zone_name(),
                                                                         source=_zone_source(clock.zone_source())))


# Where a setting's default comes from, by the name of the company's document (docs/SEEDS.md), not
# its number: the user reads the rule's source, never "seed 002" (JSON keeps the stored code).
SOURCES = {"000": N_("Off-site service reception rules"), "001": N_("Reception workflow sheet"),
           "002": N_("Standard client reception procedure"), "003": N_("Service office operations manual"),
           "004": N_("Reception service management system")}


def source_name(source: str) -> str:
    """The documents a setting's default comes from, by name; a setting of the tool's own (no
    document) says so."""
    names = [_(SOURCES[part.strip()]) for part in (source or "").split(",") if part.strip() in SOURCES]
    return _(", ").join(names) if names else _("the tool's own")


# where the zone in force came from (cli.common and domain.clock say it in English): translated when shown
N_("policy work_zone"), N_("policy work_zone (default)"), N_("config file")


def _zone_source(source: str) -> str:
    if source.startswith("default (") and source.endswith(")"):
        return _("default ({zone})").format(zone=source[len("default ("):-1])
    return _(source)


@policy_app.command("set", help="Change a policy setting (admin only); the value is checked and the change audited. "
                    "Example: receptionctl policy set lead_working_days 5")
def policy_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting, as listed by `policy show`.")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    from receptionctl.domain.core import policy, policyedit
    from receptionctl.render.output import say

    st = state(ctx)
    with st.session(write=True) as session:
        view = policyedit.set_value(session, st.actor, key, value)
    say(_("policy {key} = {value}").format(key=view.key, value=policy.to_text(view.value)))


@procedure_app.command("show", help="Show the procedure in use: its tasks, owners, due offsets and conditions, "
                       "and the questions of the feedback form with their weights. "
                       "Example: receptionctl procedure show --json")
@output_options(wide=True)
def procedure_show(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.engine import current

    with state(ctx).session() as session:
        proc = current(session)
    out.show(proc, lambda: _print_procedure(proc, out.wide))


def _print_procedure(proc, wide: bool) -> None:
    from receptionctl.render.output import print_fields, print_table, task_title, text

    print_fields([(N_("procedure"), _("{name} {version} (version id {id})").format(name=proc.name,
                                                                                   version=proc.version, id=proc.id)),
                  (N_("loaded"), _("{at} by {user}").format(at=text(proc.loaded_at), user=proc.loaded_by)
                   if proc.loaded_at else None)])
    import sys

    sys.stdout.write("\n")

    def when(t) -> str:
        parts = []
        if tuple(t.levels) != (1, 2, 3):
            parts.append(_("level {levels}").format(levels="/".join(map(str, t.levels))))
        if t.purposes:
            parts.append("/".join(code(p) for p in t.purposes))
        if t.offsite_kinds:
            parts.append(_("off-site ({kind})").format(kind="/".join(code(k, "offsite") for k in t.offsite_kinds)))
        elif t.offsite is not None:
            parts.append(_("off-site") if t.offsite else _("on-site"))
        if t.nda is not None:
            parts.append(_("NDA") if t.nda else _("no NDA"))
        return _(", ").join(parts) or _("always")

    # the titles in the interface's language: in English the title, and the Chinese one beside it
    # under a Chinese header; in Chinese the Chinese title (title_zh, text_zh; else the English) alone
    zh = chinese()
    both = [] if zh else [("zh", "任务")]
    print_table([{"stage": t.stage, "key": t.key, "title": task_title(t), "zh": t.title_zh,
                  "owner": code(t.owner, "role"), "due": t.due, "when": when(t), "repeat": t.repeat}
                 for t in proc.tasks],
                [("stage", N_("Stage")), ("key", N_("Key")), ("title", N_("Task")), *both, ("owner", N_("Owner")),
                 ("due", N_("Due")), ("when", N_("Applies")), ("repeat", N_("Repeat"))], wide=wide or None)
    sys.stdout.write("\n" + _("The feedback form (feedback add --answer KEY=VALUE):") + "\n")
    both = [] if zh else [("zh", "问题")]
    print_table([{"key": q.key, "kind": code(q.kind, "question"), "weight": q.weight,
                  "text": (q.text_zh or q.text) if zh else q.text, "zh": q.text_zh}
                 for q in proc.questions],
                [("key", N_("Key")), ("kind", N_("Kind")), ("weight", N_("Weight")), ("text", N_("Question")),
                 *both], wide=wide or None)


class Method(str, Enum):
    reprint = "reprint"
    circular = "circular"
    amend = "amend"


VersionArg = Annotated[Optional[int], typer.Argument(
    metavar="[VERSION_ID]", parser=record_id, show_default=False,
    help="A procedure version id, as `procedure history` lists them; default: the version in use.")]


@procedure_app.command("load", short_help="Load a procedure file for new visits (admin).", help="Validate a procedure file (TOML) and make it the one in use for new visits "
                       "(admin). The reason is required and kept with the version, with the chapter and page of "
                       "the manual and how the change was issued; what changed against the version before is "
                       "worked out and stored. The staff whose tasks changed each get a task to read it, due "
                       "in the policy's procedure_ack_days working days, closed by `procedure ack`. --default "
                       "loads the default procedure shipped with this receptionctl (how a database made by an "
                       "older one adopts the new default). "
                       "Example: receptionctl procedure load my-procedure.toml --reason \"agenda approved two "
                       "days earlier\" --chapter 3 --page 12 --method circular")
@output_options
def procedure_load(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", show_default=False,
                                        help="Why the procedure changes (required; kept in the change record).")],
    file: Annotated[Optional[str], typer.Argument(metavar="[FILE]", show_default=False,
                                                  help="The procedure file; see CLI.md for its keys.")] = None,
    chapter: Annotated[Optional[str], typer.Option("--chapter", metavar="TEXT",
                                                   help="The chapter of the manual the change is in.")] = None,
    page: Annotated[Optional[str], typer.Option("--page", metavar="TEXT",
                                                help="The page (or pages) of the manual the change is on.")] = None,
    method: Annotated[Method, typer.Option(
        "--method", case_sensitive=False,
        help="How the change is issued: reprint = the manual is reprinted whole; circular = a "
             "head-office circular is attached to the manual; amend = a simple change made in place and noted "
             "in the record.")] = Method.amend,
    shipped: Annotated[bool, typer.Option("--default", help="Load the default procedure shipped with this "
                                          "receptionctl instead of a FILE.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.core import clock
    from receptionctl.domain.engine import summary_line
    from receptionctl.domain.records import manual

    if (file is None) == (not shipped):
        raise typer.BadParameter(_("expected a procedure FILE or --default, one of them"), param_hint="FILE")
    if shipped:
        from receptionctl.domain.engine.procedure import default_path

        file = str(default_path())
    st = state(ctx)
    with st.session(write=True) as session:
        view = manual.load(session, st.actor, file, reason, chapter=chapter, page=page, method=method.value)
    values = {"name": view.name, "version": view.version, "tasks": view.tasks, "questions": view.questions,
              "id": view.id, "summary": summary_line(view.changes, translate=True)}
    if view.asked:
        said = _("procedure {name} {version} loaded ({tasks} tasks, {questions} feedback questions, version id {id}); "
                 "it applies to visits recorded from now on; changes: {summary}; {n} asked to read it by {due}: "
                 "{people}").format(**values, n=len(view.asked), due=f"{clock.local(view.due_at):%Y-%m-%d %H:%M}",
                                    people=_(", ").join(view.asked))
    else:
        said = _("procedure {name} {version} loaded ({tasks} tasks, {questions} feedback questions, version id {id}); "
                 "it applies to visits recorded from now on; changes: {summary}; nobody asked to read it").format(
            **values)
    out.done(view, said)


HISTORY_COLUMNS = [("id", N_("ID")), ("name", N_("Procedure")), ("version", N_("Version")), ("tasks", N_("Tasks")),
                   ("loaded_at", N_("Loaded")), ("loaded_by", N_("procedure|By")), ("reason", N_("Reason")),
                   ("where", N_("Chapter/page")), ("method", N_("Method")), ("summary", N_("Changes")),
                   ("readers", N_("Read")), ("file", N_("File")), ("visits", N_("Visits")), ("in_use", "")]


def _reason(v) -> str | None:
    """The reason of a version: as given, but the one init stores (English) shown translated."""
    from receptionctl.domain.engine.procedure import INIT_REASON

    return _(v.reason) if v.reason == INIT_REASON else v.reason


def _where(v) -> str:
    """Where in the manual: "ch. 3 p. 12", "ch. 3", or the page alone (in Chinese "第 12 页")."""
    if v.chapter:
        return (_("ch. {chapter} p. {page}") if v.page else _("ch. {chapter}")).format(chapter=v.chapter, page=v.page)
    if v.page:
        return _("p. {page}").format(page=v.page) if chinese() else v.page
    return ""


@procedure_app.command("history", help="The procedure's change record: every version loaded, when, by whom, why, "
                       "where in the manual (chapter, page), how it was issued, what changed in one line "
                       "(+ tasks added, − removed, retimed, reworded, reassigned, conditions, questions), how "
                       "many were asked to read it and have, how many visits use it. With VERSION_ID: that "
                       "version's detail, each change with its old and new value. --json: the full record. "
                       "Example: receptionctl procedure history 2")
@output_options(wide=True)
def procedure_history(
    ctx: typer.Context,
    version_id: Annotated[Optional[int], typer.Argument(
        metavar="[VERSION_ID]", parser=record_id, show_default=False,
        help="Show this version's changes in detail (old and new value of each).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.engine import summary_line
    from receptionctl.domain.records import manual

    with state(ctx).session() as session:
        found = manual.version(session, version_id) if version_id is not None else manual.history(session)
    if version_id is None:
        # the method (reprint, circular, amend) is a stored code: code|method|reprint, ...
        out.table(found, HISTORY_COLUMNS, rows=lambda: [
            {**v.__dict__, "in_use": _("in use") if v.in_use else "", "where": _where(v), "reason": _reason(v),
             "method": code(v.method, "method"), "summary": summary_line(v.changes, translate=True),
             "readers": f"{v.read}/{v.asked}" if v.asked else (str(v.read) if v.read else "")} for v in found])
    else:
        out.show(found, lambda: _print_version(found, out.wide))


def _print_version(v, wide: bool) -> None:
    """One version of the procedure: its record, then each change with its old and new value."""
    import sys

    from receptionctl.domain.engine import summary_line
    from receptionctl.domain.records import manual
    from receptionctl.render.output import print_fields, print_table, text

    heading = (_("{name} {version} (version id {id}) — in use") if v.in_use
               else _("{name} {version} (version id {id})")).format(name=v.name, version=v.version, id=v.id)
    loaded = (_("{at} by {user} from {file}") if v.file else _("{at} by {user}")).format(
        at=text(v.loaded_at), user=v.loaded_by, file=v.file)
    print_fields([(N_("procedure"), heading), (N_("loaded"), loaded), (N_("reason"), _reason(v)),
                  (N_("chapter"), v.chapter), (N_("page"), v.page), (N_("method"), code(v.method, "method")),
                  (N_("changes"), summary_line(v.changes, translate=True)),
                  (N_("read"), _("{read} (asked {asked})").format(read=v.read, asked=v.asked)),
                  (N_("visits"), v.visits)])
    rows = manual.change_rows(v.changes)
    if rows:
        sys.stdout.write("\n")
        print_table(rows, [("what", N_("change|What")), ("key", N_("Key")), ("change", N_("Change")),
                           ("field", N_("Field")), ("old", N_("change|Before")), ("new", N_("change|After"))],
                    wide=wide or None)


@procedure_app.command("ack", help="Say you have read a procedure version (default: the one in use): recorded "
                       "once per person and version, and your task to read it closes (it does not close with "
                       "`task done`). Acknowledging again changes nothing and says when you did. "
                       "Example: receptionctl procedure ack 2")
@output_options
def procedure_ack(ctx: typer.Context, version_id: VersionArg = None, *, out: Output) -> None:
    from receptionctl.domain.core import clock
    from receptionctl.domain.records import manual
    from receptionctl.render.output import note

    st = state(ctx)
    with st.session(write=True) as session:
        view = manual.ack(session, st.actor, version_id)
    values = {"name": view.name, "version": view.version, "id": view.version_id, "user": view.username,
              "at": f"{clock.local(view.at):%Y-%m-%d %H:%M}"}
    if view.already:
        out.done(view, _("procedure {name} {version} (version id {id}): {user} read it already ({at}); nothing "
                         "changed").format(**values))
        return
    said = (_("procedure {name} {version} (version id {id}): read by {user}, {at}; your task to read it is done")
            if view.task_closed else _("procedure {name} {version} (version id {id}): read by {user}, {at}"))
    out.done(view, said.format(**values))
    if not view.asked:
        note(_("{user} was not asked to read version id {id}; recorded all the same").format(**values))


@procedure_app.command("readers", short_help="Who has read a procedure version, and who has not.", help="Who was asked to read a procedure version (default: the one in use), who "
                       "has read it and when, who has not (overdue: past the time given; superseded: asked to "
                       "read a newer version instead). Example: receptionctl procedure readers 2 --json")
@output_options(wide=True)
def procedure_readers(ctx: typer.Context, version_id: VersionArg = None, *, out: Output) -> None:
    from receptionctl.domain.records import manual

    with state(ctx).session() as session:
        view = manual.readers(session, version_id)
    out.show(view, lambda: _print_readers(view, out.wide))


def _print_readers(view, wide: bool) -> None:
    from receptionctl.render.output import note, print_table

    # a reader's state (read, not read, overdue, superseded) is a code: code|reader|read, ...
    print_table([{**p.__dict__, "asked": _("yes") if p.asked else _("no"), "state": code(p.state, "reader")}
                 for p in view.people],
                [("username", N_("User")), ("name", N_("Name")), ("asked", N_("Asked")), ("due_at", N_("Due")),
                 ("read_at", N_("Read")), ("state", N_("State"))], wide=wide or None)
    note(_("procedure {name} {version} (version id {id}): {asked} asked, {read} read, {unread} not yet").format(
        name=view.name, version=view.version, id=view.version_id, asked=view.asked, read=view.read,
        unread=view.unread))
