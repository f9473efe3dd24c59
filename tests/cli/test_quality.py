"""Issue 26: inspections and quality checks (`inspect add|fix|list|show`; seeds 000 and 001), their
corrective tasks (engine tasks closed with `task done`), emergency drills (`drill add|list`) with the
on-site roll call as their headcount sheet, the policy's intervals and their alerts in the daily
report, and their counts in `report kpi`."""

from __future__ import annotations

import pytest

from tests.cli.test_cases import NOW, case_team
from tests.cli.test_foundation import one_error_line

LATER = {"RECEPTIONCTL_NOW": "2026-12-30T09:00:00+08:00"}  # the template's policy was set on 2026-11-24


@pytest.fixture
def crew(from_template, ok):
    from_template(case_team)  # the team, a desk clerk desk1 and a duty manager dm
    return ok


def inspect(ok, *extra, who="li", area="facility", by="li", env=NOW):
    return ok("--as", who, "inspect", "add", "--area", area, "--by", by, *extra, "--json", env=env).json()


def alerts(ok, kind, env):
    return [a["text"] for a in ok("report", "daily", "--json", env=env).json()["alerts"] if a["kind"] == kind]


# -- inspections ---------------------------------------------------------------------------------
def test_an_inspection_is_recorded_with_its_findings_shown_listed_and_audited(crew):
    i = inspect(crew, "--score", "85", "--finding", "Projector in room 3 flickers", "--finding",
                "Fire exit sign unlit", "--notes", "monthly round", "--at", "09:30")
    assert (i["area"], i["inspector"], i["score"], i["notes"], i["recorded_by"]) == \
        ("facility", "li", 85, "monthly round", "li")
    assert i["at"] == "2026-12-01T09:30:00+08:00"
    assert [(f["number"], f["text"], f["state"], f["task_id"]) for f in i["findings"]] == \
        [(1, "Projector in room 3 flickers", "unassigned", None), (2, "Fire exit sign unlit", "unassigned", None)]
    assert i["open_findings"] == 2
    clean = inspect(crew, area="dress", by="dm", who="dm")  # nothing found wrong: recorded all the same
    assert clean["findings"] == [] and clean["open_findings"] == 0
    listed = crew("inspect", "list", "--json", env=NOW).json()
    assert [(x["id"], x["area"], x["findings"], x["open_findings"]) for x in listed] == \
        [(clean["id"], "dress", 0, 0), (i["id"], "facility", 2, 2)]
    assert [x["id"] for x in crew("inspect", "list", "--open", "--json", env=NOW).json()] == [i["id"]]
    assert [x["id"] for x in crew("inspect", "list", "--area", "dress", "--json", env=NOW).json()] == [clean["id"]]
    assert crew("inspect", "list", "--from", "2026-12-02", "--json", env=NOW).json() == []
    assert crew("inspect", "show", str(i["id"]), "--json", env=NOW).json() == i
    shown = crew("inspect", "show", str(i["id"]), env=NOW).stdout
    assert "Fire exit sign unlit" in shown and "unassigned" in shown and "monthly round" in shown
    added = {e["entity_id"]: e for e in crew("audit", "--json").json() if e["action"] == "inspection.add"}
    assert set(added) == {i["id"], clean["id"]}
    assert added[i["id"]]["after"]["findings"] == ["Projector in room 3 flickers", "Fire exit sign unlit"]
    assert "No inspections." in crew("inspect", "list", "--area", "records", env=NOW).stderr


def test_the_inspection_list_names_the_area_in_the_users_language(crew):
    inspect(crew, "--finding", "Projector flickers")
    chinese = crew("--lang", "zh-CN", "inspect", "list", env=NOW).stdout
    assert "设施" in chinese and "facility" not in chinese
    assert "facility" in crew("inspect", "list", env=NOW).stdout
    assert crew("--lang", "zh-CN", "inspect", "list", "--json", env=NOW).json()[0]["area"] == "facility"


def test_an_inspection_of_a_visit(crew, cli, unchanged):
    from tests.cli.test_visits_plans import approved

    visit = approved(crew)
    i = inspect(crew, "--visit", str(visit), "--finding", "Greeter without a name badge", area="dress")
    assert i["visit_id"] == visit
    assert [x["id"] for x in crew("inspect", "list", "--visit", str(visit), "--json", env=NOW).json()] == [i["id"]]
    with unchanged():
        one_error_line(cli("--as", "li", "inspect", "add", "--area", "dress", "--by", "li", "--visit", "99",
                           env=NOW), 3, "no visit 99")


def test_a_finding_gets_a_corrective_task_that_task_done_closes(crew, cli, unchanged):
    i = inspect(crew, "--finding", "Projector flickers", "--finding", "Fire exit sign unlit")
    fixed = crew("--as", "li", "inspect", "fix", str(i["id"]), "2", "--owner", "wang", "--due", "2026-12-03",
                 "--json", env=NOW).json()
    f = fixed["findings"][1]
    assert (f["state"], f["owner"], f["due_at"]) == ("open", "wang", "2026-12-03T23:59:00+08:00")
    mine = crew("--as", "wang", "task", "list", "--mine", "--json", env=NOW).json()
    task = next(t for t in mine if t["id"] == f["task_id"])
    assert task["stage"] == "desk" and task["key"] == f"inspect-fix-{i['id']}-2"
    assert "Fire exit sign unlit" in task["title"] and "整改" in task["title_zh"]
    assert any(e["action"] == "inspection.fix" for e in crew("audit", "--json").json())
    with unchanged():
        one_error_line(cli("--as", "li", "inspect", "fix", str(i["id"]), "2", "--owner", "chen", "--due",
                           "2026-12-04", env=NOW), 1, "already", "task")
        one_error_line(cli("--as", "li", "inspect", "fix", str(i["id"]), "3", "--owner", "chen", "--due",
                           "2026-12-04", env=NOW), 3, "no finding 3", "2 findings")
        one_error_line(cli("--as", "li", "inspect", "fix", "99", "1", "--owner", "chen", "--due", "2026-12-04",
                           env=NOW), 3, "no inspection 99")
        one_error_line(cli("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "chen", "--due",
                           "2026-11-30", env=NOW), 2, "2026-11-30", "past")
        one_error_line(cli("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "nobody", "--due",
                           "2026-12-04", env=NOW), 3)
        one_error_line(cli("--as", "wang", "inspect", "fix", str(i["id"]), "1", "--owner", "chen", "--due",
                           "2026-12-04", env=NOW), 4)
    # past its day the task is overdue, and so is the finding
    late = {"RECEPTIONCTL_NOW": "2026-12-04T09:00:00+08:00"}
    assert crew("inspect", "list", "--json", env=late).json()[0]["overdue_findings"] == 1
    one_error_line(cli("--as", "chen", "task", "done", str(f["task_id"]), env=late), 4)  # wang's, not chen's
    crew("--as", "wang", "task", "done", str(f["task_id"]), "--note", "lamp replaced", env=late)
    shown = crew("inspect", "show", str(i["id"]), "--json", env=late).json()
    assert shown["findings"][1]["state"] == "fixed" and shown["findings"][1]["done_by"] == "wang"
    assert shown["open_findings"] == 1
    one_error_line(cli("--as", "li", "inspect", "fix", str(i["id"]), "2", "--owner", "chen", "--due", "2026-12-08",
                       env=late), 1, "fixed already")
    # a finding waived (its task skipped with a reason) may be given a new task
    t1 = crew("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "chen", "--due", "2026-12-08", "--json",
              env=late).json()["findings"][0]["task_id"]
    crew("--as", "li", "task", "skip", str(t1), "--reason", "projector to be replaced anyway", env=late)
    assert crew("inspect", "show", str(i["id"]), "--json", env=late).json()["findings"][0]["state"] == "waived"
    assert crew("inspect", "list", "--open", "--json", env=late).json() == []
    again = crew("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "chen", "--due", "2026-12-09",
                 "--json", env=late).json()["findings"][0]
    assert again["state"] == "open" and again["task_id"] != t1


def test_inspection_bad_input_changes_nothing(crew, cli, unchanged):
    base = ["--as", "li", "inspect", "add", "--by", "li"]
    with unchanged():
        one_error_line(cli(*base, "--area", "kitchen", env=NOW), 2, "kitchen")
        one_error_line(cli(*base, "--area", "facility", "--score", "101", env=NOW), 2, "101")
        one_error_line(cli(*base, "--area", "facility", "--at", "tomorrow 10:00", env=NOW), 2, "future")
        one_error_line(cli(*base, "--area", "facility", "--finding", "  ", env=NOW), 2, "--finding")
        one_error_line(cli(*base, "--area", "facility", "--notes", "x" * 4001, env=NOW), 2, "--notes", "too long")
        one_error_line(cli("--as", "li", "inspect", "add", "--area", "facility", "--by", "nobody", env=NOW), 3)
        one_error_line(cli("--as", "li", "inspect", "add", "--area", "facility", env=NOW), 2, "--by")
        for who in ("wang", "chen", "desk1"):
            one_error_line(cli("--as", who, "inspect", "add", "--area", "facility", "--by", "li", env=NOW), 4,
                           "cannot record inspections")
        one_error_line(cli("inspect", "show", "99", env=NOW), 3, "no inspection 99")
    crew("--as", "admin", "staff", "deactivate", "chen")
    one_error_line(cli("--as", "li", "inspect", "add", "--area", "facility", "--by", "chen", env=NOW), 1, "inactive")


def test_an_area_not_inspected_in_time_and_a_finding_without_a_fix_are_alerts(crew):
    assert alerts(crew, "inspection_overdue", NOW) == []  # the policy was set a week ago
    overdue = alerts(crew, "inspection_overdue", LATER)  # 36 days later: the 30-day areas
    assert [t.split()[1] for t in overdue] == ["process", "facility", "records", "dress"]
    assert "has not been inspected" in overdue[0] and "was due 2026-12-24" in overdue[0]
    i = inspect(crew, "--finding", "Lift button broken", env={"RECEPTIONCTL_NOW": "2026-12-20T10:00:00+08:00"})
    overdue = alerts(crew, "inspection_overdue", LATER)
    assert [t.split()[1] for t in overdue] == ["process", "records", "dress"]
    unassigned = alerts(crew, "finding_unassigned", LATER)
    assert len(unassigned) == 1 and f"inspection {i['id']}" in unassigned[0]
    crew("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "wang", "--due", "2027-01-05", env=LATER)
    assert alerts(crew, "finding_unassigned", LATER) == []
    # facility last inspected on 12-20: overdue 30 days after
    later = {"RECEPTIONCTL_NOW": "2027-01-21T09:00:00+08:00"}
    assert any("facility area was last inspected on 2026-12-20" in t for t in alerts(crew, "inspection_overdue", later))
    # an interval of 0: never required
    crew("policy", "set", "inspection_interval_days", "process=0,records=0,dress=0,facility=0", env=LATER)
    assert alerts(crew, "inspection_overdue", later) == []


def test_the_inspection_policy_is_shown_and_checked(crew, cli, unchanged):
    shown = crew("policy", "show", "--json").json()
    assert shown["inspection_interval_days"] == [["process", 30], ["facility", 30], ["records", 30],
                                                 ["emergency", 90], ["safety", 90], ["dress", 30]]
    assert shown["drill_interval_days"] == 180
    with unchanged():
        one_error_line(cli("policy", "set", "inspection_interval_days", "kitchen=3"), 2, "kitchen=3", "process")
        one_error_line(cli("policy", "set", "inspection_interval_days", "dress=400"), 2, "dress=400")
        one_error_line(cli("policy", "set", "drill_interval_days", "400"), 2, "400")
    crew("policy", "set", "inspection_interval_days", "dress=7")  # the areas not named keep their default
    assert crew("policy", "show", "--json").json()["inspection_interval_days"] == [
        ["process", 30], ["facility", 30], ["records", 30], ["emergency", 90], ["safety", 90], ["dress", 7]]


# -- drills --------------------------------------------------------------------------------------
def test_a_drill_is_recorded_and_listed(crew, cli, unchanged):
    d = crew("--as", "li", "drill", "add", "--kind", "fire", "--date", "2026-11-28", "--people", "wang,chen",
             "--people", "desk1", "--notes", "Extinguisher practice in the car park", "--json", env=NOW).json()
    assert (d["kind"], d["day"], d["people"], d["at"], d["counted"], d["roll_call"]) == \
        ("fire", "2026-11-28", ["chen", "desk1", "wang"], None, None, None)
    crew("--as", "dm", "drill", "add", "--kind", "medical", "--date", "2026-11-30", "--people", "dm",
         "--notes", "First aid refresher", env=NOW)
    listed = crew("drill", "list", "--json", env=NOW).json()
    assert [x["kind"] for x in listed] == ["medical", "fire"]  # newest first
    assert [x["kind"] for x in crew("drill", "list", "--kind", "fire", "--json", env=NOW).json()] == ["fire"]
    assert [x["kind"] for x in crew("drill", "list", "--to", "2026-11-29", "--json", env=NOW).json()] == ["fire"]
    assert "Extinguisher practice" in crew("drill", "list", env=NOW).stdout
    assert [e["action"] for e in crew("audit", "--json").json()].count("drill.add") == 2
    with unchanged():
        base = ["--as", "li", "drill", "add", "--people", "wang", "--notes", "x"]
        one_error_line(cli(*base, "--kind", "flood", "--date", "2026-11-30", env=NOW), 2, "flood")
        one_error_line(cli(*base, "--kind", "fire", env=NOW), 2, "--date")
        one_error_line(cli(*base, "--kind", "fire", "--date", "2026-12-02", env=NOW), 2, "future")
        one_error_line(cli(*base, "--kind", "fire", "--at", "tomorrow 10:00", env=NOW), 2, "future")
        one_error_line(cli(*base, "--kind", "fire", "--date", "2026-11-30", "--at", "now", env=NOW), 2,
                       "different days")
        one_error_line(cli("--as", "li", "drill", "add", "--kind", "fire", "--date", "2026-11-30", "--people",
                           "wang", "--notes", " ", env=NOW), 2, "--notes")
        one_error_line(cli("--as", "li", "drill", "add", "--kind", "fire", "--date", "2026-11-30", "--people",
                           "nobody", "--notes", "x", env=NOW), 3)
        for who in ("wang", "chen"):
            one_error_line(cli("--as", who, "drill", "add", "--kind", "fire", "--date", "2026-11-30", "--people",
                               "wang", "--notes", "x", env=NOW), 4, "cannot record drills")


def test_a_drill_recorded_as_it_ends_counts_against_the_roll_call(crew):
    from tests.cli.test_passes import issue

    issue(crew)
    issue(crew)  # two people on site, on the roll call (`onsite --format csv`)
    assert len(crew("onsite", "--format", "json", env=NOW).json()) == 2
    done = crew("--as", "li", "drill", "add", "--kind", "evacuation", "--at", "now", "--people", "desk1,wang",
                "--notes", "Alarm at 10:00, building emptied in 4 minutes", "--count", "1", env=NOW)
    assert "the roll call lists 2" in done.stdout
    assert "1 person not accounted for" in done.stderr
    d = crew("drill", "list", "--json", env=NOW).json()[0]
    assert (d["counted"], d["roll_call"], d["unaccounted"], d["at"]) == (1, 2, 1, "2026-12-01T10:00:00+08:00")
    # recorded later than its moment: no roll call to compare with
    crew("--as", "li", "drill", "add", "--kind", "evacuation", "--at", "09:00", "--people", "desk1", "--notes",
         "an earlier one", "--count", "5", env=NOW)
    earlier = crew("drill", "list", "--json", env=NOW).json()
    assert [(x["counted"], x["roll_call"]) for x in earlier if x["notes"] == "an earlier one"] == [(5, None)]
    help_text = crew("onsite", "--help").stdout
    assert "drill" in help_text and "headcount" in help_text


def test_no_drill_in_time_is_an_alert(crew):
    later = {"RECEPTIONCTL_NOW": "2027-06-01T09:00:00+08:00"}  # 189 days after the policy was set
    assert alerts(crew, "drill_overdue", NOW) == []
    said = alerts(crew, "drill_overdue", later)
    assert len(said) == 1 and "no emergency drill" in said[0] and "2027-05-23" in said[0]
    crew("--as", "li", "drill", "add", "--kind", "fire", "--date", "2027-05-30", "--people", "wang", "--notes", "x",
         env=later)
    assert alerts(crew, "drill_overdue", later) == []
    much_later = {"RECEPTIONCTL_NOW": "2027-12-01T09:00:00+08:00"}
    said = alerts(crew, "drill_overdue", much_later)
    assert len(said) == 1 and "2027-05-30" in said[0] and "2027-11-26" in said[0]


# -- the measures --------------------------------------------------------------------------------
def test_report_kpi_counts_inspections_and_open_findings(crew):
    i = inspect(crew, "--score", "80", "--finding", "a", "--finding", "b", "--finding", "c")
    inspect(crew, "--score", "90", area="dress")
    crew("--as", "li", "inspect", "fix", str(i["id"]), "1", "--owner", "wang", "--due", "2026-12-05", env=NOW)
    t = crew("inspect", "show", str(i["id"]), "--json", env=NOW).json()["findings"][0]["task_id"]
    crew("--as", "wang", "task", "done", str(t), env=NOW)
    crew("--as", "li", "inspect", "fix", str(i["id"]), "2", "--owner", "wang", "--due", "2026-12-05", env=NOW)
    crew("--as", "li", "drill", "add", "--kind", "fire", "--date", "today", "--people", "wang", "--notes", "x",
         env=NOW)
    kpi = {m["key"]: m for m in crew("report", "kpi", "--json", env=NOW).json()["measures"]}
    assert (kpi["inspections"]["value"], kpi["inspections"]["counts"]) == (2, {"findings": 3})
    assert kpi["inspection_score"]["value"] == 85
    assert kpi["open_findings"]["value"] == 2
    assert kpi["open_findings"]["counts"] == {"findings": 3, "fixed": 1, "unassigned": 1, "overdue": 0}
    assert kpi["drills"]["value"] == 1 and kpi["inspections"]["previous"] == 0
    text = crew("report", "kpi", env=NOW).stdout
    assert "open_findings" in text and "unassigned 1" in text
