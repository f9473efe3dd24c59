"""The quarterly review pack (issue 15 part 4): the typical cases of a quarter, worked out
here by hand from what the test itself recorded."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import held  # noqa: F401 (a fixture)

LATER = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}


def test_the_pack_lists_the_typical_cases_of_the_quarter(held, team, cli):
    team("--as", "li", "feedback", "add", str(held), "--score", "40", "--channel", "phone", "--comment",
         "nobody at the gate", env=LATER)  # under the red line: a complaint case too
    team("--as", "li", "outcome", str(held), "won", "--note", "framework agreement signed", env=LATER)
    team("case", "assign", "1", "--to", "li", env=LATER)
    team("--as", "li", "case", "resolve", "1", "--cause", "the gate was not told", "--action", "apologised",
         "--prevention", "the gate gets the day's list", env=LATER)
    p = team("report", "review", "--quarter", "2026Q4", "--format", "json", env=LATER).json()
    assert (p["first"], p["last"]) == ("2026-10-01", "2026-12-31")
    assert [(w["visit_id"], w["note"]) for w in p["won"]] == [(held, "framework agreement signed")]
    assert [(s["visit_id"], s["score"]) for s in p["lowest"]] == [(held, 40)]
    assert [(c["case_id"], c["root_cause"]) for c in p["complaints"]] == [(1, "the gate was not told")]
    missed = {m["task_id"] for m in p["missed"]}
    expected = {t["id"] for t in team("task", "list", "--visit", str(held), "--state", "all", "--json", env=LATER).json()
                if t["state"] == "missed" or (t["state"] == "done" and t["done_at"] > t["due_at"])}
    assert missed == expected and missed  # the held visit was completed with its preparation open
    md = team("report", "review", "--quarter", "2026Q4", env=LATER).stdout
    assert "## Deals won (1)" in md and "the gate was not told" in md
    page = team("report", "review", "--quarter", "2026Q4", "--format", "html", env=LATER).stdout
    ET.fromstring(page.split("\n", 1)[1])  # one well-formed, self-contained page
    assert "http" not in page and "<script" not in page
    empty = team("report", "review", "--quarter", "2026Q3", "--format", "json", env=LATER).json()
    assert empty["won"] == [] and empty["complaints"] == [] and empty["visits_received"] == 0
    one_error_line(cli("report", "review", "--quarter", "2026Q5"), 2, "2026Q5")
