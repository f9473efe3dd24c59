"""`make bench`: synthetic databases and the commands a team runs, each a whole process,
timed end to end as cron or a shell runs them.

    python -m bench.run [--visits N] [--repeat R] [--history H] [--density D] [--feeds F] [--keep DIR]
                        [--web-requests N] [--web-only]

Scenarios: `plain` (N visits around now), `history` (the same open work with H times as
much closed history behind it: its report and `followup due` must stay within 1.2x of
plain), `density` (D visits). Every time is the median of R runs, printed also as a
ratio to the floor measured in the same run: importing the stack a command needs
(`typer` for help, `typer, sqlmodel, rich` for the rest), so the figures compare across
machines. Peak memory is each child's own (wait4). Bytecode is compiled first and the
runs may write it, as an installed tool does.

Then the web front desk on `plain` (bench/web.py, in a process of its own): the server time of
the board, the report's page and a visit's page, N (200) requests each through an in-process
client, signed in; median and p95 in ms against the target (p95 at most 50 ms). `--web-only`
builds `plain` and measures only that.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
HELP = [("--help", ["--help"]), ("visit new --help", ["visit", "new", "--help"]),
        ("task list --help", ["task", "list", "--help"])]
COMMANDS = [
    ("visit show 5", ["visit", "show", "5"]),
    ("report daily", ["report", "daily"]),
    ("report daily --format html", ["report", "daily", "--format", "html"]),
    ("report daily --format json", ["report", "daily", "--format", "json"]),
    ("task list --overdue", ["task", "list", "--overdue"]),
    ("followup due --within 7", ["followup", "due", "--within", "7"]),
    ("visit list --from today --to +7d", ["visit", "list", "--from", "today", "--to", "+7d"]),
    ("report kpi --month", ["report", "kpi", "--month", "2026-11"]),
    ("report performance --quarter", ["report", "performance", "--quarter", "2026Q4"]),
]
LOADS = ["visit show 5", "report daily"]  # what these import is printed (python -X importtime)
HISTORY_COMMANDS = ["report daily", "followup due --within 7"]
HISTORY_LIMIT = 1.2
FEED_LIMIT_MS = 50.0  # a person's calendar feed (issue 30): the 95th percentile of its server time


def run_once(argv: list[str], env: dict) -> tuple[float, float, int, int]:
    """(seconds, peak MiB, exit code, bytes out) of one whole process. posix_spawn (vfork),
    not fork: a forked child's peak memory would count this process's own."""
    with tempfile.TemporaryFile() as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                   (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - t0
        size = out.seek(0, 2)
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), size


def measure(argv: list[str], env: dict, repeat: int) -> dict:
    runs = [run_once(argv, env) for _ in range(repeat)]
    codes = {r[2] for r in runs}
    if codes - {0, 6}:
        raise SystemExit(f"{' '.join(argv)} exited {codes}")
    return {"median": statistics.median(r[0] for r in runs), "min": min(r[0] for r in runs),
            "mib": max(r[1] for r in runs), "bytes": runs[-1][3]}


def build(path: Path, visits: int, history: int = 0) -> str:
    """Built in a child process, so that this one stays small: a spawned command's peak
    memory starts from this process's (Linux counts the image it replaced at exec)."""
    import sqlite3
    import subprocess

    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    code = ("import sys; from datetime import datetime; from bench.synthetic import build; "
            "build(sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]), history=int(sys.argv[4]))")
    subprocess.run([sys.executable, "-c", code, str(path), str(visits), NOW.isoformat(), str(history)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    con = sqlite3.connect(path)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("visit", "task")}
    open_tasks = con.execute("SELECT count(*) FROM task WHERE state = 'open'").fetchone()[0]
    con.close()
    return (f"{counts['visit']} visits, {counts['task']} tasks ({open_tasks} open), "
            f"built in {time.perf_counter() - t0:.1f} s")


def loads(argv: list[str], env: dict) -> str:
    """What a command imports (python -X importtime): modules in all, the package's own, and which
    areas' tables (store/tables), the figure the house by area moves."""
    import subprocess

    err = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True).stderr
    names = [line.rsplit("|", 1)[1].strip() for line in err.splitlines() if line.startswith("import time:")][1:]
    own = [n for n in names if n.startswith("receptionctl.")]
    tables = sorted(n.rsplit(".", 1)[1] for n in own if n.startswith("receptionctl.store.tables.") and n[26:] != "columns")
    areas = sorted({n.split(".")[2] for n in own if n.startswith("receptionctl.domain.") and n.count(".") >= 3})
    return (f"{len(names)} modules, {len(own)} of receptionctl; domain areas: {', '.join(areas)}; "
            f"tables of: {', '.join(tables)}")


def history_against_plain(exe: list[str], env: dict, workdir: Path, repeat: int) -> int:
    """The history scenario's commands against plain's, runs interleaved; 1 when one is over the limit."""
    print(f"\nhistory against plain, runs interleaved (limit {HISTORY_LIMIT}x):")
    argvs = dict(COMMANDS)
    status = 0
    for label in HISTORY_COMMANDS:
        plain, hist = [], []
        for _ in range(repeat):
            plain.append(run_once(exe + argvs[label], {**env, "RECEPTIONCTL_DB": str(workdir / "plain.db")})[0])
            hist.append(run_once(exe + argvs[label], {**env, "RECEPTIONCTL_DB": str(workdir / "history.db")})[0])
        ratio = statistics.median(hist) / statistics.median(plain)
        flag = "ok" if ratio <= HISTORY_LIMIT else "OVER"
        status |= flag != "ok"
        print(f"  {label:36} {ratio:6.2f}x  {flag}")
    return status


def web(path: Path, requests: int) -> int:
    """The web pages' server time on the database at `path` (bench/web.py, in a child process)."""
    import subprocess

    print(f"\nweb front desk on {path.name}: server time of each page, signed in")
    done = subprocess.run([sys.executable, "-m", "bench.web", str(path), "--requests", str(requests)],
                          cwd=Path(__file__).resolve().parent.parent)
    return done.returncode


def feed_times(path: str, requests: int) -> dict:
    """A person's calendar feed (`GET /calendar/<token>.ics`, issue 30), `requests` times through
    Starlette's in-process TestClient on the database at `path`, alternately without and with
    ?tasks=1, for the busiest host: milliseconds per request (median, 95th percentile, max), the
    events in the feed. Runs in a child process (feeds_in_child)."""
    import statistics as stats

    from starlette.testclient import TestClient

    from receptionctl.domain.core import clock
    from receptionctl.domain.people import feeds
    from receptionctl.services import runs
    from receptionctl.store.tables.visits import Assignment
    from receptionctl.web.app import create_app

    clock.pin(NOW)
    app = create_app(path, secret="the bench's secret, long enough to sign with")
    db = app.state.web.db
    from sqlalchemy import func, select

    with runs.work(db, write=True) as session:
        busiest = session.execute(select(Assignment.staff_id, func.count()).group_by(Assignment.staff_id)
                                  .order_by(func.count().desc()).limit(1)).first()[0]
        from receptionctl.store.tables.common import Staff

        user = session.get(Staff, busiest).username
        url = feeds.make(session, "admin", user, "", "zh-CN").url
    times = []
    with TestClient(app) as client:
        events = client.get(url).text.count("BEGIN:VEVENT")  # and warm
        for i in range(requests):
            t0 = time.perf_counter()
            got = client.get(url + ("?tasks=1" if i % 2 else ""))
            times.append((time.perf_counter() - t0) * 1000)
            assert got.status_code == 200
    times.sort()
    return {"p50": stats.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)], "max": times[-1],
            "events": events, "user": user}


def feeds_in_child(path: Path, requests: int, env: dict) -> dict:
    import json
    import subprocess

    code = ("import json, sys; from bench.run import feed_times; "
            "print(json.dumps(feed_times(sys.argv[1], int(sys.argv[2]))))")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(requests)], env=env, check=True,
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(name: str, m: dict, floor: float) -> str:
    return (f"  {name:36} {m['median']:7.3f} {m['min']:7.3f} {m['median'] / floor:6.2f}x {m['mib']:6.0f} MiB"
            f"  {m['bytes']} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=int(os.environ.get("BENCH_VISITS", 10000)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 5)))
    parser.add_argument("--history", type=int, default=int(os.environ.get("BENCH_HISTORY", 10)),
                        help="closed history, as a multiple of the open visits (0: skip the scenario)")
    parser.add_argument("--density", type=int, default=int(os.environ.get("BENCH_DENSITY", 100000)),
                        help="visits of the density scenario (0: skip it)")
    parser.add_argument("--feeds", type=int, default=int(os.environ.get("BENCH_FEEDS", 200)),
                        help="calendar feed requests on the plain database (0: skip them)")
    parser.add_argument("--keep", help="build the databases in this folder and keep them")
    parser.add_argument("--web-requests", type=int, default=int(os.environ.get("BENCH_WEB_REQUESTS", 200)),
                        help="requests of each web page (0: skip the web part)")
    parser.add_argument("--web-only", action="store_true", help="build plain and time only the web pages")
    args = parser.parse_args()

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="receptionctl-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    import importlib.util

    package = Path(importlib.util.find_spec("receptionctl").origin).parent
    compileall.compile_dir(str(package), quiet=1)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "RECEPTIONCTL_TZ")}
    env.update(RECEPTIONCTL_USER="admin", RECEPTIONCTL_NOW=NOW.isoformat(), XDG_CACHE_HOME=str(workdir / "cache"))
    exe = [sys.executable, "-m", "receptionctl"]

    floors = {
        "typer": measure([sys.executable, "-c", "import typer"], env, args.repeat)["median"],
        "stack": measure([sys.executable, "-c", "import typer, sqlmodel, rich"], env, args.repeat)["median"],
    }
    print(f"floor: import typer {floors['typer']:.3f} s; import typer, sqlmodel, rich {floors['stack']:.3f} s")
    header = f"  {'command':36} {'median':>7} {'min':>7} {'ratio':>7} {'peak':>10}  output"

    if args.web_only:
        path = workdir / "plain.db"
        print(f"\nplain: {build(path, args.visits)}")
        status = web(path, args.web_requests)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        return status

    scenarios = [("plain", args.visits, 0)]
    if args.history:
        scenarios.append(("history", args.visits, args.history))
    if args.density:
        scenarios.append(("density", args.density, 0))
    results: dict[str, dict[str, dict]] = {}
    for name, visits, history in scenarios:
        path = workdir / f"{name}.db"
        print(f"\n{name}: {build(path, visits, history)}")
        scenario_env = {**env, "RECEPTIONCTL_DB": str(path)}
        run_once(exe + ["report", "daily"], scenario_env)  # warm: the calendar cache, the page cache
        print(header)
        results[name] = {}
        if name == "plain":
            for label in LOADS:
                print(f"  {label} loads {loads(exe + dict(COMMANDS)[label], scenario_env)}")
            for label, argv in HELP:
                m = results[name][label] = measure(exe + argv, scenario_env, args.repeat)
                print(row(label, m, floors["typer"]))
        for label, argv in COMMANDS:
            if name == "history" and label not in HISTORY_COMMANDS:
                continue
            m = results[name][label] = measure(exe + argv, scenario_env, args.repeat)
            print(row(label, m, floors["stack"]))
    status = history_against_plain(exe, env, workdir, args.repeat) if "history" in results else 0
    if args.feeds:
        feed = feeds_in_child(workdir / "plain.db", args.feeds, env)
        flag = "ok" if feed["p95"] <= FEED_LIMIT_MS else "OVER"
        status |= flag != "ok"
        print(f"\ncalendar feed of {feed['user']} ({feed['events']} visits), {args.feeds} requests in process: "
              f"median {feed['p50']:.1f} ms, p95 {feed['p95']:.1f} ms (limit {FEED_LIMIT_MS:.0f}), "
              f"max {feed['max']:.1f} ms  {flag}")
    print("\ntimes in seconds, wall clock, each a whole process (start-up included); ratio: to the floor")
    if args.web_requests:
        status |= web(workdir / "plain.db", args.web_requests)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
