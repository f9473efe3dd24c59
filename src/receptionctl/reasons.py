"""Other programs' words as people read them: the reason the operating system, SQLite, Apprise or
a mail server gave for a failure, in the run's language.

Our message says what failed and names the file, the database or the channel; the reason after
it comes from elsewhere, in English. In English it is shown as it came. In Chinese a reason we
know is said in Chinese: an OS error by its errno, SQLite's messages by their words, Apprise's by
what went wrong (the address, the connection, the service's answer); one we do not know is said
as "出错" with the original after it in parentheses, since it is all there is to go on. The
original stays where programs read it (a notification's last_error in JSON).

This module is a leaf beside i18n: every layer may import it, it imports none of them.
"""

from __future__ import annotations

import errno
import re

from receptionctl.i18n import N_, _, chinese

# the operating system's errors, by errno
_ERRNO = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EEXIST: N_("it exists already"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.EBUSY: N_("it is in use"),
    errno.EIO: N_("a disk read or write error"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EFBIG: N_("the file is too large"),
    errno.EMFILE: N_("too many open files"),
    errno.EXDEV: N_("it cannot be moved to another file system"),
    errno.ETIMEDOUT: N_("the connection timed out"),
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ECONNRESET: N_("the connection was reset"),
    errno.EHOSTUNREACH: N_("the host cannot be reached"),
    errno.ENETUNREACH: N_("the network cannot be reached"),
}

# SQLite's words (sqlite3 and SQLAlchemy pass them on as they are)
_DATABASE = (
    (re.compile(r"database (table )?is locked|database is busy"), N_("the database is locked")),
    (re.compile(r"database disk image is malformed"), N_("the database file is damaged")),
    (re.compile(r"file is not a database|file is encrypted or is not a database"), N_("the file is not a database")),
    (re.compile(r"attempt to write a readonly database"), N_("the database is read-only")),
    (re.compile(r"unable to open database file"), N_("the database file cannot be opened")),
    (re.compile(r"disk I/O error"), N_("a disk read or write error")),
    (re.compile(r"database or disk is full"), N_("no space left on the disk")),
    (re.compile(r"UNIQUE constraint failed"), N_("the same record exists already")),
    (re.compile(r"FOREIGN KEY constraint failed"), N_("other records still refer to it")),
    (re.compile(r"NOT NULL constraint failed"), N_("a required value is missing")),
    (re.compile(r"CHECK constraint failed"), N_("a value is not allowed")),
    (re.compile(r"no such table|no such column"), N_("a table or column is missing")),
)

# Apprise's words: when a channel's URL cannot be used, and when a message could not be sent
_ADDRESS = (
    (re.compile(r"Unparseable URL|does not know this URL", re.I), N_("Apprise cannot read this address")),
    (re.compile(r"invalid .* was specified|Could not load", re.I),
     N_("a part of the address (a key, a token, an account) is missing or wrong")),
)
_SENDING = (
    (re.compile(r"no answer within (\S+) s"), N_("no answer within {seconds} s")),
    (re.compile(r"connection|timed? ?out|resolve|unreachable|refused", re.I), N_("the service cannot be reached")),
    (re.compile(r"(?:error|status|code)\s*[=:]?\s*(\d{3})\b", re.I), N_("the service refused the message (HTTP {status})")),
)


def unknown(original: str) -> str:
    """A reason we cannot say in the run's language: as it is in English; in Chinese "出错（…）"."""
    return _("an error ({original})").format(original=original.strip()) if chinese() else original


def os_error(exc: OSError, english: str | None = None) -> str:
    """An OS error's reason: in English `english` (default: the system's words); in Chinese by its errno."""
    if not chinese():
        return english if english is not None else (exc.strerror or str(exc))
    words = _ERRNO.get(exc.errno)
    if words:
        return _(words)
    if isinstance(exc, TimeoutError):
        return _(_ERRNO[errno.ETIMEDOUT])
    return unknown(exc.strerror or str(exc) or type(exc).__name__)


def database(message: str) -> str:
    """A database's reason (SQLite's words, or PostgreSQL's) in the run's language."""
    if not chinese():
        return message
    for pattern, words in _DATABASE:
        if pattern.search(message):
            return _(words)
    return unknown(message)


def channel(problem: str) -> str:
    """Why Apprise cannot use a channel's URL, in the run's language."""
    if not chinese():
        return problem
    for pattern, words in _ADDRESS:
        if pattern.search(problem):
            return _(words)
    return _("Apprise cannot use this address")


def sending(error: str) -> str:
    """Why a notification could not be sent (domain.core.notify.deliver's words), in the run's language."""
    if not chinese() or not error:
        return error
    for pattern in _ADDRESS:
        if pattern[0].search(error):
            return channel(error)
    if error.strip() == "Apprise could not send it":
        return _("the service did not accept the message")
    for pattern, words in _SENDING:
        m = pattern.search(error)
        if m:
            return _(words).format(seconds=m[1] if m.groups() else "", status=m[1] if m.groups() else "")
    return _("the service did not accept the message")


def of(exc: BaseException, english: str | None = None) -> str:
    """The reason of a failure, whatever raised it: in English `english` (default: the error's words);
    in Chinese an OS error by its errno, anything else as a database's words (database())."""
    said = english if english is not None else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if not chinese():
        return said
    return os_error(exc) if isinstance(exc, OSError) else database(said)


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml(exc: Exception) -> str:
    """Why a TOML file cannot be read (tomllib's words, which name the line and column), in the run's language."""
    said = str(exc)
    if not chinese():
        return said
    m = _TOML_AT.search(said)
    if m:
        return _("a syntax error at line {line}, column {column}").format(line=m[1], column=m[2])
    if "end of document" in said:
        return _("a syntax error at the end of the file")
    return unknown(said)
