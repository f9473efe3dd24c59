"""Everyday changes: what was typed can be corrected, each change audited with its before
and after, with the usual permissions and exit codes, and nothing changed on failure."""

import json

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit


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
