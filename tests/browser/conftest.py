"""The desk's pages in a real browser: `receptionctl serve` started as a subprocess on a free
port over the test's database (the suite's team and the desk's crew, the clock at 10:05 on a
Tuesday), and a page of Debian's chromium (/usr/bin/chromium) driven by Playwright's sync API.
Nothing downloads a browser; without /usr/bin/chromium the tests are skipped
(apt-get install chromium). `make test-browser` runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_desk import desk_team
from tests.web.conftest import DAY, PASSWORD

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SRC = Path(__file__).resolve().parents[2] / "src"
CLERKS = ("desk1", "desk2", "sup")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
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
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def chromium(tmp_path):
    """A new page of Debian's chromium, headless, with a new empty profile, in Chinese."""
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


def sign_in(page, url: str, username: str) -> None:
    """Sign in through the login form, as a clerk does (a previous session signed out first)."""
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(url + "/")
