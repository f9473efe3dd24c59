"""Issue 4: the procedure engine, checklists and deadlines."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit

SH = ZoneInfo("Asia/Shanghai")
TASK_FIELDS = {"id", "visit_id", "key", "stage", "title", "owner", "due_at", "done_at", "state", "overdue"}

CUSTOM = '''name = "lean"
version = "2"

[[tasks]]
key = "call-client"
stage = "prepare"
title = "Call the client"
title_zh = "致电客户"
owner = "host"
due = "start-1wd"

[[tasks]]
key = "thank-you"
stage = "followup"
title = "Send a thank-you note"
owner = "host"
due = "end+1d"
'''


def keys(ok, vid, *extra):
    return sorted(t["key"] for t in ok("task", "list", "--visit", str(vid), "--state", "all", *extra, "--json").json())


def test_tasks_are_generated_at_creation_with_the_contract_fields(team):
    vid = new_visit(team, "--host", "li")["id"]
    tasks = team("task", "list", "--visit", str(vid), "--json").json()
    assert tasks and TASK_FIELDS <= set(tasks[0])
    assert {t["stage"] for t in tasks} == {"prepare", "receive"}
    by_key = {t["key"]: t for t in tasks}
    assert all(t["state"] == "open" and t["overdue"] is False for t in tasks)
    host_early = by_key["host-early"]
    assert host_early["due_at"] == "2026-12-01T09:50:00+08:00" and host_early["owner"] == "li"
    assert by_key["draft-plan"]["due_at"] == "2026-11-26T10:00:00+08:00"  # start-3wd
    assert by_key["draft-plan"]["owner"] is None and by_key["draft-plan"]["owner_role"] == "coordinator"
    assert "callback" not in by_key  # follow-up tasks come when the visit is completed


def test_level_1_gets_security_duties_level_3_does_not(team):
    team("policy", "set", "vip_level", "3")  # the levels' own steps, whatever the tier (Acme is VIP: care.md)
    one = new_visit(team, "--level", "1")["id"]
    two = new_visit(team, "--level", "2")["id"]
    three = new_visit(team, "--level", "3")["id"]
    assert {"security-briefing", "water-features", "route-video"} <= set(keys(team, one))
    assert "duty-roster" in keys(team, two) and "security-briefing" not in keys(team, two)
    assert not {"security-briefing", "duty-roster", "water-features"} & set(keys(team, three))
    # seed 004, general principle 4.2.3: the command centre records every reception, whatever the level
    assert "route-video" in keys(team, two) and "route-video" in keys(team, three)


def test_offsite_tasks_only_for_offsite_visits(team):
    away = new_visit(team, "--offsite", "--venue", "Expo hall")["id"]
    home = new_visit(team)["id"]
    offsite = {"offsite-transport", "offsite-lodging", "offsite-shipping"}
    assert offsite <= set(keys(team, away))
    assert not offsite & set(keys(team, home))


def test_nda_task_comes_with_the_nda(team):
    vid = new_visit(team)["id"]
    assert "nda" not in keys(team, vid)
    team("--as", "li", "plan", "set", str(vid), "--nda")
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json").json()}
    assert tasks["nda"]["due_at"] == "2026-11-30T10:00:00+08:00"  # start-1wd
    team("--as", "li", "plan", "set", str(vid), "--no-nda")
    assert "nda" not in {t["key"] for t in team("task", "list", "--visit", str(vid), "--json").json()}
    skipped = team("task", "list", "--visit", str(vid), "--state", "skipped", "--json").json()
    assert [t["key"] for t in skipped] == ["nda"] and "no longer requires an NDA" in skipped[0]["note"]
    team("--as", "li", "plan", "set", str(vid), "--nda")  # and back on: the task is needed again
    open_nda = [t for t in team("task", "list", "--visit", str(vid), "--json").json() if t["key"] == "nda"]
    assert len(open_nda) == 1 and open_nda[0]["state"] == "open"


def test_custom_procedure_applies_to_later_visits_only(team, tmp_path):
    before = new_visit(team)["id"]
    before_keys = keys(team, before)
    path = tmp_path / "lean.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    run = team("procedure", "load", "--reason", "a test", str(path))
    assert "lean 2 loaded" in run.stdout
    after = new_visit(team)["id"]
    assert keys(team, after) == ["call-client"]
    assert keys(team, before) == before_keys
    team("--as", "li", "visit", "reschedule", str(before), "--at", "2026-12-02 10:00")
    assert keys(team, before) == before_keys, "a visit keeps the procedure version it started with"
    history = team("procedure", "history", "--json").json()
    assert [(h["name"], h["visits"], h["in_use"]) for h in history] == [
        ("standard-client-reception", 1, False), ("lean", 1, True)]
    assert team("procedure", "show", "--json").json()["name"] == "lean"
    assert "致电客户" in team("procedure", "show").stdout


def test_procedure_file_with_a_bom_loads(team, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + CUSTOM.encode())
    team("procedure", "load", "--reason", "a test", str(path))


def test_broken_procedure_file_changes_nothing(team, cli, tmp_path, unchanged):
    path = tmp_path / "broken.toml"
    path.write_text(CUSTOM.replace('due = "end+1d"', 'due = "after+1d"'), encoding="utf-8")
    with unchanged():
        run = cli("procedure", "load", "--reason", "a test", str(path))
    one_error_line(run, 2, f"{path}, line 17", "not an offset")
    assert team("procedure", "show", "--json").json()["name"] == "standard-client-reception"
    with unchanged():
        one_error_line(cli("procedure", "load", "--reason", "a test", str(tmp_path / "missing.toml")), 2, "missing.toml")
        one_error_line(cli("--as", "li", "procedure", "load", "--reason", "a test", str(path)), 4, "li")


def test_reschedule_moves_open_task_due_dates(team):
    vid = new_visit(team, "--host", "li")["id"]
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-08 14:00")
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json").json()}
    assert tasks["host-early"]["due_at"] == "2026-12-08T13:50:00+08:00"
    assert tasks["draft-plan"]["due_at"] == "2026-12-03T14:00:00+08:00"  # start-3wd


def test_cancelled_visit_closes_its_tasks(team):
    vid = new_visit(team)["id"]
    team("--as", "li", "visit", "cancel", str(vid), "--reason", "client postponed")
    assert team("task", "list", "--visit", str(vid), "--json").json() == []
    skipped = team("task", "list", "--visit", str(vid), "--state", "skipped", "--json").json()
    assert skipped and all("client postponed" in t["note"] for t in skipped)


# -- tasks --------------------------------------------------------------------------------
def task_id(ok, vid, key):
    return next(t["id"] for t in ok("task", "list", "--visit", str(vid), "--json").json() if t["key"] == key)


def test_done_records_who_and_when(team):
    vid = new_visit(team, "--host", "wang")["id"]
    tid = task_id(team, vid, "train-staff")
    done = team("--as", "wang", "task", "done", str(tid), "--note", "briefed everyone", "--json").json()
    assert done["state"] == "done" and done["done_by"] == "wang"
    assert done["done_at"] == "2026-11-24T09:00:00+08:00" and done["note"] == "briefed everyone"
    events = team("audit", "--visit", str(vid), "--json").json()
    assert events[-1]["action"] == "task.done" and events[-1]["actor"] == "wang"


def test_who_may_close_a_task(team, cli, unchanged):
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "greeter", "--staff", "wang", "--backup", "chen")
    tid = task_id(team, vid, "greet")
    with unchanged():
        one_error_line(cli("--as", "gm", "task", "done", str(tid)), 4, "gm")
        one_error_line(cli("--as", "stranger", "task", "done", str(tid)), 4, "stranger")
    team("--as", "chen", "task", "done", str(tid))  # the backup
    coord = task_id(team, vid, "draft-plan")
    with unchanged():
        one_error_line(cli("--as", "wang", "task", "done", str(coord)), 4, "coordinator")
    team("--as", "li", "task", "done", str(coord))  # a coordinator
    approve = task_id(team, vid, "approve-plan")
    team("--as", "gm", "task", "done", str(approve))  # any approver, for an approver task


def test_skip_needs_a_reason_and_closed_tasks_stay_closed(team, cli, unchanged):
    vid = new_visit(team)["id"]
    tid = task_id(team, vid, "emergency-plan")
    with unchanged():
        one_error_line(cli("--as", "li", "task", "skip", str(tid), "--reason", " "), 2, "reason")
    skipped = team("--as", "li", "task", "skip", str(tid), "--reason", "covered by the site plan", "--json").json()
    assert skipped["state"] == "skipped" and skipped["note"] == "covered by the site plan"
    with unchanged():
        one_error_line(cli("--as", "li", "task", "done", str(tid)), 1, "skipped already")
        one_error_line(cli("--as", "li", "task", "done", "9999"), 3, "9999")


def test_task_list_filters(team):
    a = new_visit(team, "--host", "wang")["id"]
    b = new_visit(team, at="2026-11-25 15:00", who="li")["id"]  # tomorrow: some tasks already overdue
    team("--as", "li", "plan", "assign", str(b), "--role", "greeter", "--staff", "chen", "--backup", "wang")
    mine = team("task", "list", "--owner", "wang", "--json").json()
    assert {t["key"] for t in mine if t["visit_id"] == a} >= {"host-early", "train-staff"}
    assert {t["key"] for t in mine if t["visit_id"] == b} == {"greet", "register-guests"}  # as backup
    coord = team("task", "list", "--owner", "li", "--visit", str(a), "--json").json()
    assert {t["owner_role"] for t in coord} == {"coordinator"}
    follow = team("task", "list", "--stage", "receive", "--visit", str(a), "--json").json()
    assert follow and {t["stage"] for t in follow} == {"receive"}
    assert team("task", "list", "--overdue", "--json").json() == []  # short notice: compressed, not born overdue
    evening = {"RECEPTIONCTL_NOW": "2026-11-25T14:00:00+08:00"}
    late = team("task", "list", "--overdue", "--json", env=evening).json()
    assert late and all(t["overdue"] and t["visit_id"] == b for t in late)
    assert {t["key"] for t in late} >= {"confirm-details", "brief-departments", "draft-plan", "approve-plan"}


def test_task_list_bad_input(team, cli):
    one_error_line(cli("task", "list", "--stage", "during"), 2, "during")
    one_error_line(cli("task", "list", "--owner", "ghost"), 3, "ghost")
    one_error_line(cli("task", "list", "--visit", "999"), 3, "999")


# -- the checklist ------------------------------------------------------------------------
def test_checklist_groups_marks_words_and_readiness(team):
    vid = new_visit(team, "--host", "li", at="2026-11-25 15:00")["id"]  # short notice
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")
    team("--as", "li", "task", "done", str(task_id(team, vid, "confirm-details")))
    sheet = team("checklist", str(vid), "--json").json()
    assert list(sheet["stages"]) == ["prepare", "receive", "followup"]
    prep = {i["task"]["key"]: i for i in sheet["stages"]["prepare"]}
    assert prep["confirm-details"]["mark"] == "✓"
    assert prep["draft-plan"]["mark"] == "•" and prep["draft-plan"]["task"]["planned_at"] is not None
    assert prep["set-up-venue"]["mark"] == "•"  # start-1d: today 15:00, not yet due at 09:00
    assert sheet["compressed"] and "the visit was recorded" in sheet["compressed"]
    sheet = team("checklist", str(vid), "--json", env={"RECEPTIONCTL_NOW": "2026-11-25T14:00:00+08:00"}).json()
    prep = {i["task"]["key"]: i for i in sheet["stages"]["prepare"]}
    assert prep["draft-plan"]["mark"] == "✗" and prep["draft-plan"]["task"]["due_in_words"].endswith("overdue")
    total = len([i for i in sheet["stages"]["prepare"]])
    assert sheet["to_prepare"] == total and sheet["prepared"] == 1
    assert sheet["readiness"] == pytest.approx(1 / total)
    assert any("overdue" in b for b in sheet["blockers"])
    assert any("plan is draft" in b for b in sheet["blockers"])
    text = team("checklist", str(vid), env={"RECEPTIONCTL_NOW": "2026-11-25T14:00:00+08:00"}).stdout
    assert "✓" in text and "✗" in text and "•" in text
    assert "schedule compressed:" in text and "compressed, the procedure says" in text
    assert "Li Na (li), backup wang" in text
    assert "readiness" in text and "Before the visit" in text and "Reception day" in text
    assert "\x1b[" not in text


def test_due_in_words(team):
    vid = new_visit(team, "--host", "li")["id"]  # Tue 1 Dec 10:00, asked Tue 24 Nov 09:00
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json").json()}
    assert tasks["draft-plan"]["due_in_words"] == "in 2 working days"  # Thu 26 Nov
    assert tasks["host-early"]["due_in_words"] == "in 5 working days"
    late = team("task", "list", "--visit", str(vid), "--json",
                env={"RECEPTIONCTL_NOW": "2026-11-26T13:00:00+08:00"}).json()
    assert {t["key"]: t for t in late}["draft-plan"]["due_in_words"] == "3 h overdue"


# -- policy -------------------------------------------------------------------------------
def test_policy_show_and_set(team, cli, unchanged):
    shown = team("policy", "show", "--json").json()
    assert shown["lead_working_days"] == 3 and shown["country"] == "CN" and shown["per_person_limit"] is None
    team("policy", "set", "lead_working_days", "5")
    team("policy", "set", "per_person_limit", "200")
    shown = team("policy", "show", "--json").json()
    assert shown["lead_working_days"] == 5 and shown["per_person_limit"] == 200
    events = [e for e in team("audit", "--entity", "policy", "--json").json() if e["action"] == "policy.set"]
    assert events[0]["before"] == {"lead_working_days": "3"} and events[0]["after"] == {"lead_working_days": "5"}
    with unchanged():
        one_error_line(cli("policy", "set", "lead_working_days", "soon"), 2, "soon")
        one_error_line(cli("policy", "set", "red_line_score", "101"), 2, "101")
        one_error_line(cli("policy", "set", "country", "XX"), 2, "XX")
        one_error_line(cli("policy", "set", "coffee", "1"), 2, "coffee")
        one_error_line(cli("--as", "li", "policy", "set", "lead_working_days", "2"), 4, "li")
        one_error_line(cli("policy", "set", "deduction_min", "9"), 2, "deduction_max")
        one_error_line(cli("policy", "set", "red_line_score", "95"), 2, "excellent_score")


def test_policy_numbers_drive_the_procedure(team):
    team("policy", "set", "host_early_minutes", "30")
    vid = new_visit(team, "--host", "li")["id"]
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json").json()}
    assert tasks["host-early"]["due_at"] == "2026-12-01T09:30:00+08:00"


def test_loading_the_procedure_in_use_again_is_refused(team, cli, tmp_path, unchanged):
    path = tmp_path / "lean.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    team("procedure", "load", "--reason", "a test", str(path))
    with unchanged():
        one_error_line(cli("procedure", "load", "--reason", "a test", str(path)), 1, "in use already")
