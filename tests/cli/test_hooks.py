"""Hooks (issue 17): executables in the hooks folder get each event as JSON on standard input
once the change has committed; a failing, slow or unusable hook is a warning and a log line,
never a failure of the command nor an undone change; the two examples run for real."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from receptionctl.services.hooks import hooks_for, names
from tests.cli.test_cases import add as add_case
from tests.cli.test_cases import case_team
from tests.cli.test_visits_plans import approved, new_visit, ready
from tests.conftest import NOW, PG_URL

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hooks"


def script(folder: Path, name: str, body: str, executable: bool = True) -> Path:
    """A hook in Python (this interpreter), `body` after `import json, os, sys, time`."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport json, os, sys, time\n{body}\n", encoding="utf-8")
    path.chmod(0o755 if executable else 0o644)
    return path


# a hook that keeps what it read and whether the change was already visible to another connection
RECORDER = """
data = sys.stdin.read()
event = json.loads(data)
seen = None
db = os.environ.get("RECEPTIONCTL_DB", "")
if "://" not in db and event.get("visit_id"):  # SQLite: the visit is there for another reader
    import sqlite3
    conn = sqlite3.connect(db)
    seen = conn.execute("SELECT count(*) FROM visit WHERE id = ?", (event["visit_id"],)).fetchone()[0]
    conn.close()
out = os.path.join(os.environ["HOOK_OUT"], os.environ["RECEPTIONCTL_HOOK"] + "." + event["event"] + ".json")
with open(out, "a", encoding="utf-8") as fh:
    fh.write(json.dumps({"stdin": data, "env_event": os.environ["RECEPTIONCTL_EVENT"], "seen": seen}) + "\\n")
"""


@pytest.fixture
def hooks(tmp_path, monkeypatch):
    """The default hooks folder (hooks/ beside the config file), and where the recorder writes."""
    folder = tmp_path / "config" / "receptionctl" / "hooks"
    folder.mkdir(parents=True)
    out = tmp_path / "hook-out"
    out.mkdir()
    monkeypatch.setenv("HOOK_OUT", str(out))
    return folder


def received(_folder: Path) -> dict[str, list[dict]]:
    """What each hook recorded: {"on-visit-new.visit.new": [{"stdin": ..., ...}], ...}."""
    found = {}
    for path in sorted(Path(os.environ["HOOK_OUT"]).iterdir()):
        found[path.name.removesuffix(".json")] = [json.loads(line) for line in path.read_text().splitlines()]
    return found


def log_lines(tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "data" / "receptionctl" / "hooks.log"
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# -- names ---------------------------------------------------------------------------------
def test_the_names_of_an_event_and_their_order():
    assert names("plan.approve") == ["on-plan-approve", "on-any"]
    assert names("feedback.add") == ["on-feedback-add", "on-feedback", "on-any"]
    assert names("case.add") == ["on-case-add", "on-case", "on-any"]
    files = ["on-any", "on-feedback", "on-feedback-add.02-b", "on-feedback-add.01-a", "on-feedback-add",
             ".on-feedback", "on-feedback-add~", "on-feedback.disabled", "on-feedback-addendum", "on-plan-approve"]
    assert hooks_for("feedback.add", files) == ["on-feedback-add", "on-feedback-add.01-a", "on-feedback-add.02-b",
                                                "on-feedback", "on-any"]
    assert hooks_for("task.done", files) == ["on-any"]


# -- after the commit ------------------------------------------------------------------------
def test_a_hook_gets_the_event_as_json_after_the_commit(team, hooks, tmp_path):
    script(hooks, "on-visit-new", RECORDER)
    script(hooks, "on-any", RECORDER)
    visit = new_visit(team)
    got = received(hooks)
    assert sorted(got) == ["on-any.visit.new", "on-visit-new.visit.new"]
    (run,) = got["on-visit-new.visit.new"]
    event = json.loads(run["stdin"])
    assert run["stdin"].endswith("\n") and "\n" not in run["stdin"][:-1]  # one object, one line
    assert event["event"] == "visit.new" and run["env_event"] == "visit.new"
    assert event["at"] == NOW and event["actor"] == "li"
    assert event["visit_id"] == visit["id"] and event["client"] == "Acme"
    assert event["starts_at"] == "2026-12-01T10:00:00+08:00" and event["by"] == "li"
    assert list(event)[:3] == ["event", "at", "actor"]
    if not PG_URL:
        assert run["seen"] == 1  # committed: another connection sees the visit
    assert got["on-any.visit.new"][0]["stdin"] == run["stdin"]
    assert [(row[1], row[2], row[3]) for row in log_lines(tmp_path)] == [
        ("visit.new", "on-visit-new", "ok"), ("visit.new", "on-any", "ok")]


def test_each_event_of_a_command_goes_to_its_hooks(team, hooks):
    script(hooks, "on-plan-approve", RECORDER)
    script(hooks, "on-plan-submit", RECORDER)
    script(hooks, "on-any", RECORDER)
    vid = approved(team)
    got = received(hooks)
    approve = json.loads(got["on-plan-approve.plan.approve"][0]["stdin"])
    assert approve["visit_id"] == vid and approve["by"] == "gm" and approve["actor"] == "gm"
    assert approve["submitter"] == "li"
    assert len(got["on-plan-submit.plan.submit"]) == 1
    assert {"on-any.visit.new", "on-any.plan.submit", "on-any.plan.approve"} <= set(got)


def test_the_short_form_of_an_add_event(from_template, ok, hooks):
    from_template(case_team)
    script(hooks, "on-case", RECORDER)
    script(hooks, "on-case-add.py", RECORDER)
    case = add_case(ok)
    got = received(hooks)
    assert sorted(got) == ["on-case-add.py.case.add", "on-case.case.add"]
    event = json.loads(got["on-case.case.add"][0]["stdin"])
    assert event["case_id"] == case["id"] and event["kind"] == "complaint"


def test_a_refused_command_runs_no_hook(team, hooks, cli):
    script(hooks, "on-any", RECORDER)
    vid = new_visit(team)["id"]
    before = received(hooks)
    refused = cli("--as", "gm", "plan", "approve", str(vid))  # not submitted
    assert refused.exit_code == 1 and "warning" not in refused.stderr
    missing = cli("--as", "li", "visit", "new", "--client", "Nobody", "--at", "2026-12-01 10:00",
                  "--purpose", "talk", "--headcount", "5")
    assert missing.exit_code == 3
    assert received(hooks) == before


def test_a_rolled_back_change_runs_no_hook(initdb, hooks, db_target):
    """The events of a transaction that fails are never given to a hook; once it commits, they are."""
    from receptionctl.cli.common import State
    from receptionctl.domain.core import outbox

    script(hooks, "on-any", RECORDER)
    st = State(db_target=db_target, actor="admin")
    try:
        with pytest.raises(RuntimeError):
            with st.session(write=True) as session:
                outbox.emit(session, "task.done", {"task_id": 1, "title": "x", "by": "admin"})
                raise RuntimeError("the change fails after the event")
        assert received(hooks) == {}
        with st.session(write=True) as session:
            outbox.emit(session, "task.done", {"task_id": 1, "title": "x", "by": "admin"})
        (run,) = received(hooks)["on-any.task.done"]
        assert json.loads(run["stdin"])["task_id"] == 1
    finally:
        st.db.dispose()


# -- failures are warnings -----------------------------------------------------------------------
def test_a_failing_hook_is_a_warning_and_the_change_is_kept(team, hooks, tmp_path):
    script(hooks, "on-visit-new", 'sys.stdin.read()\nprint("the calendar is down", file=sys.stderr)\nsys.exit(3)')
    script(hooks, "on-any", RECORDER)  # the others still run
    run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
               "--headcount", "5", "--json")
    assert run.exit_code == 0 and run.json()["client"] == "Acme"  # stdout: the JSON, nothing else
    warnings = [line for line in run.stderr.splitlines() if "hook" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: hook on-visit-new failed on visit.new: ")
    assert "exit status 3: the calendar is down" in warnings[0] and "hooks.log" in warnings[0]
    assert [v["id"] for v in team("visit", "list", "--json").json()] == [run.json()["id"]]
    assert "on-any.visit.new" in received(hooks)
    failed = [row for row in log_lines(tmp_path) if row[2] == "on-visit-new"]
    assert failed and failed[0][3] == "exit status 3" and failed[0][5] == "the calendar is down"


@pytest.mark.slow
def test_a_hook_that_takes_too_long_is_stopped(team, hooks, monkeypatch):
    marker = Path(os.environ["HOOK_OUT"]) / "child-survived"
    # the hook starts a child of its own, then sleeps: both are stopped at the timeout
    child = f"import time, pathlib; time.sleep(2); pathlib.Path({str(marker)!r}).touch()"
    script(hooks, "on-visit-new", f"import subprocess\nsubprocess.Popen([sys.executable, '-c', {child!r}])\ntime.sleep(30)")
    monkeypatch.setenv("RECEPTIONCTL_HOOK_TIMEOUT", "0.5")
    started = time.monotonic()
    run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
               "--headcount", "5")
    assert time.monotonic() - started < 10
    assert run.exit_code == 0 and "timed out after 0.5 s" in run.stderr
    assert len(team("visit", "list", "--json").json()) == 1
    time.sleep(2.5)
    assert not marker.exists()


def test_a_hook_that_cannot_run_is_a_warning(team, hooks, monkeypatch):
    script(hooks, "on-visit-new", "pass", executable=False)
    bad = hooks / "on-any"
    bad.write_text("#!/nonexistent/interpreter\n")
    bad.chmod(0o755)
    monkeypatch.setenv("RECEPTIONCTL_HOOK_TIMEOUT", "soon")
    run = team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
               "--headcount", "5")
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert any("RECEPTIONCTL_HOOK_TIMEOUT 'soon' is not valid" in line for line in lines)
    assert any(line.startswith("warning: hook on-visit-new failed") and "not executable" in line for line in lines)
    assert any(line.startswith("warning: hook on-any failed") and "cannot start it" in line for line in lines)
    assert "Traceback" not in run.stderr and len(team("visit", "list", "--json").json()) == 1


def test_no_folder_no_hooks_and_the_folder_from_the_environment_or_the_config_file(team, tmp_path, monkeypatch):
    out = tmp_path / "hook-out"
    out.mkdir()
    monkeypatch.setenv("HOOK_OUT", str(out))
    new_visit(team)  # no hooks folder at all: nothing happens, nothing is logged
    assert log_lines(tmp_path) == [] and not list(out.iterdir())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script(elsewhere, "on-visit-new", RECORDER)
    team("config", "set", "hooks", str(elsewhere))
    new_visit(team, at="2026-12-02 10:00")
    assert len(list(out.iterdir())) == 1
    monkeypatch.setenv("RECEPTIONCTL_HOOKS", str(tmp_path / "none"))  # the environment beats the file
    new_visit(team, at="2026-12-03 10:00")
    assert len((out / "on-visit-new.visit.new.json").read_text().splitlines()) == 1
    shown = team("config", "show", "--json").json()["hooks"]
    assert shown == {"value": str(tmp_path / "none"), "from": "env", "in_file": str(elsewhere)}


# -- the examples, for real -------------------------------------------------------------------
class ChatBot:
    """A local stand-in for a WeCom or DingTalk group robot's webhook: records each POST body."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                bot.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_example_plan_approve_hook(team, tmp_path, monkeypatch):
    import shutil

    calendar = tmp_path / "calendar.txt"
    monkeypatch.setenv("RECEPTIONCTL_HOOKS", str(EXAMPLES))
    monkeypatch.setenv("RECEPTION_CALENDAR", str(calendar))
    monkeypatch.setenv("RECEPTION_TICKET_DIR", str(tmp_path / "tickets"))
    bot = ChatBot()
    try:
        if shutil.which("curl"):
            monkeypatch.setenv("RECEPTION_CHAT_WEBHOOK", bot.url)
        v = new_visit(team)
        ready(team, v["id"])
        team("--as", "li", "plan", "submit", str(v["id"]))
        run = team("--as", "gm", "plan", "approve", str(v["id"]), "--note", "as agreed")
        assert "warning: hook" not in run.stderr
        line = f"2026-12-01 10:00  visit {v['id']}  Acme  host li  approved by gm  (as agreed)"
        assert calendar.read_text(encoding="utf-8") == line + "\n"
        if shutil.which("curl"):
            assert bot.bodies == [{"msgtype": "text", "text": {"content": "Plan approved: " + line}}]
            bot.close()  # the robot is gone: the post fails, the approval is kept
            w = new_visit(team, at="2026-12-02 10:00")
            ready(team, w["id"])
            team("--as", "li", "plan", "submit", str(w["id"]))
            run = team("--as", "gm", "plan", "approve", str(w["id"]))
            assert "warning: hook on-plan-approve failed on plan.approve: exit status 1" in run.stderr
            assert team("visit", "show", str(w["id"]), "--json").json()["plan_status"] == "approved"
            assert len(calendar.read_text(encoding="utf-8").splitlines()) == 2
    finally:
        bot.close()


def test_the_example_case_add_hook(from_template, ok, tmp_path, monkeypatch):
    from_template(case_team)
    tickets = tmp_path / "tickets"
    monkeypatch.setenv("RECEPTIONCTL_HOOKS", str(EXAMPLES))
    monkeypatch.setenv("RECEPTION_TICKET_DIR", str(tickets))
    case = add_case(ok, text="午餐晚了一个小时")
    ticket = json.loads((tickets / f"case-{case['id']}.json").read_text(encoding="utf-8"))
    assert ticket["event"] == "case.add" and ticket["case_id"] == case["id"] and ticket["kind"] == "complaint"
    assert ticket["description"] == "午餐晚了一个小时" and ticket["actor"] == "desk1"
    assert oct((tickets / f"case-{case['id']}.json").stat().st_mode & 0o777) == "0o600"
    ok("--as", "desk1", "case", "add", "--kind", "repair", "--text", "The lift is stuck")  # not a complaint
    assert [p.name for p in tickets.iterdir()] == [f"case-{case['id']}.json"]


def test_the_examples_are_executable_and_documented():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in ("on-plan-approve", "on-case-add"):
        assert os.access(EXAMPLES / name, os.X_OK), name
        assert f"`{name}`" in readme
