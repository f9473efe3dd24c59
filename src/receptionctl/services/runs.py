"""Running domain work, for any front end: the database opened once, a session per piece of
work in the company's time zone, the hooks told after a commit, the cipher of sensitive fields.

The command line (cli/common.py, State) and the web (web/) both go through here, so that a
session means the same on either face: the policy's work zone is in force (unless the run set
one), the session's writes are committed whole or not at all, and the events the outbox
queued are handed to `after_commit` only once the commit is done (a rolled-back change runs
no hook). Who acts is the caller's to establish (`prepare`, given the open session): the
command line applies the policy `identity`; the web takes its signed-in user as declared.

Plain arguments in, a session or a result out; nothing is printed here.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from receptionctl.errors import BadInput
from receptionctl.i18n import _

if TYPE_CHECKING:
    from receptionctl.domain.core.secrets import Cipher
    from receptionctl.store.db import Database

BUSY_TIMEOUT_ENV = "RECEPTIONCTL_BUSY_TIMEOUT"
KEY_ENV = "RECEPTIONCTL_KEY"

AfterCommit = Callable[[list[dict[str, Any]], str], None]
"""Told of the events a committed session queued, with the acting user (the hooks)."""


def busy_timeout(text: str | None) -> float | None:
    """RECEPTIONCTL_BUSY_TIMEOUT's value in seconds (None: the store's default); bad input
    (exit 2) naming it when it is not a number of seconds."""
    if not text:
        return None
    try:
        seconds = float(text)
        if seconds < 0:
            raise ValueError
    except ValueError:
        raise BadInput(_("RECEPTIONCTL_BUSY_TIMEOUT {value!r} is not valid: expected seconds, such as 15").format(
            value=text)) from None
    return seconds


def open_database(target: str, timeout: float | None = None) -> Database:
    """The database at `target` (a file path or a URL); nothing is connected until the first session."""
    from receptionctl.store.db import BUSY_TIMEOUT_S, Database

    return Database(target, busy_timeout=BUSY_TIMEOUT_S if timeout is None else timeout)


def use_calendar_cache(folder: Path) -> None:
    """Computed working-day calendars are kept in `folder` (once per process is enough)."""
    from receptionctl.domain.core import calendar

    calendar.set_cache_dir(folder)


def company_zone(session) -> None:
    """The company's zone from the policy, unless the run set one (--tz, RECEPTIONCTL_TZ).
    Never the machine's zone: servers run in UTC."""
    from receptionctl.domain.core import clock

    if clock.zone_is_set():
        return
    from zoneinfo import ZoneInfo

    from receptionctl.domain.core import policy

    name, stored = policy.zone_setting(session)
    clock.set_zone(ZoneInfo(name), "policy work_zone" if stored else "policy work_zone (default)")


@contextmanager
def work(db: Database, write: bool = False, *, prepare: Callable[[Any], None] | None = None,
         actor: Callable[[], str] | None = None, after_commit: AfterCommit | None = None) -> Iterator[Any]:
    """One session on `db` in the company's zone (a write session commits when the block ends
    without an error). `prepare(session)` runs first (who acts); after a committed write, the
    events it queued go to `after_commit(events, actor())`."""
    events = None
    with db.session(write=write) as session:
        company_zone(session)
        if prepare is not None:
            prepare(session)
        yield session
        if write:
            from receptionctl.domain.core import outbox

            events = outbox.pending(session)
    if events and after_commit is not None:  # committed: a rolled-back change runs none
        after_commit(events, actor() if actor is not None else "")


def key_file(db: Database) -> Path | None:
    """The key file beside a SQLite database; none for a server database (use RECEPTIONCTL_KEY)."""
    from receptionctl.services import keys

    return keys.key_file(db)


def cipher(db: Database, env_value: str | None, create: bool = False) -> Cipher | None:
    """The cipher of sensitive fields from `env_value`, RECEPTIONCTL_KEY's value (several keys,
    newest first, separated by commas), else the key file; None when there is no key. With
    `create`, a missing key file is written (mode 0600, atomically)."""
    from receptionctl.services import keys

    if env_value:
        return keys.from_env(env_value)
    return keys.from_file(keys.key_file(db), create=create)
