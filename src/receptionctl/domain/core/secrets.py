"""Sensitive fields (identity numbers): Fernet-encrypted at rest, shown masked, revealed
only to an admin who asks, and each reveal audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from receptionctl.errors import BadInput, StorageError
from receptionctl.i18n import _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_CHECK = b"receptionctl key check"
KEY_CHECK = "key_check"


class Cipher:
    """One key, or several (the first encrypts, any of them decrypts: cryptography's
    MultiFernet), as while a key rotation that stopped half-way is finished (domain/core/keys.py)."""

    def __init__(self, key: "bytes | str | list[bytes | str] | tuple[bytes | str, ...]", source: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        self.source = source
        keys = list(key) if isinstance(key, (list, tuple)) else [key]
        try:
            fernets = [Fernet(k) for k in keys]
            self._fernet = fernets[0] if len(fernets) == 1 else MultiFernet(fernets)
        except (ValueError, TypeError, IndexError):
            raise StorageError(
                _("the encryption key from {source} is not a valid key").format(source=source),
                hint=_("a key is 32 url-safe base64-encoded bytes, as `receptionctl init` writes it"),
            ) from None

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise StorageError(
                _("the encryption key from {source} does not open this database's sensitive fields").format(
                    source=self.source),
                hint=_("use the key this database was initialised with (RECEPTIONCTL_KEY or its key file)"),
            ) from None

    def check_token(self) -> str:
        return self.encrypt(_CHECK.decode())


def new_key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


def mask(value: str) -> str:
    """First 4 and last 4 characters of a full-length number (16 or more); a shorter one
    shows less, so that at least half of it stays hidden."""
    keep = min(4, len(value) // 4)
    if keep == 0:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def clean_id_number(value: str) -> str:
    cleaned = "".join(value.split())
    if not cleaned or len(cleaned) > 64 or not all(c.isalnum() or c in "-/" for c in cleaned):
        raise BadInput(  # the value is not echoed: it is sensitive
            _("the identity number given is not valid: expected letters and digits (and - or /), at most 64")
        )
    return cleaned


def verify(session: Session, keys: "Callable[[], Cipher | None] | Cipher | None") -> Cipher:
    """The cipher, checked against the token stored at `init`; a clear error if missing or wrong.
    `keys` may be a callable, so that the key is only looked for once it is needed."""
    from receptionctl.store.tables.common import Meta

    cipher = keys() if callable(keys) else keys
    if cipher is None:
        raise StorageError(
            _("no encryption key for sensitive fields"),
            hint=_("set RECEPTIONCTL_KEY (always, for a PostgreSQL database), or keep the key file "
                   "that `receptionctl init` wrote beside the SQLite database"),
        )
    # FOR SHARE on PostgreSQL (SQLite writers are serialised anyway): a `db rotate-key` that
    # has changed the check waits for this transaction, and this one for it, so that nothing
    # is written under a key the database no longer uses
    stored = session.scalar(select(light.meta.c.value).where(light.meta.c.key == KEY_CHECK)
                            .with_for_update(read=True))
    if stored is None:
        session.add(Meta(key=KEY_CHECK, value=cipher.check_token()))
        return cipher
    cipher.decrypt(stored)  # raises the clear error on a wrong key
    return cipher
