"""The front desk (issue 14, parts 1 and 2; seed 004): shifts, the append-only duty log,
the shift handover with the incoming person's right to refuse, the supervisor's settlement
and the manager's daily review, and their alerts in the daily report."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import template, with_team

MORNING = {"RECEPTIONCTL_NOW": "2026-12-01T07:05:00+08:00"}  # a Tuesday, the morning shift (07:00-15:00)
AFTERNOON = {"RECEPTIONCTL_NOW": "2026-12-01T14:55:00+08:00"}
MIDDLE = {"RECEPTIONCTL_NOW": "2026-12-01T15:05:00+08:00"}
NEXT_MORNING = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}  # within 24 h of 12-01's end
TWO_DAYS_ON = {"RECEPTIONCTL_NOW": "2026-12-03T01:00:00+08:00"}  # 25 h after 12-01's end

CHECKS = ("--check", "keys=ok", "--check", "radios=problem:one battery flat", "--check", "badge-stock=ok",
          "--check", "cameras=ok", "--check", "phone=ok", "--check", "logbook=ok")


@template(base=with_team)
def desk_team(ok):
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("staff", "add", "desk2", "--name", "Qian Yu", "--dept", "Front desk", "--role", "desk")
    ok("staff", "add", "guard", "--name", "Sun Gang", "--dept", "Security", "--role", "security")
    ok("staff", "add", "sup", "--name", "Zhou Lan", "--dept", "Front desk", "--role", "desk_supervisor")


@pytest.fixture
def crew(from_template, ok):
    from_template(desk_team)
    return ok


def start(ok, who="desk1", env=MORNING, *extra):
    return ok("--as", who, "desk", "shift", "start", *extra, "--json", env=env).json()


def prepare(ok, who="desk1", env=AFTERNOON, summary="Quiet morning; Acme's guests in room 301"):
    return ok("--as", who, "desk", "handover", "prepare", "--summary", summary, *CHECKS, "--json", env=env).json()


def desk_tasks(ok, env=AFTERNOON, state="open"):
    return [t for t in ok("task", "list", "--stage", "desk", "--state", state, "--json", env=env).json()]


def alerts(ok, kind, env=AFTERNOON):
    return [a for a in ok("report", "daily", "--format", "json", env=env).json()["alerts"] if a["kind"] == kind]


# -- shifts ------------------------------------------------------------------------------------
def test_a_shift_starts_in_the_policy_shift_of_now_and_one_is_open_per_person(crew, cli, unchanged):
    s = start(crew)
    assert s["user"] == "desk1" and s["shift"] == "morning" and s["ended_at"] is None
    assert s["started_at"].startswith("2026-12-01T07:05")
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "shift", "start", env=MORNING), 1, "one open shift per person")
        one_error_line(cli("--as", "desk2", "desk", "shift", "start", "--shift", "evening", env=MORNING), 2,
                       "evening", "morning, middle, night")
    assert start(crew, "guard", MORNING, "--shift", "night")["shift"] == "night"
    listed = crew("--as", "sup", "desk", "shift", "list", "--json", env=MORNING).json()
    assert [(x["user"], x["shift"]) for x in listed] == [("desk1", "morning"), ("guard", "night")]


def test_a_night_shift_runs_past_midnight():
    from receptionctl.domain.desk.desk import shift_at

    shifts = (("morning", "07:00", "15:00"), ("middle", "15:00", "23:00"), ("night", "23:00", "07:00"))
    zone = ZoneInfo("Asia/Shanghai")
    at = lambda h, m: datetime(2026, 12, 1, h, m, tzinfo=zone).astimezone(timezone.utc)  # noqa: E731
    assert [shift_at(shifts, at(h, m), zone) for h, m in ((7, 0), (14, 59), (15, 0), (23, 30), (2, 0), (6, 59))] \
        == ["morning", "morning", "middle", "night", "night", "night"]
    assert shift_at((("day", "08:00", "18:00"),), at(19, 0), zone) is None


def test_a_shift_ends_only_with_its_handover_accepted_or_saying_why(crew, cli, unchanged):
    s = start(crew)
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "shift", "end", env=AFTERNOON), 1, "no handover")
        one_error_line(cli("--as", "desk2", "desk", "shift", "end", env=AFTERNOON), 1, "no open shift")
        one_error_line(cli("--as", "desk1", "desk", "shift", "end", "--without-handover", " ", env=AFTERNOON), 2)
    ended = crew("--as", "desk1", "desk", "shift", "end", "--without-handover", "the desk closes for the holiday",
                 "--json", env=AFTERNOON).json()
    assert ended["id"] == s["id"] and ended["ended_at"].startswith("2026-12-01T14:55") and ended["handover_id"] is None
    log = crew("--as", "desk1", "desk", "log", "list", "--json", env=AFTERNOON).json()
    assert [e["text"] for e in log] == [f"shift {s['id']} (morning) ended without a handover: the desk closes for "
                                        "the holiday"]
    assert start(crew, "desk1", MIDDLE)["shift"] == "middle"  # a new shift may start once the last one ended


# -- the duty log --------------------------------------------------------------------------------
def test_the_duty_log_passes_things_on_as_tasks_and_is_corrected_by_new_entries(crew, cli, unchanged, command):
    s = start(crew)
    first = crew("--as", "desk1", "desk", "log", "Room 502 reports a leaking tap", "--kind", "repair",
                 "--passed-to", "wang", "--json", env=MORNING).json()
    assert first["shift_id"] == s["id"] and first["kind"] == "repair" and first["passed_to"] == "wang"
    task = {t["id"]: t for t in desk_tasks(crew, MORNING)}[first["task_id"]]
    assert task["owner"] == "wang" and task["key"] == "desk-passed-on" and task["stage"] == "desk"
    assert task["due_at"].startswith("2026-12-01T07:05")  # due at once
    assert first["task_state"] == "open"
    # an option first, and the written-out `add`, say the same
    crew("--as", "desk1", "desk", "log", "--kind", "call", "Mr Wu will call back at 10", env=MORNING)
    fix = crew("--as", "desk1", "desk", "log", "add", "Room 503, not 502", "--corrects", str(first["id"]), "--json",
               env=MORNING).json()
    assert fix["corrects_id"] == first["id"] and fix["kind"] == "repair"  # the corrected entry's kind
    log = crew("--as", "guard", "desk", "log", "list", "--json", env=MORNING).json()
    assert [e["text"] for e in log] == ["Room 502 reports a leaking tap", "Mr Wu will call back at 10",
                                       "Room 503, not 502"]
    assert log[0]["corrected"] is True and log[0]["corrected_by"] == [fix["id"]]
    assert log[1]["corrected"] is False and log[2]["corrected"] is False
    assert "CORRECTED by " + str(fix["id"]) in crew("--as", "desk1", "desk", "log", "list", env=MORNING).stdout
    assert [e["id"] for e in crew("--as", "desk1", "desk", "log", "list", "--shift", str(s["id"]), "--json",
                                  env=NEXT_MORNING).json()] == [e["id"] for e in log]
    assert crew("--as", "desk1", "desk", "log", "list", "--date", "yesterday", "--json", env=MORNING).json() == []
    # append-only: no command changes or removes an entry
    assert set(command.commands["desk"].commands["log"].commands) == {"add", "list"}
    actions = [e["action"] for e in crew("audit", "--entity", "desk_log", "--json").json()]
    assert actions == ["desk.log"] * 3
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "log", "x", "--corrects", "99", env=MORNING), 3, "99")
        one_error_line(cli("--as", "desk1", "desk", "log", "x", "--passed-to", "nobody", env=MORNING), 3, "nobody")
        one_error_line(cli("--as", "desk1", "desk", "log", "   ", env=MORNING), 2, "empty")
        assert cli("--as", "desk1", "desk", "log", "x", "--kind", "gossip", env=MORNING).exit_code == 2
        one_error_line(cli("--as", "desk1", "desk", "log", "list", "--shift", "99", env=MORNING), 3, "shift 99")


# -- the handover ------------------------------------------------------------------------------
def test_a_handover_lists_what_is_open_and_is_signed_by_both(crew, cli, unchanged):
    case = crew("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Lift 2 stuck on floor 3", "--json",
                env=MORNING).json()
    shift = start(crew)
    h = prepare(crew)
    assert h["state"] == "pending" and h["from_by"] == "desk1" and h["shift_id"] == shift["id"]
    assert h["prepared_at"].startswith("2026-12-01T14:55") and h["to_by"] is None
    assert {"kind": "case", "id": case["id"], "text": "repair, received: Lift 2 stuck on floor 3"} in h["open_items"]
    assert [c["item"] for c in h["checks"]] == ["keys", "radios", "badge-stock", "cameras", "phone", "logbook"]
    assert h["checks"][1] == {"item": "radios", "ok": False, "note": "one battery flat"}
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "accept", env=MIDDLE), 3, "no handover waits")
        one_error_line(cli("--as", "desk1", "desk", "handover", "accept", str(h["id"]), env=MIDDLE), 4, "incoming")
        one_error_line(cli("--as", "desk1", "desk", "shift", "end", env=MIDDLE), 1, "waits for the incoming person")
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", "--summary", "again", *CHECKS,
                           env=MIDDLE), 1, "has its handover already")
    start(crew, "desk2", MIDDLE)
    done = crew("--as", "desk2", "desk", "handover", "accept", "--json", env=MIDDLE).json()
    assert done["state"] == "accepted" and done["to_by"] == "desk2" and done["accepted_at"].startswith("2026-12-01T15:05")
    assert done["from_by"] == "desk1" and done["prepared_at"] == h["prepared_at"]  # both signatures
    ended = crew("--as", "desk1", "desk", "shift", "end", "--json", env=MIDDLE).json()
    assert ended["handover_id"] == h["id"] and ended["handover_state"] == "accepted" and ended["ended_at"]
    shown = crew("--as", "sup", "desk", "handover", "show", str(h["id"]), env=MIDDLE).stdout
    assert "Lift 2 stuck" in shown and "PROBLEM" in shown and "by desk2" in shown
    listed = crew("--as", "sup", "desk", "handover", "list", "--json", env=MIDDLE).json()
    assert [x["id"] for x in listed] == [h["id"]]
    actions = [e["action"] for e in crew("audit", "--entity", "desk_handover", "--json").json()]
    assert actions == ["desk.handover_prepare", "desk.handover_accept"]
    with unchanged():
        one_error_line(cli("--as", "desk2", "desk", "handover", "accept", str(h["id"]), env=MIDDLE), 1,
                       "accepted already")
        one_error_line(cli("--as", "sup", "desk", "handover", "show", "99", env=MIDDLE), 3, "no handover 99")


@pytest.mark.parametrize("checks, needles", [
    (("--check", "keys=ok"), ("not complete", "radios, badge-stock, cameras, phone, logbook")),
    (CHECKS + ("--check", "coffee=ok"), ("coffee", "not on the handover checklist")),
    (CHECKS[:-2] + ("--check", "logbook=fine"), ("'fine'", "ok or ITEM=problem")),
    (CHECKS + ("--check", "keys=problem"), ("keys is checked twice",)),
    (CHECKS[:-2] + ("--check", "logbook"), ("'logbook'", "ITEM=ok")),
])
def test_a_handover_needs_every_item_of_the_checklist(crew, cli, unchanged, checks, needles):
    start(crew)
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", "--summary", "Quiet", *checks,
                           env=AFTERNOON), 2, *needles)


def test_a_handover_needs_a_summary_and_an_open_shift(crew, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", "--summary", "Quiet", *CHECKS,
                           env=AFTERNOON), 1, "no open shift")
    start(crew)
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", "--summary", "  ", *CHECKS,
                           env=AFTERNOON), 2, "summary is empty")


def test_a_refusal_alerts_the_supervisor_until_settled(crew, cli, unchanged):
    start(crew)
    h = prepare(crew)
    assert alerts(crew, "handover_refused") == []
    with unchanged():
        one_error_line(cli("--as", "desk2", "desk", "handover", "refuse", env=MIDDLE), 2, "--question")
        one_error_line(cli("--as", "desk1", "desk", "handover", "refuse", str(h["id"]), "--question", "?",
                           env=MIDDLE), 4, "incoming")
    refused = crew("--as", "desk2", "desk", "handover", "refuse", "--question", "Key 12 is not in the cabinet",
                   "--json", env=MIDDLE).json()
    assert refused["state"] == "refused" and refused["to_by"] == "desk2" and refused["question"].startswith("Key 12")
    # the supervisor is told at once: a desk task for the desk_supervisor role, due now
    task = [t for t in desk_tasks(crew, MIDDLE) if t["key"] == "handover-settle"]
    assert len(task) == 1 and task[0]["owner_role"] == "desk_supervisor" and task[0]["owner"] is None
    assert task[0]["due_at"].startswith("2026-12-01T15:05") and f"Handover {h['id']}:" in task[0]["title"]
    # the daily report shows it until it is settled, the next day too
    for env in (MIDDLE, NEXT_MORNING):
        shown = alerts(crew, "handover_refused", env)
        assert len(shown) == 1 and f"handover {h['id']}" in shown[0]["text"] and "Key 12" in shown[0]["text"]
    assert "handover refused" in crew("report", "daily", env=MIDDLE).stdout
    # the outgoing shift stays responsible; nobody takes over until it is settled
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "shift", "end", env=MIDDLE), 1, "refused by desk2")
        one_error_line(cli("--as", "desk2", "desk", "handover", "accept", env=MIDDLE), 1, "supervisor")
        one_error_line(cli("--as", "desk2", "desk", "handover", "refuse", str(h["id"]), "--question", "again",
                           env=MIDDLE), 1, "refused")
        one_error_line(cli("--as", "desk2", "desk", "handover", "settle", str(h["id"]), "--note", "fine",
                           env=MIDDLE), 4, "desk_supervisor")
        one_error_line(cli("--as", "sup", "desk", "handover", "settle", str(h["id"]), "--note", " ", env=MIDDLE), 2)
    settled = crew("--as", "sup", "desk", "handover", "settle", str(h["id"]), "--note", "key 12 was with the cleaner",
                   "--json", env=MIDDLE).json()
    assert settled["state"] == "settled" and settled["settled_by"] == "sup"
    assert [t for t in desk_tasks(crew, MIDDLE) if t["key"] == "handover-settle"] == []
    assert [t["done_by"] for t in desk_tasks(crew, MIDDLE, "done") if t["key"] == "handover-settle"] == ["sup"]
    assert alerts(crew, "handover_refused", MIDDLE) == []
    one_error_line(cli("--as", "sup", "desk", "handover", "settle", str(h["id"]), "--note", "x", env=MIDDLE), 1,
                   "settled")
    accepted = crew("--as", "desk2", "desk", "handover", "accept", "--json", env=MIDDLE).json()
    assert accepted["state"] == "accepted" and accepted["question"].startswith("Key 12")  # the refusal stays on record
    crew("--as", "desk1", "desk", "shift", "end", env=MIDDLE)


def test_the_managers_daily_review_is_recorded_once_and_its_absence_is_an_alert(crew, cli, unchanged):
    start(crew)
    prepare(crew)
    assert alerts(crew, "handover_review", NEXT_MORNING) == []  # within 24 h of the day's end
    missing = alerts(crew, "handover_review", TWO_DAYS_ON)
    assert len(missing) == 1 and "2026-12-01" in missing[0]["text"] and "24 h" in missing[0]["text"]
    assert "handovers not reviewed" in crew("report", "daily", "--format", "markdown", env=TWO_DAYS_ON).stdout
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "review", "2026-12-01", env=TWO_DAYS_ON), 4,
                       "desk_supervisor")
        one_error_line(cli("--as", "sup", "desk", "handover", "review", "2026-12-04", env=TWO_DAYS_ON), 2, "future")
        one_error_line(cli("--as", "sup", "desk", "handover", "review", "2026-11-30", env=TWO_DAYS_ON), 1,
                       "no handover")
        assert cli("--as", "sup", "desk", "handover", "review", "someday", env=TWO_DAYS_ON).exit_code == 2
    done = crew("--as", "sup", "desk", "handover", "review", "2026-12-01", "--note", "radios: order batteries",
                "--json", env=TWO_DAYS_ON).json()
    assert done["day"] == "2026-12-01" and done["reviewed_by"] == "sup" and len(done["handovers"]) == 1
    assert alerts(crew, "handover_review", TWO_DAYS_ON) == []
    with unchanged():
        one_error_line(cli("--as", "sup", "desk", "handover", "review", "2026-12-01", env=TWO_DAYS_ON), 1,
                       "reviewed already")


def test_the_review_alert_takes_a_constant_number_of_statements(crew, db_target):
    from receptionctl.domain.desk import desk
    from tests.conftest import statements

    start(crew)
    prepare(crew)
    moment = datetime(2026, 12, 3, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    seen = statements(db_target, lambda session: desk.alerts(session, moment))
    assert len([s for s in seen if "desk_handover" in s]) == 1  # one union (3 before)


# -- who may -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["chen", "wang", "li"])  # staff, host, coordinator-host: not the desk
def test_only_the_desk_security_and_its_supervisor_work_the_desk(crew, cli, unchanged, who):
    with unchanged():
        for args in (("desk", "shift", "start"), ("desk", "shift", "end"), ("desk", "shift", "list"),
                     ("desk", "log", "a line"), ("desk", "log", "list"),
                     ("desk", "handover", "prepare", "--summary", "x", *CHECKS), ("desk", "handover", "accept"),
                     ("desk", "handover", "refuse", "--question", "why"), ("desk", "handover", "list"),
                     ("desk", "handover", "settle", "1", "--note", "x"), ("desk", "handover", "review", "today")):
            one_error_line(cli("--as", who, *args, env=MORNING), 4, "desk")
    for role_holder in ("guard", "sup", "admin"):
        assert start(crew, role_holder)["user"] == role_holder


def test_a_task_passed_on_from_the_desk_is_closed_with_task_done(team):
    team("staff", "add", "desk9", "--name", "Desk Nine", "--dept", "Front desk", "--role", "desk")
    team("--as", "desk9", "desk", "shift", "start", "--shift", "morning")
    team("--as", "desk9", "desk", "log", "The client called: please call back", "--kind", "call", "--passed-to",
         "wang")
    task = [t for t in team("task", "list", "--owner", "wang", "--json").json() if t["stage"] == "desk"][0]
    assert task["visit_id"] is None and task["case_id"] is None
    done = team("--as", "wang", "task", "done", str(task["id"]), "--json").json()
    assert done["state"] == "done"
