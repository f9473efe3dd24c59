"""After records were destroyed (a retention run, an erasure): their old bytes leave the files.

SQLite keeps deleted and overwritten content in free pages and in the write-ahead log until they
are reused. Here the log is checkpointed and emptied, VACUUM rebuilds the file (no free page
keeps old content) and the log VACUUM wrote is emptied again. VACUUM cannot run inside a
transaction: call this after the session that destroyed the records has committed.
PostgreSQL: nothing here (its vacuum reclaims dead rows; see docs/usage/records.md)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

from receptionctl import reasons
from receptionctl.errors import StorageError
from receptionctl.i18n import _
from receptionctl.store.db import Database, describe

STEPS = ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)")


def compact(db: Database) -> None:
    if not db.is_sqlite or not db.exists():
        return
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection  # autocommit: the engine sends BEGIN itself, only on begin
            for statement in STEPS:
                raw.execute(statement).fetchall()
    except (sqlite3.Error, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(_("database {database} was changed, but its file could not be compacted: {reason}").format(
            database=describe(db.url), reason=reasons.database(reason)),
            hint=_("when no one else uses it, run: {command}").format(
                command=f"sqlite3 {db.path} 'VACUUM; PRAGMA wal_checkpoint(TRUNCATE);'")) from None
