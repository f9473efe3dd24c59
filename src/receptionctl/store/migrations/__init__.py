"""Alembic migrations. SCHEMA_HEAD names the newest revision; a test checks it against
the scripts in versions/, so a new migration must update it."""

from __future__ import annotations

from pathlib import Path

# The chain is each script's down_revision, not the order of the numbers: four were written side by
# side and linked when they met, 0021 -> 0022 -> 0024 -> 0026 -> 0025 -> 0023 -> 0028 -> 0027
# (0028, the guest.arrived route, and 0027, the web's logins, were made side by side too)
# -> 0029 (calendars: the database's id, staff e-mail, calendar addresses). A new one follows
# SCHEMA_HEAD (its down_revision) and takes the next free number, 0030.
SCHEMA_HEAD = "0029"


def known_revisions() -> set[str]:
    """Revision ids of the scripts shipped (file names start with the id)."""
    return {p.name.split("_", 1)[0] for p in (Path(__file__).parent / "versions").glob("*.py")}
