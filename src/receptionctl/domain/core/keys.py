"""The key of the sensitive fields: rotating it.

`rotate` re-encrypts every sensitive field (the identity numbers of contacts, guests and site
passes) and the key check under a new key, in the caller's one transaction: it commits whole
or not at all. Where the keys live (a file beside the database, RECEPTIONCTL_KEY) is the
business of services/keys.py, which writes the new key before the commit and puts it in place
after.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from receptionctl.domain.core import access, audit
from receptionctl.domain.core.secrets import KEY_CHECK, Cipher, verify
from receptionctl.errors import ReceptionError, StorageError
from receptionctl.i18n import N_, _
from receptionctl.store.tables.common import Contact, Meta
from receptionctl.store.tables.desk import SitePass
from receptionctl.store.tables.visits import Guest

# every encrypted column: (table name, model); a new one must be added here (a test checks it)
SENSITIVE = (("contact", Contact), ("guest", Guest), ("site_pass", SitePass))
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
    stored = session.get(Meta, KEY_CHECK)
    if stored is None:
        return False
    try:
        cipher.decrypt(stored.value)
    except ReceptionError:
        return False
    return True


def rotate(session: Session, actor: str, old, new: Cipher) -> Rotated:
    """Every sensitive field, decrypted with `old` (a Cipher, or a callable returning one) and
    encrypted with `new`; the key check too; one audit event (counts only, no key material).
    A value `old` cannot open stops it all (exit 5, nothing changed)."""
    may_rotate(session, actor)
    old = verify(session, old)  # exit 5 when missing or wrong
    check = session.get(Meta, KEY_CHECK)
    assert check is not None  # verify wrote it if it was missing
    # the check first: on PostgreSQL its row lock holds back writers that verify the key
    # (secrets.verify reads it FOR SHARE) until this transaction ends
    session.execute(update(Meta).where(Meta.key == KEY_CHECK).values(value=new.check_token())
                    .execution_options(synchronize_session=False))
    counts = {}
    for name, model in SENSITIVE:
        rows = session.execute(select(model.id, model.id_number_enc).where(model.id_number_enc.is_not(None))
                               .order_by(model.id)).all()
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
            changes.append({"id": row_id, "id_number_enc": new.encrypt(clear)})
        for start in range(0, len(changes), BATCH):  # bulk UPDATE by primary key: one executemany per batch
            session.execute(update(model), changes[start:start + BATCH])
        counts[name] = len(changes)
    done = Rotated(counts["contact"], counts["guest"], counts["site_pass"])
    audit.record(session, actor, "key.rotate", "key", None, after={**counts, "total": done.total})
    return done
