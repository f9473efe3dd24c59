"""The front desk's logs (issue 14, parts 3-5): temporary passes, goods leaving the site only
after their owner agrees, mail and newspapers; their alerts in the daily report."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import statements, template, with_team

NOW = {"RECEPTIONCTL_NOW": "2026-12-01T10:00:00+08:00"}  # a Tuesday
EVENING = {"RECEPTIONCTL_NOW": "2026-12-01T19:00:00+08:00"}
NEXT_DAY = {"RECEPTIONCTL_NOW": "2026-12-02T09:00:00+08:00"}
LATER = {"RECEPTIONCTL_NOW": "2026-12-05T09:00:00+08:00"}  # four days on: past mail_days (3)
ID_NUMBER = "110101199003071234"


@template(base=with_team)
def desk_team(ok):
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("staff", "add", "guard", "--name", "Ma Jun", "--dept", "Security", "--role", "security")


@pytest.fixture
def desk(from_template, ok):
    from_template(desk_team)
    return ok


def issue(ok, *extra, who="desk1", env=NOW, until="today 18:00"):
    return ok("--as", who, "pass", "issue", "--name", "Zhang San", "--company", "Huayu Renovation", "--purpose",
              "repaint room 301", "--until", until, *extra, "--json", env=env).json()


def request(ok, *extra, who="desk1", env=NOW):
    return ok("--as", who, "goods", "request", "--what", "boxes of files", "--qty", "2", "--owner", "wang",
              "--carrier", "Zhang San", *extra, "--json", env=env).json()


def receive(ok, to="wang", kind="parcel", *extra, who="desk1", env=NOW):
    return ok("--as", who, "mail", "receive", "--to", to, "--kind", kind, *extra, "--json", env=env).json()


def desk_tasks(ok, state="open", env=NOW):
    return ok("task", "list", "--stage", "desk", "--state", state, "--json", env=env).json()


def actions(ok, entity):
    return [e["action"] for e in ok("audit", "--entity", entity, "--json").json()]


# -- passes ------------------------------------------------------------------------------------
def test_a_pass_is_issued_masked_listed_while_out_and_returned_once(desk, cli, unchanged):
    p = issue(desk, "--id-number", ID_NUMBER, "--host", "wang", "--place", "room 301")
    assert (p["name"], p["company"], p["host"], p["place"]) == ("Zhang San", "Huayu Renovation", "wang", "room 301")
    assert p["id_number"] == "1101**********1234" and p["out"] and not p["overdue"]
    assert p["until"] == "2026-12-01T18:00:00+08:00" and p["issued_by"] == "desk1"
    assert [x["id"] for x in desk("pass", "list", "--out", "--json", env=NOW).json()] == [p["id"]]
    assert ID_NUMBER not in desk("pass", "list", env=NOW).stdout
    assert ID_NUMBER not in str(desk("audit", "--json").json())

    back = desk("--as", "guard", "pass", "return", str(p["id"]), "--json", env=NOW).json()
    assert back["returned_by"] == "guard" and not back["out"]
    assert desk("pass", "list", "--out", "--json", env=NOW).json() == []
    assert [x["id"] for x in desk("pass", "list", "--json", env=NOW).json()] == [p["id"]]
    with unchanged():
        one_error_line(cli("--as", "desk1", "pass", "return", str(p["id"]), env=NOW), 1, "returned already")
    shown = desk("pass", "show", str(p["id"]), env=NOW).stdout
    assert "Zhang San" in shown and "guard" in shown and "1101**********1234" in shown
    assert actions(desk, "site_pass") == ["pass.issue", "pass.return"]


def test_reveal_is_for_an_admin_and_each_reveal_is_audited(desk, cli, unchanged):
    p = issue(desk, "--id-number", ID_NUMBER)
    issue(desk)  # no number: nothing to reveal, nothing audited
    with unchanged():
        one_error_line(cli("--as", "desk1", "pass", "show", str(p["id"]), "--reveal", env=NOW), 4, "admin")
        one_error_line(cli("--as", "desk1", "pass", "list", "--reveal", env=NOW), 4, "admin")
    assert desk("pass", "show", str(p["id"]), "--reveal", "--json", env=NOW).json()["id_number"] == ID_NUMBER
    listed = desk("pass", "list", "--reveal", "--json", env=NOW).json()
    assert [x["id_number"] for x in listed] == [ID_NUMBER, None]
    assert actions(desk, "site_pass").count("pass.reveal") == 2


def test_a_pass_out_past_its_time_is_overdue_and_in_the_who_is_on_site_list(desk, db_target):
    from datetime import datetime, timezone

    from receptionctl.domain.desk.passes import out_now
    from receptionctl.store.db import Database

    p = issue(desk, until="today 18:00")
    returned = issue(desk, until="today 12:00")
    desk("--as", "desk1", "pass", "return", str(returned["id"]), env=NOW)
    assert desk("pass", "show", str(p["id"]), "--json", env=EVENING).json()["overdue"] is True
    db = Database(db_target)
    try:
        with db.session() as session:
            at = datetime(2026, 12, 1, 11, 0, tzinfo=timezone.utc)  # 19:00 in Shanghai
            assert [v.id for v in out_now(session, at)] == [p["id"]]
            before = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 09:00: not issued yet
            assert out_now(session, before) == []
    finally:
        db.dispose()


# -- goods -------------------------------------------------------------------------------------
def test_goods_leave_only_after_their_owner_agrees(desk, cli, unchanged):
    g = request(desk)
    assert (g["state"], g["owner"], g["carrier"], g["qty"]) == ("waiting", "wang", "Zhang San", 2)
    [task] = desk_tasks(desk)
    assert task["owner"] == "wang" and task["due_at"] == "2026-12-01T10:00:00+08:00"  # at once
    assert "goods " + str(g["id"]) in task["title"] and "boxes of files" in task["title"]
    with unchanged():
        one_error_line(cli("--as", "desk1", "goods", "release", str(g["id"]), env=NOW), 1,
                       "waiting for the owner's agreement")
    agreed = desk("--as", "wang", "goods", "approve", str(g["id"]), "--json", env=NOW).json()
    assert agreed["state"] == "agreed" and agreed["approved_by"] == "wang"
    assert desk_tasks(desk) == [] and [t["id"] for t in desk_tasks(desk, "done")] == [task["id"]]
    with unchanged():
        one_error_line(cli("--as", "wang", "goods", "approve", str(g["id"]), env=NOW), 1, "agreed to already")
    out = desk("--as", "guard", "goods", "release", str(g["id"]), "--json", env=EVENING).json()
    assert out["state"] == "released" and out["released_by"] == "guard"
    assert out["released_at"] == "2026-12-01T19:00:00+08:00"
    assert (out["approved_by"], out["carrier"]) == ("wang", "Zhang San")  # the log keeps who agreed, who carried
    with unchanged():
        one_error_line(cli("--as", "desk1", "goods", "release", str(g["id"]), env=EVENING), 1, "released already")
    assert desk("goods", "list", "--pending", "--json", env=EVENING).json() == []
    assert [x["id"] for x in desk("goods", "list", "--json", env=EVENING).json()] == [g["id"]]
    assert actions(desk, "goods_release") == ["goods.request", "goods.approve", "goods.release"]


def test_goods_release_with_a_description_records_the_request_and_waits(desk, cli, unchanged):
    run = cli("--as", "desk1", "goods", "release", "--what", "a desk lamp", "--qty", "1", "--owner", "chen",
              "--carrier", "Li Si", "--json", env=NOW)
    one_error_line(run, 1, "waiting for the owner's agreement", "chen")
    recorded = run.json()
    assert recorded["state"] == "waiting" and recorded["owner"] == "chen"
    assert [x["id"] for x in desk("goods", "list", "--pending", "--json", env=NOW).json()] == [recorded["id"]]
    assert [t["owner"] for t in desk_tasks(desk)] == ["chen"]
    with unchanged():
        one_error_line(cli("--as", "desk1", "goods", "release", env=NOW), 2, "goods id")
        one_error_line(cli("--as", "desk1", "goods", "release", str(recorded["id"]), "--what", "x", env=NOW), 2,
                       "--what")
        one_error_line(cli("--as", "desk1", "goods", "release", "--what", "x", env=NOW), 2, "--qty")
    desk("goods", "approve", str(recorded["id"]), env=NOW)  # an admin may agree too
    desk("--as", "desk1", "goods", "release", str(recorded["id"]), env=NOW)


# -- mail --------------------------------------------------------------------------------------
def test_mail_for_a_person_is_their_task_until_collected(desk, cli, unchanged):
    m = receive(desk, "wang", "parcel", "--from", "SF Express", "--tracking", "SF1234567890")
    assert (m["kind"], m["to"], m["to_dept"], m["sender"]) == ("parcel", "wang", None, "SF Express")
    [task] = desk_tasks(desk)
    assert task["id"] == m["task_id"] and task["owner"] == "wang"
    assert "Collect your parcel at the front desk" in task["title"]
    assert task["due_at"] == "2026-12-04T10:00:00+08:00"  # the policy's mail_days
    got = desk("--as", "wang", "mail", "collect", str(m["id"]), "--json", env=NEXT_DAY).json()
    assert got["collected_by"] == "Wang Lei" and got["collected_at"] == "2026-12-02T09:00:00+08:00"
    assert desk_tasks(desk, env=NEXT_DAY) == []
    with unchanged():
        one_error_line(cli("--as", "desk1", "mail", "collect", str(m["id"]), env=NEXT_DAY), 1, "collected already")
    assert desk("mail", "list", "--uncollected", "--json", env=NEXT_DAY).json() == []
    assert actions(desk, "mail_item") == ["mail.receive", "mail.collect"]


def test_mail_for_a_department_opens_no_task_and_the_desk_hands_it_out(desk, cli, unchanged):
    m = receive(desk, "business", "newspaper")
    assert (m["to"], m["to_dept"], m["task_id"]) == (None, "Business", None)
    assert desk_tasks(desk) == []
    letter = receive(desk, "Li Na", "letter")  # a person by name
    assert letter["to"] == "li"
    assert [x["id"] for x in desk("mail", "list", "--uncollected", "--json", env=NOW).json()] == \
        [m["id"], letter["id"]]
    with unchanged():  # not chen's department
        one_error_line(cli("--as", "chen", "mail", "collect", str(m["id"]), env=NOW), 4, "Business")
    got = desk("--as", "desk1", "mail", "collect", str(m["id"]), "--by", "Wang Lei", "--json", env=NOW).json()
    assert got["collected_by"] == "Wang Lei"
    desk("--as", "li", "mail", "collect", str(letter["id"]), env=NOW)
    assert desk("mail", "list", "--uncollected", "--json", env=NOW).json() == []


# -- bad input and permissions -----------------------------------------------------------------
BAD = [
    (["pass", "issue", "--name", "Zhang San", "--company", "Huayu", "--purpose", "paint", "--until", "someday"],
     "someday"),
    (["pass", "issue", "--name", "Zhang San", "--company", "Huayu", "--purpose", "paint", "--until", "today 09:00"],
     "--until"),
    (["pass", "issue", "--name", " ", "--company", "Huayu", "--purpose", "paint", "--until", "today 18:00"],
     "--name"),
    (["pass", "issue", "--name", "Zhang San", "--company", "Huayu", "--purpose", "paint", "--until",
      "today 18:00", "--id-number", "12 34!"], "identity number"),
    (["pass", "return", "x1"], "'x1'"),
    (["pass", "show", "0"], "'0'"),
    (["goods", "request", "--what", "boxes", "--qty", "0", "--owner", "wang", "--carrier", "Zhang San"], "'0'"),
    (["goods", "request", "--what", "boxes", "--qty", "two", "--owner", "wang", "--carrier", "Zhang San"], "'two'"),
    (["goods", "request", "--what", "boxes", "--qty", "2", "--owner", "wang", "--carrier", " "], "--carrier"),
    (["goods", "approve", "0"], "'0'"),
    (["mail", "receive", "--to", "wang", "--kind", "fax"], "'fax'"),
    (["mail", "receive", "--to", "wang", "--kind", "letter", "--tracking", "x" * 101], "--tracking"),
    (["mail", "collect", "one"], "'one'"),
]


@pytest.mark.parametrize("args, named", BAD, ids=[f"{a[0]}-{a[1]}-{n[:12]}" for a, n in BAD])
def test_bad_input_exits_2_naming_the_value_and_changes_nothing(desk, cli, unchanged, args, named):
    with unchanged():
        one_error_line(cli("--as", "desk1", *args, env=NOW), 2, named)


def test_unknown_people_and_records_exit_3(desk, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "desk1", "pass", "issue", "--name", "Zhang San", "--company", "Huayu",
                           "--purpose", "paint", "--until", "today 18:00", "--host", "nobody", env=NOW), 3, "nobody")
        one_error_line(cli("--as", "desk1", "goods", "request", "--what", "boxes", "--qty", "2", "--owner",
                           "nobody", "--carrier", "Zhang San", env=NOW), 3, "nobody")
        one_error_line(cli("--as", "desk1", "mail", "receive", "--to", "Finance", "--kind", "letter", env=NOW), 3,
                       "no department 'Finance'")
        one_error_line(cli("--as", "desk1", "pass", "return", "9", env=NOW), 3, "no pass 9")
        one_error_line(cli("--as", "desk1", "goods", "release", "9", env=NOW), 3, "no goods 9")
        one_error_line(cli("--as", "desk1", "mail", "collect", "9", env=NOW), 3, "no mail 9")


def test_who_may_do_what(desk, cli, unchanged):
    p, g, m = issue(desk), request(desk), receive(desk, "wang")
    with unchanged():
        for who in ("chen", "wang", "nobody"):  # staff and hosts do not keep the desk's logs
            one_error_line(cli("--as", who, "pass", "issue", "--name", "A", "--company", "B", "--purpose", "C",
                               "--until", "today 18:00", env=NOW), 4)
            one_error_line(cli("--as", who, "pass", "return", str(p["id"]), env=NOW), 4)
            one_error_line(cli("--as", who, "goods", "request", "--what", "boxes", "--qty", "1", "--owner", "li",
                               "--carrier", "X", env=NOW), 4)
            one_error_line(cli("--as", who, "mail", "receive", "--to", "li", "--kind", "letter", env=NOW), 4)
        for who in ("desk1", "guard", "li", "chen", "nobody"):  # only the owner, or an admin, agrees
            one_error_line(cli("--as", who, "goods", "approve", str(g["id"]), env=NOW), 4)
        one_error_line(cli("--as", "chen", "mail", "collect", str(m["id"]), env=NOW), 4, "wang")
    desk("--as", "wang", "goods", "approve", str(g["id"]), env=NOW)
    with unchanged():
        one_error_line(cli("--as", "wang", "goods", "release", str(g["id"]), env=NOW), 4)
    desk("--as", "li", "goods", "release", str(g["id"]), env=NOW)  # a coordinator may
    desk("--as", "li", "pass", "return", str(p["id"]), env=NOW)


# -- the daily report --------------------------------------------------------------------------
def kinds(ok, env):
    return {a["kind"]: a["text"] for a in ok("report", "daily", "--format", "json", env=env).json()["alerts"]}


def test_the_daily_report_sees_a_pass_overdue_mail_uncollected_and_goods_waiting(desk):
    p = issue(desk, "--host", "wang", until="today 18:00")
    m = receive(desk, "wang", "parcel")
    g = request(desk)
    early = kinds(desk, NOW)
    assert not {"pass_overdue", "mail_uncollected", "goods_waiting"} & set(early)
    alerts = kinds(desk, LATER)
    assert f"pass {p['id']} (Zhang San, Huayu Renovation)" in alerts["pass_overdue"]
    assert "2026-12-01 18:00" in alerts["pass_overdue"]
    assert f"parcel {m['id']} for wang" in alerts["mail_uncollected"] and "2026-12-01 10:00" in alerts["mail_uncollected"]
    assert f"goods {g['id']}" in alerts["goods_waiting"] and "wang" in alerts["goods_waiting"]
    text = desk("report", "daily", env=LATER).stdout
    assert "pass not returned" in text and "mail not collected" in text

    desk("--as", "desk1", "pass", "return", str(p["id"]), env=LATER)
    desk("--as", "wang", "mail", "collect", str(m["id"]), env=LATER)
    desk("--as", "wang", "goods", "approve", str(g["id"]), env=LATER)
    assert not {"pass_overdue", "mail_uncollected", "goods_waiting"} & set(kinds(desk, LATER))


def test_the_alerts_take_the_same_statements_however_many_records(desk, db_target):
    from datetime import datetime, timezone

    from receptionctl.domain.desk.passes import alerts

    at = datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)
    issue(desk), receive(desk), request(desk)
    first = len(statements(db_target, lambda s: alerts(s, at)))
    for _ in range(3):
        issue(desk), receive(desk, "business", "newspaper"), request(desk)
    assert len(statements(db_target, lambda s: alerts(s, at))) == first
