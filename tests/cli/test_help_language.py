"""The help in the user's language (issue 25): a Chinese help reads Chinese from its usage line
to its example (`用法：receptionctl visit show [选项] {来访编号}`, `--due 时间`, `--client <文本>`,
`示例：… --due "今天 17:00"`), is wrapped by display width at 80 columns, and no command list, in
either language, cuts a command's summary in the middle of a sentence with "..." (click's rule
cuts at 45 characters, and finds no space to cut Chinese at)."""

from __future__ import annotations

import re

import pytest

from receptionctl.cli.app import build
from receptionctl.cli.translate import _columns, fill, summary
from tests.conftest import run

ZH = ["--lang", "zh-CN"]


def groups(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        yield " ".join(path)
        for name, child in sub.items():
            yield from groups(child, path + (name,))


def pages(command, path=()):
    yield " ".join(path)
    for name, child in getattr(command, "commands", {}).items():
        yield from pages(child, path + (name,))


APP = build(eager=True)
GROUPS = list(groups(APP))
PAGES = list(pages(APP))
_HEADING = re.compile(r"^\S.*[:：]$")
NOT_LISTINGS = ("Options:", "Arguments:", "选项：", "参数：")


def listing_lines(text: str) -> list[str]:
    """The lines of a help's command lists (every section but the options and the arguments)."""
    lines, keep = [], False
    for line in text.splitlines()[1:]:
        if _HEADING.match(line):
            keep = line not in NOT_LISTINGS
        elif keep and line.strip():
            lines.append(line)
    return lines


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("path", GROUPS, ids=[g or "(root)" for g in GROUPS])
def test_no_summary_is_cut_and_each_fits_on_its_line(command, path, lang):
    result = run(command, ["--lang", lang, *path.split(), "--help"])
    assert result.exit_code == 0, result.stderr
    rows = listing_lines(result.stdout)
    assert rows, result.stdout
    for row in rows:
        assert not row.rstrip().endswith(("...", "…")), f"`{path} --help` ({lang}) cuts a summary: {row}"
        assert re.match(r"^  [a-z][\w-]*  +\S", row), f"`{path} --help` ({lang}) wraps a summary: {row!r}"


def test_a_summary_is_the_first_sentence_its_head_or_the_whole_sentence_never_cut():
    assert summary("Show a visit. More about it.", 45) == "Show a visit."
    assert summary("Show a visit (details, roles, notice, clashes and guests). More.", 20) == "Show a visit."
    assert summary("Temporary passes for workers and contractors: issued, returned, out past their time.",
                   50) == "Temporary passes for workers and contractors"
    assert summary("工人和承包商的临时通行证：发放、归还、逾期未还。更多。", 30) == "工人和承包商的临时通行证"
    assert summary("查看一次来访（详情、角色、冲突）。", 14) == "查看一次来访。"
    long = "A sentence with neither parentheses nor a colon that is far longer than the limit."
    assert summary(long, 20) == long  # wrapped by the listing, never cut


def test_chinese_is_filled_by_display_width_and_no_line_starts_with_a_closing_mark():
    text = ("开始时间。格式：今天、明天 下午三点、next mon（下周的周一）、+3d、+2wd（工作日）、+1w；"
            "带时区偏移的 ISO 格式。按公司时区解读（见 `db info`）。 [必填]")
    for width in range(12, 61):
        lines = fill(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width  # nothing lost
        for line in lines:
            assert _columns(line) <= width, (width, line)
            assert line[0] not in "，。、；：）]", (width, line)
            assert line[-1] not in "（[", (width, line)


def test_the_chinese_usage_line_metavariables_and_types_are_chinese(command):
    show = run(command, [*ZH, "visit", "show", "--help"]).stdout
    assert show.startswith("用法：receptionctl visit show [选项] {来访编号}\n"), show
    assert "\n参数：\n  来访编号 <整数>" in show
    group = run(command, [*ZH, "visit", "--help"]).stdout
    assert group.startswith("用法：receptionctl visit [选项] 命令 [参数]...\n")
    assign = run(command, [*ZH, "case", "assign", "--help"]).stdout
    assert "  --to 用户名 " in assign and "  --due 时间 " in assign
    new = run(command, [*ZH, "visit", "new", "--help"]).stdout
    assert "  --client <文本> " in new and "  --headcount <整数> " in new and "--host 用户名" in new
    handover = run(command, [*ZH, "desk", "handover", "prepare", "--help"]).stdout
    assert "--check 检查项=ok|problem[:备注]" in handover and "写作 检查项=ok" in handover
    missing = run(command, [*ZH, "visit", "show"])
    assert missing.exit_code == 2 and "'来访编号'" in missing.stderr
    # English is English again in the same process
    english = run(command, ["visit", "show", "--help"]).stdout
    assert english.startswith("Usage: receptionctl visit show [OPTIONS] {VISIT}\n")
    assert "  --to USER " in run(command, ["case", "assign", "--help"]).stdout
    assert "  --client <str> " in run(command, ["visit", "new", "--help"]).stdout


@pytest.mark.parametrize("path", PAGES, ids=[p or "(root)" for p in PAGES])
def test_a_chinese_help_fits_80_columns_and_its_example_is_chinese(command, path):
    text = run(command, [*ZH, *path.split(), "--help"]).stdout
    for line in text.splitlines():
        # an option with a type longer than its column (`--role <管理员|审批人|…>...`) has the line to
        # itself, and cannot be broken; nor can a long Latin word
        if not re.fullmatch(r"\s+--?[\w-]+(?: \S+)?", line) and not re.search(r"[\x21-\x7e]{40,}", line):
            assert _columns(line) <= 80, f"`{path} --help` in zh-CN: {_columns(line)} columns: {line}"
    example = text.partition("示例：")[2]
    for quoted in re.findall(r'"([^"]*)"', example):
        words = re.sub(r"\bAcme\b|radios=problem|\d+", "", quoted)
        assert not re.search(r"[A-Za-z]{3}", words), f"`{path} --help` in zh-CN: an English example value {quoted!r}"
    assert not re.search(r"(?:--date|--due|--from|review) (?:today|tomorrow|yesterday)\b", example), example
