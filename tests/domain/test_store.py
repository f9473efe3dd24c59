"""The store: migrations from a blank database, aware datetimes, write transactions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from receptionctl.store.db import Database
from receptionctl.store.migrations import SCHEMA_HEAD
from tests.conftest import PG_URL


def test_schema_head_is_the_newest_migration():
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import receptionctl.store.migrations as m

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(m.__file__).parent))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_migrations_from_blank_match_the_models(db_target):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    from receptionctl.store.models import MIGRATION_ONLY_INDEXES

    def declared(obj, name, type_, reflected, compare_to):
        return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)

    db = Database(db_target)
    before, after = db.upgrade()
    assert before is None and after == SCHEMA_HEAD
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": declared}), SQLModel.metadata)
        names = {ix["name"] for ix in inspect(conn).get_indexes("guest")}
    db.dispose()
    assert diff == []
    assert set(MIGRATION_ONLY_INDEXES) <= names  # the migrations do make them


def test_the_tables_load_no_postgresql_dialect():
    """A SQLite command never pays for PostgreSQL's dialect and drivers (asyncio with them)."""
    import subprocess
    import sys

    code = ("import receptionctl.store.models, sys; "
            "print(any(m.startswith('sqlalchemy.dialects.postgresql') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "False"


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
    from receptionctl.errors import ReceptionError
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
    from receptionctl.errors import Refused
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


def _alembic(conn):
    from receptionctl.store.db import _alembic_config

    return _alembic_config(conn)


def test_upgrading_a_populated_database_keeps_every_row(db_target):
    """Each migration after the first runs on a database with data in it; nothing is lost
    (a copy-and-drop rebuild of `visit` on SQLite would cascade-delete its children)."""
    from alembic import command
    from sqlalchemy import text

    db = Database(db_target)
    db.create_file()
    with db.connection(write=True) as conn:
        command.upgrade(_alembic(conn), "0002")
    now = "2026-11-24 01:00:00"
    rows = {
        "staff": "INSERT INTO staff (id, username, name, dept, active, created_at) VALUES (1, 'li', 'Li', 'CS', true, :now)",
        "client": "INSERT INTO client (id, name, name_key, tier, created_at) VALUES (1, 'Acme', 'acme', 'vip', :now)",
        "visit": "INSERT INTO visit (id, client_id, purpose, level, status, starts_at, ends_at, headcount, offsite, "
                 "urgent, short_notice, created_at, created_by) VALUES (1, 1, 'talk', 3, 'approved', :now, :now, 2, "
                 "false, false, false, :now, 'li')",
        "plan": "INSERT INTO plan (visit_id, status, nda) VALUES (1, 'approved', false)",
        "assignment": "INSERT INTO assignment (visit_id, role, staff_id) VALUES (1, 'host', 1)",
        "plan_item": "INSERT INTO plan_item (visit_id, starts_at, title) VALUES (1, :now, 'Welcome')",
        "plan_event": "INSERT INTO plan_event (visit_id, at, actor, action) VALUES (1, :now, 'li', 'approved')",
    }
    with db.connection(write=True) as conn:
        for sql in rows.values():
            conn.execute(text(sql), {"now": now})
    db.dispose()
    from receptionctl.domain import setup

    db = Database(db_target)
    db.upgrade(lambda session, before: setup.seed_policy(session, "admin", setup.InitResult()))
    with db.connection(write=False) as conn:
        for table in rows:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
        # the visit from before the procedure engine adopts the procedure in use, with its tasks
        assert conn.execute(text("SELECT procedure_id FROM visit")).scalar() is not None
        assert conn.execute(text("SELECT count(*) FROM task WHERE visit_id = 1")).scalar() > 0
    assert db.integrity() == []
    db.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite engines' shared compiled SQL")
def test_two_sqlite_files_share_the_compiled_statements(tmp_path):
    """A statement compiled for one file is not compiled again for another in the same process
    (most of a short command's time was SQLAlchemy compiling its statements anew)."""
    from sqlalchemy import select

    from receptionctl.store.models import Client

    query = select(Client.id, Client.name).where(Client.name == "Acme")
    hits = []
    for name in ("one.db", "two.db"):
        db = Database(str(tmp_path / name))
        db.create_file()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE client (id INTEGER PRIMARY KEY, name TEXT, name_key TEXT, tier TEXT, "
                                 "industry TEXT, created_at TEXT)")
            result = conn.execute(query)
            hits.append(result.context.cache_hit == result.context.dialect.CACHE_HIT)
        db.dispose()
    assert hits[1], hits  # the second file's engine found the first one's compiled SQL


def test_migration_0025_moves_complaints_about_staff_to_their_category(db_target):
    """Before issue 26 a complaint about a member of staff was stored in category other (the
    default); the migration puts those in category staff, and every deduction so far is of points."""
    from alembic import command
    from sqlalchemy import text

    db = Database(db_target)
    db.create_file()
    with db.connection(write=True) as conn:
        command.upgrade(_alembic(conn), "0021")
    now = "2026-11-24 01:00:00"
    with db.connection(write=True) as conn:
        conn.execute(text("INSERT INTO staff (id, username, name, dept, active, created_at) VALUES "
                          "(1, 'li', 'Li', 'CS', true, :now), (2, 'wang', 'Wang', 'Biz', true, :now)"), {"now": now})
        for case_id, about, category in ((1, 2, "other"), (2, None, "other"), (3, 2, "service")):
            conn.execute(text("INSERT INTO service_case (id, kind, source, category, severity, text, about_staff_id, "
                              "state, received_at, received_by) VALUES (:id, 'complaint', 'desk', :category, "
                              "'medium', 'x', :about, 'received', :now, 'li')"),
                         {"id": case_id, "about": about, "category": category, "now": now})
        conn.execute(text("INSERT INTO deduction (staff_id, points, reason, at, by) VALUES (2, 3, 'x', :now, 'li')"),
                     {"now": now})
    with db.connection(write=True) as conn:
        command.upgrade(_alembic(conn), "0025")
    with db.connection(write=False) as conn:
        categories = dict(conn.execute(text("SELECT id, category FROM service_case")).all())
        kinds = conn.execute(text("SELECT kind, amount FROM deduction")).all()
    db.dispose()
    assert categories == {1: "staff", 2: "other", 3: "service"}
    assert [tuple(k) for k in kinds] == [("points", None)]
