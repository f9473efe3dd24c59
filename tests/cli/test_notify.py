"""Notifications (issue 17): events queued in the transaction of the change, sent by `notify send`
through Apprise to a local HTTP server (standing in for a WeCom or DingTalk bot: Apprise's
generic json:// posts the same way) and a local SMTP server (aiosmtpd); retried with a backoff,
then failed (the dead-letter list); the change itself never waits for or fails with the network."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli.test_cases import case_team
from tests.cli.test_foundation import one_error_line
from tests.cli.test_mail import free_port, smtp_server  # noqa: F401 (a fixture)
from tests.cli.test_reception_followup import AFTER, DAY, held  # noqa: F401 (a fixture)
from tests.cli.test_visits_plans import new_visit, ready
from tests.conftest import NOW, statements

NOTIFY_NOW = "2026-11-24T09:00:00+08:00"
assert NOW == NOTIFY_NOW  # the suite's pinned morning; the tests below move it on


def at(moment: str) -> dict:
    return {"RECEPTIONCTL_NOW": moment}


# -- the stand-ins: a bot's webhook, a mail server ----------------------------------------------
class Bot:
    """An HTTP server on 127.0.0.1 that records each POST (path, JSON) and answers with the next
    of `codes` (the last one repeats)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict]] = []
        self.codes = [200]
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                size = int(self.headers.get("Content-Length") or 0)
                bot.received.append((self.path, json.loads(self.rfile.read(size) or b"{}")))
                code = bot.codes.pop(0) if len(bot.codes) > 1 else bot.codes[0]
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}' if code == 200 else b'{"errcode": 1}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def paths(self) -> list[str]:
        return sorted(p for p, _ in self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot():
    server = Bot()
    yield server
    server.close()




def queued(ok, *flags):
    return ok("notify", "list", *flags, "--json").json()


def send(ok, env=None):
    return ok("notify", "send", "--json", env=env).json()


def submitted(ok, who="li"):
    vid = new_visit(ok)["id"]
    ready(ok, vid)
    ok("--as", who, "plan", "submit", str(vid))
    return vid


# -- delivered ------------------------------------------------------------------------------------
def test_a_plan_submit_reaches_the_approvers_over_http(team, bot):
    team("staff", "edit", "gm", "--notify", bot.url("gm"))
    team("policy", "set", "notify_role_channels", f"approver={bot.url('approvers')}")
    vid = submitted(team)
    rows = queued(team, "--queued")
    assert {(r["event"], r["recipient"]) for r in rows} == {("plan.submit", "gm"), ("plan.submit", "role approver (gm2)")}
    assert bot.received == []  # queued in the change's transaction, nothing sent yet
    assert send(team) == {"sent": 2, "retried": 0, "failed": 0, "promise_breaches": 0, "cases_escalated": 0}
    assert bot.paths() == ["/approvers", "/gm"]
    for _path, body in bot.received:
        assert f"Plan of visit {vid} (Acme, 2026-12-01 10:00) submitted for approval by li" in body["message"]
        assert body["title"].startswith(f"Plan of visit {vid}")
    assert {r["state"] for r in queued(team)} == {"sent"} and queued(team, "--queued") == []
    assert send(team) == {"sent": 0, "retried": 0, "failed": 0, "promise_breaches": 0, "cases_escalated": 0}  # nothing twice
    assert len(bot.received) == 2


def test_a_plan_approval_reaches_the_submitter_by_mail(team, smtp_server):
    url = (f"mailto://127.0.0.1:{smtp_server.port}?from=receptionctl@example.com&to=li@example.com")
    team("staff", "edit", "li", "--notify", url)
    vid = submitted(team)
    team("--as", "gm", "plan", "approve", str(vid))
    rows = queued(team, "--queued")
    assert [(r["event"], r["recipient"]) for r in rows] == [("plan.approve", "li")]  # submitter and host: once
    assert send(team)["sent"] == 1
    [mail] = smtp_server.envelopes
    assert mail.mail_from == "receptionctl@example.com" and mail.rcpt_tos == ["li@example.com"]
    text = mail.content.decode()
    assert "Subject: Plan of visit" in text and "approved by gm" in text


def test_a_failure_is_retried_after_the_backoff_then_sent(team, bot):
    bot.codes = [500, 200]
    team("staff", "edit", "gm", "--notify", bot.url("gm"))
    submitted(team)
    assert send(team)["retried"] == 1
    [row] = queued(team)
    assert row["state"] == "queued" and row["attempts"] == 1 and "500" in row["last_error"]
    assert row["next_at"].startswith("2026-11-24T09:01")  # the policy's first backoff: 1 minute
    assert send(team) == {"sent": 0, "retried": 0, "failed": 0, "promise_breaches": 0, "cases_escalated": 0}  # not due yet
    assert send(team, at("2026-11-24T09:01:30+08:00"))["sent"] == 1
    [row] = queued(team)
    assert row["state"] == "sent" and row["attempts"] == 2 and row["last_error"] is None
    assert len(bot.received) == 2


def test_a_permanent_failure_lands_in_the_dead_letter_list_and_the_change_succeeded(team, cli):
    down = f"json://127.0.0.1:{free_port()}/gm"  # nobody listens: the network is down
    team("staff", "edit", "gm", "--notify", down)
    team("policy", "set", "notify_retries", "2")
    vid = submitted(team)  # the change did not wait for or fail with the network
    assert team("plan", "show", str(vid), "--json").json()["plan_status"] == "submitted"
    moments = ["2026-11-24T09:00:00+08:00", "2026-11-24T09:01:00+08:00", "2026-11-24T09:06:00+08:00"]
    outcomes = [send(team, at(m)) for m in moments]
    assert [(o["retried"], o["failed"]) for o in outcomes] == [(1, 0), (1, 0), (0, 1)]
    run = cli("notify", "send", env=at("2026-11-24T12:00:00+08:00"))
    assert run.exit_code == 0 and run.stdout.strip() == "sent 0, retried 0, failed 0"
    [dead] = queued(team, "--failed")
    assert dead["event"] == "plan.submit" and dead["attempts"] == 3 and dead["next_at"] is None
    assert "127.0.0.1" in dead["last_error"]
    assert "failed" in cli("notify", "list", "--failed").stdout
    # queued again by hand: the dead letter goes out once the channel works
    again = team("--as", "li", "notify", "retry", str(dead["id"]), "--json").json()
    assert again["state"] == "queued" and again["attempts"] == 0
    one_error_line(cli("--as", "li", "notify", "retry", str(dead["id"])), 1, "queued")
    one_error_line(cli("--as", "wang", "notify", "retry", str(dead["id"])), 4)
    one_error_line(cli("notify", "retry", "99"), 3, "no notification 99")


def test_an_unusable_url_fails_at_once(team, bot, db_target):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    team("staff", "edit", "gm", "--notify", bot.url("gm"))
    submitted(team)
    engine = create_engine(url_for(db_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE notify_message SET channel = 'nosuch://key'"))
    engine.dispose()
    assert send(team)["failed"] == 1
    [dead] = queued(team, "--failed")
    assert dead["attempts"] == 1 and "nosuch://key" in dead["last_error"]


# -- who hears of what ------------------------------------------------------------------------------
def test_a_personal_channel_beats_the_role_channel(team, bot):
    team("policy", "set", "notify_role_channels", f"approver={bot.url('approvers')}")
    team("staff", "edit", "gm", "--notify", bot.url("gm"))
    team("staff", "edit", "gm2", "--notify", bot.url("gm2"))
    submitted(team)
    send(team)
    assert bot.paths() == ["/gm", "/gm2"]  # every approver has their own: the group hears nothing
    team("staff", "edit", "gm2", "--notify", "")  # cleared: gm2 is reached through the role's channel
    assert {s["username"]: s["notify"] for s in team("staff", "list", "--json").json()}["gm2"] is None
    team("staff", "add", "gm3", "--name", "Han Bo", "--dept", "Leadership", "--role", "approver")
    submitted(team)
    send(team)
    assert bot.paths() == ["/approvers", "/gm", "/gm", "/gm2"]  # the role's channel once for gm2 and gm3
    assert [r["recipient"] for r in queued(team) if r["channel"].endswith("/approvers")] == ["role approver (gm2, gm3)"]


def test_a_reassigned_task_reaches_its_new_owner_and_an_own_change_reaches_no_one(team, bot):
    team("staff", "edit", "chen", "--notify", bot.url("chen"))
    team("staff", "edit", "li", "--notify", bot.url("li"))
    vid = new_visit(team)["id"]
    task = team("task", "list", "--visit", str(vid), "--json").json()[0]
    team("--as", "li", "task", "reassign", str(task["id"]), "--to", "chen")
    team("--as", "li", "task", "reassign", str(task["id"]), "--to", "li")  # to themselves: no message
    rows = queued(team)
    assert [(r["event"], r["recipient"]) for r in rows] == [("task.assign", "chen")]
    assert f"Task {task['id']} is now chen's" in rows[0]["subject"]


def test_a_critical_incident_and_red_line_feedback_reach_coordinators_and_duty_managers(held, ok, bot):
    vid = held
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Service office", "--role", "duty_manager")
    ok("policy", "set", "notify_role_channels",
       f"coordinator={bot.url('coordinators')}; duty_manager={bot.url('duty')}")
    ok("--as", "li", "incident", "add", str(vid), "--kind", "safety", "--severity", "high", "--text", "wet floor",
       env=AFTER)
    assert queued(ok) == []  # high is not critical: the default route is incident.add:critical
    ok("--as", "wang", "incident", "add", str(vid), "--kind", "safety", "--severity", "critical", "--text",
       "a guest fell", env=AFTER)
    ok("--as", "wang", "feedback", "add", str(vid), "--score", "45", "--channel", "phone", env=AFTER)
    events = sorted((r["event"], r["channel"].rsplit("/", 1)[1]) for r in queued(ok))
    assert events == [("case.add", "coordinators"), ("case.add", "duty"),  # the red line opens a complaint
                      ("feedback.add", "coordinators"), ("feedback.add", "duty"),
                      ("incident.add", "coordinators"), ("incident.add", "duty")]
    subjects = {r["subject"] for r in queued(ok)}
    assert f"critical safety incident on visit {vid} (Acme): a guest fell" in subjects
    assert f"Feedback on visit {vid} (Acme): score 45, under the red line 60" in subjects


def test_a_refused_handover_reaches_the_supervisors_coordinators_and_duty_managers(from_template, ok, bot):
    from tests.cli.test_desk import MIDDLE, desk_team, prepare, start

    from_template(desk_team)
    ok("policy", "set", "notify_role_channels", f"desk_supervisor={bot.url('sup')}; coordinator={bot.url('coord')}")
    start(ok)
    h = prepare(ok)
    start(ok, "desk2", MIDDLE)
    ok("--as", "desk2", "desk", "handover", "refuse", "--question", "Key 12 is not in the cabinet", env=MIDDLE)
    rows = queued(ok)
    assert sorted(r["recipient"] for r in rows) == ["role coordinator (gm2, li)", "role desk_supervisor (sup)"]
    assert rows[0]["subject"] == f"Handover {h['id']} from desk1 refused by desk2: Key 12 is not in the cabinet"


@pytest.fixture
def crew(from_template, ok):
    from_template(case_team)
    ok("staff", "add", "dm2", "--name", "Dong Mei", "--dept", "Service office", "--role", "duty_manager")
    return ok


def test_a_complaint_about_a_staff_member_never_reaches_them(crew, bot):
    for who in ("dm", "dm2", "li", "gm2"):
        crew("staff", "edit", who, "--notify", bot.url(who))
    crew("policy", "set", "notify_role_channels", f"coordinator={bot.url('coord')}; duty_manager={bot.url('duty')}")
    crew("--as", "desk1", "case", "add", "--kind", "complaint", "--about", "dm2", "--text", "SECRETWORDS rude",
         env=DAY)
    rows = queued(crew)
    # duty manager dm and gm2 (a coordinator who is an approver); not dm2, not li (a coordinator may not see
    # it), not the duty managers' group (dm2 is in it), not the coordinators' group
    assert sorted(r["recipient"] for r in rows) == ["dm", "gm2"]
    assert all("SECRETWORDS" not in r["subject"] + r["body"] for r in rows)
    assert rows[0]["subject"].endswith("a complaint about a member of staff")
    crew("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "Lunch was cold", env=DAY)
    rows = [r for r in queued(crew) if "Lunch was cold" in r["subject"]]
    assert sorted(r["recipient"] for r in rows) == ["dm", "dm2", "gm2", "li"]
    crew("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Lift 2 stuck", env=DAY)
    assert not [r for r in queued(crew) if "Lift 2" in r["subject"]]  # the default route: complaints only


def test_a_breached_promise_is_sent_once(crew, bot):
    crew("policy", "set", "notify_role_channels", f"duty_manager={bot.url('duty')}")
    case = crew("--as", "desk1", "case", "add", "--kind", "help", "--text", "Where is my parcel", "--json",
                env=at("2026-12-01T10:00:00+08:00")).json()
    crew("--as", "desk1", "case", "ack", str(case["id"]), env=at("2026-12-01T10:00:00+08:00"))
    crew("--as", "dm", "case", "escalate", str(case["id"]), "--to", "gm", "--question", "Refund?", "--answer-by",
         "2026-12-01 12:00", env=at("2026-12-01T10:00:00+08:00"))
    assert send(crew, at("2026-12-01T11:59:00+08:00"))["promise_breaches"] == 0
    assert send(crew, at("2026-12-01T12:01:00+08:00")) == {"sent": 1, "retried": 0, "failed": 0, "promise_breaches": 1, "cases_escalated": 0}
    assert send(crew, at("2026-12-01T13:00:00+08:00"))["promise_breaches"] == 0
    [(path, body)] = bot.received
    assert path == "/duty" and "the answer promised by 2026-12-01 12:00 (asked of gm) is overdue" in body["message"]


def test_routes_come_from_the_policy(team, bot, cli):
    team("staff", "edit", "li", "--notify", bot.url("li"))
    team("staff", "edit", "wang", "--notify", bot.url("wang"))
    team("policy", "set", "notify_routes", "visit.new=host,plan.submit=coordinator")
    new_visit(team, "--host", "wang")
    assert [(r["event"], r["recipient"]) for r in queued(team)] == [("visit.new", "wang")]
    one_error_line(cli("policy", "set", "notify_routes", "visit.new=nobody"), 2, "notify_routes")
    one_error_line(cli("policy", "set", "notify_routes", "visit.gone=host"), 2, "notify_routes")
    one_error_line(cli("policy", "set", "notify_role_channels", "coordinator=nosuch://x"), 2, "Apprise")


@pytest.mark.slow
def test_two_sends_at_once_send_each_message_once(team, bot, db_target):
    import os
    import subprocess
    import sys
    import time

    for who in ("gm", "gm2"):
        team("staff", "edit", who, "--notify", bot.url(who))
    for _ in range(4):
        submitted(team)  # 8 messages
    handler = bot.server.RequestHandlerClass
    answer = handler.do_POST

    def slowly(self):
        time.sleep(0.15)  # the sends overlap
        answer(self)

    handler.do_POST = slowly
    env = {**os.environ, "RECEPTIONCTL_DB": db_target}
    cmd = [sys.executable, "-m", "receptionctl", "notify", "send", "--json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _, _ in results), results
    assert sum(json.loads(out)["sent"] for _, out, _ in results) == 8
    assert len(bot.received) == 8 and len({json.dumps(b, sort_keys=True) + p for p, b in bot.received}) == 8


# -- the cost of queueing ------------------------------------------------------------------------------
def test_queueing_runs_a_fixed_number_of_statements_whatever_the_recipients(team, bot, db_target):
    from receptionctl.domain.core import outbox

    team("policy", "set", "notify_role_channels", f"approver={bot.url('approvers')}")
    payload = {"visit_id": 1, "client": "Acme", "host": "li", "submitter": "li", "by": "li"}

    def emit(session):
        outbox.emit(session, "plan.submit", payload)

    few = statements(db_target, emit)
    for n in range(8):
        team("staff", "add", f"ap{n}", "--name", f"Approver {n}", "--dept", "Leadership", "--role", "approver")
        if n % 2:
            team("staff", "edit", f"ap{n}", "--notify", bot.url(f"ap{n}"))
    many = statements(db_target, emit)
    assert len(many) == len(few) <= 3, many
    assert sum(s.lstrip().upper().startswith("INSERT") for s in many) == 1


# -- notify test, staff edit --notify -----------------------------------------------------------------
def test_notify_test_sends_now_or_says_why_not(cli, bot):
    run = cli("notify", "test", bot.url("try"), "--text", "hello from the front desk")
    assert run.exit_code == 0, run.stderr
    assert bot.received == [("/try", bot.received[0][1])] and bot.received[0][1]["message"] == "hello from the front desk"
    one_error_line(cli("notify", "test", f"json://127.0.0.1:{free_port()}/x", "--timeout", "2"), 5, "could not send")
    one_error_line(cli("notify", "test", "nosuch://x"), 2, "not a URL Apprise can use")


def test_a_personal_channel_is_checked_by_apprise(team, cli, unchanged):
    with unchanged():
        one_error_line(cli("staff", "edit", "li", "--notify", "nosuch://x"), 2, "Apprise")
        one_error_line(cli("--as", "li", "staff", "edit", "li", "--notify", "wecombot://KEY"), 4)
    shown = team("staff", "edit", "li", "--notify", "wecombot://0123456789abcdef0123", "--json").json()
    assert shown["notify"] == "wecombot://0123…23"  # the key is not shown in clear


def test_notify_knows_who_may_see_a_complaint_about_staff_as_cases_does():
    from receptionctl.domain.cases import cases
    from receptionctl.domain.core import notify

    assert set(notify.SEE_STAFF_COMPLAINTS) == set(cases.SEE_STAFF_COMPLAINTS)
