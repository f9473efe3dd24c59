"""Issue 18, item 1: identities that mean something. The policy `identity`: declared (the
default: --as taken at its word), os (the operating-system account) and db (PostgreSQL's login);
under os and db, --as someone else needs an admin's login and is recorded on their behalf."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit, ready
from tests.conftest import PG_URL, template, with_team

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the operating-system login on a SQLite file")
pg_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL's database login")
NOBODY = {"RECEPTIONCTL_USER": ""}  # nothing declared: the login decides


def me() -> str:
    from receptionctl.cli.common import os_login

    return os_login()


@template(base=with_team)
def submitted(ok):
    v = new_visit(ok)
    ready(ok, v["id"])
    ok("--as", "li", "plan", "submit", str(v["id"]))
    ok("contact", "add", "Acme", "Li Wei", "--id-number", "110101199003077777")
    return v["id"]


@pytest.fixture
def plan(from_template):
    return from_template(submitted)


def map_login(db_target, user, login):
    """What another admin would do from their own account: `staff edit USER --db-login LOGIN`."""
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff SET db_login = NULL WHERE db_login = :l"), {"l": login})
        if user:
            conn.execute(text("UPDATE staff SET db_login = :l WHERE username = :u"), {"l": login, "u": user})
    engine.dispose()


def last_event(ok, action):
    return [e for e in ok("audit", "--json").json() if e["action"] == action][-1]


def test_declared_is_the_default_and_takes_the_user_at_its_word(plan, ok):
    assert ok("policy", "show", "--json").json()["identity"] == "declared"
    ok("--as", "gm", "plan", "approve", str(plan))
    assert last_event(ok, "plan.approve")["actor"] == "gm"


def test_staff_edit_maps_a_login_once(plan, ok, cli, unchanged):
    view = ok("staff", "edit", "li", "--db-login", "li_na", "--json").json()
    assert view["db_login"] == "li_na"
    assert [s["db_login"] for s in ok("staff", "list", "--json").json() if s["username"] == "li"] == ["li_na"]
    with unchanged():
        one_error_line(cli("staff", "edit", "wang", "--db-login", "li_na"), 1, "li_na", "li")
        one_error_line(cli("staff", "edit", "wang", "--db-login", "two words"), 2, "database login")
        one_error_line(cli("--as", "li", "staff", "edit", "li", "--db-login", "x"), 4)
    assert ok("staff", "edit", "li", "--db-login", "", "--json").json()["db_login"] is None


@sqlite_only
def test_os_and_db_modes_refuse_to_lock_the_admins_out(plan, ok, cli, unchanged):
    with unchanged():
        one_error_line(cli("policy", "set", "identity", "db"), 2, "SQLite")
        one_error_line(cli("policy", "set", "identity", "os"), 1, me())  # the login is nobody's yet
        one_error_line(cli("policy", "set", "identity", "whoever"), 2, "identity")
    ok("staff", "edit", "li", "--db-login", me())
    with unchanged():
        one_error_line(cli("policy", "set", "identity", "os"), 1, "not an admin")


@sqlite_only
def test_os_identity_an_admin_acts_on_behalf_others_are_themselves(plan, ok, cli, unchanged, db_target):
    ok("staff", "edit", "admin", "--db-login", me())
    ok("policy", "set", "identity", "os")
    # the admin's login may act as gm: the approval records both
    ok("--as", "gm", "plan", "approve", str(plan))
    assert last_event(ok, "plan.approve")["actor"] == "gm (by admin admin)"
    # a reveal as themselves: the real identity only
    ok("client", "show", "Acme", "--reveal", env=NOBODY)
    assert last_event(ok, "contact.reveal")["actor"] == "admin"

    # the login now belongs to li, who is not an admin: no --as any more
    map_login(db_target, "li", me())
    with unchanged():
        one_error_line(cli("--as", "gm", "plan", "reject", str(plan), "--reason", "x"), 4, "li", "not an admin", "gm")
        one_error_line(cli("plan", "approve", str(plan)), 4, "not an admin")  # RECEPTIONCTL_USER=admin is declared too
        one_error_line(cli("client", "show", "Acme", "--reveal", env=NOBODY), 4, "li")  # li is no admin
    ok("note", "add", str(plan), "--kind", "question", "--text", "parking?", env=NOBODY)  # li, as li
    assert ok("audit", "--json", env=NOBODY).json()[-1]["actor"] == "li"


@sqlite_only
def test_os_identity_a_login_of_nobody_may_read_only(plan, ok, cli, unchanged, db_target):
    ok("staff", "edit", "admin", "--db-login", me())
    ok("policy", "set", "identity", "os")
    ok("staff", "edit", "admin", "--db-login", "")  # now the login maps to no one (and none can change that)
    with unchanged():
        one_error_line(cli("--as", "gm", "visit", "list"), 4, me())
        one_error_line(cli("client", "add", "Beta", env=NOBODY), 4, me())
    assert cli("visit", "list", "--json", env=NOBODY).exit_code == 0


@pg_only
def test_db_identity_is_the_database_login(plan, ok, cli, unchanged, db_target):
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        login = conn.execute(text("SELECT current_user")).scalar()
    engine.dispose()
    with unchanged():
        one_error_line(cli("policy", "set", "identity", "db"), 1, login)
    ok("staff", "edit", "admin", "--db-login", login)
    ok("policy", "set", "identity", "db")
    ok("--as", "gm", "plan", "approve", str(plan))
    assert last_event(ok, "plan.approve")["actor"] == "gm (by admin admin)"
    map_login(db_target, "li", login)
    with unchanged():
        one_error_line(cli("--as", "gm", "plan", "reject", str(plan), "--reason", "x"), 4, "not an admin")
    ok("note", "add", str(plan), "--kind", "question", "--text", "parking?", env=NOBODY)
    assert cli("audit", "--json", env=NOBODY).json()[-1]["actor"] == "li"


@sqlite_only
def test_init_chooses_the_identity_of_a_new_file_and_maps_the_first_admin(cli, ok, unchanged, db_target):
    with unchanged():  # refused before anything is made: no database file
        one_error_line(cli("init", "--identity", "db"), 2, "SQLite", "declared or os")
        one_error_line(cli("init", "--identity", "whoever"), 2, "'whoever'", "declared, os, db")
    run = ok("init", "--identity", "os")
    assert "policy identity is os" in run.stderr and me() in run.stderr
    assert ok("policy", "show", "--json").json()["identity"] == "os"
    assert [s["db_login"] for s in ok("staff", "list", "--json").json()] == [me()]
    assert ok("audit", "--json").json()[-1]["after"] == {"identity": "os"}
    # the login is the admin's: it may act on behalf of anyone, which is recorded
    ok("staff", "add", "li", "--name", "Li Na", "--dept", "Service", "--role", "coordinator")
    ok("--as", "li", "client", "add", "Acme")
    assert last_event(ok, "client.add")["actor"] == "li (by admin admin)"
    with unchanged():  # an existing database keeps its identity: `policy set identity` changes it
        one_error_line(cli("init", "--identity", "declared"), 2, "new database", "has staff")


@sqlite_only
def test_a_new_sqlite_file_is_declared_by_default(db_target, ok):
    assert "policy identity" not in ok("init").stderr
    assert ok("policy", "show", "--json").json()["identity"] == "declared"
    assert [s["db_login"] for s in ok("staff", "list", "--json").json()] == [None]


@pg_only
def test_a_new_server_database_acts_as_its_database_login(cli, ok, db_target):
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        login = conn.execute(text("SELECT current_user")).scalar()
    engine.dispose()
    run = ok("init")  # no --identity: db on PostgreSQL
    assert "policy identity is db" in run.stderr and login in run.stderr
    assert ok("policy", "show", "--json").json()["identity"] == "db"
    assert [s["db_login"] for s in ok("staff", "list", "--json").json()] == [login]
    ok("staff", "add", "gm", "--name", "Zhou Min", "--dept", "Leadership", "--role", "coordinator")
    ok("--as", "gm", "client", "add", "Acme")  # the admin's login, on gm's behalf
    assert last_event(ok, "client.add")["actor"] == "gm (by admin admin)"
    map_login(db_target, "gm", login)  # the login is now gm's, who is no admin
    one_error_line(cli("--as", "admin", "client", "add", "Beta"), 4, "not an admin")
    ok("client", "add", "Beta", env=NOBODY)
    assert [e for e in ok("audit", "--json", env=NOBODY).json() if e["action"] == "client.add"][-1]["actor"] == "gm"
