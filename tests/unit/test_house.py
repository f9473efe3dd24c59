"""The house rules that are about the code's shape, not its behaviour."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "receptionctl"
DOMAIN = SRC / "domain"
MAX_LINES = 80


def _functions(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield path, node


def test_no_function_in_the_domain_is_longer_than_80_lines():
    long = [f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path, node in _functions(DOMAIN) if node.end_lineno - node.lineno + 1 > MAX_LINES]
    assert long == []


# The visit statuses several areas count by live in domain/core/lifecycle.py only (ACTIVE, COMING,
# RECEIVED, ENDED): one of those sets spelled out anywhere else in the domain is a copy.
def _copies(source: str) -> list[int]:
    from receptionctl.domain.core import lifecycle

    shared = {frozenset(lifecycle.ACTIVE), frozenset(lifecycle.COMING), frozenset(lifecycle.RECEIVED),
              frozenset(lifecycle.ENDED)}
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            if frozenset(e.value for e in node.elts) in shared:
                lines.append(node.lineno)
    return lines


def test_the_visit_status_sets_have_one_home():
    copies = [f"{path.relative_to(SRC)}:{n}" for path in sorted(DOMAIN.rglob("*.py")) if path.name != "lifecycle.py"
              for n in _copies(path.read_text(encoding="utf-8"))]
    assert copies == []


def test_the_set_finder_finds_a_copy():
    assert _copies('q = Visit.status.in_(("in_progress", "completed", "closed"))') == [1]
    assert _copies('ok = status in ("closed", "completed")') == [1]
    assert _copies('ok = status in ("planning", "submitted")') == []


def test_today_is_the_policys_and_written_once():
    """One today() in the company's zone (policy.today); no copy of the expression elsewhere."""
    pattern = re.compile(r"clock\.now\(\)\.astimezone\([^)]*work_zone\([^)]*\)\)\.date\(\)|def _today\b|clock\.today\(")
    found = [f"{path.relative_to(SRC)}:{n}" for path in sorted(SRC.rglob("*.py")) if path != DOMAIN / "core" / "policy.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
