"""Issue 25, parts 7 and 8: a chat report that shows the day, and an HTML report that leads
with the alerts.

`report daily --format markdown` fills its 4,096 bytes in the order things matter: the
headline, every alert on one line (critical first), today's visits, then the rest; a count
("… and 3 more") only where the message has no room left; no command line a chat reader cannot
run, and the policy's report_url as the way to the rest. The HTML page puts the alerts before
its chart, which names people and roles in words; the charts' weeks read as days, their times
in the company's zone.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from tests.cli.test_report import busy_morning
from tests.cli.test_visits_plans import new_visit
from tests.conftest import template

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T08:00:00+08:00"}  # the morning of the crowded day
EVENING = {"RECEPTIONCTL_NOW": "2026-12-01T18:00:00+08:00"}
BUDGET = 4096  # the chat limit, and --max-bytes' default
LANGS = ("en", "zh-CN")


@template(base=busy_morning)
def crowded_day(ok):
    """busy_morning, and a day a chat message cannot hold whole: more visits today and tomorrow,
    each with its tasks for people and roles, and alerts of several kinds (a critical incident,
    feedback under the red line, a plan to approve again, visits with no host, a pass out, mail
    not collected, an owner who left)."""
    ok("staff", "add", "zhao", "--name", "Zhao Yun", "--dept", "Logistics", "--role", "host")
    ok("client", "add", "Huaxin Precision Machinery", "--tier", "vip")
    ok("client", "add", "Blue Harbor Logistics", "--tier", "key")
    for client, at, host in (("Huaxin Precision Machinery", "2026-12-01 14:00", "wang"),
                             ("Blue Harbor Logistics", "2026-12-01 16:00", "zhao"),
                             ("Huaxin Precision Machinery", "2026-12-02 14:00", "li"),
                             ("Blue Harbor Logistics", "2026-12-03 09:30", "zhao")):
        ok("--as", "li", "visit", "new", "--client", client, "--at", at, "--purpose", "tour", "--level", "1",
           "--headcount", "6", "--host", host)
    ok("--as", "li", "pass", "issue", "--name", "Zhang Wei", "--company", "Bright Electric", "--purpose",
       "repair the lobby lights", "--until", "2026-11-30 17:00", "--host", "wang",
       env={"RECEPTIONCTL_NOW": "2026-11-30T09:00:00+08:00"})
    ok("--as", "li", "mail", "receive", "--to", "wang", "--kind", "parcel", "--from", "SF Express",
       env={"RECEPTIONCTL_NOW": "2026-11-25T09:00:00+08:00"})
    ok("staff", "deactivate", "zhao")
    for client in ("Acme", "Huaxin Precision Machinery"):  # VIP clients have their manager (issue 26)
        ok("client", "edit", client, "--manager", "li")


@pytest.fixture
def crowded(from_template, team):
    from_template(crowded_day)
    return team


@template(base=crowded_day)
def two_hundred_alerts(ok):
    """The crowded day, a second critical incident (on today's visit), and 200 parcels at the desk
    that nobody collected: more alerts than any chat message holds."""
    today = 1  # busy_morning's visit of 2026-12-01 10:00, its plan changed after approval: approved again
    ok("--as", "li", "plan", "submit", str(today))
    ok("--as", "gm", "plan", "approve", str(today))
    ok("--as", "li", "checkin", str(today), "--guest", "Liu Yang", env={"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"})
    ok("--as", "li", "incident", "add", str(today), "--kind", "health", "--severity", "critical", "--text",
       "A guest fainted in the showroom", env={"RECEPTIONCTL_NOW": "2026-12-01T10:30:00+08:00"})
    for n in range(200):
        ok("--as", "li", "mail", "receive", "--to", "Business", "--kind", "letter", "--from", f"华信精密机械 {n}",
           env={"RECEPTIONCTL_NOW": "2026-11-20T09:00:00+08:00"})


def chat(ok, lang: str, *args, env=DAY) -> str:
    return ok("--lang", lang, "report", "daily", "--format", "markdown", *args, env=env).stdout.rstrip("\n")


def alerts_of(ok, lang: str, env=DAY) -> tuple[list[str], int]:
    """The alerts' texts in `lang` (critical first), and how many are critical."""
    r = ok("--lang", lang, "report", "daily", "--format", "json", env=env).json()
    return [a["text"] for a in r["alerts"]], r["headline"]["critical_alerts"]


def first_words(alert: str) -> str:
    """An alert's first 20 characters as the chat message writes them (markdown escaped)."""
    return html.escape(alert[:20], quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def alert_lines(md: str) -> list[str]:
    section = md.split("\n## ", 2)[1]
    assert re.match(r"Alerts|预警", section), section[:40]
    return [line for line in section.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("lang", LANGS)
def test_the_chat_message_shows_every_alert_and_todays_visits(crowded, lang):
    md = chat(crowded, lang)
    texts, critical = alerts_of(crowded, lang)
    assert len(texts) >= 6 and critical == 1
    assert len(md.encode("utf-8")) <= BUDGET
    lines = alert_lines(md)
    assert len(lines) == len(texts) and not any("…" in line.split(":")[0] for line in lines)  # no count
    for line, alert in zip(lines, texts):  # in the report's order: critical first
        assert first_words(alert) in line, (alert, line)
    # then every visit of today, listed, not counted
    today = md.split("\n## ", 3)[2]
    assert today.startswith(("Today's visits (3)", "今日来访（3）")) and today.count("\n- ") == 3, today
    assert "\n- …" not in today


@pytest.mark.parametrize("lang", LANGS)
def test_the_rest_shares_what_is_left_and_counts_only_when_it_is_spent(crowded, lang):
    md = chat(crowded, lang)
    whole = chat(crowded, lang, "--max-bytes", "0")
    assert len(whole.encode()) > BUDGET >= len(md.encode())
    texts, _critical = alerts_of(crowded, lang)
    assert all(first_words(alert) in whole for alert in texts) and "- …" not in whole  # no limit: every line
    headings = [line for line in whole.splitlines() if line.startswith("#")]
    assert headings == [line for line in md.splitlines() if line.startswith("#")]  # no section dropped
    sections = dict(s.split("\n", 1) for s in md.split("\n## ")[1:])
    for heading, lines in sections.items():
        listed = [line for line in lines.splitlines() if line.startswith("- ")]
        assert not listed or not listed[0].startswith("- …"), heading  # each list shows its first lines
    counted = [line for line in md.splitlines() if line.startswith("- …")]
    assert counted  # the message is full: what is left out is counted
    # and the count is needed: the message could not take the first line it counts
    assert len(md.encode()) > BUDGET - 300


@pytest.mark.parametrize("lang", LANGS)
def test_no_command_line_in_the_chat_message_and_the_link_instead(crowded, lang):
    md = chat(crowded, lang)
    assert "receptionctl" not in md and "--all" not in md
    crowded("policy", "set", "report_url", "https://intranet.example.com/reports/{date}.html")
    md = chat(crowded, lang)
    link = "](https://intranet.example.com/reports/2026-12-01.html)"
    assert "receptionctl" not in md and len(md.encode()) <= BUDGET
    assert md.splitlines()[-1] in (f"[The full report{link}", f"[完整日报{link}")
    assert all(line.endswith(link) for line in md.splitlines() if line.startswith("- …"))


@pytest.mark.parametrize("lang", LANGS)
def test_two_hundred_alerts_stay_within_the_budget_critical_first(from_template, team, lang):
    from_template(two_hundred_alerts)
    texts, critical = alerts_of(team, lang, env=EVENING)
    assert len(texts) > 200 and critical == 2
    md = chat(team, lang, env=EVENING)
    assert len(md.encode("utf-8")) <= BUDGET
    lines = alert_lines(md)
    shown = [line for line in lines if not line.startswith("- …")]
    assert len(shown) >= 10
    for line, alert in zip(shown[:critical], texts[:critical]):
        assert first_words(alert) in line, (alert, line)
    assert len(shown) + int(re.search(r"(\d+)", lines[-1]).group(1)) == len(texts)  # the rest counted
    assert lines[-1].startswith("- …")


def test_policy_report_url_is_checked_shown_and_cleared(crowded, cli):
    for bad in ("ftp://example.com/r", "https://exa mple.com", "intranet/report", "https://example.com/{day}"):
        run = cli("policy", "set", "report_url", bad)
        assert run.exit_code == 2 and bad in run.stderr and "http" in run.stderr, bad
    assert crowded("policy", "show", "--json").json()["report_url"] == ""
    crowded("policy", "set", "report_url", "https://intranet.example.com/daily")
    assert crowded("policy", "show", "--json").json()["report_url"] == "https://intranet.example.com/daily"
    assert "report_url" in crowded("policy", "show").stdout
    crowded("policy", "set", "report_url", "none")
    assert crowded("policy", "show", "--json").json()["report_url"] == ""
    assert "full report" not in chat(crowded, "en")


# -- html ---------------------------------------------------------------------------------
def page_of(ok, lang: str) -> ET.Element:
    page = ok("--lang", lang, "report", "daily", "--format", "html", env=DAY).stdout
    return ET.fromstring(page.split("\n", 1)[1])


@pytest.mark.parametrize("lang", LANGS)
def test_html_leads_with_the_alerts_and_names_people_and_roles_in_words(crowded, lang):
    root = page_of(crowded, lang)
    headings = [h.text for h in root.iter("h2")]
    assert headings[0] in ("Alerts", "预警") and headings[1] in ("At a glance: overdue by owner", "一览：各负责人的逾期任务")
    glance = next(t for t in root.iter("table"))
    labels = [tr[0].text for tr in glance.iter("tr")]
    assert labels
    names = {"Zhou Min", "Qian Hui", "Li Na", "Wang Lei", "Chen Jie", "Zhao Yun"}
    for label in labels:
        assert label in names or "_" not in label and label not in ("coordinator", "logistics", "approver"), label
        if lang == "zh-CN":
            assert label in names or not re.search(r"[A-Za-z]", label), label  # a role: in Chinese
        elif label not in names:
            assert re.fullmatch(r"any [a-z ]+|[a-z ]+ \(unassigned\)", label), label
    groups = [h.text for h in root.iter("h3")]  # the task lists' owners: no role code either
    assert groups and not any("_" in g for g in groups)


def test_roles_read_as_words():
    from receptionctl import i18n
    from receptionctl.domain.core.vocab import role_owner

    try:
        assert role_owner("desk_supervisor") == "any desk supervisor"
        assert role_owner("logistics") == "logistics (unassigned)"
        assert role_owner("tech") == "technical support (unassigned)"
        i18n.setup("zh-CN")
        assert role_owner("desk_supervisor") == "任一前台主管" and role_owner("logistics") == "后勤（未指派）"
    finally:
        i18n.setup("en")


# -- report charts: weeks as days, times in the company's zone, owners by name -----------------
@pytest.mark.parametrize("lang, week", [("en", "Week 49 (30 Nov–6 Dec)"), ("zh-CN", "第49周（11月30日–12月6日）")])
def test_chart_weeks_read_as_days(crowded, lang, week):
    out = crowded("--lang", lang, "report", "charts", "--weeks", "2", "--chart", "satisfaction", env=DAY).stdout
    assert week in out and "W49" not in out
    assert ("Week 48 (23–29 Nov)" if lang == "en" else "第48周（11月23日–29日）") in out


def test_chart_page_times_are_the_companys_and_owners_have_names(crowded):
    # an overdue task of a person: the host's briefing of yesterday's visit, not done
    vid = new_visit(crowded, "--host", "wang", at="2026-11-30 16:00")["id"]
    assert vid
    page = crowded("report", "charts", "--format", "html", env=DAY).stdout
    assert "Generated 2026-12-01 08:00 by receptionctl." in page  # Shanghai's 08:00, not 00:00 UTC
    assert "UTC" not in page
    root = ET.fromstring(page.split("\n", 1)[1])
    overdue = [h for h in root.iter("h2") if h.text.startswith("Overdue tasks by owner")]
    assert overdue
    labels = [td.text for td in root.iter("td") if td.get("style", "").endswith("width:32%")]
    assert "Wang Lei" in labels and "wang" not in labels
    assert not any(label in ("coordinator", "logistics", "approver", "host") for label in labels)
