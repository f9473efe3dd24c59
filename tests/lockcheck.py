"""The installed distributions against uv.lock.

`make test` proves that the environment it runs in is the lock's (tests/unit/test_lock.py):
every package the lock gives receptionctl with its test and postgres extras is installed, at the
locked version. `python -m tests.lockcheck --report` prints the differences without failing
(make test-latest shows with it what the newest releases would change).
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "uv.lock"
PROJECT = "receptionctl"
EXTRAS = ("test", "postgres")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _packages(lock_text: str) -> dict[str, list[dict]]:
    """name -> the locked packages of that name: one, or one per fork of the resolution (a
    package whose newest release differs by Python version is locked once for each)."""
    found: dict[str, list[dict]] = {}
    for package in tomllib.loads(lock_text)["package"]:
        found.setdefault(canonical(package["name"]), []).append(package)
    return found


def _pick(packages: dict[str, list[dict]], dep: dict) -> dict:
    """The locked package a dependency means: the version it names (a fork), else the only one."""
    candidates = packages[canonical(dep["name"])]
    if "version" in dep:
        return next(p for p in candidates if p.get("version") == dep["version"])
    return candidates[0]


def _applies(dep: dict, extra: str | None = None) -> bool:
    marker = dep.get("marker")
    if not marker:
        return True
    from packaging.markers import Marker

    return Marker(marker).evaluate({"extra": extra or ""})


def required(lock_text: str, extras: tuple[str, ...] = EXTRAS) -> dict[str, str]:
    """name -> locked version of every package this platform needs: the project's dependencies
    and those of the given extras, and theirs, markers evaluated here."""
    packages = _packages(lock_text)
    root = packages[PROJECT][0]
    todo: list[tuple[dict, tuple[str, ...]]] = [(d, tuple(d.get("extra", ()))) for d in root.get("dependencies", [])]
    for extra in extras:
        todo += [(d, tuple(d.get("extra", ()))) for d in root.get("optional-dependencies", {}).get(extra, [])]
    seen: dict[str, str] = {}
    done: set[tuple[str, str | None, tuple[str, ...]]] = set()
    while todo:
        dep, dep_extras = todo.pop()
        name = canonical(dep["name"])
        if not _applies(dep) or (name, dep.get("version"), dep_extras) in done:
            continue
        done.add((name, dep.get("version"), dep_extras))
        package = _pick(packages, dep)
        if name != PROJECT:
            seen[name] = package.get("version", "")
        todo += [(d, tuple(d.get("extra", ()))) for d in package.get("dependencies", [])]
        for extra in dep_extras:
            todo += [(d, tuple(d.get("extra", ())))
                     for d in package.get("optional-dependencies", {}).get(extra, []) if _applies(d, extra)]
    return seen


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
            if d.metadata["Name"]}


def differences(lock_text: str | None = None, have: dict[str, str] | None = None) -> list[str]:
    """One line for each locked package that is missing or at another version, and for each
    installed package the lock does not know (uv sync leaves none)."""
    lock_text = LOCK.read_text(encoding="utf-8") if lock_text is None else lock_text
    have = installed() if have is None else have
    want = required(lock_text)
    known = set(_packages(lock_text))
    lines = []
    for name, version in sorted(want.items()):
        if name not in have:
            lines.append(f"{name}: locked {version}, not installed")
        elif have[name] != version:
            lines.append(f"{name}: locked {version}, installed {have[name]}")
    for name in sorted(set(have) - known - {PROJECT}):
        lines.append(f"{name}: installed {have[name]}, not in the lock")
    return lines


def main(argv: list[str]) -> int:
    lines = differences()
    for line in lines:
        print(line)
    if not lines:
        print("the installed packages are the lock's")
    return 0 if ("--report" in argv or not lines) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
