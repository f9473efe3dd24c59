"""Everyday changes: what was typed can be corrected, each change audited with its before
and after, with the usual permissions and exit codes, and nothing changed on failure."""

import json

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import DAY, held  # noqa: F401 (a fixture)
from tests.cli.test_visits_plans import approved, new_visit


def audit_of(ok, action):
    return [e for e in ok("audit", "--json").json() if e["action"] == action]


# -- staff ---------------------------------------------------------------------------------
def test_staff_edit_changes_name_dept_and_roles_audited(team, cli, unchanged):
    view = team("staff", "edit", "wang", "--name", "Wang Lei-Feng", "--dept", "Sales", "--add-role", "coordinator",
                "--remove-role", "host", "--json").json()
    assert (view["name"], view["dept"], view["roles"]) == ("Wang Lei-Feng", "Sales", ["coordinator"])
    event = audit_of(team, "staff.edit")[-1]
    assert event["before"]["roles"] == ["host"] and event["after"]["roles"] == ["coordinator"]
    with unchanged():
        one_error_line(cli("--as", "li", "staff", "edit", "wang", "--name", "X"), 4)
        one_error_line(cli("staff", "edit", "wang"), 2, "nothing to change")
        one_error_line(cli("staff", "edit", "nobody", "--name", "X"), 3, "nobody")
        one_error_line(cli("staff", "edit", "wang", "--add-role", "chef"), 2, "chef")
        one_error_line(cli("staff", "edit", "admin", "--remove-role", "admin"), 1, "last admin")
        one_error_line(cli("staff", "deactivate", "admin"), 1, "last admin")


def test_a_second_admin_lets_the_first_go(team):
    team("staff", "edit", "gm", "--add-role", "admin")
    team("staff", "edit", "admin", "--remove-role", "admin")
    roles = {s["username"]: s["roles"] for s in team("staff", "list", "--json").json()}
    assert "admin" not in roles["admin"] and "admin" in roles["gm"]


def test_a_deactivated_person_keeps_history_cannot_act_and_is_not_offered(team, cli):
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "recorder", "--staff", "chen")
    team("staff", "deactivate", "chen")
    staff = {s["username"]: s for s in team("staff", "list", "--json").json()}
    assert staff["chen"]["active"] is False
    one_error_line(cli("--as", "chen", "note", "add", str(vid), "--kind", "question", "--text", "x"), 4)
    one_error_line(cli("--as", "li", "plan", "assign", str(vid), "--role", "guide", "--staff", "chen"), 1, "inactive")
    one_error_line(cli("--as", "li", "task", "reassign", "1", "--to", "chen"), 1, "inactive")
    one_error_line(cli("staff", "deactivate", "chen"), 1, "already inactive")
    report = team("report", "daily", "--json").json()
    alerts = [a for a in report["alerts"] if a["kind"] == "no_owner"]
    assert len(alerts) == 1 and "Chen Jie (chen) is inactive" in alerts[0]["text"] and str(vid) in alerts[0]["text"]
    assert "needs a new owner" in team("report", "daily").stdout
    team("staff", "activate", "chen")
    assert not [a for a in team("report", "daily", "--json").json()["alerts"] if a["kind"] == "no_owner"]
    assert [e["action"] for e in team("audit", "--json").json() if e["entity"] == "staff"][-2:] == \
        ["staff.deactivate", "staff.activate"]


# -- tasks ---------------------------------------------------------------------------------
def test_task_reassign_and_note(team, cli, unchanged):
    vid = new_visit(team)["id"]
    tasks = team("task", "list", "--visit", str(vid), "--json").json()
    first = tasks[0]
    moved = team("--as", "li", "task", "reassign", str(first["id"]), "--to", "Wang", "--json").json()
    assert moved["owner"] == "wang" and moved["backup"] is None
    mine = {t["id"] for t in team("task", "list", "--owner", "wang", "--json").json()}
    assert first["id"] in mine
    assert team("--as", "wang", "task", "done", str(first["id"])).exit_code == 0  # now theirs to close
    second = tasks[1]
    team("--as", "chen", "task", "note", str(second["id"]), "client asked to call after 3 pm")
    noted = team("task", "list", "--visit", str(vid), "--json").json()
    assert "chen: client asked to call after 3 pm" in {t["id"]: t for t in noted}[second["id"]]["note"]
    with unchanged():
        one_error_line(cli("--as", "chen", "task", "reassign", str(second["id"]), "--to", "wang"), 4)
        one_error_line(cli("--as", "li", "task", "reassign", str(first["id"]), "--to", "wang"), 1, "done")
        one_error_line(cli("--as", "li", "task", "reassign", "99999", "--to", "wang"), 3)
        one_error_line(cli("--as", "chen", "task", "note", str(second["id"]), "  "), 2)
    assert audit_of(team, "task.reassign")[-1]["after"]["owner"] == "wang"


# -- clients and contacts ------------------------------------------------------------------
def test_client_edit(team, cli, unchanged):
    team("client", "add", "Beta Works")
    view = team("client", "edit", "beta", "--name", "Beta Works Ltd", "--tier", "key", "--industry", "Tools",
                "--json").json()
    assert (view["name"], view["tier"], view["industry"]) == ("Beta Works Ltd", "key", "Tools")
    assert team("client", "edit", "Beta Works Ltd", "--industry", "", "--json").json()["industry"] is None
    event = audit_of(team, "client.edit")[0]
    assert event["before"]["name"] == "Beta Works" and event["after"]["name"] == "Beta Works Ltd"
    with unchanged():
        one_error_line(cli("client", "edit", "beta", "--name", "ACME"), 1, "already exists")
        one_error_line(cli("client", "edit", "beta", "--name", "123"), 2, "not a number")
        one_error_line(cli("client", "edit", "beta"), 2, "nothing to change")
        one_error_line(cli("client", "edit", "beta", "--tier", "key"), 1, "already has")
        one_error_line(cli("--as", "chen", "client", "edit", "beta", "--tier", "vip"), 4)


def test_contact_list_edit_remove_keeps_numbers_encrypted_and_checkins_readable(team, cli, unchanged, db_target):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    contacts = team("contact", "list", "acme", "--json").json()
    assert [c["name"] for c in contacts] == ["Liu Yang"]
    cid = contacts[0]["id"]
    view = team("contact", "edit", str(cid), "--phone", "+86 139 0000 0000", "--diet", "", "--id-number",
                "110101199003077777", "--json").json()
    assert view["phone"] == "+86 139 0000 0000" and view["diet"] is None and view["id_number"] == "1101**********7777"
    engine = create_engine(url_for(db_target))
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT id_number_enc FROM contact WHERE id = :i"), {"i": cid}).scalar()
    engine.dispose()
    assert stored and "110101199003077777" not in stored
    event = audit_of(team, "contact.edit")[0]
    assert "110101199003077777" not in json.dumps(event) and event["after"]["id_number"] == "1101**********7777"
    assert "diet" in event["before"] and "name" not in event["before"]  # only what changed
    with unchanged():
        one_error_line(cli("contact", "edit", str(cid), "--email", "not-an-address"), 2, "not-an-address")
        one_error_line(cli("contact", "edit", "9999", "--name", "X"), 3, "no contact 9999")
        one_error_line(cli("contact", "edit", str(cid)), 2, "nothing to change")
        one_error_line(cli("--as", "chen", "contact", "remove", str(cid)), 4)
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    removed = team("contact", "remove", str(cid), "--json").json()
    assert removed["name"] == "Liu Yang"
    assert team("contact", "list", "acme", "--json").json() == []
    guests = team("visit", "show", str(vid), "--json").json()["guests"]
    assert [g["name"] for g in guests] == ["Liu Yang"]
    assert audit_of(team, "contact.remove")[0]["before"]["id_number"] == "1101**********7777"


# -- the plan --------------------------------------------------------------------------------
def test_plan_items_list_edit_remove_and_unassign_send_an_approved_plan_back(team, cli, unchanged):
    vid = approved(team)
    items = team("plan", "item", "list", str(vid), "--json").json()
    assert [i["title"] for i in items] == ["Welcome"]
    extra = team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 11:00", "--title", "Tour",
                 "--json").json()  # the old form still adds
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    edited = team("--as", "li", "plan", "item", "edit", str(extra["id"]), "--title", "Factory tour", "--place",
                  "Workshop 2", "--owner", "wang", "--json").json()
    assert (edited["title"], edited["place"], edited["owner"]) == ("Factory tour", "Workshop 2", "wang")
    sheet = team("plan", "show", str(vid), "--json").json()
    assert sheet["plan_status"] == "draft" and "agenda item 'Factory tour' changed" in sheet["reapproval"]
    event = audit_of(team, "plan.item_edit")[0]
    assert event["before"] == {"title": "Tour", "place": None, "owner": None}
    with unchanged():
        one_error_line(cli("--as", "li", "plan", "item", "edit", str(extra["id"]), "--until", "2026-12-01 10:00"),
                       2, "not after")
        one_error_line(cli("--as", "li", "plan", "item", "edit", str(extra["id"])), 2, "nothing to change")
        one_error_line(cli("--as", "li", "plan", "item", "edit", "999", "--title", "x"), 3, "no agenda item 999")
        one_error_line(cli("--as", "chen", "plan", "item", "remove", str(extra["id"])), 4)
        one_error_line(cli("--as", "li", "plan", "unassign", str(vid), "--role", "driver"), 1, "no one")
    team("--as", "li", "plan", "item", "remove", str(extra["id"]))
    assert [i["title"] for i in team("plan", "item", "list", str(vid), "--json").json()] == ["Welcome"]
    run = team("--as", "li", "plan", "unassign", str(vid), "--role", "host")
    assert "no primary host" in run.stderr
    roles = {a["role"] for a in team("plan", "show", str(vid), "--json").json()["assignments"]}
    assert "host" not in roles
    assert audit_of(team, "plan.unassign")[0]["before"]["staff"] == "li"


# -- feedback --------------------------------------------------------------------------------
def test_feedback_list_filters_and_show(held, team, cli):
    later = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}
    team("--as", "li", "feedback", "add", str(held), "--score", "55", "--channel", "phone", "--comment",
         "The lunch came late", env=later)
    rows = team("feedback", "list", "--json", env=later).json()
    assert [(f["visit_id"], f["client"], f["score"], f["below_red_line"]) for f in rows] == [(held, "Acme", 55, True)]
    assert team("feedback", "list", "--client", "acm", "--below", "75", "--json", env=later).json() == rows
    assert team("feedback", "list", "--below", "50", "--json", env=later).json() == []
    assert team("feedback", "list", "--from", "2026-12-03", "--json", env=later).json() == []
    assert team("feedback", "list", "--from", "2026-12-01", "--to", "2026-12-03", "--json", env=later).json() == rows
    assert "RED LINE" in team("feedback", "list", env=later).stdout
    shown = team("feedback", "show", str(held), env=later).stdout
    assert "The lunch came late" in shown and "UNDER THE RED LINE" in shown
    assert team("feedback", "show", str(held), "--json", env=later).json()["comment"] == "The lunch came late"
    one_error_line(cli("feedback", "list", "--below", "500"), 2, "500")
    one_error_line(cli("feedback", "list", "--client", "nobody"), 3)
    vid = new_visit(team)["id"]
    one_error_line(cli("feedback", "show", str(vid)), 3, "no feedback form yet")
    one_error_line(cli("feedback", "show", "9999"), 3, "9999")


# -- the visit -------------------------------------------------------------------------------
def keys(ok, vid, state="open"):
    return {t["key"] for t in ok("task", "list", "--visit", str(vid), "--state", state, "--json").json()}


def test_visit_edit_regenerates_the_steps_that_apply_and_keeps_done_work(team, cli, unchanged):
    team("policy", "set", "vip_level", "3")  # the levels' own steps, whatever the tier (Acme is VIP: care.md)
    vid = new_visit(team, at="2026-12-10 10:00")["id"]  # talk, level 3, on site
    assert not {"security-briefing", "demo-equipment", "offsite-transport"} & keys(team, vid)
    run = team("--as", "li", "visit", "edit", str(vid), "--level", "1", "--purpose", "tour", "--offsite",
               "--headcount", "12", "--venue", "Expo hall", "--json")
    view = run.json()
    assert (view["level"], view["purpose"], view["offsite"], view["headcount"], view["venue"]) == \
        (1, "tour", True, 12, "Expo hall")
    # level 1, off-site: the off-site steps, not the campus's security duties (seed 004 is the campus's)
    assert {"demo-equipment", "offsite-transport"} <= keys(team, vid)
    assert not {"security-briefing", "water-features"} & keys(team, vid)
    demo = next(t for t in team("task", "list", "--visit", str(vid), "--json").json() if t["key"] == "demo-equipment")
    team("--as", "li", "task", "done", str(demo["id"]))
    run = team("--as", "li", "visit", "edit", str(vid), "--level", "3", "--purpose", "talk", "--no-offsite")
    assert "no longer apply and were skipped" in run.stderr
    open_now, skipped = keys(team, vid), keys(team, vid, "skipped")
    assert not {"security-briefing", "water-features", "offsite-transport"} & open_now
    assert {"offsite-transport"} <= skipped
    assert "demo-equipment" in keys(team, vid, "done")  # done work stays done
    team("--as", "li", "visit", "edit", str(vid), "--level", "1")
    assert {"security-briefing", "water-features"} <= keys(team, vid)  # on the campus at level 1 now
    team("--as", "li", "visit", "edit", str(vid), "--offsite", "fair")
    assert {"security-briefing", "water-features"} <= keys(team, vid, "skipped")
    assert {"offsite-transport", "fair-booth"} <= keys(team, vid)  # skipped by the edit, needed again; the fair's
    team("--as", "li", "visit", "edit", str(vid), "--no-offsite")
    assert "security-briefing" in keys(team, vid)  # skipped by the edit, needed again
    event = audit_of(team, "visit.edit")[-3]
    assert event["before"] == {"level": 3} and event["after"] == {"level": 1}
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "edit", str(vid), "--level", "1"), 1, "already has")
        one_error_line(cli("--as", "li", "visit", "edit", str(vid)), 2, "nothing to change")
        one_error_line(cli("--as", "li", "visit", "edit", str(vid), "--level", "4"), 2, "'4'")
        one_error_line(cli("--as", "chen", "visit", "edit", str(vid), "--headcount", "3"), 4)
        one_error_line(cli("--as", "li", "visit", "edit", "999", "--headcount", "3"), 3)


def test_visit_edit_sends_an_approved_plan_back(team):
    vid = approved(team)
    run = team("--as", "li", "visit", "edit", str(vid), "--headcount", "8")
    assert "needs approval again" in run.stderr
    sheet = team("plan", "show", str(vid), "--json").json()
    assert sheet["plan_status"] == "draft" and "headcount 5 → 8" in sheet["reapproval"]
    assert team("--as", "li", "visit", "edit", str(vid), "--venue", " Room  301 ", "--json").json()["venue"] == "Room 301"
    assert team("--as", "li", "visit", "edit", str(vid), "--venue", "", "--json").json()["venue"] is None
