"""Faults: a corrupt database file, a database from a newer schema, a read-only file or folder, a
full disk (issue 18, item 5). Each command exits 5 with one `error:` line (and maybe a hint), no
traceback, and what is stored is still there afterwards."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="faults of a SQLite file")

COMMANDS = (["client", "list"], ["client", "add", "Fault Co"], ["visit", "list"], ["db", "check"],
            ["report", "daily"], ["init"], ["db", "migrate"])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-header"])
def test_a_corrupt_file_exits_5_and_is_left_as_it_is(team, cli, db_target, damage):
    path = Path(db_target)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:
        path.write_bytes(b"\0" * 100 + data[100:])
    before = _digest(path)
    for args in COMMANDS:
        one_error_line(cli(*args), 5)
        assert _digest(path) == before, args


def test_a_newer_schema_exits_5_and_changes_nothing(team, cli, db_target):
    conn = sqlite3.connect(db_target)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = _dump(Path(db_target))
    for args in COMMANDS:
        run = cli(*args)
        if args == ["db", "check"] and run.exit_code == 5:
            assert "Traceback" not in run.stderr and run.stderr.startswith("error: ")
            continue
        one_error_line(run, 5, "9999")
    assert _dump(Path(db_target)) == before


def _tool_run(args: list[str], db: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("receptionctl")
    tool = [str(script)] if script.exists() else [sys.executable, "-m", "receptionctl"]
    env = {**os.environ, "RECEPTIONCTL_DB": str(db)}
    return subprocess.run([*tool, *args], env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any file mode (and nobody cannot run this venv)")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_refuses_writes_and_keeps_its_rows(team, db_target, what):
    folder = Path(tempfile.mkdtemp(prefix="rct-ro-"))
    try:
        os.chmod(folder, 0o755)
        db = folder / "reception.db"
        shutil.copy(db_target, db)
        shutil.copy(db_target + ".key", str(db) + ".key")
        before = _dump(db)
        os.chmod(db, 0o444)
        if what == "folder":
            os.chmod(folder, 0o555)
        done = _tool_run(["client", "add", "Fault Co"], db)
        assert done.returncode == 5, (done.returncode, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert lines[0].startswith("error: ") and "Traceback" not in done.stderr, done.stderr
        assert all(l.startswith(("hint: ", "warning: ")) for l in lines[1:]), done.stderr
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
        assert _dump(db) == before
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_full_disk_exits_5_and_keeps_what_was_stored(team, cli, db_target):
    """The disk is full when SQLite may not grow the file: a test-only connection hook sets
    PRAGMA max_page_count to the file's size on every connection the commands open (no tmpfs
    or loop device can be mounted in CI's containers)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    before = _dump(Path(db_target))

    def full(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    event.listen(Engine, "connect", full)
    try:
        for n in range(200):  # a few fit in the free pages; then the disk is full
            run = cli("client", "add", f"Full disk {n} " + "x" * 250, "--industry", "y" * 190)
            if run.exit_code != 0:
                break
        one_error_line(run, 5, "full")
        one_error_line(cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00",
                           "--purpose", "talk", "--headcount", "5", "--venue", "v" * 190), 5, "full")
    finally:
        event.remove(Engine, "connect", full)
    after = _dump(Path(db_target))
    assert [line for line in before if line not in after] == []  # nothing stored before is lost
    assert cli("client", "list").exit_code == 0


def test_a_database_sqlite_may_only_read_refuses_writes_and_keeps_its_rows(team, cli, db_target):
    """The read-only file as SQLite sees it, where file modes cannot make one (root writes through
    0444): a test-only connection hook sets PRAGMA query_only on every connection the commands
    open, so every write meets SQLITE_READONLY as it would on a 0444 file."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    before = _dump(Path(db_target))

    def read_only(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA query_only = ON")

    event.listen(Engine, "connect", read_only)
    try:
        one_error_line(cli("client", "add", "Fault Co"), 5, "readonly")
        one_error_line(cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00",
                           "--purpose", "talk", "--headcount", "5"), 5, "readonly")
        assert cli("client", "list").exit_code == 0  # reading still works
    finally:
        event.remove(Engine, "connect", read_only)
    assert _dump(Path(db_target)) == before
