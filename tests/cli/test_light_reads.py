"""The reads a team runs most build no table class: they select through the light handles of
store/light.py, so neither SQLModel nor pydantic nor SQLAlchemy's ORM is imported (the session,
store/db.py's Work, runs Core statements on its connection), nor any module of store/tables/
(building those classes cost more than the rest of such a command together). Import lists, not
timings: the times live in `make bench` (docs/ARCHITECTURE.md, "Reading fast")."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NOT_ON_A_READ = ("sqlmodel", "pydantic", "sqlalchemy.orm", "receptionctl.store.tables", "receptionctl.store.models")

PROBE = """
import json, sys
from receptionctl.cli.app import build
try:
    code = build()(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\n" + json.dumps({"code": code or 0, "modules": sorted(sys.modules)}) + "\\n")
"""


def loaded(*args: str) -> tuple[int, list[str]]:
    """The modules a whole process loaded to run `receptionctl ARGS` (the environment's database)."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300,
                          env=os.environ.copy())
    said = json.loads(proc.stderr.strip().splitlines()[-1])
    return said["code"], said["modules"]


def story(ok) -> None:
    """A visit with its people, a plan and a complaint: each read below has rows to show."""
    ok("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
       "--headcount", "5")
    ok("--as", "li", "plan", "assign", "1", "--role", "host", "--staff", "li", "--backup", "wang")
    ok("--as", "li", "plan", "item", "1", "--at", "2026-12-01 10:00", "--title", "Welcome")
    ok("--as", "li", "case", "add", "--client", "Acme", "--kind", "complaint", "--text", "Late reply")
    ok("--as", "li", "case", "add", "--kind", "complaint", "--text", "Rude", "--about", "wang")


LIGHT_READS = [
    ("--as", "li", "task", "list"),
    ("--as", "li", "task", "list", "--overdue"),
    ("--as", "li", "task", "list", "--owner", "li", "--limit", "20"),
    ("--as", "li", "--lang", "zh-CN", "task", "list", "--visit", "1", "--state", "all"),
    ("--as", "li", "case", "list"),
    ("--as", "li", "case", "list", "--json", "--open"),
    ("--as", "li", "report", "kpi", "--month", "2026-11"),
    ("--as", "li", "report", "kpi", "--month", "2026-11", "--by", "team"),
    ("--as", "li", "report", "kpi", "--month", "2026-11", "--json"),
    ("visit", "show", "1"),
    ("visit", "list", "--from", "today", "--to", "+7d"),
    ("followup", "due", "--within", "7"),
    ("report", "daily"),
    ("report", "daily", "--format", "json"),
    ("audit", "--last", "20"),
    ("--as", "li", "audit", "--entity", "case", "--json"),
    ("audit", "verify"),
    ("notify", "list"),
]


@pytest.mark.parametrize("args", LIGHT_READS, ids=[" ".join(a) for a in LIGHT_READS])
def test_a_read_builds_no_table_class(team, args):
    story(team)
    code, modules = loaded(*args)
    assert code == 0, (args, code)
    heavy = [m for m in modules if m.startswith(NOT_ON_A_READ)]
    assert not heavy, (args, heavy)
