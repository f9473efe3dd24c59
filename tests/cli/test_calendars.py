"""Issue 30: calendars that stay in step: the database's id, event ids that never change nor
collide, SEQUENCE and LAST-MODIFIED from the change record, staff e-mail addresses, and each
person's secret calendar address (`staff calendar`)."""

from __future__ import annotations

import re

import pytest

from tests.cli.test_exports import chinese_visit, database_id
from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit
from tests.conftest import PG_URL

# `db backup` and `db restore` copy SQLite files (a server database is backed up with pg_dump)
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="db backup and restore copy SQLite files")


def strict(data: bytes | str):
    """The calendar read by `ical`, a strict RFC 5545 parser (it raises on what breaks the RFC)."""
    from ical.calendar_stream import IcsCalendarStream

    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8") if isinstance(data, bytes) else data)


def events(data):
    import icalendar

    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


# -- the database's id ---------------------------------------------------------------------------
def test_init_gives_each_database_a_random_id_that_db_info_shows(initdb, ok, cli, tmp_path):
    mine = database_id(ok)
    assert re.fullmatch(r"[0-9a-f]{32}", mine)
    other = tmp_path / "other.db"
    ok("init", env={"RECEPTIONCTL_DB": str(other)})
    assert database_id(lambda *a: ok(*a, env={"RECEPTIONCTL_DB": str(other)})) != mine
    assert f"database id     {mine}" in ok("db", "info").stdout
    one_error_line(cli("policy", "set", "database_id", "x"), 2)  # not a setting: nothing edits it
    assert database_id(ok) == mine


@sqlite_only
def test_backup_and_restore_keep_the_id_and_the_uids(team, tmp_path):
    vid = approved(team)
    before = set(events(team("export", "visits", "--format", "ics").stdout))
    mine = database_id(team)
    team("db", "backup", str(tmp_path / "b.db"))
    team("--as", "li", "visit", "cancel", str(vid), "--reason", "moved online")
    team("db", "restore", str(tmp_path / "b.db"))
    assert database_id(team) == mine
    assert set(events(team("export", "visits", "--format", "ics").stdout)) == before == {
        f"visit-{vid}-{mine}@receptionctl"}


def test_a_database_from_before_gets_its_id_once_and_keeps_its_uids(team, db_target, tmp_path):
    """A database at 0027 (today's) is migrated: it gets an id, and from then on each visit's UID
    stays the same across exports, a backup and its restore, and another `db migrate`."""
    from alembic import command
    from sqlalchemy import text

    from receptionctl.store.db import Database, _alembic_config

    vid = approved(team)
    db = Database(db_target)
    with db.connection(write=True) as conn:
        command.downgrade(_alembic_config(conn), "0027")
        assert conn.execute(text("SELECT count(*) FROM meta WHERE key = 'database_id'")).scalar() == 0
    db.dispose()
    team("db", "migrate")
    made = database_id(team)
    first = team("export", "visits", "--format", "ics").stdout
    assert set(events(first)) == {f"visit-{vid}-{made}@receptionctl"}
    team("db", "migrate")
    assert team("export", "visits", "--format", "ics").stdout == first
    if not PG_URL:  # a SQLite file's backup and restore (a server database's is pg_dump's)
        team("db", "backup", str(tmp_path / "b.db"))
        team("db", "restore", str(tmp_path / "b.db"))
        assert team("export", "visits", "--format", "ics").stdout == first


# -- SEQUENCE, LAST-MODIFIED, DTSTAMP, cancelled -------------------------------------------------
def test_sequence_counts_what_a_guest_notices_and_last_modified_the_last_change(team):
    vid = new_visit(team, "--venue", "Room A")["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li", "--backup", "wang")

    def event():
        (e,) = events(team("export", "visits", "--format", "ics").stdout).values()
        return e

    first = event()
    assert int(first["SEQUENCE"]) == 0  # recorded, then a team assigned: nothing a guest sees
    assert first.decoded("DTSTAMP") == first.decoded("LAST-MODIFIED")  # RFC 5545: no METHOD
    team("--as", "li", "visit", "edit", str(vid), "--headcount", "7", env={"RECEPTIONCTL_NOW": "2026-11-24T10:00:00+08:00"})
    assert int(event()["SEQUENCE"]) == 0  # the headcount: not the guest's time, place or state
    team("--as", "li", "visit", "edit", str(vid), "--venue", "Room B", env={"RECEPTIONCTL_NOW": "2026-11-24T11:00:00+08:00"})
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-02 10:00",
         env={"RECEPTIONCTL_NOW": "2026-11-24T12:00:00+08:00"})
    moved = event()
    assert int(moved["SEQUENCE"]) == 2
    assert moved.decoded("LAST-MODIFIED").isoformat() == "2026-11-24T04:00:00+00:00"
    assert moved.decoded("DTSTAMP") == moved.decoded("LAST-MODIFIED")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-02 10:00", "--title", "Welcome")
    team("--as", "li", "plan", "submit", str(vid))
    team("--as", "gm", "plan", "approve", str(vid))
    approved_now = event()
    assert int(approved_now["SEQUENCE"]) == 3 and str(approved_now["STATUS"]) == "CONFIRMED"
    team("--as", "li", "visit", "cancel", str(vid), "--reason", "postponed")
    assert int(event()["SEQUENCE"]) == 4 and str(event()["STATUS"]) == "CANCELLED"
    strict(team("export", "visits", "--format", "ics").stdout)


def test_a_cancelled_visit_stays_for_the_policys_days(team):
    vid = new_visit(team)["id"]
    team("--as", "li", "visit", "cancel", str(vid), "--reason", "postponed")
    later = {"RECEPTIONCTL_NOW": "2026-12-20T09:00:00+08:00"}  # 26 days after
    assert len(events(team("export", "visits", "--format", "ics", env=later).stdout)) == 1
    team("policy", "set", "calendar_cancelled_days", "20")
    assert events(team("export", "visits", "--format", "ics", env=later).stdout) == {}
    assert [v["id"] for v in team("visit", "list", "--json", env=later).json()] == [vid]  # only the calendar


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_export_reads_in_both_readers(team, lang):
    import icalendar

    team("staff", "edit", "li", "--email", "li.na@example.com")
    team("staff", "edit", "wang", "--name", "王磊, \"B\"; 组")  # text a careless writer breaks
    approved(team)
    chinese_visit(team)
    gone = new_visit(team, "--venue", "三号会议室; 东, 楼")["id"]
    team("--as", "li", "visit", "cancel", str(gone), "--reason", "x")
    for extra in ((), ("--host", "li"), ("--from", "2026-12-02")):
        data = team("--lang", lang, "export", "visits", "--format", "ics", *extra).stdout
        cal = icalendar.Calendar.from_ical(data)
        got = strict(data)
        assert len(got.events) == len(cal.walk("VEVENT")) >= 1
        assert all(len(line.encode()) <= 75 for line in data.splitlines())
    whole = strict(team("--lang", lang, "export", "visits", "--format", "ics").stdout)
    placed = next(e for e in whole.events if e.uid.startswith(f"visit-{gone}-"))
    assert placed.location == "三号会议室; 东, 楼" and placed.status.value == "CANCELLED"
    named = icalendar.Calendar.from_ical(team("--lang", lang, "export", "visits", "--format", "ics").stdout)
    assert str(named["X-WR-CALNAME"]) == ("Client visits" if lang == "en" else "客户来访")
    assert str(named["X-WR-TIMEZONE"]) == "Asia/Shanghai"


# -- staff e-mail ----------------------------------------------------------------------------------
def test_staff_email_is_validated_listed_and_cleared(team, cli, unchanged):
    for bad in ("li", "li@", "@example.com", "li@example", "a b@example.com", "li@example.com\nBcc: x"):
        one_error_line(cli("staff", "edit", "li", "--email", bad), 2, "not an e-mail address")
    one_error_line(cli("staff", "add", "zhao", "--name", "Zhao", "--dept", "CS", "--email", "zhao@"), 2,
                   "not an e-mail address")
    unchanged()
    team("staff", "add", "zhao", "--name", "Zhao", "--dept", "CS", "--email", "zhao@example.com")
    team("staff", "edit", "li", "--email", "li.na@example.com")
    listed = {s["username"]: s["email"] for s in team("staff", "list", "--json").json()}
    assert listed["li"] == "li.na@example.com" and listed["zhao"] == "zhao@example.com" and listed["wang"] is None
    assert "li.na@example.com" in team("staff", "list").stdout
    team("staff", "edit", "li", "--email", "")
    assert {s["username"]: s["email"] for s in team("staff", "list", "--json").json()}["li"] is None


def test_mail_notifications_use_the_address_only_when_the_policy_says_so(team):
    team("staff", "edit", "gm", "--email", "gm@example.com")
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "li")
    team("--as", "li", "plan", "item", str(vid), "--at", "2026-12-01 10:00", "--title", "Welcome")
    team("--as", "li", "plan", "submit", str(vid))
    assert not [m for m in team("notify", "list", "--json").json() if "gm@example.com" in (m.get("channel") or "")]
    team("policy", "set", "notify_staff_email", "on")
    vid2 = new_visit(team, at="2026-12-03 10:00")["id"]
    team("--as", "li", "plan", "assign", str(vid2), "--role", "host", "--staff", "li")
    team("--as", "li", "plan", "item", str(vid2), "--at", "2026-12-03 10:00", "--title", "Welcome")
    team("--as", "li", "plan", "submit", str(vid2))
    sent = [m for m in team("notify", "list", "--json").json() if "gm@example.com" in str(m)]
    assert sent and all(m["event"] == "plan.submit" for m in sent)


# -- the secret address ----------------------------------------------------------------------------
def test_staff_calendar_new_prints_the_address_once_and_keeps_only_its_hash(team, cli, db_target):
    from tests.conftest import query_rows

    team("policy", "set", "web_url", "https://desk.example.com/")
    url = team("--as", "li", "staff", "calendar", "li", "--new").stdout.strip()
    token = re.fullmatch(r"https://desk\.example\.com/calendar/([A-Za-z0-9_-]+)\.ics", url).group(1)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    stored = query_rows(db_target, "SELECT token_hash FROM calendar_feed")
    import hashlib

    assert stored == [(hashlib.sha256(token.encode()).hexdigest(),)]
    audit = team("audit", "--json").json()
    assert token not in str(audit) and any(e["action"] == "calendar.new" for e in audit)
    again = team("--as", "li", "staff", "calendar", "li", "--new", "--json").json()
    assert again["url"] != url and again["username"] == "li"
    shown = team("--as", "li", "staff", "calendar", "li", "--json").json()
    assert "url" not in shown and shown["created_by"] == "li" and shown["failed_requests"] is None
    assert team("staff", "calendar", "li", "--json").json()["failed_requests"] == {"hour": 0, "day": 0, "week": 0}


def test_staff_calendar_own_or_an_admins(team, cli, unchanged):
    one_error_line(cli("--as", "li", "staff", "calendar", "wang", "--new"), 4)
    one_error_line(cli("--as", "li", "staff", "calendar", "li", "--new", "--revoke"), 2)
    one_error_line(cli("--as", "li", "staff", "calendar", "li", "--lang", "fr", "--new"), 2)
    one_error_line(cli("--as", "li", "staff", "calendar", "li", "--lang", "en"), 2)
    one_error_line(cli("--as", "li", "staff", "calendar", "li", "--revoke"), 1)
    unchanged()
    team("staff", "calendar", "wang", "--new")  # an admin: anyone's
    assert team("--as", "wang", "staff", "calendar", "wang", "--revoke").stdout.strip() == \
        "calendar address of wang revoked"
