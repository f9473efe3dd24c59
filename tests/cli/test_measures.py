"""Issue 15: deductions from the reception score (`deduct`, `deductions`) and training records
(`training add|list|show`), a person's training card, a visit's train-staff step."""

from __future__ import annotations

import pytest

from tests.cli.test_cases import NOW, STEPS, case_team
from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved


@pytest.fixture
def crew(from_template, ok):
    from_template(case_team)  # the team, a desk clerk desk1 and a duty manager dm
    return ok


# -- deductions ---------------------------------------------------------------------------------
def test_deduct_within_the_policy_range_is_recorded_and_audited(crew, cli, unchanged):
    with unchanged():
        for points in ("1", "6", "0"):
            one_error_line(cli("--as", "dm", "deduct", "wang", "--points", points, "--reason", "late", env=NOW),
                           2, f"points {points} is not valid", "2 to 5")
        one_error_line(cli("--as", "dm", "deduct", "wang", "--points", "3", "--reason", "  ", env=NOW), 2, "--reason")
        assert cli("--as", "dm", "deduct", "wang", "--points", "3", env=NOW).exit_code == 2  # no reason at all
        one_error_line(cli("--as", "dm", "deduct", "nobody", "--points", "3", "--reason", "x", env=NOW), 3)
        one_error_line(cli("--as", "dm", "deduct", "wang", "--points", "3", "--reason", "x", "--visit", "99",
                           env=NOW), 3)
    d = crew("--as", "dm", "deduct", "wang", "--points", "3", "--reason", "gave the wrong meeting room", "--json",
             env=NOW).json()
    assert (d["person"], d["points"], d["by"], d["restricted"]) == ("wang", 3, "dm", False)
    assert d["at"] == "2026-12-01T10:00:00+08:00"
    crew("--as", "gm", "deduct", "chen", "--points", "5", "--reason", "told a client the wrong price", env=NOW)
    events = [e for e in crew("audit", "--json").json() if e["action"] == "deduction.add"]
    assert [e["actor"] for e in events] == ["dm", "gm"]
    listed = crew("--as", "admin", "deductions", "--json", env=NOW).json()
    assert [(x["person"], x["points"]) for x in listed] == [("chen", 5), ("wang", 3)]  # newest first (same time: id)
    assert [x["person"] for x in crew("deductions", "--person", "wang", "--json", env=NOW).json()] == ["wang"]
    assert crew("deductions", "--from", "2026-12-02", "--json", env=NOW).json() == []
    assert len(crew("deductions", "--from", "2026-12-01", "--to", "2026-12-01", "--json", env=NOW).json()) == 2
    table = crew("deductions", env=NOW).stdout
    assert "gave the wrong meeting room" in table and "Recorded by" in table


def test_only_approvers_duty_managers_and_admins_deduct(crew, cli, unchanged):
    with unchanged():
        for who in ("li", "wang", "desk1", "chen"):
            one_error_line(cli("--as", who, "deduct", "wang", "--points", "3", "--reason", "x", env=NOW), 4,
                           "cannot deduct points")
    for who in ("gm", "dm", "admin"):
        crew("--as", who, "deduct", "chen", "--points", "2", "--reason", "x", env=NOW)


def test_others_see_their_own_deductions_only(crew, cli):
    crew("--as", "dm", "deduct", "wang", "--points", "3", "--reason", "wrong room", env=NOW)
    crew("--as", "dm", "deduct", "chen", "--points", "2", "--reason", "late", env=NOW)
    assert [x["person"] for x in crew("--as", "wang", "deductions", "--json", env=NOW).json()] == ["wang"]
    assert crew("--as", "li", "deductions", "--json", env=NOW).json() == []
    one_error_line(cli("--as", "wang", "deductions", "--person", "chen", env=NOW), 4, "chen's deductions")


def _complaint_about_wang_resolved_with_deduction(crew):
    c = crew("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "The host was rude",
             "--client", "acme", "--about", "wang", "--json", env=NOW).json()
    crew("--as", "dm", "case", "ack", str(c["id"]), env=NOW)
    crew("--as", "dm", "case", "assign", str(c["id"]), "--to", "dm", env=NOW)
    crew("--as", "dm", "case", "resolve", str(c["id"]), *STEPS["resolve"], "--responsible", "wang", "--deduct", "4",
         env=NOW)
    return c["id"]


def test_a_deduction_for_a_complaint_about_staff_is_restricted(crew, cli):
    case_id = _complaint_about_wang_resolved_with_deduction(crew)
    crew("--as", "dm", "deduct", "wang", "--points", "2", "--reason", "wrong agenda sent", env=NOW)
    for who in ("dm", "gm", "admin"):
        listed = crew("--as", who, "deductions", "--json", env=NOW).json()
        assert sorted((x["points"], x["restricted"], x["case_id"]) for x in listed) == \
            [(2, False, None), (4, True, case_id)]
    # the person it is about sees the other deduction only
    assert [x["points"] for x in crew("--as", "wang", "deductions", "--json", env=NOW).json()] == [2]
    # a deduction given with a restricted case: only for the person it is about, only by those who see it
    one_error_line(cli("--as", "dm", "deduct", "chen", "--points", "2", "--reason", "x", "--case", str(case_id),
                       env=NOW), 2, "complaint about wang")
    d = crew("--as", "dm", "deduct", "wang", "--points", "2", "--reason", "second mistake in it", "--case",
             str(case_id), "--json", env=NOW).json()
    assert d["restricted"] and d["case_id"] == case_id
    assert "second mistake" not in str(crew("audit", "--json").json())  # the words stay out of the log
    assert [x["points"] for x in crew("--as", "wang", "deductions", "--json", env=NOW).json()] == [2]


# -- training -----------------------------------------------------------------------------------
def test_training_add_list_show_and_the_persons_card(crew, cli):
    t = crew("--as", "li", "training", "add", "--topic", "Reception etiquette", "--date", "2026-11-20",
             "--people", "wang,chen", "--people", "desk1", "--score", "wang=92", "--score", "chen=70",
             "--score", "desk1=pass", "--pass-mark", "80", "--trainer", "gm", "--notes", "role play at the door",
             "--json", env=NOW).json()
    assert (t["topic"], t["day"], t["trainer"], t["trainer_username"], t["by"]) == \
        ("Reception etiquette", "2026-11-20", "Zhou Min", "gm", "li")
    assert [(p["person"], p["score"], p["passed"]) for p in t["people"]] == \
        [("chen", 70, False), ("desk1", None, True), ("wang", 92, True)]
    crew("--as", "dm", "training", "add", "--topic", "Product knowledge", "--date", "2026-11-30",
         "--people", "wang", "--trainer", "Ms Gao (HR)", env=NOW)
    card = crew("--as", "li", "training", "list", "--person", "wang", "--json", env=NOW).json()
    assert [(c["topic"], c["score"], c["passed"], c["trainer"]) for c in card] == \
        [("Reception etiquette", 92, True, "Zhou Min"), ("Product knowledge", None, None, "Ms Gao (HR)")]
    assert len(crew("training", "list", "--json", env=NOW).json()) == 4
    assert [c["topic"] for c in crew("training", "list", "--from", "2026-11-25", "--json", env=NOW).json()] == \
        ["Product knowledge"]
    assert len(crew("training", "list", "--to", "2026-11-20", "--json", env=NOW).json()) == 3
    shown = crew("training", "show", str(t["id"]), env=NOW).stdout
    assert "Reception etiquette" in shown and "role play" in shown and "FAILED" in shown and "passed" in shown
    assert "training.add" in [e["action"] for e in crew("audit", "--json").json()]
    # a person without a training role sees their own card and line only
    assert [c["person"] for c in crew("--as", "chen", "training", "list", "--json", env=NOW).json()] == ["chen"]
    mine = crew("--as", "chen", "training", "show", str(t["id"]), "--json", env=NOW).json()
    assert [p["person"] for p in mine["people"]] == ["chen"]
    one_error_line(cli("--as", "chen", "training", "list", "--person", "wang", env=NOW), 4)
    one_error_line(cli("--as", "chen", "training", "show", "2", env=NOW), 3)
    one_error_line(cli("training", "show", "99", env=NOW), 3, "no training 99")


def test_training_bad_input_changes_nothing(crew, cli, unchanged):
    base = ["training", "add", "--topic", "Etiquette", "--people", "wang"]
    with unchanged():
        for args, needle in (
            (["--date", "2026-12-02"], "future"),
            (["--date", "2026-11-30", "--score", "chen=80"], "did not take part"),
            (["--date", "2026-11-30", "--score", "wang=101"], "0 to 100"),
            (["--date", "2026-11-30", "--score", "wang"], "USER=SCORE"),
            (["--date", "someday"], ""),
            (["--date", "2026-11-30", "--pass-mark", "120"], "0 to 100"),
        ):
            one_error_line(cli("--as", "li", *base, *args, env=NOW), 2, needle)
        one_error_line(cli("--as", "li", "training", "add", "--topic", " ", "--date", "2026-11-30", "--people",
                           "wang", env=NOW), 2, "--topic")
        one_error_line(cli("--as", "li", *base, "--date", "2026-11-30", "--people", "nobody", env=NOW), 3)
        for who in ("wang", "desk1", "chen"):
            one_error_line(cli("--as", who, *base, "--date", "2026-11-30", env=NOW), 4, "cannot record training")


def _open_train_task(ok, vid):
    return [t for t in ok("task", "list", "--visit", str(vid), "--json", env=NOW).json() if t["key"] == "train-staff"]


def test_training_for_a_visit_closes_its_train_staff_step(crew, cli, unchanged):
    vid = approved(crew)
    [task] = _open_train_task(crew, vid)
    t = crew("--as", "li", "training", "add", "--topic", "Briefing for Acme", "--date", "2026-11-30",
             "--people", "li,wang", "--visit", str(vid), "--json", env=NOW).json()
    assert t["visit_id"] == vid and t["task_id"] == task["id"]
    assert _open_train_task(crew, vid) == []
    [done] = [x for x in crew("task", "list", "--visit", str(vid), "--state", "done", "--json", env=NOW).json()
              if x["id"] == task["id"]]
    assert done["done_by"] == "li" and f"training {t['id']}: Briefing for Acme" in done["note"]
    with unchanged():  # a second training for the same visit: nothing left to close, nothing recorded
        one_error_line(cli("--as", "li", "training", "add", "--topic", "Again", "--date", "2026-11-30",
                           "--people", "wang", "--visit", str(vid), env=NOW), 1, "done already")
        one_error_line(cli("--as", "li", "training", "add", "--topic", "Again", "--date", "2026-11-30",
                           "--people", "wang", "--visit", "999", env=NOW), 3)
