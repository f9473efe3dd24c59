"""Times and deadlines a coordinator can trust: the company's zone, no task born overdue,
deadlines that land on days off, visits on days off, completion that keeps work, seed
fidelity (video, IT on site, callback after an incident, who may host), and notice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit, ready

NO_TZ = {"RECEPTIONCTL_TZ": None}  # no override: the company's zone must come from the policy


def tasks_of(ok, vid, env=None, state="all"):
    return {t["key"]: t for t in ok("task", "list", "--visit", str(vid), "--state", state, "--json", env=env).json()}


def _utc(value) -> str:
    """A stored moment as UTC text: SQLite keeps naive UTC text, PostgreSQL an aware value."""
    from datetime import datetime, timezone

    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return str(value)[:16]


def stored_starts(db_target: str) -> list:
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    try:
        with engine.connect() as conn:
            return [_utc(r[0]) for r in conn.execute(text("SELECT starts_at FROM visit ORDER BY id"))]
    finally:
        engine.dispose()


# -- 1. one time zone: the company's ---------------------------------------------------------
@pytest.mark.slow  # a process per machine zone (the zone is read at start-up)
@pytest.mark.parametrize("machine_tz", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_the_machine_zone_never_changes_the_stored_instant(team, db_target, machine_tz):
    """A whole process, as cron or a colleague's shell runs it: only the machine's TZ differs."""
    env = {k: v for k, v in os.environ.items() if k != "RECEPTIONCTL_TZ"}
    env.update(TZ=machine_tz, RECEPTIONCTL_USER="li")
    run = subprocess.run(
        [sys.executable, "-m", "receptionctl", "visit", "new", "--client", "Acme", "--at", "2026-12-10 10:00",
         "--purpose", "talk", "--headcount", "2", "--json"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    import json

    assert json.loads(run.stdout)["starts_at"] == "2026-12-10T10:00:00+08:00"
    assert stored_starts(db_target) == ["2026-12-10 02:00"]  # 10:00 in Shanghai, stored as UTC
    info = subprocess.run([sys.executable, "-m", "receptionctl", "db", "info", "--json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert json.loads(info.stdout)["time_zone"] == "Asia/Shanghai"
    assert json.loads(info.stdout)["time_zone_from"].startswith("policy work_zone")
    assert "warn" not in run.stderr.lower()  # nothing nags about the machine's zone on every run


def test_the_policy_zone_is_the_default_and_tz_overrides_for_one_run(team, db_target):
    v = new_visit(team, at="2026-12-10 10:00")  # the suite's env pins RECEPTIONCTL_TZ; drop it below
    assert v["starts_at"] == "2026-12-10T10:00:00+08:00"
    team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-11 10:00", "--purpose", "talk",
         "--headcount", "2", env=NO_TZ)
    berlin = team("--tz", "Europe/Berlin", "--as", "li", "visit", "new", "--client", "Acme", "--at",
                  "2026-12-12 10:00", "--purpose", "talk", "--headcount", "2", "--json", env=NO_TZ).json()
    assert berlin["starts_at"] == "2026-12-12T10:00:00+01:00"
    assert stored_starts(db_target) == ["2026-12-10 02:00", "2026-12-11 02:00", "2026-12-12 09:00"]
    shown = team("visit", "show", str(berlin["id"]), "--json", env=NO_TZ).json()
    assert shown["starts_at"] == "2026-12-12T17:00:00+08:00"  # shown in the company's zone again
    info = team("db", "info", "--json", env=NO_TZ).json()
    assert info["time_zone"] == "Asia/Shanghai" and info["time_zone_from"].startswith("policy work_zone")
    info = team("--tz", "UTC", "db", "info", "--json", env=NO_TZ).json()
    assert info["time_zone"] == "UTC" and info["time_zone_from"] == "--tz"
    info = team("db", "info", "--json", env={"RECEPTIONCTL_TZ": "Asia/Tokyo"}).json()
    assert info["time_zone_from"] == "RECEPTIONCTL_TZ"
    assert "times are read and shown in Asia/Shanghai" in team("policy", "show", env=NO_TZ).stderr


def test_a_company_elsewhere_sets_its_work_zone(team, db_target):
    team("policy", "set", "work_zone", "Europe/Berlin")
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-10 10:00", "--purpose", "talk",
             "--headcount", "2", "--json", env=NO_TZ).json()
    assert v["starts_at"] == "2026-12-10T10:00:00+01:00"
    assert stored_starts(db_target) == ["2026-12-10 09:00"]


def test_a_bad_tz_option_exits_2(team, cli):
    one_error_line(cli("--tz", "Mars/Olympus", "visit", "list"), 2, "Mars/Olympus", "--tz")


def test_a_pinned_now_without_offset_is_read_in_the_company_zone(team):
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "+1h", "--purpose", "talk", "--headcount",
             "2", "--urgent", "--json", env={**NO_TZ, "RECEPTIONCTL_NOW": "2026-12-01T09:00"}).json()
    assert v["starts_at"] == "2026-12-01T10:00:00+08:00"


# -- 2. no task is born overdue ----------------------------------------------------------------
RECORDED = {"RECEPTIONCTL_NOW": "2026-02-12T11:00:00+08:00"}  # Thursday, before the Spring Festival


def test_an_urgent_visit_gets_a_compressed_schedule_not_overdue_tasks(team):
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-02-13 12:00", "--purpose", "tech",
             "--headcount", "4", "--urgent", "--json", env=RECORDED).json()
    tasks = tasks_of(team, v["id"], env=RECORDED)
    assert not [t for t in tasks.values() if t["overdue"]], "no task is born overdue"
    prep = [t for t in tasks.values() if t["stage"] in ("prepare", "receive")]
    assert all("2026-02-12T11:00:00+08:00" <= t["due_at"] < "2026-02-13T12:00:00+08:00" for t in prep
               if t["stage"] == "prepare")
    squeezed = sorted((t for t in prep if t["planned_at"]), key=lambda t: (t["due_at"], t["id"]))
    # start-3wd and start-2wd (Tue 10, Wed 11) had passed; start-1wd (Thu 12 12:00) had not
    assert {t["key"] for t in squeezed} == {"confirm-details", "brief-departments", "draft-plan", "approve-plan",
                                            "purchase-check"}
    # the procedure's order is kept: sorting by the new due time keeps the planned order
    planned = [t["planned_at"] for t in squeezed]
    assert planned == sorted(planned)
    assert tasks["confirm-details"]["due_at"] == tasks["draft-plan"]["due_at"]  # one deadline, one slot
    assert tasks["draft-plan"]["due_at"] < tasks["approve-plan"]["due_at"]  # drafted before approved
    # tasks still on time keep their procedure time, and every squeezed one comes before them
    on_time = [t for t in prep if not t["planned_at"]]
    assert max(t["due_at"] for t in squeezed) <= min(t["due_at"] for t in on_time)
    sheet = team("checklist", str(v["id"]), "--json", env=RECORDED).json()
    assert "the visit was recorded 2026-02-12 11:00, 25 h before the start" in sheet["compressed"]
    text = team("checklist", str(v["id"]), env=RECORDED).stdout
    assert "schedule compressed:" in text


def test_a_reschedule_to_short_notice_compresses_and_a_later_one_restores(team):
    vid = new_visit(team)["id"]  # Tue 1 Dec, recorded Tue 24 Nov 09:00: on time
    assert not any(t["planned_at"] for t in tasks_of(team, vid).values())
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-11-25 15:00")
    tasks = tasks_of(team, vid)
    assert not [t for t in tasks.values() if t["overdue"]]
    assert tasks["draft-plan"]["planned_at"] and tasks["draft-plan"]["due_at"] > "2026-11-24T09:00:00+08:00"
    assert "the visit was rescheduled" in team("checklist", str(vid), "--json").json()["compressed"]
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-08 10:00")
    tasks = tasks_of(team, vid)
    assert not any(t["planned_at"] for t in tasks.values())
    assert tasks["draft-plan"]["due_at"] == "2026-12-03T10:00:00+08:00"  # start-3wd again
    assert team("checklist", str(vid), "--json").json()["compressed"] is None


def test_an_nda_required_late_is_not_born_overdue(team):
    vid = new_visit(team, at="2026-11-24 18:00")["id"]  # today: start-1wd (Mon 23) has passed
    team("--as", "li", "plan", "set", str(vid), "--nda")
    nda = tasks_of(team, vid)["nda"]
    assert nda["overdue"] is False and nda["planned_at"] is not None


# -- 3. deadlines that land on days off ----------------------------------------------------------
def completed_on(team, at: str, until: str, env: dict):
    early = {"RECEPTIONCTL_NOW": "2026-01-20T09:00:00+08:00"}
    vid = team("--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--until", until, "--purpose",
               "talk", "--headcount", "2", "--host", "li", "--json", env=early).json()["id"]
    team("--as", "li", "plan", "item", str(vid), "--at", at, "--title", "Welcome", env=early)
    team("--as", "li", "plan", "submit", str(vid), env=early)
    team("--as", "gm", "plan", "approve", str(vid), env=early)
    team("--as", "li", "visit", "complete", str(vid), env=env)
    return vid


def test_calendar_day_deadlines_roll_to_the_next_working_day(team):
    after = {"RECEPTIONCTL_NOW": "2026-02-14T12:30:00+08:00"}
    vid = completed_on(team, "2026-02-14 10:00", "2026-02-14 12:00", after)  # Sat 14: a make-up working day
    tasks = tasks_of(team, vid, env=after)
    assert tasks["callback"]["due_at"] == "2026-02-15T12:00:00+08:00"  # 24 h: hours never roll
    # end+3d is Tue 17, in the Spring Festival: the next working day is Tue 24, same time
    assert tasks["proposal"]["due_at"] == "2026-02-24T12:00:00+08:00"
    assert tasks["second-meeting"]["due_at"] == "2026-02-24T12:00:00+08:00"  # Sat 21 (off) -> Tue 24


def test_the_roll_is_a_policy_switch(team):
    team("policy", "set", "roll_to_working_day", "off")
    after = {"RECEPTIONCTL_NOW": "2026-02-14T12:30:00+08:00"}
    vid = completed_on(team, "2026-02-14 10:00", "2026-02-14 12:00", after)
    assert tasks_of(team, vid, env=after)["proposal"]["due_at"] == "2026-02-17T12:00:00+08:00"


@pytest.mark.parametrize("at, venue_due", [
    ("2026-03-09 10:00", "2026-03-06T10:00:00+08:00"),  # start-1d is Sun 8 Mar -> Fri 6
    ("2026-03-02 10:00", "2026-02-28T10:00:00+08:00"),  # Sun 1 Mar -> Sat 28 Feb, a make-up working day
])
def test_a_deadline_before_the_visit_rolls_back_never_towards_it(team, at, venue_due):
    now = {"RECEPTIONCTL_NOW": "2026-02-25T09:00:00+08:00"}
    vid = team("--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--purpose", "talk",
               "--headcount", "2", "--json", env=now).json()["id"]
    tasks = tasks_of(team, vid, env=now)
    assert tasks["set-up-venue"]["due_at"] == venue_due
    assert tasks["host-early"]["due_at"] == at.replace(" 10:00", "T09:50:00+08:00")  # minutes never roll


def test_the_contract_checks_still_hold(team):
    now = {"RECEPTIONCTL_NOW": "2026-02-13T09:00:00+08:00"}
    v = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-02-24 10:00", "--purpose", "talk",
             "--headcount", "2", "--json", env=now)
    assert v.json()["short_notice"] is True  # Fri 13 and the make-up Sat 14: two working days
    assert "2 working days of notice" in v.stderr
    tasks = tasks_of(team, v.json()["id"], env=now)
    assert tasks["approve-plan"]["due_at"] == "2026-02-13T10:00:00+08:00"  # start-2wd
    after = {"RECEPTIONCTL_NOW": "2026-02-12T12:30:00+08:00"}
    vid = completed_on(team, "2026-02-12 10:00", "2026-02-12 12:00", after)
    assert tasks_of(team, vid, env=after)["evaluation"]["due_at"] == "2026-02-24T12:00:00+08:00"  # end+3wd


# -- 4. visits on days off -------------------------------------------------------------------------
@pytest.mark.parametrize("at, named", [("2026-02-16 10:00", "Chinese New Year's Eve"),
                                       ("2026-12-05 10:00", "Saturday")])
def test_a_visit_on_a_day_off_is_recorded_with_a_warning(team, at, named):
    run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--purpose", "tour",
               "--headcount", "3", env={"RECEPTIONCTL_NOW": "2026-01-20T09:00:00+08:00"})
    assert "a day off" in run.stderr and named in run.stderr


def test_a_visit_on_a_working_day_or_a_makeup_saturday_is_not_warned(team):
    for at in ("2026-02-13 10:00", "2026-02-14 10:00"):  # Fri; the make-up working Sat
        run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--purpose", "tour",
                   "--headcount", "3", env={"RECEPTIONCTL_NOW": "2026-01-20T09:00:00+08:00"})
        assert "day off" not in run.stderr, at


def test_a_reschedule_onto_a_day_off_warns(team):
    vid = new_visit(team)["id"]
    run = team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-06 10:00")
    assert "Sunday" in run.stderr


# -- 5. completing a visit does not throw work away -----------------------------------------------
DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}
AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}


def test_completion_marks_open_preparation_missed_and_keeps_later_work(team):
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "set", str(vid), "--nda")  # the NDA is never signed
    ready(team, vid)
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    run = team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    assert "missed" in run.stderr and "nda" in run.stderr and "train-staff" in run.stderr
    tasks = tasks_of(team, vid, env=AFTER)
    assert tasks["nda"]["state"] == "missed" and tasks["train-staff"]["state"] == "missed"
    assert tasks["route-video"]["state"] == "open"  # due after the visit ends
    assert tasks["callback"]["state"] == "open" and tasks["evaluation"]["state"] == "open"
    sheet = team("checklist", str(vid), "--json", env=AFTER).json()
    assert "nda" in sheet["missed"]
    assert "missed at completion" in team("checklist", str(vid), env=AFTER).stdout
    completed = [e for e in team("audit", "--json").json() if e["action"] == "visit.complete"][-1]
    assert "nda" in completed["after"]["missed"]


def test_the_video_archive_is_done_after_completion_not_refused(team):
    vid = approved(team)
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    video = tasks_of(team, vid, env=AFTER)["route-video"]
    run = team("--as", "li", "task", "done", str(video["id"]), env=AFTER)
    assert "done" in run.stdout


def test_a_missed_task_can_be_recorded_done_late_with_the_real_time(team, cli, unchanged):
    vid = approved(team)
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    train = tasks_of(team, vid, env=AFTER)["train-staff"]
    with unchanged():
        one_error_line(cli("--as", "li", "task", "done", str(train["id"]), "--at", "2026-12-02 10:00", env=AFTER),
                       2, "future")
        one_error_line(cli("--as", "li", "task", "done", str(train["id"]), "--at", "someday", env=AFTER),
                       2, "someday")
        one_error_line(cli("--as", "li", "task", "done", str(train["id"]), "--at", "2020-01-01 10:00", env=AFTER),
                       2, "before task")
    run = team("--as", "li", "task", "done", str(train["id"]), "--at", "2026-12-01 09:00", "--note",
               "briefed at the door", env=AFTER)
    assert "(late)" in run.stdout
    done = tasks_of(team, vid, env=AFTER)["train-staff"]
    assert done["state"] == "done" and done["done_at"] == "2026-12-01T09:00:00+08:00"
    event = [e for e in team("audit", "--json").json() if e["action"] == "task.done"][-1]
    assert event["before"]["state"] == "missed" and event["after"]["late"] is True


def test_a_task_done_on_time_is_not_late(team):
    vid = new_visit(team)["id"]
    tid = tasks_of(team, vid)["confirm-details"]["id"]
    team("--as", "li", "task", "done", str(tid))
    event = [e for e in team("audit", "--json").json() if e["action"] == "task.done"][-1]
    assert event["after"]["late"] is False


# -- 6. seed fidelity ----------------------------------------------------------------------------
def test_any_equipment_incident_brings_tech_on_site_in_five_minutes(team):
    vid = approved(team)
    team("--as", "li", "plan", "assign", str(vid), "--role", "tech", "--staff", "chen", env=DAY)
    inc = team("--as", "li", "incident", "add", str(vid), "--kind", "equipment", "--severity", "low",
               "--text", "Microphone crackles", "--json", env=DAY).json()
    tasks = tasks_of(team, vid, env=DAY, state="open")
    onsite = tasks[f"onsite-incident-{inc['id']}"]
    assert onsite["owner"] == "chen" and onsite["owner_role"] == "tech"
    assert onsite["due_at"] == "2026-12-01T10:10:00+08:00"
    assert f"escalate-incident-{inc['id']}" not in tasks  # low: no escalation to the superior


def test_without_tech_the_logistics_person_goes(team):
    vid = approved(team)
    team("--as", "li", "plan", "assign", str(vid), "--role", "logistics", "--staff", "chen", env=DAY)
    inc = team("--as", "li", "incident", "add", str(vid), "--kind", "equipment", "--severity", "medium",
               "--text", "Network down", "--json", env=DAY).json()
    assert tasks_of(team, vid, env=DAY)[f"onsite-incident-{inc['id']}"]["owner"] == "chen"


def test_resolving_an_incident_that_affected_the_client_creates_a_callback(team):
    vid = approved(team)
    inc = team("--as", "li", "incident", "add", str(vid), "--kind", "other", "--severity", "medium",
               "--text", "Lunch served late", "--json", env=DAY).json()
    internal = team("--as", "li", "incident", "add", str(vid), "--kind", "other", "--severity", "low",
                    "--text", "Printer jammed before they came", "--internal", "--json", env=DAY).json()
    assert internal["affects_client"] is False
    team("--as", "li", "incident", "resolve", str(inc["id"]), "--text", "apologised, dessert offered", env=DAY)
    team("--as", "li", "incident", "resolve", str(internal["id"]), "--text", "fixed", env=DAY)
    tasks = tasks_of(team, vid, env=DAY)
    callback = tasks[f"incident-callback-{inc['id']}"]
    assert callback["owner"] == "li" and callback["due_at"] == "2026-12-02T10:05:00+08:00"  # within 24 h
    assert f"incident-callback-{internal['id']}" not in tasks


def test_only_hosts_or_coordinators_may_host(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00",
                           "--purpose", "talk", "--headcount", "2", "--host", "chen"), 1, "chen", "host")
    vid = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "chen"),
                       1, "chen")
        one_error_line(cli("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "wang",
                           "--backup", "gm"), 1, "gm")
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "wang", "--backup", "gm2")
    team("--as", "li", "plan", "assign", str(vid), "--role", "greeter", "--staff", "chen")  # other roles: anyone


# -- 7. dates as people type them, on the command line ---------------------------------------------
@pytest.mark.parametrize("at, starts", [
    ("明天 10:00", "2026-11-25T10:00:00+08:00"),
    ("下周一 下午2点", "2026-11-30T14:00:00+08:00"),
    ("2026/12/01 10:00", "2026-12-01T10:00:00+08:00"),
    ("12-01 2pm", "2026-12-01T14:00:00+08:00"),
    ("next mon 10am", "2026-11-30T10:00:00+08:00"),
])
def test_visit_new_reads_the_forms_people_type(team, at, starts):
    assert new_visit(team, at=at)["starts_at"] == starts


# -- 8. notice shown as it is ----------------------------------------------------------------------
def test_the_notice_shown_is_the_notice_given(team):
    vid = new_visit(team, at="2026-12-01 10:00")["id"]  # Tue 24 Nov 09:00 -> Tue 1 Dec 10:00
    shown = team("visit", "show", str(vid), "--json").json()
    assert shown["notice"] == "5 working days of notice, the procedure needs 3"
    short = new_visit(team, at="2026-11-26 10:00")["id"]
    assert team("visit", "show", str(short), "--json").json()["notice"].startswith("2 working days of notice")


def test_the_roll_switch_takes_on_or_off_only(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("policy", "set", "roll_to_working_day", "maybe"), 2, "maybe", "on or off")
    assert team("policy", "show", "--json").json()["roll_to_working_day"] is True


def test_an_unknown_calendar_country_is_refused_when_set(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("policy", "set", "country", "XX"), 2, "XX")
        one_error_line(cli("policy", "set", "country", "not a code"), 2, "not a code")
