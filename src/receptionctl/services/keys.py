"""The key of the sensitive fields: where it lives, reading it, and rotating it crash-safely.

The key is RECEPTIONCTL_KEY (always, on PostgreSQL; several keys separated by commas while a
team changes over, newest first) or the key file `<db>.key` beside a SQLite database,
written at `init` (mode 0600, whole or not at all).

`rotate` keeps this order around domain/core/keys.py's one transaction. With a key file:
1. the key in use is read (with any `<db>.key.new-*` a stopped rotation left) and checked
   against the database (a wrong or missing key: exit 5, nothing written);
2. the key in use is copied to `<db>.key.old-<stamp>` (mode 0600);
3. a new key is written whole to `<db>.key.new-<stamp>` (mode 0600, fsync'd);
4. ONE transaction re-encrypts every sensitive field and the key check under the new key;
5. only after the commit, `<db>.key.new-<stamp>` replaces `<db>.key` (an atomic rename);
   older `.key.new-*` leftovers become `.key.old-*`.
If it stops between 3 and 5, both keys are on disk and every command reads with both (the
key file first, then each `.key.new-*`: MultiFernet), so nothing is unreadable; rotating
again finishes the job under a fresh key. If step 4 fails, the new files are removed and
nothing changed.

With RECEPTIONCTL_KEY (always, on PostgreSQL): no file is written; the new key is handed to
the caller's `show_key` before the transaction commits (so that a stop after the commit cannot
lose it); the team must then set RECEPTIONCTL_KEY to it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from receptionctl import reasons
from receptionctl.domain.core import clock, keys
from receptionctl.domain.core.keys import Rotated
from receptionctl.domain.core.secrets import Cipher, new_key, verify
from receptionctl.errors import StorageError
from receptionctl.i18n import _
from receptionctl.services import SessionFactory

if TYPE_CHECKING:
    from receptionctl.store.db import Database


# -- finding and reading the key -------------------------------------------------------------
def key_file(db: Database) -> Path | None:
    """The key file of a database: beside a SQLite database; none for a server database (use
    RECEPTIONCTL_KEY)."""
    if db.is_sqlite and db.path is not None:
        return db.path.with_name(db.path.name + ".key")
    return None


def pending_keys(key_file: Path) -> list[Path]:
    """New keys a rotation wrote but did not put in place (it stopped before step 5), oldest first."""
    return sorted(key_file.parent.glob(key_file.name + ".new-*"))


def from_env(value: str) -> Cipher:
    """The cipher of RECEPTIONCTL_KEY's value: several keys, newest first, separated by commas."""
    return Cipher([k.strip() for k in value.split(",") if k.strip()] or [value], "RECEPTIONCTL_KEY")


def from_file(path: Path | None, create: bool = False) -> Cipher | None:
    """The cipher of the key file (and of any key a stopped rotation left); None when there is
    no key file. With `create`, a missing key file is written (mode 0600, atomically)."""
    if path is None:
        return None
    if not path.exists():
        if not create:
            return None
        write_new_file(path, new_key() + b"\n")
    try:
        key = path.read_bytes().strip()
        pending = [p.read_bytes().strip() for p in pending_keys(path)]  # a rotation that stopped half-way
    except OSError as exc:
        raise StorageError(_("cannot read key file {path}: {error}").format(path=path, error=reasons.os_error(exc, exc.strerror))) from None
    return Cipher([key, *pending], _("key file {path}").format(path=path))


def write_new_file(path: Path, data: bytes) -> None:
    """Write `path` (mode 0600) whole or not at all; if it appears meanwhile, keep that one."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # a concurrent init wrote it first: theirs is the key
        finally:
            os.unlink(tmp)
    except OSError as exc:
        raise StorageError(_("cannot write key file {path}: {error}").format(
            path=path, error=reasons.os_error(exc, exc.strerror))) from None


# -- rotating it -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Rotation:
    """What `rotate` did: the fields re-encrypted; with a key file, the file now holding the
    new key and the copy of the old one (backups made before need it)."""

    done: Rotated
    key_file: Path | None
    kept: Path | None


def rotate(session: SessionFactory, actor: str, cipher: Callable[[], Cipher | None], key_file: Path | None, *,
           show_key: Callable[[bytes], None] | None = None,
           key_not_used: Callable[[], None] | None = None) -> Rotation:
    """Re-encrypt every sensitive field under a new key, in the order of this module's steps.

    `cipher` gives the key in use (checked against the database before any file is written).
    `key_file`: the key file to replace (None for a server database). With `show_key`, the key
    comes from RECEPTIONCTL_KEY and no file is written: `show_key` gets the new key before the
    transaction commits, and `key_not_used` is called when the transaction failed and that key
    is not in use. Who may rotate, a key that does not open the data, a file that cannot be
    written: an error, nothing changed.
    """
    with session() as s:  # who, and whether the key in use opens the data: before any file is written
        keys.may_rotate(s, actor)
        verify(s, cipher)
    old = cipher()
    fresh = new_key()
    new = Cipher(fresh, _("the new key"))
    from_env = show_key is not None
    stamp = clock.now().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    leftovers = [] if from_env or key_file is None else pending_keys(key_file)
    kept = written = None
    try:
        if show_key is not None:
            show_key(fresh)  # before the commit: a stop after it cannot lose the key
        else:
            assert key_file is not None  # verify() refused a server database without RECEPTIONCTL_KEY
            kept = _unique(key_file.with_name(f"{key_file.name}.old-{stamp}"))
            _write_private(kept, key_file.read_bytes())
            written = _unique(key_file.with_name(f"{key_file.name}.new-{stamp}"))
            _write_private(written, fresh + b"\n")
    except OSError as exc:
        for path in (kept, written):
            if path is not None:
                path.unlink(missing_ok=True)
        raise StorageError(_("cannot write key file {path}: {error}; nothing was changed").format(
            path=exc.filename or key_file, error=reasons.os_error(exc, exc.strerror))) from None
    failure = None
    try:
        with session(write=True) as s:
            done = keys.rotate(s, actor, old, new)
    except BaseException as exc:
        committed: bool | None = False
        try:
            with session() as s:
                committed = keys.opens(s, new)
        except Exception:
            committed = None  # cannot tell: leave every file where it is
        if committed is False:  # nothing changed: the old key stays the only one
            for path in (kept, written):
                if path is not None:
                    path.unlink(missing_ok=True)
            if from_env and key_not_used is not None:
                key_not_used()
        if not committed:
            raise
        failure = exc  # committed, then something after the commit failed (a hook): finish the files first
    if written is not None and key_file is not None:
        os.replace(written, key_file)  # step 5: atomic; the old key stays in `kept`
        _sync_folder(key_file.parent)
        for leftover in leftovers:  # their data is under the new key now; backups may still need them
            os.replace(leftover, _unique(leftover.with_name(leftover.name.replace(".new-", ".old-", 1))))
    if failure is not None:
        raise failure
    return Rotation(done=done, key_file=None if from_env else key_file, kept=kept)


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _write_private(path: Path, data: bytes) -> None:
    """A new file, mode 0600, written whole and synced (with its folder), or an error."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
