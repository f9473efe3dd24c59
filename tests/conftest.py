"""Every test gets a fresh database of its own and a pinned clock.

The database is a SQLite file in tmp_path, or, when RECEPTIONCTL_TEST_PG names a
PostgreSQL server URL (as .ci/run sets it), a fresh PostgreSQL database on that server,
dropped afterwards: the same suite runs on both.

Two things keep the suite fast:
- the click command is built from the Typer app once per session (`command`): Typer's
  CliRunner.invoke(app) builds it again on every call, most of a command's time in a test;
- a database a test starts from (initialised, with the team, ...) is made once per session, by
  the same commands in the same environment, and copied for each test (`template` and
  `from_template`): the SQLite file and its key file, or CREATE DATABASE ... TEMPLATE.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_URL = os.environ.get("RECEPTIONCTL_TEST_PG")
NOW = "2026-11-24T09:00:00+08:00"  # a Tuesday
PG_KEY = "n0eGyzyjlbaQtmL7HXy0TFF3nD-QN9clq4QZxbzjLkE="  # a fixed test key for PostgreSQL runs
DB_FILE = "reception.db"


def _pg(*statements: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        admin.dispose()


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _set_env(mp: pytest.MonkeyPatch, db: str, data_home) -> None:
    """The environment of the commands: in every test, and while a template is made."""
    mp.setenv("RECEPTIONCTL_DB", db)
    mp.setenv("RECEPTIONCTL_USER", "admin")
    # no RECEPTIONCTL_TZ: times are read and shown in the policy's work zone (Asia/Shanghai),
    # whatever the machine's zone; CI runs the suite with TZ=UTC and with TZ=Asia/Shanghai
    mp.setenv("RECEPTIONCTL_NOW", NOW)
    mp.setenv("XDG_DATA_HOME", str(data_home))
    mp.setenv("XDG_CACHE_HOME", str(Path(data_home).parent / "cache"))
    # a config folder of the test's own, with no config file: no test reads the user's config
    mp.setenv("XDG_CONFIG_HOME", str(Path(data_home).parent / "config"))
    mp.setenv("NO_COLOR", "1")
    # the locale picks the interface language when nothing else does: the suite speaks English
    # whatever the machine's locale (the Chinese tests ask for it)
    mp.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES"):
        mp.delenv(var, raising=False)
    for var in ("RECEPTIONCTL_KEY", "RECEPTIONCTL_DEBUG", "RECEPTIONCTL_BUSY_TIMEOUT", "RECEPTIONCTL_TZ",
                "RECEPTIONCTL_LANG"):
        mp.delenv(var, raising=False)
    if PG_URL:  # a server database keeps no key file: the team shares RECEPTIONCTL_KEY
        mp.setenv("RECEPTIONCTL_KEY", PG_KEY)


@pytest.fixture
def db_target(request, tmp_path):
    if not PG_URL:
        yield str(tmp_path / DB_FILE)
        return
    name = "rct_" + uuid.uuid4().hex[:12]
    if "from_template" not in request.fixturenames:  # else from_template creates it from a template
        _pg(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def reception_env(monkeypatch, tmp_path, db_target):
    _set_env(monkeypatch, db_target, tmp_path / "data")
    yield
    from receptionctl import i18n
    from receptionctl.domain.core import clock

    clock.pin(None)
    clock.set_zone(None)
    i18n.setup("en")  # a test's run in Chinese leaves the next test's domain calls English


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def command():
    """The app's click command, built once. It is the root ReceptionGroup: its main() turns
    failures into the `error:` line and the exit code, as in the installed tool."""
    from receptionctl.cli.app import ReceptionGroup, build

    built = build(eager=True)  # every group built once: the tests walk them
    assert isinstance(built, ReceptionGroup)
    return built


def run(command, args, env: dict | None = None, input: str | None = None) -> Run:
    """What typer.testing.CliRunner().invoke(app, args) does, with the prebuilt command:
    streams and environment isolated, exit code from SystemExit. An exception other than
    SystemExit is raised here, as the cli fixture always did."""
    import sys

    from typer.testing import CliRunner

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        try:
            command.main(args=[str(a) for a in args], prog_name=runner.get_default_prog_name(command))
            code = 0
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
            if not isinstance(code, int):
                sys.stdout.write(f"{code}\n")
                code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()

    def text(data: bytes) -> str:
        return data.decode(runner.charset, "replace").replace("\r\n", "\n")

    return Run(code, text(stdout), text(stderr))


def _must_succeed(invoke):
    def checked(*args: str, **kw) -> Run:
        done = invoke(*args, **kw)
        assert done.exit_code == 0, f"{args} exited {done.exit_code}: {done.stderr}"
        return done

    return checked


@pytest.fixture
def cli(command):
    """Run receptionctl in-process: cli("client", "add", "Acme") -> Run."""

    def invoke(*args: str, env: dict | None = None, input: str | None = None) -> Run:
        return run(command, args, env=env, input=input)

    return invoke


@pytest.fixture
def ok(cli):
    """Like cli, but the command must succeed."""
    return _must_succeed(cli)


# -- databases made once per session ------------------------------------------------------
def template(base=None):
    """Make `build(ok)` the recipe of a template database: `build` runs once per session, on
    a copy of template `base` (another recipe; None: a blank database), with the commands and
    the environment of a test, so that the rows, audit log included, are the ones a test
    would make itself. from_template(build) then gives a test a copy, and what build returned."""

    def mark(build):
        build.template_base = base
        return build

    return mark


@template()
def initialised(ok):
    # a new server database acts as its database login (policy identity db); the suite's one
    # login plays every part, so its templates are declared, as a file's (tests/cli/test_identity.py
    # proves db on PostgreSQL)
    ok("init", *(("--identity", "declared") if PG_URL else ()))


@template(base=initialised)
def with_team(ok):
    ok("staff", "add", "gm", "--name", "Zhou Min", "--dept", "Leadership", "--role", "approver")
    ok("staff", "add", "gm2", "--name", "Qian Hui", "--dept", "Leadership", "--role", "approver", "--role", "coordinator")
    ok("staff", "add", "li", "--name", "Li Na", "--dept", "Customer service", "--role", "coordinator", "--role", "host")
    ok("staff", "add", "wang", "--name", "Wang Lei", "--dept", "Business", "--role", "host")
    ok("staff", "add", "chen", "--name", "Chen Jie", "--dept", "Technical", "--role", "staff")
    ok("client", "add", "Acme", "--tier", "vip")
    ok("contact", "add", "Acme", "Liu Yang", "--diet", "no pork", "--needs", "wheelchair access")


def _lineage(build) -> list:
    chain = []
    while build is not None:
        chain.append(build)
        build = build.template_base
    return chain


@dataclass
class _Made:
    source: str  # the SQLite folder or the PostgreSQL database
    value: object  # what build returned
    clock: tuple  # the clock as the last command left it (pinned moment, zone)


def _copy_files(folder: str, target: str) -> None:
    """The SQLite database in `folder` and its key file, copied to `target` (mode 0600 kept)."""
    import shutil

    for suffix in ("", ".key"):
        shutil.copy(os.path.join(folder, DB_FILE + suffix), target + suffix)


class Templates:
    def __init__(self, command, folder) -> None:
        self.command = command
        self.folder = folder
        self.made: dict = {}  # build -> _Made
        self.pg_databases: list[str] = []  # dropped at the end of the session
        self.started: dict[str, object] = {}  # a test's database -> the recipe it was copied from

    def restore(self, build, target: str):
        """Make the test's database `target` a copy of template `build`; return build's value.
        A test asking for a template and one of its bases (team and initdb) gets the newest."""
        import copy

        from receptionctl.domain.core import clock

        made = self._get(build)
        current = self.started.get(target)
        if current is not None and build in _lineage(current):
            return copy.deepcopy(made.value)  # already there, or something made on top of it
        if current is not None and current not in _lineage(build):
            raise AssertionError(f"a test cannot start from both {current.__name__} and {build.__name__}")
        self._copy(made.source, target)
        self.started[target] = build
        clock.pin(made.clock[0])  # as if the commands had just run in the test
        clock.set_zone(made.clock[1])
        return copy.deepcopy(made.value)

    def _copy(self, source: str, target: str) -> None:
        if PG_URL:
            from sqlalchemy.engine import make_url

            db = make_url(target).database
            _pg(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', f'CREATE DATABASE "{db}" TEMPLATE "{source}"')
            return
        _copy_files(source, target)

    def _get(self, build) -> _Made:
        if build not in self.made:
            self.made[build] = self._build(build)
        return self.made[build]

    def _build(self, build) -> _Made:
        from receptionctl.domain.core import clock

        base = build.template_base
        if PG_URL:
            source = f"rct_tpl_{build.__name__[:30]}_{uuid.uuid4().hex[:8]}".lower()
            clause = f' TEMPLATE "{self._get(base).source}"' if base is not None else ""
            self.pg_databases.append(source)
            _pg(f'CREATE DATABASE "{source}"{clause}')
            target = _pg_url(source)
        else:
            import tempfile

            source = tempfile.mkdtemp(prefix=f"{build.__module__}.{build.__qualname__}.", dir=self.folder)
            target = os.path.join(source, DB_FILE)
            if base is not None:
                _copy_files(self._get(base).source, target)
        saved = (clock._pinned, clock._zone)
        with pytest.MonkeyPatch.context() as mp:
            _set_env(mp, target, self.folder / "data")
            if base is not None:
                clock.pin(self._get(base).clock[0])
                clock.set_zone(self._get(base).clock[1])
            try:
                value = build(_must_succeed(lambda *args, **kw: run(self.command, args, **kw)))
                made = _Made(source, value, (clock._pinned, clock._zone))
            finally:
                clock.pin(saved[0])
                clock.set_zone(saved[1])
        self._settle(source, target)
        return made

    @staticmethod
    def _settle(source: str, target: str) -> None:
        """Close what the commands left open, so that the template copies whole: on SQLite the
        write-ahead log checkpointed into the file; on PostgreSQL no session left on it."""
        import gc

        gc.collect()  # the commands' engines and their pooled connections
        if PG_URL:
            _pg(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{source}' AND pid <> pg_backend_pid()")
            return
        import sqlite3

        conn = sqlite3.connect(target, isolation_level=None)
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        wal = target + "-wal"
        assert busy == 0 and (not os.path.exists(wal) or os.path.getsize(wal) == 0), \
            f"template {target}: the write-ahead log is not checkpointed"

    def drop(self) -> None:
        if self.pg_databases:
            _pg(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in reversed(self.pg_databases)))


@pytest.fixture(scope="session")
def templates(command, tmp_path_factory):
    made = Templates(command, tmp_path_factory.mktemp("templates"))
    yield made
    made.drop()


@pytest.fixture
def from_template(templates, db_target):
    """from_template(build) -> what build returned; the test's database is now a copy of the
    template that the recipe `build` (see `template`) made once for the session."""
    return lambda build: templates.restore(build, db_target)


@pytest.fixture
def initdb(ok, from_template):
    """An initialised database with the acting user `admin` as its admin."""
    from_template(initialised)
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


def query_rows(target: str, sql: str) -> list[tuple]:
    """The rows of one SQL query on the database `target`, through an engine of its own."""
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(target))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
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
def team(ok, from_template):
    """A team (approvers gm and gm2, coordinator-host li, host wang, staff chen) and a VIP client
    Acme with one contact: the cast of the visit, plan and report tests (with_team, after init)."""
    from_template(with_team)
    return ok


def statements(target: str, fn) -> list[str]:
    """The SQL statements `fn(session)` runs on the database `target`, the clock pinned to
    the suite's morning (2026-11-24 09:00 in Shanghai)."""
    from datetime import datetime, timezone

    from sqlalchemy import event

    from receptionctl.domain.core import clock
    from receptionctl.store.db import Database

    db = Database(target)
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    clock.pin(datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc))
    try:
        with db.session() as session:
            seen.clear()
            fn(session)
    finally:
        clock.pin(None)
        db.dispose()
    return seen
