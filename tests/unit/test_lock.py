"""The lock decides what is installed: the environment is uv.lock's, and the lock is pyproject's.

Marked `lock`: make test-latest leaves these out, since it runs on purpose on other versions.
"""

import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests import lockcheck

pytestmark = pytest.mark.lock


def test_the_installed_packages_are_the_locks():
    assert lockcheck.differences() == [], "the environment differs from uv.lock: run `make install` (or `make clean test`)"


def test_a_package_at_another_version_or_missing_or_unknown_is_found():
    lock_text = lockcheck.LOCK.read_text(encoding="utf-8")
    have = lockcheck.installed()
    rich = have["rich"]
    have["rich"] = "0.0.1"
    del have["typer"]
    have["left-over-package"] = "1.0"
    lines = lockcheck.differences(lock_text, have)
    assert f"rich: locked {rich}, installed 0.0.1" in lines
    assert any(line.startswith("typer: locked ") and line.endswith("not installed") for line in lines)
    assert "left-over-package: installed 1.0, not in the lock" in lines


FORKED = """
[[package]]
name = "receptionctl"
source = { editable = "." }
dependencies = [
    { name = "calpkg", version = "1.0", source = { registry = "x" }, marker = "python_full_version < '3.0'" },
    { name = "calpkg", version = "2.0", source = { registry = "x" }, marker = "python_full_version >= '3.0'" },
]

[[package]]
name = "calpkg"
version = "1.0"
source = { registry = "x" }

[[package]]
name = "calpkg"
version = "2.0"
source = { registry = "x" }
dependencies = [{ name = "helper" }]

[[package]]
name = "helper"
version = "0.5"
source = { registry = "x" }
"""


def test_a_package_locked_once_for_each_python_is_the_one_of_this_python():
    """A newest release that differs by Python version is locked once per fork: the check wants
    the version whose marker holds here (it wanted the last one listed, whatever its marker)."""
    assert lockcheck.required(FORKED, extras=()) == {"calpkg": "2.0", "helper": "0.5"}


def test_the_lock_needs_every_dependency_of_the_project_and_its_extras():
    need = lockcheck.required(lockcheck.LOCK.read_text(encoding="utf-8"))
    for name in ("typer", "sqlmodel", "sqlalchemy", "cryptography", "pydantic", "pytest", "psycopg", "psycopg-binary"):
        assert name in need
    assert "receptionctl" not in need


def _key(name: str, specifier: str, extras, marker) -> tuple:
    return (lockcheck.canonical(name), str(SpecifierSet(specifier or "")), tuple(sorted(extras or ())),
            str(marker or ""))


def test_the_lock_is_made_from_todays_pyproject():
    """`uv sync --locked` refuses a stale lock too; this says so without uv."""
    project = tomllib.loads((lockcheck.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = set()
    for line in project["dependencies"]:
        r = Requirement(line)
        wanted.add(_key(r.name, str(r.specifier), r.extras, r.marker))
    for extra, lines in project["optional-dependencies"].items():
        for line in lines:
            r = Requirement(line)
            wanted.add(_key(r.name, str(r.specifier), r.extras, f"extra == '{extra}'"))
    lock = {p["name"]: p for p in tomllib.loads(lockcheck.LOCK.read_text(encoding="utf-8"))["package"]}
    locked = {_key(d["name"], d.get("specifier", ""), d.get("extras"), d.get("marker"))
              for d in lock["receptionctl"]["metadata"]["requires-dist"]}
    assert wanted == locked, "uv.lock is out of date with pyproject.toml: run `make lock`"


def test_every_library_the_code_relies_on_has_an_upper_bound():
    project = tomllib.loads((lockcheck.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for line in project["dependencies"] + project["optional-dependencies"]["postgres"]:
        r = Requirement(line)
        assert any(s.operator == "<" for s in r.specifier), f"{r.name} has no upper bound"
