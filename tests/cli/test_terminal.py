"""Terminal manners (issue 25): NO_COLOR means not one escape code, even on a real terminal; at
80 columns a task's text keeps at least 24 display columns (the other columns give way first);
an empty list says so in the user's language instead of printing a bare header."""

from __future__ import annotations

import os
import re

import pytest

from tests.cli.test_habits import on_a_terminal
from tests.cli.test_reception_followup import AFTER, held  # noqa: F401  (a fixture)
from tests.cli.test_visits_plans import new_visit

ZH = ("--lang", "zh-CN")
ESC = "\x1b"


# -- NO_COLOR -----------------------------------------------------------------------------
def _terminal_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "MANPAGER", "LINES",
                                                            "COLUMNS")}
    env.update(TERM="xterm-256color", PAGER="cat", **extra)
    return env


@pytest.mark.slow  # processes on a pseudo-terminal
@pytest.mark.parametrize("args", [("visit", "list"), ("task", "list", "--no-pager"), ("report", "daily")],
                         ids=["visit list", "task list", "report daily"])
def test_no_color_leaves_out_every_escape_code_on_a_real_terminal(team, args):
    new_visit(team)
    styled = on_a_terminal(list(args), _terminal_env(), rows=60)
    assert ESC in styled  # on a terminal the headers are bold: the check below can fail
    for value in ("1", "yes"):  # no-color.org: any value but the empty string
        plain = on_a_terminal(list(args), _terminal_env(NO_COLOR=value), rows=60)
        assert ESC not in plain, repr(plain[:200])
        assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == plain  # the same screen, without the styles
    zh = on_a_terminal(["--lang", "zh-CN", *args], _terminal_env(NO_COLOR="1"), rows=60)
    assert ESC not in zh and re.search(r"[\u4e00-\u9fff]", zh)  # the Chinese screen, as plain


@pytest.mark.parametrize("lang", [(), ZH], ids=["en", "zh-CN"])
def test_no_color_even_where_a_terminal_is_forced(team, monkeypatch, lang):
    """In-process: FORCE_COLOR makes rich style its output as on a terminal; NO_COLOR still wins
    (rich's own NO_COLOR check drops the colours and keeps bold)."""
    from receptionctl.render import output

    new_visit(team)
    monkeypatch.setattr(output, "is_tty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    styled = team(*lang, "visit", "list", env={"FORCE_COLOR": "1", "COLUMNS": "100"}).stdout
    assert ESC in styled
    plain = team(*lang, "visit", "list", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"}).stdout
    assert ESC not in plain and "Acme" in plain
    report = team(*lang, "report", "daily", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"}).stdout
    assert ESC not in report
    # an empty NO_COLOR is not set (no-color.org)
    assert ESC in team(*lang, "visit", "list", env={"FORCE_COLOR": "1", "NO_COLOR": "", "COLUMNS": "100"}).stdout


# -- the task's text at 80 columns --------------------------------------------------------
def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def task_column_width(out: str, task: str, after: str) -> int:
    """The display width of the task column: from its header to the next header, less the gap."""
    header = next(line for line in out.splitlines() if re.search(rf"(^|\s){task}\s", line))
    start, end = header.index(task), header.index(after, header.index(task))
    return _cell_len(header[start:end]) - 2


@pytest.fixture
def long_tasks(held, ok):
    """A held visit (its follow-up tasks open) and a planned one (its preparation tasks open):
    the procedure's own task titles, long in both languages."""
    new_visit(ok, at="2026-12-08 10:00")
    return ok


@pytest.mark.parametrize("lang, task, owner", [((), "Task", "Owner"), (ZH, "任务", "负责人")], ids=["en", "zh-CN"])
@pytest.mark.parametrize("args", [("task", "list", "--state", "all", "--no-pager"), ("followup", "due", "--within", "8")],
                         ids=["task list", "followup due"])
def test_the_task_text_keeps_24_columns_at_80(long_tasks, monkeypatch, lang, task, owner, args):
    from receptionctl.render import output
    from tests.cli.test_tables import fits

    plain = long_tasks(*lang, *args, env=AFTER).stdout
    assert len(plain.splitlines()) > 2
    monkeypatch.setattr(output, "is_tty", lambda: True)
    shown = long_tasks(*lang, *args, env={**AFTER, "COLUMNS": "80"})
    fits(shown.stdout, 80)
    assert task_column_width(shown.stdout, task, owner) >= 24, shown.stdout
    # the due time, the id and the owner stay; what went is said on stderr
    head = shown.stdout.splitlines()[0]
    assert owner in head and ("Due" in head or "截止时间" in head)
    assert "80" in shown.stderr
    # a title longer than the column shows at least 23 columns of its text before the "…"
    cut = [line for line in shown.stdout.splitlines() if "…" in line]
    assert cut
    wider = long_tasks(*lang, *args, env={**AFTER, "COLUMNS": "120"}).stdout
    assert task_column_width(wider, task, owner) >= task_column_width(shown.stdout, task, owner)


# -- empty lists ----------------------------------------------------------------------------
EMPTY = [  # a list, and what it says when it has nothing, in English and in Chinese
    (("task", "list"), "No tasks.", "没有任务。"),
    (("followup", "due"), "No tasks due.", "没有到期的任务。"),
    (("visit", "list"), "No visits.", "没有来访。"),
    (("case", "list"), "No service cases.", "没有工单。"),
    (("incident", "list"), "No incidents.", "没有事件。"),
    (("goods", "list"), "Nothing to show.", "没有可显示的内容。"),  # a list without words of its own
    (("onsite",), "Nobody is on site now.", "目前没有人在场。"),
]


@pytest.mark.parametrize("args, en, zh", EMPTY, ids=[" ".join(a) for a, _en, _zh in EMPTY])
def test_an_empty_list_says_so_in_the_users_language(team, monkeypatch, args, en, zh):
    from receptionctl.render import output

    for lang, words in (((), en), (ZH, zh), (("--lang", "en"), en)):
        piped = team(*lang, *args)
        assert piped.stdout == "" and piped.stderr == words + "\n", (lang, piped)
        with monkeypatch.context() as mp:
            mp.setattr(output, "is_tty", lambda: True)
            shown = team(*lang, *args, env={"COLUMNS": "80"})
        assert shown.stdout == "" and shown.stderr == words + "\n"
    if args != ("onsite",):
        assert team(*ZH, *args, "--json").stdout == "[]\n"
    assert team("onsite", "--format", "json").stdout == "[]\n"


def test_the_chinese_locale_picks_the_chinese_words(team):
    assert team("followup", "due", env={"LANG": "zh_CN.UTF-8"}).stderr == "没有到期的任务。\n"


def test_a_list_with_rows_prints_no_empty_line(team):
    new_visit(team)
    listed = team("visit", "list")
    assert "Acme" in listed.stdout and listed.stderr == ""
