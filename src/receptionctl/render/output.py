"""Output: JSON for programs, rich tables in a terminal, plain untruncated text in a pipe.

Never opens a session: it is given read models (dataclasses) and plain values.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Iterable, Sequence

from receptionctl.domain import clock

Column = tuple[str, str]  # (key, header)


def jsonable(value: Any) -> Any:
    """Read models to JSON values: datetimes ISO 8601 with offset in the display zone,
    enums as their lower-case value, amounts as numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return clock.local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n")


def is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


_CONTROL = {c: " " for c in range(32)} | {127: " "}


def text(value: Any) -> str:
    """A value as a person reads it in a table cell: one line, no control characters."""
    if type(value) is str and value.isprintable():  # the common case, without a copy
        return value
    return _text(value).translate(_CONTROL)


@lru_cache(maxsize=4096)
def _minute(value: datetime, zone) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return clock.local(value).strftime("%Y-%m-%d %H:%M")
        return _minute(value, clock.zone())  # a long list repeats the same moments
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(text(v) for v in value) or "-"
    return str(value)


def span_text(start: datetime, end: datetime) -> str:
    """2026-12-01 10:00–12:00, or with both dates when it runs over a day."""
    a, b = clock.local(start), clock.local(end)
    return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}" if a.date() == b.date() else f"{a:%Y-%m-%d %H:%M} – {b:%Y-%m-%d %H:%M}"


def _cells(row: Any, columns: Sequence[Column]) -> list[str]:
    get = row.get if isinstance(row, dict) else (lambda k: getattr(row, k, None))
    return [text(get(key)) for key, _ in columns]


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def print_table(rows: Iterable[Any], columns: Sequence[Column], title: str | None = None) -> None:
    """A rich table on a terminal; aligned plain text, never truncated, otherwise."""
    rows = list(rows)
    cells = [_cells(r, columns) for r in rows]
    if is_tty():
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for _, header in columns:
            table.add_column(header, overflow="fold")
        from rich.text import Text

        for c in cells:
            table.add_row(*(Text(v) for v in c))  # data is never markup
        console().print(table)
        return
    headers = [h for _, h in columns]
    lens = [[cell_len(v) for v in c] for c in cells]  # once each: the widths and the padding use them
    widths = [max(cell_len(h), *(n[i] for n in lens)) if cells else cell_len(h) for i, h in enumerate(headers)]
    out = sys.stdout
    if title:
        out.write(title + "\n")

    def line(values: Sequence[str], sizes: Sequence[int]) -> str:
        return "  ".join(v + " " * (w - n) for v, n, w in zip(values, sizes, widths)).rstrip() + "\n"

    out.write(line(headers, [cell_len(h) for h in headers]))
    out.writelines(line(c, n) for c, n in zip(cells, lens))


def cell_len(value: str) -> int:
    """Display width: CJK characters take two columns (rich's rule), ASCII one."""
    if value.isascii():
        return len(value)
    from rich.cells import cell_len as wide

    return wide(value)


def print_fields(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> None:
    """A record as 'label: value' lines."""
    out = sys.stdout
    if title:
        out.write(title + "\n")
    width = max((len(k) for k, _ in pairs), default=0)  # labels are ASCII
    for key, value in pairs:
        out.write(f"{key.ljust(width)}  {text(value)}\n")


def say(message: str) -> None:
    """A confirmation of what a command did, on stdout."""
    sys.stdout.write(message + "\n")


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def note(message: str) -> None:
    sys.stderr.write(message + "\n")
