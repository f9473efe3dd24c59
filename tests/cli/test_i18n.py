"""The Simplified Chinese interface (issue 17): every help page and a whole flow in zh-CN show no
English sentence (codes, names, numbers, options and command lines aside); JSON does not change
with the language; the language is chosen by --lang, RECEPTIONCTL_LANG, the config file or the
locale; usernames may be Chinese; the default procedure speaks Simplified Chinese."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from receptionctl.cli.app import build
from tests.conftest import run

ZH = ["--lang", "zh-CN"]


def walk(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        yield " ".join(path), command
        for name, child in sub.items():
            yield from walk(child, path + (name,))
    else:
        yield " ".join(path), command


PATHS = [p for p, _ in walk(build(eager=True))]

_CODE = re.compile(r"`[^`]*`")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^'\n]*'|“[^”]*”|‘[^’]*’|«[^»]*»")
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S*)?")
_METAVAR = re.compile(r"\b[A-Z][A-Z0-9_]+\b(?:\|[A-Z0-9_]+)*")
_TECHNICAL = re.compile(r"\S*[/@=\\:$%<>{}|]\S*|\S+\.(?:toml|csv|ics|json|md|html|db|txt|po)\b")
# three English words in a row (separated by spaces only: "today, tomorrow, mon" are input forms)
_SENTENCE = re.compile(r"\b[A-Za-z][a-z']+(?: [A-Za-z][a-z']+){2,}\b")
# what stays English by design: names of the tool and products, input keywords the parser reads
ALLOWED = ("Asia Shanghai", "Huaxin Precision Machinery", "Simplified Chinese")


def english(text: str) -> list[str]:
    """The English sentences (three or more words in a row) left in `text`, command lines, code,
    quoted values, options, metavariables, paths and URLs aside."""
    found = []
    # an example's command line stays as it is typed, to the end of its paragraph (it may wrap)
    text = re.sub(r"receptionctl .*?(?=\n[ \t]*\n|\Z)", " ", text, flags=re.DOTALL)
    for line in text.splitlines():
        for pattern in (_CODE, _QUOTED, _OPTION, _METAVAR, _TECHNICAL):
            line = pattern.sub(" ", line)
        found += [m.group() for m in _SENTENCE.finditer(line) if m.group() not in ALLOWED]
    return found


def test_the_detector_finds_english_and_passes_chinese():
    assert english("Show the visit and its plan.") == ["Show the visit and its plan"]
    assert english("显示来访及其计划。示例：receptionctl visit show 7 --note \"as agreed today\"") == []
    assert english("选项：\n  --from WHEN  从这一天起（today, tomorrow, next mon）") == []


@pytest.mark.parametrize("path", PATHS, ids=[p or "(root)" for p in PATHS])
def test_every_help_page_is_in_chinese(command, path):
    result = run(command, [*ZH, *path.split(), "--help"])
    assert result.exit_code == 0, result.output
    left = english(result.stdout)
    assert not left, f"`{path} --help` in zh-CN has English left: {left[:5]}"


def test_the_parsers_words_and_the_listings_are_in_chinese(command):
    """typer writes its headings and its notes after a parameter's help ("[default: 3]",
    "[required]") in English, without gettext, and cuts a listing's line at spaces: the help
    formatter translates them, a Chinese help is cut after its first sentence. The detector
    above does not see single words, so they are looked for here."""
    new = run(command, [*ZH, "visit", "new", "--help"]).stdout
    assert new.startswith("用法：receptionctl visit new") and "\n选项：\n" in new
    assert "[必填]" in new and "[默认：3]" in new and "显示此帮助并退出。" in new
    for word in ("Usage", "Options", "required", "default:", "Show this message"):
        assert word not in new, word
    listing = run(command, [*ZH, "visit", "--help"]).stdout
    assert "\n命令：\n" in listing and "  new         登记一次来访，同时生成接待方案草稿。\n" in listing
    assert "  show        查看一次来访\n" in listing  # a long first sentence: its head, not cut with "..."
    root = run(command, [*ZH, "--help"]).stdout  # the lazy groups' lines, before they are built
    assert "  visit       来访：登记、列出、查看、改期、取消。\n" in root  # its short help


def test_english_help_is_english_again_after_a_chinese_run(command):
    run(command, [*ZH, "visit", "new", "--help"])
    assert "Options:" in run(command, ["visit", "new", "--help"]).stdout


def test_the_language_comes_from_the_flag_the_environment_the_config_file_or_the_locale(command, ok, tmp_path):
    ok("init")
    flag = run(command, ["--lang", "zh-CN", "db", "--help"], env={"RECEPTIONCTL_LANG": "en"}).stdout
    env = run(command, ["db", "--help"], env={"RECEPTIONCTL_LANG": "zh-CN"}).stdout
    ok("config", "set", "lang", "zh-CN")
    config = run(command, ["db", "--help"]).stdout
    ok("config", "unset", "lang")
    locale = run(command, ["db", "--help"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""}).stdout
    english_locale = run(command, ["db", "--help"], env={"LANG": "en_US.UTF-8", "LC_ALL": ""}).stdout
    for text in (flag, env, config, locale):
        assert "选项" in text and "Options:" not in text
    assert "Options:" in english_locale


def test_a_bad_language_is_refused_naming_it(command):
    result = run(command, ["--lang", "fr", "visit", "list"])
    assert result.exit_code == 2 and "'fr'" in result.stderr and "zh-CN" in result.stderr


def test_errors_and_hints_are_in_chinese(command, ok):
    ok("init")
    result = run(command, [*ZH, "visit", "show", "999"])
    assert result.exit_code == 3
    assert result.stderr.startswith("错误") and not english(result.stderr), result.stderr
    usage = run(command, [*ZH, "visit", "list", "--nope"])
    assert usage.exit_code == 2 and not english(usage.stderr), usage.stderr
    choice = run(command, [*ZH, "report", "daily", "--format", "md"])  # the parser's reason, inside its message
    assert choice.exit_code == 2 and "'md'" in choice.stderr and not english(choice.stderr), choice.stderr
    extra = run(command, [*ZH, "visit", "show", "1", "2"])
    assert extra.exit_code == 2 and not english(extra.stderr), extra.stderr
    guess = run(command, [*ZH, "visit", "lst"])  # the parser's guess, after its message
    assert guess.exit_code == 2 and "'list'" in guess.stderr and not english(guess.stderr), guess.stderr


def test_chinese_usernames_are_welcome(command, ok):
    ok("init")
    ok("staff", "add", "李娜", "--name", "李娜", "--dept", "销售部", "--role", "coordinator")
    mine = run(command, ["--as", "李娜", "task", "list", "--mine", "--json"])
    assert mine.exit_code == 0, mine.output
    bad = run(command, ["staff", "add", "li na", "--name", "Li Na", "--dept", "sales"])
    assert bad.exit_code == 2 and "letters of any script" in bad.stderr and "李娜" in bad.stderr


def test_the_default_procedure_speaks_simplified_chinese():
    from receptionctl.domain.engine.procedure import default_text, parse

    proc = parse(default_text(), "default.toml")
    traditional = set("確來訪將傳務與後擬領審開準備戶產禮試術應預會輛設備氣變對員訓溝識級邏隊崗線錄場賓車運貨環佈潔歡橫檔歸饋記錄週進簽終執組寫評優點別說隱實議時數稱現響網絡調達")
    for text in [t.title_zh for t in proc.tasks] + [q.text_zh for q in proc.questions]:
        assert not set(text or "") & traditional, text


def test_dates_and_money_in_chinese():
    from receptionctl import i18n

    try:
        i18n.setup("zh-CN")
        assert i18n.day_label(date(2026, 11, 25)) == "11月25日 星期三"
        assert i18n.money(8000) == "¥8,000.00"
    finally:
        i18n.setup("en")
    assert i18n.day_label(date(2026, 11, 25)) == "Wed 25 Nov"


def test_json_does_not_change_with_the_language(command, ok):
    ok("init")
    ok("client", "add", "Huaxin", "--tier", "key")
    ok("visit", "new", "--client", "Huaxin", "--at", "2026-12-01 10:00", "--purpose", "talk", "--headcount", "3")
    for args in (["visit", "show", "1", "--json"], ["task", "list", "--json"], ["procedure", "show", "--json"]):
        en = json.loads(ok(*args).stdout)
        zh = json.loads(ok(*ZH, *args).stdout)
        assert en == zh, args


def test_a_whole_flow_in_chinese_shows_no_english_sentence(command, from_template):
    """Plan, approve, receive, follow up, complain, report: every line a zh-CN user reads (stdout
    and stderr, tables, notes, warnings and the daily report in each format) is Chinese."""
    from tests.conftest import with_team

    from_template(with_team)
    runs = []

    def zh(*args, env=None):
        result = run(command, [*ZH, *args], env=env)
        assert result.exit_code == 0, (args, result.stderr)
        runs.append((args, result.stdout + result.stderr))
        return result

    day = {"RECEPTIONCTL_NOW": "2026-12-01T09:00:00+08:00"}
    after = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
    vid = str(zh("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
                  "--headcount", "5", "--json").json()["id"])
    zh("--as", "li", "plan", "assign", vid, "--role", "host", "--staff", "li", "--backup", "wang")
    zh("--as", "li", "plan", "item", vid, "--at", "2026-12-01 10:00", "--title", "Welcome")
    zh("--as", "li", "plan", "set", vid, "--budget", "800")
    zh("--as", "li", "plan", "submit", vid)
    zh("--as", "gm", "plan", "approve", vid)
    zh("plan", "show", vid)
    zh("visit", "show", vid)
    zh("visit", "list")
    zh("task", "list")
    zh("--as", "li", "checkin", vid, "--guest", "Liu Yang", "--title", "GM", env=day)
    zh("--as", "li", "incident", "add", vid, "--kind", "equipment", "--severity", "high", "--text", "Projector",
       env=day)
    zh("--as", "li", "note", "add", vid, "--kind", "question", "--text", "Price list?", env=day)
    zh("onsite", env=day)
    zh("report", "daily", env=day)
    zh("report", "daily", "--format", "markdown", env=day)
    html = zh("report", "daily", "--format", "html", env=day).stdout
    runs.append((("report daily --format html (text)",), re.sub(r"<[^>]+>", "\n", html)))
    zh("--as", "li", "incident", "resolve", "1", "--text", "Spare projector", env=day)
    zh("--as", "li", "visit", "complete", vid, env=after)
    zh("followup", "due", env=after)
    zh("--as", "li", "feedback", "add", vid, "--score", "40", "--channel", "phone", "--comment", "Too long",
       env=after)
    zh("--as", "li", "case", "add", "--client", "Acme", "--kind", "complaint", "--category", "service",
       "--text", "等待时间太长", env=after)
    zh("case", "list", env=after)
    zh("case", "show", "1", env=after)
    zh("report", "kpi", "--month", "2026-12", env=after)
    zh("report", "daily", env=after)
    zh("audit", "--limit", "5")
    zh("staff", "list")
    zh("client", "list")
    zh("client", "show", "Acme")
    zh("policy", "show")
    zh("procedure", "show")
    zh("procedure", "history")
    zh("db", "info")
    zh("doc", "add", "接待手册", "--version", "2", "--copies", "2")
    zh("doc", "lend", "1", "--to", "li", "--due", "2026-12-03")
    zh("doc", "list")
    zh("attach", "list", vid)
    zh("retention", "plan")
    zh("hold", "list")
    zh("notify", "list")
    zh("procedure", "readers")
    zh("report", "daily", "--date", "2026-12-10", env=after)
    left = {" ".join(a): english(out) for a, out in runs if english(out)}
    assert not left, left
