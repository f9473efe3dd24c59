"""No English code on a Chinese screen (issue 25): a visit from request to follow-up, a complaint
round its loop and a desk handover, in zh-CN, show no Latin word of three letters or more but the
names typed and the ids (tests/latin.py); the whole demo is tests/proof/test_chinese_demo.py. And
the pieces one by one: task keys, severities, re-approval reasons, the approval trail's verbs, the
audit log's actions, the notifications' columns and the libraries' errors, in Chinese, while the
English screens stay as they were."""

from __future__ import annotations

import os

import pytest

from tests.cli.test_desk import desk_team
from tests.cli.test_notify import bot  # noqa: F401 (a fixture)
from tests.cli.test_visits_plans import new_visit
from tests.conftest import run
from tests.latin import lines_with_offenders, offenders, without_audit_changes

ZH = ["--lang", "zh-CN"]
DAY = {"RECEPTIONCTL_NOW": "2026-12-01T09:00:00+08:00"}
AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
AFTERNOON = {"RECEPTIONCTL_NOW": "2026-12-01T14:50:00+08:00"}
MIDDLE = {"RECEPTIONCTL_NOW": "2026-12-01T15:05:00+08:00"}
# what the templates type (tests/conftest.py with_team, tests/cli/test_desk.py desk_team) and this test
PHRASES = ["Zhou Min", "Qian Hui", "Li Na", "Wang Lei", "Chen Jie", "Zhao Qing", "Qian Yu", "Sun Gang", "Zhou Lan",
           "Sun Li", "Leadership", "Customer service", "Business", "Technical", "Front desk", "Security",
           "Service office", "Acme", "Liu Yang", "no pork", "wheelchair access"]
IDS = ["admin", "gm", "gm2", "li", "wang", "chen", "desk1", "desk2", "guard", "sup", "dm", "standard-client-reception"]
CHECKS = ("--check", "keys=ok", "--check", "radios=ok", "--check", "badge-stock=ok", "--check", "cameras=ok",
          "--check", "phone=ok", "--check", "logbook=ok")


def test_the_detector_keeps_names_ids_and_command_lines():
    assert offenders("第 1 号工单已指派给 wang：投诉，已指派", PHRASES, IDS) == []
    assert offenders("警告：high级事件 #1", PHRASES, IDS) == ["high"]
    assert offenders("请运行 `receptionctl task done 12 --at WHEN`；见 https://example.com/a-b，li.na@x.example") == []
    assert offenders("数据库 /tmp/demo/reception.db（结构版本 0021）；VIP、CSV、PDF；文件 default.toml") == []
    assert offenders("完成时错过：confirm-details") == ["confirm", "details"]


@pytest.fixture
def zh(command, from_template, ok):
    """Run a command in zh-CN; it must succeed. Every line it printed is kept, with its command."""
    from_template(desk_team)
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Service office", "--role", "duty_manager")
    runs = []

    def invoke(*args, env=None):
        result = run(command, [*ZH, *args], env=env)
        assert result.exit_code == 0, (args, result.stderr)
        runs.append((" ".join(args), result.stdout + result.stderr))
        return result

    invoke.runs = runs
    return invoke


def test_a_visit_a_complaint_and_a_handover_in_chinese_show_no_english_code(zh):
    zh("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
       "--headcount", "5", "--level", "2")
    zh("--as", "li", "plan", "assign", "1", "--role", "host", "--staff", "li", "--backup", "wang")
    zh("--as", "li", "plan", "item", "1", "--at", "2026-12-01 10:00", "--title", "欢迎致辞")
    zh("--as", "li", "plan", "set", "1", "--budget", "800")
    zh("--as", "li", "plan", "submit", "1")
    zh("--as", "gm", "plan", "approve", "1")
    zh("--as", "li", "plan", "set", "1", "--lodging", "锦江饭店一晚")  # changed after approval
    zh("--as", "li", "plan", "assign", "1", "--role", "guide", "--staff", "chen")
    zh("visit", "show", "1")
    zh("plan", "show", "1")
    zh("checklist", "1")
    zh("report", "daily")
    zh("--as", "li", "plan", "submit", "1")
    zh("--as", "gm", "plan", "approve", "1")
    zh("--as", "desk1", "checkin", "1", "--guest", "Liu Yang", env=DAY)
    zh("--as", "li", "incident", "add", "1", "--kind", "equipment", "--severity", "high", "--text", "投影仪故障",
       env=DAY)
    zh("--as", "li", "incident", "add", "1", "--kind", "safety", "--severity", "critical", "--text", "地面湿滑",
       env=DAY)
    zh("task", "list", "--visit", "1", env=DAY)
    zh("--as", "li", "visit", "complete", "1", env=AFTER)
    zh("checklist", "1", env=AFTER)
    zh("--as", "li", "feedback", "add", "1", "--score", "40", "--channel", "phone", "--comment", "等太久",
       env=AFTER)
    zh("case", "list", env=AFTER)
    zh("case", "show", "1", env=AFTER)
    zh("--as", "desk1", "case", "ack", "1", "--note", "已致歉", env=AFTER)
    zh("--as", "desk1", "desk", "shift", "start", "--shift", "morning", env=DAY)
    zh("--as", "desk1", "desk", "handover", "prepare", "--summary", "平静", *CHECKS, env=AFTERNOON)
    zh("--as", "desk2", "desk", "shift", "start", "--shift", "middle", env=MIDDLE)
    zh("--as", "desk2", "desk", "handover", "accept", env=MIDDLE)
    zh("desk", "handover", "show", "1", env=MIDDLE)
    zh("desk", "handover", "list", "--date", "2026-12-01", env=MIDDLE)
    zh("--as", "li", "case", "assign", "1", "--to", "wang", env=MIDDLE)
    zh("--as", "wang", "case", "resolve", "1", "--cause", "门口无人", "--action", "安排迎宾",
       "--prevention", "每次来访安排迎宾", env=MIDDLE)
    zh("--as", "li", "case", "callback", "1", "--note", "客户满意", "--satisfied", env=MIDDLE)
    zh("--as", "dm", "case", "review", "1", "--note", "已复核", env=MIDDLE)
    zh("--as", "dm", "case", "close", "1", env=MIDDLE)
    zh("--as", "dm", "case", "show", "1", env=MIDDLE)
    zh("audit", "--visit", "1", env=MIDDLE)
    zh("notify", "list", env=MIDDLE)
    zh("procedure", "history", env=MIDDLE)
    zh("report", "daily", env=MIDDLE)
    left = {}
    for args, out in zh.runs:
        if args.startswith("audit"):
            out = without_audit_changes(out)
        found = lines_with_offenders(out, PHRASES, IDS)
        if found:
            left[args] = found
    assert not left, "\n".join(f"{args}:\n  " + "\n  ".join(lines) for args, lines in left.items())


# -- the pieces ----------------------------------------------------------------------------------
def zh_line(result) -> str:
    """The error line of a failed run, without its prefix."""
    line = result.stderr.strip().splitlines()[0]
    assert line.startswith(("错误：", "error: ")), result.stderr
    return line


def test_missed_and_overdue_tasks_are_named_by_their_chinese_titles(crew):
    from receptionctl import i18n
    from receptionctl.domain.engine.tasklist import task_name

    assert task_name("confirm-details", "Confirm the visit details", "确认来访信息（时间、人数）") == "confirm-details"
    i18n.setup("zh-CN")
    assert task_name("confirm-details", "Confirm the visit details", "确认来访信息（时间、人数）") == "确认来访信息"
    assert task_name("prepare", "Prepare", "准备资料（宣传册）并逐项检查") == "准备资料并逐项检查"
    assert task_name("own-step", "Call the client (by phone)", None) == "Call the client"


def test_an_escalations_chinese_title_is_the_same_whatever_the_language_of_the_run(crew):
    crew("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
         "--headcount", "3")
    crew("--as", "li", "incident", "add", "1", "--kind", "equipment", "--severity", "high", "--text", "Projector",
         env=DAY)
    crew(*ZH, "--as", "li", "incident", "add", "1", "--kind", "safety", "--severity", "critical", "--text", "地滑",
         env=DAY)
    titles = {t["title_zh"] for t in crew("task", "list", "--visit", "1", "--json", env=DAY).json()
              if t["key"].startswith("escalate-incident")}
    assert titles == {"设备故障事件 #1（高）：上报主管", "安全事件 #2（紧急）：上报主管"}
    english = crew("task", "list", "--visit", "1", env=DAY).stdout
    assert "Escalate high equipment incident #1 to the superior: Projector" in english


def test_a_visit_completed_in_english_still_names_the_missed_tasks_by_key(crew):
    crew("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
         "--headcount", "3")
    crew("--as", "li", "plan", "assign", "1", "--role", "host", "--staff", "li")
    crew("--as", "li", "plan", "item", "1", "--at", "2026-12-01 10:00", "--title", "Welcome")
    crew("--as", "li", "plan", "submit", "1")
    crew("--as", "gm", "plan", "approve", "1")
    done = crew("--as", "li", "visit", "complete", "1", env=AFTER)
    assert "confirm-details (task 1), brief-departments (task 2)" in done.stderr
    assert "record one done late with `task done TASK --at WHEN`" in done.stderr
    assert "missed at completion: confirm-details, brief-departments" in crew("checklist", "1", env=AFTER).stdout


@pytest.fixture
def crew(from_template, ok):
    from_template(desk_team)
    return ok


def test_plan_change_notes_are_said_in_chinese_and_stay_english_in_json(crew):
    from receptionctl import i18n
    from receptionctl.domain.core.stored import change

    notes = ["changed after approval: lodging set", "budget set, per_person set (was approved)",
             "agenda item 'Welcome' added", "host changed: li (backup wang)", "guide unassigned (was chen)",
             "rescheduled from 2026-12-01 10:00 to 2026-12-02 10:00", "venue Room 301 → Hall, purpose talk → tour",
             "checked in at the desk without an approved visit", "as agreed with the client"]
    assert [change(n) for n in notes] == notes  # English: as stored
    i18n.setup("zh-CN")
    assert [change(n) for n in notes] == [
        "批准后有改动：修改了住宿", "修改了预算、人均餐标（原为已批准）", "新增日程项“Welcome”", "更换主接待人：li（B角 wang）",
        "取消讲解员（原为 chen）", "改期：由 2026-12-01 10:00 改为 2026-12-02 10:00",
        "地点：Room 301 → Hall、事由：商务洽谈 → 参观考察", "未经审批的来访，在前台签到", "as agreed with the client"]
    crew("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
         "--headcount", "3")
    crew("--as", "li", "plan", "item", "1", "--at", "2026-12-01 10:00", "--title", "Welcome")
    crew("--as", "li", "plan", "assign", "1", "--role", "host", "--staff", "li")
    crew("--as", "li", "plan", "submit", "1")
    crew("--as", "gm", "plan", "approve", "1")
    crew("--as", "li", "plan", "set", "1", "--lodging", "Hotel")
    assert crew("visit", "show", "1", "--json").json()["reapproval"] == "changed after approval: lodging set"
    assert "re-approval needed  changed after approval: lodging set" in crew("visit", "show", "1").stdout
    trail = crew(*ZH, "plan", "show", "1").stdout
    assert "起草" in trail and "退回修改  修改了住宿（原为已批准）" in trail


def test_the_audit_log_says_its_actions_and_records_in_chinese_and_in_english_as_stored(crew):
    crew("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
         "--headcount", "3")
    english = crew("audit", "--visit", "1").stdout
    assert "visit.new" in english and "visit 1" in english
    chinese = crew(*ZH, "audit", "--visit", "1").stdout
    assert "登记来访" in chinese and "来访 1" in chinese and "visit.new" not in chinese
    assert crew(*ZH, "audit", "--visit", "1", "--json").json()[0]["action"] == "visit.new"


def test_library_reasons_are_said_in_chinese(crew):
    import errno
    import tomllib

    from receptionctl import i18n, reasons

    gone = FileNotFoundError(errno.ENOENT, "No such file or directory")
    locked = "database is locked"
    try:
        tomllib.loads("a = =")
    except tomllib.TOMLDecodeError as exc:
        bad_toml = exc
    assert reasons.os_error(gone, gone.strerror) == "No such file or directory"
    assert reasons.database(locked) == locked and reasons.toml(bad_toml) == str(bad_toml)
    i18n.setup("zh-CN")
    assert reasons.os_error(gone, gone.strerror) == "文件或文件夹不存在"
    assert reasons.os_error(OSError(errno.EACCES, "Permission denied")) == "没有权限"
    assert reasons.database(locked) == "数据库被锁定"
    assert reasons.database("UNIQUE constraint failed: staff.username") == "已有相同的记录"
    assert reasons.toml(bad_toml) == "第 1 行第 5 列有语法错误"
    assert reasons.channel("Unparseable URL foo://bar") == "Apprise 无法解析这个地址"
    assert reasons.channel("An invalid WeCom Bot Webhook Key () was specified. Could not load WeCom Bot URL: "
                           "wecombot://...") == "地址缺少必要部分或有误（如密钥、令牌、账号）"
    assert reasons.sending("A Connection error occurred sending WeCom Bot notification.") == "无法连接到该服务"
    assert reasons.sending("Failed to send DingTalk notification: Forbidden error=403.") == "该服务拒绝了这条消息（HTTP 403）"
    assert reasons.sending("no answer within 25 s") == "25 秒内无应答"
    assert reasons.sending("RuntimeError: boom") == "该服务没有接收这条消息"
    assert reasons.unknown("strange things") == "出错（strange things）"


def test_a_channel_apprise_cannot_use_is_refused_in_a_chinese_sentence(crew, cli):
    from tests.cli.test_mail import free_port

    english = zh_line(cli("notify", "test", "nosuch://x"))
    assert "Unparseable URL" in english
    said = zh_line(cli(*ZH, "notify", "test", "nosuch://x"))
    assert "Apprise 无法解析这个地址" in said and "Unparseable" not in said
    said = zh_line(cli(*ZH, "notify", "test", f"json://127.0.0.1:{free_port()}/x", "--timeout", "2"))
    assert said.endswith("无法连接到该服务") and "Connection" not in said, said


def test_os_and_toml_errors_are_said_in_chinese(crew, cli, tmp_path):
    config = tmp_path / "config-home"
    (config / "receptionctl").mkdir(parents=True)
    (config / "receptionctl" / "config.toml").write_text("db = \n")
    env = {"XDG_CONFIG_HOME": str(config)}
    assert "Invalid value" in zh_line(cli("client", "list", env=env))
    said = zh_line(cli(*ZH, "client", "list", env=env))
    assert "第 1 行第 6 列有语法错误" in said and not offenders(said.split("：", 1)[1].replace("TOML", "")), said
    if os.environ.get("RECEPTIONCTL_TEST_PG"):
        return  # db backup copies a SQLite file; on a server it refuses before any path is tried
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    said = zh_line(cli(*ZH, "db", "backup", str(blocker / "copy.db")))
    assert said.endswith("路径中有一部分不是文件夹"), said
    assert "Not a directory" in zh_line(cli("db", "backup", str(blocker / "copy.db")))


def test_a_notification_queued_in_chinese_says_its_codes_and_its_failure_in_chinese(team, bot):
    team("staff", "edit", "gm2", "--notify", bot.url("gm2"))  # a coordinator (not the one who acts)
    vid = str(new_visit(team)["id"])
    team(*ZH, "--as", "li", "incident", "add", vid, "--kind", "safety", "--severity", "critical", "--text", "地面湿滑",
         env=DAY)
    [row] = team("notify", "list", "--json").json()
    assert row["event"] == "incident.add"
    assert row["subject"].startswith(f"来访 {vid}（Acme）发生安全事件（紧急）：地面湿滑"), row["subject"]
    assert "登记事件，时间" in row["body"], row["body"]
    bot.codes = [500]
    team("notify", "send", env=DAY)
    [row] = team("notify", "list", "--json").json()
    assert "500" in row["last_error"]  # Apprise's words, kept for programs
    shown = team(*ZH, "notify", "list", env=DAY).stdout
    assert "该服务拒绝了这条消息（HTTP 500）" in shown and row["last_error"] not in shown, shown
    assert row["last_error"] in team("notify", "list", env=DAY).stdout  # English: as Apprise said it
