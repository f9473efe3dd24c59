"""Every test gets a fresh database of its own and a pinned clock.

The database is a SQLite file in tmp_path, or, when RECEPTIONCTL_TEST_PG names a
PostgreSQL server URL (as .ci/run sets it), a fresh PostgreSQL database on that server,
dropped afterwards: the same suite runs on both.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest

PG_URL = os.environ.get("RECEPTIONCTL_TEST_PG")
NOW = "2026-11-24T09:00:00+08:00"  # a Tuesday
PG_KEY = "n0eGyzyjlbaQtmL7HXy0TFF3nD-QN9clq4QZxbzjLkE="  # a fixed test key for PostgreSQL runs
TZ = "Asia/Shanghai"


def _pg_admin():
    from sqlalchemy import create_engine

    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def db_target(tmp_path):
    if not PG_URL:
        yield str(tmp_path / "reception.db")
        return
    from sqlalchemy.engine import make_url

    name = "rct_" + uuid.uuid4().hex[:12]
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(autouse=True)
def reception_env(monkeypatch, tmp_path, db_target):
    monkeypatch.setenv("RECEPTIONCTL_DB", db_target)
    monkeypatch.setenv("RECEPTIONCTL_USER", "admin")
    monkeypatch.setenv("RECEPTIONCTL_TZ", TZ)
    monkeypatch.setenv("RECEPTIONCTL_NOW", NOW)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    for var in ("RECEPTIONCTL_KEY", "RECEPTIONCTL_DEBUG", "RECEPTIONCTL_BUSY_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    if PG_URL:  # a server database keeps no key file: the team shares RECEPTIONCTL_KEY
        monkeypatch.setenv("RECEPTIONCTL_KEY", PG_KEY)
    yield
    from receptionctl.domain import clock

    clock.pin(None)
    clock.set_zone(None)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)


@pytest.fixture
def cli():
    """Run receptionctl in-process: cli("client", "add", "Acme") -> Run."""
    from typer.testing import CliRunner

    from receptionctl.cli.app import app

    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None, input: str | None = None) -> Run:
        result = runner.invoke(app, [str(a) for a in args], env=env, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def ok(cli):
    """Like cli, but the command must succeed."""

    def invoke(*args: str, **kw) -> Run:
        run = cli(*args, **kw)
        assert run.exit_code == 0, f"{args} exited {run.exit_code}: {run.stderr}"
        return run

    return invoke


@pytest.fixture
def initdb(ok):
    """An initialised database with the acting user `admin` as its admin."""
    ok("init")
    return ok


def snapshot(target: str) -> dict[str, list]:
    """Every row of every table, to show that a failed command changed nothing."""
    from sqlalchemy import create_engine, inspect, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(target))
    try:
        with engine.connect() as conn:
            return {
                t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr)
                for t in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


@pytest.fixture
def unchanged(db_target):
    """with unchanged(): ... asserts that the database is the same afterwards."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = snapshot(db_target)
        yield
        assert snapshot(db_target) == before

    return check


@pytest.fixture
def team(initdb):
    """A team (approvers gm and gm2, coordinator-host li, host wang, staff chen) and a VIP client
    Acme with one contact: the cast of the visit, plan and report tests."""
    ok = initdb
    ok("staff", "add", "gm", "--name", "Zhou Min", "--dept", "Leadership", "--role", "approver")
    ok("staff", "add", "gm2", "--name", "Qian Hui", "--dept", "Leadership", "--role", "approver", "--role", "coordinator")
    ok("staff", "add", "li", "--name", "Li Na", "--dept", "Customer service", "--role", "coordinator", "--role", "host")
    ok("staff", "add", "wang", "--name", "Wang Lei", "--dept", "Business", "--role", "host")
    ok("staff", "add", "chen", "--name", "Chen Jie", "--dept", "Technical", "--role", "staff")
    ok("client", "add", "Acme", "--tier", "vip")
    ok("contact", "add", "Acme", "Liu Yang", "--diet", "no pork", "--needs", "wheelchair access")
    return ok
