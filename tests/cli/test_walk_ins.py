"""The door (issue 14 parts 6 and 7): walk-ins, no-shows, who is on site, and the security
shift leader's readiness report before a level-1 or level-2 visit."""

from __future__ import annotations

import csv
import io

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}  # visit 1 of `approved` runs 10:00-12:00
LATE = {"RECEPTIONCTL_NOW": "2026-12-01T10:45:00+08:00"}


def alerts(ok, env, kind):
    return [a for a in ok("report", "daily", "--format", "json", env=env).json()["alerts"] if a["kind"] == kind]


def test_a_walk_in_is_a_level_3_visit_in_progress_its_host_told_at_once(team, cli, unchanged):
    team("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    run = team("--as", "desk1", "checkin", "--walk-in", "--client", "acme", "--host", "wang", "--guest", "Zhang San",
               "--id-number", "110101199003077777", env=DAY)
    assert "walk-in visit" in run.stderr and "wang" in run.stderr
    visit = team("visit", "list", "--json", env=DAY).json()[-1]
    assert (visit["walk_in"], visit["level"], visit["status"], visit["host"]) == (True, 3, "in_progress", "wang")
    task = [t for t in team("task", "list", "--owner", "wang", "--json", env=DAY).json()
            if t["key"] == "meet-walk-in"][0]
    assert task["visit_id"] == visit["id"] and task["due_at"].startswith("2026-12-01T10:05")
    assert not [t for t in team("task", "list", "--visit", str(visit["id"]), "--json", env=DAY).json()
                if t["stage"] == "prepare"]  # no preparation for a guest already at the door
    assert [a["visit_id"] for a in alerts(team, DAY, "walk_in")] == [visit["id"]]
    assert "walk-in" in team("report", "daily", env=DAY).stdout
    with unchanged():
        one_error_line(cli("--as", "desk1", "checkin", "--walk-in", "--client", "acme", "--guest", "X", env=DAY), 2,
                       "--host")
        one_error_line(cli("--as", "desk1", "checkin", "1", "--walk-in", "--client", "acme", "--host", "wang",
                           "--guest", "X", env=DAY), 2, "no VISIT")
        one_error_line(cli("--as", "desk1", "checkin", "--guest", "X", env=DAY), 2, "missing VISIT")
        one_error_line(cli("--as", "desk1", "checkin", "--walk-in", "--client", "acme", "--host", "chen", "--guest",
                           "X", env=DAY), 1, "host")
        one_error_line(cli("--as", "gm", "checkin", "--walk-in", "--client", "acme", "--host", "wang", "--guest",
                           "X", env=DAY), 4)


def test_a_no_show_is_an_alert_once_the_policy_minutes_have_passed(team):
    vid = approved(team)
    assert alerts(team, DAY, "no_show") == []
    late = alerts(team, LATE, "no_show")
    assert [a["visit_id"] for a in late] == [vid] and "30 minutes" in late[0]["text"]
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=LATE)
    assert alerts(team, LATE, "no_show") == []


def test_onsite_lists_everyone_in_for_a_roll_call(team):
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    team("--as", "li", "checkin", str(vid), "--guest", "Ma Jun", env=DAY)
    team("--as", "li", "checkout", str(vid), "--guest", "Ma Jun", env=LATE)
    team("--as", "li", "checkin", "--walk-in", "--client", "acme", "--host", "li", "--guest", "Zhang San", env=LATE)
    people = team("onsite", "--format", "json", env=LATE).json()
    assert [(p["name"], p["kind"], p["company"]) for p in people] == \
        [("Liu Yang", "guest", "Acme"), ("Zhang San", "walk-in", "Acme")]
    rows = list(csv.DictReader(io.StringIO(team("onsite", "--format", "csv", env=LATE).stdout)))
    assert [r["name"] for r in rows] == ["Liu Yang", "Zhang San"] and rows[0]["host"] == "li"
    report = team("report", "daily", "--format", "json", env=LATE).json()
    assert [p["name"] for p in report["on_site"]] == ["Liu Yang", "Zhang San"]
    assert "On site now (2)" in team("report", "daily", env=LATE).stdout
    assert team("report", "daily", "--date", "2026-11-30", "--format", "json", env=LATE).json()["on_site"] is None


def test_only_security_reports_readiness_before_a_level_1_or_2_visit(team, cli):
    team("policy", "set", "vip_level", "3")  # the levels' own steps, whatever the tier (Acme is VIP: care.md)
    team("staff", "add", "guo", "--name", "Guo Qiang", "--dept", "Security", "--role", "security")
    low = new_visit(team)["id"]  # level 3
    high = new_visit(team, "--level", "2", at="2026-12-02 10:00")["id"]
    keys = {t["key"]: t for t in team("task", "list", "--visit", str(high), "--json").json()}
    ready = keys["security-readiness"]
    assert ready["due_at"].startswith("2026-12-02T09:30") and ready["owner_role"] == "security"
    assert "security-readiness" not in {t["key"] for t in team("task", "list", "--visit", str(low), "--json").json()}
    one_error_line(cli("--as", "li", "task", "done", str(ready["id"])), 4, "only someone with the security role")
    one_error_line(cli("task", "done", str(ready["id"])), 4, "security")  # not even an admin
    team("--as", "guo", "task", "done", str(ready["id"]))
