"""A task marked done on a visit's page in a real browser (issue 27, item 6): Debian's chromium
driven by Playwright (never a downloaded browser), `receptionctl serve` in a process of its own
on a free port over the test's database; the command line then sees the task done.

A screenshot of the visit's page after the click is saved in the test's temporary folder (and in
RECEPTIONCTL_SCREENSHOTS, a folder, when that is set)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.conftest import DAY, PASSWORD, desk_day  # noqa: F401 (the web tests' fixture: an approved visit today)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(team, desk_day, db_target, tmp_path):
    """`receptionctl serve` on a free port of this computer, the clock at the desk day's 10:05;
    (its address, the visit's id). li's password is set first."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    team("staff", "password", "li", input=PASSWORD + "\n")
    port = free_port()
    env = {**os.environ, "RECEPTIONCTL_DB": db_target, "RECEPTIONCTL_NOW": DAY,
           "RECEPTIONCTL_WEB_SECRET": "a browser test's secret, long enough to sign with"}
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "receptionctl", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "serve.log").read_text(errors="replace")) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", desk_day
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def browser_page(tmp_path):
    """A Chromium page in Chinese, in a new empty profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS, locale="zh-CN",
            viewport={"width": 1280, "height": 1000})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_a_task_marked_done_on_the_visit_page_is_done_for_the_command_line(server, browser_page, team, tmp_path):
    url, visit = server
    page = browser_page
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{url}/")
    task = next(t for t in team("task", "list", "--visit", str(visit), "--json").json() if t["state"] == "open")

    page.goto(f"{url}/visits/{visit}")
    row = page.locator(f"#task-{task['id']}")
    row.locator("form[action$='/done'] input[name=note]").fill("已在浏览器中完成")
    row.locator("form[action$='/done'] button").click()
    page.wait_for_url(f"{url}/visits/{visit}")
    assert f"任务 {task['id']} 已完成" in page.locator("p.flash").first.inner_text()
    assert "done" in page.locator(f"#task-{task['id']}").get_attribute("class")
    shot = tmp_path / "visit-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("RECEPTIONCTL_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["RECEPTIONCTL_SCREENSHOTS"]) / shot.name)

    seen = {t["id"]: t for t in team("task", "list", "--state", "all", "--json").json()}[task["id"]]
    assert seen["state"] == "done" and seen["done_by"] == "li" and seen["note"] == "已在浏览器中完成"
