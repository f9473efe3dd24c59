"""The modules behind the light reads build no table class when imported: they read through the
light handles of store/light.py and import a table class only inside a function that writes
(docs/ARCHITECTURE.md, "Reading fast"). Were one of them to import sqlmodel, pydantic or a table
module at module level again, every read above it would pay for building the classes. Each
module's source is read for its module-level imports, and all of them are imported together in a
process of their own, every import of a heavy module named with its importer. (The whole
commands are proven by tests/cli/test_light_reads.py.) Import lists, not timings."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "receptionctl"
HEAVY = ("sqlmodel", "pydantic", "receptionctl.store.tables", "receptionctl.store.models")

# the leaves every area imports
LEAVES = [f"receptionctl.domain.core.{m}" for m in (
    "access", "alerts", "audit", "base", "dbid", "due", "keys", "lifecycle", "notify", "outbox", "policy", "secrets",
    "steps", "stored", "when")] + [f"receptionctl.domain.people.{m}" for m in (
        "notes", "clients", "feeds", "passwords", "staff")] + ["receptionctl.domain.care.care"]
# `visit show`, `visit list`, `followup due`
VISITS = [f"receptionctl.domain.visits.{m}" for m in (
    "views", "visits", "followups", "reception", "clashes", "survey", "pipeline")] + [
    "receptionctl.domain.records.attachments", "receptionctl.cli.visits", "receptionctl.cli.followups"]
# `case list`, `report kpi`
CASES = ["receptionctl.domain.cases.cases", "receptionctl.domain.cases.steps", "receptionctl.domain.measures.kpi",
         "receptionctl.cli.cases"]
# `report daily`: the report, the desk, quality and records (but for the attachments, above)
REPORT = ["receptionctl.domain.report.report", "receptionctl.cli.reports"] + sorted(
    f"receptionctl.domain.{area}.{p.stem}" for area in ("desk", "quality", "records")
    for p in (SRC / "domain" / area).glob("*.py") if p.stem not in ("__init__", "attachments"))
MODULES = LEAVES + VISITS + CASES + REPORT


def module_level_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import the module runs when it is imported: its top-level
    statements, the `if TYPE_CHECKING:` blocks left out (they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
            if isinstance(inner, ast.Import):
                found += [(inner.lineno, alias.name) for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom) and inner.module:
                found += [(inner.lineno, inner.module)]
                found += [(inner.lineno, f"{inner.module}.{alias.name}") for alias in inner.names]
    return found


def source(module: str) -> Path:
    return SRC.parent / (module.replace(".", "/") + ".py")


@pytest.mark.parametrize("module", MODULES)
def test_a_light_module_imports_no_table_class_at_module_level(module):
    heavy = [(n, name) for n, name in module_level_imports(source(module)) if name.startswith(HEAVY)]
    assert not heavy, (module, heavy)
    # and no table class reached through a light module's name for it (store.models gathers them all)
    assert "receptionctl.store.models" not in source(module).read_text(encoding="utf-8"), module


def test_the_scan_sees_a_module_level_table_import(tmp_path):
    """The scan is not blind: a table class imported at module level (or under a plain `if`) is
    found; one inside a function or under TYPE_CHECKING is not."""
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\n"
                      "from receptionctl.store.tables.common import Visit\n"
                      "if True:\n    import sqlmodel\n"
                      "if TYPE_CHECKING:\n    from receptionctl.store.tables.desk import SitePass\n"
                      "def write():\n    from receptionctl.store.tables.common import Task\n", encoding="utf-8")
    names = [name for _n, name in module_level_imports(sample) if name.startswith(HEAVY)]
    assert names == ["receptionctl.store.tables.common", "receptionctl.store.tables.common.Visit", "sqlmodel"]


# every import of a heavy module while the modules are imported, as (importer, imported)
PROBE = """
import builtins, importlib, json, sys
HEAVY = tuple(json.loads(sys.argv[1]))
edges, real = set(), builtins.__import__
def hook(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__name__", "?")
    full = name
    if level and globals:
        parts = (globals.get("__package__") or "").split(".")
        full = ".".join(parts[: len(parts) - level + 1]) + ("." + name if name else "")
    if full.startswith(HEAVY) or any(f"{full}.{f}".startswith(HEAVY) for f in fromlist or ()):
        edges.add((caller, full))
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = hook
for module in sys.argv[2:]:
    importlib.import_module(module)
print(json.dumps({"edges": sorted(edges), "loaded": sorted(m for m in sys.modules if m.startswith(HEAVY))}))
"""


def test_importing_the_light_modules_loads_no_table_class():
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), *MODULES], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    said = json.loads(proc.stdout.strip().splitlines()[-1])
    assert said == {"edges": [], "loaded": []}, said
