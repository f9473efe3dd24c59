"""The leaves every area imports (domain/core's, people's and care's modules) build no table
class when imported: they read through the light handles of store/light.py and import the
table classes inside the functions that write. Were one of them to import sqlmodel, pydantic or
a table module at module level again, every read above it would pay for building the classes
(docs/ARCHITECTURE.md, "Reading fast"). Import lists, not timings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlmodel", "pydantic", "receptionctl.store.tables", "receptionctl.store.models")

LEAVES = [f"receptionctl.domain.core.{m}" for m in (
    "access", "alerts", "audit", "base", "dbid", "due", "keys", "lifecycle", "notify", "outbox", "policy", "secrets",
    "steps", "stored", "when")] + ["receptionctl.domain.people.notes"]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[2:])))))
"""


@pytest.mark.parametrize("module", LEAVES)
def test_a_leaf_imports_no_table_class(module):
    proc = subprocess.run([sys.executable, "-c", PROBE, module, *HEAVY], capture_output=True, text=True,
                          timeout=120, check=True)
    assert json.loads(proc.stdout) == [], module


# people's and care's modules import domain/core/find.py, which converts on its own; what they
# import themselves at module level must be light already (read with ast, not imported)
OWN = LEAVES + [f"receptionctl.domain.people.{m}" for m in ("clients", "feeds", "passwords", "staff")] + [
    "receptionctl.domain.care.care"]


@pytest.mark.parametrize("module", OWN)
def test_a_leaf_itself_imports_no_table_class_at_module_level(module):
    import ast
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "src" / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = [n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module]
    named += [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
    assert [m for m in named if m.startswith(HEAVY)] == [], module
