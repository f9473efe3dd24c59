"""The web front desk in a real browser (issue 27): `receptionctl serve` started as a
subprocess on a free port over the test's database, driven by Playwright through Debian's
chromium (/usr/bin/chromium; nothing downloads a browser). `make test-browser` runs it."""

from __future__ import annotations

import pytest

from tests.serving import serving
from tests.web.conftest import DAY, PASSWORD

pytestmark = pytest.mark.browser

@pytest.fixture
def server(team, tmp_path, monkeypatch):
    """`receptionctl serve` on the team's database, today the day of an approved visit; its id
    and the address. The server's output is kept for the check that no secret is logged."""
    from tests.cli.test_visits_plans import approved

    vid = approved(team)
    team("staff", "password", "li", input=PASSWORD + "\n")
    with serving(tmp_path / "serve.log", RECEPTIONCTL_NOW=DAY) as url:
        yield vid, url, tmp_path / "serve.log"


def test_sign_in_see_the_guest_expected_check_them_in_and_the_cli_sees_them(server, chromium, team, tmp_path):
    vid, url, log = server
    page = chromium
    page.goto(url + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    board = page.text_content("main")
    assert "看板" in board and "Acme" in board and "今日来访" in board  # today's visit, in Chinese
    row = page.locator("table.board tr", has_text="Acme").first
    assert row.locator("td").nth(5).text_content().strip() == "5"  # the guests expected

    page.goto(f"{url}/checkin?visit={vid}")
    page.fill("input[name=name]", "刘洋")
    page.fill("input[name=title]", "总经理")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.screenshot(path=str(tmp_path / "checkin.png"), full_page=True)  # the form, filled in
    page.click("form.card button[type=submit]")
    page.wait_for_url(url + "/")
    text = page.text_content("main")
    assert "刘洋" in text and "11010519491231002X" not in text
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)

    onsite = team("onsite", "--format", "json", env={"RECEPTIONCTL_NOW": DAY}).json()
    assert [(p["name"], p["visit_id"]) for p in onsite] == [("刘洋", vid)]
    assert [e for e in team("audit", "--json").json() if e["action"] == "guest.checkin"][-1]["actor"] == "li"
    served = log.read_text()
    assert "POST /checkin" in served and PASSWORD not in served and "receptionctl_session" not in served
