"""The procedure's change record (issue 16, part A; seeds 001 and 003): the reason for each
version, what it changed against the one before, who was asked to read it, who has."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit
from tests.conftest import statements, template, with_team

DEFAULT = (Path(__file__).resolve().parents[2] / "src" / "receptionctl" / "procedures" / "default.toml").read_text(
    encoding="utf-8")
DUE = "2026-11-27T09:00:00+08:00"  # three working days after the suite's Tuesday morning
BEFORE_DUE = {"RECEPTIONCTL_NOW": "2026-11-26T09:00:00+08:00"}
AFTER_DUE = {"RECEPTIONCTL_NOW": "2026-11-30T09:00:00+08:00"}  # the Monday after

GUIDE_TASK = '''
[[tasks]]
key = "guide-route"
stage = "receive"
title = "Walk the tour route before the guests arrive"
owner = "guide"
due = "start-1h"
'''


def edited(*pairs: tuple[str, str], version: str = "2026.99", extra: str = "", base: str = DEFAULT) -> str:
    """The default procedure (or `base`) with each (old, new) replaced once, a new version and
    `extra` appended."""
    text = base
    for old, new in pairs:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    head, rest = text.split("\nversion = ", 1)
    text = head + f'\nversion = "{version}"' + rest[rest.index("\n"):]
    return text + extra


# v2: the greeter's greeting reworded, the plan's approval a day earlier, a task for the guide added
GREET = 'title = "Greet the guests, introduce the team (name, title, role), hand over materials"'
APPROVE_DUE = 'owner = "approver"\ndue = "start-2wd"'
V2 = edited((GREET, 'title = "Greet the guests at the door and introduce the team"'),
            (APPROVE_DUE, 'owner = "approver"\ndue = "start-3wd"'), extra=GUIDE_TASK)


def write(tmp_path, text: str, name: str = "v.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@template(base=with_team)
def cast(ok):
    """The team, plus: rec (greeter's backup on an open visit), old (greeter on a cancelled
    visit), gone (guide on the open visit, then deactivated); admin also an approver."""
    for name in ("rec", "old", "gone"):
        ok("staff", "add", name, "--name", name.title(), "--dept", "Reception", "--role", "staff")
    ok("staff", "edit", "admin", "--add-role", "approver")
    open_visit = new_visit(ok)["id"]
    ok("--as", "li", "plan", "assign", str(open_visit), "--role", "greeter", "--staff", "chen", "--backup", "rec")
    ok("--as", "li", "plan", "assign", str(open_visit), "--role", "guide", "--staff", "gone")
    cancelled = new_visit(ok, at="2026-12-02 10:00")["id"]
    ok("--as", "li", "plan", "assign", str(cancelled), "--role", "greeter", "--staff", "old")
    ok("--as", "li", "visit", "cancel", str(cancelled), "--reason", "the client postponed")
    ok("staff", "deactivate", "gone")
    return {"open": open_visit, "cancelled": cancelled}


@pytest.fixture
def crew(from_template, ok):
    from_template(cast)
    return ok


def load(ok, tmp_path, text=V2, *extra, reason="the greeting is shorter", name="v.toml", who="admin"):
    return ok("--as", who, "procedure", "load", write(tmp_path, text, name), "--reason", reason, *extra,
              "--json").json()


def reading_tasks(ok, state="open", env=None):
    return sorted((t["owner"], t["due_at"], t["title"]) for t in
                  ok("task", "list", "--stage", "desk", "--state", state, "--json", env=env).json())


def alert_texts(ok, env):
    """The daily report's procedure_unread alerts, at env's time."""
    return [a["text"] for a in ok("report", "daily", "--format", "json", env=env).json()["alerts"]
            if a["kind"] == "procedure_unread"]


def unread(db_target, env) -> list[str]:
    """The same alerts straight from the domain (the report is slow to build in a test)."""
    from receptionctl.domain.records import manual
    from receptionctl.store.db import Database

    db = Database(db_target)
    try:
        with db.session() as session:
            return [a.text for a in manual.alerts(session, datetime.fromisoformat(env["RECEPTIONCTL_NOW"]))]
    finally:
        db.dispose()


# -- the reason and the record ---------------------------------------------------------------
def test_a_load_needs_a_reason_and_a_known_method_and_a_refused_load_changes_nothing(crew, cli, tmp_path,
                                                                                     unchanged):
    path = write(tmp_path, V2)
    with unchanged():
        run = cli("procedure", "load", path)
        assert run.exit_code == 2 and "--reason" in run.stderr
        one_error_line(cli("procedure", "load", path, "--reason", "  "), 2, "reason is empty")
        run = cli("procedure", "load", path, "--reason", "x", "--method", "memo")
        assert run.exit_code == 2 and "--method" in run.stderr and "memo" in run.stderr
        one_error_line(cli("procedure", "load", path, "--reason", "x", "--chapter", "c" * 201), 2, "chapter")
        one_error_line(cli("procedure", "load", path, "--reason", "x", "--page", "p" * 51), 2, "page")
        one_error_line(cli("--as", "li", "procedure", "load", path, "--reason", "x"), 4, "li")
        one_error_line(cli("procedure", "load", write(tmp_path, V2.replace('owner = "guide"', 'owner = "x"'), "b.toml"),
                           "--reason", "x"), 2, "unknown owner role 'x'")
    crew("procedure", "load", path, "--reason", "x")
    with unchanged():
        one_error_line(cli("procedure", "load", path, "--reason", "again"), 1, "in use already")


def test_init_records_the_default_procedure_with_its_reason(initdb):
    [first] = initdb("procedure", "history", "--json").json()
    assert (first["reason"], first["method"], first["chapter"], first["page"]) == (
        "the default procedure, loaded at init", "reprint", None, None)
    assert first["summary"].startswith("first version: 51 tasks") and first["changes"]["previous"] is None
    assert (first["asked"], first["read"]) == (0, 0)
    assert initdb("audit", "--entity", "procedure", "--json").json()[0]["after"]["reason"] == first["reason"]


def test_the_history_says_what_changed_with_old_and_new_values(crew, tmp_path):
    v2 = load(crew, tmp_path, V2, "--chapter", "2", "--page", "14-15", "--method", "circular")
    assert (v2["reason"], v2["chapter"], v2["page"], v2["method"]) == ("the greeting is shorter", "2", "14-15",
                                                                        "circular")
    assert v2["summary"] == "+1 task, 1 retimed, 1 reworded"
    # v3: the guide's task removed, the NDA task reassigned and for level 1 only, a question reworded,
    # one added, one removed
    v3_text = edited(('owner = "host"\ndue = "start-1wd"', 'owner = "coordinator"\ndue = "start-1wd"\nlevels = [1]'),
                     ('key = "q9"', 'key = "q11"'), (GUIDE_TASK, ""), version="2026.100", base=V2)
    v3_text = v3_text.replace("Was it easy to get in touch with us?", "Was it easy to reach us?")
    v3 = load(crew, tmp_path, v3_text, name="v3.toml", reason="NDAs for level 1 only")
    assert v3["summary"] == "\u22121 task, 1 reassigned, 1 conditions, questions +1 \u22121 1 changed"
    c = v3["changes"]
    assert c["previous"] == {"id": v2["id"], "name": "standard-client-reception", "version": "2026.99"}
    assert [t["key"] for t in c["tasks"]["removed"]] == ["guide-route"]
    [nda] = c["tasks"]["changed"]
    assert nda["key"] == "nda" and nda["kinds"] == ["reassigned", "conditions"]
    assert nda["fields"] == {"owner": {"old": "host", "new": "coordinator"},
                             "levels": {"old": [1, 2, 3], "new": [1]}}
    assert c["questions"]["changed"][0]["fields"]["text"]["new"] == "Was it easy to reach us?"
    assert c["procedure"]["version"] == {"old": "2026.99", "new": "2026.100"}
    assert c["roles"] == ["coordinator", "guide", "host"]

    history = crew("procedure", "history", "--json").json()
    assert [h["reason"] for h in history] == ["the default procedure, loaded at init", "the greeting is shorter",
                                              "NDAs for level 1 only"]
    assert [h["in_use"] for h in history] == [False, False, True]
    assert history[1]["changes"]["tasks"]["changed"][0]["fields"]["due"] == {"old": "start-2wd", "new": "start-3wd"}
    table = crew("procedure", "history").stdout
    assert "+1 task, 1 retimed, 1 reworded" in table and "circular" in table and "ch. 2 p. 14-15" in table
    detail = crew("procedure", "history", str(v2["id"])).stdout
    assert "the greeting is shorter" in detail and "start-2wd" in detail and "start-3wd" in detail
    assert "Greet the guests at the door" in detail and "Greet the guests, introduce the team" in detail
    assert "guide-route" in detail and "added" in detail
    one = crew("procedure", "history", str(v3["id"]), "--json").json()
    assert one["id"] == v3["id"] and one["changes"] == c


def test_a_version_stored_before_the_change_record_has_its_changes_worked_out(crew, tmp_path, db_target):
    from sqlalchemy import update

    from receptionctl.store.db import Database
    from receptionctl.store.models import ProcedureVersion

    v2 = load(crew, tmp_path)
    db = Database(db_target)
    try:
        with db.session(write=True) as session:  # as migration 0014 leaves the older rows
            session.execute(update(ProcedureVersion).values(changes=None))
    finally:
        db.dispose()
    history = crew("procedure", "history", "--json").json()
    assert history[0]["summary"].startswith("first version")
    assert history[1]["summary"] == v2["summary"] and history[1]["changes"] == v2["changes"]


def test_every_task_field_counts_as_one_kind_of_change():
    from receptionctl.domain.engine import CHANGE_KINDS, TaskSpec

    named = [f for names in CHANGE_KINDS.values() for f in names]
    assert sorted(named) == sorted(f.name for f in fields(TaskSpec) if f.name != "key")


# -- who is asked to read it -----------------------------------------------------------------
def test_the_staff_whose_tasks_changed_are_asked_to_read_it(crew, tmp_path):
    v2 = load(crew, tmp_path)
    # approver (retimed): gm, gm2 (admin is one too, but loaded it); greeter (reworded): chen and
    # his backup rec on the open visit, not old (cancelled visit); guide (added): gone has left
    assert v2["asked"] == ["chen", "gm", "gm2", "rec"] and v2["due_at"] == DUE
    tasks = crew("task", "list", "--stage", "desk", "--json").json()
    assert sorted(t["owner"] for t in tasks) == ["chen", "gm", "gm2", "rec"]
    assert {t["due_at"] for t in tasks} == {DUE}
    assert {t["visit_id"] for t in tasks} == {None}
    assert all("version 2026.99" in t["title"] and f"version id {v2['id']}" in t["title"] for t in tasks)
    assert all("阅读新版接待流程" in t["title_zh"] for t in tasks)
    mine = crew("task", "list", "--mine", "--stage", "desk", "--json", env={"RECEPTIONCTL_USER": "rec"}).json()
    assert [t["id"] for t in mine] == [t["id"] for t in tasks if t["owner"] == "rec"]
    after = crew("audit", "--entity", "procedure", "--json").json()
    assert [e["action"] for e in after][-2:] == ["procedure.load", "procedure.ask"]
    assert after[-2]["after"]["reason"] == "the greeting is shorter"
    assert after[-1]["after"]["asked"] == ["chen", "gm", "gm2", "rec"]


def test_a_change_to_the_feedback_form_only_asks_no_one(crew, tmp_path):
    only_form = edited(("Was it easy to get in touch with us?", "Was it easy to reach us?"))
    loaded = load(crew, tmp_path, only_form)
    assert loaded["asked"] == [] and loaded["due_at"] is None
    assert loaded["summary"] == "questions 1 changed"
    assert crew("task", "list", "--stage", "desk", "--json").json() == []


def test_host_counts_as_a_staff_role_and_a_visit_role(crew, tmp_path):
    # farewell is the host's: li and wang hold the host role; the admin who loads it is not asked
    text = edited(('title = "See the guests off"', 'title = "See the guests off at the gate"'))
    assert load(crew, tmp_path, text)["asked"] == ["li", "wang"]


def test_an_unread_older_version_is_superseded_by_the_newer(crew, tmp_path):
    v2 = load(crew, tmp_path)
    # v3 changes only the logistics' venue task: nobody holds that role, but the four still asked
    # to read v2 are asked to read v3 instead
    v3_text = edited((GREET, 'title = "Greet the guests at the door and introduce the team"'),
                     (APPROVE_DUE, 'owner = "approver"\ndue = "start-3wd"'),
                     ('title = "Set up the venue', 'title = "Set up and check the venue'), extra=GUIDE_TASK,
                     version="2026.100")
    crew("--as", "gm", "procedure", "ack", str(v2["id"]))
    v3 = load(crew, tmp_path, v3_text, name="v3.toml", reason="the venue is checked too")
    assert v3["summary"] == "1 reworded" and v3["superseded"] == 3
    assert v3["asked"] == ["chen", "gm2", "rec"]
    readers = crew("procedure", "readers", str(v2["id"]), "--json").json()
    assert {p["username"]: p["state"] for p in readers["people"]} == {
        "chen": "superseded", "gm2": "superseded", "rec": "superseded", "gm": "read"}
    assert (readers["asked"], readers["read"], readers["unread"]) == (4, 1, 0)
    skipped = crew("task", "list", "--stage", "desk", "--state", "skipped", "--json").json()
    assert len(skipped) == 3 and all(f"superseded by procedure version id {v3['id']}" in t["note"] for t in skipped)


# -- acknowledging ---------------------------------------------------------------------------
def test_ack_records_the_reader_once_and_closes_their_reading_task(crew, cli, tmp_path, unchanged):
    v2 = load(crew, tmp_path)
    [task] = crew("task", "list", "--stage", "desk", "--owner", "chen", "--json").json()
    with unchanged():
        one_error_line(cli("--as", "chen", "task", "done", str(task["id"])), 1, "closes when that is done")
        one_error_line(cli("--as", "chen", "task", "skip", str(task["id"]), "--reason", "read it"), 1)
    done = crew("--as", "chen", "procedure", "ack", "--json").json()  # the version in use
    assert (done["version_id"], done["username"], done["already"], done["asked"], done["task_closed"]) == (
        v2["id"], "chen", False, True, True)
    assert done["at"] == "2026-11-24T09:00:00+08:00"
    closed = crew("task", "list", "--stage", "desk", "--state", "done", "--json").json()
    assert [(t["id"], t["done_by"]) for t in closed] == [(task["id"], "chen")]
    with unchanged():
        again = crew("--as", "chen", "procedure", "ack", str(v2["id"]), env=AFTER_DUE)
    assert "read it already (2026-11-24 09:00)" in again.stdout
    assert crew("--as", "chen", "procedure", "ack", "--json").json()["already"] is True
    # someone not asked may say they read it too: recorded, with a note
    li = crew("--as", "li", "procedure", "ack", str(v2["id"]))
    assert "not asked" in li.stderr
    actions = [(e["action"], e["actor"]) for e in crew("audit", "--entity", "procedure", "--json").json()]
    assert actions[-2:] == [("procedure.ack", "chen"), ("procedure.ack", "li")]
    with unchanged():
        one_error_line(cli("--as", "stranger", "procedure", "ack"), 4, "stranger")
        one_error_line(cli("--as", "gone", "procedure", "ack"), 4, "gone")


def test_readers_lists_who_was_asked_who_read_it_and_when(crew, tmp_path):
    v2 = load(crew, tmp_path)
    crew("--as", "rec", "procedure", "ack", env=BEFORE_DUE)
    crew("--as", "wang", "procedure", "ack", env=BEFORE_DUE)
    seen = crew("procedure", "readers", "--json", env=AFTER_DUE).json()
    assert (seen["version_id"], seen["in_use"], seen["asked"], seen["read"], seen["unread"]) == (
        v2["id"], True, 4, 2, 3)
    assert [(p["username"], p["asked"], p["state"], p["read_at"]) for p in seen["people"]] == [
        ("chen", True, "overdue", None), ("gm", True, "overdue", None), ("gm2", True, "overdue", None),
        ("rec", True, "read", "2026-11-26T09:00:00+08:00"), ("wang", False, "read", "2026-11-26T09:00:00+08:00")]
    early = crew("procedure", "readers", str(v2["id"]), "--json", env=BEFORE_DUE).json()
    assert {p["state"] for p in early["people"] if p["read_at"] is None} == {"not read"}
    table = crew("procedure", "readers", env=AFTER_DUE)
    assert "overdue" in table.stdout and "4 asked, 2 read, 3 not yet" in table.stderr
    history = crew("procedure", "history", "--json").json()
    assert (history[-1]["asked"], history[-1]["read"]) == (4, 2)


def test_an_unknown_version_id_is_not_found(crew, cli, unchanged):
    with unchanged():
        one_error_line(cli("procedure", "ack", "99"), 3, "no procedure version 99")
        one_error_line(cli("procedure", "readers", "99"), 3, "no procedure version 99")
        one_error_line(cli("procedure", "history", "99"), 3, "no procedure version 99")
        one_error_line(cli("procedure", "ack", "zero"), 2, "'zero'")


# -- the daily report ------------------------------------------------------------------------
def test_the_daily_report_names_who_has_not_read_it_after_the_policy_days(crew, tmp_path, db_target):
    v2 = load(crew, tmp_path)
    assert unread(db_target, BEFORE_DUE) == []
    crew("--as", "gm", "procedure", "ack", env=BEFORE_DUE)
    [text] = alert_texts(crew, AFTER_DUE)
    assert f"version id {v2['id']}" in text and "2026.99" in text and "3 people have not read it" in text
    assert "chen (Chen Jie), gm2 (Qian Hui), rec (Rec)" in text and "gm (" not in text
    assert "procedure_ack_days" in text
    crew("staff", "deactivate", "rec")  # people who left are not chased
    assert "2 people" in unread(db_target, AFTER_DUE)[0]
    for who in ("chen", "gm2"):
        crew("--as", who, "procedure", "ack", env=AFTER_DUE)
    assert unread(db_target, AFTER_DUE) == []
    # a report of an earlier day still sees who had not read it then
    assert len(unread(db_target, {"RECEPTIONCTL_NOW": "2026-11-27T18:00:00+08:00"})) == 1


def test_the_policy_days_set_the_time_given(crew, cli, tmp_path, unchanged):
    with unchanged():
        one_error_line(cli("policy", "set", "procedure_ack_days", "0"), 2, "procedure_ack_days")
    crew("policy", "set", "procedure_ack_days", "1")
    assert load(crew, tmp_path)["due_at"] == "2026-11-25T09:00:00+08:00"


@template(base=cast)
def crowd(ok):
    for i in range(12):
        ok("staff", "add", f"ap{i:02d}", "--name", f"Approver {i:02d}", "--dept", "Leadership", "--role", "approver")


def test_one_alert_per_version_names_ten_and_counts_the_rest(from_template, ok, tmp_path, db_target):
    from_template(crowd)
    load(ok, tmp_path)
    [text] = unread(db_target, AFTER_DUE)
    assert "16 people have not read it" in text and text.count(" (") >= 10
    assert "ap09 (Approver 09)" in text and "and 6 more" in text and "gm2" not in text


def test_loading_and_the_alert_take_a_fixed_number_of_statements(from_template, ok, tmp_path, db_target):
    from receptionctl.domain.records import manual

    from_template(cast)
    load(ok, tmp_path)  # v2: four asked, whose tasks v3 supersedes
    path = write(tmp_path, edited((APPROVE_DUE, 'owner = "approver"\ndue = "start-4wd"'), version="3"), "v3.toml")
    few = statements(db_target, lambda s: manual.load(s, "admin", path, "earlier approval"))
    later = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)
    alert_few = statements(db_target, lambda s: manual.alerts(s, later))
    for i in range(3):
        ok("staff", "add", f"ap{i}", "--name", f"Approver {i}", "--dept", "Leadership", "--role", "approver")
        v = new_visit(ok, at=f"2026-12-0{i + 1} 15:00")["id"]
        ok("--as", "li", "plan", "assign", str(v), "--role", "greeter", "--staff", f"ap{i}", "--backup", "chen")
    load(ok, tmp_path, edited((GREET, 'title = "Greet them"')), name="v2b.toml")  # more people to supersede
    many = statements(db_target, lambda s: manual.load(s, "admin", path, "earlier approval"))
    assert len(many) == len(few), "\n".join(many)
    assert len(statements(db_target, lambda s: manual.alerts(s, later))) == len(alert_few) == 1
