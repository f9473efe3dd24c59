"""Errors of the procedure, each with the exit code of the command-line contract.

The codes are documented once, here, and in docs/CLI.md ("Errors and exit codes").
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1  # a rule of the procedure refuses it (state, duplicate, conflict)
    BAD_INPUT = 2  # bad usage or a bad input value
    NOT_FOUND = 3  # no such visit, client, staff member, task
    NOT_ALLOWED = 4  # the acting user lacks the role, or approves their own submission
    STORAGE = 5  # database locked, unreadable, needs `db migrate`, key problems
    ATTENTION = 6  # `report daily --fail-on-overdue` found overdue work
    CANCELLED = 130  # Ctrl-C or Ctrl-D at a prompt (cli/ask.py): nothing was changed


class ReceptionError(Exception):
    """Base of every error a use case raises on purpose."""

    code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Refused(ReceptionError):
    code = ExitCode.REFUSED


class BadInput(ReceptionError):
    code = ExitCode.BAD_INPUT


class NotFound(ReceptionError):
    code = ExitCode.NOT_FOUND


class NotAllowed(ReceptionError):
    code = ExitCode.NOT_ALLOWED


class StorageError(ReceptionError):
    code = ExitCode.STORAGE


class Cancelled(ReceptionError):
    """The person at the terminal cancelled a prompt (Ctrl-C, Ctrl-D) before anything was written."""

    code = ExitCode.CANCELLED
