"""The modules behind `visit show`, `visit list` and `followup due` (the visit stage's reads,
the visit sheet, the attachments) are light themselves: importing them, none of them imports
SQLModel, pydantic or a table class at module level; they read through store/light.py and
import the table classes only inside the functions that write. (Whether a whole command is
light also depends on the modules they import: tests/cli/test_light_reads.py.)"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINE = [
    "receptionctl.domain.visits.views",
    "receptionctl.domain.visits.visits",
    "receptionctl.domain.visits.followups",
    "receptionctl.domain.visits.reception",
    "receptionctl.domain.visits.clashes",
    "receptionctl.domain.visits.survey",
    "receptionctl.domain.visits.pipeline",
    "receptionctl.domain.records.attachments",
    "receptionctl.cli.visits",
    "receptionctl.cli.followups",
]
HEAVY = ("sqlmodel", "pydantic", "receptionctl.store.tables", "receptionctl.store.models")

# every import made while the module is imported, as (importer, imported): the module's own
# module-level imports are those it makes itself (what the modules it imports make is theirs)
PROBE = """
import builtins, json, sys
seen = []
real = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__name__", "?")
    full = name
    if level and globals:
        parts = (globals.get("__package__") or "").split(".")
        full = ".".join(parts[: len(parts) - level + 1]) + ("." + name if name else "")
    seen.append([caller, full, [str(f) for f in fromlist or ()]])
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = spy
__import__(sys.argv[1])
print(json.dumps(seen))
"""


def heavy(name: str, fromlist: list[str]) -> bool:
    targets = [name] + [f"{name}.{f}" for f in fromlist]
    return any(t == h or t.startswith(h + ".") for t in targets for h in HEAVY)


@pytest.mark.parametrize("module", MINE)
def test_the_module_itself_imports_no_table_class(module):
    proc = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    own = [(name, fromlist) for caller, name, fromlist in json.loads(proc.stdout.strip().splitlines()[-1])
           if caller == module]
    assert own, module  # the probe saw the module's imports
    assert not [(n, f) for n, f in own if heavy(n, f)], module


@pytest.mark.parametrize("module", MINE)
def test_no_module_level_import_of_a_table_class_in_the_source(module):
    """The same, read in the source: a module-level import of SQLModel, pydantic or store.tables
    (one under `if TYPE_CHECKING:` names a type for the annotations and is never run)."""
    path = ROOT / "src" / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if heavy(a.name, [])]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [node.module] if heavy(node.module, [a.name for a in node.names]) else []
    assert not found, (module, found)
