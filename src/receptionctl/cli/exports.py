"""export: visits, tasks, cases and feedback as csv (for Excel), JSON Lines, or iCalendar (visits)."""

from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli.common import complete_user, state


class Kind(str, Enum):
    visits = "visits"
    tasks = "tasks"
    cases = "cases"
    feedback = "feedback"


class Format(str, Enum):
    csv = "csv"
    json = "json"
    ics = "ics"


CodesOpt = Annotated[bool, typer.Option("--codes", help="csv for scripts: the fields' names as the header and the "
                                        "stored codes as values (yes/no for booleans), whatever the language. "
                                        "Without it, a run in Chinese writes the csv for people: Chinese headers, "
                                        "Chinese values for states, kinds and the like, 是/否. JSON never changes "
                                        "with the language.")]


def export(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="What to export: visits, tasks, cases or feedback.")],
    fmt: Annotated[Format, typer.Option("--format", help="csv: UTF-8 with a BOM (Excel reads Chinese right), a "
                                        "header row, times as YYYY-MM-DD HH:MM in the company's zone. json: JSON "
                                        "Lines, one object a line, the fields of the list's --json. ics: an "
                                        "iCalendar file of visits (visits only).")],
    start: Annotated[Optional[str], typer.Option("--from", metavar="WHEN", help="From this moment on (visits: the "
                                                 "start; tasks: the due time; cases: received; feedback: "
                                                 "received). Same forms as visit new --at.")] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="WHEN", help="Before this moment (same forms).")] = None,
    host: Annotated[Optional[str], typer.Option("--host", metavar="USER", autocompletion=complete_user,
                                                help="Only the visits this person hosts (and their tasks, cases "
                                                "and feedback).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE",
                                                  help="Write to FILE (replaced whole, atomically: a calendar "
                                                  "subscription never reads half a file) instead of stdout.")] = None,
    codes: CodesOpt = False,
) -> None:
    from receptionctl.cli.common import when
    from receptionctl.errors import BadInput
    from receptionctl.i18n import _

    if fmt is Format.ics and kind is not Kind.visits:
        raise BadInput(_("--format ics is for visits only, not {kind}: expected csv or json").format(kind=kind.value),
                       hint=f"receptionctl export {kind.value} --format csv")
    st = state(ctx)
    with st.session() as session:
        window = {"start": when(start, session) if start else None, "end": when(end, session) if end else None,
                  "host": host}
        if fmt is Format.ics:
            from receptionctl.domain.measures import calendars
            from receptionctl.render.calendar import write_ics

            feed = calendars.export(session, **window)
            name = _("Visits hosted by {host}").format(host=host) if host else _("Client visits")
            _write(output, lambda sink: write_ics(sink, feed, name))
        else:
            from receptionctl.domain.measures import exports

            rows = exports.records(session, st.actor, kind.value, **window)
            if fmt is Format.csv:
                from receptionctl.render import exports as sheet

                columns = sheet.columns(exports.ROW_TYPES[kind.value], codes)
                _write(output, lambda sink: sheet.write_csv(sink, rows, columns, codes))
            else:
                _write(output, lambda sink: _jsonl(sink, rows))


# -- where the bytes go --------------------------------------------------------------------------
class _Text:
    """A text sink over a binary stream, UTF-8 (what csv.writer and the rest write to)."""

    def __init__(self, raw) -> None:
        self.raw = raw

    def write(self, s: str) -> int:
        self.raw.write(s.encode("utf-8"))
        return len(s)


def _write(output: Optional[str], fill) -> None:
    """Run `fill(sink)` into stdout, or into FILE through a temporary file in the same folder
    and os.replace: readers see the old file or the new one, never a part."""
    import sys

    if output is None or output == "-":
        sys.stdout.flush()
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:  # a text-only stdout (some test harnesses)
            fill(sys.stdout)
        else:
            fill(_Text(raw))
            raw.flush()
        return
    import os
    import tempfile
    from pathlib import Path

    from receptionctl.errors import BadInput
    from receptionctl.i18n import _

    target = Path(output).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(_("--output {output}: no folder {folder}").format(output=output, folder=folder),
                       hint=_("create the folder first"))
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw:
            fill(_Text(raw))
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# -- JSON Lines (csv: render/exports.py) -------------------------------------------------------
def _jsonl(sink, rows) -> None:
    import json

    from receptionctl.render.output import jsonable

    for r in rows:
        sink.write(json.dumps(jsonable(r), ensure_ascii=False) + "\n")
