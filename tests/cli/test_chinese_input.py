"""Chinese input where people type it (issue 25, Deliver 2): dates and times as a Chinese office
writes them, every enum option's values in Chinese, and the nearest option for a mistyped one,
in both languages. Stored values and JSON keep the English codes."""

from __future__ import annotations

import time
from enum import Enum

import pytest

from receptionctl.cli.app import build
from receptionctl.cli.base import code_kind, enum_of, nearest_option
from tests.cli.test_desk import CHECKS, MORNING, crew, start  # noqa: F401 (fixtures)
from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import AFTER, held  # noqa: F401 (fixtures)
from tests.conftest import run

ZH = ["--lang", "zh-CN"]
MONDAY = {"RECEPTIONCTL_NOW": "2026-12-07T09:00:00+08:00"}  # Monday 7 December 2026, 09:00 in Shanghai


def visit_at(ok, at: str, env=MONDAY, *extra) -> dict:
    return ok("--as", "li", *extra, "visit", "new", "--client", "Acme", "--at", at, "--purpose", "talk",
              "--headcount", "2", "--json", env=env).json()


# -- dates and times ---------------------------------------------------------------------------
# The moments of the forms, on Monday 2026-12-07 09:00 in the company's zone.
MOMENTS = [
    ("12月21日 下午3点", "2026-12-21T15:00:00+08:00"),
    ("12月21日15:00", "2026-12-21T15:00:00+08:00"),
    ("12月21日 15点30分", "2026-12-21T15:30:00+08:00"),
    ("12月21号下午3点半", "2026-12-21T15:30:00+08:00"),
    ("十二月二十一日 下午三点一刻", "2026-12-21T15:15:00+08:00"),
    ("2027年1月5日 上午10点", "2027-01-05T10:00:00+08:00"),
    ("12月1日 10:00", "2027-12-01T10:00:00+08:00"),  # no year, and past this year: next year's, as 12-01
    ("本周五 下午2点", "2026-12-11T14:00:00+08:00"),  # Friday of this week
    ("这周五 14:00", "2026-12-11T14:00:00+08:00"),
    ("周五 下午2点", "2026-12-11T14:00:00+08:00"),  # the next Friday
    ("下周一 上午10点", "2026-12-14T10:00:00+08:00"),  # Monday of next week, not today
    ("星期三 上午十点", "2026-12-09T10:00:00+08:00"),
    ("明天 下午三点", "2026-12-08T15:00:00+08:00"),
    ("明天下午两点", "2026-12-08T14:00:00+08:00"),
    ("后天 晚上八点", "2026-12-09T20:00:00+08:00"),
    ("大后天 中午十二点", "2026-12-10T12:00:00+08:00"),
    ("下午三点", "2026-12-07T15:00:00+08:00"),  # today
    ("下午三点半", "2026-12-07T15:30:00+08:00"),
    ("晚上十一点四十五分", "2026-12-07T23:45:00+08:00"),
    ("二十三点", "2026-12-07T23:00:00+08:00"),
    ("１２月２１日　１５：００", "2026-12-21T15:00:00+08:00"),  # full-width, as an input method types it
]


@pytest.mark.parametrize("at, starts", MOMENTS)
def test_visit_new_reads_the_chinese_dates_people_type(team, at, starts):
    assert visit_at(team, at)["starts_at"] == starts


@pytest.mark.parametrize("machine_tz", ["UTC", "America/New_York"])
def test_the_machine_zone_does_not_change_a_chinese_date(team, monkeypatch, machine_tz):
    """The moment is the company's (the policy's zone), whatever the machine's zone."""
    monkeypatch.setenv("TZ", machine_tz)
    time.tzset()
    try:
        assert visit_at(team, "12月21日 下午3点")["starts_at"] == "2026-12-21T15:00:00+08:00"
        assert visit_at(team, "下午三点")["starts_at"] == "2026-12-07T15:00:00+08:00"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_chinese_date_is_read_in_the_company_zone(team):
    team("policy", "set", "work_zone", "Europe/Berlin")
    berlin = {"RECEPTIONCTL_NOW": "2026-12-07T09:00:00+01:00"}
    assert visit_at(team, "12月21日 下午3点", env=berlin)["starts_at"] == "2026-12-21T15:00:00+01:00"
    assert visit_at(team, "明天 上午10点", env=berlin)["starts_at"] == "2026-12-08T10:00:00+01:00"


@pytest.mark.parametrize("day, expected", [
    ("今天", "2026-12-07"), ("明天", "2026-12-08"), ("后天", "2026-12-09"), ("昨天", "2026-12-06"),
    ("本周五", "2026-12-11"), ("下周一", "2026-12-14"), ("上周五", "2026-12-04"), ("12月21日", "2026-12-21"),
    ("十二月三十一日", "2026-12-31"),
])
def test_a_day_option_reads_the_chinese_days(team, day, expected):
    assert team("report", "daily", "--date", day, "--format", "json", env=MONDAY).json()["date"] == expected


def test_from_and_to_read_chinese_days(team):
    kpi = team("report", "kpi", "--from", "本周一", "--to", "本周五", "--json", env=MONDAY).json()
    assert (kpi["first"], kpi["last"]) == ("2026-12-07", "2026-12-11")


def test_every_option_that_takes_a_moment_reads_chinese(team):
    """--at/--until of a plan item, --due of a case, --until of a pass: the one parser."""
    vid = visit_at(team, "12月21日 上午9点")["id"]
    item = team("--as", "li", "plan", "item", "add", str(vid), "--at", "12月21日 上午10点", "--until",
                "12月21日 上午十一点半", "--title", "Welcome", "--json", env=MONDAY).json()
    assert (item["starts_at"], item["ends_at"]) == ("2026-12-21T10:00:00+08:00", "2026-12-21T11:30:00+08:00")
    case = team("case", "add", "--kind", "complaint", "--text", "Lunch was cold", "--json", env=MONDAY).json()
    assigned = team("case", "assign", str(case["id"]), "--to", "li", "--due", "明天 下午三点", "--json",
                    env=MONDAY).json()
    assert assigned["due_at"] == "2026-12-08T15:00:00+08:00"
    issued = team("pass", "issue", "--name", "Zhang San", "--company", "Bright Paint", "--purpose", "repaint",
                  "--until", "今天 下午6点", "--json", env=MONDAY).json()
    assert issued["until"] == "2026-12-07T18:00:00+08:00"


@pytest.mark.parametrize("at", ["12月32日 下午3点", "13月1日", "下午十三点半夜", "明天 下午", "中午五点", "周八"])
def test_a_bad_chinese_date_is_refused_naming_it_and_changes_nothing(team, cli, unchanged, at):
    with unchanged():
        result = cli("--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--purpose", "talk",
                     "--headcount", "2", env=MONDAY)
    one_error_line(result, 2, repr(at))
    assert "12月21日 下午3点" in result.stderr  # the forms, with a Chinese example


def test_a_bad_chinese_date_is_refused_in_chinese(team, cli, unchanged):
    with unchanged():
        result = cli(*ZH, "--as", "li", "visit", "new", "--client", "Acme", "--at", "12月32日", "--purpose", "talk",
                     "--headcount", "2", env=MONDAY)
    assert result.exit_code == 2
    error, hint = result.stderr.strip().splitlines()
    assert error == "错误：无法把 '12月32日' 识别为日期和时间"
    assert hint.startswith("提示：可用写法：日期：12月21日") and "下午三点" in hint


# -- the values of enum options ------------------------------------------------------------------
def test_enum_options_take_their_chinese_values_and_store_the_codes(team):
    assert team("client", "add", "Huaxin", "--tier", "重要", "--json").json()["tier"] == "key"
    assert team("client", "edit", "Huaxin", "--tier", "贵宾", "--json").json()["tier"] == "vip"
    assert team("staff", "add", "zhao", "--name", "Zhao Min", "--dept", "Sales", "--role", "协调员", "--role",
                "接待人", "--json").json()["roles"] == ["coordinator", "host"]
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "12月21日 下午3点", "--purpose", "参观",
             "--headcount", "2", "--json", env=MONDAY).json()
    assert v["purpose"] == "tour"
    assert team("--as", "li", "plan", "assign", str(v["id"]), "--role", "技术支持", "--staff", "chen", "--json",
                env=MONDAY).json()["role"] == "tech"  # the visit role's word, not the purpose's (技术交流)
    case = team("case", "add", "--kind", "投诉", "--severity", "严重", "--source", "电话", "--text", "Lunch was cold",
                "--json", env=MONDAY).json()
    assert (case["kind"], case["severity"], case["source"]) == ("complaint", "critical", "phone")
    listed = team("case", "list", "--kind", "投诉", "--state", "已接收", "--json", env=MONDAY).json()
    assert [c["id"] for c in listed] == [case["id"]]
    assert team("mail", "receive", "--to", "wang", "--kind", "包裹", "--json", env=MONDAY).json()["kind"] == "parcel"
    tasks = team("task", "list", "--stage", "工单", "--state", "全部", "--json", env=MONDAY).json()
    assert tasks and {t["stage"] for t in tasks} == {"case"}


def test_feedback_takes_chinese_channel_and_intent(team, held):
    team("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "电话", "--intent", "高", env=AFTER)
    shown = team("feedback", "show", str(held), "--json", env=AFTER).json()
    assert (shown["channel"], shown["intent"]) == ("phone", "high")


def test_the_handover_checklist_takes_chinese_items_and_states(crew):
    start(crew)
    checks = ("--check", "钥匙=正常", "--check", "对讲机=有问题：一块电池没电", "--check", "访客证库存＝正常",
              "--check", "cameras=ok", "--check", "phone=正常", "--check", "值班日志=ok")
    done = crew("--as", "desk1", "desk", "handover", "prepare", "--summary", "平安无事", *checks, "--json",
                env={"RECEPTIONCTL_NOW": "2026-12-01T14:55:00+08:00"}).json()
    states = {c["item"]: (c["ok"], c["note"]) for c in done["checks"]}
    assert states["keys"] == (True, None) and states["radios"] == (False, "一块电池没电")
    assert states["badge-stock"] == (True, None) and states["logbook"] == (True, None)


def test_a_bad_check_state_lists_the_states_in_chinese(crew, cli, unchanged):
    start(crew)
    with unchanged():
        result = cli(*ZH, "--as", "desk1", "desk", "handover", "prepare", "--summary", "x", *CHECKS[:-2],
                     "--check", "值班日志=坏了", env={"RECEPTIONCTL_NOW": "2026-12-01T14:55:00+08:00"})
    assert result.exit_code == 2 and "'坏了'" in result.stderr and "ITEM=正常 或 ITEM=有问题" in result.stderr


def test_a_bad_value_lists_the_choices_in_the_user_language(team, cli, unchanged):
    with unchanged():
        english = cli("client", "add", "Huaxin", "--tier", "gold")
        chinese = cli(*ZH, "client", "add", "Huaxin", "--tier", "金牌")
    one_error_line(english, 2, "'gold' is not one of 'vip', 'key', 'normal'.")  # as before
    assert chinese.exit_code == 2
    assert chinese.stderr.splitlines()[0] == "错误：'--tier' 的值无效：'金牌' 不是 VIP、重点、普通 之一。"


def test_a_missing_enum_option_names_its_choices_on_one_line(team, cli):
    one_error_line(cli("case", "add", "--text", "x"), 2,
                   "Missing option '--kind'. Choose from: complaint, repair, help, request.")
    chinese = cli(*ZH, "case", "add", "--text", "x")
    assert chinese.exit_code == 2 and "可选：投诉、报修、求助、需求。" in chinese.stderr.splitlines()[0]


def test_the_chinese_help_shows_the_chinese_values(command):
    assert "--tier <VIP|重点|普通>" in run(command, [*ZH, "client", "add", "--help"]).stdout
    assert "--kind <信件|包裹|报纸>" in run(command, [*ZH, "mail", "receive", "--help"]).stdout
    assert "--tier <vip|key|normal>" in run(command, ["client", "add", "--help"]).stdout  # English as it was


def _enum_params():
    def walk(command, path):
        for param in getattr(command, "params", ()):
            enum = enum_of(param.type_descriptor.annotation) if hasattr(param, "type_descriptor") else None
            if enum is not None:
                yield f"{path} {param.opts[0]}", param, enum
        for name, child in getattr(command, "commands", {}).items():
            yield from walk(child, f"{path} {name}".strip())

    return list(walk(build(eager=True), ""))


@pytest.mark.parametrize("where, param, enum", _enum_params(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_chinese_word_of_an_enum_option_names_one_value(where, param, enum: type[Enum]):
    """Each value's words (the catalogue's, the aliases) lead back to that value and no other."""
    from receptionctl import i18n

    codes = [m.value for m in enum]
    for member in enum:
        for word in i18n.words(member.value, code_kind(param)):
            assert i18n.typed(word, codes, code_kind(param)) == member.value, (where, member.value, word)


# -- a mistyped option --------------------------------------------------------------------------
def test_a_mistyped_option_suggests_the_nearest_of_the_command(team, cli):
    one_error_line(cli("case", "assign", "1", "--owner", "wang.lei"), 2,
                   "No such option: --owner. Did you mean --to?")
    one_error_line(cli("incident", "add", "1", "--category", "equipment", "--what", "Projector failed"), 2,
                   "--category (did you mean --kind?)", "--what (did you mean --text?)")
    one_error_line(cli("task", "done", "1", "--when", "today"), 2, "Did you mean --at?")
    one_error_line(cli("visit", "list", "--as", "li"), 2, "--as (an option of receptionctl itself")


def test_a_mistyped_option_suggests_in_chinese(team, cli):
    owner = cli(*ZH, "case", "assign", "1", "--owner", "wang.lei")
    assert owner.exit_code == 2
    assert owner.stderr.splitlines()[0] == "错误：没有此选项：--owner。您是否要输入 --to？"
    both = cli(*ZH, "incident", "add", "1", "--category", "equipment", "--what", "Projector failed")
    assert both.exit_code == 2
    assert both.stderr.splitlines()[0] == ("错误：没有这些选项：--category（您是否要输入 --kind？）、"
                                           "--what（您是否要输入 --text？）")


@pytest.mark.parametrize("name, options, expected", [
    ("--owner", ["--to", "--due", "--json"], "--to"),
    ("--assignee", ["--to", "--due"], "--to"),
    ("--owner", ["--owner-role", "--staff", "--json"], "--staff"),  # a synonym the command has
    ("--note", ["--text", "--kind", "--json"], "--text"),
    ("--category", ["--kind", "--text"], "--kind"),
    ("--date", ["--at", "--title"], "--at"),
    ("--sev", ["--kind", "--severity", "--text"], "--severity"),  # a prefix
    ("--headcont", ["--headcount", "--hours"], "--headcount"),  # a typo
    ("--client-name", ["--client", "--at"], "--client"),  # a part of the name
    ("--zzz", ["--to", "--json"], None),
])
def test_nearest_option(name, options, expected):
    assert nearest_option(name, options) == expected


def test_a_shift_and_a_training_result_in_chinese(crew):
    assert start(crew, "desk1", MORNING, "--shift", "早班")["shift"] == "morning"
    done = crew("training", "add", "--topic", "接待礼仪", "--date", "今天", "--people", "li,wang", "--score", "li=通过",
                "--score", "wang=不合格", "--json", env=MONDAY).json()
    assert {p["person"]: p["passed"] for p in done["people"]} == {"li": True, "wang": False}
