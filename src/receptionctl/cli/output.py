"""One output path for every command: the common output options, and one call that renders.

`@output_options` (as sqlite-utils' `output_options`) gives a command `--json`, and `--wide`
where a list has long text (`@output_options(wide=True)`), and passes the command `out`, an
`Output`: the command hands it the domain's result and says how that reads as text. No command
tests `--json` itself, and `--wide` is read where it is declared (the root `--wide` and
RECEPTIONCTL_WIDE set the run's default).

    @app.command("list")
    @output_options(wide=True)
    def list_(ctx: typer.Context, out: Output) -> None:
        with state(ctx).session() as session:
            views = list_clients(session)
        out.table(views, COLUMNS)

Module level imports typer and the standard library only: start-up stays light.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Sequence

from receptionctl.cli.common import JsonOpt, WideOpt
from receptionctl.i18n import N_

NOTHING = N_("Nothing to show.")  # an empty list's line, where its command says nothing better


class Output:
    """What the common output options asked for, and the one way a command's result is shown."""

    def __init__(self, as_json: bool = False, wide: bool = False) -> None:
        self.json = as_json
        self.wide = wide

    def show(self, value: Any, text: Callable[[], None]) -> None:
        """A record or a report: `value` as JSON, else `text()` draws it."""
        if self.json:
            from receptionctl.render.output import print_json

            print_json(value)
        else:
            text()

    def table(self, value: Any, columns: Sequence, rows: Callable[[], Any] | None = None, *,
              empty: str | None = None, **table: Any) -> None:
        """A list: `value` as JSON, else a table in `columns` (render.output.print_table's options:
        title, pager) of `value` itself or of what `rows()` makes of it, called for the table only.
        An empty list prints no table: `empty` (a text marked with N_, "No tasks due."), else
        "Nothing to show.", in the run's language on stderr (a message, not data: stdout stays
        empty); its JSON is [] as ever."""
        if self.json:
            from receptionctl.render.output import print_json

            print_json(value)
            return
        from receptionctl.render.output import note, print_table

        shown = list(value if rows is None else rows())
        if not shown:
            from receptionctl.i18n import _

            note(_(empty or NOTHING))
            return
        print_table(shown, columns, wide=True if self.wide else None, **table)

    def done(self, done: Any, message: str | Callable[[Any], str], next: Any = None) -> None:
        """A change: its record (a use case's `Done` view, or the value) as JSON, else `message`
        (or `message(view)`) as one line on stdout, and the `next` step (a domain NextStep: what
        comes next, who does it, the command) as one line after it; then the result's warnings
        on stderr. The next step is for a person: never in the JSON."""
        from receptionctl.render.output import print_json, say, warn

        view = getattr(done, "view", done)
        if self.json:
            print_json(view)
        else:
            say(message(view) if callable(message) else message)
            if next is not None:
                from receptionctl.render.steps import next_line

                line = next_line(next)
                if line:
                    say(line)
        for warning in getattr(done, "warnings", ()):
            warn(warning)

    def next_step(self, decide: Callable[..., Any], *args: Any) -> Any:
        """`decide(*args)`, a loop's next step (domain/visits/steps.py, domain/cases/steps.py), read
        in the command's session; None under --json, whose output is the record alone."""
        return None if self.json else decide(*args)


def output_options(fn: Callable | None = None, *, wide: bool = False):
    """Give a command the common output options and pass it `out: Output` (see the module's text).
    `wide`: the command also takes --wide (a list with long text)."""

    def decorate(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        names = list(sig.parameters)
        at = names.index("out") if "out" in names else len(names)
        before = [sig.parameters[n] for n in names[:at]]
        after = [sig.parameters[n] for n in names[at + 1:]]  # options declared after `out` come after ours
        extra = [inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOpt)]
        if wide:
            extra.append(inspect.Parameter("wide", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=WideOpt))
        params = before + extra + after

        @functools.wraps(fn)
        def command(*args: Any, as_json: bool = False, wide: bool = False, **kwargs: Any) -> Any:
            return fn(*args, out=Output(as_json, wide), **kwargs)

        command.__signature__ = sig.replace(parameters=params)
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate(fn) if fn is not None else decorate
