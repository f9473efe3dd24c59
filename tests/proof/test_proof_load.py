"""Load: 10 processes x 200 mixed writes on one database (issue 18, item 5).

Each process is forked from the test, so it imports the app once, and runs the commands
in-process (tests.conftest.run) against the same SQLite file (or PostgreSQL database when
RECEPTIONCTL_TEST_PG is set). Every command either succeeds or exits 5 with one clear line
after the busy timeout; every success is in the database exactly once with its audit event;
PRAGMA integrity_check is ok afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time

import pytest

from tests.conftest import PG_URL, query_rows, run

PROCESSES = int(os.environ.get("PROOF_PROCESSES", "10"))
# per process: client add, visit new, note add, task done, feedback add (rounds of 5): the 200,
# run by `make test-slow` and CI (PROOF_WRITES=40 for a quicker look)
WRITES = int(os.environ.get("PROOF_WRITES", "200"))
BUSY_TIMEOUT = "10"
_COMMAND = None  # the prebuilt click command, inherited by the forked workers


def _one_engine_per_process() -> None:
    """Test-only speed: the worker's commands share one engine per database (as if the tool
    kept it between commands), so that SQLAlchemy compiles each statement once per process,
    not once per command. Each command still opens its own connection and transaction
    (BEGIN IMMEDIATE, busy timeout) exactly as the installed tool does."""
    from receptionctl.store import db as store

    engines: dict = {}
    make = store.Database._make_engine

    def shared(self):
        key = (self.url, self.busy_timeout)
        if key not in engines:
            engines[key] = make(self)
        return engines[key]

    store.Database._make_engine = shared


def _worker(job: tuple[int, int]) -> list[tuple]:
    """One process's writes; returns (op, key, exit code, stderr, stdout) for each command run.
    `completed`: a completed visit of this process's own, for its feedback forms."""
    p, completed = job
    os.environ["RECEPTIONCTL_BUSY_TIMEOUT"] = BUSY_TIMEOUT
    _one_engine_per_process()
    done: list[tuple] = []

    def cmd(op, key, *args):
        r = run(_COMMAND, list(args))
        done.append((op, key, r.exit_code, r.stderr, r.stdout))
        return r

    for i in range(WRITES // 5):
        tag = f"p{p}-{i}"
        cmd("client", tag, "client", "add", f"Load {tag}", "--industry", "load")
        at = f"2027-{1 + i % 12:02d}-{1 + p * 2 + i // 12:02d} {8 + i % 10}:{p * 5:02d}"
        v = cmd("visit", tag, "--as", "li", "visit", "new", "--client", "Acme", "--at", at, "--hours", "0.05",
                "--purpose", "talk", "--headcount", "3", "--venue", f"Room {tag}", "--json")
        vid = v.json()["id"] if v.exit_code == 0 else completed
        cmd("note", tag, "note", "add", str(vid), "--kind", "question", "--text", f"note {tag}")
        tasks = run(_COMMAND, ["task", "list", "--visit", str(vid), "--json"])
        assert tasks.exit_code in (0, 5), tasks.stderr
        if tasks.exit_code == 0:
            open_ = [t["id"] for t in tasks.json() if t["state"] == "open"]
            cmd("task", str(open_[0]), "--as", "li", "task", "done", str(open_[0]), "--note", f"done {tag}")
        cmd("feedback", tag, "--as", "li", "feedback", "add", str(completed), "--replace", "--score", str(50 + i),
            "--channel", "phone", "--comment", f"feedback {tag}")
    return done


@pytest.mark.slow
def test_ten_processes_of_mixed_writes(team, command, db_target):
    global _COMMAND
    _COMMAND = command
    started = time.monotonic()
    completed = []
    for p in range(PROCESSES):  # one completed visit each, for the feedback forms (replaced each time)
        walk_in = team("--as", "li", "checkin", "--walk-in", "--client", "Acme", "--host", "li", "--guest", f"Guest {p}")
        completed.append(int(re.search(r"visit (\d+)", walk_in.stdout).group(1)))
        team("--as", "li", "visit", "complete", str(completed[-1]))
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(_worker, [(p, completed[p]) for p in range(PROCESSES)])
    elapsed = time.monotonic() - started
    runs = [r for rs in results for r in rs]
    failures = [r for r in runs if r[2] != 0]
    for op, key, code, err, _out in failures:  # the only failure allowed: locked past the timeout
        lines = err.strip().splitlines()
        assert code == 5, (op, key, code, err)
        assert lines[0].startswith("error: ") and "locked" in lines[0], err
        assert all(l.startswith("hint: ") for l in lines[1:]) and "Traceback" not in err, err
    ok = {op: [key for o, key, code, _e, _o in runs if o == op and code == 0] for op in
          ("client", "visit", "note", "task", "feedback")}
    writes = sum(len(ok[op]) for op in ("client", "visit", "note", "task", "feedback"))

    def counted(sql: str) -> dict:
        found: dict = {}
        for (value,) in query_rows(db_target, sql):
            found[value] = found.get(value, 0) + 1
        return found

    clients = counted("SELECT name FROM client WHERE industry = 'load'")
    assert clients == {f"Load {k}": 1 for k in ok["client"]}
    venues = counted("SELECT venue FROM visit WHERE venue LIKE 'Room p%'")
    assert venues == {f"Room {k}": 1 for k in ok["visit"]}
    notes = counted("SELECT text FROM note WHERE text LIKE 'note p%'")
    assert notes == {f"note {k}": 1 for k in ok["note"]}
    done_tasks = counted("SELECT id FROM task WHERE state = 'done' AND note LIKE 'done p%'")
    assert done_tasks == {int(k): 1 for k in ok["task"]}
    # a feedback form replaces the visit's last one (kept in the audit log): each process's visit
    # holds its last successful form, and each success is one audit event with its comment
    forms = counted("SELECT comment FROM feedback WHERE comment LIKE 'feedback p%'")
    last = {}
    for k in ok["feedback"]:
        last[k.split("-")[0]] = k
    assert forms == {f"feedback {k}": 1 for k in last.values()}
    import json

    audited_forms: dict = {}
    for (after,) in query_rows(db_target, "SELECT after FROM audit_event WHERE action IN ('feedback.add', 'feedback.replace')"):
        comment = json.loads(after).get("comment") or ""
        audited_forms[comment] = audited_forms.get(comment, 0) + 1
    assert {f"feedback {k}": audited_forms.get(f"feedback {k}", 0) for k in ok["feedback"]} == \
        {f"feedback {k}": 1 for k in ok["feedback"]}
    assert sum(n for c, n in audited_forms.items() if c.startswith("feedback p")) == len(ok["feedback"])
    # every success has its audit event, once
    for action, entity, table, pk, column, keys in (
        ("client.add", "client", "client", "id", "name", {f"Load {k}" for k in ok["client"]}),
        ("visit.new", "visit", "visit", "id", "venue", {f"Room {k}" for k in ok["visit"]}),
        ("note.add", "note", "note", "id", "text", {f"note {k}" for k in ok["note"]}),
    ):
        audited = counted(f"SELECT t.{column} FROM audit_event a JOIN {table} t ON t.{pk} = a.entity_id "
                          f"WHERE a.action = '{action}' AND a.entity = '{entity}'")
        assert {k: audited.get(k, 0) for k in keys} == {k: 1 for k in keys}, action
    audited_tasks = counted("SELECT entity_id FROM audit_event WHERE action = 'task.done' AND entity = 'task'")
    assert {int(k): audited_tasks.get(int(k), 0) for k in ok["task"]} == {int(k): 1 for k in ok["task"]}
    if not PG_URL:
        assert query_rows(db_target, "PRAGMA integrity_check") == [("ok",)]
        assert query_rows(db_target, "PRAGMA foreign_key_check") == []
    print(f"\nload: {PROCESSES} processes, {len(runs)} commands ({writes} of the five writes), "
          f"{len(failures)} exit 5 (locked), 0 lost, {elapsed:.1f} s")
    assert writes + len(failures) >= PROCESSES * WRITES
