"""Issue 26, item 10: the desk's own duties. Opening and closing checklists before and after hours
(seed 003), a complaint about another customer to the duty manager (seed 003), a desk case not
acknowledged in time to the shift leader (seed 004), and what may be told to an outsider who asks
about a resident (seed 004: the room number only)."""

from __future__ import annotations

import pytest

from tests.cli.test_desk import crew, desk_team  # noqa: F401 (fixtures)
from tests.cli.test_foundation import one_error_line
from tests.cli.test_prompts import answers  # noqa: F401 (a fixture)
from tests.conftest import template

MORNING = {"RECEPTIONCTL_NOW": "2026-12-01T07:05:00+08:00"}  # a Tuesday
EVENING = {"RECEPTIONCTL_NOW": "2026-12-01T22:50:00+08:00"}
NEXT = {"RECEPTIONCTL_NOW": "2026-12-02T08:00:00+08:00"}
OPEN = ("--check", "appearance=ok", "--check", "counter=ok", "--check", "lights=ok", "--check", "computer=ok",
        "--check", "phone=ok", "--check", "radios=problem:one battery flat", "--check", "badge-stock=ok",
        "--check", "logbook=ok")
CLOSE = ("--check", "passes=ok", "--check", "mail=ok", "--check", "keys=ok", "--check", "radios=ok",
         "--check", "computer=ok", "--check", "lights=ok", "--check", "doors=ok", "--check", "logbook=ok")


def alerts(ok, kind, env=NEXT):
    return [a["text"] for a in ok("report", "daily", "--json", env=env).json()["alerts"] if a["kind"] == kind]


def test_the_desk_opens_and_closes_with_its_checklists(crew, cli, unchanged):
    crew("--as", "desk1", "desk", "shift", "start", env=MORNING)
    opened = crew("--as", "desk1", "desk", "open", *OPEN, "--note", "new radio batteries ordered", "--json",
                  env=MORNING).json()
    assert opened["kind"] == "open" and opened["day"] == "2026-12-01" and opened["by"] == "desk1"
    assert opened["shift_id"] is not None and opened["note"] == "new radio batteries ordered"
    assert [c["item"] for c in opened["checks"]][:3] == ["appearance", "counter", "lights"]
    assert {c["item"]: c for c in opened["checks"]}["radios"] == {"item": "radios", "ok": False,
                                                                   "note": "one battery flat"}
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "open", *OPEN, env=MORNING), 1, "opened already", "desk1")
        one_error_line(cli("--as", "desk1", "desk", "close", "--check", "passes=ok", env=EVENING), 2,
                       "not complete", "desk_close_checklist", "mail")
        one_error_line(cli("--as", "desk1", "desk", "close", *CLOSE, "--check", "plants=ok", env=EVENING), 2,
                       "'plants'", "not on the checklist")
        one_error_line(cli("--as", "li", "desk", "close", *CLOSE, env=EVENING), 4)
    assert alerts(crew, "desk_problem", env=EVENING) == [
        "the desk's opening checklist of 2026-12-01 (desk1) found problems: radios (one battery flat)"]
    # the next morning, the day was opened and not closed
    assert alerts(crew, "desk_unclosed") and "2026-12-01" in alerts(crew, "desk_unclosed")[0]
    said = crew("--as", "desk2", "desk", "close", *CLOSE, env=EVENING).stdout
    assert "the desk is closed for 2026-12-01: 8 items checked by desk2" in said
    assert alerts(crew, "desk_unclosed") == [] and alerts(crew, "desk_problem") == []
    day = crew("--as", "sup", "desk", "day", "--date", "2026-12-01", "--json", env=NEXT).json()
    assert day["opening"]["by"] == "desk1" and day["closing"]["by"] == "desk2"
    assert [s["user"] for s in day["shifts"]] == ["desk1"]
    text = crew("--as", "sup", "desk", "day", "--date", "2026-12-01", env=NEXT).stdout
    assert "Opening checklist" in text and "Closing checklist" in text and "one battery flat" in text
    zh = crew("--lang", "zh-CN", "--as", "sup", "desk", "day", "--date", "2026-12-01", env=NEXT).stdout
    assert "开班检查" in zh and "灯光" in zh
    empty = crew("--as", "sup", "desk", "day", "--json", env=NEXT).json()
    assert empty["opening"] is None and empty["closing"] is None
    audit = crew("audit", "--json").json()
    assert {"desk.open", "desk.close"} <= {e["action"] for e in audit}


def test_the_checklist_takes_chinese_words_and_the_policy_sets_it(crew, cli):
    crew("policy", "set", "desk_open_checklist", "lights,counter")
    crew("--as", "desk1", "desk", "open", "--check", "灯光=正常", "--check", "台面=有问题:有杂物", env=MORNING)
    day = crew("--as", "desk1", "desk", "day", "--json", env=MORNING).json()
    assert [(c["item"], c["ok"], c["note"]) for c in day["opening"]["checks"]] == \
        [("lights", True, None), ("counter", False, "有杂物")]


def test_on_a_terminal_the_items_left_out_are_asked(crew, cli, answers, unchanged):  # noqa: F811
    asked = answers("OK", "Problem", "only 3 left", "OK")
    crew("--as", "desk1", "desk", "open", *OPEN[:-6], env=MORNING)  # the last three items left out
    assert [q[0] for q in asked if isinstance(q, tuple)] == ["Opening checklist 1/3: radios",
                                                             "Opening checklist 2/3: badge-stock",
                                                             "Opening checklist 3/3: logbook"]
    day = crew("--as", "desk1", "desk", "day", "--json", env=MORNING).json()
    got = {c["item"]: (c["ok"], c["note"]) for c in day["opening"]["checks"]}
    assert len(got) == 8 and got["badge-stock"] == (False, "only 3 left") and got["radios"] == (True, None)
    answers()
    with unchanged():  # refused before anything is asked: the desk was opened already
        one_error_line(cli("--as", "desk1", "desk", "open", env=MORNING), 1, "opened already")


# -- the duty log: what may be told -------------------------------------------------------------
def test_an_enquiry_is_followed_by_the_rule_on_what_may_be_told(crew):
    run = crew("--as", "desk1", "desk", "log", "--kind", "enquiry", "A visitor asked which office Mr Wang is in",
               env=MORNING)
    assert "room number only" in run.stderr and "duty log entry" in run.stdout
    other = crew("--as", "desk1", "desk", "log", "--kind", "call", "Courier called", env=MORNING)
    assert "room number" not in other.stderr
    zh = crew("--lang", "zh-CN", "--as", "desk1", "desk", "log", "--kind", "问询", "有人打听502室住户", env=MORNING)
    assert "房间号码" in zh.stderr
    kinds = [e["kind"] for e in crew("--as", "desk1", "desk", "log", "list", "--json", env=MORNING).json()]
    assert kinds == ["enquiry", "call", "enquiry"]


# -- cases: about another customer, and the shift leader ------------------------------------------
@template(base=desk_team)
def case_desk(ok):
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Service office", "--role", "duty_manager")
    ok("client", "add", "Beta Trading")


@pytest.fixture
def desk_cases(from_template, ok):
    from_template(case_desk)
    return ok


def case_tasks(ok, case_id, env=MORNING, state="open"):
    return {t["key"]: t for t in ok("task", "list", "--stage", "case", "--state", state, "--json", env=env).json()
            if t["case_id"] == case_id}


def test_a_complaint_about_another_customer_goes_to_the_duty_manager(desk_cases, cli, unchanged):
    c = desk_cases("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "Beta's guests block the lobby",
                   "--client", "acme", "--about-client", "beta", "--json", env=MORNING).json()
    assert c["about_client"] == "Beta Trading" and c["client"] == "Acme" and c["restricted"] is False
    ack = case_tasks(desk_cases, c["id"])["case-ack"]
    assert ack["owner_role"] == "duty_manager" and ack["owner"] is None
    assert "Beta Trading" in desk_cases("case", "show", str(c["id"]), env=MORNING).stdout
    with unchanged():
        one_error_line(cli("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=MORNING), 1,
                       "another customer", "wang")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "repair", "--text", "x", "--about-client",
                           "beta", env=MORNING), 2, "--kind complaint")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "x", "--client", "beta",
                           "--about-client", "beta", env=MORNING), 2, "Beta Trading")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "x", "--about", "wang",
                           "--about-client", "beta", env=MORNING), 2, "--about-client")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "x", "--about-client",
                           "nobody", env=MORNING), 3, "nobody")
    desk_cases("--as", "dm", "case", "ack", str(c["id"]), env=MORNING)
    assert set(case_tasks(desk_cases, c["id"])) == {"case-assign"}
    assert case_tasks(desk_cases, c["id"])["case-assign"]["owner_role"] == "duty_manager"
    desk_cases("--as", "dm", "case", "assign", str(c["id"]), "--to", "dm", env=MORNING)


def test_a_desk_case_not_acknowledged_in_time_goes_to_the_shift_leader(desk_cases):
    late = desk_cases("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Leaking tap in room 502",
                      "--json", env=MORNING).json()
    phoned = desk_cases("--as", "desk1", "case", "add", "--kind", "help", "--source", "phone", "--text",
                        "Lost badge", "--json", env=MORNING).json()
    quick = desk_cases("--as", "desk1", "case", "add", "--kind", "help", "--text", "Taxi please", "--json",
                       env=MORNING).json()
    desk_cases("--as", "desk1", "case", "ack", str(quick["id"]), env=MORNING)
    # within its time (case_ack_minutes, 30): nothing yet
    assert desk_cases("notify", "send", "--json", env={"RECEPTIONCTL_NOW": "2026-12-01T07:30:00+08:00"}).json()[
        "cases_escalated"] == 0
    after = {"RECEPTIONCTL_NOW": "2026-12-01T07:40:00+08:00"}
    run = desk_cases("notify", "send", env=after)
    assert "passed to the shift leader" in run.stderr
    leader = case_tasks(desk_cases, late["id"], env=after)["case-shift-leader"]
    assert leader["owner_role"] == "desk_supervisor" and leader["due_at"].startswith("2026-12-01T07:40")
    assert "case-shift-leader" not in case_tasks(desk_cases, phoned["id"], env=after)  # not taken at the desk
    assert "case-shift-leader" not in case_tasks(desk_cases, quick["id"], env=after, state="all")
    log = desk_cases("case", "show", str(late["id"]), "--json", env=after).json()["log"]
    assert "passed to the shift leader" in log[-1]["text"]
    assert desk_cases("notify", "send", "--json", env=after).json()["cases_escalated"] == 0  # once
    queued = desk_cases("notify", "list", "--json", env=after).json()
    assert any(m["event"] == "case.escalate" for m in queued) or queued == []  # no channel: nothing to queue
    desk_cases("--as", "sup", "case", "ack", str(late["id"]), env=after)
    assert case_tasks(desk_cases, late["id"], env=after, state="done")["case-shift-leader"]["done_by"] == "sup"
    assert "case.escalate_ack" in {e["action"] for e in desk_cases("audit", "--json").json()}
