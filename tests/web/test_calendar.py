"""Issue 30: a person's calendar feed on the web front desk (`GET /calendar/<token>.ics`, no
session) and the page where they make or revoke its address."""

from __future__ import annotations

import logging
import re

import pytest

from tests.cli.test_calendars import strict
from tests.cli.test_reception_followup import DAY, ID
from tests.cli.test_visits_plans import approved
from tests.web.conftest import PASSWORD, csrf_of, sign_in


def address(ok, user: str, *extra: str) -> str:
    """The path of a new address of `user` (no web_url: the path alone)."""
    url = ok("staff", "calendar", user, "--new", "--json", *extra).json()["url"]
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{43}\.ics", url), url
    return url


def read(data: bytes):
    import icalendar

    return icalendar.Calendar.from_ical(data)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_feed_holds_the_persons_visits_and_reads_in_both_readers(team, client, lang):
    team("staff", "edit", "li", "--email", "li.na@example.com")
    vid = approved(team)  # li hosts, wang backs up
    for user in ("li", "wang", "chen"):
        team("staff", "calendar", user, "--new", "--lang", lang)  # one each, made before
    feeds = {user: address(team, user, "--lang", lang) for user in ("li", "wang", "chen")}
    got = client.get(feeds["li"])
    assert got.status_code == 200 and got.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "set-cookie" not in got.headers
    cal = read(got.content)
    assert str(cal["X-WR-CALNAME"]) == ("Visits of Li Na" if lang == "en" else "Li Na 的来访日程")
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]).startswith(f"visit-{vid}-") and str(event["ORGANIZER"]) == "mailto:li.na@example.com"
    summary = "Acme – talk" if lang == "en" else "Acme – 商务洽谈"
    assert str(event["SUMMARY"]) == summary
    assert len(strict(got.content).events) == 1
    assert [str(e["UID"]) for e in read(client.get(feeds["wang"]).content).walk("VEVENT")] == [str(event["UID"])]
    assert read(client.get(feeds["chen"]).content).walk("VEVENT") == []  # not on the team


def test_tasks_come_as_todos_with_due_and_an_alarm(team, client):
    vid = approved(team)
    url = address(team, "li")
    assert read(client.get(url).content).walk("VTODO") == []
    data = client.get(url + "?tasks=1").content
    todos = read(data).walk("VTODO")
    # the tasks of li's visit that fall to the host role she holds (not the coordinator's of every visit)
    hosts = {t["id"] for t in team("task", "list", "--owner", "li", "--json").json() if t["owner_role"] == "host"}
    assert hosts and {int(str(t["UID"]).split("-")[1]) for t in todos} == hosts
    first = todos[0]
    assert first.decoded("DUE") and str(first["STATUS"]) == "NEEDS-ACTION"
    (alarm,) = first.walk("VALARM")
    assert alarm["TRIGGER"].params["RELATED"] == "END"
    parsed = strict(data)
    assert len(parsed.todos) == len(todos) and all(t.due for t in parsed.todos)
    assert any(f"Visit {vid}" in str(t["DESCRIPTION"]) for t in todos)


def test_etag_last_modified_and_304(team, client):
    vid = approved(team)
    url = address(team, "li")
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    same = client.get(url, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    team("--as", "li", "visit", "reschedule", str(vid), "--at", "2026-12-02 10:00")
    moved = client.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["etag"] != etag
    (event,) = read(moved.content).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 2  # approved, then moved


def test_an_unknown_or_revoked_address_is_a_plain_counted_404(team, client):
    url = address(team, "li")
    nowhere = client.get("/no/such/page")
    for gone in ("/calendar/" + "A" * 43 + ".ics", "/calendar/x.ics", url.replace(".ics", "x.ics")):
        got = client.get(gone)
        assert (got.status_code, got.content, got.headers["content-type"]) == (
            404, nowhere.content, nowhere.headers["content-type"])
    assert client.get(url).status_code == 200
    team("staff", "calendar", "li", "--revoke")
    revoked = client.get(url)
    assert (revoked.status_code, revoked.content) == (404, nowhere.content) and "set-cookie" not in revoked.headers
    assert team("staff", "calendar", "li", "--json").json()["failed_requests"]["hour"] == 4
    theirs = address(team, "wang")
    team("staff", "deactivate", "wang")  # a person who left: their address opens nothing
    assert (client.get(theirs).status_code, client.get(theirs).content) == (404, nowhere.content)
    assert team("staff", "calendar", "li", "--json").json()["failed_requests"]["hour"] == 6


def test_the_feed_shows_nothing_the_person_may_not_see(team, client):
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "刘洋", "--title", "GM", "--id-number", ID,
         env={"RECEPTIONCTL_NOW": DAY["RECEPTIONCTL_NOW"]})
    url = address(team, "li")
    body = client.get(url + "?tasks=1").content.decode()
    assert "刘洋" not in body and ID not in body and ID[-4:] not in body
    team("policy", "set", "calendar_guest_names", "on")
    body = client.get(url + "?tasks=1").content.decode()
    assert "刘洋" in body and ID not in body and ID[-4:] not in body


def test_complaint_steps_never_reach_a_feed(team, client):
    team("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    team("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "Lunch came late", "--client", "acme",
         "--category", "service")
    team("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Projector broken")
    steps = {t["case_id"]: t for t in team("task", "list", "--owner", "desk1", "--stage", "case", "--json").json()}
    assert len(steps) == 2
    body = client.get(address(team, "desk1") + "?tasks=1").content.decode()
    assert "Lunch came late" not in body
    uids = {str(t["UID"]) for t in read(body.encode()).walk("VTODO")}
    complaint = min(steps)  # added first
    assert not any(u.startswith(f"task-{steps[complaint]['id']}-") for u in uids)
    assert any(u.startswith(f"task-{steps[max(steps)]['id']}-") for u in uids)


# -- the page ------------------------------------------------------------------------------------
def test_a_person_makes_and_revokes_their_own_address_on_the_page(web, team):
    page = web.get("/calendar")
    assert page.status_code == 200 and "You have no calendar address." in page.text
    refused = web.post("/calendar/new", data={})
    assert refused.status_code == 403
    made = web.post("/calendar/new", data={"csrf_token": csrf_of(page.text)})
    assert made.status_code == 200
    url = re.search(r'<code class="secret">(http://testserver/calendar/[A-Za-z0-9_-]+\.ics)</code>', made.text).group(1)
    assert web.get(url.removeprefix("http://testserver")).status_code == 200
    assert "You have a calendar address" in web.get("/calendar").text
    assert url not in web.get("/calendar").text  # shown once
    other = web.post("/calendar/new", data={"csrf_token": csrf_of(page.text), "username": "wang"})
    assert other.status_code == 403  # li is no admin
    gone = web.post("/calendar/revoke", data={"csrf_token": csrf_of(page.text)})
    assert gone.status_code == 200 and "calendar address of li revoked" in gone.text
    assert web.get(url.removeprefix("http://testserver")).status_code == 404


def test_an_admin_makes_anyones_and_sees_the_failures(team, client):
    team("staff", "password", "admin", input=PASSWORD + "\n")
    sign_in(client, "admin")
    client.get("/calendar/" + "B" * 43 + ".ics")
    page = client.get("/calendar")
    assert "1 in the last hour" in page.text
    made = client.post("/calendar/new", data={"csrf_token": csrf_of(page.text), "username": "wang", "lang": "en"})
    assert made.status_code == 200 and "The calendar address of wang" in made.text
    assert "wang" in client.get("/calendar").text


def test_the_access_log_never_shows_a_token():
    from receptionctl.web.logs import PathOnly

    token = "k" * 43
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", f"/calendar/{token}.ics?tasks=1", "1.1", 200), None)
    PathOnly().filter(record)
    assert token not in record.getMessage() and "/calendar/….ics" in record.getMessage()
    for path in (f"/calendar/{token}", f"//calendar/{token}.ics/x"):
        record.args = ("127.0.0.1:5", "GET", path, "1.1", 404)
        PathOnly().filter(record)
        assert token not in record.getMessage()
    record.args = ("127.0.0.1:5", "POST", "/calendar/new", "1.1", 200)
    PathOnly().filter(record)
    assert "/calendar/new" in record.getMessage()
