"""Relationship care and the keepers of clients (issue 26, seed 001: birthdays, holidays and
congratulations; a VIP client's dedicated manager; seed 002: client information kept by a named
person; seed 004: the reception levels)."""

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit

# the suite's morning is Tuesday 2026-11-24; New Year's Day 2027 is 38 days ahead
NEW_YEAR_WEEK = {"RECEPTIONCTL_NOW": "2026-12-28T08:00:00+08:00"}  # a Monday


def audit_of(ok, action):
    return [e for e in ok("audit", "--json").json() if e["action"] == action]


def care_tasks(ok, env=None, state="open"):
    return ok("task", "list", "--stage", "care", "--state", state, "--json", env=env).json()


# -- birthdays, anniversaries, care dates ------------------------------------------------------
def test_a_contact_takes_a_birthday_with_or_without_the_year(team, cli, unchanged):
    c = team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-27", "--json").json()
    assert c["birthday"] == "11-27"
    edited = team("contact", "edit", str(c["id"]), "--birthday", "1976年11月27日", "--json").json()
    assert edited["birthday"] == "1976-11-27"
    assert audit_of(team, "contact.edit")[-1]["after"] == {"birthday": "1976-11-27"}
    with unchanged():
        for bad in ("13-01", "02-30", "1977-02-29", "someday"):
            one_error_line(cli("contact", "edit", str(c["id"]), "--birthday", bad), 2, "birthday", bad)
    assert team("contact", "edit", str(c["id"]), "--birthday", "", "--json").json()["birthday"] is None


def test_care_list_shows_birthdays_anniversaries_and_care_dates_with_their_years(team):
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "1976-11-27")
    team("client", "edit", "Acme", "--anniversary", "2016-12-02")
    team("care", "date", "add", "Acme", "New plant opens", "--on", "2026-12-05", "--once")
    team("care", "date", "add", "Acme", "Founding day", "--on", "1999-03-01")  # not in the next 14 days
    found = team("care", "list", "--json").json()
    assert [(o["day"], o["kind"], o["name"], o["years"]) for o in found] == [
        ("2026-11-27", "birthday", "Zhao Lei", 50), ("2026-12-02", "anniversary", "anniversary", 10),
        ("2026-12-05", "other", "New plant opens", None)]
    assert all(o["client"] == "Acme" and o["owner"] is None for o in found)  # no manager yet: any coordinator
    text = team("care", "list").stdout
    assert "birthday of Zhao Lei" in text and "anniversary (10 years)" in text and "any coordinator" in text
    later = team("care", "list", "--from", "2027-02-25", "--to", "2027-03-02", "--json").json()
    assert [(o["name"], o["years"]) for o in later] == [("Founding day", 28)]
    assert [d["name"] for d in team("care", "date", "list", "Acme", "--json").json()] == ["Founding day",
                                                                                         "New plant opens"]


def test_holidays_greet_the_policy_tiers_only(team):
    team("client", "add", "Blue Harbor", "--tier", "key")
    team("client", "add", "Greenfield")  # normal: not greeted on holidays
    found = team("care", "list", "--kind", "holiday", "--json", env=NEW_YEAR_WEEK).json()
    assert [(o["day"], o["name"], o["client"]) for o in found] == [
        ("2027-01-01", "new_year", "Acme"), ("2027-01-01", "new_year", "Blue Harbor")]
    team("policy", "set", "care_tiers", "vip")
    assert [o["client"] for o in team("care", "list", "--kind", "holiday", "--json", env=NEW_YEAR_WEEK).json()] \
        == ["Acme"]
    team("policy", "set", "care_holidays", "spring_festival,mid_autumn")
    assert team("care", "list", "--kind", "holiday", "--json", env=NEW_YEAR_WEEK).json() == []
    spring = team("care", "list", "--from", "2027-02-01", "--to", "2027-02-10", "--kind", "holiday", "--json").json()
    assert [(o["day"], o["name"]) for o in spring] == [("2027-02-06", "spring_festival")]  # from the holidays package


def test_care_input_is_checked(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("care", "list", "--kind", "party"), 2, "party")
        one_error_line(cli("care", "list", "--from", "12-10", "--to", "12-01"), 2, "before")
        one_error_line(cli("care", "date", "add", "Acme", "Open day", "--on", "12-05", "--once"), 2, "--once")
        one_error_line(cli("care", "date", "add", "Nobody", "Open day", "--on", "12-05"), 3, "Nobody")
        one_error_line(cli("--as", "chen", "care", "date", "add", "Acme", "Open day", "--on", "12-05"), 4)
        one_error_line(cli("care", "log", "Acme", "--kind", "birthday", "--note", " "), 2, "--note")
        one_error_line(cli("care", "log", "Acme", "--kind", "birthday", "--note", "card", "--contact", "Nobody"), 3)
        one_error_line(cli("care", "date", "remove", "99"), 3, "99")
        one_error_line(cli("policy", "set", "care_holidays", "christmas"), 2, "spring_festival")
        one_error_line(cli("policy", "set", "care_days_before", "-1"), 2, "must be 0 or more")


# -- the greeting tasks -------------------------------------------------------------------------
def test_the_greeting_task_falls_to_the_manager_days_before_and_generation_is_idempotent(team):
    team("client", "edit", "Acme", "--manager", "wang")
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-30")  # a Monday: due Friday 11-27
    (task,) = care_tasks(team)
    assert task["owner"] == "wang" and task["client"] == "Acme" and task["stage"] == "care"
    assert task["due_at"] == "2026-11-27T09:00:00+08:00"
    assert task["title"] == "Send birthday greetings to Zhao Lei of Acme (11-30)"
    assert team("care", "generate", "--json").json()["opened"] == []  # opened with the birthday already
    holiday = team("care", "generate", "--json", env=NEW_YEAR_WEEK).json()
    assert holiday["opened"] == ["care-holiday-1-new_year-20270101"]
    assert team("care", "generate", "--json", env=NEW_YEAR_WEEK).json()["opened"] == []
    new_year = [t for t in care_tasks(team, NEW_YEAR_WEEK) if "New Year" in t["title"]]
    assert len(new_year) == 1 and new_year[0]["due_at"] == "2026-12-29T09:00:00+08:00"  # 3 days before: 12-29
    assert [e["after"]["opened"] for e in audit_of(team, "care.sync")][-1] == ["care-holiday-1-new_year-20270101"]


def test_without_a_manager_the_coordinators_get_it_and_a_new_manager_takes_it_over(team):
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-30")
    (task,) = care_tasks(team)
    assert task["owner"] is None and task["owner_role"] == "coordinator"
    team("client", "edit", "Acme", "--manager", "wang")
    assert [t["owner"] for t in care_tasks(team)] == ["wang"]
    team("client", "edit", "Acme", "--manager", "li")
    assert [t["owner"] for t in care_tasks(team)] == ["li"]
    assert any(t["id"] == task["id"] for t in team("task", "list", "--owner", "li", "--json").json())


def test_an_occasion_that_goes_skips_its_open_task(team):
    team("policy", "set", "care_lookahead_days", "40")
    opened = team("care", "generate", "--json").json()["opened"]
    assert opened == ["care-holiday-1-new_year-20270101"]
    team("client", "edit", "Acme", "--tier", "normal")
    (skipped,) = care_tasks(team, state="skipped")
    assert skipped["key"] == "care-holiday-1-new_year-20270101" and "no longer" in skipped["note"]
    team("client", "edit", "Acme", "--tier", "vip")
    assert care_tasks(team) == []  # a key is opened once: the skipped one stays


def test_generation_reads_the_same_few_statements_whatever_the_number_of_clients(team, db_target):
    """Each measured run opens New Year's greeting for every VIP and key client (3, then 31), then
    rolls back: the statements are the same few."""
    from sqlalchemy import event

    from receptionctl.domain.care import care
    from receptionctl.domain.core import clock, policyedit
    from receptionctl.store.db import Database

    class Undo(Exception):
        pass

    def measure() -> tuple[int, int]:
        db = Database(db_target)
        seen: list[str] = []
        try:
            with db.session(write=True) as session:
                policyedit.set_value(session, "admin", "care_lookahead_days", "40")  # New Year is in it
                event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
                opened = care.sync(session, "admin").opened
                raise Undo
        except Undo:
            pass
        finally:
            db.dispose()
        return len(seen), len(opened)

    clock.pin(clock.now())
    counts = []
    for n in (2, 30):
        for i in range(len(counts) * 2, n):
            team("client", "add", f"Client {i:03d}", "--tier", "key")
            team("contact", "add", f"Client {i:03d}", f"Person {i}", "--birthday", "11-28")
        counts.append(measure())
    assert [opened for _n, opened in counts] == [3, 31]
    assert counts[0][0] == counts[1][0], counts


# -- greetings sent ------------------------------------------------------------------------------
def test_care_log_closes_the_greeting_task_and_is_kept(team, cli):
    team("client", "edit", "Acme", "--manager", "wang")
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-30")
    (task,) = care_tasks(team)
    refused = cli("--as", "wang", "task", "done", str(task["id"]))
    one_error_line(refused, 1, "greeting")
    assert "care log" in refused.stderr
    g = team("--as", "wang", "care", "log", "Acme", "--kind", "birthday", "--note", "card and flowers",
             "--json").json()
    assert (g["contact"], g["task_id"], g["day"], g["by"]) == ("Zhao Lei", task["id"], "2026-11-30", "wang")
    assert care_tasks(team) == []
    assert [t["id"] for t in care_tasks(team, state="done")] == [task["id"]]
    (o,) = team("care", "list", "--kind", "birthday", "--json").json()
    assert o["greeted_by"] == "wang" and o["task_state"] == "done"
    assert team("care", "history", "Acme", "--json").json()[0]["note"] == "card and flowers"
    assert audit_of(team, "care.log")[-1]["after"]["task"] == task["id"]
    other = team("care", "log", "Acme", "--kind", "other", "--note", "congratulations on the award")
    assert "greeting 2 recorded" in other.stdout and other.stderr == ""
    lone = team("care", "log", "Acme", "--kind", "holiday", "--note", "mooncakes")
    assert "no holiday of Acme" in lone.stderr
    assert len(team("care", "history", "--json").json()) == 3


# -- the keeper of a client ----------------------------------------------------------------------
def test_the_manager_must_be_able_to_host_and_be_active(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("client", "edit", "Acme", "--manager", "chen"), 1, "host or coordinator")
        one_error_line(cli("client", "edit", "Acme", "--manager", "nobody"), 3, "nobody")
        one_error_line(cli("--as", "chen", "client", "edit", "Acme", "--manager", "li"), 4)
    team("staff", "deactivate", "wang")
    one_error_line(cli("client", "edit", "Acme", "--manager", "wang"), 1, "inactive")
    view = team("client", "add", "Blue Harbor", "--tier", "key", "--manager", "li", "--anniversary", "06-18",
                "--json").json()
    assert (view["manager"], view["anniversary"]) == ("li", "06-18")
    listed = {c["name"]: c["manager"] for c in team("client", "list", "--json").json()}
    assert listed == {"Acme": None, "Blue Harbor": "li"}
    event = audit_of(team, "client.add")[-1]
    assert event["after"]["manager"] == "li"


def test_a_vip_client_without_a_manager_is_an_alert(team):
    added = team("client", "add", "Huaxin", "--tier", "vip")
    assert "name its account manager" in added.stderr
    alerts = [a for a in team("report", "daily", "--json").json()["alerts"] if a["kind"] == "no_manager"]
    assert sorted(a["text"] for a in alerts) == [
        "VIP client Acme has no account manager (receptionctl client edit 1 --manager USER)",
        "VIP client Huaxin has no account manager (receptionctl client edit 2 --manager USER)"]
    assert "no account manager: VIP client Acme" in team("report", "daily").stdout
    team("client", "edit", "Acme", "--manager", "wang")
    team("client", "edit", "Huaxin", "--tier", "key")
    assert not [a for a in team("report", "daily", "--json").json()["alerts"] if a["kind"] == "no_manager"]
    team("staff", "deactivate", "wang")
    (alert,) = [a for a in team("report", "daily", "--json").json()["alerts"] if a["kind"] == "no_manager"]
    assert "wang is inactive" in alert["text"]
    shown = team("client", "show", "Acme").stdout
    assert "Wang Lei (wang) inactive" in shown


def test_the_manager_hosts_by_default_and_backs_up_the_follow_up(team):
    team("client", "edit", "Acme", "--manager", "wang")
    v = new_visit(team)
    assert v["host"] == "wang"
    assert new_visit(team, "--host", "li", at="2026-12-02 10:00")["host"] == "li"
    vid = v["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "Welcome")
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env={"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"})
    after = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
    team("--as", "li", "visit", "complete", str(vid), env=after)
    followups = [t for t in team("task", "list", "--visit", str(vid), "--stage", "followup", "--json", env=after).json()]
    hosted = [t for t in followups if t["owner"] == "li"]
    assert hosted and all(t["backup"] == "wang" for t in hosted)
    mine = {t["id"] for t in team("task", "list", "--owner", "wang", "--json", env=after).json()}
    assert {t["id"] for t in hosted} <= mine
    assert team("--as", "wang", "task", "done", str(hosted[0]["id"]), env=after).exit_code == 0


# -- the tier's level ------------------------------------------------------------------------------
def test_a_vip_visit_is_received_at_level_2_unless_an_approver_waives_it(team, cli, unchanged):
    assert new_visit(team)["level"] == 2  # the policy's vip_level, without --level
    with unchanged():
        run = cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-03 10:00", "--purpose", "talk",
                  "--headcount", "2", "--level", "3")
        one_error_line(run, 1, "level 3", "VIP", "vip_level")
        assert "--waive-level" in run.stderr
        one_error_line(cli("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-03 10:00", "--purpose",
                           "talk", "--headcount", "2", "--level", "3", "--waive-level"), 4, "waive")
    waived = team("--as", "gm2", "visit", "new", "--client", "Acme", "--at", "2026-12-03 10:00", "--purpose", "talk",
                  "--headcount", "2", "--level", "3", "--waive-level", "--json")
    assert waived.json()["level"] == 3 and "waived by gm2" in waived.stderr
    (event,) = audit_of(team, "visit.waive_level")
    assert event["actor"] == "gm2" and event["after"]["level"] == 3 and event["after"]["vip_level"] == 2
    team("client", "add", "Greenfield")
    plain = team("--as", "li", "visit", "new", "--client", "Greenfield", "--at", "2026-12-04 10:00", "--purpose",
                 "talk", "--headcount", "2", "--json").json()
    assert plain["level"] == 3


def test_an_edit_below_the_level_and_a_client_made_vip_need_the_waiver(team, cli):
    vid = new_visit(team)["id"]
    one_error_line(cli("--as", "li", "visit", "edit", str(vid), "--level", "3"), 1, "vip_level")
    assert team("--as", "gm2", "visit", "edit", str(vid), "--level", "3", "--waive-level", "--json").json()["level"] == 3
    team("client", "add", "Greenfield")
    other = team("--as", "li", "visit", "new", "--client", "Greenfield", "--at", "2026-12-04 10:00", "--purpose",
                 "talk", "--headcount", "2", "--host", "li", "--json").json()["id"]
    made_vip = team("client", "edit", "Greenfield", "--tier", "vip", "--manager", "li")
    assert f"visit {other} of Greenfield is below level 2" in made_vip.stderr
    team("--as", "li", "plan", "item", str(other), "--at", "2026-12-04 10:00", "--title", "Welcome")
    one_error_line(cli("--as", "li", "plan", "submit", str(other)), 1, "level 2 or above")
    one_error_line(cli("--as", "li", "visit", "edit", str(other), "--waive-level"), 4)
    team("--as", "gm", "visit", "edit", str(other), "--waive-level")
    assert team("--as", "li", "plan", "submit", str(other)).exit_code == 0
    team("policy", "set", "vip_level", "3")  # no rule
    assert new_visit(team, "--level", "3", at="2026-12-07 10:00")["level"] == 3


# -- the daily report's care line ----------------------------------------------------------------
def test_the_daily_report_has_a_care_line(team):
    team("client", "edit", "Acme", "--manager", "wang")
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-30")
    team("client", "add", "Blue Harbor", "--tier", "key")
    r = team("report", "daily", "--json", env=NEW_YEAR_WEEK).json()
    assert [(o["day"], o["kind"], o["client"]) for o in r["care"]] == [
        ("2027-01-01", "holiday", "Acme"), ("2027-01-01", "holiday", "Blue Harbor")]
    assert r["care_until"] == "2027-01-11"
    text = team("report", "daily", env=NEW_YEAR_WEEK).stdout
    assert "Client care to 2027-01-11 (2)" in text
    assert "01-01 New Year: Acme, Blue Harbor · no task yet (care generate)" in text
    team("care", "generate", env=NEW_YEAR_WEEK)
    late = {"RECEPTIONCTL_NOW": "2026-12-30T08:00:00+08:00"}
    assert "2 greetings late" in team("report", "daily", env=late).stdout
    today = team("report", "daily").stdout
    assert "11-30 birthday of Zhao Lei: Acme · wang" in today
    md = team("report", "daily", "--format", "markdown").stdout
    assert "## Client care to" in md and "birthday of Zhao Lei" in md
    assert "Client care to" in team("report", "daily", "--format", "html").stdout


@pytest.mark.parametrize("lang", ["zh-CN"])
def test_care_reads_in_chinese(team, lang):
    team("contact", "add", "Acme", "Zhao Lei", "--birthday", "11-30")
    out = team("--lang", lang, "care", "list", env=NEW_YEAR_WEEK | {"RECEPTIONCTL_NOW": "2026-11-24T09:00:00+08:00"})
    assert "生日" in out.stdout
    new_year = team("--lang", lang, "care", "list", "--kind", "holiday", env=NEW_YEAR_WEEK).stdout
    assert "元旦" in new_year and "节日" in new_year
    task = team("task", "list", "--stage", "care", "--json").json()[0]
    assert task["title_zh"] == "为 Acme 的 Zhao Lei 送上生日祝福（11-30）"



# -- a birthday is personal information ----------------------------------------------------------
def test_an_erased_contact_takes_the_birthday_and_the_name_from_the_greetings(team):
    c = team("contact", "add", "Acme", "Zhao Lei", "--birthday", "1976-11-30", "--json").json()
    team("care", "log", "Acme", "--kind", "birthday", "--note", "cake for Zhao Lei")
    team("person", "erase", "--contact", str(c["id"]), "--note", "asked by letter")
    run = team("retention", "list", "--json").json()[-1]
    for who in ("admin", "gm"):
        team("--as", who, "retention", "approve", str(run["id"]))
    erased = next(x for x in team("contact", "list", "Acme", "--json").json() if x["id"] == c["id"])
    assert (erased["name"], erased["birthday"]) == ("(erased)", None)
    (task,) = care_tasks(team, state="done")
    assert "Zhao Lei" not in task["title"] + (task["title_zh"] or "") + (task["note"] or "")
    (greeting,) = team("care", "history", "--json").json()
    assert greeting["contact"] == "(erased)" and "Zhao Lei" not in greeting["note"]
    assert "Zhao Lei" not in str(team("audit", "--json").json()) and "1976-11-30" not in str(
        team("audit", "--json").json())
