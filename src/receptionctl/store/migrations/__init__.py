"""Alembic migrations. SCHEMA_HEAD names the newest revision; a test checks it against
the scripts in versions/, so a new migration must update it."""

from __future__ import annotations

from pathlib import Path

SCHEMA_HEAD = "0023"


def known_revisions() -> set[str]:
    """Revision ids of the scripts shipped (file names start with the id)."""
    return {p.name.split("_", 1)[0] for p in (Path(__file__).parent / "versions").glob("*.py")}
