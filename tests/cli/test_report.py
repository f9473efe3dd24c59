"""Issue 6: the daily report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit, ready
from tests.conftest import statements, template, with_team

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T08:00:00+08:00"}  # the morning of the visits


@pytest.fixture
def busy(from_template):
    """A morning with something in every section (on the team)."""
    return from_template(busy_morning)


@template(base=with_team)
def busy_morning(ok):
    today = approved(ok)  # 2026-12-01 10:00, host li, approved
    ok("--as", "li", "plan", "set", str(today), "--budget", "100")  # re-approval needed
    ahead = new_visit(ok, "--venue", "Room A", at="2026-12-02 10:00")["id"]  # no host, plan draft
    new_visit(ok, "--venue", "room a", "--host", "wang", at="2026-12-02 11:00")  # clash on the venue
    # an earlier visit this month, with feedback under the red line and an open high incident
    past = new_visit(ok, "--host", "li", at="2026-11-26 10:00")["id"]
    ready(ok, past)
    ok("--as", "li", "plan", "submit", str(past))
    ok("--as", "gm", "plan", "approve", str(past))
    mid = {"RECEPTIONCTL_NOW": "2026-11-26T10:30:00+08:00"}
    ok("--as", "li", "checkin", str(past), "--guest", "Liu Yang", env=mid)
    ok("--as", "li", "incident", "add", str(past), "--kind", "safety", "--severity", "critical",
       "--text", "Wet floor in the lobby", env=mid)
    ok("--as", "li", "visit", "complete", str(past), env={"RECEPTIONCTL_NOW": "2026-11-26T12:30:00+08:00"})
    ok("--as", "li", "feedback", "add", str(past), "--score", "40", "--channel", "phone",
       "--comment", "A very long complaint about the reception that goes on and on " * 3,
       env={"RECEPTIONCTL_NOW": "2026-11-27T09:00:00+08:00"})
    return {"today": today, "ahead": ahead, "past": past}


def report(ok, *args, env=DAY):
    return ok("report", "daily", *args, env=env)


def test_json_has_the_contract_fields(busy, team):
    r = report(team, "--format", "json").json()
    assert r["date"] == "2026-12-01"
    assert {"date", "visits", "due_today", "overdue", "alerts"} <= set(r)
    visits = {v["id"]: v for v in r["visits"]}
    assert busy["today"] in visits and busy["ahead"] in visits
    assert all("readiness" in v for v in r["visits"])
    assert visits[busy["today"]]["section"] == "today" and visits[busy["ahead"]]["section"] == "lookahead"
    kinds = {a["kind"] for a in r["alerts"]}
    assert {"red_line", "incident", "reapproval", "no_host"} <= kinds
    assert all(set(a) >= {"kind", "text"} for a in r["alerts"])
    assert r["overdue"] and all(t["overdue"] for t in r["overdue"])
    assert all(t["due_at"].startswith("2026-12-01") for t in r["due_today"])
    assert r["month"]["month"] == "2026-12" and r["month"]["feedback_collected"] == 0
    november = report(team, "--date", "2026-11-30", "--json").json()["month"]
    assert november["feedback_collected"] == 1 and november["average_score"] == 40
    assert november["visits_received"] == 1 and november["excellent_share"] == 0
    assert team("report", "daily", "--json", env=DAY).json() == r


def test_text_sections(busy, team):
    out = report(team).stdout
    for heading in ("Today's visits", "Look-ahead to", "Clashes", "Due today", "Overdue", "Alerts", "Month to date"):
        assert heading in out, heading
    assert "plan draft" in out and "no host" in out and "red line" in out
    assert "1 visits received" in out or "visits received" in out


def test_piped_output_is_plain_and_untruncated(busy, team):
    out = report(team).stdout
    assert "\x1b[" not in out and "…" not in out
    longest = max(out.splitlines(), key=len)
    assert len(longest) > 120  # long lines are kept whole, not cut at the terminal width


def test_sections_are_omitted_when_empty(team):
    team("client", "edit", "Acme", "--manager", "li")  # a VIP client without its manager is an alert
    out = report(team).stdout
    assert "Today's visits" not in out and "Overdue" not in out and "Alerts" not in out
    assert "Month to date" in out


def test_html_is_one_well_formed_document(busy, team):
    page = report(team, "--format", "html").stdout
    root = ET.fromstring(page.split("\n", 1)[1])  # after the doctype
    assert root.tag == "html"
    assert root.find("head/style") is not None and root.find("head/meta") is not None
    assert "<script" not in page and "http" not in page.replace("https://", "").split("<body>")[0]
    text = ET.tostring(root, encoding="unicode", method="text")
    assert "Today's visits" in text and "Alerts" in text


def test_html_escapes_data(team):
    team("client", "add", "<b>Evil</b> & Co")
    team("--as", "li", "visit", "new", "--client", "<b>Evil</b> & Co", "--at", "2026-12-01 10:00", "--purpose",
         "talk", "--headcount", "1")
    page = report(team, "--format", "html").stdout
    assert "<b>Evil</b>" not in page and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in page
    ET.fromstring(page.split("\n", 1)[1])


def test_markdown_is_a_bot_message_that_leads_with_what_matters(busy, team):
    md = report(team, "--format", "markdown").stdout
    assert md.startswith("# Daily reception report – 2026-12-01")
    assert "| Time |" not in md and "|---" not in md  # no tables: chat bots do not draw them
    assert md.index("## Alerts") < md.index("## Today's visits") < md.index("## Due today") < md.index("## Overdue")
    assert len(md.encode("utf-8")) <= 4096 + 1  # the default --max-bytes (and a final newline)


def test_max_bytes_cuts_lists_not_sections(team):
    for day in ("2026-12-01 10:00", "2026-12-02 10:00", "2026-12-03 10:00"):
        team("--as", "li", "visit", "new", "--client", "Acme", "--at", day, "--purpose", "talk", "--headcount", "2")
    later = {"RECEPTIONCTL_NOW": "2026-12-04T09:00:00+08:00"}
    whole = team("report", "daily", "--format", "markdown", "--max-bytes", "0", env=later).stdout
    cut = team("report", "daily", "--format", "markdown", "--max-bytes", "1500", env=later).stdout
    assert len(whole.encode()) > 1500 >= len(cut.encode()) - 1
    headings = [line for line in whole.splitlines() if line.startswith("#")]
    assert headings == [line for line in cut.splitlines() if line.startswith("#")]  # every section kept


def test_the_headline_and_alerts_come_first(busy, team):
    out = report(team).stdout.splitlines()
    assert "visits today" in out[1] and "overdue" in out[1] and "alerts" in out[1]
    assert out.index(next(line for line in out if line.startswith("Alerts"))) < \
        out.index(next(line for line in out if line.startswith("Today's visits")))
    head = report(team, "--json").json()["headline"]
    assert set(head) >= {"visits_today", "overdue", "alerts", "satisfaction", "conversion", "conversion_last_month"}
    from receptionctl.domain.report.report import ALERT_ORDER

    kinds = [a["kind"] for a in report(team, "--json").json()["alerts"]]
    assert len(set(kinds)) > 1 and kinds == sorted(kinds, key=ALERT_ORDER.index)  # what matters first


def test_fail_on_overdue(busy, team, cli):
    run = cli("report", "daily", "--fail-on-overdue", env=DAY)
    assert run.exit_code == 6 and "overdue" in run.stderr and "Overdue" in run.stdout


def test_no_overdue_exits_0(team, cli):
    run = cli("report", "daily", "--fail-on-overdue", env=DAY)
    assert run.exit_code == 0, run.stderr


def test_other_day_and_bad_day(busy, team, cli):
    r = report(team, "--date", "2026-12-02", "--json").json()
    assert r["date"] == "2026-12-02"
    assert busy["ahead"] in [v["id"] for v in r["visits"] if v["section"] == "today"]
    one_error_line(cli("report", "daily", "--date", "someday"), 2, "someday")
    one_error_line(cli("report", "daily", "--format", "pdf"), 2, "pdf")


# -- a fixed number of statements ---------------------------------------------------------
def count_statements(target: str, fn) -> int:
    return len(statements(target, fn))


@pytest.mark.parametrize("what", ["report", "followup", "tasks", "visits"])
def test_statement_count_does_not_grow_with_rows(tmp_path, what):
    from bench.synthetic import build
    from receptionctl.domain.engine import list_tasks
    from receptionctl.domain.report.report import daily
    from receptionctl.domain.visits.followups import followup_due
    from receptionctl.domain.visits.visits import list_visits
    from receptionctl.render.report import as_json, html_page, markdown

    def run(session):
        if what == "report":
            r = daily(session)
            as_json(r), html_page(r), markdown(r)
        elif what == "followup":
            followup_due(session, within_days=7)
        elif what == "tasks":
            list_tasks(session, overdue=True)
        else:
            list_visits(session)

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    counts = {}
    for n in (40, 300):  # 40: enough that every section of the report has rows
        target = str(tmp_path / f"s{n}.db")
        build(target, n, now)
        counts[n] = count_statements(target, run)
    assert counts[40] == counts[300], counts
    # 47 before the month to date and last month were read together, 44 before the report's own
    # reads and its areas' alerts were merged, 33 before the clashes were read in one statement
    # (docs/ARCHITECTURE.md, "Reading fast")
    assert what != "report" or counts[40] <= 32, counts


def test_visit_show_reads_each_row_once(tmp_path):
    """The visit sheet reads the visit with its plan's budget, its feedback form, its evaluation and
    what keeps it open in one statement, and each of its lists only when that statement says it
    has rows: a closed visit with its feedback in 4 statements (18 before, 22 before that), a
    completed one in 4 (22, 25)."""
    import sqlite3

    from bench.synthetic import build
    from receptionctl.domain.visits.views import show_visit

    target = str(tmp_path / "s.db")
    build(target, 40, datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc))
    con = sqlite3.connect(target)
    pick = {status: con.execute("SELECT min(visit.id) FROM visit JOIN feedback ON feedback.visit_id = visit.id "
                                "WHERE status = ?", (status,)).fetchone()[0] for status in ("closed", "completed")}
    con.close()
    counts = {status: count_statements(target, lambda s, v=vid: show_visit(s, v)) for status, vid in pick.items()}
    assert counts["closed"] <= 4 and counts["completed"] <= 4, counts



# -- found in review ----------------------------------------------------------------------
def test_an_as_of_report_reckons_from_that_day(busy, team, cli):
    for day in ("2026-11-28", "2026-12-03"):
        r = report(team, "--date", day, "--json").json()
        assert all(t["overdue"] for t in r["overdue"]), day
        assert not any(t["overdue"] for t in r["due_today"]), day
        assert not any(t["due_in_words"].startswith("in ") for t in r["overdue"]), day


def test_tasks_are_grouped_by_person_with_the_backup_on_the_line(team):
    vid = new_visit(team, at="2026-12-01 10:00")["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "host", "--staff", "wang", "--backup", "li")
    other = new_visit(team, "--host", "wang", at="2026-12-01 14:00")["id"]
    out = report(team).stdout
    headings = [l for l in out.splitlines() if l.startswith("  ") and not l.startswith("    ") and "Wang" in l]
    assert headings == ["  Wang Lei (wang)"] * 2  # one group in due today, one in overdue at most
    assert "(backup li)" in out and other


def test_control_characters_and_markup_are_neutralised(team):
    team("client", "add", "Evil\x1b[31m Co | <i>x</i> *bold*")
    team("--as", "li", "visit", "new", "--client", "Evil\x1b[31m Co | <i>x</i> *bold*", "--at", "2026-12-01 10:00",
         "--purpose", "talk", "--headcount", "1")
    out = report(team).stdout
    assert "\x1b" not in out
    md = report(team, "--format", "markdown").stdout
    assert "<i>" not in md and "\\|" in md and "\\*bold\\*" in md


def test_each_clash_once(busy, team):
    r = report(team, "--json").json()
    assert len(r["clashes"]) == 1


def test_working_days_only(team, cli):
    saturday = {"RECEPTIONCTL_NOW": "2026-12-05T07:30:00+08:00"}
    run = cli("report", "daily", "--working-days-only", env=saturday)
    assert run.exit_code == 0 and run.stdout == ""
    assert "Daily reception report" in report(team, "--working-days-only").stdout
    makeup = {"RECEPTIONCTL_NOW": "2026-10-10T07:30:00+08:00"}  # a make-up working Saturday
    assert "Daily reception report" in cli("report", "daily", "--working-days-only", env=makeup).stdout


def test_html_carries_inline_styles(busy, team):
    page = report(team, "--format", "html").stdout
    assert '<td style="border:1px solid #ddd' in page and '<th style=' in page


def test_ten_per_person_then_a_count_unless_all(team):
    """A team lead reads what matters: ten tasks per person and section, the rest counted
    with the command that lists them; --all (and json) list every one."""
    for day in ("2026-12-01 10:00", "2026-12-02 10:00", "2026-12-03 10:00"):
        team("--as", "li", "visit", "new", "--client", "Acme", "--at", day, "--purpose", "talk", "--headcount", "2")
    later = {"RECEPTIONCTL_NOW": "2026-12-04T09:00:00+08:00"}
    overdue = [t for t in team("report", "daily", "--format", "json", env=later).json()["overdue"]
               if t["owner_role"] == "coordinator"]
    assert len(overdue) > 10

    def coordinators(out: str) -> list[str]:
        """The lines under "any coordinator" in the overdue section."""
        lines = out.split("\nOverdue", 1)[1].splitlines()
        start = lines.index("  any coordinator") + 1
        from itertools import takewhile

        return list(takewhile(lambda line: line.startswith("    "), lines[start:]))

    listed = coordinators(team("report", "daily", env=later).stdout)
    assert sum("✗" in line for line in listed[:11]) == 10
    assert listed[10].strip() == f"and {len(overdue) - 10} more (receptionctl report daily --all lists them)"
    listed = coordinators(team("report", "daily", "--all", env=later).stdout)
    assert sum("✗" in line for line in listed) == len(overdue) and not any("more (" in line for line in listed)
    assert f"and {len(overdue) - 10} more" in team("report", "daily", "--format", "markdown", "--max-bytes", "0",
                                                   env=later).stdout
    assert f"and {len(overdue) - 10} more" in team("report", "daily", "--format", "html", env=later).stdout


def test_an_alert_is_critical_by_its_facts_never_by_its_words(team):
    """An inactive owner named "Mary critical" is not a critical alert (the report once read the
    word in the text, and in her name); an open critical incident is, whatever the language."""
    team("staff", "add", "mary", "--name", "Mary critical", "--dept", "Business", "--role", "host")
    visit = new_visit(team, "--host", "mary", at="2026-12-03 10:00")["id"]
    team("staff", "deactivate", "mary")
    r = report(team, "--format", "json").json()
    owners = [a for a in r["alerts"] if a["kind"] == "no_owner"]
    assert owners and "Mary critical" in owners[0]["text"] and str(visit) in owners[0]["text"]
    assert r["headline"]["critical_alerts"] == 0
    zh = team("--lang", "zh-CN", "report", "daily", "--format", "json", env=DAY).json()
    assert zh["headline"]["critical_alerts"] == 0


def test_a_critical_incident_is_a_critical_alert_in_both_languages(busy, team):
    for lang in ("en", "zh-CN"):
        r = team("--lang", lang, "report", "daily", "--format", "json", env=DAY).json()
        assert r["headline"]["critical_alerts"] == 1
        assert r["alerts"][0]["kind"] == "incident"  # critical first


def test_the_report_gathers_every_areas_alerts_from_its_registry():
    from receptionctl.domain.core.alerts import Alert
    from receptionctl.domain.desk import desk, duties, passes
    from receptionctl.domain.people import clients
    from receptionctl.domain.quality import drills, inspections
    from receptionctl.domain.records import documents, manual, retention
    from receptionctl.domain.report import report
    from receptionctl.domain.visits import pipeline, visits

    assert set(report.AREAS) == {passes.alerts, desk.alerts, manual.alerts, documents.alerts, retention.alerts,
                                 pipeline.alerts, visits.alerts, duties.alerts, inspections.alerts, drills.alerts,
                                 clients.alerts}
    with pytest.raises(ValueError):
        Alert("incident", "x", None, "urgent")


def test_the_json_report_streams_every_task_and_says_what_the_held_lists_said(tmp_path):
    """`report daily --format json` reads its due and overdue tasks as it writes them (a large
    database's hundreds of thousands are never held at once): the same text as the report built
    with its lists held, in a fixed number of statements whatever the rows (three more: each list
    counted first, and the two read apart)."""
    import contextlib
    import io

    from bench.synthetic import build
    from receptionctl.domain.report.report import TaskStream, daily
    from receptionctl.render.output import write_json
    from receptionctl.render.report import as_json
    from receptionctl.store.db import Database

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    texts, counts = {}, {}
    for n in (40, 300):
        target = str(tmp_path / f"s{n}.db")
        build(target, n, now)
        for stream in (False, True):
            out = io.StringIO()

            def run(session, stream=stream, out=out):
                r = daily(session, stream=stream)
                assert isinstance(r.overdue, TaskStream) is stream
                with contextlib.redirect_stdout(out):
                    write_json(as_json(r))

            counts[n, stream] = count_statements(target, run)
            texts[n, stream] = out.getvalue()
            Database(target).dispose()
        assert texts[n, True] == texts[n, False]
        assert len(json.loads(texts[n, True])["overdue"]) > 0
    assert counts[40, True] == counts[300, True] == counts[40, False] + 3, counts
