"""Prompts at the desk: on a terminal, a command asks for the input it was not given.

A command names the required options it can ask for (`@asks("guest")`, under
`@output_options`). When prompting is on, those options may be left out on the command line;
the command asks for what is missing (`text`, `choose`) before it opens its write session, and
hands the answers to the same domain call as the options, which checks them as it checks the
options: a prompt only fills in a missing option's value. Prompting is on when stdin and stdout
are both terminals, unless `--no-input` or RECEPTIONCTL_NO_INPUT=1 refuses it; otherwise nothing
changes, and a missing option is the usual usage error (exit 2), as in a script or under cron.

Ctrl-C or Ctrl-D at a prompt ends the command (errors.Cancelled, exit 130): nothing has been
written then. The prompts are drawn on stderr (stdout is for data), in the run's language; a
choice shows translated labels and gives back the stored English code.

questionary (on prompt-toolkit) is imported only when a question is asked: start-up stays light.
Module level imports the standard library and the project's leaves only.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterable, Sequence

from receptionctl.i18n import _

ENV = "RECEPTIONCTL_NO_INPUT"
MARK = "_receptionctl_asks"  # on a command's function: the required options it may ask for
_OFF = ("", "0", "false", "no", "off")


def asks(*names: str) -> Callable:
    """Mark a command's function: on a terminal, these required options (by parameter name) may
    be left out, and the command asks for them."""

    def mark(fn: Callable) -> Callable:
        setattr(fn, MARK, frozenset(names))
        return fn

    return mark


def _tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


def refused(ctx: Any = None) -> bool:
    """--no-input (the root option, on the run's state) or RECEPTIONCTL_NO_INPUT=1."""
    if os.environ.get(ENV, "").strip().lower() not in _OFF:
        return True
    root = ctx.find_root() if ctx is not None else None
    return bool(getattr(getattr(root, "obj", None), "no_input", False))


def enabled(ctx: Any = None) -> bool:
    """Whether this run may ask: stdin and stdout are terminals, and prompting is not refused."""
    return _tty(sys.stdin) and _tty(sys.stdout) and not refused(ctx)


def deferred(ctx: Any, name: str) -> bool:
    """Whether the required option `name` of the command being parsed may be left out: the
    command asks for it (`asks`), and this run may ask."""
    callback = getattr(getattr(ctx, "command", None), "callback", None)
    return name in getattr(callback, MARK, ()) and enabled(ctx)


# -- the questions -----------------------------------------------------------------------------
def _streams() -> dict:
    """Where a question is drawn: stderr when it is the terminal, else stdout (a terminal)."""
    if not _tty(sys.stderr):
        return {}
    from prompt_toolkit.output import create_output

    return {"output": create_output(stdout=sys.stderr)}


def _cancelled():
    from receptionctl.errors import Cancelled

    return Cancelled(_("cancelled at the prompt: nothing was changed"))


def _answer(question) -> Any:
    """The answer, or Cancelled on Ctrl-C or Ctrl-D."""
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise _cancelled() from None
    if answer is None:
        raise _cancelled()
    return answer


def problem(check: Callable[[str], Any], answer: str) -> str | None:
    """What `check` (an option's parser, a domain check) says is wrong with `answer`, or None."""
    import typer

    from receptionctl.errors import ReceptionError

    try:
        check(answer)
    except ReceptionError as exc:
        return exc.message
    except typer.BadParameter as exc:
        return exc.message
    return None


def text(message: str, *, check: Callable[[str], Any] | None = None, required: bool = True,
         default: str = "") -> str:
    """A line of text, stripped. `required`: an empty answer is asked again; `check`: run on the
    answer (an empty optional one aside), and what it refuses is said under the prompt and asked
    again."""
    import questionary

    def validate(answer: str) -> bool | str:
        if not answer.strip():
            return _("an answer is needed (Ctrl-C cancels)") if required else True
        said = problem(check, answer) if check is not None else None
        return said if said is not None else True

    question = questionary.text(message, default=default, validate=validate, **_streams())
    return str(_answer(question)).strip()


def choose(message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
    """One of `choices`, (value, label) pairs: the labels are shown, the value is returned."""
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    options = [questionary.Choice(title=label, value=value) for value, label in choices]
    question = questionary.select(message, choices=options, default=default,
                                  instruction=_("(arrow keys, then Enter)"), **_streams())
    ends = KeyBindings()

    @ends.add(Keys.ControlD, eager=True)
    def end(event) -> None:  # a select swallows every other key; Ctrl-D cancels, as in a text prompt
        event.app.exit(exception=EOFError)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, ends]) if app.key_bindings else ends
    return _answer(question)


def codes(values: Iterable[str], kind: str = "") -> list[tuple[str, str]]:
    """Stored codes as choices: each with its label in the run's language."""
    from receptionctl.i18n import code

    return [(value, code(value, kind) or value) for value in values]
