"""The daily report's own modules (the report, the desk, quality, records but for attachments, and
the command that runs it) import no table class at module level: their reads select through the
light handles of store/light.py and a function that writes imports its table classes itself.
So `report daily` builds no table class once the areas it gathers from read the same way
(tests/cli/test_light_reads.py proves the whole command; this proves these modules' part)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "receptionctl"
HEAVY = ("sqlmodel", "pydantic", "receptionctl.store.tables", "receptionctl.store.models")
MODULES = sorted(
    [SRC / "domain/report/report.py", SRC / "cli/reports.py"]
    + [p for area in ("desk", "quality", "records") for p in (SRC / "domain" / area).glob("*.py")
       if p.name != "attachments.py"])


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


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_a_report_module_imports_no_table_class_at_module_level(path):
    heavy = [(n, name) for n, name in module_level_imports(path) if name.startswith(HEAVY)]
    assert not heavy, f"{path.relative_to(SRC)}: {heavy}"


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
