"""The habits of git, gh and Taskwarrior users: -h, --mine, panels in the top-level help,
a pager for long lists on a terminal, --limit."""

import fcntl
import os
import struct
import subprocess
import sys
import termios

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit


def test_dash_h_at_every_level(cli):
    for args in (("-h",), ("task", "-h"), ("visit", "new", "-h"), ("plan", "item", "edit", "-h")):
        run = cli(*args)
        assert run.exit_code == 0 and run.stdout.startswith("Usage: receptionctl"), args


def test_the_top_level_help_is_grouped_by_stage(cli):
    out = cli("--help").stdout
    panels = ["Before the visit:", "During the visit:", "After the visit:", "Reports:", "Administration:"]
    at = [out.index(p) for p in panels]
    assert at == sorted(at)
    assert out.index("checkin") > out.index("During the visit:") and out.index("audit") > out.index("Reports:")
    assert "Commands:" not in out


def test_mine_is_the_acting_users_work(team, cli):
    vid = new_visit(team)["id"]
    team("--as", "li", "plan", "assign", str(vid), "--role", "recorder", "--staff", "chen")
    mine = team("--as", "chen", "task", "list", "--mine", "--json").json()
    assert mine and mine == team("task", "list", "--owner", "chen", "--json").json()
    assert team("--as", "chen", "followup", "due", "--mine", "--json").json() == \
        team("followup", "due", "--owner", "chen", "--json").json()
    one_error_line(cli("--as", "chen", "task", "list", "--mine", "--owner", "li"), 2, "--mine")


def test_limit_keeps_the_first_rows(team, cli):
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        new_visit(team, at=f"{day} 10:00")
    visits = team("visit", "list", "--json").json()
    assert team("visit", "list", "--limit", "2", "--json").json() == visits[:2]
    tasks = team("task", "list", "--json").json()
    assert team("task", "list", "--limit", "5", "--json").json() == tasks[:5]
    events = team("audit", "--json").json()
    assert team("audit", "--limit", "3", "--json").json() == events[-3:]
    one_error_line(cli("visit", "list", "--limit", "0"), 2, "'0'")


def on_a_terminal(args, env, rows=12, cols=120):
    """Run receptionctl with stdout on a pseudo-terminal of rows x cols; returns what the
    terminal showed."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "receptionctl", *args], stdin=follower, stdout=follower,
                            stderr=subprocess.PIPE, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr.read()
    return shown.decode("utf-8", "replace")


@pytest.mark.slow  # a process on a pseudo-terminal
def test_a_long_list_goes_through_the_pager_on_a_terminal(team, tmp_path):
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        new_visit(team, at=f"{day} 10:00")
    paged = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("MANPAGER", "LINES", "COLUMNS")}
    env.update(PAGER=f"cat > {paged}", TERM="xterm")
    shown = on_a_terminal(["audit"], env)
    assert paged.exists() and "visit.new" in paged.read_text(encoding="utf-8")
    assert "visit.new" not in shown
    paged.unlink()
    shown = on_a_terminal(["audit", "--no-pager"], env)
    assert not paged.exists() and "visit.new" in shown
    shown = on_a_terminal(["visit", "list", "--limit", "2"], env)  # shorter than the screen: no pager
    assert not paged.exists() and "Acme" in shown


def completions(cli, words: str, cword: int) -> list[str]:
    """What bash completion offers (the console script does the same, see test_startup)."""
    env = {"RECEPTIONCTL_DEBUG": "1", "_RECEPTIONCTL_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(cword)}
    run = cli(env=env)
    assert run.exit_code == 0 and not run.stderr, run.stderr
    return run.stdout.splitlines()


def test_shell_completion_offers_names_and_ids_from_the_database(team, cli):
    def complete(words, cword):
        return completions(cli, words, cword)

    team("client", "add", "Huaxin Technology")
    vid = new_visit(team)["id"]
    team("staff", "deactivate", "chen")
    assert complete("receptionctl client show Hu", 3) == ["Huaxin Technology"]
    assert complete("receptionctl visit list --client A", 4) == ["Acme"]
    assert complete("receptionctl task list --owner ", 4) == ["admin", "gm", "gm2", "li", "wang"]  # not chen
    assert complete("receptionctl plan assign 1 --role host --staff w", 7) == ["wang"]
    assert complete(f"receptionctl visit show {vid}", 3) == [str(vid)]
    assert "--install-completion" in team("--help").stdout
