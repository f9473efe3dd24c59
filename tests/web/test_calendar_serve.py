"""Issue 30: a person's feed fetched over HTTP from a real `receptionctl serve` process, and the
server's access log, which never shows the token."""

from __future__ import annotations

import urllib.error
import urllib.request

from tests.cli.test_calendars import strict
from tests.cli.test_visits_plans import approved
from tests.serving import free_port, serving


def test_a_feed_over_http_from_serve(team, tmp_path):
    vid = approved(team)
    port = free_port()
    team("policy", "set", "web_url", f"http://127.0.0.1:{port}")
    url = team("staff", "calendar", "li", "--new", "--json").json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    log_path = tmp_path / "serve.log"
    # a server database keeps no secret beside it (a SQLite one does): the variable is the way
    with serving(log_path, port, RECEPTIONCTL_WEB_SECRET="a test's secret, long enough to sign with"):
        with urllib.request.urlopen(url + "?tasks=1", timeout=30) as got:
            body, kind, etag = got.read(), got.headers["Content-Type"], got.headers["ETag"]
        try:
            urllib.request.urlopen(url.replace(token, token[::-1]), timeout=30)
            raise AssertionError("a wrong token was answered")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
    assert kind == "text/calendar; charset=utf-8" and etag
    cal = strict(body)
    assert [e.uid.split("-")[1] for e in cal.events] == [str(vid)] and cal.todos
    logged = log_path.read_text()
    assert "GET /calendar/….ics" in logged and token not in logged and token[::-1] not in logged
