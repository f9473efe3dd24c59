"""Issue 2: init, the database, staff, clients, contacts, the audit log, the error contract."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from receptionctl.store.migrations import SCHEMA_HEAD
from tests.conftest import PG_URL, snapshot

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="about the SQLite file")


def one_error_line(run, code: int, *needles: str) -> None:
    assert run.exit_code == code, (run.exit_code, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), run.stderr
    assert all(not l.startswith("error") for l in lines[1:]), run.stderr
    assert all(l.startswith("hint: ") for l in lines[1:]), run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# -- init ---------------------------------------------------------------------------------
def test_init_twice_is_idempotent(ok, db_target):
    first = ok("init")
    assert "registered admin as admin" in first.stderr
    before = snapshot(db_target)
    second = ok("init")
    assert "ready" in second.stderr
    assert snapshot(db_target) == before
    staff = ok("staff", "list", "--json").json()
    assert [(s["username"], s["roles"]) for s in staff] == [("admin", ["admin"])]


def test_bad_acting_username_exits_2(cli, unchanged):
    one_error_line(cli("--as", "Robert'); DROP x", "init"), 2, "username")
    one_error_line(cli("--as", "x" * 65, "client", "list"), 2, "username")


@sqlite_only
def test_new_database_and_key_file_are_private(ok, db_target):
    ok("init")
    assert stat.S_IMODE(os.stat(db_target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_target + ".key").st_mode) == 0o600


@pytest.mark.slow  # two processes at once, twice
@pytest.mark.parametrize("round_", range(2))
def test_init_twice_at_once_leaves_one_schema(db_target, tmp_path, round_):
    env = {**os.environ, "RECEPTIONCTL_DB": db_target}
    cmd = [sys.executable, "-m", "receptionctl", "init"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for code, err in results:
        assert code == 0, err
    assert sum("created database" in err for _, err in results) == 1
    assert sum("registered admin" in err for _, err in results) == 1
    rows = snapshot(db_target)
    assert rows["alembic_version"] == [(SCHEMA_HEAD,)]
    assert len(rows["staff"]) == 1
    # one of each: the key's check and the database's id (calendar event ids), made by one init only
    assert sorted(row[0] for row in rows["meta"]) == ["database_id", "key_check"]


def test_unknown_user_cannot_reinit_a_database_needing_an_upgrade(ok, cli, db_target, unchanged):
    ok("init")
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM policy WHERE key = 'country'"))
    engine.dispose()
    with unchanged():
        run = cli("--as", "mallory", "init")
    one_error_line(run, 4, "mallory")
    assert ok("init").exit_code == 0  # the admin may


# -- database selection -------------------------------------------------------------------
def test_db_option_beats_environment(ok, tmp_path):
    other = tmp_path / "other.db"
    assert ok("--db", str(other), "db", "path").stdout.strip() == str(other)
    assert ok("db", "path", env={"RECEPTIONCTL_DB": str(other)}).stdout.strip() == str(other)


def test_default_database_is_in_the_user_data_folder(ok, tmp_path):
    run = ok("db", "path", env={"RECEPTIONCTL_DB": None})
    assert run.stdout.strip() == str(tmp_path / "data" / "receptionctl" / "reception.db")


def test_command_on_missing_database_is_a_storage_error(cli, tmp_path):
    missing = tmp_path / "nope" / "r.db"
    run = cli("--db", str(missing), "client", "list")
    one_error_line(run, 5, str(missing))
    assert not missing.exists()


def test_db_check_reports_revision(initdb, cli):
    report = initdb("db", "check", "--json").json()
    assert report["revision"] == report["head"] == SCHEMA_HEAD
    assert report["integrity"] == "ok"


def test_db_check_on_old_schema_exits_5(initdb, cli, db_target):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    run = cli("client", "list")
    one_error_line(run, 5, "9999")
    assert cli("db", "check").exit_code == 5


@sqlite_only
def test_locked_database_exits_5(initdb, cli, db_target):
    """The message names the wait actually configured."""
    import sqlite3

    holder = sqlite3.connect(db_target, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        run = cli("client", "add", "Acme", env={"RECEPTIONCTL_BUSY_TIMEOUT": "0.2"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_error_line(run, 5, "locked", "0.2 s")
    assert initdb("client", "list", "--json").json() == []


@sqlite_only
def test_unreadable_database_exits_5(cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    run = cli("--db", str(junk), "client", "list")
    one_error_line(run, 5)


@sqlite_only
def test_backup(initdb, cli, tmp_path):
    initdb("client", "add", "Acme")
    copy = tmp_path / "copy.db"
    initdb("db", "backup", str(copy))
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert [c["name"] for c in initdb("--db", str(copy), "client", "list", "--json").json()] == ["Acme"]
    one_error_line(cli("db", "backup", str(copy)), 1, "exists")


# -- staff and roles ----------------------------------------------------------------------
def test_staff_add_and_list(initdb):
    initdb("staff", "add", "li.na", "--name", "Li Na", "--dept", "Customer service",
           "--role", "coordinator", "--role", "host")
    staff = {s["username"]: s for s in initdb("staff", "list", "--json").json()}
    assert staff["li.na"]["roles"] == ["coordinator", "host"]
    assert staff["li.na"]["dept"] == "Customer service"
    plain = initdb("staff", "list").stdout
    assert "li.na" in plain and "Li Na" in plain


def test_non_admin_adding_staff_is_refused(initdb, cli, unchanged):
    initdb("staff", "add", "wang", "--name", "Wang", "--dept", "Sales", "--role", "coordinator")
    with unchanged():
        run = cli("--as", "wang", "staff", "add", "zhao", "--name", "Zhao", "--dept", "Sales")
    one_error_line(run, 4, "wang")


def test_unknown_user_can_read_but_not_write(initdb, cli, unchanged):
    assert cli("--as", "stranger", "client", "list").exit_code == 0
    with unchanged():
        run = cli("--as", "stranger", "client", "add", "Acme")
    one_error_line(run, 4, "stranger")


def test_duplicate_staff_and_bad_role(initdb, cli, unchanged):
    with unchanged():
        one_error_line(cli("staff", "add", "admin", "--name", "A", "--dept", "B"), 1, "admin")
        one_error_line(cli("staff", "add", "x", "--name", "A", "--dept", "B", "--role", "chief"), 2, "chief")
        one_error_line(cli("staff", "add", "bad name", "--name", "A", "--dept", "B"), 2, "bad name")


# -- clients ------------------------------------------------------------------------------
def test_client_add_list_show(initdb):
    made = initdb("client", "add", "Acme Corp", "--tier", "vip", "--industry", "Manufacturing", "--json").json()
    assert made["tier"] == "vip" and isinstance(made["id"], int)
    initdb("client", "add", "Beta Ltd")
    listed = initdb("client", "list", "--json").json()
    assert [c["name"] for c in listed] == ["Acme Corp", "Beta Ltd"]
    assert [c["name"] for c in initdb("client", "list", "--tier", "vip", "--json").json()] == ["Acme Corp"]
    by_name = initdb("client", "show", "Acme Corp", "--json").json()
    by_id = initdb("client", "show", str(made["id"]), "--json").json()
    assert by_name == by_id
    assert by_name["created_at"].endswith("+08:00")


def test_unknown_client_exits_3(initdb, cli, unchanged):
    with unchanged():
        one_error_line(cli("client", "show", "Nobody Inc"), 3, "Nobody Inc")
        one_error_line(cli("contact", "add", "Nobody Inc", "Li"), 3, "Nobody Inc")


def test_duplicate_client_name_exits_1(initdb, cli, unchanged):
    initdb("client", "add", "Acme Corp")
    with unchanged():
        one_error_line(cli("client", "add", "acme  corp"), 1, "already exists")


def test_bad_tier_exits_2(initdb, cli, unchanged):
    with unchanged():
        one_error_line(cli("client", "add", "Acme", "--tier", "gold"), 2, "gold")


def test_bad_date_exits_2(initdb, cli):
    one_error_line(cli("audit", "--since", "next blursday"), 2, "next blursday")
    one_error_line(cli("audit", "--since", "0001-01-01T00:00+01:00"), 2, "0001-01-01")
    one_error_line(cli("audit", "--since", "+99999wd"), 2, "99999wd")


def test_odd_client_references_are_not_found(initdb, cli):
    initdb("client", "add", "Acme")
    for ref in ("²", "١", "99999999999999999999999"):
        one_error_line(cli("client", "show", ref), 3, ref)


def test_field_lengths_are_checked_before_the_database(initdb, cli, unchanged):
    initdb("client", "add", "Acme")
    with unchanged():
        one_error_line(cli("contact", "add", "Acme", "N" * 250), 2, "1 to 200")
        one_error_line(cli("client", "add", "C" * 301), 2, "1 to 300")
        one_error_line(cli("contact", "add", "Acme", "Li", "--email", "a" * 320 + "@x.org"), 2, "email")


def test_control_characters_do_not_break_plain_rows(initdb):
    initdb("client", "add", "Acme")
    initdb("contact", "add", "Acme", "Li", "--diet", "no pork\nno nuts\x1b[31m")
    out = initdb("client", "show", "Acme").stdout
    assert "\x1b" not in out
    assert [l for l in out.splitlines() if l.startswith("1 ")][0].count("no nuts") == 1


def test_markup_in_data_is_printed_as_it_is(monkeypatch, capsys):
    from receptionctl.render import output

    monkeypatch.setattr(output, "is_tty", lambda: True)
    output.print_table([{"name": "Bad [/] Markup [bold]X[/bold]"}], [("name", "Client")])
    assert "Bad [/] Markup [bold]X[/bold]" in capsys.readouterr().out


def test_plain_columns_align_with_wide_characters(initdb):
    initdb("client", "add", "华信精密机械", "--industry", "制造")
    initdb("client", "add", "Beta", "--industry", "Food")
    lines = initdb("client", "list").stdout.splitlines()
    from rich.cells import cell_len

    cols = [cell_len(l[: l.index(word)]) for l, word in zip(lines[1:], ("Food", "制造"))]
    assert cols[0] == cols[1]


def test_bare_group_prints_help_without_error(cli):
    for args in ((), ("db",), ("client",)):
        run = cli(*args)
        assert run.exit_code == 0 and "error" not in run.stderr and "Usage" in run.stdout


def test_unknown_option_exits_2(initdb, cli):
    one_error_line(cli("client", "add", "Acme", "--frobnicate"), 2, "--frobnicate")


# -- contacts and sensitive fields --------------------------------------------------------
def test_identity_number_is_encrypted_and_masked(initdb, cli, db_target):
    initdb("client", "add", "Acme")
    added = initdb("contact", "add", "Acme", "Li Wei", "--title", "CTO", "--diet", "halal",
                   "--id-number", "110101199003077777", "--json").json()
    assert added["id_number"] == "1101**********7777"
    rows = snapshot(db_target)
    assert "110101199003077777" not in repr(rows)
    for args in (("client", "show", "Acme"), ("client", "show", "Acme", "--json"), ("audit",), ("audit", "--json")):
        assert "110101199003077777" not in initdb(*args).stdout
    shown = initdb("client", "show", "Acme", "--json").json()["contacts"][0]
    assert shown["id_number"] == "1101**********7777" and shown["diet"] == "halal"


def test_reveal_is_admin_only_and_audited(initdb, cli, unchanged):
    initdb("client", "add", "Acme")
    initdb("contact", "add", "Acme", "Li Wei", "--id-number", "110101199003077777")
    initdb("staff", "add", "wang", "--name", "Wang", "--dept", "Sales", "--role", "coordinator")
    with unchanged():
        one_error_line(cli("--as", "wang", "client", "show", "Acme", "--reveal"), 4, "wang")
    shown = initdb("client", "show", "Acme", "--reveal", "--json").json()
    assert shown["contacts"][0]["id_number"] == "110101199003077777"
    events = initdb("audit", "--json").json()
    assert events[-1]["action"] == "contact.reveal" and events[-1]["actor"] == "admin"


def test_wrong_key_is_a_clear_error(initdb, cli, unchanged):
    from receptionctl.domain.core.secrets import new_key

    initdb("client", "add", "Acme")
    initdb("contact", "add", "Acme", "Li Wei", "--id-number", "110101199003077777")
    wrong = {"RECEPTIONCTL_KEY": new_key().decode()}
    with unchanged():
        one_error_line(cli("contact", "add", "Acme", "Zhang", "--id-number", "X1234567890", env=wrong), 5, "key")
        one_error_line(cli("client", "show", "Acme", "--reveal", env=wrong), 5, "key")
        one_error_line(cli("client", "show", "Acme", "--reveal", env={"RECEPTIONCTL_KEY": "garbage"}), 5, "key")
        one_error_line(cli("init", env=wrong), 5, "key")


def test_reveal_checks_the_role_before_the_key(initdb, cli, unchanged):
    initdb("client", "add", "Acme")
    initdb("staff", "add", "wang", "--name", "Wang", "--dept", "Sales", "--role", "coordinator")
    with unchanged():
        one_error_line(cli("--as", "wang", "client", "show", "Acme", "--reveal",
                           env={"RECEPTIONCTL_KEY": "garbage"}), 4, "wang")
        one_error_line(cli("--as", "wang", "client", "show", "Nobody", "--reveal"), 4, "wang")


@sqlite_only
def test_missing_key_file_is_a_clear_error_and_init_does_not_replace_it(initdb, cli, db_target, unchanged):
    from pathlib import Path

    initdb("client", "add", "Acme")
    initdb("contact", "add", "Acme", "Li Wei", "--id-number", "110101199003077777")
    key = Path(db_target + ".key")
    key.rename(str(key) + ".moved")
    with unchanged():
        one_error_line(cli("contact", "add", "Acme", "Zhang", "--id-number", "X1234567890"), 5, "no encryption key")
    run = initdb("init")
    assert "no encryption key" in run.stderr
    assert not key.exists(), "init must not write a new key for a database that has one"


@sqlite_only
def test_init_with_key_from_environment_writes_no_key_file(ok, db_target):
    from pathlib import Path

    from receptionctl.domain.core.secrets import new_key

    ok("init", env={"RECEPTIONCTL_KEY": new_key().decode()})
    run = ok("init")
    assert "no encryption key" in run.stderr
    assert not Path(db_target + ".key").exists()


def test_invalid_identity_number_is_not_echoed(initdb, cli, unchanged):
    initdb("client", "add", "Acme")
    with unchanged():
        run = cli("contact", "add", "Acme", "Bob", "--id-number", "31010119800101123X!")
    one_error_line(run, 2, "identity number")
    assert "31010119800101123X" not in run.stderr


def test_key_from_environment(cli, ok):
    from receptionctl.domain.core.secrets import new_key

    env = {"RECEPTIONCTL_KEY": new_key().decode()}
    ok("init", env=env)
    ok("client", "add", "Acme", env=env)
    ok("contact", "add", "Acme", "Li", "--id-number", "110101199003077777", env=env)
    shown = ok("client", "show", "Acme", "--reveal", "--json", env=env).json()
    assert shown["contacts"][0]["id_number"] == "110101199003077777"


def test_bad_contact_fields_exit_2(initdb, cli, unchanged):
    initdb("client", "add", "Acme")
    with unchanged():
        one_error_line(cli("contact", "add", "Acme", "Li", "--email", "not-an-address"), 2, "not-an-address")
        one_error_line(cli("contact", "add", "Acme", "Li", "--phone", "call me"), 2, "call me")


# -- audit --------------------------------------------------------------------------------
def test_every_change_is_audited(initdb):
    initdb("client", "add", "Acme", "--tier", "key")
    initdb("contact", "add", "Acme", "Li")
    initdb("staff", "add", "wang", "--name", "Wang", "--dept", "Sales")
    events = initdb("audit", "--json").json()
    actions = [e["action"] for e in events]
    assert actions == ["policy.defaults", "procedure.load", "staff.add", "client.add", "contact.add", "staff.add"]
    client_event = events[3]
    assert client_event["actor"] == "admin"
    assert client_event["after"]["tier"] == "key"
    assert client_event["at"] == "2026-11-24T09:00:00+08:00"
    assert [e["action"] for e in initdb("audit", "--entity", "client", "--json").json()] == ["client.add"]
    assert len(initdb("audit", "--last", "2", "--json").json()) == 2
    assert initdb("audit", "--since", "tomorrow", "--json").json() == []


# -- the error contract and the environment -----------------------------------------------
def test_exit_code_0_and_json_only_on_stdout(initdb):
    run = initdb("client", "list", "--json")
    assert json.loads(run.stdout) == [] and run.stderr == ""


def test_bad_environment_values_exit_2(cli):
    one_error_line(cli("db", "path", env={"RECEPTIONCTL_TZ": "Mars/Olympus"}), 2, "Mars/Olympus")
    one_error_line(cli("db", "path", env={"RECEPTIONCTL_NOW": "soon"}), 2, "soon")
    one_error_line(cli("db", "path", env={"RECEPTIONCTL_NOW": "9999-12-31T23:00-05:00"}), 2, "out of range")


def test_debug_shows_traceback(initdb, cli):
    run = cli("client", "show", "Nobody", env={"RECEPTIONCTL_DEBUG": "1"})
    assert run.exit_code == 3 and "Traceback" in run.stderr


def test_piped_tables_are_plain(initdb):
    initdb("client", "add", "A very long client name that would not fit in eighty columns of a terminal, Ltd.",
           "--industry", "An industry with a long name as well, to push the table wide")
    out = initdb("client", "list").stdout
    assert "\x1b[" not in out and "…" not in out
    assert "push the table wide" in out


def test_version(ok):
    from receptionctl import __version__

    assert ok("--version").stdout.strip() == f"receptionctl {__version__}"


def run_module(*args, env=None):
    return subprocess.run([sys.executable, "-m", "receptionctl", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_help_does_not_import_sqlalchemy():
    code = (
        "import sys\n"
        "from receptionctl.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "init" in proc.stdout


def test_console_script_and_module_agree(initdb):
    proc = run_module("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("receptionctl ")
    failing = run_module("client", "show", "Nobody")
    assert failing.returncode == 3
    assert failing.stderr.startswith("error: ") and "Traceback" not in failing.stderr


def test_db_migrate(ok, cli, db_target):
    from alembic import command

    from receptionctl.store.db import Database, _alembic_config

    db = Database(db_target)
    db.create_file()
    with db.connection(write=True) as conn:
        command.upgrade(_alembic_config(conn), "0001")  # an old database
    db.dispose()
    run = cli("client", "list")
    one_error_line(run, 5, f"needs {SCHEMA_HEAD}")
    assert "db migrate" in run.stderr
    run = ok("db", "migrate")
    assert "migrated from schema 0001" in run.stderr
    assert ok("db", "check", "--json").json()["schema"] == "current"
    assert "current" in ok("db", "migrate").stderr
    assert ok("procedure", "show", "--json").json()["name"] == "standard-client-reception"
