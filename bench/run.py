"""`make bench`: build a synthetic database (10,000 visits by default) and time the
commands a team runs every morning, end to end, as cron would run them.

    python -m bench.run [--visits N] [--repeat R] [--keep PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

COMMANDS = [
    ("report daily", ["report", "daily"]),
    ("report daily --format html", ["report", "daily", "--format", "html"]),
    ("report daily --format json", ["report", "daily", "--format", "json"]),
    ("followup due --within 7", ["followup", "due", "--within", "7"]),
    ("task list --overdue", ["task", "list", "--overdue"]),
    ("visit list --from today --to +7d", ["visit", "list", "--from", "today", "--to", "+7d"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=int(os.environ.get("BENCH_VISITS", 10000)))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="build the database here and keep it")
    args = parser.parse_args()

    from bench.synthetic import build

    workdir = tempfile.mkdtemp(prefix="receptionctl-bench-")
    target = args.keep or str(Path(workdir) / "bench.db")
    if os.path.exists(target):
        os.unlink(target)
    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    t0 = time.perf_counter()
    build(target, args.visits, now)
    built = time.perf_counter() - t0

    import sqlite3

    con = sqlite3.connect(target)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("visit", "task", "feedback")}
    con.close()
    print(f"synthetic database: {counts['visit']} visits, {counts['task']} tasks, {counts['feedback']} feedback "
          f"forms; built in {built:.1f} s ({target})")
    env = {**os.environ, "RECEPTIONCTL_DB": target, "RECEPTIONCTL_USER": "admin",
           "RECEPTIONCTL_NOW": now.isoformat(), "RECEPTIONCTL_TZ": "Asia/Shanghai"}
    exe = [sys.executable, "-m", "receptionctl"]
    t0 = time.perf_counter()
    subprocess.run(exe + ["--version"], env=env, check=True, capture_output=True)
    startup = time.perf_counter() - t0
    print(f"{'command':40} {'median':>8} {'min':>8}  output")
    print(f"{'receptionctl --version (start-up)':40} {startup:8.3f}")
    for name, argv in COMMANDS:
        times, size = [], 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            proc = subprocess.run(exe + argv, env=env, capture_output=True)
            times.append(time.perf_counter() - t0)
            if proc.returncode not in (0, 6):
                print(proc.stderr.decode(), file=sys.stderr)
                return 1
            size = len(proc.stdout)
        print(f"{'receptionctl ' + name:40} {statistics.median(times):8.3f} {min(times):8.3f}  {size} bytes")
    print("times in seconds, wall clock, each a whole process (start-up included)")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
