"""Every command has help, every option has help, and the README shows every command."""

import re
from pathlib import Path

import pytest
import typer

from receptionctl.cli.app import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def walk(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        for name, child in sub.items():
            yield from walk(child, path + (name,))
    else:
        yield " ".join(path), command


COMMANDS = list(walk(typer.main.get_command(app)))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented(path, command):
    assert (command.help or "").strip(), f"`{path}` has no help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" or param.__class__.__name__.endswith("Option"):
            assert (param.help or "").strip(), f"`{path}` option {param.opts} has no help"
    shown = re.compile(r"receptionctl( --(db|as) \S+)* " + re.escape(path) + r"\b")
    assert shown.search(README), f"README does not show `receptionctl {path}`"
