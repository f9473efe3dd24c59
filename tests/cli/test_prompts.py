"""Prompts at the desk (issue 25, part 3; cli/ask.py): on a terminal a command asks for what it
was not given; piped, under cron, with --no-input or RECEPTIONCTL_NO_INPUT=1 nothing is asked
and a missing option is the usual usage error (exit 2). Ctrl-C or Ctrl-D at a prompt exits 130
and changes nothing.

The prompts are proven through a real pseudo-terminal: `python -m receptionctl` on a pty, keys
sent as a person types them once the question is on the screen, the database read afterwards
with --json in-process. prompt-toolkit's cursor-position requests are switched off
(PROMPT_TOOLKIT_NO_CPR): this test's terminal does not answer them."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from tests.cli.test_desk import AFTERNOON, desk_team, start
from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import AFTER, DAY, visit_held
from tests.cli.test_visits_plans import approved

DOWN, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\r", "\x03", "\x04"
ESCAPES = re.compile(r"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])")
SAFETY = 300  # seconds: a safety net only (a test waits for what it expects, never for a time)


class Terminal:
    """receptionctl on a pseudo-terminal: stdin, stdout and stderr (or stdout and stderr only,
    with stdin a pipe) on the terminal, as at the desk."""

    def __init__(self, args, env: dict | None = None, stdin_tty: bool = True) -> None:
        self.leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        environ = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "receptionctl", *args], env=environ,
                                     stdin=follower if stdin_tty else subprocess.PIPE, stdout=follower,
                                     stderr=follower, start_new_session=True)
        os.close(follower)
        self.raw = b""
        self.ended = False

    def _read(self, wait: float) -> None:
        ready, _, _ = select.select([self.leader], [], [], wait)
        if not ready:
            return
        try:
            chunk = os.read(self.leader, 65536)
        except OSError:  # the process has gone and the terminal with it
            chunk = b""
        self.raw += chunk
        self.ended = not chunk

    def screen(self) -> str:
        """What was shown, without the terminal's escape sequences."""
        return ESCAPES.sub("", self.raw.decode("utf-8", "replace")).replace("\r", "")

    def expect(self, text: str) -> None:
        """Wait until `text` is on the screen."""
        give_up = time.monotonic() + SAFETY
        while text not in self.screen():
            assert not self.ended and time.monotonic() < give_up, f"{text!r} never shown:\n{self.screen()}"
            self._read(1)

    def send(self, keys: str) -> None:
        os.write(self.leader, keys.encode("utf-8"))

    def answer(self, question: str, keys: str) -> None:
        self.expect(question)
        self.send(keys)

    def end(self) -> int:
        """The exit code, once the process has ended and all it showed is read."""
        give_up = time.monotonic() + SAFETY
        while not self.ended and time.monotonic() < give_up:
            self._read(1)
        code = self.proc.wait(timeout=SAFETY)
        os.close(self.leader)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=SAFETY)
        try:
            os.close(self.leader)
        except OSError:
            pass


@pytest.fixture
def terminal():
    opened = []

    def run(*args, env=None, stdin_tty=True):
        opened.append(Terminal(args, env, stdin_tty))
        return opened[-1]

    yield run
    for t in opened:
        t.close()


@pytest.fixture
def answers(monkeypatch):
    """The prompts in-process, for what each command asks: stdin and stdout taken for terminals,
    and ask.text and ask.choose answered from a script (`answers("Zhang San", "包裹", …)`, a
    choice by its label as shown, None for Enter on the preselected one). A text answer its check
    refuses is asked again, as at the terminal. Returns the questions asked and what the checks
    said."""
    import receptionctl.cli.ask as ask

    script: list = []
    asked: list = []

    def text(message, *, check=None, required=True, default=""):
        while True:
            asked.append(message)
            value = script.pop(0)
            said = ask.problem(check, value) if check is not None and value else None
            if said is None:
                return value
            asked.append(("refused", said))

    def choose(message, choices, default=None):
        asked.append((message, [label for _, label in choices]))
        label = script.pop(0)
        return default if label is None else dict((shown, value) for value, shown in choices)[label]

    monkeypatch.setattr(ask, "_tty", lambda stream: True)
    monkeypatch.setattr(ask, "text", text)
    monkeypatch.setattr(ask, "choose", choose)

    def script_of(*values):
        script[:] = values
        asked.clear()
        return asked

    yield script_of
    assert not script, f"not asked: {script}"


@pytest.fixture
def crew(from_template, ok):
    from_template(desk_team)
    return ok


# -- at the desk -------------------------------------------------------------------------------
def test_the_handover_checklist_is_walked_item_by_item_in_chinese(crew, terminal):
    start(crew)
    t = terminal("--as", "desk1", "--lang", "zh-CN", "desk", "handover", "prepare", "--check", "keys=ok",
                 env=AFTERNOON)
    t.answer("交接清单 1/5：对讲机", DOWN + ENTER)  # keys were given: the walk starts at the second item
    t.answer("对讲机有什么问题？", "一块电池没电了" + ENTER)
    for n, item in enumerate(("访客证库存", "监控摄像头", "电话", "值班日志"), 2):
        t.answer(f"交接清单 {n}/5：{item}", ENTER)
    t.answer("本班小结", "早班平稳" + ENTER)
    assert t.end() == 0, t.screen()
    shown = t.screen()
    assert "正常" in shown and "有问题" in shown and "（方向键选择，回车确认）" in shown
    assert "钥匙" not in shown.split("交接清单", 1)[1]  # given with --check: not asked again
    h = crew("--as", "desk1", "desk", "handover", "show", "1", "--json", env=AFTERNOON).json()
    assert h["summary"] == "早班平稳"
    assert {c["item"]: (c["ok"], c["note"]) for c in h["checks"]} == {
        "keys": (True, None), "radios": (False, "一块电池没电了"), "badge-stock": (True, None),
        "cameras": (True, None), "phone": (True, None), "logbook": (True, None)}


@pytest.mark.slow  # a process on a pseudo-terminal; the handover's walk proves the path fast
def test_checkin_offers_the_visits_at_the_door_and_asks_for_the_guest(team, terminal):
    vid = approved(team)
    t = terminal("--as", "li", "checkin", env=DAY)
    t.answer(f"visit {vid}: Acme, 10:00–12:00 (approved)", ENTER)
    t.answer("The visitor's full name:", "Liu Yang" + ENTER)
    assert t.end() == 0, t.screen()
    assert f"Liu Yang checked in to visit {vid}" in t.screen()
    shown = team("visit", "show", str(vid), "--json", env=DAY).json()
    assert shown["status"] == "in_progress" and [g["name"] for g in shown["guests"]] == ["Liu Yang"]


@pytest.mark.slow  # a process on a pseudo-terminal; the handover's walk proves the path fast
def test_case_add_offers_the_kinds_and_keeps_the_codes(team, terminal):
    t = terminal("--as", "li", "case", "add", "--client", "Acme")
    t.answer("What kind of case?", DOWN + ENTER)  # complaint, repair, ...: repair
    t.answer("What is it about?", ENTER)  # the default, other, is chosen
    t.answer("How serious is it?", DOWN + ENTER)  # medium is chosen; one down is high
    t.answer("in their words:", "The tap in room 502 leaks" + ENTER)
    assert t.end() == 0, t.screen()
    [case] = team("case", "list", "--json").json()
    assert (case["kind"], case["category"], case["severity"], case["text"], case["client"]) == (
        "repair", "other", "high", "The tap in room 502 leaks", "Acme")


@pytest.mark.slow  # a process on a pseudo-terminal; the handover's walk proves the path fast
def test_ctrl_c_or_ctrl_d_at_a_prompt_exits_130_and_changes_nothing(team, terminal, unchanged):
    vid = approved(team)
    with unchanged():
        t = terminal("--as", "li", "case", "add", "--kind", "complaint")
        t.answer("What is it about?", CTRL_D)  # a choice
        assert t.end() == 130
        assert "error: cancelled at the prompt: nothing was changed" in t.screen()
        t = terminal("--as", "li", "checkin", str(vid), env=DAY)
        t.answer("The visitor's full name:", "Liu" + CTRL_C)  # a line half typed
        assert t.end() == 130 and "Traceback" not in t.screen()


# -- nothing is asked where nobody can answer ---------------------------------------------------
def test_piped_a_missing_option_is_still_exit_2(crew):
    start(crew)
    proc = subprocess.run([sys.executable, "-m", "receptionctl", "--as", "desk1", "desk", "handover", "prepare"],
                          input="", capture_output=True, text=True, timeout=SAFETY,
                          env={**os.environ, **AFTERNOON})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == ["error: Missing option '--summary'.",
                                        "hint: see `python -m receptionctl desk handover prepare --help`"]


def test_nothing_is_asked_when_stdin_is_not_a_terminal(crew, terminal):
    start(crew)
    t = terminal("--as", "desk1", "desk", "handover", "prepare", env=AFTERNOON, stdin_tty=False)
    assert t.end() == 2
    assert t.screen().startswith("error: Missing option '--summary'.") and "?" not in t.screen()


@pytest.mark.parametrize("refusal", [{"args": ("--no-input",)}, {"env": {"RECEPTIONCTL_NO_INPUT": "1"}}],
                         ids=["--no-input", "RECEPTIONCTL_NO_INPUT"])
def test_no_input_refuses_prompting_on_a_terminal(team, cli, unchanged, monkeypatch, refusal):
    import receptionctl.cli.ask as ask

    monkeypatch.setattr(ask, "_tty", lambda stream: True)  # stdin and stdout as on a terminal
    monkeypatch.setattr(ask, "text", lambda *a, **kw: pytest.fail("asked"))
    monkeypatch.setattr(ask, "choose", lambda *a, **kw: pytest.fail("asked"))
    with unchanged():
        one_error_line(cli(*refusal.get("args", ()), "case", "add", "--kind", "help",
                           env=refusal.get("env")), 2, "--text")
        one_error_line(cli(*refusal.get("args", ()), "feedback", "add", "1", "--score", "80",
                           env=refusal.get("env")), 2, "--score needs --channel")


def test_a_command_given_everything_asks_nothing_on_a_terminal(team, monkeypatch):
    import receptionctl.cli.ask as ask

    monkeypatch.setattr(ask, "_tty", lambda stream: True)
    monkeypatch.setattr(ask, "text", lambda *a, **kw: pytest.fail("asked"))
    monkeypatch.setattr(ask, "choose", lambda *a, **kw: pytest.fail("asked"))
    case = team("case", "add", "--kind", "help", "--text", "Lost badge", "--json").json()
    assert (case["kind"], case["category"], case["severity"]) == ("help", "other", "medium")


def test_prompts_import_nothing_where_nothing_is_asked():
    """questionary and prompt-toolkit are imported on the prompting path only: not by a command
    that checks whether it may ask for a missing option, and may not."""
    from tests.cli.test_startup import imported

    assert not imported("case", "add", "--text", "Cold coffee") & {"questionary", "prompt_toolkit"}


# -- what each command asks (in-process) --------------------------------------------------------
def test_pass_issue_asks_the_form_and_the_date_again_until_it_reads(team, answers):
    asked = answers("Zhang San", "Huayu Renovation", "repaint room 301", "someday", "today 18:00", "wang")
    p = team("pass", "issue", "--json", env=DAY).json()
    assert (p["name"], p["company"], p["purpose"], p["host"]) == ("Zhang San", "Huayu Renovation",
                                                                  "repaint room 301", "wang")
    assert p["until"] == "2026-12-01T18:00:00+08:00"
    refused = [said for q in asked if isinstance(q, tuple) and q[0] == "refused" for said in q[1:]]
    assert len(refused) == 1 and "'someday'" in refused[0]


def test_mail_receive_offers_the_kinds_in_chinese_and_stores_the_code(team, answers):
    asked = answers("包裹", "wang")
    m = team("--lang", "zh-CN", "mail", "receive", "--json", env=DAY).json()
    assert (m["kind"], m["to"]) == ("parcel", "wang")
    assert asked[0] == ("收到了什么？", ["信件", "包裹", "报纸"])


def test_feedback_add_asks_the_channel_of_a_score_and_walks_the_form_otherwise(team, from_template, answers):
    vid = from_template(visit_held)
    asked = answers("电话")
    f = team("--as", "li", "--lang", "zh-CN", "feedback", "add", str(vid), "--score", "90", "--json", env=AFTER).json()
    assert (f["score"], f["channel"]) == (90, "phone")
    assert asked == [("反馈是通过什么方式收到的？", ["电话", "邮件", "问卷", "来访"])]
    asked = answers("5", "7", "4", "4", "5", "3", "5", "", "More parking", "", "A quote by Friday")
    f = team("--as", "li", "feedback", "add", str(vid), "--replace", "--json", env=AFTER).json()
    assert (f["score"], f["channel"]) == (83, "form")
    assert {a["key"]: a["value"] for a in f["answers"] if a["kind"] == "text"} == {
        "q8": "More parking", "q10": "A quote by Friday"}
    assert asked[0].startswith("q1. Was it easy to get in touch with us?") and asked[0].endswith("[1-5]")
    assert asked[2][0] == "refused" and "q2='7' is not valid" in asked[2][1] and asked[3].startswith("q2. ")


def test_checkin_of_a_walk_in_asks_the_client_and_the_host(team, answers):
    asked = answers("a guest without an approved visit (walk-in)", "Acme", "wang", "Ma Jun")
    g = team("--as", "li", "checkin", "--json", env=DAY).json()
    assert g["name"] == "Ma Jun"
    visit = team("visit", "show", str(g["visit_id"]), "--json", env=DAY).json()
    assert visit["walk_in"] and visit["host"] == "wang" and visit["client"] == "Acme"
    assert asked[0] == ("Check in to which visit?", ["another visit (type its number)",
                                                     "a guest without an approved visit (walk-in)"])


def test_a_handover_refused_whatever_the_answers_is_refused_before_asking(crew, cli, answers, unchanged):
    answers()
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", env=AFTERNOON), 1, "no open shift")
    start(crew)
    with unchanged():
        one_error_line(cli("--as", "desk1", "desk", "handover", "prepare", "--check", "keys=maybe", env=AFTERNOON),
                       2, "'maybe'")
