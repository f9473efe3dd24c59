"""Issue 26: recognition, not only deductions (seed 000: rewards and penalties; seed 003: staff who
satisfy clients recognised, and the person responsible for a complaint found): `reward`, `rewards`,
`deduct --kind warning|fine|demotion|points`, both sides in `report performance`, and
`case resolve --responsible`."""

from __future__ import annotations

import pytest

from tests.cli.test_cases import NOW, STEPS, case_team
from tests.cli.test_foundation import one_error_line


@pytest.fixture
def crew(from_template, ok):
    from_template(case_team)  # the team, a desk clerk desk1 and a duty manager dm
    return ok


def staff_complaint(crew, about="wang"):
    c = crew("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "The host was rude", "--client",
             "acme", "--about", about, "--json", env=NOW).json()
    crew("--as", "dm", "case", "ack", str(c["id"]), env=NOW)
    crew("--as", "dm", "case", "assign", str(c["id"]), "--to", "dm", env=NOW)
    return c["id"]


# -- rewards -------------------------------------------------------------------------------------
def test_rewards_are_recorded_audited_and_listed_for_everyone(crew):
    from tests.cli.test_visits_plans import approved

    visit = approved(crew)
    praise = crew("--as", "dm", "reward", "wang", "--kind", "praise", "--reason", "the client thanked him by name",
                  "--visit", str(visit), "--json", env=NOW).json()
    assert (praise["person"], praise["kind"], praise["amount"], praise["visit_id"], praise["by"]) == \
        ("wang", "praise", None, visit, "dm")
    bonus = crew("--as", "gm", "reward", "wang", "--kind", "bonus", "--amount", "500", "--reason",
                 "a deal won after a difficult visit", "--json", env=NOW).json()
    assert bonus["amount"] == 500
    said = crew("--as", "li", "reward", "chen", "--kind", "certificate", "--reason", "etiquette course passed",
                env=NOW).stdout
    assert "certificate for chen" in said
    actions = [e for e in crew("audit", "--json").json() if e["action"] == "reward.add"]
    assert len(actions) == 3
    # recognition is public; a bonus's amount is for the person, those who reward and admins
    for who in ("chen", "desk1", "wang", "dm"):
        listed = crew("--as", who, "rewards", "--json", env=NOW).json()
        assert [(r["person"], r["kind"]) for r in listed] == \
            [("chen", "certificate"), ("wang", "bonus"), ("wang", "praise")]  # newest first (same time: id)
        amount = next(r["amount"] for r in listed if r["kind"] == "bonus")
        assert amount == (None if who in ("chen", "desk1") else 500), who
    assert [r["kind"] for r in crew("rewards", "--person", "wang", "--json", env=NOW).json()] == ["bonus", "praise"]
    assert crew("rewards", "--from", "2026-12-02", "--json", env=NOW).json() == []
    table = crew("rewards", env=NOW).stdout
    assert "etiquette course passed" in table and "Recorded by" in table


def test_reward_bad_input_and_who_may(crew, cli, unchanged):
    case_id = staff_complaint(crew)
    with unchanged():
        base = ["--as", "dm", "reward", "wang", "--reason", "good work"]
        one_error_line(cli(*base, "--kind", "medal", env=NOW), 2, "medal")
        one_error_line(cli(*base, "--kind", "bonus", env=NOW), 2, "--amount")
        one_error_line(cli(*base, "--kind", "bonus", "--amount", "lots", env=NOW), 2, "lots")
        one_error_line(cli(*base, "--kind", "praise", "--amount", "100", env=NOW), 2, "--kind bonus")
        one_error_line(cli(*base, "--kind", "praise", "--visit", "99", env=NOW), 3, "no visit 99")
        one_error_line(cli(*base, "--kind", "praise", "--case", str(case_id), env=NOW), 2, "complaint about a member")
        one_error_line(cli("--as", "dm", "reward", "wang", "--kind", "praise", "--reason", " ", env=NOW), 2,
                       "--reason")
        one_error_line(cli("--as", "dm", "reward", "dm", "--kind", "praise", "--reason", "me", env=NOW), 4,
                       "themselves")
        for who in ("wang", "chen", "desk1"):
            one_error_line(cli("--as", who, "reward", "li", "--kind", "praise", "--reason", "x", env=NOW), 4,
                           "cannot give rewards")
        one_error_line(cli("--as", "nobody", "rewards", env=NOW), 4)


# -- penalties -----------------------------------------------------------------------------------
def test_deduct_takes_the_penalties_of_seed_000(crew, cli, unchanged):
    w = crew("--as", "dm", "deduct", "wang", "--kind", "warning", "--reason", "late twice", "--json", env=NOW).json()
    assert (w["kind"], w["points"], w["amount"]) == ("warning", 0, None)
    f = crew("--as", "dm", "deduct", "wang", "--kind", "fine", "--amount", "200", "--reason", "lost a badge",
             "--json", env=NOW).json()
    assert (f["kind"], f["points"], f["amount"]) == ("fine", 0, 200)
    crew("--as", "gm", "deduct", "chen", "--kind", "demotion", "--reason", "repeated serious mistakes", env=NOW)
    p = crew("--as", "dm", "deduct", "wang", "--points", "3", "--reason", "wrong room", "--json", env=NOW).json()
    assert (p["kind"], p["points"]) == ("points", 3)  # points stay the default
    listed = crew("deductions", "--json", env=NOW).json()
    assert sorted((d["person"], d["kind"]) for d in listed) == \
        [("chen", "demotion"), ("wang", "fine"), ("wang", "points"), ("wang", "warning")]
    assert "fine" in crew("deductions", env=NOW).stdout
    audit = [e["after"] for e in crew("audit", "--json").json() if e["action"] == "deduction.add"]
    assert {a["kind"] for a in audit} == {"warning", "fine", "demotion", "points"}
    with unchanged():
        base = ["--as", "dm", "deduct", "wang", "--reason", "x"]
        one_error_line(cli(*base, env=NOW), 2, "--points")
        one_error_line(cli(*base, "--kind", "warning", "--points", "3", env=NOW), 2, "--points", "warning")
        one_error_line(cli(*base, "--kind", "fine", env=NOW), 2, "--amount")
        one_error_line(cli(*base, "--kind", "warning", "--amount", "50", env=NOW), 2, "--kind fine")
        one_error_line(cli(*base, "--kind", "dismissal", env=NOW), 2, "dismissal")
        one_error_line(cli("--as", "wang", "deduct", "chen", "--kind", "warning", "--reason", "x", env=NOW), 4)


def test_report_performance_shows_both_sides(crew):
    crew("--as", "dm", "reward", "wang", "--kind", "praise", "--reason", "thanked by the client", env=NOW)
    crew("--as", "gm", "reward", "wang", "--kind", "bonus", "--amount", "300", "--reason", "deal won", env=NOW)
    crew("--as", "dm", "deduct", "wang", "--kind", "warning", "--reason", "late", env=NOW)
    crew("--as", "dm", "deduct", "chen", "--points", "2", "--reason", "wrong room", env=NOW)
    out = crew("--as", "gm", "report", "performance", "--json", env=NOW).json()
    people = {p["who"]: p for p in out["people"]}
    assert people["wang"]["reward_counts"] == {"praise": 1, "certificate": 0, "bonus": 1}
    assert people["wang"]["penalty_counts"] == {"points": 0, "warning": 1, "fine": 0, "demotion": 0}
    assert people["wang"]["deducted"] == 0  # a warning and rewards leave the score alone
    assert [r["kind"] for r in people["wang"]["rewards"]] == ["bonus", "praise"]
    assert people["chen"]["reward_counts"]["praise"] == 0 and people["chen"]["deducted"] == 2
    text = crew("--as", "gm", "report", "performance", env=NOW).stdout
    assert "Rewards" in text and "1 praise, 1 bonus" in text and "1 warning" in text and "thanked by the client" in text
    # others see their own side only
    mine = crew("--as", "chen", "report", "performance", "--json", env=NOW).json()
    assert [p["who"] for p in mine["people"]] == ["chen"]


# -- the person responsible for a complaint ------------------------------------------------------
def test_a_complaint_about_staff_is_resolved_naming_the_person_responsible(crew, cli, unchanged):
    case_id = staff_complaint(crew)
    with unchanged():
        one_error_line(cli("--as", "dm", "case", "resolve", str(case_id), *STEPS["resolve"], env=NOW), 2,
                       "--responsible")
        one_error_line(cli("--as", "dm", "case", "resolve", str(case_id), *STEPS["resolve"], "--responsible",
                           "nobody", env=NOW), 3)
    # the investigation found someone else responsible: the deduction is theirs
    crew("--as", "dm", "case", "resolve", str(case_id), *STEPS["resolve"], "--responsible", "chen", "--deduct", "3",
         env=NOW)
    shown = crew("--as", "dm", "case", "show", str(case_id), "--json", env=NOW).json()
    assert (shown["about"], shown["responsible"], shown["category"]) == ("wang", "chen", "staff")
    assert "chen" in crew("--as", "dm", "case", "show", str(case_id), env=NOW).stdout
    taken = crew("--as", "dm", "deductions", "--json", env=NOW).json()
    assert [(d["person"], d["points"], d["case_id"], d["restricted"]) for d in taken] == [("chen", 3, case_id, True)]
    resolved = next(e for e in crew("audit", "--json").json() if e["action"] == "case.resolve")
    assert resolved["after"]["responsible"] == "chen" and "rude" not in str(resolved)


def test_responsible_on_other_cases(crew, cli, unchanged):
    complaint = crew("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "Lunch late", "--json",
                     env=NOW).json()["id"]
    repair = crew("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Lift stuck", "--json",
                  env=NOW).json()["id"]
    for case_id in (complaint, repair):
        crew("--as", "li", "case", "assign", str(case_id), "--to", "wang", env=NOW)
    with unchanged():
        one_error_line(cli("--as", "wang", "case", "resolve", str(repair), *STEPS["resolve"], "--responsible", "chen",
                           env=NOW), 2, "--responsible", "repair")
    crew("--as", "wang", "case", "resolve", str(repair), *STEPS["resolve"], env=NOW)  # not needed: as before
    # any other complaint may name one, and the duty manager may then deduct from them
    crew("--as", "dm", "case", "resolve", str(complaint), *STEPS["resolve"], "--responsible", "chen", "--deduct", "2",
         env=NOW)
    assert crew("case", "show", str(complaint), "--json", env=NOW).json()["responsible"] == "chen"
    assert [(d["person"], d["restricted"]) for d in crew("deductions", "--json", env=NOW).json()] == [("chen", False)]
