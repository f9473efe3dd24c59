"""The store: migrations from a blank database, aware datetimes, write transactions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from receptionctl.store.db import Database
from receptionctl.store.migrations import SCHEMA_HEAD
from tests.conftest import PG_URL


def test_schema_head_is_the_newest_migration():
    from alembic.script import ScriptDirectory
    from alembic.config import Config
    from pathlib import Path

    import receptionctl.store.migrations as m

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(m.__file__).parent))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_migrations_from_blank_match_the_models(db_target):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import receptionctl.store.models  # noqa: F401

    db = Database(db_target)
    before, after = db.upgrade()
    assert before is None and after == SCHEMA_HEAD
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    db.dispose()
    assert diff == []


def test_datetimes_come_back_aware_in_utc(db_target):
    from receptionctl.store.models import Client

    db = Database(db_target)
    db.upgrade()
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    with db.session(write=True) as s:
        s.add(Client(name="A", name_key="a", tier="normal", created_at=moment))
    with db.session() as s:
        stored = s.query(Client).one().created_at
    db.dispose()
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == moment


def test_naive_datetimes_are_refused(db_target):
    from receptionctl.domain.errors import ReceptionError
    from receptionctl.store.models import Client

    db = Database(db_target)
    db.upgrade()
    from sqlalchemy.exc import StatementError

    with pytest.raises((ValueError, ReceptionError, StatementError), match="naive"):
        with db.session(write=True) as s:
            s.add(Client(name="A", name_key="a", tier="normal", created_at=datetime(2026, 1, 1)))
            s.flush()
    db.dispose()


def test_failed_transaction_rolls_back(db_target):
    from receptionctl.domain.errors import Refused
    from receptionctl.store.models import Client

    db = Database(db_target)
    db.upgrade()
    now = datetime.now(timezone.utc)
    with pytest.raises(Refused):
        with db.session(write=True) as s:
            s.add(Client(name="A", name_key="a", tier="normal", created_at=now))
            s.flush()
            raise Refused("half-way")
    with db.session() as s:
        assert s.query(Client).count() == 0
    db.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite pragmas and BEGIN IMMEDIATE")
def test_sqlite_connections_are_configured(db_target):
    from sqlalchemy import event, text

    db = Database(db_target)
    db.upgrade()
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.connection(write=True) as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    with db.connection(write=False) as conn:
        conn.execute(text("SELECT 1"))
    db.dispose()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
