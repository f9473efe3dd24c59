"""The tamper-evident audit log (issue 18, part 2): each event chained to the one before by
SHA-256; `audit verify` and `db check` find an event edited or deleted by hand (exit 5, naming
it); the migration chains the events already there; retention deletes and rewrites events and
leaves a chain that verifies (an anchor, a reseal in the log); concurrent writers leave one
chain."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_retention import LATER, NOW, approve, archive, run
from tests.conftest import PG_URL

GENESIS = "0" * 64


def raw(target: str, sql: str, params: tuple = ()) -> list[tuple]:
    """`sql` on the database by hand, outside receptionctl (the sqlite3 module on a file)."""
    if not PG_URL:
        import sqlite3

        conn = sqlite3.connect(target)
        try:
            rows = conn.execute(sql, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()
    from sqlalchemy import create_engine

    engine = create_engine(target)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql.replace("?", "%s"), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def raw_many(target: str, sql: str, rows: list[tuple]) -> None:
    if not PG_URL:
        import sqlite3

        conn = sqlite3.connect(target)
        try:
            conn.executemany(sql, rows)
            conn.commit()
        finally:
            conn.close()
        return
    from sqlalchemy import create_engine

    engine = create_engine(target)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql.replace("?", "%s"), rows)
    finally:
        engine.dispose()


def chain(target: str) -> list[tuple]:
    return raw(target, "SELECT id, prev_hash, hash FROM audit_event ORDER BY id")


def assert_chained(target: str) -> list[tuple]:
    """Every event's prev_hash is the hash of the one before (the first: the genesis or the anchor),
    and every hash is what domain.audit computes from the stored fields."""
    from receptionctl.domain.core import audit
    from receptionctl.store.db import Database

    db = Database(target)
    try:
        with db.session() as session:
            assert audit.verify(session).ok
    finally:
        db.dispose()
    rows = chain(target)
    for (_i, _p, before), (_j, prev, _h) in zip(rows, rows[1:]):
        assert prev == before
    return rows


# -- on add -------------------------------------------------------------------------------------
def test_each_event_is_chained_to_the_one_before_as_it_is_added(initdb, db_target):
    from datetime import datetime, timezone

    from receptionctl.domain.core import audit

    ok = initdb
    before = chain(db_target)
    ok("client", "add", "Acme", "--tier", "vip")
    ok("client", "add", "Beta")
    rows = assert_chained(db_target)
    assert rows[0][1] == GENESIS and len(rows) == len(before) + 2
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # numbered in chain order
    assert all(len(h) == 64 and int(h, 16) >= 0 for _i, _p, h in rows)
    # the hash is SHA-256(prev_hash || canonical fields), as documented
    [(eid, at, actor, action, entity, entity_id, visit_id, b, a, prev, h)] = raw(
        db_target, "SELECT id, at, actor, action, entity, entity_id, visit_id, before, after, prev_hash, hash "
                   "FROM audit_event WHERE id = ?", (rows[-1][0],))
    if isinstance(at, str):
        at = datetime.fromisoformat(at).replace(tzinfo=timezone.utc)
    assert (actor, action, entity) == ("admin", "client.add", "client")
    assert h == audit.chain_hash(prev, eid, at, actor, action, entity, entity_id, visit_id, b, a)
    import hashlib
    import json

    body = json.dumps([eid, at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), actor, action, entity,
                       entity_id, visit_id, b, a], ensure_ascii=False, separators=(",", ":"))
    assert h == hashlib.sha256((prev + body).encode()).hexdigest()


def test_verify_prints_how_many_events_and_the_head(initdb, db_target):
    ok = initdb
    ok("client", "add", "Acme")
    rows = chain(db_target)
    shown = ok("audit", "verify", "--json").json()
    assert shown == {"ok": True, "events": len(rows), "head_id": rows[-1][0], "head": rows[-1][2],
                     "anchor_id": None, "broken": None}
    text = ok("audit", "verify").stdout
    assert rows[-1][2] in text and f"events verified  {len(rows)}" in text
    assert ok("audit", "--json").json()[-1]["action"] == "client.add"  # the list is as it was
    checked = ok("db", "check", "--json").json()
    assert (checked["audit_chain"], checked["audit_events"], checked["audit_head"]) == ("ok", len(rows), rows[-1][2])


# -- by hand --------------------------------------------------------------------------------------
def test_an_event_edited_by_hand_is_found_by_verify_and_db_check(initdb, cli, db_target):
    ok = initdb
    for name in ("Acme", "Beta", "Gamma"):
        ok("client", "add", name)
    target = chain(db_target)[-2][0]
    raw(db_target, "UPDATE audit_event SET after = ? WHERE id = ?", ('{"name": "Evil", "tier": "vip"}', target))
    done = cli("audit", "verify")
    one_error_line(done, 5, f"broken at event {target}", "changed outside receptionctl")
    shown = cli("audit", "verify", "--json")
    assert shown.exit_code == 5
    assert shown.json()["broken"]["id"] == target and shown.json()["broken"]["problem"] == "content"
    assert shown.json()["events"] == target - 1
    checked = cli("db", "check")
    one_error_line(checked, 5, f"broken at event {target}")
    assert cli("db", "check", "--json").json()["audit_broken_at"] == target


def test_an_event_deleted_by_hand_is_found(initdb, cli, db_target):
    ok = initdb
    for name in ("Acme", "Beta", "Gamma"):
        ok("client", "add", name)
    gone = chain(db_target)[-2][0]
    raw(db_target, "DELETE FROM audit_event WHERE id = ?", (gone,))
    done = cli("audit", "verify")
    one_error_line(done, 5, f"broken at event {gone + 1}", f"event {gone} was deleted")
    assert cli("audit", "verify", "--json").json()["broken"]["problem"] == "link"
    one_error_line(cli("db", "check"), 5, f"event {gone} was deleted")


def test_the_oldest_events_deleted_or_an_event_inserted_by_hand_are_found(initdb, cli, db_target):
    ok = initdb
    ok("client", "add", "Acme")
    raw(db_target, "DELETE FROM audit_event WHERE id = 1")
    one_error_line(cli("audit", "verify"), 5, "broken at event 2", "events before it were deleted")
    raw(db_target, "DELETE FROM audit_event")
    ok("audit", "verify")  # an empty log chains from the start again
    ok("client", "add", "Beta")
    head = chain(db_target)[-1][0]
    raw(db_target, "INSERT INTO audit_event (id, at, actor, action, entity) VALUES (?, ?, 'x', 'y', 'z')",
        (head + 1, "2026-11-24 01:00:00.000000"))
    one_error_line(cli("audit", "verify"), 5, f"broken at event {head + 1}")


# -- the migration ------------------------------------------------------------------------------
def test_the_migration_chains_the_events_already_there(db_target, ok):
    from alembic import command as alembic

    from receptionctl.store.db import Database, _alembic_config

    db = Database(db_target)
    db.create_file()
    with db.connection(write=True, foreign_keys=False) as conn:
        alembic.upgrade(_alembic_config(conn), "0018")
    db.dispose()
    at = "2026-11-2{} 0{}:00:00.{:06d}" if not PG_URL else "2026-11-2{}T0{}:00:00.{:06d}+00:00"
    raw_many(db_target, "INSERT INTO audit_event (id, at, actor, action, entity, entity_id, after) "
                        "VALUES (?, ?, 'li', 'client.add', 'client', ?, ?)",
             [(i, at.format(i % 3, i % 10, i), i, '{"name": "C%d"}' % i) for i in range(1, 1203)])  # > 1 batch
    ok("init")  # migrates (and registers the first admin: events after the migrated ones)
    rows = assert_chained(db_target)
    assert len(rows) > 1202 and rows[0][1] == GENESIS
    ok("client", "add", "Acme")  # the next event follows
    shown = ok("audit", "verify", "--json").json()
    assert shown["events"] == len(rows) + 1 and shown["head_id"] == len(rows) + 1


# -- retention ----------------------------------------------------------------------------------
@pytest.fixture
def archived(from_template, ok):
    return ok, from_template(archive)


def test_a_retention_run_leaves_a_chain_that_verifies(archived, db_target, cli):
    ok, _ = archived
    ok("--as", "gm", "hold", "add", "visit:2", "--reason", "inquiry", env=NOW)  # kept: a gap in the old events
    before = chain(db_target)
    r = run(ok)
    approve(ok, r["id"], "gm")
    approve(ok, r["id"], "dm")
    rows = assert_chained(db_target)
    kept = {i for i, _p, _h in rows}
    assert len(rows) < len(before) and min(kept) > 1  # the oldest deleted; events of visit 2 kept
    shown = ok("audit", "verify", "--json", env=LATER).json()
    assert shown["ok"] and shown["anchor_id"] == rows[0][0]
    [seal] = [e for e in ok("audit", "--json", env=LATER).json() if e["action"] == "audit.reseal"]
    assert seal["entity"] == "retention_run" and seal["entity_id"] == r["id"]
    assert seal["after"]["run"] == r["id"] and seal["after"]["events"] > 0 and seal["after"]["anchor"] == rows[0][0]
    assert seal["after"]["old_head"] != seal["after"]["new_head"]
    ok("db", "check", env=LATER)
    # the anchor is no blank cheque: deleting the first event left by hand is found
    raw(db_target, "DELETE FROM audit_event WHERE id = ?", (rows[0][0],))
    one_error_line(cli("audit", "verify", env=LATER), 5, f"broken at event {rows[1][0]}")


def test_an_erasure_rewrites_events_and_reseals_the_chain(archived, db_target, cli):
    ok, made = archived
    ok("person", "erase", "--contact", str(made["contact"]), env=NOW)
    run_id = ok("retention", "list", "--json").json()[-1]["id"]
    approve(ok, run_id, "gm", env=NOW)
    approve(ok, run_id, "admin", env=NOW)
    assert_chained(db_target)
    [seal] = [e for e in ok("audit", "--json", env=NOW).json() if e["action"] == "audit.reseal"]
    assert seal["after"]["events"] > 0 and seal["after"]["anchor"] is None
    # a run over a chain broken by hand is refused, nothing changed
    head = chain(db_target)[-1][0]
    raw(db_target, "UPDATE audit_event SET actor = 'someone' WHERE id = ?", (head - 3,))
    r = run(ok)
    approve(ok, r["id"], "gm")
    one_error_line(cli("--as", "dm", "retention", "approve", str(r["id"]), env=LATER), 5,
                   f"broken at event {head - 3}")
    assert cli("retention", "show", str(r["id"]), "--json", env=LATER).json()["state"] == "pending"


# -- concurrency --------------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys
    from receptionctl.cli.app import build
    command = build()
    failed = 0
    for i in range(int(sys.argv[2])):
        try:
            command.main(args=["client", "add", f"W{sys.argv[1]}-{i}"], prog_name="receptionctl")
        except SystemExit as exc:
            failed += bool(exc.code)
    sys.exit(failed)
""")


@pytest.mark.slow
def test_concurrent_writers_leave_one_chain(initdb, db_target):
    before = len(chain(db_target))
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), "20"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
             for w in range(3)]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    rows = assert_chained(db_target)
    assert len(rows) == before + 60
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    names = raw(db_target, "SELECT count(*) FROM client WHERE name LIKE ?", ("W%",))
    assert names == [(60,)]
