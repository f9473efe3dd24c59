"""The key of the sensitive fields: rotating it.

`rotate` re-encrypts every sensitive field (the identity numbers of contacts, guests and site
passes) and the key check under a new key, in the caller's one transaction: it commits whole
or not at all. Where the keys live (a file beside the database, RECEPTIONCTL_KEY) is the
business of services/keys.py, which writes the new key before the commit and puts it in place
after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update

from receptionctl.domain.core import access, audit
from receptionctl.domain.core.secrets import KEY_CHECK, Cipher, verify
from receptionctl.errors import ReceptionError, StorageError
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# every encrypted column: (table name, its light handle); a new one must be added here (a test checks it)
SENSITIVE = (("contact", light.contact), ("guest", light.guest), ("site_pass", light.site_pass))
meta = light.meta
BATCH = 500  # rows per UPDATE statement (one executemany each)


@dataclass(frozen=True)
class Rotated:
    contact: int
    guest: int
    site_pass: int

    @property
    def total(self) -> int:
        return self.contact + self.guest + self.site_pass


def may_rotate(session: Session, actor: str) -> None:
    """Admins only (exit 4), asked before any key is written."""
    access.require(session, actor, frozenset(), N_("rotate the encryption key"))


def opens(session: Session, cipher: Cipher) -> bool:
    """Whether `cipher` opens this database's key check (after a failed rotation: which key is in use)."""
    stored = session.scalar(select(meta.c.value).where(meta.c.key == KEY_CHECK))
    if stored is None:
        return False
    try:
        cipher.decrypt(stored)
    except ReceptionError:
        return False
    return True


def rotate(session: Session, actor: str, old, new: Cipher) -> Rotated:
    """Every sensitive field, decrypted with `old` (a Cipher, or a callable returning one) and
    encrypted with `new`; the key check too; one audit event (counts only, no key material).
    A value `old` cannot open stops it all (exit 5, nothing changed)."""
    may_rotate(session, actor)
    old = verify(session, old)  # exit 5 when missing or wrong
    check = session.scalar(select(meta.c.key).where(meta.c.key == KEY_CHECK))
    assert check is not None  # verify wrote it if it was missing
    # the check first: on PostgreSQL its row lock holds back writers that verify the key
    # (secrets.verify reads it FOR SHARE) until this transaction ends
    session.execute(update(meta).where(meta.c.key == KEY_CHECK).values(value=new.check_token()))
    counts = {}
    for name, table in SENSITIVE:
        rows = session.execute(select(table.c.id, table.c.id_number_enc).where(table.c.id_number_enc.is_not(None))
                               .order_by(table.c.id)).all()
        by_id = update(table).where(table.c.id == bindparam("row_id")).values(id_number_enc=bindparam("token"))
        changes = []
        for row_id, token in rows:
            try:
                clear = old.decrypt(token)
            except StorageError:
                raise StorageError(
                    _("the identity number of {table} {id} is not opened by the key in use; nothing was changed").format(
                        table=name, id=row_id),
                    hint=_("find the key it was written with (a .key.old-* file beside the database, or an older "
                           "RECEPTIONCTL_KEY) and give both, newest first: RECEPTIONCTL_KEY=NEW,OLD")) from None
            changes.append({"row_id": row_id, "token": new.encrypt(clear)})
        for start in range(0, len(changes), BATCH):  # UPDATE by primary key: one executemany per batch
            session.execute(by_id, changes[start:start + BATCH])
        counts[name] = len(changes)
    done = Rotated(counts["contact"], counts["guest"], counts["site_pass"])
    audit.record(session, actor, "key.rotate", "key", None, after={**counts, "total": done.total})
    return done
