"""Issue 27, item 5: the host is told when a guest arrives. A check-in (the CLI's, and the web's,
which calls the same domain function) queues one guest.arrived notification to the visit's host in
its own transaction: their own channel, else their role's; never the identity number."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_notify import Bot, queued, send
from tests.cli.test_visits_plans import approved, new_visit, ready
from tests.conftest import snapshot

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}  # visit 1 of `approved` runs 10:00-12:00
ID = "110101199003077777"


@pytest.fixture
def bot():
    server = Bot()
    yield server
    server.close()


@pytest.fixture
def desk(team):
    team("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    return team


def arrivals(ok):
    return [r for r in queued(ok) if r["event"] == "guest.arrived"]


def payloads(db_target) -> list[dict]:
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM notify_message WHERE event = 'guest.arrived' ORDER BY id")).all()
    engine.dispose()
    return [json.loads(r[0]) for r in rows]


def test_a_checkin_at_the_desk_tells_the_host_once_on_their_own_channel(desk, bot, db_target):
    desk("staff", "edit", "li", "--notify", bot.url("li"))
    desk("policy", "set", "notify_role_channels", f"host={bot.url('hosts')}")  # li has a channel of their own
    vid = approved(desk)
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Liu Yang", "--title", "GM", "--id-number", ID, env=DAY)
    [row] = arrivals(desk)
    assert row["recipient"] == "li" and row["channel"].endswith("/li")
    assert row["subject"] == f"Liu Yang (GM) of Acme arrived at 2026-12-01 10:05 for visit {vid}"
    [payload] = payloads(db_target)
    assert {k: payload[k] for k in ("visit_id", "client", "guest", "title", "host", "by", "walk_in")} == {
        "visit_id": vid, "client": "Acme", "guest": "Liu Yang", "title": "GM", "host": "li", "by": "desk1",
        "walk_in": False}
    assert payload["arrived_at"] == "2026-12-01T10:05:00+08:00"
    # the identity number is in no message, masked or not: only the guest row holds it, encrypted
    messages = repr(snapshot(db_target)["notify_message"])
    assert ID not in messages and "7777" not in messages and "1101" not in messages
    assert send(desk, DAY)["sent"] == 2  # and the plan's approval, which li (the host) heard of before
    [(path, body)] = [(p, b) for p, b in bot.received if "arrived" in b["message"]]
    assert path == "/li" and "Liu Yang (GM) of Acme arrived" in body["message"] and ID not in json.dumps(body)


def test_a_host_without_a_channel_is_told_through_their_roles_channel(desk, bot):
    desk("policy", "set", "notify_role_channels", f"host={bot.url('hosts')}")
    vid = new_visit(desk, "--venue", "Room A")["id"]
    ready(desk, vid)
    desk("--as", "li", "plan", "submit", str(vid))
    desk("--as", "gm", "plan", "approve", str(vid))
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Ma Jun", "--title", "CTO", env=DAY)  # one each
    rows = arrivals(desk)
    assert [r["recipient"] for r in rows] == ["role host (li)", "role host (li)"]
    assert [r["subject"] for r in rows] == [
        f"Ma Jun (CTO) of Acme arrived at 2026-12-01 10:05 for visit {vid}, in Room A",
        f"Liu Yang of Acme arrived at 2026-12-01 10:05 for visit {vid}, in Room A"]


def test_no_channel_no_message_and_the_host_who_checks_in_is_not_told(desk, bot):
    vid = approved(desk)
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    assert arrivals(desk) == []  # li has no channel and the host role none: nobody to reach
    desk("staff", "edit", "li", "--notify", bot.url("li"))
    desk("--as", "li", "checkin", str(vid), "--guest", "Ma Jun", env=DAY)
    assert arrivals(desk) == []  # the host checked their guest in themselves: not the one who made the change
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Sun Wei", env=DAY)
    assert [r["recipient"] for r in arrivals(desk)] == ["li"]


def test_a_walk_ins_host_gets_the_task_and_one_message(desk, bot):
    desk("staff", "edit", "wang", "--notify", bot.url("wang"))
    desk("--as", "desk1", "checkin", "--walk-in", "--client", "acme", "--host", "wang", "--guest", "Zhang San",
         "--id-number", ID, env=DAY)
    rows = queued(desk)
    assert [(r["event"], r["recipient"]) for r in rows] == [("guest.arrived", "wang")]  # the task adds none
    visit = desk("visit", "list", "--json", env=DAY).json()[-1]
    assert rows[0]["subject"] == f"Zhang San of Acme arrived at 2026-12-01 10:05 for visit {visit['id']}"
    assert [t["key"] for t in desk("task", "list", "--owner", "wang", "--json", env=DAY).json()] == ["meet-walk-in"]


def test_the_message_is_in_the_language_of_the_checkin(desk, bot):
    desk("staff", "edit", "li", "--notify", bot.url("li"))
    vid = approved(desk)
    desk("--lang", "zh-CN", "--as", "desk1", "checkin", str(vid), "--guest", "刘洋", "--title", "总经理", env=DAY)
    [row] = arrivals(desk)
    assert row["subject"] == f"来访 {vid}：Acme 的 刘洋（总经理）已于 2026-12-01 10:05 到达"
    assert "访客到达" in row["body"]


def test_the_route_is_the_policys(desk, bot):
    assert ["guest.arrived", "host"] in desk("policy", "show", "--json").json()["notify_routes"]  # init's default
    desk("staff", "edit", "li", "--notify", bot.url("li"))
    desk("policy", "set", "notify_routes", "plan.submit=approver")  # guest.arrived routed to nobody
    vid = approved(desk)
    desk("--as", "desk1", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    assert arrivals(desk) == []


# -- an existing database --------------------------------------------------------------------------
def test_migration_0028_adds_the_route_to_stored_routes_unless_none(db_target):
    """A database's notify_routes is stored at init: without 0028 an existing database would never
    hear of guest.arrived. Routes switched off stay off; a downgrade takes the route out again."""
    from alembic import command
    from sqlalchemy import text

    from receptionctl.store.db import Database, _alembic_config

    db = Database(db_target)
    db.create_file()

    def migrated(value: str, to: str) -> str:
        with db.connection(write=True) as conn:
            conn.execute(text("UPDATE policy SET value = :v WHERE key = 'notify_routes'"), {"v": value})
            (command.upgrade if to == "0028" else command.downgrade)(_alembic_config(conn), to)
            return conn.execute(text("SELECT value FROM policy WHERE key = 'notify_routes'")).scalar()

    with db.connection(write=True) as conn:
        command.upgrade(_alembic_config(conn), "0023")
        conn.execute(text("INSERT INTO policy (key, value, updated_at, updated_by) VALUES "
                          "('notify_routes', 'x', '2026-11-24 01:00:00', 'admin')"))
    routes = "plan.submit=approver,task.assign=owner"
    assert migrated(routes, "0028") == routes + ",guest.arrived=host"
    assert migrated(routes + ",guest.arrived=host", "0023") == routes  # an older receptionctl does not know it
    assert migrated("none", "0028") == "none"  # switched off: kept off
    assert migrated("guest.arrived=coordinator,plan.submit=approver", "0023") == "plan.submit=approver"
    assert migrated("guest.arrived=coordinator,plan.submit=approver", "0028") == \
        "guest.arrived=coordinator,plan.submit=approver"  # a route of its own already: kept as it is
    db.dispose()
