"""Sensitive fields (identity numbers): Fernet-encrypted at rest, shown masked, revealed
only to an admin who asks, and each reveal audited."""

from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from receptionctl.errors import BadInput, StorageError
from receptionctl.store.models import Meta

_CHECK = b"receptionctl key check"
KEY_CHECK = "key_check"


class Cipher:
    def __init__(self, key: bytes | str, source: str) -> None:
        from cryptography.fernet import Fernet

        self.source = source
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise StorageError(
                f"the encryption key from {source} is not a valid key",
                hint="a key is 32 url-safe base64-encoded bytes, as `receptionctl init` writes it",
            ) from None

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise StorageError(
                f"the encryption key from {self.source} does not open this database's sensitive fields",
                hint="use the key this database was initialised with (RECEPTIONCTL_KEY or its key file)",
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
            "the identity number given is not valid: expected letters and digits (and - or /), at most 64"
        )
    return cleaned


def verify(session: Session, keys: "Callable[[], Cipher | None] | Cipher | None") -> Cipher:
    """The cipher, checked against the token stored at `init`; a clear error if missing or wrong.
    `keys` may be a callable, so that the key is only looked for once it is needed."""

    cipher = keys() if callable(keys) else keys
    if cipher is None:
        raise StorageError(
            "no encryption key for sensitive fields",
            hint="set RECEPTIONCTL_KEY (always, for a PostgreSQL database), or keep the key file "
            "that `receptionctl init` wrote beside the SQLite database",
        )
    stored = session.get(Meta, KEY_CHECK)
    if stored is None:
        session.add(Meta(key=KEY_CHECK, value=cipher.check_token()))
        return cipher
    cipher.decrypt(stored.value)  # raises the clear error on a wrong key
    return cipher
