"""The task engine driven by events: the procedure file says which tasks an event opens or
closes; stored procedures from before the events are converted; the layers are checked."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}
ROOT = Path(__file__).resolve().parents[2]


def tasks_of(ok, vid, env=None):
    return {t["key"]: t for t in ok("task", "list", "--visit", str(vid), "--state", "all", "--json", env=env).json()}


def custom_procedure(tmp_path: Path, extra: str) -> Path:
    text = (ROOT / "src/receptionctl/procedures/default.toml").read_text(encoding="utf-8")
    path = tmp_path / "ours.toml"
    path.write_text(re.sub(r'^version = ".*"$', 'version = "ours-1"', text, count=1, flags=re.M) + extra, encoding="utf-8")
    return path


def test_a_procedure_file_opens_and_closes_tasks_on_events(team, tmp_path):
    path = custom_procedure(tmp_path, '''
[[tasks]]
key = "welcome-pack"
stage = "receive"
title = "Hand {guest} the welcome pack within {host_early_minutes} minutes"
owner = "greeter"
due = "event+{host_early_minutes}m"
opens_on = "guest.checked_in"
closes_on = "visit.completed"
''')
    team("procedure", "load", "--reason", "a test", str(path))
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    pack = tasks_of(team, vid, env=DAY)["welcome-pack"]
    assert pack["state"] == "open" and pack["title"] == "Hand Liu Yang the welcome pack within 10 minutes"
    assert pack["due_at"] == "2026-12-01T10:15:00+08:00"
    team("--as", "li", "visit", "complete", str(vid), env={"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"})
    assert tasks_of(team, vid, env=DAY)["welcome-pack"]["state"] == "done"  # closed by its event, not missed


def test_when_conditions_and_per_incident_tasks(team):
    vid = approved(team)
    a = team("--as", "li", "incident", "add", str(vid), "--kind", "equipment", "--severity", "low",
             "--text", "Mic", "--json", env=DAY).json()
    b = team("--as", "li", "incident", "add", str(vid), "--kind", "safety", "--severity", "high",
             "--text", "Wet floor", "--json", env=DAY).json()
    keys = set(tasks_of(team, vid, env=DAY))
    assert f"onsite-incident-{a['id']}" in keys and f"escalate-incident-{a['id']}" not in keys
    assert f"escalate-incident-{b['id']}" in keys and f"onsite-incident-{b['id']}" not in keys
    team("--as", "li", "incident", "resolve", str(a["id"]), "--text", "new batteries", env=DAY)
    tasks = tasks_of(team, vid, env=DAY)
    assert tasks[f"onsite-incident-{a['id']}"]["state"] == "done"
    assert tasks[f"escalate-incident-{b['id']}"]["state"] == "open"  # another incident's task stays open


@pytest.mark.parametrize("task, reason", [
    ('opens_on = "visit.teleported"', "opens_on 'visit.teleported' is not an event"),
    ('opens_on = "incident.added"\nwhen = { colour = ["red"] }', "does not carry"),
    ('due_override = 1', "unknown key 'due_override'"),
    ('when = { kind = ["equipment"] }', "when needs opens_on"),
    ('per = "incident"', "per 'incident' is not valid"),
    ('opens_on = "feedback.added"\nper = "incident"', "per 'incident' is not valid"),
    ('owner_fallback = ["janitor"]', "owner_fallback"),
    ('opens_on = "incident.added"\ntitle_zh = "{weather}"', "names 'weather'"),
])
def test_bad_event_keys_are_refused_with_the_line(team, cli, tmp_path, unchanged, task, reason):
    path = custom_procedure(tmp_path, f'''
[[tasks]]
key = "odd"
stage = "receive"
title = "Odd"
owner = "host"
due = "start"
{task}
''')
    with unchanged():
        one_error_line(cli("procedure", "load", "--reason", "a test", str(path)), 2, reason)


def test_an_event_deadline_needs_an_event(team, cli, tmp_path, unchanged):
    path = custom_procedure(tmp_path, '''
[[tasks]]
key = "odd"
stage = "receive"
title = "Odd"
owner = "host"
due = "event+5m"
''')
    with unchanged():
        one_error_line(cli("procedure", "load", "--reason", "a test", str(path)), 2, "counts from an event")


def test_done_when_with_the_old_action_names_still_loads(team, tmp_path):
    path = custom_procedure(tmp_path, "")
    text = path.read_text(encoding="utf-8").replace('closes_on = "plan.approved"', 'done_when = "plan.approve"')
    path.write_text(text, encoding="utf-8")
    team("procedure", "load", "--reason", "a test", str(path))
    vid = approved(team)
    assert tasks_of(team, vid)["approve-plan"]["state"] == "done"


def test_a_stored_procedure_from_before_the_events_is_converted(team, db_target):
    """Migration 0007: a database whose stored procedure says `done_when` and has no event
    steps (as before) keeps its behaviour once migrated."""
    from alembic import command
    from sqlalchemy import text

    from receptionctl.store.db import Database, _alembic_config

    vid = approved(team)
    db = Database(db_target)
    with db.connection(write=True) as conn:
        command.downgrade(_alembic_config(conn), "0006")
        stored = json.loads(conn.execute(text("SELECT tasks FROM procedure_version")).scalar())
    db.dispose()
    assert {t.get("done_when") for t in stored} >= {"plan.approve", "feedback"}
    assert "escalate-incident" not in {t["key"] for t in stored}
    assert "migrated from schema 0006" in team("db", "migrate").stderr
    db = Database(db_target)
    with db.connection(write=False) as conn:
        stored = json.loads(conn.execute(text("SELECT tasks FROM procedure_version")).scalar())
    db.dispose()
    assert not any("done_when" in t for t in stored)
    assert {t["key"]: t for t in stored}["approve-plan"]["closes_on"] == "plan.approved"
    inc = team("--as", "li", "incident", "add", str(vid), "--kind", "health", "--severity", "critical",
               "--text", "A guest fainted", "--json", env=DAY).json()
    assert tasks_of(team, vid, env=DAY)[f"escalate-incident-{inc['id']}"]["owner_role"] == "coordinator"
    shown = team("procedure", "show", "--json").json()
    assert "done_when" not in json.dumps(shown)


def test_the_layers_hold():
    """lint-imports (run by make test) keeps the arrows pointing down; here as a test too,
    so that a plain pytest run catches a knot."""
    run = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 broken" in run.stdout


def test_domain_imports_sit_at_module_level():
    """A function-level import of the project inside domain/ usually hides a circle. The one
    exception is the table classes (store/tables/, below every area, so never a circle): a
    module that reads through the light handles (store/light.py) imports them inside the
    functions that write, so that a read builds none (docs/ARCHITECTURE.md, "Reading fast")."""
    for path in (ROOT / "src/receptionctl/domain").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            inner = line.startswith(" ") and line.strip().startswith("from receptionctl")
            tables = line.strip().startswith("from receptionctl.store.tables.")
            assert not inner or tables, f"{path}:{n}: {line}"


def test_unknown_event_is_a_bug_not_a_silent_noop(team, db_target):
    from receptionctl.domain import engine
    from receptionctl.domain.engine import Event
    from receptionctl.store.db import Database

    vid = new_visit(team)["id"]
    db = Database(db_target)
    with pytest.raises(ValueError, match="visit.teleported"):
        with db.session(write=True) as session:
            engine.on(session, Event("visit.teleported", vid, "admin"))
    db.dispose()
