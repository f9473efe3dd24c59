"""The database's own id (issue 30): random, made once (at `init`, or by migration 0029 for a
database made before), kept in `meta` as `database_id`. A backup carries it, so a restored
database keeps it. Calendar event ids are made of it and the record's id, so that two
databases' first visits never share an id in a calendar that reads both. Nothing edits it:
it is not a policy setting."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.errors import StorageError
from receptionctl.i18n import _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEY = "database_id"
_CACHE = "receptionctl.database_id"


def database_id(session: Session) -> str:
    """The database's id (read once per session)."""
    cached = session.info.get(_CACHE)
    if cached:
        return cached
    value = session.scalar(select(light.meta.c.value).where(light.meta.c.key == KEY))
    if not value:
        raise StorageError(_("this database has no id: run `receptionctl db migrate`"))
    session.info[_CACHE] = value
    return value


def ensure(session: Session) -> str:
    """Give the database its id if it has none (in the caller's transaction); the id."""
    from receptionctl.store.tables.common import Meta

    row = session.get(Meta, KEY)
    if row is None:
        row = Meta(key=KEY, value=uuid.uuid4().hex)
        session.add(row)
        session.flush()
    return row.value
