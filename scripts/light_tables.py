"""Write src/receptionctl/store/light.py: every table of store/tables/ as a light SQLAlchemy Core
handle (`sqlalchemy.table()` with its columns and their types), for the read paths that must not
build the SQLModel classes. Run after a table changes:

    python scripts/light_tables.py            # rewrite the file
    python scripts/light_tables.py --check    # exit 1 when the file is not what the tables give

tests/unit/test_light_tables.py runs the check, so the handles cannot drift from the tables."""

from __future__ import annotations

import keyword
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "src" / "receptionctl" / "store" / "light.py"
HEADER = '''"""Every table as a light SQLAlchemy Core handle: its name, its columns and their types, nothing
else (no constraints, no indexes, no mapper, no pydantic model). The read paths of the commands a
team runs most (`visit show`, `task list`, ...) select from these, so that they never build the
SQLModel classes of store/tables/, which cost more than the rest of such a command together.

Written by scripts/light_tables.py from the SQLModel tables, which stay the way a table is
declared and written; tests/unit/test_light_tables.py checks that this file is what they give.
Do not edit by hand."""

from sqlalchemy import Boolean, Integer, String, Text, column, table

from receptionctl.store.types import UTCDateTime

'''


def attribute(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def render() -> str:
    sys.path.insert(0, str(TARGET.parent.parent.parent))
    from receptionctl.store import models

    types = {"String": "String()", "Integer": "Integer()", "UTCDateTime": "UTCDateTime()", "Text": "Text()",
             "Boolean": "Boolean()"}
    out = [HEADER]
    for name in sorted(models.SQLModel.metadata.tables):
        tbl = models.SQLModel.metadata.tables[name]
        cols = []
        for col in tbl.columns:
            kind = type(col.type).__name__
            if kind not in types:
                raise SystemExit(f"light_tables: column {name}.{col.name} has the type {kind}: add it to `types`")
            cols.append(f'    column("{col.name}", {types[kind]}),\n')
        out.append(f'{attribute(name)} = table(\n    "{name}",\n{"".join(cols)})\n')
    return "".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is not what the tables give: run python scripts/light_tables.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
