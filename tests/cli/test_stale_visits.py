"""Issue 26, a bug found in the audit: a visit whose day has passed while it is still planning,
submitted or approved raised no alert. The daily report now says so ("stale"), from the
visits' entry in its registry of areas (report.AREAS)."""

from __future__ import annotations

from tests.cli.test_visits_plans import approved, new_visit

AFTER = {"RECEPTIONCTL_NOW": "2026-12-03T08:00:00+08:00"}  # two days after the visits


def stale(ok, *args, env=AFTER):
    report = ok("report", "daily", "--json", *args, env=env).json()
    return {a["visit_id"]: a["text"] for a in report["alerts"] if a["kind"] == "stale"}


def test_a_visit_left_planning_or_approved_after_its_day_is_a_stale_alert(team):
    planning = new_visit(team)["id"]  # 2026-12-01 10:00, still planning
    ok_visit = approved(team, at="2026-12-01 14:00")  # approved, never received
    done = approved(team, at="2026-11-30 10:00")
    team("--as", "li", "checkin", str(done), "--guest", "Liu Yang", env={"RECEPTIONCTL_NOW": "2026-11-30T10:05:00+08:00"})
    team("--as", "li", "visit", "complete", str(done), env={"RECEPTIONCTL_NOW": "2026-11-30T12:30:00+08:00"})
    gone = new_visit(team, at="2026-12-01 16:00")["id"]
    team("--as", "li", "visit", "cancel", str(gone), "--reason", "postponed")
    ahead = new_visit(team, at="2026-12-04 10:00")["id"]
    found = stale(team)
    assert set(found) == {planning, ok_visit}, found
    assert "planning" in found[planning] and "2026-12-01" in found[planning]
    assert "approved" in found[ok_visit]
    assert ahead not in found and done not in found and gone not in found
    # the day of the visit itself is not stale yet (the no-show alert speaks for it)
    assert stale(team, env={"RECEPTIONCTL_NOW": "2026-12-01T18:00:00+08:00"}) == {}
    # an as-of report reckons from its own day
    assert set(stale(team, "--date", "2026-12-02")) == {planning, ok_visit}
    zh = team("--lang", "zh-CN", "report", "daily", "--json", env=AFTER).json()
    assert {a["visit_id"] for a in zh["alerts"] if a["kind"] == "stale"} == {planning, ok_visit}
