"""Tables that read at 80 columns: every list command rendered through rich at 80 and 120
columns, on data with long and CJK text. Ids, dates and times are never split over two lines
and the lines fit the window; free text is shortened with "…", and shown whole with --wide;
piped output stays plain and whole, whatever the window."""

from __future__ import annotations

import re

import pytest

from tests.cli.test_reception_followup import AFTER, visit_held
from tests.conftest import template

# longer than any column gets at 120, each ending with a word of its own
LONG_CLIENT = ("华信精密机械制造股份有限公司 Huaxin Precision Machinery Manufacturing Group International Holdings "
               "of the Suzhou Industrial Park and the Yangtze River Delta Region Zephyrus")
LONG_VENUE = "Showroom on the third floor of the east building beside the lifts 东楼三层展厅 Boreas"
LONG_INCIDENT = ("投影仪故障 The projector in the showroom failed during the demonstration and the spare one was "
                 "locked in the storeroom whose key had gone home with the night guard Notus")
LONG_NOTE = ("客户询问能否在下次来访前提供五百台设备的交货周期 and a written quotation with the maintenance plan "
             "attached and signed by the sales director before the end of the month Eurus")
LONG_NAME = "Ouyang Mingyue 欧阳明月 of the International Key Accounts Office and the Strategic Partnerships Desk Aeolus"
LONG_COMMENT = ("接待周到 The reception was thorough and the demonstration convincing though the projector failure "
                "cost us twenty minutes of the agenda Zephyr")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")


@template(base=visit_held)
def long_rows(ok):
    """The held visit of the follow-up tests, and rows with long text, in English and Chinese."""
    ok("staff", "add", "ouyang", "--name", LONG_NAME, "--dept", "International business development and key accounts",
       "--role", "host")
    ok("client", "add", LONG_CLIENT, "--tier", "key", "--industry", "高端数控机床与精密零部件 high-end machine tools")
    ok("contact", "add", LONG_CLIENT, "Liu Yang", "--diet", "no pork, no shellfish, vegetarian lunch on Fridays",
       "--needs", "a wheelchair-accessible room and an interpreter for the whole afternoon")
    ok("--as", "li", "visit", "new", "--client", LONG_CLIENT, "--at", "2026-12-03 14:00", "--hours", "3",
       "--purpose", "tour", "--headcount", "12", "--level", "1", "--venue", LONG_VENUE, "--host", "ouyang",
       "--urgent", env=AFTER)
    ok("--as", "li", "incident", "add", "1", "--kind", "equipment", "--severity", "high", "--text", LONG_INCIDENT,
       env=AFTER)
    ok("--as", "li", "note", "add", "1", "--kind", "promise", "--text", LONG_NOTE, env=AFTER)
    ok("--as", "li", "feedback", "add", "1", "--score", "88", "--channel", "phone", "--comment", LONG_COMMENT,
       env=AFTER)
    ok("--as", "li", "case", "add", "--kind", "complaint", "--text", LONG_INCIDENT, "--client", LONG_CLIENT,
       "--category", "facility", "--severity", "high", env=AFTER)
    ok("--as", "li", "log", "add", LONG_NOTE, "--case", "1", env=AFTER)
    ok("--as", "li", "training", "add", "--topic", LONG_INCIDENT, "--date", "2026-12-01", "--people", "li,ouyang",
       "--score", "li=90", "--trainer", LONG_NAME, env=AFTER)


def _lists(command) -> list[tuple[str, ...]]:
    """Every list command, with those the app has by now (contact list, feedback list)."""
    args = [("visit", "list"), ("client", "list"), ("staff", "list"), ("task", "list"),
            ("task", "list", "--state", "all"), ("followup", "due", "--within", "8"), ("incident", "list"),
            ("note", "list"), ("audit",), ("policy", "show"), ("procedure", "show"), ("procedure", "history")]
    for group in ("contact", "feedback", "log", "case", "training"):
        sub = getattr(command.commands.get(group), "commands", {}).get("list")
        if sub is not None:
            needs = [p for p in sub.params if p.param_type_name == "argument" and p.required]
            args.append((group, "list", *([LONG_CLIENT] if needs and group == "contact" else [])))
    return args


def _all_lists():
    from receptionctl.cli.app import build

    return _lists(build(eager=True))


LISTS = _all_lists()


@pytest.fixture
def rows(from_template, ok, monkeypatch):
    from receptionctl.render import output

    from_template(long_rows)
    monkeypatch.delenv("RECEPTIONCTL_WIDE", raising=False)
    yield ok
    output.configure(wide=False)


def terminal(ok, monkeypatch, args, width: int, env: dict | None = None):
    """The command as a terminal `width` columns wide shows it (rich, no colour)."""
    from receptionctl.render import output

    with monkeypatch.context() as mp:
        mp.setattr(output, "is_tty", lambda: True)
        return ok(*args, env={**AFTER, "COLUMNS": str(width), **(env or {})})


def fits(out: str, width: int) -> None:
    from rich.cells import cell_len

    too_long = [line for line in out.splitlines() if cell_len(line) > width]
    assert not too_long, f"lines wider than {width}: {too_long}"


def split_moments(out: str, plain: str) -> list[str]:
    """Dates and times of the data cut over two lines: a time without its date before it, a date
    whose time is on another line, a date or time cut short without "…"."""
    values = {m.group(0) for m in DATE.finditer(plain)}
    timed = {v[:10] for v in values if len(v) > 10}
    dated = {v for v in values if len(v) == 10}
    bad = []
    for line in out.splitlines():
        for m in DATE.finditer(line):
            after = line[m.end():m.end() + 1]
            if not m.group(1) and m.group(0) in timed and m.group(0) not in dated and after not in ("T", "…"):
                bad.append(f"{m.group(0)} without its time: {line!r}")
        for m in re.finditer(r"(?<![\d:T+\-])\d{2}:\d{2}", line):
            if not re.search(r"\d{4}-\d{2}-\d{2} $", line[:m.start()]):
                bad.append(f"{m.group(0)} without its date: {line!r}")
        for m in re.finditer(r"\d{4}-\d{2}(-\d?)?(?=\s|$)|\d{4}-\d{2}-\d{2} \d{1,2}(:\d?)?(?=\s|$)", line):
            bad.append(f"{m.group(0)} cut: {line!r}")
    return bad


def first_column(out: str, header: str) -> list[str]:
    """The first cell of each row after the header line (lines of a wrapped row start blank)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    return [line.split()[0] for line in lines[start + 1:] if line.strip() and not line[0].isspace()
            and not set(line.strip()) <= {"─"}]


@pytest.mark.parametrize("args", LISTS, ids=[" ".join(a[:2]) + (" all" if "all" in a else "") for a in LISTS])
def test_list_reads_at_80_and_120_columns(rows, monkeypatch, args):
    plain = rows(*args, env=AFTER).stdout
    assert "…" not in plain
    header = plain.splitlines()[0] if args[:2] != ("procedure", "show") else \
        next(line for line in plain.splitlines() if line.startswith("Stage"))
    assert len(plain.splitlines()) > 1
    for width in (80, 120):
        shown = terminal(rows, monkeypatch, args, width)
        out = shown.stdout
        fits(out, width)
        assert not split_moments(out, plain), (width, split_moments(out, plain))
        # ids (usernames, keys, stages) are whole, one row each, in the plain order
        first = header.split()[0]
        assert first_column(out, first) == first_column(plain, first), width
        if "left out" in shown.stderr:
            assert f"to fit {width} columns" in shown.stderr
    wide = terminal(rows, monkeypatch, args, 120, env={"RECEPTIONCTL_WIDE": "1"})
    fits(wide.stdout, 120)
    assert not split_moments(wide.stdout, plain)
    # the window and --wide change nothing in a pipe
    assert rows(*args, "--wide", env={**AFTER, "COLUMNS": "40"}).stdout == plain


WHOLE = [  # a list, and a long text it shows in a column that is never left out
    (("visit", "list"), LONG_CLIENT),
    (("client", "list"), LONG_CLIENT),
    (("staff", "list"), LONG_NAME),
    (("incident", "list"), LONG_INCIDENT),
    (("note", "list"), LONG_NOTE),
    *([(("feedback", "list"), LONG_COMMENT)] if ("feedback", "list") in LISTS else []),
]


def latin_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z-]+", text)}


@pytest.mark.parametrize("args, long", WHOLE, ids=[" ".join(a) for a, _ in WHOLE])
def test_long_text_is_shortened_and_wide_shows_it_whole(rows, monkeypatch, args, long):
    last = re.findall(r"[A-Za-z]+", long)[-1]
    for width in (80, 120):
        short = terminal(rows, monkeypatch, args, width).stdout
        assert "…" in short and last not in short, (width, short)
        for form in (("--wide", *args), (*args, "--wide")):  # the root option and the command's
            out = terminal(rows, monkeypatch, form, width).stdout
            fits(out, width)
            words = set(re.findall(r"[A-Za-z][A-Za-z-]+", out))
            assert latin_words(long) <= words, (width, form, latin_words(long) - words)


def test_a_show_prints_text_whole_on_a_terminal(rows, monkeypatch):
    out = terminal(rows, monkeypatch, ("visit", "show", "1"), 80).stdout
    table = out[out.index("Incidents"):].split("\n\n")[0]  # its fields are lines of their own
    fits(table, 80)
    assert latin_words(LONG_INCIDENT) <= set(re.findall(r"[A-Za-z][A-Za-z-]+", table))
    assert not split_moments(table, rows("visit", "show", "1", env=AFTER).stdout)


def test_narrow_window_leaves_out_the_lowest_priority_columns_and_says_so(rows, monkeypatch):
    wide = terminal(rows, monkeypatch, ("visit", "list"), 200)
    assert wide.stderr == "" and "Venue" in wide.stdout and "End" in wide.stdout
    narrow = terminal(rows, monkeypatch, ("visit", "list"), 80)
    head = narrow.stdout.splitlines()[0].split()
    assert head[:3] == ["ID", "Start", "Client"] and "Venue" not in head and "End" not in head
    assert "left out to fit 80 columns" in narrow.stderr and "Venue" in narrow.stderr
