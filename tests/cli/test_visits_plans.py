"""Issue 3: visits and reception plans, from request to an approved plan."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import snapshot

SH = ZoneInfo("Asia/Shanghai")
VISIT_FIELDS = {"id", "client", "purpose", "level", "status", "starts_at", "ends_at", "headcount", "venue",
                "offsite", "urgent", "short_notice", "host", "plan_status"}




def new_visit(ok, *extra, at="2026-12-01 10:00", who="li"):
    args = ["--as", who, "visit", "new", "--client", "Acme", "--at", at, "--purpose", "talk", "--headcount", "5",
            *extra, "--json"]
    return ok(*args).json()


def ready(ok, vid, who="li"):
    ok("--as", who, "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")
    ok("--as", who, "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "Welcome")


def approved(ok, **kw):
    v = new_visit(ok, **kw)
    ready(ok, v["id"])
    ok("--as", "li", "plan", "submit", str(v["id"]))
    ok("--as", "gm", "plan", "approve", str(v["id"]))
    return v["id"]


# -- recording visits ---------------------------------------------------------------------
def test_visit_new_json_has_the_contract_fields(team):
    v = new_visit(team, "--venue", "Room A", "--host", "wang", "--level", "2", "--hours", "3")
    assert VISIT_FIELDS <= set(v)
    assert v["client"] == "Acme" and v["host"] == "wang" and v["level"] == 2
    assert v["status"] == "planning" and v["plan_status"] == "draft"
    assert v["starts_at"] == "2026-12-01T10:00:00+08:00" and v["ends_at"] == "2026-12-01T13:00:00+08:00"
    assert v["short_notice"] is False and v["urgent"] is False and v["offsite"] is False
    listed = team("visit", "list", "--json").json()
    assert [x["id"] for x in listed] == [v["id"]] and VISIT_FIELDS <= set(listed[0])
    shown = team("visit", "show", str(v["id"]), "--json").json()
    assert VISIT_FIELDS <= set(shown) and shown["assignments"][0]["staff"] == "wang"


def test_visit_list_filters(team):
    a = new_visit(team, at="2026-12-01 10:00")
    b = new_visit(team, at="2026-12-08 10:00")
    team("client", "add", "Beta")
    c = team("--as", "li", "visit", "new", "--client", "Beta", "--at", "2026-12-03 10:00", "--purpose", "tour",
             "--headcount", "2", "--json").json()
    team("--as", "li", "visit", "cancel", str(b["id"]), "--reason", "client postponed")
    ids = lambda *args: [v["id"] for v in team("visit", "list", *args, "--json").json()]
    assert ids() == [a["id"], c["id"], b["id"]]
    assert ids("--from", "2026-12-02", "--to", "2026-12-09") == [c["id"], b["id"]]
    assert ids("--status", "cancelled") == [b["id"]]
    assert ids("--client", "Beta") == [c["id"]]


@pytest.mark.parametrize(
    "args, code, needle",
    [
        (["--headcount", "0"], 2, "headcount"),
        (["--level", "4"], 2, "level"),
        (["--purpose", "party"], 2, "party"),
        (["--at", "next blursday"], 2, "next blursday"),
        (["--at", "2026-11-20 10:00"], 2, "in the past"),
        (["--hours", "0"], 2, "--hours"),
        (["--until", "2026-12-01 09:00"], 2, "not after"),
        (["--hours", "2", "--until", "2026-12-01 12:00"], 2, "not both"),
        (["--client", "Nobody"], 3, "Nobody"),
        (["--host", "ghost"], 3, "ghost"),
    ],
)
def test_visit_new_bad_input(team, cli, unchanged, args, code, needle):
    base = {"--client": "Acme", "--at": "2026-12-01 10:00", "--purpose": "talk", "--headcount": "5"}
    given = dict(zip(args[::2], args[1::2]))
    merged = {**base, **given}
    flat = [x for kv in merged.items() for x in kv]
    with unchanged():
        run = cli("--as", "li", "visit", "new", *flat)
    one_error_line(run, code, needle)


def test_only_coordinators_and_hosts_record_visits(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "chen", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00",
                           "--purpose", "talk", "--headcount", "1"), 4, "chen")


# -- notice period ------------------------------------------------------------------------
def working(day: date) -> bool:
    return holidays.country_holidays("CN", years=day.year).is_working_day(day)


def holiday_blocks(year: int):
    """(last working day before, first working day after) each run of days off that holds
    a public holiday, from the holidays package."""
    cn = holidays.country_holidays("CN", years=[year, year + 1])
    seen = set()
    for day in sorted(d for d in cn if d.year == year):
        if day in seen:
            continue
        start = end = day
        while not cn.is_working_day(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while not cn.is_working_day(end + timedelta(days=1)):
            end += timedelta(days=1)
        seen.update(start + timedelta(days=i) for i in range((end - start).days + 1))
        yield start - timedelta(days=1), end + timedelta(days=1), (end - start).days + 1


BLOCKS = [b for b in holiday_blocks(2026) if b[0] >= date(2026, 1, 1)]


@pytest.mark.parametrize("before, after, length", BLOCKS, ids=[str(b[0]) for b in BLOCKS])
def test_a_visit_across_a_holiday_has_one_working_day_of_notice(team, before, after, length):
    asked = datetime.combine(before, time(9, 0), SH)
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", f"{after} 10:00", "--purpose", "talk",
             "--headcount", "3", "--json", env={"RECEPTIONCTL_NOW": asked.isoformat()})
    view = v.json()
    assert view["short_notice"] is True, (before, after)
    assert "1 working day of notice, the procedure needs 3" in v.stderr
    if length >= 7:  # e.g. National Day: eight calendar days away, almost no notice
        assert (after - before).days >= 8


MAKEUP = [d for d in (date(2026, 1, 1) + timedelta(n) for n in range(365)) if d.weekday() >= 5 and working(d)]


@pytest.mark.parametrize("makeup", MAKEUP, ids=[str(d) for d in MAKEUP])
def test_a_makeup_working_day_counts_as_notice(team, makeup):
    asked_day = makeup - timedelta(days=1)
    while not working(asked_day):
        asked_day -= timedelta(days=1)
    # the third working day after the request, counted with the holidays calendar
    day, counted = asked_day, 0
    while counted < 3:
        day += timedelta(days=1)
        counted += working(day)
    weekdays_only = sum(1 for i in range(1, (day - asked_day).days + 1)
                        if (asked_day + timedelta(i)).weekday() < 5
                        and (asked_day + timedelta(i)) not in holidays.country_holidays("CN", years=day.year))
    assert weekdays_only < 3, "without the make-up day the notice would be short"
    env = {"RECEPTIONCTL_NOW": datetime.combine(asked_day, time(9, 0), SH).isoformat()}
    on_time = team("--as", "li", "visit", "new", "--client", "Acme", "--at", f"{day} 09:00", "--purpose", "talk",
                   "--headcount", "3", "--json", env=env)
    assert on_time.json()["short_notice"] is False and on_time.stderr == ""


def test_urgent_reception_counts_hours(team):
    quick = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "+20h", "--purpose", "talk",
                 "--headcount", "2", "--urgent", "--json")
    assert quick.json()["short_notice"] is True and quick.json()["urgent"] is True
    assert "20 hours before the start, an urgent reception needs 24" in quick.stderr
    fine = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "+30h", "--purpose", "talk",
                "--headcount", "2", "--urgent", "--json")
    assert fine.json()["short_notice"] is False and fine.stderr == ""


def test_notice_follows_policy(team, db_target):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE policy SET value = '1' WHERE key = 'lead_working_days'"))
    engine.dispose()
    # Tuesday 09:00 -> Thursday 10:00: 2 working days, enough for a 1-day lead
    assert new_visit(team, at="2026-11-26 10:00")["short_notice"] is False


# -- the plan -----------------------------------------------------------------------------
def test_plan_sheet_shows_everything_a_host_needs(team):
    vid = new_visit(team, "--venue", "Room A")["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")
    team("--as", "li", "plan", "assign", str(vid), "--role", "tech", "--staff", "chen")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--until", "2026-12-01 10:30",
         "--title", "Welcome and introductions", "--place", "Lobby", "--owner", "li")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:30", "--title", "Product demo", "--owner", "chen")
    team("--as", "li", "plan", "set", str(vid), "--budget", "5000", "--per-person", "150", "--catering", "Lunch",
         "--lodging", "Hotel Jinjiang", "--transport", "Car from the station", "--nda")
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid), "--note", "fine")
    sheet = team("plan", "show", str(vid), "--json").json()
    assert [i["title"] for i in sheet["items"]] == ["Welcome and introductions", "Product demo"]
    assert {(a["role"], a["staff"], a["backup"]) for a in sheet["assignments"]} == {("host", "li", "wang"),
                                                                                  ("tech", "chen", None)}
    assert sheet["contacts"][0]["diet"] == "no pork" and sheet["contacts"][0]["needs"] == "wheelchair access"
    assert sheet["budget"] == 5000 and sheet["per_person"] == 150 and sheet["meals_total"] == 750
    assert sheet["nda"] is True
    assert [(t["actor"], t["action"]) for t in sheet["trail"]] == [("li", "drafted"), ("li", "submitted"),
                                                                   ("gm", "approved")]
    text = team("plan", "show", str(vid)).stdout
    for needle in ("Welcome and introductions", "Li Na (li)", "Wang Lei (wang)", "no pork", "wheelchair access",
                   "150.00 per person × 5 = 750.00", "NDA", "Approval trail", "approved"):
        assert needle in text, needle
    assert "\x1b[" not in text and "…" not in text


def test_submit_needs_host_item_and_level1_backup(team, cli, unchanged):
    vid = new_visit(team, "--level", "1")["id"]
    with unchanged():
        run = cli("--as", "li", "plan", "submit", str(vid))
    one_error_line(run, 1, "no primary host", "no agenda item")
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "Welcome")
    one_error_line(cli("--as", "li", "plan", "submit", str(vid)), 1, "backup for the host")
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")
    assert team("--as", "li", "plan", "submit", str(vid), "--json").json()["plan_status"] == "submitted"


def test_per_person_standard_within_policy_limit(team, cli):
    vid = new_visit(team)["id"]
    ready(team, vid)
    team("policy", "set", "per_person_limit", "120")
    run = team("--as", "li", "plan", "set", str(vid), "--per-person", "150")
    assert "over the policy limit 120" in run.stderr
    one_error_line(cli("--as", "li", "plan", "submit", str(vid)), 1, "over the policy limit")
    team("--as", "li", "plan", "set", str(vid), "--per-person", "120")
    team("--as", "li", "plan", "submit", str(vid))


def test_approving_your_own_submission_is_not_allowed(team, cli, unchanged):
    vid = new_visit(team, who="gm2")["id"]
    ready(team, vid, who="gm2")
    team("--as", "gm2", "plan", "submit", str(vid))
    with unchanged():
        one_error_line(cli("--as", "gm2", "plan", "approve", str(vid)), 4, "gm2")
    assert team("--as", "gm", "plan", "approve", str(vid), "--json").json()["plan_status"] == "approved"


def test_approving_a_draft_is_refused(team, cli, unchanged):
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "gm", "plan", "approve", str(vid)), 1, "draft", "submitted")


def test_non_approver_cannot_approve_or_reject(team, cli, unchanged):
    vid = new_visit(team)["id"]
    ready(team, vid)
    team("--as", "li", "plan", "submit", str(vid))
    with unchanged():
        one_error_line(cli("--as", "wang", "plan", "approve", str(vid)), 4, "wang")
        one_error_line(cli("--as", "wang", "plan", "reject", str(vid), "--reason", "no"), 4, "wang")


def test_reject_needs_a_reason_then_resubmit(team, cli, unchanged):
    vid = new_visit(team)["id"]
    ready(team, vid)
    team("--as", "li", "plan", "submit", str(vid))
    with unchanged():
        one_error_line(cli("--as", "gm", "plan", "reject", str(vid), "--reason", "  "), 2, "reason")
    rejected = team("--as", "gm", "plan", "reject", str(vid), "--reason", "budget too high", "--json").json()
    assert rejected["plan_status"] == "rejected" and rejected["status"] == "planning"
    team("--as", "li", "plan", "set", str(vid), "--budget", "3000")
    team("--as", "li", "plan", "submit", str(vid))
    trail = team("plan", "show", str(vid), "--json").json()["trail"]
    assert [t["action"] for t in trail] == ["drafted", "submitted", "rejected", "submitted"]
    assert trail[2]["note"] == "budget too high"


@pytest.mark.parametrize(
    "change",
    [
        ["plan", "item", "{v}", "--at", "2026-12-01 11:00", "--title", "Lunch"],
        ["plan", "assign", "{v}", "--role", "guide", "--staff", "chen"],
        ["plan", "set", "{v}", "--budget", "9000"],
        ["plan", "set", "{v}", "--nda"],
        ["visit", "reschedule", "{v}", "--at", "2026-12-02 10:00"],
    ],
)
def test_any_change_to_an_approved_plan_needs_reapproval(team, change):
    vid = approved(team)
    team("--as", "li", *[a.format(v=vid) for a in change])
    v = team("visit", "show", str(vid), "--json").json()
    assert v["plan_status"] == "draft" and v["status"] == "planning"
    assert v["reapproval"].startswith("changed after approval")
    assert "re-approval needed" in team("visit", "show", str(vid)).stdout
    assert "RE-APPROVAL NEEDED" in team("plan", "show", str(vid)).stdout
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    assert team("visit", "show", str(vid), "--json").json()["reapproval"] is None


def test_same_value_is_not_a_change(team):
    vid = approved(team)
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")
    assert team("visit", "show", str(vid), "--json").json()["plan_status"] == "approved"


def test_reschedule_moves_the_agenda_and_keeps_the_length(team):
    vid = new_visit(team, "--hours", "3")["id"]
    ready(team, vid)
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-03 14:00")
    v = team("visit", "show", str(vid), "--json").json()
    assert v["starts_at"] == "2026-12-03T14:00:00+08:00" and v["ends_at"] == "2026-12-03T17:00:00+08:00"
    items = team("plan", "show", str(vid), "--json").json()["items"]
    assert items[0]["starts_at"] == "2026-12-03T14:00:00+08:00"


def test_reschedule_to_short_notice_warns(team):
    vid = new_visit(team)["id"]
    run = team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-11-25 10:00", "--json")
    assert run.json()["short_notice"] is True and "short notice" in run.stderr


def test_cancel_needs_a_reason_and_not_after_completion(team, cli, unchanged, db_target):
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "cancel", str(vid), "--reason", ""), 2, "reason")
        one_error_line(cli("--as", "li", "visit", "cancel", str(vid)), 2, "--reason")
    set_status(db_target, vid, "completed")
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "cancel", str(vid), "--reason", "x"), 1, "completed")


def test_unknown_visit_exits_3(team, cli):
    for args in (["visit", "show", "99"], ["plan", "show", "99"], ["--as", "li", "plan", "submit", "99"],
                 ["--as", "li", "visit", "cancel", "99", "--reason", "x"]):
        one_error_line(cli(*args), 3, "99")


def test_bad_plan_values(team, cli, unchanged):
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "set", str(vid), "--budget", "lots"), 2, "lots")
        one_error_line(cli("--as", "li", "plan", "set", str(vid), "--per-person", "-5"), 2, "-5")
        one_error_line(cli("--as", "li", "plan", "set", str(vid)), 2, "nothing to set")
        one_error_line(cli("--as", "li", "plan", "assign", str(vid), "--role", "juggler", "--staff", "li"), 2, "juggler")
        one_error_line(cli("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li",
                           "--backup", "li"), 1, "own backup")
        one_error_line(cli("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 11:00",
                           "--until", "2026-12-01 10:00", "--title", "x"), 2, "not after")
        one_error_line(cli("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 11:00",
                           "--title", "x", "--owner", "ghost"), 3, "ghost")


# -- state × action through the real database --------------------------------------------
def set_status(db_target, vid, status, plan_status=None):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE visit SET status = :s WHERE id = :v"), {"s": status, "v": vid})
        if plan_status:
            conn.execute(text("UPDATE plan SET status = :s WHERE visit_id = :v"), {"s": plan_status, "v": vid})
    engine.dispose()


STATES = {  # visit status: matching plan status
    "planning": "draft", "submitted": "submitted", "approved": "approved", "in_progress": "approved",
    "completed": "approved", "closed": "approved", "cancelled": "draft",
}
ACTIONS = {
    "submit": (["--as", "li", "plan", "submit"], {"planning"}),
    "approve": (["--as", "gm", "plan", "approve"], {"submitted"}),
    "reject": (["--as", "gm", "plan", "reject", "--reason", "no"], {"submitted"}),
    "item": (["--as", "li", "plan", "item", "--at", "2026-12-01 11:00", "--title", "Tea"],
             {"planning", "submitted", "approved", "in_progress"}),
    "reschedule": (["--as", "li", "visit", "reschedule", "--at", "2026-12-02 10:00"],
                   {"planning", "submitted", "approved"}),
    "cancel": (["--as", "li", "visit", "cancel", "--reason", "no"], {"planning", "submitted", "approved"}),
}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_state_action_pairs_on_the_database(team, cli, db_target, state, action):
    vid = new_visit(team)["id"]
    ready(team, vid)
    set_status(db_target, vid, state, STATES[state])
    args, allowed = ACTIONS[action]
    # the visit id goes right after the sub-command
    at = args.index("plan") + 2 if "plan" in args else args.index("visit") + 2
    argv = args[:at] + [str(vid)] + args[at:]
    before = snapshot(db_target)
    run = cli(*argv)
    if state in allowed:
        assert run.exit_code == 0, run.stderr
    else:
        one_error_line(run, 1)
        line = run.stderr.splitlines()[0]
        assert f"visit {vid} is {state.replace('_', ' ')}" in line or f"visit {vid} is {STATES[state]}" in line, line
        assert snapshot(db_target) == before


# -- clashes ------------------------------------------------------------------------------
def test_person_and_venue_clashes_are_warned_and_listed(team):
    a = new_visit(team, "--venue", "Room A", "--host", "wang")["id"]
    b = new_visit(team, "--venue", "room  a", at="2026-12-01 11:00")["id"]
    c = new_visit(team, "--venue", "Room A", at="2026-12-01 12:00")["id"]  # a ends at 12:00: no clash with a
    run = team("--as", "li", "plan", "assign", str(b), "--role", "greeter", "--staff", "chen", "--backup", "wang")
    assert f"wang is also on visit {a}" in run.stderr
    shown = team("visit", "show", str(b), "--json").json()["clashes"]
    assert f"visit {b}: wang is also on visit {a}" in shown
    assert f"visit {b}: venue 'room a' is also booked for visit {a}" in shown
    assert f"venue 'room a' is also booked for visit {c}" in " ".join(shown)
    a_clashes = team("plan", "show", str(a), "--json").json()["clashes"]
    assert any(f"visit {b}" in x for x in a_clashes) and not any(f"visit {c}" in x for x in a_clashes)
    assert "Clashes" in team("plan", "show", str(a)).stdout
    team("--as", "li", "visit", "cancel", str(b), "--reason", "moved")
    assert team("visit", "show", str(a), "--json").json()["clashes"] == []


def test_visit_changes_are_audited(team):
    vid = approved(team)
    actions = [e["action"] for e in team("audit", "--visit", str(vid), "--json").json()]
    assert actions == ["visit.new", "plan.assign", "plan.item", "plan.submit", "plan.approve"]


# -- found in review ----------------------------------------------------------------------
def test_notice_is_counted_in_the_company_zone_whatever_the_display_zone(team):
    asked = {"RECEPTIONCTL_NOW": "2026-09-28T09:00:00+08:00"}
    for tz in ("Asia/Shanghai", "UTC", "America/New_York"):
        v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-10-08T07:30+08:00",
                 "--purpose", "talk", "--headcount", "2", "--json", env={**asked, "RECEPTIONCTL_TZ": tz})
        assert v.json()["short_notice"] is True, tz
        assert "2 working days of notice" in v.stderr, (tz, v.stderr)


def test_reschedule_to_the_same_time_changes_nothing(team):
    vid = approved(team)
    run = team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-01 10:00", "--json")
    assert run.json()["plan_status"] == "approved" and "nothing changed" in run.stderr


def test_reschedule_keeps_the_length_unless_told(team):
    vid = new_visit(team, "--hours", "3")["id"]
    run = team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-02 09:00", "--hours", "1", "--json")
    assert run.json()["ends_at"] == "2026-12-02T10:00:00+08:00"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--headcount", "99999999999999999999"], "headcount"),
        (["--headcount", "10001"], "headcount"),
        (["--venue", "V" * 301], "too long"),
        (["--until", "2028-10-12 10:00"], "too far"),
    ],
)
def test_visit_new_limits(team, cli, unchanged, args, needle):
    with unchanged():
        run = cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
                  *(["--headcount", "2"] if "--headcount" not in args else []), *args)
    one_error_line(run, 2, needle)


def test_huge_ids_are_bad_input_or_not_found(team, cli):
    one_error_line(cli("visit", "show", "99999999999999999999"), 2, "99999999999999999999")
    one_error_line(cli("visit", "show", "3000000000"), 2, "3000000000")
    one_error_line(cli("task", "done", "3000000000"), 2, "3000000000")
    one_error_line(cli("client", "show", "3000000000"), 3, "3000000000")


@pytest.mark.parametrize("value", ["1e26", "1,5", "0.001", "NaN", "-1"])
def test_bad_amounts(team, cli, unchanged, value):
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "set", str(vid), "--budget", value), 2, value)


def test_place_length(team, cli, unchanged):
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "x",
                           "--place", "P" * 301), 2, "too long")


def test_confirmation_shows_both_dates_for_a_long_visit(team):
    run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--hours", "48",
               "--purpose", "tour", "--headcount", "2")
    assert "2026-12-01 10:00 – 2026-12-03 10:00" in run.stdout


def test_no_change_to_a_cancelled_plan_even_with_the_same_values(team, cli, unchanged):
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "set", str(vid), "--budget", "100")
    team("--as", "li", "visit", "cancel", str(vid), "--reason", "postponed")
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "set", str(vid), "--budget", "100"), 1, "cancelled")
    assert "Before it can be submitted" not in team("plan", "show", str(vid)).stdout


def test_the_audit_log_records_a_new_visits_times_in_the_zone_they_were_given(team):
    """The visit's times in its audit event are the ones written (here at +08:00, the company's
    zone), not the same moments read back from the database in UTC: the log reads as it always
    did, since the visit's read moved to the light handles."""
    vid = new_visit(team, at="2026-12-01 10:00")["id"]
    new = next(e for e in team("audit", "--json").json() if e["action"] == "visit.new")
    assert new["visit_id"] == vid
    assert new["after"]["starts_at"] == "2026-12-01T10:00:00+08:00", new["after"]
    assert new["after"]["ends_at"].endswith("+08:00"), new["after"]
