"""Performance scores (issue 15 part 2): worked out here by hand from what the test recorded."""

from __future__ import annotations

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import held  # noqa: F401 (a fixture)

LATER = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}


def test_a_hosts_score_is_the_weighted_measures_less_the_deductions(held, team, cli):
    team("--as", "li", "feedback", "add", str(held), "--score", "80", "--channel", "phone", env=LATER)
    team("--as", "li", "outcome", str(held), "won", env=LATER)
    team("--as", "gm", "deduct", "li", "--points", "3", "--reason", "wrong meeting room given", env=LATER)
    tasks = [t for t in team("task", "list", "--visit", str(held), "--state", "all", "--json", env=LATER).json()
             if "2026-12-01" <= t["due_at"][:10] <= "2026-12-31"]
    on_time = sum(t["state"] == "done" and t["done_at"] <= t["due_at"] for t in tasks)
    late = sum(t["state"] == "done" and t["done_at"] > t["due_at"] for t in tasks)
    missed = sum(t["state"] == "missed" for t in tasks)
    compliance = on_time / (on_time + late + missed)
    results = round(100 * (40 * 0.80 + 40 * compliance + 20 * 1.0) / 100, 1)
    p = team("--as", "gm", "report", "performance", "--month", "2026-12", "--json", env=LATER).json()
    li = next(s for s in p["people"] if s["who"] == "li")
    assert li["results"] == results and li["deducted"] == 3 and li["score"] == round(results - 3, 1)
    assert li["counts_for"] == round(li["score"] * 15 / 100, 2)
    assert [d["reason"] for d in li["deductions"]] == ["wrong meeting room given"]
    team_row = next(t for t in p["teams"] if t["who"] == "Customer service")
    assert team_row["score"] == li["score"]
    own = team("--as", "wang", "report", "performance", "--month", "2026-12", "--json", env=LATER).json()
    assert [s["who"] for s in own["people"]] in ([], ["wang"]) and own["teams"] == []  # only their own
    one_error_line(cli("--as", "wang", "report", "performance", "--person", "li", env=LATER), 4)
    team("policy", "set", "score_weights", "satisfaction=1,compliance=0,conversion=0")
    p = team("--as", "gm", "report", "performance", "--month", "2026-12", "--person", "li", "--json", env=LATER).json()
    assert p["people"][0]["results"] == 80.0
    one_error_line(cli("policy", "set", "score_weights", "speed=3"), 2)


def test_the_scores_take_a_fixed_number_of_statements(tmp_path):
    from datetime import date, datetime, timezone

    from bench.synthetic import build
    from receptionctl.domain.measures.performance import scores
    from tests.conftest import statements

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    counts = {}
    for n in (40, 400):
        target = str(tmp_path / f"s{n}.db")
        build(target, n, now)
        counts[n] = len(statements(target, lambda s: scores(s, "admin", date(2026, 10, 1), date(2026, 12, 31))))
    assert counts[40] == counts[400], counts
