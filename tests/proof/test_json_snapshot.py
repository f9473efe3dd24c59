"""The JSON of every list and show command on the demo database stays byte for byte what it was.

The demo database is built by examples/demo.sh with the clock pinned (so every date in it is
fixed); each command's `--json` output is compared with tests/golden/demo-json.txt, recorded
before the house was regrouped by area (issue 24). RECEPTIONCTL_GOLDEN=write records it anew,
for a change that means to alter the JSON: review the diff of the golden file then.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "demo-json.txt"
NOW = "2026-12-07T08:00:00+08:00"

# (acting user, arguments): every list and show command with --json, on records the demo makes
READS = [
    ("admin", "staff list"), ("admin", "client list"), ("admin", "client show huaxin"),
    ("admin", "contact list huaxin"), ("admin", "visit list --from 2026-11-20"), *[
        ("admin", f"visit show {v}") for v in range(1, 9)], *[
        ("admin", f"plan show {v}") for v in (1, 3, 4)], ("admin", "plan item list 1"), ("admin", "checklist 1"),
    ("admin", "checklist 4"), ("admin", "task list"), ("li.na", "task list --mine"), ("admin", "task list --overdue"),
    ("admin", "incident list"), ("admin", "note list"), ("admin", "feedback list"), ("admin", "feedback show 1"),
    ("admin", "followup due --within 30"), ("ma.hui", "case list"), ("ma.hui", "case show 1"),
    ("ma.hui", "case show 2"), ("ma.hui", "case patterns"), ("admin", "log list"), ("admin", "desk shift list"),
    ("admin", "desk log list --date 2026-12-06"), ("admin", "desk handover list --date 2026-12-06"),
    ("admin", "desk handover show 1"), ("admin", "pass list"), ("admin", "pass show 1"), ("admin", "mail list"),
    ("admin", "goods list"), ("admin", "doc list"), ("admin", "attach list 1"), ("admin", "hold list"),
    ("admin", "retention list"), ("admin", "training list"), ("admin", "deductions"), ("admin", "notify list"),
    ("admin", "policy show"), ("admin", "procedure show"), ("admin", "procedure history"),
    ("admin", "audit --visit 1"), ("admin", "onsite --format json"), ("admin", "report daily --format json"),
]


def _env(db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEPTIONCTL_")}
    env.update(RECEPTIONCTL_DB=str(db), RECEPTIONCTL_NOW=NOW, RECEPTIONCTL_USER="admin", LANG="C.UTF-8",
               NO_COLOR="1", PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}")
    return env


def snapshot(folder: Path) -> str:
    """Build the demo in `folder` (a copy of examples/ and the script's tree) and read every command."""
    work = folder / "checkout"
    (work / "examples").mkdir(parents=True)
    (work / "examples" / "demo.sh").write_text((ROOT / "examples" / "demo.sh").read_text())
    db = work / "demo" / "reception.db"
    env = _env(db)
    subprocess.run(["bash", str(work / "examples" / "demo.sh")], env=env, cwd=work, check=True,
                   capture_output=True, timeout=1800)
    out = []
    for user, args in READS:
        argv = [sys.executable, "-m", "receptionctl", "--as", user, *args.split()]
        if "--format" not in args:
            argv.append("--json")
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        out.append(f"== {user}: {args} (exit {done.returncode})\n{done.stdout}")
    return "".join(out)


@pytest.mark.slow
def test_the_demo_databases_json_is_what_it_was(tmp_path):
    got = snapshot(tmp_path)
    if os.environ.get("RECEPTIONCTL_GOLDEN") == "write":
        GOLDEN.write_text(got, encoding="utf-8")
    want = GOLDEN.read_text(encoding="utf-8")
    assert got.splitlines() == want.splitlines()
