"""A task marked done on a visit's page in a real browser (issue 27, item 6): Debian's chromium
driven by Playwright (never a downloaded browser), `receptionctl serve` in a process of its own
on a free port over the test's database; the command line then sees the task done.

A screenshot of the visit's page after the click is saved in the test's temporary folder (and in
RECEPTIONCTL_SCREENSHOTS, a folder, when that is set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.serving import serving
from tests.web.conftest import DAY, PASSWORD, desk_day  # noqa: F401 (the web tests' fixture: an approved visit today)

pytestmark = pytest.mark.browser

@pytest.fixture
def server(team, desk_day, tmp_path):
    """`receptionctl serve` on a free port of this computer, the clock at the desk day's 10:05;
    (its address, the visit's id). li's password is set first."""
    team("staff", "password", "li", input=PASSWORD + "\n")
    with serving(tmp_path / "serve.log", RECEPTIONCTL_NOW=DAY) as url:
        yield url, desk_day


def test_a_task_marked_done_on_the_visit_page_is_done_for_the_command_line(server, chromium, team, tmp_path):
    url, visit = server
    page = chromium
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
