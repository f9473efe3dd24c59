"""Every command has help, every option has help, and the README shows every command."""

import re
import shlex
from pathlib import Path

import pytest
import typer

from receptionctl.cli.app import build

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def walk(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        for name, child in sub.items():
            yield from walk(child, path + (name,))
    else:
        yield " ".join(path), command


COMMANDS = list(walk(build(eager=True)))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented(path, command):
    assert (command.help or "").strip(), f"`{path}` has no help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" or param.__class__.__name__.endswith("Option"):
            assert (param.help or "").strip(), f"`{path}` option {param.opts} has no help"
    shown = re.compile(r"receptionctl( --(db|as) \S+)* " + re.escape(path) + r"\b")
    assert shown.search(README), f"README does not show `receptionctl {path}`"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_shows_an_example_that_parses(path, command):
    """The help ends with one `Example: receptionctl <path> ...` (no root options, so it reads as
    the command's own), and the example's arguments parse at the leaf: make_context only parses
    (typer's parsers run; no command body, no database)."""
    text = command.help or ""
    assert text.count("Example: ") == 1, f"`{path}` help should show exactly one example"
    example = text.split("Example: ", 1)[1].strip()
    argv = shlex.split(example)
    words = path.split()
    assert argv[: 1 + len(words)] == ["receptionctl", *words], f"`{path}` example is for another command: {example}"
    try:
        command.make_context(path, argv[1 + len(words):])
    except (typer.TyperException, ValueError) as exc:  # UsageError, BadParameter, MissingParameter, ...
        pytest.fail(f"`{path}` example does not parse: {example}: {exc}")
