"""`receptionctl batch FILE`: many command lines in one process.

Each line is what would follow `receptionctl` in a shell, quoted the shell's way; the tool's
start-up (its libraries, its tables) is paid once for the whole file instead of once a line. Each
line is its own command: its own transaction, its own audit entry, its own exit code. The file is
read and split whole before the first line runs, so a file with a broken line runs nothing.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from typing import Annotated

import typer

# A line may begin with assignments of the tool's own variables, as in a shell:
# RECEPTIONCTL_NOW=2026-11-23T09:00+08:00 visit list
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
# the root's options that take a value: the word after them is not the command's name
VALUED = ("--db", "--as", "--tz", "--lang")


@dataclass
class Line:
    number: int  # where it starts in the file, from 1
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


def _lines(text: str) -> list[tuple[int, str]]:
    """The file's logical lines with their first physical line's number: a line ending in a
    backslash goes on on the next, as in a shell."""
    out: list[tuple[int, str]] = []
    start, parts = 0, []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        stripped = raw.rstrip()
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(raw)
        out.append((start, "".join(parts)))  # a backslash and its newline go, as in a shell
        parts = []
    if parts:
        out.append((start, "".join(parts)))
    return out


def _command_word(args: list[str]) -> str | None:
    """The command's name: the first word that is neither a root option nor its value."""
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word in VALUED:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def parse(text: str, source: str) -> list[Line]:
    """The command lines of a batch file; BadInput (naming the line) for one that cannot run."""
    from receptionctl.errors import BadInput
    from receptionctl.i18n import _

    found: list[Line] = []
    for number, text_line in _lines(text):
        try:
            words = shlex.split(text_line, comments=True)
        except ValueError:
            raise BadInput(_("line {line} of {file} cannot be split into words: expected closed quotation marks "
                             "and no backslash at its very end").format(line=number, file=source)) from None
        env: dict[str, str] = {}
        while words and (match := ASSIGNMENT.match(words[0])):
            name, value = match.groups()
            if not name.startswith("RECEPTIONCTL_"):
                raise BadInput(_("line {line} of {file} sets {name}: expected only the tool's own variables "
                                 "(RECEPTIONCTL_NOW, RECEPTIONCTL_USER, ...) before the command").format(
                    line=number, file=source, name=name))
            env[name] = value
            words.pop(0)
        if words and words[0] == "receptionctl":
            words.pop(0)
        if not words:
            if env:
                raise BadInput(_("line {line} of {file} sets variables but runs no command: expected a command "
                                 "after them").format(line=number, file=source))
            continue
        if _command_word(words) == "batch":
            raise BadInput(_("line {line} of {file} runs batch: expected a command of its own (a batch file "
                             "does not run another)").format(line=number, file=source))
        found.append(Line(number, words, env))
    return found


def _read(path: str) -> str:
    from receptionctl.errors import BadInput
    from receptionctl.i18n import _

    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        from receptionctl import reasons

        reason = (_("it is not UTF-8 text") if isinstance(exc, UnicodeDecodeError)
                  else reasons.os_error(exc, exc.strerror or str(exc)))
        raise BadInput(_("batch file {file!r} cannot be read: {reason}").format(file=path, reason=reason)) from None


def _root_options(ctx: typer.Context) -> list[str]:
    """The root options given to `batch` itself (--db, --as, ...): every line runs with them,
    and a line's own options come after, so they win."""
    params = ctx.find_root().params
    out: list[str] = []
    for option, key in (("--db", "db"), ("--as", "as_user"), ("--tz", "tz"), ("--lang", "lang")):
        if params.get(key):
            out += [option, params[key]]
    for option, key in (("--wide", "wide"), ("--no-input", "no_input")):
        if params.get(key):
            out.append(option)
    return out


def _run(root, args: list[str], env: dict[str, str]) -> int:
    """One line through the root command, as its own run: its error line on stderr, its code back."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        code = root.main(args=args, prog_name="receptionctl", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sys.stdout.flush()
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="The file of command lines, or - to read them from "
                                        "standard input. One command a line, as it would follow `receptionctl` in "
                                        "a shell: quoted the shell's way, # starts a comment, a backslash at the "
                                        "end goes on on the next line, and RECEPTIONCTL_NOW=... (or another "
                                        "RECEPTIONCTL_ variable) before the command sets it for that line.")],
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Run every line even after one fails; the "
                                             "exit code is then the first failure's.")] = False,
) -> None:
    from receptionctl.i18n import _

    source = _("standard input") if file == "-" else file
    lines = parse(_read(file), source)
    root = ctx.find_root().command
    prefix = _root_options(ctx)
    failed: list[tuple[int, int]] = []  # (line, code)
    for index, line in enumerate(lines):
        code = _run(root, prefix + line.args, line.env)
        if code == 0:
            continue
        failed.append((line.number, code))
        if not keep_going:
            stopped = _("the batch stopped at line {line} of {file} (exit {code}): the {done} lines before it "
                        "are done, the {left} after it did not run").format(
                line=line.number, file=source, code=code, done=index, left=len(lines) - index - 1)
            sys.stderr.write(_("hint: {hint}").format(hint=stopped) + "\n")
            raise typer.Exit(code)
    if failed:
        summary = _("{failed} of {total} lines of the batch failed, at lines {lines}").format(
            failed=len(failed), total=len(lines), lines=", ".join(str(number) for number, _code in failed))
        sys.stderr.write(_("error: {message}").format(message=summary) + "\n")
        raise typer.Exit(failed[0][1])
