"""The light handles of store/light.py are what the SQLModel tables give: every table, every
column, each of the same type (scripts/light_tables.py writes the file; run it after a table
changes). A read that selects through them cannot drift from the tables it reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_light_handles_are_what_the_tables_give():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "light_tables.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_every_table_and_column_has_its_handle_of_the_same_type():
    from receptionctl.store import light, models

    tables = models.SQLModel.metadata.tables
    for name, table in tables.items():
        handle = getattr(light, name + "_" if name in ("pass", "class") else name)
        assert handle.name == name
        assert [c.name for c in handle.columns] == [c.name for c in table.columns], name
        for col in table.columns:
            assert type(handle.c[col.name].type) is type(col.type), (name, col.name)
