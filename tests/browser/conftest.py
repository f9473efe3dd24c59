"""The desk's pages in a real browser: `receptionctl serve` started as a subprocess on a free
port over the test's database (the suite's team and the desk's crew, the clock at 10:05 on a
Tuesday), and a page of Debian's chromium (/usr/bin/chromium) driven by Playwright's sync API.
Nothing downloads a browser; without /usr/bin/chromium the tests are skipped
(apt-get install chromium). `make test-browser` runs them."""

from __future__ import annotations

import os

import pytest

from tests.cli.test_desk import desk_team
from tests.serving import serving
from tests.web.conftest import DAY, PASSWORD

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
CLERKS = ("desk1", "desk2", "sup")


@pytest.fixture
def crew(from_template, ok, monkeypatch):
    """The team and the desk's crew (desk1 and desk2 at the desk, sup their supervisor), each
    with the password PASSWORD; the clock at DAY for the server and the command line alike."""
    from datetime import datetime

    from receptionctl.domain.core import clock

    from_template(desk_team)
    for user in CLERKS:
        ok("staff", "password", user, input=PASSWORD + "\n")
    monkeypatch.setenv("RECEPTIONCTL_NOW", DAY)
    clock.pin(datetime.fromisoformat(DAY))
    return ok


@pytest.fixture
def desk_server(crew, tmp_path):
    """`receptionctl serve` on the crew's database: its address. Stopped at the end."""
    with serving(tmp_path / "serve.log") as url:
        yield url


@pytest.fixture
def chromium(tmp_path):
    """A new page of Debian's chromium, headless, with a new empty profile, in Chinese."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                       headless=True, args=FLAGS, locale="zh-CN",
                                                       viewport={"width": 1280, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()


def sign_in(page, url: str, username: str) -> None:
    """Sign in through the login form, as a clerk does (a previous session signed out first)."""
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(url + "/")
