"""Issue 26, item 12 (seed 000: reception cost and material cost): the evaluation records the two
costs apart, their sum is the cost set against the plan's budget, and `report kpi` shows both."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit, ready

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}
AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
TEXTS = ("--strengths", "Well prepared", "--weaknesses", "Lunch was late", "--improvements", "Book ahead")


@pytest.fixture
def budgeted(team):
    """A visit on 2026-12-01 with a plan budget of 3000, received and completed."""
    vid = new_visit(team)["id"]
    ready(team, vid)
    team("--as", "li", "plan", "set", str(vid), "--budget", "3000")
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    return vid


def test_the_two_costs_add_up_against_the_budget(team, budgeted):
    run = team("--as", "li", "evaluate", str(budgeted), *TEXTS, "--reception-cost", "2600", "--material-cost",
               "600.50", "--json", env=AFTER)
    e = run.json()
    assert (e["cost"], e["reception_cost"], e["material_cost"]) == (3200.5, 2600, 600.5)
    assert e["budget"] == 3000 and e["over_budget"] == 200.5
    assert "200.50 over the plan's budget 3000.00" in run.stderr
    shown = team("visit", "show", str(budgeted), "--json", env=AFTER).json()["evaluation"]
    assert shown["cost"] == 3200.5 and shown["material_cost"] == 600.5
    sheet = team("visit", "show", str(budgeted), env=AFTER).stdout
    assert "3200.50 (reception 2600.00 + material 600.50), 200.50 over the budget 3000.00" in sheet
    # written again with one part: the other keeps its value, the sum follows
    e = team("--as", "li", "evaluate", str(budgeted), *TEXTS, "--material-cost", "300", "--json", env=AFTER).json()
    assert (e["cost"], e["reception_cost"], e["material_cost"], e["over_budget"]) == (2900, 2600, 300, 0)


def test_a_whole_cost_still_works_and_must_agree_with_the_parts(team, budgeted, cli, unchanged):
    e = team("--as", "li", "evaluate", str(budgeted), *TEXTS, "--cost", "1800", "--json", env=AFTER).json()
    assert (e["cost"], e["reception_cost"], e["material_cost"]) == (1800, None, None)
    e = team("--as", "li", "evaluate", str(budgeted), *TEXTS, "--cost", "1800", "--reception-cost", "1500",
             "--material-cost", "300", "--json", env=AFTER).json()
    assert (e["cost"], e["reception_cost"], e["material_cost"]) == (1800, 1500, 300)
    with unchanged():
        one_error_line(cli("--as", "li", "evaluate", str(budgeted), *TEXTS, "--cost", "2000", "--reception-cost",
                           "1500", "--material-cost", "300", env=AFTER), 2, "--cost 2000", "1800")
        one_error_line(cli("--as", "li", "evaluate", str(budgeted), *TEXTS, "--cost", "2500", env=AFTER), 2,
                       "--cost 2500", "1800")
        one_error_line(cli("--as", "li", "evaluate", str(budgeted), *TEXTS, "--material-cost", "-3", env=AFTER), 2,
                       "--material-cost")


def test_report_kpi_shows_both_costs(team, budgeted):
    team("--as", "li", "evaluate", str(budgeted), *TEXTS, "--reception-cost", "2600", "--material-cost", "600",
         env=AFTER)
    out = team("report", "kpi", "--month", "2026-12", "--json", env=AFTER).json()
    m = {x["key"]: x for x in out["measures"]}
    assert m["reception_cost"]["value"] == 2600 and m["reception_cost"]["counts"] == {"visits": 1}
    assert m["material_cost"]["value"] == 600 and m["material_cost"]["unit"] == "amount"
    assert m["cost"]["value"] == 3200 and m["budget"]["value"] == 3000  # the old keys keep their meaning
    assert [x["key"] for x in out["measures"]][:13] == [
        "satisfaction", "excellent_share", "conversion_rate", "complaint_rate", "process_compliance",
        "task_completion", "response_minutes_median", "response_minutes_average", "resolution_hours_median",
        "resolution_hours_average", "cost", "budget", "cost_to_budget"]
    text = team("report", "kpi", "--month", "2026-12", env=AFTER).stdout
    assert "reception_cost" in text and "2600.00" in text and "material_cost" in text
    zh = team("--lang", "zh-CN", "report", "kpi", "--month", "2026-12", env=AFTER).stdout
    assert "接待成本" in zh and "物料成本" in zh
