"""Start-up stays light: help at every level imports neither the database stack nor
pydantic (typer's coercion) nor rich; a command imports only what it uses. Import
lists, not timings: the times live in `make bench`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich", "holidays", "cryptography")


def imported(*args: str, env: dict | None = None) -> set[str]:
    """The top-level packages a whole process imported, from -X importtime."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "receptionctl", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [
    ("--help",),
    ("visit", "new", "--help"),
    ("task", "list", "--help"),
    ("report", "daily", "--help"),
    ("plan",),  # a bare group prints its help
])
def test_help_at_every_level_imports_nothing_heavy(args):
    heavy = imported(*args) & set(HEAVY)
    assert not heavy, (args, sorted(heavy))


def test_a_bad_option_value_still_gets_typers_message():
    """The light coercion falls back to typer's own for what it does not know."""
    proc = subprocess.run([sys.executable, "-m", "receptionctl", "task", "list", "--stage", "during"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "during" in proc.stderr


@pytest.mark.slow  # the installed console script, in its own process
def test_the_console_script_flushes_and_commits_before_it_ends(initdb):
    """main() ends the process with os._exit (no interpreter teardown): every byte of a long
    output still reaches the pipe, a change is committed, and exit codes are kept."""
    for n in range(40):
        initdb("client", "add", f"Client {n:02d} with a name long enough to fill the buffer {'x' * 60}")
    whole = initdb("client", "list").stdout
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as cron runs it
    proc = subprocess.run([sys.executable, "-m", "receptionctl", "client", "list"], capture_output=True,
                          text=True, timeout=60, env=buffered)
    assert proc.returncode == 0 and proc.stdout == whole and len(whole) > 4000
    added = subprocess.run([sys.executable, "-m", "receptionctl", "client", "add", "Written Then Ended"],
                           capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    assert "Written Then Ended" in initdb("client", "show", "Written Then Ended").stdout
    refused = subprocess.run([sys.executable, "-m", "receptionctl", "client", "add", ""], capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and refused.stderr.startswith("error: ")
