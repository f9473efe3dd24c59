"""Issue 26, a bug: replacing a feedback form moved the visit's satisfaction into the month of
the correction. The form keeps the time it was received; the correction is recorded beside it."""

from __future__ import annotations

from tests.cli.test_reception_followup import held  # noqa: F401  (the fixture)

RECEIVED = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}  # the day after the visit of 2026-12-01
CORRECTED = {"RECEPTIONCTL_NOW": "2027-01-05T09:00:00+08:00"}  # a month later


def _satisfaction(ok, month, env):
    out = ok("report", "kpi", "--month", month, "--json", env=env).json()
    return {m["key"]: m for m in out["measures"]}["satisfaction"]


def test_a_replaced_form_stays_in_the_month_it_was_received(team, held):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "70", "--channel", "phone", env=RECEIVED)
    team("--as", "li", "feedback", "add", str(held), "--score", "96", "--channel", "form", "--replace", env=CORRECTED)

    december = _satisfaction(team, "2026-12", CORRECTED)
    assert december["value"] == 96 and december["counts"] == {"forms": 1}
    january = _satisfaction(team, "2027-01", CORRECTED)
    assert january["value"] is None and january["counts"] == {"forms": 0}
    # the month to date of the daily report does not count it again in January
    month = team("report", "daily", "--format", "json", env=CORRECTED).json()["month"]
    assert month["feedback_collected"] == 0
    shown = team("feedback", "show", str(held), "--json", env=CORRECTED).json()
    assert shown["at"] == "2026-12-02T10:00:00+08:00" and shown["score"] == 96
    assert shown["replaced_at"] == "2027-01-05T09:00:00+08:00"
    listed = team("feedback", "list", "--from", "2027-01-01", "--json", env=CORRECTED).json()
    assert listed == []


def test_a_first_form_has_no_correction(team, held):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "70", "--channel", "phone", env=RECEIVED)
    shown = team("feedback", "show", str(held), "--json", env=RECEIVED).json()
    assert shown["at"] == "2026-12-02T10:00:00+08:00" and shown["replaced_at"] is None
