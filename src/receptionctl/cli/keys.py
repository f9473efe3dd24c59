"""`db rotate-key`: the command around services/keys.py, which keeps the crash-safe order of
the key files around domain/core/keys.py's one transaction (read there, step by step).

With a key file (`<db>.key`, beside a SQLite database) the new key replaces it only after the
commit, and the old key is kept as `<db>.key.old-<stamp>`. With RECEPTIONCTL_KEY (always, on
PostgreSQL): the new key is printed once on stdout before the transaction commits (so that a
stop after the commit cannot lose it), and the team must then set RECEPTIONCTL_KEY to it;
until they do, their commands that need the key exit 5.

Module level: typer and the standard library only (start-up stays light).
"""

import os

import typer

from receptionctl.i18n import N_, _

ROTATE_HELP = N_(
    "Re-encrypt every sensitive field (identity numbers) under a new key, in one transaction; admin only. "
    "With the key file beside a SQLite database, the old key is kept as DB.key.old-STAMP (backups made before "
    "need it) and the new key replaces DB.key only after the commit; with RECEPTIONCTL_KEY the new key is "
    "printed once on stdout: set RECEPTIONCTL_KEY to it everywhere. Example: receptionctl db rotate-key"
)


def rotate_key(ctx: typer.Context) -> None:
    import sys

    from receptionctl.cli.common import state
    from receptionctl.i18n import ngettext
    from receptionctl.render.output import note, say
    from receptionctl.services import keys

    def show_key(key: bytes) -> None:
        say(key.decode())  # printed before the commit: a stop after it cannot lose the key
        sys.stdout.flush()

    def key_not_used() -> None:
        note(_("the key printed above was NOT put in use: keep RECEPTIONCTL_KEY as it is"))

    st = state(ctx)
    from_env = bool(os.environ.get("RECEPTIONCTL_KEY"))
    rotation = keys.rotate(st.session, st.actor, st.cipher, st.key_file(),
                           show_key=show_key if from_env else None, key_not_used=key_not_used)
    n = rotation.done.total
    note(ngettext("re-encrypted {n} sensitive field under a new key (contacts {contact}, guests {guest}, "
                  "site passes {site_pass})",
                  "re-encrypted {n} sensitive fields under a new key (contacts {contact}, guests {guest}, "
                  "site passes {site_pass})", n).format(
                      n=n, contact=rotation.done.contact, guest=rotation.done.guest,
                      site_pass=rotation.done.site_pass))
    if from_env:
        note(_("the new key is printed above, once: set RECEPTIONCTL_KEY to it wherever this database is used "
               "(the old key no longer opens the data; backups made before now still need the old key)"))
    else:
        note(_("new key in {file}; the old key is kept as {old}: backups made before now need it, delete it only "
               "when they are gone").format(file=rotation.key_file, old=rotation.kept))


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
