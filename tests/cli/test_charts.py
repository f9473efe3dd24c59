"""Issue 15, part 5: `report charts`: satisfaction by week, the conversion funnel, overdue
tasks by owner, the readiness of the coming visits; text, one mail-safe HTML page, SVG.

The data: the `held` visit (1 December, 10:00-12:00, completed) with a form scoring 92 and an
intent; a second visit held on 2 December with a form scoring 70 and won; a third, approved
for Friday 4 December, still to come. The charts are read on Thursday 3 December 09:00, in
ISO week 49 (30 November to 6 December); week 48 had no forms.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from tests.cli.test_reception_followup import visit_held
from tests.cli.test_visits_plans import approved
from tests.conftest import statements, template

AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
DAY2 = {"RECEPTIONCTL_NOW": "2026-12-02T10:05:00+08:00"}
AFTER2 = {"RECEPTIONCTL_NOW": "2026-12-02T12:30:00+08:00"}
NOW = {"RECEPTIONCTL_NOW": "2026-12-03T09:00:00+08:00"}


@template(base=visit_held)
def chart_data(ok):
    held_id = 1  # visit_held's visit
    ok("--as", "li", "feedback", "add", str(held_id), "--score", "92", "--channel", "phone", env=AFTER)
    ok("--as", "li", "outcome", str(held_id), "intent", env=AFTER)
    second = approved(ok, at="2026-12-02 10:00")
    ok("--as", "li", "checkin", str(second), "--guest", "Liu Yang", env=DAY2)
    ok("--as", "li", "visit", "complete", str(second), env=AFTER2)
    ok("--as", "li", "feedback", "add", str(second), "--score", "70", "--channel", "phone", env=AFTER2)
    ok("--as", "li", "outcome", str(second), "won", env=AFTER2)
    coming = approved(ok, at="2026-12-04 10:00")
    return {"held": held_id, "second": second, "coming": coming}


@pytest.fixture
def data(from_template, ok):
    """Built once per session (a template), copied per test."""
    return from_template(chart_data)


@pytest.fixture
def team(ok):  # the tests call the tool through `team`, as the others do
    return ok


def rows(text: str, title: str) -> list[str]:
    """The lines of one chart in the text output."""
    block = text.split(title, 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines()[2:]]


def test_text_numbers_by_hand(team, data):
    out = team("report", "charts", "--weeks", "2", env=NOW).stdout
    sat = rows(out, "Satisfaction by week")
    # week 48: no forms; week 49: (92 + 70) / 2 = 81.0, int(0.81 * 8) = 6 -> ▇
    assert sat[0].startswith("·▇ ")
    assert sat[1].split() == ["Week", "48", "(23–29", "Nov)", "-", "0", "forms"]
    assert sat[2].startswith("Week 49 (30 Nov–6 Dec)") and sat[2].split()[5] == "81.0" and sat[2].endswith("2 forms")
    funnel = rows(out, "Conversion funnel")
    # both visits received in week 49, both with a form, both with an intent (won is one), one won
    assert [re.match(r"(.+?)\s{2,}(\d+)", line).groups() for line in funnel] == [
        ("visits received", "2"), ("feedback collected", "2"), ("intent", "2"), ("won", "1")]
    assert funnel[3].startswith("won") and funnel[3].endswith("50% of received")
    assert "█" * 10 in funnel[0]  # the full bar of the largest stage


def owner_label(task: dict) -> str:
    """Who an overdue task falls to as the charts label it: the person's name, or the role in words."""
    from receptionctl.domain.engine import PER_VISIT

    if task["owner"]:
        return task["owner_name"]
    role = task["owner_role"].replace("_", " ")
    return f"{role} (unassigned)" if task["owner_role"] in PER_VISIT else f"any {role}"


def overdue_now(team) -> Counter:
    tasks = team("task", "list", "--json", env=NOW).json()
    return Counter(owner_label(t) for t in tasks if t["due_at"] < "2026-12-03T09:00:00+08:00")


def test_overdue_by_owner_counts_what_task_list_shows(team, data):
    expected = overdue_now(team)
    assert expected  # the follow-up calls of both visits are late by now
    out = team("report", "charts", "--chart", "overdue", env=NOW).stdout
    shown = dict(re.fullmatch(r"(.+?)\s{2,}(\d+)\s.*", line).groups() for line in rows(out, "Overdue tasks by owner"))
    assert {k: int(v) for k, v in shown.items()} == dict(expected)
    assert "any coordinator" in shown  # the role in words


def test_readiness_of_the_coming_visit(team, data):
    tasks = team("task", "list", "--visit", str(data["coming"]), "--state", "all", "--json", env=NOW).json()
    prep = [t for t in tasks if t["stage"] == "prepare" and t["state"] != "skipped"]
    done = sum(t["state"] == "done" for t in prep)
    out = team("report", "charts", "--chart", "readiness", env=NOW).stdout
    (line,) = rows(out, "Readiness of the coming visits")
    assert line.startswith(f"#{data['coming']} 12-04 10:00 Acme")
    assert f"{round(100 * done / len(prep))}%" in line and line.endswith(f"{done}/{len(prep)} prepared")
    assert "Satisfaction" not in out  # --chart: that chart only


def test_html_is_one_safe_page(team, data):
    page = team("report", "charts", "--format", "html", "--weeks", "2", env=NOW).stdout
    assert page.startswith("<!DOCTYPE html>")
    root = ET.fromstring(page.split("\n", 1)[1])
    assert root.tag == "html"
    low = page.lower()
    assert "http" not in low and "<script" not in low and "<img" not in low
    bars = [d for d in root.iter("div") if "width:" in d.get("style", "")]
    # weeks 48 (none), 49 (81.0); the funnel's 4 stages; the overdue owners; the one coming visit
    assert 'width:81.0%' in page and 'width:50.0%' in page
    assert len(root.findall(".//h2")) == 4 and bars


@pytest.mark.parametrize("chart, points", [("satisfaction", 5), ("funnel", 4), ("readiness", 1)])
def test_svg_has_one_bar_per_point(team, data, chart, points):
    svg = team("report", "charts", "--format", "svg", "--chart", chart, "--weeks", "5", env=NOW).stdout
    root = ET.fromstring(svg.encode())
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"]
    assert len(bars) == points
    if chart == "funnel":  # 2, 2, 2, 1 of 2: full, full, full, half of 320
        assert [float(b.get("width")) for b in bars] == [320.0, 320.0, 320.0, 160.0]


def test_svg_needs_a_chart(team, cli):
    run = cli("report", "charts", "--format", "svg")
    assert run.exit_code == 2 and "--chart" in run.stderr and run.stdout == ""


def test_statement_count_does_not_grow_with_rows(team, data, db_target):
    from receptionctl.domain.measures.charts import build

    few = statements(db_target, lambda s: build(s, 8))
    for at in ("2026-12-07 10:00", "2026-12-08 10:00"):
        approved(team, at=at)
    assert len(statements(db_target, lambda s: build(s, 8))) == len(few) <= 8


def test_daily_html_has_overdue_bars_at_a_glance(team, data):
    expected = overdue_now(team)
    page = team("report", "daily", "--format", "html", env=NOW).stdout
    root = ET.fromstring(page.split("\n", 1)[1])
    (h2,) = [h for h in root.iter("h2") if h.text == "At a glance: overdue by owner"]
    table = next(t for t in root.iter("table"))
    got = {tr[0].text: int(tr[1].text) for tr in table.iter("tr")}
    assert got == dict(Counter(dict(expected.most_common(10))))
    assert "width:100.0%" in page and "http" not in page.lower()
