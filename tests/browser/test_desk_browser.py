"""The desk's pages in a real browser (issue 27): a temporary pass issued and its print page
opened; a handover prepared with the checklist's checkboxes, refused by the incoming clerk, and
the refusal seen as an alert on the board and in `report daily --format json`. Fixtures:
tests/browser/conftest.py (`receptionctl serve` in a subprocess, Debian's chromium)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

ID_NUMBER = "11010519491231002X"


def test_issue_a_pass_and_open_its_print_page(desk_server, chromium, crew, tmp_path):
    url, page = desk_server, chromium
    sign_in(page, url, "desk1")
    page.click("a[href='/desk']")
    page.click("a[href='/desk/passes']")
    form = page.locator("form[action='/desk/passes']")
    form.locator("input[name=name]").fill("Zhang San")
    form.locator("input[name=company]").fill("Huayu Renovation")
    form.locator("input[name=purpose]").fill("repaint room 301")
    form.locator("input[name=until]").fill("今天 下午6点")
    form.locator("input[name=id_number]").fill(ID_NUMBER)
    form.locator("input[name=host]").fill("wang")
    form.locator("input[name=place]").fill("room 301")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/desk/passes/\d+$"))
    [issued] = crew("pass", "list", "--out", "--json").json()  # the command line sees it
    assert issued["issued_by"] == "desk1" and issued["until"] == "2026-12-01T18:00:00+08:00"
    card = page.locator("article.pass-card")
    text = card.inner_text()
    for shown in ("临时通行证", f"第 {issued['id']} 号", "Zhang San", "Huayu Renovation", "repaint room 301",
                  "Wang Lei", "room 301", "2026-12-01 18:00", "1101**********002X"):
        assert shown in text, (shown, text)
    assert ID_NUMBER not in page.content()
    page.screenshot(path=str(tmp_path / "pass.png"), full_page=True)
    page.emulate_media(media="print")  # as it prints: the pass, without the header, the nav and the forms
    assert card.is_visible() and not page.locator("header.top").is_visible()
    assert not page.locator("nav").is_visible()
    page.pdf(path=str(tmp_path / "pass.pdf"))  # headless chromium prints it
    assert (tmp_path / "pass.pdf").stat().st_size > 0


def test_refuse_a_handover_then_see_the_alert_on_the_board_and_in_the_daily_report(desk_server, chromium, crew,
                                                                                   tmp_path):
    url, page = desk_server, chromium
    sign_in(page, url, "desk1")
    page.goto(url + "/desk/shift")
    page.click("form[action='/desk/shift/start'] button[type=submit]")
    page.wait_for_url(url + "/desk/shift")
    form = page.locator("form[action='/desk/handovers']")
    boxes = form.locator("input[type=checkbox]")
    assert boxes.count() == 6  # the policy's handover_checklist
    for i in range(boxes.count()):
        if boxes.nth(i).get_attribute("name") != "ok_radios":
            boxes.nth(i).check()
    form.locator("input[name=note_radios]").fill("一块电池没电")
    form.locator("textarea[name=summary]").fill("上午平稳；Acme 的客人在 301 会议室")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/desk/handovers/\d+$"))
    sheet_url = page.url

    sign_in(page, url, "desk2")  # the incoming clerk
    page.goto(sheet_url)
    page.screenshot(path=str(tmp_path / "handover.png"), full_page=True)
    refuse = page.locator("form[action$='/refuse']")
    refuse.locator("textarea[name=question]").fill("12号钥匙不在钥匙柜里")
    refuse.locator("button[type=submit]").click()
    page.wait_for_url(sheet_url)
    assert "已拒绝" in page.locator("dd.state").inner_text()
    page.screenshot(path=str(tmp_path / "handover-refused.png"), full_page=True)

    page.goto(url + "/")
    alerts = page.locator("ul.alerts").inner_text()
    assert "12号钥匙不在钥匙柜里" in alerts, alerts
    report = crew("report", "daily", "--format", "json").json()
    refused = [a for a in report["alerts"] if a["kind"] == "handover_refused"]
    assert len(refused) == 1 and "12号钥匙不在钥匙柜里" in refused[0]["text"]
    [h] = crew("--as", "sup", "desk", "handover", "list", "--json").json()
    assert (h["state"], h["from_by"], h["to_by"]) == ("refused", "desk1", "desk2")
    assert {c["item"]: c["note"] for c in h["checks"] if not c["ok"]} == {"radios": "一块电池没电"}
