"""The bench against Taskwarrior, the peer a reception's task list is measured against: the
bench's open tasks imported into a throwaway Taskwarrior (its own TASKDATA and TASKRC:
no confirmation, no hooks, no colour), then three pairs timed interleaved, as the ratio of
our cpu time to Taskwarrior's. Run when Taskwarrior's `task` is on the PATH
(`apt-get install taskwarrior`).

The tasks keep their order (Taskwarrior's id N is the N-th open task, as `visit show N` is
the N-th visit), and their due times move by as much as the machine's clock is past the
bench's pinned now, so that both see the same tasks overdue."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

# (label, our argv, Taskwarrior's argv, the most our cpu time may be of Taskwarrior's)
PAIRS = [
    ("visit show 5  vs  task 5 info", ["visit", "show", "5"], ["5", "info"], 1.0),
    ("task list --overdue  vs  task overdue", ["task", "list", "--overdue"], ["overdue"], 0.5),
    ("task list --limit 20  vs  task next limit:20", ["task", "list", "--limit", "20"], ["next", "limit:20"], 0.7),
]
STAMP = "2026-01-01T00:00:00+00:00"


def when(text: str, shift) -> str:
    """A stored time (SQLite's text, UTC) as Taskwarrior's ISO form, moved by `shift`."""
    moment = datetime.fromisoformat(text).replace(tzinfo=timezone.utc) + shift
    return moment.strftime("%Y%m%dT%H%M%SZ")


def tasks_json(database: Path, out: Path, now: datetime) -> int:
    """The open tasks of the bench database as Taskwarrior's import JSON (one object a line)."""
    shift = datetime.now(timezone.utc) - now
    con = sqlite3.connect(database)
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for tid, vid, title, owner, due, created in con.execute(
                "SELECT id, visit_id, title, owner, due_at, created_at FROM task WHERE state = 'open' ORDER BY id"):
            f.write(json.dumps({
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"receptionctl-bench/task/{tid}")),
                "status": "pending", "description": title, "project": f"visit{vid or 0}",
                "tags": [owner] if owner else [], "entry": when(created, shift), "due": when(due, shift),
            }, ensure_ascii=False) + "\n")
            count += 1
    con.close()
    return count


def setup(workdir: Path, database: Path, now: datetime, reuse: bool) -> dict:
    """The peer's environment, its tasks imported (once, when `reuse` finds them there)."""
    data = workdir / "taskwarrior"
    rc = workdir / "taskrc"
    env = {**os.environ, "TASKDATA": str(data), "TASKRC": str(rc)}
    if reuse and (data / "pending.data").exists():
        return env
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    rc.write_text(f"data.location={data}\nconfirmation=off\nhooks=off\ncolor=off\nverbose=nothing\n"
                  "recurrence=off\n", encoding="utf-8")
    source = workdir / "tasks.json"
    # in a child process, like the databases, so that the bench process stays small
    code = ("import sys; from datetime import datetime; from pathlib import Path; from bench.peer import tasks_json; "
            "tasks_json(Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(database), str(source), now.isoformat()], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    subprocess.run([shutil.which("task"), "rc.confirmation=off", "import", str(source)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    source.unlink()
    return env


def section(bench, workdir: Path, reuse: bool) -> None:
    """Our commands against Taskwarrior's on the same open tasks, interleaved."""
    from bench.run import NOW, paired, verdict

    task = shutil.which("task")
    if not task:
        print("\nTaskwarrior: `task` is not on the PATH (apt-get install taskwarrior); the pairs are skipped")
        return
    version = subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
    env = setup(workdir, workdir / "plain.db", NOW, reuse)
    count = sum(1 for line in (workdir / "taskwarrior" / "pending.data").open(encoding="utf-8") if line.strip())
    print(f"\nagainst Taskwarrior {version} ({count} pending tasks), cpu time, ours over Taskwarrior's:")
    for label, ours, theirs, limit in PAIRS:
        p = paired(bench.exe + ours, [task, *theirs], bench.db_env("plain"), bench.repeat, ref_env=env)
        ok = p.ratio <= limit
        print(f"  {label:46} {p.ratio:5.2f}x {p.spread():>10}  (limit {limit:.2f}x)  {verdict(ok)}")
        if not ok:
            bench.misses.append(f"peer: {label}")
