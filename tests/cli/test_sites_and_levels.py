"""Issue 26, items 7 to 9: the off-site kinds (seed 000: the client's site, a fair, an event),
the safety of people and materials (seed 000), and the level duties of seed 004, 4.4-4.5."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_procedure_tasks import keys
from tests.cli.test_visits_plans import new_visit
from tests.conftest import PG_URL

CAMPUS = {"security-briefing", "duty-roster", "security-dress", "clear-route", "route-cameras", "security-readiness",
          "water-features", "background-music", "off-duty-squad", "route-video"}
OFFSITE = {"offsite-transport", "offsite-lodging", "offsite-shipping", "materials-transport",
           "offsite-protection", "offsite-rescue-plan", "safety-training"}
FAIR = {"fair-booth", "fair-staffing"}
EVENT = {"event-venue-contract", "event-venue-setup"}


def test_visit_new_offsite_takes_a_kind_and_alone_means_other(team, cli, unchanged):
    fair = new_visit(team, "--offsite", "fair", "--venue", "Expo hall")
    assert (fair["offsite"], fair["offsite_kind"]) == (True, "fair")
    bare = new_visit(team, "--offsite", "--venue", "Somewhere")  # followed by another option
    last = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
                "--headcount", "5", "--json", "--offsite").json()  # last on the line
    assert (bare["offsite"], bare["offsite_kind"]) == (True, "other") == (last["offsite"], last["offsite_kind"])
    home = new_visit(team)
    assert (home["offsite"], home["offsite_kind"]) == (False, None)
    event = new_visit(team, "--offsite=event")
    site = new_visit(team, "--offsite", "客户现场")  # the kind in Chinese words, stored as its code
    assert (event["offsite_kind"], site["offsite_kind"]) == ("event", "client-site")
    shown = team("visit", "list").stdout
    assert "off-site (fair)" in shown and "off-site (other)" in shown and "off-site (client-site)" in shown
    assert "Expo hall (off-site: fair)" in team("visit", "show", str(fair["id"])).stdout
    zh = team("--lang", "zh-CN", "visit", "list").stdout
    assert "外出接待（展会）" in zh and "外出接待（活动现场）" in zh
    assert team("visit", "show", str(fair["id"]), "--json").json()["offsite_kind"] == "fair"
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose",
                           "talk", "--headcount", "5", "--offsite", "beach"), 2, "'beach'", "client-site")


def test_the_option_alone_before_a_visit_number_means_other(team):
    from receptionctl.cli.base import fill_optional

    vid = new_visit(team)["id"]
    edited = team("--as", "li", "visit", "edit", "--offsite", str(vid), "--json").json()
    assert (edited["id"], edited["offsite_kind"]) == (vid, "other")
    alone = {"--offsite": "other"}
    assert fill_optional(["--offsite"], alone) == ["--offsite", "other"]
    assert fill_optional(["--offsite", "fair", "--x"], alone) == ["--offsite", "fair", "--x"]
    assert fill_optional(["--", "--offsite"], alone) == ["--", "--offsite"]


def test_each_kind_gets_its_own_steps_and_none_of_the_campus(team):
    fair = new_visit(team, "--offsite", "fair", "--level", "1")["id"]
    event = new_visit(team, "--offsite", "event", "--level", "2")["id"]
    other = new_visit(team, "--offsite")["id"]
    site = new_visit(team, "--offsite", "client-site")["id"]
    for vid, own, not_own in ((fair, FAIR, EVENT), (event, EVENT, FAIR), (other, set(), FAIR | EVENT),
                              (site, set(), FAIR | EVENT)):
        have = set(keys(team, vid))
        assert OFFSITE | own <= have, (vid, (OFFSITE | own) - have)
        assert not (not_own | CAMPUS) & have, (vid, (not_own | CAMPUS) & have)
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(fair), "--json").json()}
    assert tasks["fair-booth"]["owner_role"] == "logistics" and tasks["fair-staffing"]["owner_role"] == "coordinator"
    assert tasks["offsite-rescue-plan"]["owner_role"] == "coordinator"
    assert "nearest hospital" in tasks["offsite-rescue-plan"]["title"]
    assert tasks["offsite-protection"]["owner_role"] == "logistics"


def test_the_campus_duties_by_level(team):
    """Seed 004, 4.4-4.5: dress, clear roads and the cameras on the route at every level; the water
    features, the music and the off-duty squad 30 minutes before, at levels 1 and 2."""
    team("policy", "set", "vip_level", "3")  # the fixture's client is VIP: let level 3 be chosen
    one, two, three = (new_visit(team, "--level", str(n))["id"] for n in (1, 2, 3))
    every = {"security-dress", "clear-route", "route-cameras", "route-video"}
    ambience = {"water-features", "background-music", "off-duty-squad"}
    for vid in (one, two, three):
        assert every <= set(keys(team, vid)), vid
    assert ambience <= set(keys(team, one)) and ambience <= set(keys(team, two))
    assert not ambience & set(keys(team, three))
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(two), "--json").json()}
    assert all(tasks[k]["due_at"] == "2026-12-01T09:30:00+08:00" for k in ambience)
    assert "uniform pressed" in tasks["security-dress"]["title"] and tasks["security-dress"]["owner_role"] == "security"


def test_materials_and_the_dress_check_of_the_greeting(team):
    home = new_visit(team, "--host", "li")["id"]
    away = new_visit(team, "--offsite", "client-site", "--host", "li")["id"]
    assert {"purchase-check", "materials-storage"} <= set(keys(team, home)) & set(keys(team, away))
    assert "materials-transport" in keys(team, away) and "materials-transport" not in keys(team, home)
    for vid in (home, away):
        tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json").json()}
        check = tasks["dress-check"]  # seed 002's dress and manners, checked before the greeting
        assert check["stage"] == "receive" and check["owner"] == "li"
        assert check["due_at"] == tasks["host-early"]["due_at"] <= tasks["greet"]["due_at"]


def test_procedure_show_says_where_a_step_applies(team):
    out = team("procedure", "show", "--wide").stdout
    line = next(row for row in out.splitlines() if "fair-booth" in row)
    assert "off-site (fair)" in line
    line = next(row for row in out.splitlines() if "water-features" in row)
    assert "level 1/2" in line and "on-site" in line
    shown = {t["key"]: t for t in team("procedure", "show", "--json").json()["tasks"]}
    assert shown["fair-booth"]["offsite_kinds"] == ["fair"] and shown["clear-route"]["offsite"] is False


BAD_KINDS = '''name = "x"
version = "1"

[[tasks]]
key = "a"
stage = "prepare"
title = "A"
owner = "host"
due = "start-1d"
offsite_kinds = {kinds}
'''


@pytest.mark.parametrize("kinds, reason", [('["beach"]', "offsite_kinds"), ("[]", "offsite_kinds"),
                                           ('"fair"', "offsite_kinds"),
                                           ('["fair"]\noffsite = false', "cannot be offsite = false")])
def test_a_procedure_file_names_known_kinds(team, cli, tmp_path, kinds, reason):
    path = tmp_path / "p.toml"
    path.write_text(BAD_KINDS.format(kinds=kinds), encoding="utf-8")
    one_error_line(cli("procedure", "load", str(path), "--reason", "try"), 2, "line 10", reason)


def test_a_stored_version_without_kinds_still_runs_and_the_default_is_adopted(team, cli, tmp_path, unchanged):
    """The procedure in use before 2026.7 keeps working: its steps had no offsite_kinds. Loading the
    shipped default (the way a database adopts a new version) brings the kinds' steps."""
    old = tmp_path / "old.toml"
    old.write_text('name = "old"\nversion = "2026.6"\n\n[[tasks]]\nkey = "ship"\nstage = "prepare"\n'
                   'title = "Ship"\nowner = "logistics"\ndue = "start-2wd"\noffsite = true\n', encoding="utf-8")
    team("procedure", "load", str(old), "--reason", "as before")
    fair = new_visit(team, "--offsite", "fair")["id"]
    assert keys(team, fair) == ["ship"]
    loaded = team("procedure", "load", "--default", "--reason", "the kinds", "--json").json()
    assert loaded["version"] == "2026.12.1" and loaded["summary"].startswith("+")
    again = new_visit(team, "--offsite", "fair")["id"]
    assert FAIR <= set(keys(team, again)) and keys(team, fair) == ["ship"]  # each visit keeps its version
    with unchanged():
        one_error_line(cli("procedure", "load", "--default", "--reason", "again"), 1, "in use already")
        one_error_line(cli("procedure", "load", str(old), "--default", "--reason", "both"), 2, "--default")
        one_error_line(cli("procedure", "load", "--reason", "neither"), 2, "--default")


@pytest.mark.skipif(bool(PG_URL), reason="a SQLite file at an old schema")
def test_the_migration_keeps_visits_off_site_as_other_and_trainings_as_they_were(db_target):
    from alembic import command
    from sqlalchemy import text

    from receptionctl.domain import setup
    from receptionctl.store.db import Database, _alembic_config

    db = Database(db_target)
    db.create_file()
    with db.connection(write=True) as conn:
        command.upgrade(_alembic_config(conn), "0021")
    now = "2026-11-24 01:00:00"
    with db.connection(write=True) as conn:
        conn.execute(text("INSERT INTO client (id, name, name_key, tier, created_at) VALUES (1, 'Acme', 'acme', 'vip', "
                          ":now)"), {"now": now})
        for vid, offsite in ((1, True), (2, False)):
            conn.execute(text("INSERT INTO visit (id, client_id, purpose, level, status, starts_at, ends_at, headcount, "
                              "offsite, urgent, short_notice, created_at, created_by, walk_in) VALUES (:id, 1, 'talk', "
                              "3, 'completed', :now, :now, 2, :offsite, false, false, :now, 'li', false)"),
                         {"id": vid, "offsite": offsite, "now": now})
            conn.execute(text("INSERT INTO plan (visit_id, status, nda) VALUES (:id, 'approved', false)"), {"id": vid})
        conn.execute(text("INSERT INTO training (id, topic, day, at, by) VALUES (1, 'Etiquette', '2026-11-20', :now, "
                          "'li')"), {"now": now})
    db.dispose()
    db = Database(db_target)
    db.upgrade(lambda session, before: setup.seed_policy(session, "admin", setup.InitResult()))
    with db.connection(write=False) as conn:
        assert dict(conn.execute(text("SELECT id, offsite_kind FROM visit")).all()) == {1: "other", 2: None}
        assert conn.execute(text("SELECT kind FROM training")).scalar() == "reception"  # what a training meant
    db.dispose()
