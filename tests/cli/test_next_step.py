"""Issue 25, finding 7: after each step of the visit loop and of a case's loop, the command says
what comes next, who does it (the real people, by name) and the command, in the user's
language, and never in its JSON; the 24-hour callback (回访) is a step of its own, `visit
callback`, recorded the same way as a feedback form taken by phone."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit

ZH = ["--lang", "zh-CN"]
DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}  # during the visit (10:00-12:00)
AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
NEXT_DAY = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}


def said(run) -> list[str]:
    """What a change printed on stdout: the confirmation, then the next step."""
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 2, run.stdout
    return lines


def next_line(run) -> str:
    return said(run)[1]


@pytest.fixture
def desk(team):
    team("staff", "add", "sun", "--name", "Sun Li", "--dept", "Front desk", "--role", "desk")
    team("staff", "add", "ma", "--name", "Ma Hui", "--dept", "Service office", "--role", "duty_manager")
    return team


# -- the visit loop, in English -------------------------------------------------------------
def test_each_step_of_the_visit_loop_says_what_comes_next_and_who(desk):
    ok = desk
    vid = str(new_visit(ok)["id"])
    assert next_line(ok("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-03 10:00", "--purpose",
                        "talk", "--headcount", "2")) == (
        "Next: give the visit a host: coordinator Li Na, Qian Hui — receptionctl plan assign 2 --role host "
        "--staff USER")
    assert next_line(ok("--as", "li", "plan", "assign", vid, "--role", "host", "--staff", "wang")) == (
        "Next: add the agenda: host Wang Lei; coordinator Li Na, Qian Hui — receptionctl plan item 1 --at WHEN "
        "--title TEXT")
    assert next_line(ok("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome")) == (
        "Next: submit the plan for approval: host Wang Lei; coordinator Li Na, Qian Hui — receptionctl plan "
        "submit 1")
    # the approvers, by name; the one who submitted is not among them
    assert next_line(ok("--as", "li", "plan", "submit", vid)) == (
        "Waiting for approval: approver Qian Hui, Zhou Min — receptionctl plan approve 1")
    assert next_line(ok("--as", "gm", "plan", "reject", vid, "--reason", "budget")) == (
        "Next: change the rejected plan and submit it again: host Wang Lei; coordinator Li Na, Qian Hui — "
        "receptionctl plan submit 1")
    assert next_line(ok("--as", "gm2", "plan", "submit", vid)) == (
        "Waiting for approval: approver Zhou Min — receptionctl plan approve 1")
    prepare = next_line(ok("--as", "gm", "plan", "approve", vid))
    assert prepare.startswith("Next: prepare the reception, ") and " tasks open: " in prepare
    assert "Li Na" in prepare and prepare.endswith(" — receptionctl checklist 1")
    assert next_line(ok("--as", "sun", "checkin", vid, "--guest", "Liu Yang", env=DAY)) == (
        "Next: complete the visit when it is over: host Wang Lei; coordinator Li Na, Qian Hui — receptionctl "
        "visit complete 1")
    assert next_line(ok("--as", "li", "visit", "complete", vid, env=AFTER)) == (
        "Next: call the client back by 12-02 12:00: host Wang Lei — receptionctl visit callback 1 --note TEXT")
    assert next_line(ok("--as", "wang", "visit", "callback", vid, "--note", "pleased", "--satisfied",
                        env=NEXT_DAY)) == (
        "Next: record the client's feedback form: host Wang Lei; coordinator Li Na, Qian Hui — receptionctl "
        "feedback add 1")
    # then the most pressing open task, with the command that completes it
    task = next_line(ok("--as", "wang", "feedback", "add", vid, "--score", "90", "--channel", "form",
                        env=NEXT_DAY))
    assert task.startswith("Next: ") and " — receptionctl task done " in task


def test_a_level_1_plan_waits_for_the_hosts_backup(desk):
    vid = str(new_visit(desk, "--level", "1", "--host", "wang")["id"])
    run = desk("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome")
    assert next_line(run) == (
        "Next: a level-1 visit needs a backup host: host Wang Lei; coordinator Li Na, Qian Hui — receptionctl "
        "plan assign 1 --role host --staff wang --backup USER")


def test_when_many_may_act_three_are_named(desk):
    desk("staff", "add", "gm3", "--name", "Feng Yu", "--dept", "Leadership", "--role", "approver")
    desk("staff", "add", "gm4", "--name", "Hu Jun", "--dept", "Leadership", "--role", "approver")
    vid = str(new_visit(desk, "--host", "wang")["id"])
    desk("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome")
    assert next_line(desk("--as", "li", "plan", "submit", vid)) == (
        "Waiting for approval: approver Feng Yu, Hu Jun, Qian Hui and 1 more — receptionctl plan approve 1")
    assert next_line(desk(*ZH, "--as", "li", "plan", "item", vid, "--at", "2026-12-01 11:00", "--title", "Tour")) \
        == "下一步：提交接待方案审批：主接待人 Wang Lei；协调员 Li Na、Qian Hui — receptionctl plan submit 1"


def test_the_json_of_each_step_is_the_record_alone(desk, cli):
    """--json prints the record, byte for byte as before: no next step in it, nothing after it."""
    ok = desk
    vid = str(new_visit(ok)["id"])
    steps = [
        (("--as", "li", "plan", "assign", vid, "--role", "host", "--staff", "wang"), None),
        (("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome"), None),
        (("--as", "li", "plan", "submit", vid), None),
        (("--as", "gm", "plan", "approve", vid), None),
        (("--as", "sun", "checkin", vid, "--guest", "Liu Yang"), DAY),
        (("--as", "li", "visit", "complete", vid), AFTER),
        (("--as", "wang", "visit", "callback", vid, "--note", "pleased"), AFTER),
        (("--as", "wang", "feedback", "add", vid, "--score", "80", "--channel", "form"), AFTER),
        (("--as", "li", "outcome", vid, "intent"), AFTER),
        (("--as", "sun", "case", "add", "--kind", "request", "--text", "Brochures"), AFTER),
        (("--as", "sun", "case", "ack", "1"), AFTER),
    ]
    for args, env in steps:
        run = ok(*args, "--json", env=env)
        json.loads(run.stdout)  # one JSON document and nothing else
        assert "Next" not in run.stdout + run.stderr and "receptionctl" not in run.stdout, args


def test_a_closed_visit_has_nothing_more_to_do(desk):
    from tests.cli.test_reception_followup import finish_followups

    ok = desk
    vid = str(new_visit(ok, "--host", "li")["id"])
    ok("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome")
    ok("--as", "li", "plan", "submit", vid)
    ok("--as", "gm", "plan", "approve", vid)
    ok("--as", "li", "checkin", vid, "--guest", "Liu Yang", env=DAY)
    ok("--as", "li", "visit", "complete", vid, env=AFTER)
    ok("--as", "li", "feedback", "add", vid, "--score", "90", "--channel", "phone", env=AFTER)
    ok("--as", "li", "evaluate", vid, "--strengths", "a", "--weaknesses", "b", "--improvements", "c", env=AFTER)
    finish_followups(ok, int(vid), AFTER)
    assert next_line(ok("--as", "li", "outcome", vid, "won", env=AFTER)) == "Nothing more to do: visit 1 is closed"


# -- the visit loop in Chinese, with the people's own names ---------------------------------
@pytest.fixture
def zh_team(initdb):
    ok = initdb
    ok("staff", "add", "zhou", "--name", "周敏", "--dept", "领导小组", "--role", "approver")
    ok("staff", "add", "li", "--name", "李娜", "--dept", "客服部", "--role", "coordinator", "--role", "host")
    ok("staff", "add", "wang", "--name", "王磊", "--dept", "业务部", "--role", "host")
    ok("staff", "add", "sun", "--name", "孙丽", "--dept", "前台", "--role", "desk")
    ok("staff", "add", "ma", "--name", "马慧", "--dept", "服务办", "--role", "duty_manager")
    ok("client", "add", "华新精机", "--tier", "key")
    return ok


def test_the_visit_loop_in_chinese_names_the_people(zh_team):
    ok = zh_team
    vid = str(ok("--as", "li", "visit", "new", "--client", "华新", "--at", "2026-12-01 10:00", "--purpose", "talk",
                 "--headcount", "3", "--host", "wang", "--json").json()["id"])
    assert next_line(ok(*ZH, "--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "欢迎")) == (
        "下一步：提交接待方案审批：主接待人 王磊；协调员 李娜 — receptionctl plan submit 1")
    assert next_line(ok(*ZH, "--as", "li", "plan", "submit", vid)) == (
        "等待审批：审批人 周敏 — receptionctl plan approve 1")
    ok("--as", "zhou", "plan", "approve", vid)
    for task in ok("task", "list", "--visit", vid, "--stage", "prepare", "--json").json():
        ok("--as", "li", "task", "done", str(task["id"]))
    assert next_line(ok(*ZH, "--as", "li", "plan", "set", vid, "--budget", "800")) == (
        "下一步：提交接待方案审批：主接待人 王磊；协调员 李娜 — receptionctl plan submit 1")  # changed: again
    ok("--as", "li", "plan", "submit", vid)
    assert next_line(ok(*ZH, "--as", "zhou", "plan", "approve", vid)) == (
        "下一步：访客到达时（12-01 10:00）签到：前台 孙丽 — receptionctl checkin 1 --guest 姓名")
    assert next_line(ok(*ZH, "--as", "sun", "checkin", vid, "--guest", "刘洋", env=DAY)) == (
        "下一步：接待结束后完成来访：主接待人 王磊；协调员 李娜 — receptionctl visit complete 1")
    assert next_line(ok(*ZH, "--as", "li", "visit", "complete", vid, env=AFTER)) == (
        "下一步：12-02 12:00前回访客户：主接待人 王磊 — receptionctl visit callback 1 --note 内容")
    run = ok(*ZH, "--as", "wang", "visit", "callback", vid, "--note", "很满意", "--satisfied", env=NEXT_DAY)
    assert said(run) == ["来访 1：已回访客户（满意）",
                         "下一步：录入客户接待反馈表：主接待人 王磊；协调员 李娜 — receptionctl feedback add 1"]


def test_the_case_loop_in_english_and_chinese(zh_team):
    ok = zh_team
    assert next_line(ok("--as", "sun", "case", "add", "--kind", "complaint", "--text", "Lunch was late",
                        env=AFTER)) == "Next: acknowledge the case now: desk 孙丽 — receptionctl case ack 1"
    assert next_line(ok(*ZH, "--as", "sun", "case", "ack", "1", env=AFTER)) == (
        "下一步：指定工单负责人：协调员 李娜 — receptionctl case assign 1 --to 用户名")
    assert next_line(ok("--as", "li", "case", "assign", "1", "--to", "wang", env=AFTER)) == (
        "Next: resolve the case by 12-03 12:30: owner 王磊 — receptionctl case resolve 1 --cause TEXT --action "
        "TEXT --prevention TEXT")
    assert next_line(ok(*ZH, "--as", "wang", "case", "escalate", "1", "--to", "zhou", "--question", "退款？",
                        "--answer-by", "2026-12-01 13:00", env=AFTER)) == (
        "等待答复（已承诺12-01 13:00前答复）：周敏 — receptionctl case answer 1 --text 内容")
    assert next_line(ok(*ZH, "--as", "zhou", "case", "answer", "1", "--text", "可以", env=AFTER)) == (
        "下一步：12-03 12:30前处理工单：负责人 王磊 — receptionctl case resolve 1 --cause 内容 --action 内容 "
        "--prevention 内容")
    assert next_line(ok(*ZH, "--as", "wang", "case", "resolve", "1", "--cause", "a", "--action", "b",
                        "--prevention", "c", env=AFTER)) == (
        "下一步：12-02 12:30前回访客户：负责人 王磊 — receptionctl case callback 1 --note 内容")
    assert next_line(ok("--as", "wang", "case", "callback", "1", "--note", "ok", "--satisfied", env=AFTER)) == (
        "Next: the duty manager reviews the case: duty manager 马慧 — receptionctl case review 1")
    assert next_line(ok(*ZH, "--as", "ma", "case", "review", "1", env=AFTER)) == (
        "下一步：关闭工单：协调员 李娜；值班经理 马慧 — receptionctl case close 1")
    assert next_line(ok(*ZH, "--as", "li", "case", "close", "1", env=AFTER)) == "无需后续操作：第 1 号工单已关闭"


# -- the callback, a step of its own ----------------------------------------------------------
@pytest.fixture
def held(team):
    """Visit 1 hosted by wang took place and was completed at 12:30."""
    vid = new_visit(team, "--host", "wang")["id"]
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "Welcome")
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    return str(vid)


def callback_task(ok, vid, env=NEXT_DAY):
    tasks = ok("task", "list", "--visit", vid, "--state", "all", "--json", env=env).json()
    return next(t for t in tasks if t["key"] == "callback")


def test_visit_callback_closes_the_task_at_the_time_of_the_call_and_is_audited(team, held):
    run = team("--as", "wang", "visit", "callback", held, "--note", "pleased; wants the proposal", "--satisfied",
               "--at", "2026-12-01 17:00", "--json", env=NEXT_DAY)
    got = run.json()
    assert got == {"id": 1, "visit_id": 1, "client": "Acme", "at": "2026-12-01T17:00:00+08:00", "by": "wang",
                   "note": "pleased; wants the proposal", "satisfied": True, "via": "callback",
                   "recorded_at": "2026-12-02T09:00:00+08:00"}
    task = callback_task(team, held)
    assert task["state"] == "done" and task["done_by"] == "wang" and task["done_at"] == "2026-12-01T17:00:00+08:00"
    events = [e for e in team("audit", "--json", env=NEXT_DAY).json() if e["action"] == "visit.callback"]
    assert len(events) == 1 and events[0]["visit_id"] == 1 and events[0]["actor"] == "wang"
    assert events[0]["after"]["note"] == "pleased; wants the proposal" and events[0]["after"]["satisfied"] is True
    assert events[0]["after"]["tasks_closed"] == 1
    # the form is still awaited: the visit stays open
    shown = team("visit", "show", held, "--json", env=NEXT_DAY).json()
    assert shown["status"] == "completed" and "the feedback form is in" in shown["keeps_open"]


def test_visit_callback_shows_on_visit_show_and_not_in_its_json(team, held):
    before = set(team("visit", "show", held, "--json", env=NEXT_DAY).json())
    team("--as", "wang", "visit", "callback", held, "--note", "pleased", "--unsatisfied", env=NEXT_DAY)
    text = team("visit", "show", held, env=NEXT_DAY).stdout
    assert "called back" in text and "2026-12-02 09:00 by wang: pleased (NOT satisfied)" in text
    assert set(team("visit", "show", held, "--json", env=NEXT_DAY).json()) == before
    zh = team(*ZH, "visit", "show", held, env=NEXT_DAY).stdout
    assert "回访" in zh and "2026-12-02 09:00，wang：pleased（不满意）" in zh


def test_visit_callback_before_the_visit_is_completed_is_refused_and_changes_nothing(team, cli, unchanged):
    vid = str(new_visit(team, "--host", "wang")["id"])
    with unchanged():
        run = cli("--as", "wang", "visit", "callback", vid, "--note", "too early")
        one_error_line(run, 1, "visit 1 is planning", "after the visit")
        assert "hint: complete it first (`receptionctl visit complete 1`)" in run.stderr
        zh = cli(*ZH, "--as", "wang", "visit", "callback", vid, "--note", "too early")
        assert zh.exit_code == 1 and zh.stderr.splitlines() == [
            "错误：来访 1 状态为筹备中：回访在来访结束后进行", "提示：请先完成来访（`receptionctl visit complete 1`）"]


def test_visit_callback_bad_input_exits_2_and_changes_nothing(team, held, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "wang", "visit", "callback", held, "--note", " ", env=NEXT_DAY), 2, "--note")
        one_error_line(cli("--as", "wang", "visit", "callback", held, "--note", "x", "--at", "2026-12-03 10:00",
                           env=NEXT_DAY), 2, "in the future")
        one_error_line(cli("--as", "wang", "visit", "callback", held, "--note", "x", "--at", "2026-11-30 10:00",
                           env=NEXT_DAY), 2, "before visit 1 began")
        one_error_line(cli("--as", "chen", "visit", "callback", held, "--note", "x", env=NEXT_DAY), 4)
        one_error_line(cli("--as", "wang", "visit", "callback", "99", "--note", "x", env=NEXT_DAY), 3)


def test_a_feedback_form_by_phone_is_recorded_as_the_callback_the_same_way(team, held):
    team("--as", "wang", "feedback", "add", held, "--score", "92", "--channel", "phone", "--comment", "Great",
         env=NEXT_DAY)
    task = callback_task(team, held)
    assert task["state"] == "done" and task["done_by"] == "wang"
    events = [e for e in team("audit", "--json", env=NEXT_DAY).json() if e["action"] == "visit.callback"]
    assert [e["after"]["via"] for e in events] == ["feedback"] and events[0]["after"]["note"] == "Great"
    assert "2026-12-02 09:00 by wang: Great, with the feedback form by phone" in team(
        "visit", "show", held, env=NEXT_DAY).stdout


def test_a_form_taken_by_phone_after_the_callback_is_not_a_second_callback(team, held):
    team("--as", "wang", "visit", "callback", held, "--note", "pleased", "--satisfied", env=NEXT_DAY)
    team("--as", "wang", "feedback", "add", held, "--score", "92", "--channel", "phone", env=NEXT_DAY)
    events = [e for e in team("audit", "--json", env=NEXT_DAY).json() if e["action"] == "visit.callback"]
    assert [e["after"]["via"] for e in events] == ["callback"]


def test_a_feedback_form_on_paper_is_no_callback(team, held):
    team("--as", "wang", "feedback", "add", held, "--score", "92", "--channel", "form", env=NEXT_DAY)
    assert callback_task(team, held)["state"] == "done"  # the form still completes the step, as before
    assert not [e for e in team("audit", "--json", env=NEXT_DAY).json() if e["action"] == "visit.callback"]
    assert "called back" not in team("visit", "show", held, env=NEXT_DAY).stdout


def test_a_later_call_on_a_closed_visit_is_recorded_all_the_same(team, held):
    from tests.cli.test_reception_followup import finish_followups

    team("--as", "wang", "feedback", "add", held, "--score", "90", "--channel", "form", env=NEXT_DAY)
    team("--as", "li", "evaluate", held, "--strengths", "a", "--weaknesses", "b", "--improvements", "c",
         env=NEXT_DAY)
    finish_followups(team, int(held), NEXT_DAY)
    team("--as", "li", "outcome", held, "won", env=NEXT_DAY)
    assert team("visit", "show", held, "--json", env=NEXT_DAY).json()["status"] == "closed"
    run = team("--as", "wang", "visit", "callback", held, "--note", "checked in again", env=NEXT_DAY)
    assert said(run)[1] == "Nothing more to do: visit 1 is closed"
    assert "checked in again" in team("visit", "show", held, env=NEXT_DAY).stdout
