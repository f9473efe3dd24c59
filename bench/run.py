"""`make bench`: synthetic databases and the commands a team runs, each a whole process,
timed end to end as cron or a shell runs them.

    python -m bench.run [--visits N] [--repeat R] [--history H] [--density D] [--keep DIR]
                        [--only KEY,KEY] [--no-peer] [--feeds F] [--web-requests N] [--web-only]

Every command is paired with its floor, run by run, interleaved (floor, command, floor,
command ...): importing the stack it needs (`typer` for help, `typer, sqlmodel, rich` for the
rest). The figure is the ratio of the command's cpu time (user + system of the child, from
wait4) to its floor's in the same pair; a shared machine slows both halves of a pair alike,
so the ratio holds where seconds do not. Printed: the median ratio with its min-max, the
median cpu and wall seconds, the peak memory (each child's own), the target and PASS or MISS.

Scenarios: `plain` (N visits around now), `history` (the same open work with H times as
much closed history behind it: its report and `followup due` must stay within 1.2x of
plain, runs interleaved), `density` (D visits, one pair per command unless --density-repeat:
the exports and the JSON report stream, within 150 MiB). With Taskwarrior's `task` on the PATH the bench's open tasks are imported
into a throwaway Taskwarrior and three pairs are timed against it (bench/peer.py).

Quick mode, to measure one lever in a minute: `--only visit-show,report-daily --repeat 5
--keep /tmp/bench` (the plain database is built once in DIR and reused; history, density
and the peer are skipped unless named: `--only peer`, `--only history`). Bytecode is
compiled first and the runs may write it, as an installed tool does.

Then the web front desk on `plain`: the server time of the board, the report's page and a
visit's page, N (200) requests each through an in-process client, signed in (bench/web.py, in a
process of its own; p95 at most 50 ms), and a person's calendar feed, F (200) requests (p95 at
most 50 ms). `--web-only` builds `plain` and measures only those (`--only web,feeds` too).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
FLOORS = {"typer": ["-c", "import typer"], "stack": ["-c", "import typer, sqlmodel, rich"]}
READ, REPORT, HELP_LIMIT = 1.25, 1.3, 1.75  # help: no slower than before (1.5x to 1.7x of `import typer`)
MEMORY, STREAM, STREAM_DENSE = 80, 100, 150  # MiB: any command; what streams its rows (10,000 and 100,000 visits)


@dataclass(frozen=True)
class Command:
    key: str  # for --only
    label: str
    argv: list[str]
    floor: str = "stack"
    target: float | None = READ  # ratio of cpu time to the floor; None: shown, no target
    memory: int = MEMORY  # MiB
    streams: bool = False  # its rows are streamed: the density scenario checks its memory


HELP = [
    Command("help", "--help", ["--help"], "typer", HELP_LIMIT),
    Command("visit-new-help", "visit new --help", ["visit", "new", "--help"], "typer", HELP_LIMIT),
    Command("task-list-help", "task list --help", ["task", "list", "--help"], "typer", HELP_LIMIT),
]
COMMANDS = [
    Command("visit-show", "visit show 5", ["visit", "show", "5"]),
    Command("report-daily", "report daily", ["report", "daily"], target=REPORT),
    Command("report-daily-html", "report daily --format html", ["report", "daily", "--format", "html"],
            target=REPORT),
    Command("report-daily-json", "report daily --format json", ["report", "daily", "--format", "json"],
            target=REPORT, memory=STREAM, streams=True),
    Command("task-overdue", "task list --overdue", ["task", "list", "--overdue"]),
    Command("followup-due", "followup due --within 7", ["followup", "due", "--within", "7"]),
    Command("visit-list", "visit list --from today --to +7d", ["visit", "list", "--from", "today", "--to", "+7d"]),
    Command("report-kpi", "report kpi --month", ["report", "kpi", "--month", "2026-11"]),
    Command("case-list", "case list", ["case", "list"]),
    Command("task-limit", "task list --limit 20", ["task", "list", "--limit", "20"]),
    Command("report-performance", "report performance --quarter", ["report", "performance", "--quarter", "2026Q4"],
            target=None),
    Command("export-visits", "export visits --format csv", ["export", "visits", "--format", "csv"], target=None,
            memory=STREAM, streams=True),
    Command("export-tasks", "export tasks --format json", ["export", "tasks", "--format", "json"], target=None,
            memory=STREAM, streams=True),
    Command("export-cases", "export cases --format csv", ["export", "cases", "--format", "csv"], target=None,
            memory=STREAM, streams=True),
    Command("export-feedback", "export feedback --format json", ["export", "feedback", "--format", "json"],
            target=None, memory=STREAM, streams=True),
]
LOADS = ["visit-show", "report-daily"]  # what these import is printed (python -X importtime)
HISTORY_COMMANDS = ["report-daily", "followup-due"]
HISTORY_LIMIT = 1.2
FEED_LIMIT_MS = 50.0  # a person's calendar feed (issue 30): the 95th percentile of its server time


# -- one run, a pair, a row ---------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system of the child
    mib: float  # the child's peak resident memory
    code: int
    size: int  # bytes on stdout


def run_once(argv: list[str], env: dict) -> Run:
    """One whole process. posix_spawn (vfork), not fork: a forked child's peak memory would
    count this process's own."""
    with tempfile.TemporaryFile() as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                   (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - t0
        size = out.seek(0, 2)
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               os.waitstatus_to_exitcode(status), size)


def checked(run: Run, argv: list[str]) -> Run:
    if run.code not in (0, 6):
        raise SystemExit(f"{' '.join(argv)} exited {run.code}")
    return run


@dataclass
class Paired:
    """A command against its reference, run by run: A B A B ..."""

    runs: list[Run] = field(default_factory=list)
    refs: list[Run] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [r.cpu / max(f.cpu, 1e-6) for r, f in zip(self.runs, self.refs)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def mib(self) -> float:
        return max(r.mib for r in self.runs)

    def spread(self) -> str:
        return f"{min(self.ratios):.2f}-{max(self.ratios):.2f}"


def paired(argv: list[str], ref: list[str], env: dict, repeat: int, ref_env: dict | None = None) -> Paired:
    p = Paired()
    for _ in range(repeat):
        p.refs.append(checked(run_once(ref, ref_env or env), ref))
        p.runs.append(checked(run_once(argv, env), argv))
    return p


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "MISS")


HEADER = (f"  {'command':34} {'ratio':>6} {'min-max':>10} {'cpu s':>6} {'wall s':>6} {'peak':>8}  "
          f"{'target':>14}  result")


def row(c: Command, p: Paired) -> tuple[str, bool]:
    """The line of a command, and whether it met its targets (time and memory)."""
    time_ok = None if c.target is None else p.ratio <= c.target
    memory_ok = p.mib <= c.memory
    ok = memory_ok and time_ok is not False
    target = (f"<={c.target:.2f}x " if c.target is not None else "") + f"<={c.memory}M"
    line = (f"  {c.label:34} {p.ratio:5.2f}x {p.spread():>10} {statistics.median(r.cpu for r in p.runs):6.3f} "
            f"{statistics.median(r.wall for r in p.runs):6.3f} {p.mib:4.0f} MiB  {target:>14}  {verdict(ok)}")
    return line, ok


# -- the databases ------------------------------------------------------------------------
def build(path: Path, visits: int, history: int = 0, reuse: bool = False) -> str:
    """Built in a child process, so that this one stays small: a spawned command's peak
    memory starts from this process's (Linux counts the image it replaced at exec). With
    `reuse`, a database already built there with the same figures is kept."""
    import sqlite3
    import subprocess

    stamp = path.with_suffix(".json")
    wanted = {"visits": visits, "history": history, "now": NOW.isoformat()}
    t0 = time.perf_counter()
    if not (reuse and path.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted):
        for old in (path, stamp):
            old.unlink(missing_ok=True)
        code = ("import sys; from datetime import datetime; from bench.synthetic import build; "
                "build(sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]), history=int(sys.argv[4]))")
        subprocess.run([sys.executable, "-c", code, str(path), str(visits), NOW.isoformat(), str(history)],
                       check=True, cwd=Path(__file__).resolve().parent.parent)
        stamp.write_text(json.dumps(wanted))
    con = sqlite3.connect(path)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("visit", "task")}
    open_tasks = con.execute("SELECT count(*) FROM task WHERE state = 'open'").fetchone()[0]
    con.close()
    return (f"{counts['visit']} visits, {counts['task']} tasks ({open_tasks} open), "
            f"ready in {time.perf_counter() - t0:.1f} s")


def loads(argv: list[str], env: dict) -> str:
    """What a command imports (python -X importtime): modules in all, the package's own, and which
    areas' tables (store/tables), the figure the house by area moves."""
    import subprocess

    err = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True).stderr
    names = [line.rsplit("|", 1)[1].strip() for line in err.splitlines() if line.startswith("import time:")][1:]
    own = [n for n in names if n.startswith("receptionctl.")]
    tables = sorted(n.rsplit(".", 1)[1] for n in own if n.startswith("receptionctl.store.tables.") and n[26:] != "columns")
    areas = sorted({n.split(".")[2] for n in own if n.startswith("receptionctl.domain.") and n.count(".") >= 3})
    heavy = [n for n in ("sqlalchemy.orm", "pydantic", "sqlmodel", "rich", "babel") if n in names]
    return (f"{len(names)} modules, {len(own)} of receptionctl; domain areas: {', '.join(areas) or 'none'}; "
            f"tables of: {', '.join(tables) or 'none'}; of the heavy: {', '.join(heavy) or 'none'}")


# -- the sections -------------------------------------------------------------------------
@dataclass
class Bench:
    exe: list[str]
    env: dict
    repeat: int
    workdir: Path
    misses: list[str] = field(default_factory=list)

    def db_env(self, name: str) -> dict:
        return {**self.env, "RECEPTIONCTL_DB": str(self.workdir / f"{name}.db")}

    def floor(self, kind: str) -> list[str]:
        return [self.exe[0], *FLOORS[kind]]

    def commands(self, scenario: str, commands: list[Command]) -> dict[str, Paired]:
        """Each command paired with its floor; a row each, with its verdict."""
        env, seen = self.db_env(scenario), {}
        print(HEADER)
        for c in commands:
            p = seen[c.key] = paired(self.exe + c.argv, self.floor(c.floor), env, self.repeat)
            line, ok = row(c, p)
            print(line)
            if not ok:
                self.misses.append(f"{scenario}: {c.label}")
        return seen

    def history(self, commands: list[Command]) -> None:
        """The history scenario against plain, interleaved, as a ratio of cpu time."""
        print(f"\nhistory against plain, runs interleaved, cpu time (limit {HISTORY_LIMIT}x):")
        for c in commands:
            p = paired(self.exe + c.argv, self.exe + c.argv, self.db_env("history"), self.repeat,
                       ref_env=self.db_env("plain"))
            ok = p.ratio <= HISTORY_LIMIT
            print(f"  {c.label:34} {p.ratio:5.2f}x {p.spread():>10}  {verdict(ok)}")
            if not ok:
                self.misses.append(f"history: {c.label}")

    def density(self, commands: list[Command], repeat: int = 1) -> None:
        """The density scenario: what streams its rows within STREAM_DENSE MiB; one pair each by
        default (memory is its point, and an export of ten times the rows takes minutes), every
        command's time shown."""
        print(HEADER)
        env = self.db_env("density")
        for c in commands:
            p = paired(self.exe + c.argv, self.floor(c.floor), env, repeat)
            ok = p.mib <= STREAM_DENSE if c.streams else None
            target = f"<={STREAM_DENSE}M" if c.streams else ""
            print(f"  {c.label:34} {p.ratio:5.2f}x {p.spread():>10} "
                  f"{statistics.median(r.cpu for r in p.runs):6.3f} {statistics.median(r.wall for r in p.runs):6.3f} "
                  f"{p.mib:4.0f} MiB  {target:>14}  {verdict(ok)}")
            if ok is False:
                self.misses.append(f"density: {c.label}")


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


def web_section(bench: Bench, workdir: Path, args, wanted: set[str] | None = None) -> int:
    """The web front desk on plain: its pages (bench/web.py) and a person's calendar feed; 1 when
    one is over its target."""
    status = 0
    if args.web_requests and (wanted is None or "web" in wanted):
        status |= web(workdir / "plain.db", args.web_requests)
    if args.feeds and (wanted is None or "feeds" in wanted):
        feed = feeds_in_child(workdir / "plain.db", args.feeds, bench.env)
        flag = "ok" if feed["p95"] <= FEED_LIMIT_MS else "OVER"
        status |= flag != "ok"
        print(f"\ncalendar feed of {feed['user']} ({feed['events']} visits), {args.feeds} requests in process: "
              f"median {feed['p50']:.1f} ms, p95 {feed['p95']:.1f} ms (limit {FEED_LIMIT_MS:.0f}), "
              f"max {feed['max']:.1f} ms  {flag}")
    return status


def pick(commands: list[Command], only: set[str] | None) -> list[Command]:
    return [c for c in commands if only is None or c.key in only]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=int(os.environ.get("BENCH_VISITS", 10000)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 5)))
    parser.add_argument("--history", type=int, default=int(os.environ.get("BENCH_HISTORY", 10)),
                        help="closed history, as a multiple of the open visits (0: skip the scenario)")
    parser.add_argument("--density", type=int, default=int(os.environ.get("BENCH_DENSITY", 100000)),
                        help="visits of the density scenario (0: skip it)")
    parser.add_argument("--density-repeat", type=int, default=1, help="pairs per command in the density scenario")
    parser.add_argument("--keep", help="build the databases in this folder, keep them and reuse them next time")
    parser.add_argument("--only", help="quick mode: only these commands (keys: "
                        + ", ".join(c.key for c in HELP + COMMANDS) + "; and peer, history, density)")
    parser.add_argument("--no-peer", action="store_true", help="skip the pairs against Taskwarrior")
    parser.add_argument("--feeds", type=int, default=int(os.environ.get("BENCH_FEEDS", 200)),
                        help="requests of a person's calendar feed (0: none)")
    parser.add_argument("--web-requests", type=int, default=int(os.environ.get("BENCH_WEB_REQUESTS", 200)),
                        help="requests of each web page (0: none)")
    parser.add_argument("--web-only", action="store_true", help="build plain and time only the web pages and the feed")
    return parser.parse_args()


def main() -> int:
    args = options()
    only = set(args.only.split(",")) if args.only else None
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="receptionctl-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    import importlib.util

    package = Path(importlib.util.find_spec("receptionctl").origin).parent
    compileall.compile_dir(str(package), quiet=1)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "RECEPTIONCTL_TZ")}
    env.update(RECEPTIONCTL_USER="admin", RECEPTIONCTL_NOW=NOW.isoformat(), XDG_CACHE_HOME=str(workdir / "cache"))
    bench = Bench([sys.executable, "-m", "receptionctl"], env, args.repeat, workdir)
    wanted = {n for n in ("peer", "history", "density", "web", "feeds") if only is None or n in only}

    print(f"plain: {build(workdir / 'plain.db', args.visits, reuse=bool(args.keep))}")
    if args.web_only:
        return web_section(bench, workdir, args)
    run_once(bench.exe + ["report", "daily"], bench.db_env("plain"))  # warm: the calendar cache, the page cache
    for c in pick(COMMANDS, only):
        if c.key in LOADS:
            print(f"  {c.label} loads {loads(bench.exe + c.argv, bench.db_env('plain'))}")
    bench.commands("plain", pick(HELP, only) + pick(COMMANDS, only))
    if "peer" in wanted and not args.no_peer:
        from bench import peer

        peer.section(bench, workdir, reuse=bool(args.keep))
    if args.history and "history" in wanted:
        print(f"\nhistory: {build(workdir / 'history.db', args.visits, args.history, reuse=bool(args.keep))}")
        bench.history([c for c in COMMANDS if c.key in HISTORY_COMMANDS])
    if args.density and "density" in wanted:
        print(f"\ndensity: {build(workdir / 'density.db', args.density, reuse=bool(args.keep))}")
        run_once(bench.exe + ["report", "daily"], bench.db_env("density"))
        bench.density(COMMANDS, args.density_repeat)
    if {"web", "feeds"} & wanted and web_section(bench, workdir, args, wanted):
        bench.misses.append("web pages or calendar feed")
    print("\nratio: the command's cpu time (user + system) over its floor's, paired run by run "
          f"(floor: {' '.join(FLOORS['stack'][1:])}; for help {' '.join(FLOORS['typer'][1:])}); "
          f"median of {args.repeat} pairs and their min-max; peak: the most resident memory of any run")
    print("MISS: " + "; ".join(bench.misses) if bench.misses else "every target met")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if bench.misses else 0


if __name__ == "__main__":
    sys.exit(main())
