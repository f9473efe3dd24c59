"""Service cases (issue 13): the closed loop, its tasks and deadlines, escalations and
promises, complaints about staff, the duty logbook, the day check and patterns."""

from __future__ import annotations

import pytest

from receptionctl.domain.core.lifecycle import CASE, CASE_OPEN
from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import held  # noqa: F401 (a fixture)
from tests.conftest import template, with_team

NOW = {"RECEPTIONCTL_NOW": "2026-12-01T10:00:00+08:00"}  # a Tuesday
LATER = {"RECEPTIONCTL_NOW": "2026-12-01T16:00:00+08:00"}
NEXT_DAY = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}


@template(base=with_team)
def case_team(ok):
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Service office", "--role", "duty_manager")


@pytest.fixture
def crew(from_template, ok):
    from_template(case_team)
    return ok


def add(ok, *extra, env=NOW, who="desk1", text="Lunch came an hour late"):
    return ok("--as", who, "case", "add", "--kind", "complaint", "--text", text, "--client", "acme",
              "--category", "service", *extra, "--json", env=env).json()


def keys(ok, case_id, state="open", env=NOW, who="admin"):
    return {t["key"]: t for t in ok("--as", who, "task", "list", "--stage", "case", "--state", state, "--json",
                                    env=env).json() if t["case_id"] == case_id}


def test_the_whole_loop_opens_and_closes_its_tasks(crew, cli):
    c = add(crew, "--severity", "high")
    assert c["state"] == "received" and c["client"] == "Acme"
    ack = keys(crew, c["id"])["case-ack"]
    assert ack["owner"] == "desk1" and ack["due_at"].startswith("2026-12-01T10:30")  # at once: 30 minutes
    crew("--as", "desk1", "case", "ack", str(c["id"]), "--note", "apologised", env=NOW)
    assert set(keys(crew, c["id"])) == {"case-assign"}
    crew("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=NOW)
    resolve = keys(crew, c["id"])["case-resolve"]
    assert resolve["owner"] == "wang" and resolve["due_at"].startswith("2026-12-01T14:00")  # high: 4 hours
    assert resolve["id"] in {t["id"] for t in crew("--as", "wang", "followup", "due", "--mine", "--json",
                                                   env=NOW).json()}
    one_error_line(cli("--as", "wang", "task", "done", str(resolve["id"]), env=NOW), 1, "case's own command")
    crew("--as", "wang", "case", "resolve", str(c["id"]), "--cause", "kitchen not told", "--action",
         "meal refunded", "--prevention", "time changes go to the kitchen", env=LATER)
    callback = keys(crew, c["id"], env=LATER)["case-callback"]
    assert callback["owner"] == "wang" and callback["due_at"].startswith("2026-12-02T16:00")  # 24 h
    crew("--as", "wang", "case", "callback", str(c["id"]), "--note", "accepted", "--satisfied", env=LATER)
    review = keys(crew, c["id"], env=LATER)["case-review"]
    assert review["owner_role"] == "duty_manager" and review["owner"] is None
    crew("--as", "dm", "case", "review", str(c["id"]), "--note", "handled well", env=LATER)
    done = crew("--as", "li", "case", "close", str(c["id"]), "--json", env=LATER).json()
    assert done["state"] == "closed" and done["satisfied"] is True and done["root_cause"] == "kitchen not told"
    assert keys(crew, c["id"], env=LATER) == {}
    assert set(keys(crew, c["id"], state="done", env=LATER)) == \
        {"case-ack", "case-assign", "case-resolve", "case-callback", "case-review"}
    actions = [e["action"] for e in crew("audit", "--entity", "case", "--json").json()]
    assert actions == ["case.add", "case.ack", "case.assign", "case.resolve", "case.callback", "case.review",
                       "case.close"]
    shown = crew("case", "show", str(c["id"]), env=LATER).stdout
    assert "apologised" in shown and "meal refunded" in shown and "satisfied" in shown


# -- the life cycle: every state x every command ----------------------------------------------
STATES = list(CASE_OPEN) + ["closed"]
STEPS = {  # each command with arguments that are valid whenever the state allows it
    "ack": [],
    "assign": ["--to", "wang"],
    "escalate": ["--to", "gm", "--question", "May we refund?", "--answer-by", "2026-12-03 12:00"],
    "resolve": ["--cause", "c", "--action", "a", "--prevention", "p"],
    "callback": ["--note", "told"],
    "review": [],
    "close": [],
}
PATH = ["ack", "assign", "resolve", "callback", "review", "close"]


@template(base=case_team)
def one_case_per_state(ok):
    """Case n+1 is in STATES[n]."""
    for n, _ in enumerate(STATES):
        ok("--as", "desk1", "case", "add", "--kind", "repair", "--text", f"case in state {n}", env=NOW)
        for step in PATH[:n]:
            ok("case", step, str(n + 1), *STEPS[step], env=NOW)


@pytest.mark.parametrize("state", STATES)
def test_every_command_a_state_refuses_exits_1_and_changes_nothing(from_template, ok, cli, unchanged, state):
    from_template(one_case_per_state)
    case_id = str(STATES.index(state) + 1)
    assert ok("case", "show", case_id, "--json", env=NOW).json()["state"] == state
    refused = [c for c in STEPS if state not in CASE[c]]
    for command in refused:
        with unchanged():
            run = cli("case", command, case_id, *STEPS[command], env=NOW)
        one_error_line(run, 1, f"case {case_id} is {state.replace('_', ' ')}")


ALLOWED = [(state, command) for state in STATES for command in STEPS if state in CASE[command]]


@pytest.mark.parametrize("state, step", ALLOWED, ids=[f"{s}-{c}" for s, c in ALLOWED])
def test_every_command_a_state_allows_moves_it_on(from_template, ok, state, step):
    from_template(one_case_per_state)
    case_id = str(STATES.index(state) + 1)
    after = ok("case", step, case_id, *STEPS[step], "--json", env=NOW).json()
    assert after["state"] == CASE[step][state]


# -- permissions and complaints about staff ----------------------------------------------------
def test_who_may_do_what(crew, cli, unchanged):
    c = add(crew)
    with unchanged():
        one_error_line(cli("--as", "desk1", "case", "assign", str(c["id"]), "--to", "wang", env=NOW), 4)
        one_error_line(cli("--as", "nobody", "case", "add", "--kind", "help", "--text", "x", env=NOW), 4)
    crew("--as", "desk1", "case", "ack", str(c["id"]), env=NOW)
    crew("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=NOW)
    with unchanged():
        one_error_line(cli("--as", "chen", "case", "resolve", str(c["id"]), *STEPS["resolve"], env=NOW), 4)
    crew("--as", "wang", "case", "resolve", str(c["id"]), *STEPS["resolve"], env=NOW)
    crew("--as", "wang", "case", "callback", str(c["id"]), "--note", "told", env=NOW)
    with unchanged():
        one_error_line(cli("--as", "li", "case", "review", str(c["id"]), env=NOW), 4, "duty_manager")
    crew("--as", "dm", "case", "review", str(c["id"]), env=NOW)


def test_a_complaint_about_staff_is_the_duty_managers_and_hidden_from_others(crew, cli):
    c = add(crew, "--about", "wang", text="The host was rude to our chairman")
    assert c["restricted"] and c["about"] == "wang"
    for who in ("desk1", "chen", "li", "wang"):
        assert crew("--as", who, "case", "list", "--json", env=NOW).json() == []
        one_error_line(cli("--as", who, "case", "show", str(c["id"]), env=NOW), 3, f"no case {c['id']}")
        assert not [t for t in crew("--as", who, "task", "list", "--json", env=NOW).json() if t["case_id"]]
        report = crew("--as", who, "report", "daily", "--json", env=NEXT_DAY).json()
        assert "rude" not in str(report) and report["cases"]["received"] == []
    for who in ("dm", "gm", "admin"):
        assert [x["id"] for x in crew("--as", who, "case", "list", "--json", env=NOW).json()] == [c["id"]]
    assert crew("--as", "dm", "report", "daily", "--json", env=NEXT_DAY).json()["cases"]["received"][0]["id"] == c["id"]
    assert "rude" not in str(crew("audit", "--json").json())  # the words stay in the case
    ack = keys(crew, c["id"], who="dm")["case-ack"]
    assert ack["owner_role"] == "duty_manager"
    crew("--as", "dm", "case", "ack", str(c["id"]), env=NOW)
    one_error_line(cli("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=NOW), 3)  # li cannot see it
    one_error_line(cli("--as", "dm", "case", "assign", str(c["id"]), "--to", "li", env=NOW), 1, "duty manager")
    crew("--as", "dm", "case", "assign", str(c["id"]), "--to", "dm", env=NOW)
    for points, code in (("1", 2), ("6", 2)):
        one_error_line(cli("--as", "dm", "case", "resolve", str(c["id"]), *STEPS["resolve"], "--responsible", "wang",
                           "--deduct", points, env=NOW), code, "2 to 5")
    crew("--as", "dm", "case", "resolve", str(c["id"]), *STEPS["resolve"], "--responsible", "wang", "--deduct", "3",
         env=NOW)
    import os

    from receptionctl.domain.cases.cases import deductions
    from receptionctl.store.db import Database

    db = Database(os.environ["RECEPTIONCTL_DB"])
    with db.session() as s:
        rows = deductions(s, "wang")
    db.dispose()
    assert [(r[0], r[1], r[2]) for r in rows] == [("wang", 3, f"complaint, case {c['id']}")]


def test_deduct_only_for_complaints_about_staff(crew, cli):
    c = add(crew)
    crew("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=NOW)
    one_error_line(cli("--as", "dm", "case", "resolve", str(c["id"]), *STEPS["resolve"], "--deduct", "3", env=NOW),
                   2, "about no one")


# -- escalations and promises --------------------------------------------------------------------
def test_an_escalation_is_a_promise_and_its_breach_an_alert(crew, cli, unchanged):
    c = add(crew)
    crew("--as", "li", "case", "assign", str(c["id"]), "--to", "wang", env=NOW)
    crew("--as", "wang", "case", "escalate", str(c["id"]), "--to", "gm", "--question", "Refund the meal?",
         "--answer-by", "today 12:00", env=NOW)
    task = next(t for k, t in keys(crew, c["id"]).items() if k.startswith("case-answer-"))
    assert task["owner"] == "gm" and task["due_at"].startswith("2026-12-01T12:00")
    with unchanged():
        one_error_line(cli("--as", "wang", "case", "resolve", str(c["id"]), *STEPS["resolve"], env=NOW), 1,
                       "waiting for an answer")
        one_error_line(cli("--as", "chen", "case", "answer", str(c["id"]), "--text", "no", env=NOW), 4)
    report = crew("report", "daily", "--json", env=LATER).json()
    assert [e["to"] for e in report["cases"]["escalations"]] == ["gm"]
    assert any(a["kind"] == "promise" and "Refund the meal?" in a["text"] for a in report["alerts"])
    assert "PROMISE BROKEN" in crew("report", "daily", env=LATER).stdout
    crew("--as", "gm", "case", "answer", str(c["id"]), "--text", "Yes", env=LATER)
    assert not [a for a in crew("report", "daily", "--json", env=LATER).json()["alerts"] if a["kind"] == "promise"]
    answered = crew("case", "show", str(c["id"]), "--json", env=LATER).json()["escalations"][0]
    assert answered["answer"] == "Yes" and answered["answered_at"]
    crew("--as", "wang", "case", "resolve", str(c["id"]), *STEPS["resolve"], env=LATER)


def test_bad_input_names_the_value(crew, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "x", "--category",
                           "weather", env=NOW), 2, "weather")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "praise", "--text", "x", env=NOW), 2, "praise")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "repair", "--text", "  ", env=NOW), 2, "--text")
        one_error_line(cli("--as", "desk1", "case", "add", "--kind", "repair", "--text", "x", "--about", "wang",
                           env=NOW), 2, "--kind complaint")
        one_error_line(cli("case", "show", "99", env=NOW), 3, "no case 99")


# -- the logbook, the day check, patterns -------------------------------------------------------
def test_logbook_day_check_and_the_missing_check_alert(crew, cli):
    c = add(crew)
    crew("--as", "desk1", "case", "ack", str(c["id"]), "--note", "apologised at once", env=NOW)
    crew("--as", "li", "log", "add", "promised Ms Liu the brochure", "--case", str(c["id"]), env=NOW)
    lines = crew("log", "list", "--json", env=NOW).json()
    assert [x["text"] for x in lines] == ["apologised at once", "promised Ms Liu the brochure"]
    assert crew("log", "list", "--date", "2026-11-30", "--json", env=NOW).json() == []
    alerts = crew("report", "daily", "--json", env=NEXT_DAY).json()["alerts"]
    assert any(a["kind"] == "day_check" and "2026-12-01" in a["text"] for a in alerts)
    one_error_line(cli("--as", "li", "case", "day-check", env=LATER), 4)
    check = crew("--as", "dm", "case", "day-check", "--note", "one complaint", "--json", env=LATER).json()
    assert [x["id"] for x in check["cases"]] == [c["id"]] and check["checked_by"] == "dm"
    one_error_line(cli("--as", "dm", "case", "day-check", env=LATER), 1, "made already")
    alerts = crew("report", "daily", "--json", env=NEXT_DAY).json()["alerts"]
    assert not [a for a in alerts if a["kind"] == "day_check"]


def test_patterns_and_repeated_causes(crew):
    for n in range(3):
        add(crew, text=f"complaint {n}", env={"RECEPTIONCTL_NOW": f"2026-11-2{n}T10:00:00+08:00"})
    add(crew, text="October one", env={"RECEPTIONCTL_NOW": "2026-10-15T10:00:00+08:00"})
    p = crew("case", "patterns", "--month", "2026-11", "--json", env=NOW).json()
    assert (p["total"], p["previous_total"]) == (3, 1)
    by = {(c["dimension"], c["value"]): (c["count"], c["previous"]) for c in p["counts"]}
    assert by[("client", "Acme")] == (3, 1) and by[("category", "service")] == (3, 1)
    assert "client Acme: 3 cases" in " ".join(p["repeated"])
    alerts = crew("report", "daily", "--json", env=NOW).json()["alerts"]
    assert any(a["kind"] == "pattern" and "client Acme" in a["text"] for a in alerts)
    q = crew("case", "patterns", "--quarter", "2026Q4", "--json", env=NOW).json()
    assert q["total"] == 4


def test_feedback_under_the_red_line_opens_a_complaint_case_once(held, team):
    later = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}
    run = team("--as", "li", "feedback", "add", str(held), "--score", "40", "--channel", "phone", "--comment",
               "nobody met us at the gate", env=later)
    assert "complaint case 1 opened" in run.stderr
    case = team("case", "show", "1", "--json", env=later).json()
    assert (case["kind"], case["source"], case["visit_id"], case["severity"]) == ("complaint", "visit", held, "high")
    assert "nobody met us at the gate" in case["text"] and case["client"] == "Acme"
    team("--as", "li", "feedback", "add", str(held), "--score", "30", "--channel", "phone", "--replace", env=later)
    assert len(team("case", "list", "--json", env=later).json()) == 1


# -- issue 26: a complaint about a member of staff is of category staff ---------------------------
def test_a_complaint_about_staff_is_of_category_staff(crew):
    c = crew("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "The host was rude", "--about", "wang",
             "--json", env=NOW).json()
    assert c["category"] == "staff"
    shown = crew("--as", "dm", "case", "show", str(c["id"]), "--json", env=NOW).json()
    assert shown["category"] == "staff"
    other = crew("--as", "desk1", "case", "add", "--kind", "repair", "--text", "The lift is stuck", "--json",
                 env=NOW).json()
    assert other["category"] == "other"  # the default without --about, as before
