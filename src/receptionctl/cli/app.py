"""The root command: global options, the error contract, the sub-commands."""

import os
import sys
from typing import Annotated, Any, Optional

import typer

from receptionctl import __version__
from receptionctl.cli import (
    admin,
    attachments,
    batch,
    care,
    cases,
    clients,
    desk,
    documents,
    exports,
    followups,
    measures,
    notify,
    passes,
    plans,
    policy,
    quality,
    reception,
    reports,
    retention,
    serve,
    staff,
    tasks,
    visits,
)
from receptionctl.cli import config as config_cli
from receptionctl.cli.base import Command, Group, Typer
from receptionctl.cli.common import State, config_to_mend, configure_clock, resolve_actor, resolve_db
from receptionctl.i18n import N_


def _debug() -> bool:
    return os.environ.get("RECEPTIONCTL_DEBUG", "") not in ("", "0", "false", "no")


def _fail(message: str, hint: str | None, code: int) -> None:
    from receptionctl.i18n import _

    sys.stderr.write(_("error: {message}").format(message=message) + "\n")
    if hint:
        sys.stderr.write(_("hint: {hint}").format(hint=hint) + "\n")
    sys.stderr.flush()
    raise SystemExit(int(code))


# The top-level help, by stage (what a coordinator looks for first comes first).
PANELS = (
    (N_("Before the visit"), ("client", "contact", "visit", "plan", "checklist", "task")),
    (N_("During the visit"), ("checkin", "checkout", "onsite", "incident", "note")),
    (N_("After the visit"), ("feedback", "outcome", "evaluate", "followup", "care")),
    (N_("Front desk and cases"), ("case", "log", "desk", "pass", "goods", "mail")),
    (N_("Reports"), ("report", "audit", "export", "deduct", "deductions", "reward", "rewards", "training")),
    (N_("Quality and safety"), ("inspect", "drill")),
    (N_("Records"), ("attach", "doc", "retention", "hold", "person")),
    (N_("Administration"), ("init", "config", "db", "staff", "policy", "procedure", "notify", "batch", "serve")),
)


# The command groups (visit, plan, case, ...) are built when they are used, not all at once:
# building every command's parameters costs more than the rest of a command's start-up.
LAZY: dict[str, typer.Typer] = {}
ORDER: list[str] = []  # every top-level name, in the order registered


def _lazy(name: str, group: typer.Typer) -> None:
    LAZY[name] = group
    ORDER.append(name)


class ReceptionGroup(Group):
    """Runs the command and turns every failure into one `error:` line and an exit code. Its
    sub-command groups are built on first use (LAZY); `commands` holds those built so far,
    `build(eager=True)` builds them all."""

    def list_commands(self, ctx) -> list[str]:
        eager = list(self.commands)
        return [n for n in ORDER if n in self.commands or n in LAZY] + [n for n in eager if n not in ORDER]

    def get_command(self, ctx, name: str):
        command = self.commands.get(name)
        if command is None and name in LAZY:
            import typer.main

            command = typer.main.get_group(LAZY[name])  # a group even when it has one command
            command.name = name
            self.commands[name] = command
        if command is not None:
            from receptionctl.cli.translate import translate_tree

            translate_tree(command)  # its help in the run's language
        return command

    def _listing(self, ctx, name: str, limit: int) -> str:
        """A command's line in the listing, without building a lazy group for it."""
        if name not in self.commands and name in LAZY:
            from receptionctl.cli.translate import help_text

            # a command that holds only the group's help and short help: its listing line, by the same rule
            info = LAZY[name].info
            return Command(name, help=help_text(info.help or ""),
                           short_help=help_text(info.short_help) if info.short_help else None).get_short_help_str(limit)
        command = self.get_command(ctx, name)
        return "" if command is None or command.hidden else command.get_short_help_str(limit)

    def format_commands(self, ctx, formatter) -> None:
        """The commands in panels by stage (PANELS), plain text: no rich at start-up."""
        names = self.list_commands(ctx)
        placed = {n for _, group in PANELS for n in group}
        panels = [*PANELS, (N_("Other"), tuple(n for n in names if n not in placed))]
        width = max((len(n) for n in names), default=0)
        limit = formatter.width - 6 - width
        from receptionctl.i18n import _

        for title, group in panels:
            title = _(title)
            rows = []
            for name in group:
                if name in names:
                    rows.append((name.ljust(width), self._listing(ctx, name, limit)))  # one column for all
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any):
        from receptionctl.errors import ReceptionError

        try:
            _language(sys.argv[1:] if args is None else list(args))
            from receptionctl.cli.translate import translate_tree

            translate_tree(self)
            rv = super().main(
                args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra
            )
        except ReceptionError as exc:
            if _debug():
                import traceback

                traceback.print_exc()
            _fail(exc.message, exc.hint, exc.code)
        except typer.TyperException as exc:  # usage errors: unknown option, bad choice, missing argument
            ctx = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
                sys.stdout.write(ctx.get_help() + "\n")  # a bare group: its help, not an error
                raise SystemExit(0)
            from receptionctl.cli.translate import usage_error
            from receptionctl.i18n import _

            hint = None
            if ctx is not None:
                hint = _("see `{command} --help`").format(command=ctx.command_path)
            _fail(usage_error(exc.format_message().replace("Value error, ", "")), hint, getattr(exc, "exit_code", 2))
        except typer.Abort:
            from receptionctl.i18n import _

            _fail(_("aborted"), None, 1)
        except BrokenPipeError:
            # the reader went away (`| head`): not an error of ours
            sys.stderr.close()
            raise SystemExit(0)
        except Exception as exc:  # a bug: say so in one line, traceback on demand
            if _debug():
                raise
            from receptionctl.i18n import _

            first = (str(exc).strip().splitlines() or [""])[0]
            _fail(_("unexpected {error}: {text}").format(error=type(exc).__name__, text=first),
                  _("run again with RECEPTIONCTL_DEBUG=1 for a traceback"), 1)
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            raise SystemExit(code)
        return code


def _language(args: list[str]) -> None:
    """The run's language, before anything is parsed or shown: --lang (wherever it is on the line),
    RECEPTIONCTL_LANG, the config file's lang, the locale (cli.common.resolve_lang)."""
    from receptionctl import i18n
    from receptionctl.cli.common import resolve_lang
    from receptionctl.errors import ReceptionError

    option = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            option = args[i + 1]
        elif arg.startswith("--lang="):
            option = arg.split("=", 1)[1]
    try:
        lang = resolve_lang(option)
    except ReceptionError:
        if option or os.environ.get("RECEPTIONCTL_LANG"):
            raise  # a bad --lang or RECEPTIONCTL_LANG is this run's error
        # a broken config file: the locale's language for now; the command itself reports the file
        # (and `config set|unset|path` can mend it)
        lang = i18n.from_locale() or i18n.DEFAULT
    i18n.setup(lang)  # the help's words follow it (cli/base.py's Context and its formatter)


app = Typer(
    cls=ReceptionGroup,
    name="receptionctl",
    help="Run a company's client-reception procedure: before, during and after each visit.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},  # sub-commands inherit it
    add_completion=True,  # --install-completion, --show-completion; names and ids complete from the database
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help renderer costs more start-up than the rest of --help
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"receptionctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            metavar="PATH_OR_URL",
            help="Database: a SQLite file path or a SQLAlchemy URL. Default: $RECEPTIONCTL_DB, else the config "
            "file's db (see `config show`), else reception.db in the user data folder.",
        ),
    ] = None,
    as_user: Annotated[
        Optional[str],
        typer.Option("--as", metavar="USERNAME", help="Act as this staff member. Default: $RECEPTIONCTL_USER, else the config file's user, else the login name."),
    ] = None,
    tz: Annotated[
        Optional[str],
        typer.Option(
            "--tz",
            metavar="ZONE",
            help="Read and show times in this IANA time zone for this run. Default: $RECEPTIONCTL_TZ, "
            "else the config file's tz, else the policy's work_zone (Asia/Shanghai unless set); never the machine's zone.",
        ),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option("--lang", metavar="LANG", help="The interface language: en, zh-CN (Simplified Chinese) or zh-TW. "
                     "Default: $RECEPTIONCTL_LANG, else the config file's lang, else the locale (LANG=zh_CN.UTF-8 "
                     "is zh-CN), else en. Stored codes and JSON keys never change with it."),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option("--wide", help="On a terminal, show long text in tables whole, wrapped in its column, instead of "
                     "shortened with '…'. Default: $RECEPTIONCTL_WIDE. Piped output is never shortened."),
    ] = False,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never ask for missing input: on a terminal too, a missing option is an "
                     "error (exit 2), as in a script. Default: $RECEPTIONCTL_NO_INPUT. Off a terminal nothing is "
                     "ever asked."),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    config = config_to_mend() if ctx.invoked_subcommand == "config" else None  # else read when needed
    configure_clock(tz, config)
    from receptionctl.render import output

    output.configure(wide=wide or os.environ.get("RECEPTIONCTL_WIDE", "").strip().lower() not in ("", "0", "false", "no", "off"),
                     styled=not os.environ.get("NO_COLOR"))  # no-color.org: set and not empty
    ctx.obj = State(db_target=resolve_db(db, config), actor=resolve_actor(as_user, config), no_input=no_input)
    ctx.call_on_close(ctx.obj.close)  # the run's connections closed when it ends (in-process runs too)


ORDER.append("init")
app.command("init", short_help="Create or upgrade the database; load the defaults.", help="Create or upgrade the database, load the default policy, and register "
            "the acting user as admin when the staff table is empty. Idempotent. "
            "Example: receptionctl init")(admin.init)
_lazy("db", admin.db_app)
_lazy("config", config_cli.app)
_lazy("staff", staff.app)
_lazy("client", clients.client_app)
_lazy("contact", clients.contact_app)
_lazy("visit", visits.app)
_lazy("plan", plans.app)
ORDER.append("checklist")
app.command("checklist", short_help="A visit's tasks by stage, its readiness and blockers.", help="A visit's tasks by stage: ✓ done, ✗ overdue, • open, – skipped, ! missed; readiness, "
            "blockers, and whether a short-notice schedule was compressed (and why). "
            "Example: receptionctl checklist 7")(tasks.checklist)
_lazy("task", tasks.app)
ORDER.append("checkin")
app.command("checkin", help="Register a visitor at the door; the visit is then in progress. A guest without an "
            "approved visit is checked in with --walk-in --client C --host USER: a level-3 walk-in visit, its host told "
            "at once. Example: receptionctl checkin 7 --guest \"Liu Yang\" --title \"General manager\"")(reception.checkin)
ORDER.append("onsite")
app.command("onsite", short_help="Everyone on site now (roll call: --format csv).", help="Everyone on site now: guests of visits in progress (walk-ins among them) and "
            "holders of temporary passes not returned, with company, host, since when and where; --format csv "
            "for an evacuation roll call: the headcount sheet of an emergency drill (`drill add --at now --count N` "
            "records the count found against it). Example: receptionctl onsite --format csv")(reception.onsite)
ORDER.append("checkout")
app.command("checkout", help="Register a visitor leaving. "
            "Example: receptionctl checkout 7 --guest \"Liu Yang\"")(reception.checkout)
_lazy("incident", reception.incident_app)
_lazy("note", reception.note_app)
_lazy("feedback", followups.feedback_app)
ORDER.append("outcome")
app.command("outcome", short_help="Record a visit's outcome: won, lost or intent.", help="Record the outcome: won or lost ends the weekly follow-up; won or intent within "
            "the conversion window counts as converted. "
            "Example: receptionctl outcome 7 won --note \"contract signed\"")(followups.outcome)
ORDER.append("evaluate")
app.command("evaluate", short_help="Write a visit's evaluation: strengths, weaknesses, cost.", help="Write the evaluation: strengths, weaknesses, improvements, and what the reception "
            "cost: the reception cost and the material cost apart, whose sum is set against the plan's "
            "budget, or --cost as a whole. "
            "Example: receptionctl evaluate 7 --strengths \"Well prepared\" --weaknesses \"Lunch was late\" "
            "--improvements \"Book the canteen a day ahead\" --reception-cost 2600 --material-cost 600")(followups.evaluate)
_lazy("followup", followups.followup_app)
_lazy("care", care.care_app)
_lazy("case", cases.app)
_lazy("log", cases.log_app)
_lazy("desk", desk.app)
_lazy("pass", passes.pass_app)
_lazy("goods", passes.goods_app)
_lazy("mail", passes.mail_app)
_lazy("report", reports.app)
_lazy("training", measures.training_app)
_lazy("inspect", quality.inspect_app)
_lazy("drill", quality.drill_app)
_lazy("attach", attachments.attach_app)
_lazy("doc", documents.doc_app)
_lazy("retention", retention.retention_app)
_lazy("hold", retention.hold_app)
_lazy("person", retention.person_app)
_lazy("policy", policy.policy_app)
_lazy("procedure", policy.procedure_app)
_lazy("notify", notify.notify_app)
_lazy("audit", admin.audit_app)
ORDER.append("batch")
app.command("batch", short_help="Run many command lines from a file in one process.", help="Run the command "
            "lines of a file (or - for standard input) in one process, in order: the tool starts once for the whole "
            "file, not once a line. Each line is its own command, with its own transaction and audit entry; the "
            "first that fails stops the batch (or --keep-going) and its exit code is the batch's. The root options "
            "given to batch (--db, --as, ...) apply to every line. "
            "Example: receptionctl batch morning.txt")(batch.batch)  # the log (its options) and `audit verify`
ORDER.append("serve")
app.command("serve", short_help="Serve the web front desk (a browser's board and check-in).", help="Serve the web "
            "front desk over this database: the day's board, check-in and check-out, signed in with the password of "
            "`staff password`. It listens on 127.0.0.1 unless --host says otherwise; on an office network, serve it "
            "behind a proxy with TLS. Example: receptionctl serve --port 8080")(serve.serve)
ORDER.append("export")
app.command("export", help="Export visits, tasks, cases or feedback for other programs: csv for Excel (UTF-8 with "
            "a BOM, times in the company's zone), JSON Lines (one object a line), or for visits an iCalendar file "
            "a host's calendar can subscribe to (--host, --output refreshed by cron). "
            "Example: receptionctl export visits --format ics --host li.na --from today --output li.na.ics")(exports.export)
ORDER.append("deduct")
app.command("deduct", help="A penalty for a mistake (wrong information, a client complaint; warnings, "
            "fines, demotion): by default points deducted from the person's reception score, the policy's "
            "deduction_min to deduction_max, or --kind warning, fine (--amount) or demotion; with the reason, "
            "recorded with who and when, audited (an approver, a duty manager or an admin). "
            "Example: receptionctl deduct wang --points 3 --reason \"gave the client the wrong meeting room\" "
            "--visit 7")(measures.deduct)
ORDER.append("deductions")
app.command("deductions", help="Deductions and other penalties, newest first: kind, points, a fine's amount, "
            "reason, when, who recorded them. Approvers, duty managers and admins see everyone's (one for a "
            "complaint about staff only they see); others see their own. "
            "Example: receptionctl deductions --person wang --from 2026-11-01 --to 2026-11-30")(measures.deductions)
ORDER.append("reward")
app.command("reward", help="Recognise a person (bonuses, certificates; staff who satisfy "
            "clients praised in public): praise, a certificate or a bonus (--amount), with the reason, perhaps for "
            "a visit or a case; audited (an approver, a duty manager, a coordinator or an admin; never "
            "themselves). Example: receptionctl reward wang --kind praise --reason \"the client thanked him by "
            "name\" --visit 7")(measures.reward)
ORDER.append("rewards")
app.command("rewards", help="Rewards, newest first: who, what, why, when, who gave it. Recognition is public: "
            "everyone on the staff sees them; a bonus's amount only the person, those who reward and admins. "
            "Example: receptionctl rewards --person wang --from 2026-10-01")(measures.rewards_)


def build(eager: bool = False):
    """The click command of the app; `eager`: with every command group built (the tests walk
    them all)."""
    import typer.main

    command = typer.main.get_command(app)
    if eager:
        for name in LAZY:
            command.get_command(None, name)
    return command


def main() -> None:
    """The console script. The cycle collector is off while the stack's thousands of classes
    are built (it would walk them again and again) and on again, with them frozen, once the
    command opens its database (common.collect_from_now_on); the process ends with os._exit
    once its output is flushed, skipping the interpreter's teardown of those same objects
    (0.1 s of every run). Tests call build() instead."""
    from receptionctl.cli.common import startup_without_gc

    startup_without_gc()
    try:
        build()()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away, or the stream is closed
            pass
    os._exit(code)
