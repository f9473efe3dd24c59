"""Output: JSON for programs, rich tables in a terminal, plain untruncated text in a pipe.

Never opens a session: it is given read models (dataclasses) and plain values.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable, Sequence

from receptionctl import i18n
from receptionctl.domain.core import clock
from receptionctl.i18n import _, label

Column = tuple  # (key, header) or (key, header, "fixed"|"text" [priority 0-9]); see _SHAPES


_wide = False  # free text whole in terminal tables: the root --wide, RECEPTIONCTL_WIDE, a list's --wide
_styled = True  # bold, colour and the other escape codes on a terminal: off under NO_COLOR (no-color.org)


def configure(*, wide: bool, styled: bool = True) -> None:
    """The output settings of this run, set from the command line before a command renders:
    `wide` (see wide()), `styled` (False: not one escape code, even on a terminal)."""
    global _wide, _styled
    _wide = wide
    _styled = styled


def wide() -> bool:
    return _wide


_PLAIN = frozenset({str, int, float, bool, type(None)})  # JSON values as they are (exactly these types)
_FIELDS: dict[type, tuple[str, ...]] = {}  # a read model's fields that its JSON shows, by class


def _json_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:  # a field marked json=False is for the text output only
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("json", True))
    return names


def jsonable(value: Any) -> Any:
    """Read models to JSON values: datetimes ISO 8601 with offset in the display zone,
    enums as their lower-case value, amounts as numbers. The plain values first, and each read
    model's fields looked up once per class: an export of 275,000 tasks asks it 7 million times."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind in _FIELDS or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        plain = _PLAIN  # a field's plain value is taken as it is, without a call
        return {name: v if type(v) in plain else jsonable(v)
                for name in _json_fields(kind) for v in (getattr(value, name),)}
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
    write_json(jsonable(value))


class Stream:
    """A list of a JSON document written item by item as it is read (write_json): for a list too
    long to hold, such as every overdue task of a large database. `convert` makes each item a
    JSON value (default jsonable). It is a value of the document's top-level object."""

    def __init__(self, items: Iterable[Any], convert: Callable[[Any], Any] = jsonable) -> None:
        self.items, self.convert = items, convert


def write_json(value: Any, batch: int = 8192) -> None:
    """`value` (already jsonable) as indented JSON and a newline on stdout, the same text as
    json.dumps, written in batches of pieces as it is encoded: never held whole as one string
    (a list of thousands of tasks keeps its peak memory down by the size of its text, twice
    over), nor written piece by piece (thousands of small writes cost more than the encoding).
    A Stream among the top-level object's values is written item by item as it is read, in the
    same text json.dumps gives the list."""
    streams: dict[str, Stream] = {}
    if isinstance(value, dict) and any(isinstance(v, Stream) for v in value.values()):
        value = dict(value)
        for key, v in value.items():
            if isinstance(v, Stream):
                mark = f"\x00stream {len(streams)}\x00"  # no value of a report holds a NUL
                streams[json.dumps(mark)] = v
                value[key] = mark
    pieces: list[str] = []

    def flush() -> None:
        sys.stdout.write("".join(pieces))
        pieces.clear()

    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(value):
        mark = next((m for m in streams if piece.endswith(m)), None) if streams else None
        if mark is not None:
            pieces.append(piece[: -len(mark)])
            _write_stream(streams.pop(mark), pieces, flush, batch)
        else:
            pieces.append(piece)
        if len(pieces) >= batch:
            flush()
    pieces.append("\n")
    flush()


_LITERALS = {None: "null", True: "true", False: "false"}


def _encoded(value: Any, encoder: json.JSONEncoder) -> str:
    """encoder.encode(value) (indent 2), made directly for an object of strings, whole numbers,
    booleans and nulls (a task, a visit): the indenting encoder is pure Python, and slow."""
    if type(value) is not dict or not value:
        return encoder.encode(value)
    parts = []
    for key, v in value.items():
        kind = type(v)
        if kind is str:
            parts.append(f"{encode_basestring(key)}: {encode_basestring(v)}")
        elif kind is int:
            parts.append(f"{encode_basestring(key)}: {int.__repr__(v)}")
        elif v is None or kind is bool:
            parts.append(f"{encode_basestring(key)}: {_LITERALS[v]}")
        else:  # a float, a list, an object: the encoder's own text
            return encoder.encode(value)
    return "{\n  " + ",\n  ".join(parts) + "\n}"


def _write_stream(stream: Stream, pieces: list[str], flush: Callable[[], None], batch: int) -> None:
    """The list, as json.dumps(indent=2) writes it as a value of a top-level object: its items
    at the second level of indentation (a JSON text holds no raw newline inside a string)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    first = True
    for item in stream.items:
        pieces.append("[\n    " if first else ",\n    ")
        pieces.append(_encoded(stream.convert(item), encoder).replace("\n", "\n    "))
        first = False
        if len(pieces) >= batch:
            flush()
    pieces.append("[]" if first else "\n  ]")


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
        return _("yes") if value else _("no")
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


def task_title(task: Any) -> str:
    """A task's title in the run's language: its Chinese title (title_zh) when the interface is
    Chinese and it has one, else its title."""
    if i18n.chinese():
        return getattr(task, "title_zh", None) or task.title
    return task.title


def span_text(start: datetime, end: datetime) -> str:
    """2026-12-01 10:00–12:00, or with both dates when it runs over a day."""
    a, b = clock.local(start), clock.local(end)
    return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}" if a.date() == b.date() else f"{a:%Y-%m-%d %H:%M} – {b:%Y-%m-%d %H:%M}"


# columns holding stored codes (states, roles, kinds): shown through i18n.code() in text output
CODE_COLUMNS = frozenset({"status", "state", "plan_status", "stage", "kind", "severity", "role", "roles", "source",
                          "category", "channel", "intent", "outcome"})


def coded(value: Any, kind: str = "") -> Any:
    """A stored code (or a list of them) as it is shown in the run's language; other values as
    they are. Text output only: JSON shows the codes."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return i18n.code(value, kind)
    if isinstance(value, (list, tuple)):
        return [coded(v, kind) for v in value]
    return value


def _cells(row: Any, columns: Sequence[Column]) -> list[str]:
    get = row.get if isinstance(row, dict) else (lambda k: getattr(row, k, None))
    if not i18n.chinese():
        return [text(get(c[0])) for c in columns]
    return [text(coded(get(c[0]), "role" if c[0] == "roles" else c[0]) if c[0] in CODE_COLUMNS else get(c[0]))
            for c in columns]


def _all_cells(rows: list, columns: Sequence[Column]) -> list[list[str]]:
    """_cells of every row; rows of plain dicts in English (a long task list, piped) without a
    call for a cell that is already one line of printable text."""
    if i18n.chinese() or not all(type(r) is dict for r in rows):
        return [_cells(r, columns) for r in rows]
    keys = [c[0] for c in columns]
    return [[v if type(v) is str and v.isprintable() else text(v) for k in keys for v in (r.get(k),)]
            for r in rows]


def console(stderr: bool = False):
    """The one place a rich Console is made. Under NO_COLOR (configure(styled=False)) it has no
    colour system: rich then writes no escape code at all (its own NO_COLOR check drops the
    colours only, and keeps bold and underline)."""
    from rich.console import Console

    if _styled:
        return Console(stderr=stderr, highlight=False, soft_wrap=False)
    return Console(stderr=stderr, highlight=False, soft_wrap=False, color_system=None, no_color=True)


def print_table(rows: Iterable[Any], columns: Sequence[Column], title: str | None = None, *,
                wide: bool | None = None, pager: bool = False) -> None:
    """A rich table on a terminal, fitted to its width (see _fit); aligned plain text, never
    truncated, otherwise. `wide` shows free text whole, wrapped in its column (default: the
    run's setting, see configure); a record's show passes True. `pager`: a long list (taller
    than the terminal) goes through the pager ($PAGER, else less), as git's does."""
    rows = list(rows)
    cells = _all_cells(rows, columns)
    if is_tty():
        _rich_table(cells, columns, title, _wide if wide is None else wide, pager)
        return
    headers = [label(c[1]) for c in columns]
    lens = [[len(v) if v.isascii() else cell_len(v) for v in c] for c in cells]  # once each: widths, padding
    widths = [max(cell_len(h), *(n[i] for n in lens)) if cells else cell_len(h) for i, h in enumerate(headers)]
    out = sys.stdout
    if title:
        out.write(title + "\n")

    def line(values: Sequence[str], sizes: Sequence[int]) -> str:
        return "  ".join(v + " " * (w - n) for v, n, w in zip(values, sizes, widths)).rstrip() + "\n"

    out.write(line(headers, [cell_len(h) for h in headers]))
    out.writelines(line(c, n) for c, n in zip(cells, lens))


# -- tables on a terminal ------------------------------------------------------------------
# A column is "fixed" (ids, moments, counts, states, usernames, short keys: never wrapped,
# never shortened) or "text" (free text: shortened with "…" to fit, whole with --wide), and has
# a priority from 0 to 9: when the window is too narrow, the lowest goes first (the rightmost
# of equals); 9 never goes. By key here; a column tuple may say it as a third element
# ("text 3"), with the least width a text column is shortened to ("text 9 24": a task's text,
# which the other columns make room for: they are shortened and left out first); other keys are
# judged by their values.
_SHAPES: dict[str, tuple[str, int]] = {
    # ids, moments, marks: what a row is
    "id": ("fixed", 9), "username": ("fixed", 9), "key": ("fixed", 9), "role": ("fixed", 9), "mark": ("fixed", 9),
    "starts_at": ("fixed", 9), "due": ("fixed", 9), "due_at": ("fixed", 9), "at": ("fixed", 9),
    "day": ("fixed", 9), "time": ("fixed", 9),
    # the free text a row is about
    "client": ("text", 8), "name": ("text", 9), "title": ("text", 9), "text": ("text", 9), "value": ("text", 8),
    # states, people, references
    "status": ("fixed", 7), "kind": ("fixed", 7), "severity": ("fixed", 7), "tier": ("fixed", 7),
    "in_use": ("fixed", 7), "version": ("fixed", 7), "who": ("text", 7), "change": ("text", 6),
    "host": ("fixed", 6), "plan_status": ("fixed", 6), "actor": ("fixed", 7), "action": ("fixed", 7),
    "by": ("fixed", 6), "owner": ("fixed", 6), "phone": ("fixed", 6), "visit": ("fixed", 5),
    "visit_id": ("fixed", 5), "record": ("fixed", 5), "purpose": ("fixed", 4), "loaded_at": ("fixed", 6),
    "checked_in_at": ("fixed", 6), "out": ("fixed", 6), "active": ("fixed", 3),
    "flags": ("text", 5), "help": ("text", 6), "roles": ("text", 6), "place": ("text", 5), "diet": ("text", 5),
    "needs": ("text", 5), "backup": ("text", 4),
    # what else there is to know: goes first on a narrow window
    "when": ("fixed", 3), "stage": ("fixed", 4), "venue": ("text", 3), "industry": ("text", 3),
    "dept": ("text", 3), "default": ("text", 3), "email": ("text", 3), "transport": ("text", 3),
    "zh": ("text", 2), "title_zh": ("text", 2), "note": ("text", 2), "source": ("text", 2),
    "file": ("text", 2), "repeat": ("fixed", 2), "ends_at": ("fixed", 2), "level": ("fixed", 2),
    "headcount": ("fixed", 2), "contacts": ("fixed", 2), "tasks": ("fixed", 2), "visits": ("fixed", 2),
    "task_id": ("fixed", 2), "loaded_by": ("fixed", 2), "updated_by": ("fixed", 2), "id_number": ("fixed", 2),
}
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIXED_MAX = 32  # a "fixed" column without dates wider than this is shortened like text
_SHORT = 12  # a column of another key whose values are all this short is fixed
_TEXT_FLOOR = (8, 16)  # the least a text column is shortened to: others, priority 8 and 9
_COMFORT = 24  # an important text column (priority 6 and up) cut shorter than this is cramped
_GAP = 2  # between columns: the box has no vertical lines and no edge


def _shape(column: Column, values: Sequence[str], natural: int) -> tuple[str, int, int | None]:
    """(kind, priority, the least width of a text column or None for its priority's floor)."""
    key = column[0]
    if len(column) > 2 and column[2]:
        words = str(column[2]).split()
        return words[0], int(words[1]) if len(words) > 1 else 5, int(words[2]) if len(words) > 2 else None
    kind, priority = _SHAPES.get(key) or (
        ("fixed", 5) if key.endswith(("_at", "_id", "_by")) else ("", 5))
    if kind == "fixed" and natural > _FIXED_MAX and not any(_MOMENT.search(v) for v in values):
        return "text", priority, None  # a key named like a state, holding sentences
    if not kind:
        kind = "fixed" if natural <= _SHORT or all(_MOMENT.fullmatch(v[:10]) for v in values if v != "-") else "text"
    return kind, priority, None


def _fit(shapes: Sequence[tuple], naturals: Sequence[int], width: int,
         typicals: Sequence[int] | None = None) -> tuple[list[int], list[int]]:
    """Which columns to show and how wide, so that the table fits `width`: fixed columns whole;
    text columns share what is left, each at least its floor (its own least width, else that of
    its priority), the more important ones more.
    While that is not possible, the lowest-priority column is left out; and while an important
    text column is cut shorter than most of its cells (`typicals`, else the widest) and than
    _COMFORT, so is one of priority 3 or less. Returns (shown column indexes, their widths).
    The same with --wide, whose text wraps in that width instead of being shortened."""
    def floor(i: int) -> int:
        if shapes[i][0] == "fixed":
            return naturals[i]
        least = shapes[i][2] if len(shapes[i]) > 2 and shapes[i][2] else _TEXT_FLOOR[shapes[i][1] >= 8]
        return min(naturals[i], least)

    def share(shown: list[int]) -> dict[int, int]:
        texts = [i for i in shown if shapes[i][0] == "text"]
        room = width - _GAP * (len(shown) - 1) - sum(naturals[i] for i in shown if i not in texts)
        sizes = {i: floor(i) for i in texts}
        if texts and sum(sizes.values()) > room:  # only what never goes is left, and it is too wide
            sizes = {i: min(naturals[i], max(1, room // len(texts))) for i in texts}
        room -= sum(sizes.values())
        weight = {i: max(1, shapes[i][1] - 4) for i in texts}
        # one cell at a time to the text column that wants more and has least for its weight:
        # first up to what most of its cells need, then up to its widest cell
        for goal in (typicals or naturals, naturals):
            while room > 0:
                wanting = [i for i in texts if sizes[i] < min(goal[i], naturals[i])]
                if not wanting:
                    break
                sizes[min(wanting, key=lambda i: (sizes[i] / weight[i], i))] += 1
                room -= 1
        return sizes

    def cramped(sizes: dict[int, int]) -> bool:
        return any(shapes[i][1] >= 6 and sizes[i] < min((typicals or naturals)[i], _COMFORT) for i in sizes)

    shown = list(range(len(shapes)))
    order = sorted((i for i in shown if shapes[i][1] < 9), key=lambda i: (shapes[i][1], -i))
    while sum(floor(i) for i in shown) + _GAP * (len(shown) - 1) > width and order:
        shown.remove(order.pop(0))
    sizes = share(shown)
    while order and shapes[order[0]][1] <= 3 and cramped(sizes):
        shown.remove(order.pop(0))
        sizes = share(shown)
    return shown, [sizes.get(i, naturals[i]) for i in shown]


def _rich_table(cells: list[list[str]], columns: Sequence[Column], title: str | None, wide: bool,
                pager: bool = False) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    con = console()
    headers = [label(c[1]) for c in columns]
    lens = [[cell_len(v) for v in c] for c in cells]
    naturals = [max(cell_len(h), *(n[i] for n in lens)) if cells else cell_len(h) for i, h in enumerate(headers)]
    shapes = [_shape(c, [row[i] for row in cells], naturals[i]) for i, c in enumerate(columns)]
    typicals = [sorted(n[i] for n in lens)[(len(lens) * 4 + 4) // 5 - 1] if lens else 0  # 4 in 5 cells fit
                for i in range(len(columns))]
    shown, widths = _fit(shapes, naturals, con.width, typicals)
    table = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)
    for i, size in zip(shown, widths):
        folds = wide and shapes[i][0] == "text"
        table.add_column(headers[i], width=max(size, 1), no_wrap=not folds, overflow="fold" if folds else "ellipsis")
    for c in cells:
        table.add_row(*(Text(c[i]) for i in shown))  # data is never markup
    if pager and len(cells) + 4 > con.size.height:
        with con.pager(styles=False):  # pydoc's pager: $MANPAGER or $PAGER, else less
            con.print(table)
    else:
        con.print(table)
    left_out = [headers[i] or columns[i][0].replace("_", " ") for i in range(len(columns)) if i not in shown]
    if left_out:
        note(_("(left out to fit {width} columns: {columns}; --json or a pipe shows every column)").format(
            width=con.width, columns=_(", ").join(left_out)))


def cell_len(value: str) -> int:
    """Display width: wide and full-width (CJK) characters take two columns, combining marks none, the rest
    one: the East Asian Width rule rich's tables follow, without importing rich for a light command."""
    if value.isascii():
        return len(value)
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in value)


def print_fields(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> None:
    """A record as 'label: value' lines."""
    out = sys.stdout
    if title:
        out.write(title + "\n")
    labels = [_(k) for k, _v in pairs]
    width = max((cell_len(k) for k in labels), default=0)  # ASCII in English; CJK takes two columns
    for key, (_k, value) in zip(labels, pairs):
        out.write(f"{key}{' ' * (width - cell_len(key))}  {text(value)}\n")


def say(message: str) -> None:
    """A confirmation of what a command did, on stdout."""
    sys.stdout.write(message + "\n")


def warn(message: str) -> None:
    sys.stderr.write(_("warning: {message}").format(message=message) + "\n")


def note(message: str) -> None:
    sys.stderr.write(message + "\n")
