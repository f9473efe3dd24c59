"""`db rotate-key`: the files and the order around domain/keys.py's one transaction.

With a key file (`<db>.key`, beside a SQLite database):
1. the key in use is read (with any `<db>.key.new-*` a stopped rotation left) and checked
   against the database (a wrong or missing key: exit 5, nothing written);
2. the key in use is copied to `<db>.key.old-<stamp>` (mode 0600);
3. a new key is written whole to `<db>.key.new-<stamp>` (mode 0600, fsync'd);
4. ONE transaction re-encrypts every sensitive field and the key check under the new key;
5. only after the commit, `<db>.key.new-<stamp>` replaces `<db>.key` (an atomic rename);
   older `.key.new-*` leftovers become `.key.old-*`.
If it stops between 3 and 5, both keys are on disk and every command reads with both (the
key file first, then each `.key.new-*`: MultiFernet), so nothing is unreadable; running
`db rotate-key` again finishes the job under a fresh key. If step 4 fails, the new files are
removed and nothing changed.

With RECEPTIONCTL_KEY (always, on PostgreSQL): the new key is printed once on stdout before
the transaction commits (so that a stop after the commit cannot lose it), and the team must
then set RECEPTIONCTL_KEY to it; until they do, their commands that need the key exit 5.

Module level: typer and the standard library only (start-up stays light).
"""

import os
from pathlib import Path

import typer

from receptionctl.i18n import N_, _

ROTATE_HELP = N_(
    "Re-encrypt every sensitive field (identity numbers) under a new key, in one transaction; admin only. "
    "With the key file beside a SQLite database, the old key is kept as DB.key.old-STAMP (backups made before "
    "need it) and the new key replaces DB.key only after the commit; with RECEPTIONCTL_KEY the new key is "
    "printed once on stdout: set RECEPTIONCTL_KEY to it everywhere. Example: receptionctl db rotate-key"
)


def pending_keys(key_file: Path) -> list[Path]:
    """New keys a rotation wrote but did not put in place (it stopped before step 5), oldest first."""
    return sorted(key_file.parent.glob(key_file.name + ".new-*"))


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


def rotate_key(ctx: typer.Context) -> None:
    from receptionctl.cli.common import state
    from receptionctl.domain import clock, keys
    from receptionctl.domain.secrets import Cipher, new_key, verify
    from receptionctl.errors import StorageError
    from receptionctl.i18n import ngettext
    from receptionctl.render.output import note, say

    st = state(ctx)
    with st.session() as session:  # who, and whether the key in use opens the data: before any file is written
        keys.may_rotate(session, st.actor)
        verify(session, st.cipher)
    old = st.cipher()
    fresh = new_key()
    new = Cipher(fresh, _("the new key"))
    from_env = bool(os.environ.get("RECEPTIONCTL_KEY"))
    key_file = st.key_file()
    from datetime import timezone

    stamp = clock.now().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    leftovers = [] if from_env or key_file is None else pending_keys(key_file)
    kept = written = None
    try:
        if from_env:
            say(fresh.decode())  # printed before the commit: a stop after it cannot lose the key
            import sys

            sys.stdout.flush()
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
            path=exc.filename or key_file, error=exc.strerror)) from None
    done = failure = None
    try:
        with st.session(write=True) as session:
            done = keys.rotate(session, st.actor, old, new)
    except BaseException as exc:
        committed = False
        try:
            with st.session() as session:
                committed = keys.opens(session, new)
        except Exception:
            committed = None  # cannot tell: leave every file where it is
        if committed is False:  # nothing changed: the old key stays the only one
            for path in (kept, written):
                if path is not None:
                    path.unlink(missing_ok=True)
            if from_env:
                note(_("the key printed above was NOT put in use: keep RECEPTIONCTL_KEY as it is"))
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
    if done is not None:
        n = done.total
        note(ngettext("re-encrypted {n} sensitive field under a new key (contacts {contact}, guests {guest}, "
                      "site passes {site_pass})",
                      "re-encrypted {n} sensitive fields under a new key (contacts {contact}, guests {guest}, "
                      "site passes {site_pass})", n).format(
                          n=n, contact=done.contact, guest=done.guest, site_pass=done.site_pass))
    if from_env:
        note(_("the new key is printed above, once: set RECEPTIONCTL_KEY to it wherever this database is used "
               "(the old key no longer opens the data; backups made before now still need the old key)"))
    else:
        note(_("new key in {file}; the old key is kept as {old}: backups made before now need it, delete it only "
               "when they are gone").format(file=key_file, old=kept))


def backup_key_note(st) -> str:
    """Where the key of a backup must come from: the backup never holds it."""
    if os.environ.get("RECEPTIONCTL_KEY"):
        return _("the encryption key is not in the backup: restoring it needs the RECEPTIONCTL_KEY in use now; "
                 "keep a copy of it apart from the backup")
    key_file = st.key_file()
    if key_file is not None and key_file.exists():
        return _("the encryption key is not in the backup: restoring it needs {file}; keep a copy of it apart from "
                 "the backup").format(file=key_file)
    return _("the backup holds no encryption key (this database has none in use)")
