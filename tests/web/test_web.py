"""The web front desk (issue 27): logins, the guards every page has, the board, and check-in."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import query_rows
from tests.web.conftest import PASSWORD, csrf_of, sign_in

PAGES = ["/", "/checkin", "/password"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_the_login_redirects_to_it_without_a_session(client, path):
    done = client.get(path, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert client.get("/login").status_code == 200


def test_headers_on_every_response(client):
    for done in (client.get("/login"), client.get("/", follow_redirects=False), client.get("/static/style.css")):
        csp = done.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert done.headers["x-frame-options"] == "DENY"
        assert done.headers["referrer-policy"] == "same-origin"
        assert done.headers["x-content-type-options"] == "nosniff"
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "<script" not in client.get("/login").text and "style=" not in client.get("/login").text


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_over_tls(web, app):
    from starlette.testclient import TestClient

    cookie = web.get("/login").headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
    with TestClient(app, base_url="https://testserver") as tls:
        assert "secure" in tls.get("/login").headers["set-cookie"].lower()


def test_sign_in_and_out_are_audited_and_the_old_cookie_stops_working(web, team):
    cookie = web.cookies.get("receptionctl_session")
    board = web.get("/")
    assert board.status_code == 200 and "Li Na" in board.text
    web.post("/logout", data={"csrf_token": csrf_of(board.text)})
    assert web.get("/", follow_redirects=False).status_code == 303
    web.cookies.set("receptionctl_session", cookie)  # the cookie from before the sign-out
    assert web.get("/", follow_redirects=False).headers["location"] == "/login"
    actions = [e["action"] for e in team("audit", "--json").json() if e["action"].startswith(("login", "logout"))]
    assert actions[-2:] == ["login.ok", "logout"] or actions[:2] == ["logout", "login.ok"]


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_post_without_the_right_csrf_token_is_403_and_changes_nothing(web, desk_day, unchanged, token):
    data = {"visit": str(desk_day), "name": "Liu Yang"}
    if token:
        data["csrf_token"] = token
    with unchanged():
        done = web.post("/checkin", data=data)
        assert done.status_code == 403
        assert web.post("/logout", data={"csrf_token": "x"}).status_code == 403


def test_a_wrong_password_locks_the_login_after_the_policy_failures_and_the_audit_says_so(client, team, db_target):
    team("staff", "password", "li", input=PASSWORD + "\n")
    team("policy", "set", "login_max_failures", "3")
    for _ in range(3):
        done = sign_in(client, "li", "wrong-password")
        assert done.status_code == 401 and "Wrong username or password" in done.text
    locked = sign_in(client, "li")  # the right password, while locked: the same refusal
    assert locked.status_code == 401 and "Wrong username or password" in locked.text
    unknown = sign_in(client, "nobody", PASSWORD)
    assert unknown.status_code == 401 and unknown.text.count("Wrong username") == 1
    events = [e for e in team("audit", "--json").json() if e["action"].startswith("login")]
    assert [e["action"] for e in events].count("login.fail") == 5
    assert [e["action"] for e in events].count("login.lock") == 1
    rows = query_rows(db_target, "SELECT actor, before, after FROM audit_event")
    assert not any(PASSWORD in str(r) or "wrong-password" in str(r) for r in rows)


def test_an_inactive_user_cannot_sign_in_and_their_session_ends(web, team, client):
    team("staff", "deactivate", "li")
    assert web.get("/", follow_redirects=False).headers["location"] == "/login"
    web.cookies.clear()
    assert sign_in(client, "li").status_code == 401


def test_a_reset_forces_a_new_password_at_the_next_sign_in(client, team):
    team("staff", "password", "li", "--reset", input=PASSWORD + "\n")
    sign_in(client, "li")
    page = client.get("/")
    assert page.url.path == "/password"
    same = client.post("/password", data={"new_password": PASSWORD, "confirm_password": PASSWORD,
                                          "csrf_token": csrf_of(page.text)})
    assert same.status_code == 400
    done = client.post("/password", data={"new_password": "another-one-22", "confirm_password": "another-one-22",
                                          "csrf_token": csrf_of(page.text)})
    assert done.url.path == "/" and done.status_code == 200
    client.cookies.clear()
    assert sign_in(client, "li", "another-one-22").url.path == "/"


def test_check_in_on_the_web_is_seen_by_the_command_line_and_audited_as_the_signed_in_user(web, desk_day, team):
    form = web.get(f"/checkin?visit={desk_day}")
    done = web.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "title": "GM",
                                      "id_number": "11010519491231002X", "csrf_token": csrf_of(form.text)})
    assert done.status_code == 200 and done.url.path == "/"
    assert "Liu Yang checked in to visit" in done.text
    assert "11010519491231002X" not in done.text and "002X" in done.text  # masked, as the CLI shows it
    onsite = team("onsite", "--format", "json").json()
    assert [p["name"] for p in onsite] == ["Liu Yang"]
    event = [e for e in team("audit", "--json").json() if e["action"] == "guest.checkin"][-1]
    assert event["actor"] == "li"
    board = web.get("/")
    assert "11010519491231002X" not in board.text
    out = web.post("/checkout", data={"visit": str(desk_day), "name": "Liu Yang", "csrf_token": csrf_of(board.text)})
    assert "Liu Yang checked out of visit" in out.text
    assert team("onsite", "--format", "json").json() == []


def test_a_domain_error_is_shown_on_the_page_with_its_status(web, desk_day):
    page = web.get("/checkin")
    token = csrf_of(page.text)
    assert web.post("/checkin", data={"visit": "abc", "name": "X", "csrf_token": token}).status_code == 400
    assert web.post("/checkin", data={"visit": "99999", "name": "X", "csrf_token": token}).status_code == 404
    gone = web.post("/checkout", data={"visit": str(desk_day), "name": "Nobody", "csrf_token": token})
    assert gone.status_code in (404, 409) and "Traceback" not in gone.text


def test_names_are_escaped_on_the_board(web, desk_day):
    page = web.get("/checkin")
    probe = "<script>alert(1)</script>"
    web.post("/checkin", data={"visit": str(desk_day), "name": probe, "csrf_token": csrf_of(page.text)})
    board = web.get("/").text
    assert probe not in board and "&lt;script&gt;alert(1)&lt;/script&gt;" in board


def test_no_password_nor_cookie_in_any_log(client, team, caplog):
    from receptionctl.web.logs import PathOnly

    team("staff", "password", "li", input=PASSWORD + "\n")
    with caplog.at_level(logging.DEBUG):
        sign_in(client, "li")
        client.get("/")
        sign_in(client, "li", "wrong-password-9")
    cookie = client.cookies.get("receptionctl_session")
    for record in caplog.records:
        text = record.getMessage()
        assert PASSWORD not in text and "wrong-password-9" not in text and cookie not in text
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", f"/login?password={PASSWORD}", "1.1", 200), None)
    PathOnly().filter(record)
    assert PASSWORD not in record.getMessage() and "/login" in record.getMessage()


def test_the_board_speaks_chinese_by_default_and_english_when_asked(web, desk_day):
    import html
    import re

    from tests.latin import offenders

    page = web.get(f"/checkin?visit={desk_day}")
    web.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "csrf_token": csrf_of(page.text)})
    zh = web.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    assert "看板" in zh and "Liu Yang" in zh
    shown = html.unescape(re.sub(r"<[^>]*>", " ", zh))  # what a person reads, without the markup
    # the names people typed, the user ids, and the switch to English (written in English on purpose)
    assert not offenders(shown, phrases=["Li Na", "Liu Yang", "Acme", "English"], ids=["li", "wang"]), shown
    assert "看板" in web.get("/", headers={"accept-language": ""}).text  # zh-CN by default
    en = web.get("/", headers={"accept-language": "en-GB,en;q=0.9"}).text
    assert "Board" in en and "看板" not in en
    web.get("/lang?to=zh-CN&next=/")
    assert "看板" in web.get("/", headers={"accept-language": "en"}).text  # the user's choice wins


def test_a_voluntary_change_needs_the_current_password(web, team):
    page = web.get("/password")
    assert 'name="password"' in page.text
    wrong = web.post("/password", data={"password": "not-it-at-all", "new_password": "another-one-22",
                                        "confirm_password": "another-one-22", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 400 and "the current password is wrong" in wrong.text
    assert [e["action"] for e in team("audit", "--json").json()][-1] == "login.fail"  # counted, kept
    done = web.post("/password", data={"password": PASSWORD, "new_password": "another-one-22",
                                       "confirm_password": "another-one-22", "csrf_token": csrf_of(page.text)})
    assert done.url.path == "/" and "Your password is changed." in done.text
    assert web.get("/").status_code == 200  # this session goes on
