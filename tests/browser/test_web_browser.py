"""The web front desk in a real browser (issue 27): `receptionctl serve` started as a
subprocess on a free port over the test's database, driven by Playwright through Debian's
chromium (/usr/bin/chromium; nothing downloads a browser). `make test-browser` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import DAY, PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(team, tmp_path, monkeypatch):
    """`receptionctl serve` on the team's database, today the day of an approved visit; its id
    and the address. The server's output is kept for the check that no secret is logged."""
    from tests.cli.test_visits_plans import approved

    vid = approved(team)
    team("staff", "password", "li", input=PASSWORD + "\n")
    port = free_port()
    env = {**os.environ, "RECEPTIONCTL_NOW": DAY, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "receptionctl", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until it answers (its start-up, not a timing assertion)
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"receptionctl serve stopped: {log.read()}")
            try:
                urllib.request.urlopen(url + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield vid, url, tmp_path / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def browser_page(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                       headless=True, args=FLAGS, locale="zh-CN")
        try:
            yield context.new_page()
        finally:
            context.close()


def test_sign_in_see_the_guest_expected_check_them_in_and_the_cli_sees_them(server, browser_page, team, tmp_path):
    vid, url, log = server
    page = browser_page
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
