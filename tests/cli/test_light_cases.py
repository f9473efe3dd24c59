"""The service cases' and the measures' own part of a light read (tests/cli/test_light_reads.py
holds the whole: no table class loaded by `case list` nor `report kpi`). These modules read
through the light handles (store/light.py) and import a table class only inside a function that
writes; whatever else still loads the tables on those reads comes from modules below them."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlmodel", "pydantic", "receptionctl.store.tables", "receptionctl.store.models")
# the modules of the cases and the measures that `case list` and `report kpi` run
LIGHT = ("receptionctl.domain.cases.cases", "receptionctl.domain.cases.steps", "receptionctl.domain.measures.kpi",
         "receptionctl.cli.cases")


def _module_imports(tree: ast.Module):
    """The imports run when the module is imported: at its top level, and in its top-level blocks
    (try, if, with) except `if TYPE_CHECKING:`."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.Import):
            yield node.lineno, [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield node.lineno, [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            todo.extend(node.orelse)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo.extend(node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", [])
                        + [n for h in getattr(node, "handlers", []) for n in h.body])


@pytest.mark.parametrize("module", LIGHT)
def test_a_light_module_imports_no_table_class_at_module_level(module):
    path = ROOT / "src" / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    heavy = [(n, name) for n, names in _module_imports(tree) for name in names if name.startswith(HEAVY)]
    assert not heavy, (module, heavy)
    # and no table class reached through a light module's name for it (store.models gathers them all)
    assert "receptionctl.store.models" not in path.read_text(encoding="utf-8")


# who imports what while a whole command runs: the importer of every heavy module (a hook on __import__)
PROBE = """
import builtins, json, sys
HEAVY = %r
edges, orig = set(), builtins.__import__
def hook(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__name__", "?")
    full = name
    if level and globals:
        parts = (globals.get("__package__") or "").split(".")
        full = ".".join(parts[: len(parts) - level + 1]) + ("." + name if name else "")
    if full.startswith(HEAVY) or any(f"{full}.{f}".startswith(HEAVY) for f in fromlist or ()):
        edges.add((caller, full))
    return orig(name, globals, locals, fromlist, level)
builtins.__import__ = hook
from receptionctl.cli.app import build
try:
    code = build()(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\n" + json.dumps({"code": code or 0, "edges": sorted(edges)}) + "\\n")
""" % (HEAVY,)


def _edges(*args: str) -> tuple[int, list]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300,
                          env=os.environ.copy())
    said = json.loads(proc.stderr.strip().splitlines()[-1])
    return said["code"], said["edges"]


@pytest.mark.parametrize("args", [("case", "list"), ("case", "list", "--json", "--open"),
                                  ("report", "kpi", "--month", "2026-11", "--by", "team"),
                                  ("report", "kpi", "--month", "2026-11", "--json")],
                         ids=" ".join)
def test_case_list_and_report_kpi_load_no_table_class_through_the_cases_or_the_measures(team, args):
    team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-11-25 10:00", "--purpose", "talk",
         "--headcount", "5")
    team("--as", "li", "case", "add", "--client", "Acme", "--kind", "complaint", "--text", "Late reply")
    team("--as", "li", "case", "add", "--kind", "complaint", "--text", "Rude", "--about", "wang")
    code, edges = _edges("--as", "li", *args)
    assert code == 0, (args, code)
    ours = [(caller, heavy) for caller, heavy in edges if caller.startswith(LIGHT + ("receptionctl.cli.reports",))]
    assert not ours, ours
