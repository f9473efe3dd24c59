"""A review's findings, each a test that failed before its fix: complaints about staff stay
with those who may see them (and never reach the person they are about), desk tasks that
stand for an action close with it, a case's new deadline reaches its task, names in any
script are found, notes survive the closing of their task."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cases import NOW, STEPS, case_team
from tests.cli.test_desk import CHECKS
from tests.cli.test_foundation import one_error_line
from tests.conftest import template


@template(base=case_team)
def complaint_about_wang(ok):
    ok("staff", "add", "dm2", "--name", "Dong Mei", "--dept", "Service office", "--role", "duty_manager")
    ok("staff", "add", "sup", "--name", "Zhou Lan", "--dept", "Front desk", "--role", "desk_supervisor")
    ok("--as", "desk1", "case", "add", "--kind", "complaint", "--about", "wang", "--text", "SECRETWORDS rude host",
       env=NOW)
    ok("--as", "dm", "case", "ack", "1", "--note", "ACKNOTE apologised", env=NOW)
    ok("--as", "dm", "case", "assign", "1", "--to", "dm", env=NOW)


@pytest.fixture
def crew(from_template, ok):
    from_template(complaint_about_wang)
    return ok


def resolve_task(ok):
    return [t for t in ok("--as", "dm", "task", "list", "--stage", "case", "--json", env=NOW).json()
            if t["key"] == "case-resolve"][0]


def test_case_steps_take_no_task_notes_and_no_task_reassign(crew, cli, unchanged):
    task = resolve_task(crew)
    with unchanged():
        one_error_line(cli("--as", "wang", "task", "note", str(task["id"]), "x", env=NOW), 1, "duty logbook")
        run = cli("--as", "li", "task", "reassign", str(task["id"]), "--to", "wang", env=NOW)
        one_error_line(run, 1, "its own command")
        assert "case assign" in run.stderr


def test_the_audit_log_keeps_complaints_about_staff_from_others(crew):
    crew("--as", "dm", "log", "add", "LOGSECRET he shouted", "--case", "1", env=NOW)
    for who in ("li", "wang", "desk1"):
        events = crew("--as", who, "audit", "--json", env=NOW).json()
        assert not [e for e in events if e["entity"] in ("case", "duty_log")], who
    seen = crew("--as", "dm2", "audit", "--json", env=NOW).json()
    assert [e["action"] for e in seen if e["entity"] == "case"] == ["case.add", "case.ack", "case.assign"]
    assert "LOGSECRET" not in json.dumps(seen) and "SECRETWORDS" not in json.dumps(seen)


def test_a_complaint_is_escalated_only_to_someone_who_may_see_it(crew, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "dm", "case", "escalate", "1", "--to", "li", "--question", "Q", "--answer-by",
                           "2026-12-02 10:00", env=NOW), 1, "may not see it")
        one_error_line(cli("--as", "dm", "case", "escalate", "1", "--to", "wang", "--question", "Q", "--answer-by",
                           "2026-12-02 10:00", env=NOW), 1, "may not see it")
    crew("--as", "dm", "case", "escalate", "1", "--to", "gm", "--question", "Q", "--answer-by", "2026-12-02 10:00",
         env=NOW)


def test_the_person_a_complaint_is_about_never_sees_or_handles_it(crew, cli):
    crew("staff", "edit", "wang", "--add-role", "duty_manager")
    assert crew("--as", "wang", "case", "list", "--json", env=NOW).json() == []
    one_error_line(cli("--as", "wang", "case", "show", "1", env=NOW), 3)
    one_error_line(cli("--as", "wang", "case", "resolve", "1", *STEPS["resolve"], env=NOW), 3)


def test_a_handover_never_lists_a_complaint_about_staff(crew):
    crew("staff", "edit", "desk1", "--add-role", "duty_manager")  # who prepares it may see it; the desk may not
    crew("--as", "desk1", "desk", "shift", "start", "--shift", "morning", env=NOW)
    handover = crew("--as", "desk1", "desk", "handover", "prepare", "--summary", "s", *CHECKS, "--json",
                    env=NOW).json()
    assert "SECRETWORDS" not in json.dumps(handover)


def test_a_new_deadline_reaches_the_open_resolve_task(crew):
    crew("--as", "dm", "case", "assign", "1", "--to", "dm2", "--due", "2026-12-01 18:00", env=NOW)
    task = resolve_task(crew)
    assert task["owner"] == "dm2" and task["due_at"].startswith("2026-12-01T18:00")


def test_a_desk_task_that_stands_for_an_action_closes_with_it(team, cli):
    team("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    team("--as", "desk1", "goods", "request", "--what", "boxes", "--qty", "2", "--owner", "wang", "--carrier", "Z")
    task = [t for t in team("task", "list", "--owner", "wang", "--json").json() if t["key"].startswith("goods-")][0]
    run = cli("--as", "wang", "task", "done", str(task["id"]))
    one_error_line(run, 1, "action at the desk")
    assert "goods approve" in run.stderr
    team("--as", "desk1", "mail", "receive", "--to", "wang", "--kind", "parcel")
    mail = [t for t in team("task", "list", "--owner", "wang", "--json").json() if t["key"] == "mail-collect"][0]
    team("--as", "wang", "task", "note", str(mail["id"]), "asked the desk to keep it until Friday")
    team("--as", "wang", "mail", "collect", "1")
    closed = [t for t in team("task", "list", "--state", "done", "--json").json() if t["id"] == mail["id"]][0]
    assert "keep it until Friday" in closed["note"]  # closing keeps the notes


def test_a_name_in_any_script_is_found(team):
    team("staff", "add", "el", "--name", "Émile Zola", "--dept", "Business", "--role", "host")
    assert team("task", "list", "--owner", "Émile Zola").exit_code == 0
    assert team("task", "list", "--owner", "émile").exit_code == 0


def test_an_inactive_persons_desk_tasks_name_no_visit_none(team):
    team("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    team("--as", "desk1", "desk", "shift", "start", "--shift", "morning",
         env={"RECEPTIONCTL_NOW": "2026-12-01T08:00:00+08:00"})
    team("--as", "desk1", "desk", "log", "call back Acme", "--passed-to", "chen",
         env={"RECEPTIONCTL_NOW": "2026-12-01T08:00:00+08:00"})
    team("staff", "deactivate", "chen")
    text = [a["text"] for a in team("report", "daily", "--json").json()["alerts"] if a["kind"] == "no_owner"][0]
    assert "None" not in text and "of cases and the desk" in text
