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
            from receptionctl.domain.measures import exports

            entries = exports.calendar(session, **window)
            _write(output, lambda sink: _ics(sink, entries, host))
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


# -- iCalendar ----------------------------------------------------------------------------------
_ICS_STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}


def _address(username: str, name: str, **params) -> "object":
    from icalendar import vCalAddress

    # staff have no e-mail address in the database: a mailto in a reserved domain names them
    address = vCalAddress(f"mailto:{username}@receptionctl.invalid")
    address.params["CN"] = name
    for key, value in params.items():
        address.params[key] = value
    return address


def _ics(sink, entries, host: Optional[str]) -> None:
    """One VCALENDAR, its VEVENTs written one at a time as the visits are read."""
    from datetime import timedelta, timezone

    from icalendar import Alarm, Calendar, Event

    from receptionctl import __version__
    from receptionctl.domain.core import clock
    from receptionctl.i18n import _, code

    cal = Calendar()
    cal.add("prodid", f"-//receptionctl//receptionctl {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Visits hosted by {host}").format(host=host) if host else _("Client visits"))
    head = cal.to_ical().decode("utf-8")
    closing = "END:VCALENDAR\r\n"
    sink.write(head[: head.rindex(closing)])
    stamp = clock.now().astimezone(timezone.utc)
    for entry in entries:
        v = entry.visit
        event = Event()
        event.add("uid", f"visit-{v.id}@receptionctl")
        event.add("dtstamp", stamp)
        event.add("dtstart", v.starts_at.astimezone(timezone.utc))
        event.add("dtend", v.ends_at.astimezone(timezone.utc))
        event.add("summary", f"{v.client} – {code(v.purpose)}")
        if v.venue or v.offsite:
            event.add("location", v.venue or _("off site"))
        event.add("status", _ICS_STATUS[entry.status])
        said = dict(id=v.id, client=v.client, purpose=code(v.purpose), level=v.level, n=v.headcount,
                    status=code(v.status), plan=code(v.plan_status), host=v.host)
        event.add("description", _("Visit {id}: {client}, {purpose}, level {level}, {n} guests; status {status}, plan "
                                   "{plan}; host {host}").format(**said) if v.host else
                  _("Visit {id}: {client}, {purpose}, level {level}, {n} guests; status {status}, plan "
                    "{plan}").format(**said))
        for a in entry.team:
            if a.role == "host":
                event.add("organizer", _address(a.staff, a.staff_name))
            event.add("attendee", _address(a.staff, a.staff_name, ROLE="CHAIR" if a.role == "host" else
                                           "REQ-PARTICIPANT", **{"X-RECEPTIONCTL-ROLE": a.role}), encode=0)
            if a.backup:
                event.add("attendee", _address(a.backup, a.backup_name or a.backup, ROLE="OPT-PARTICIPANT",
                                               **{"X-RECEPTIONCTL-ROLE": f"{a.role}-backup"}), encode=0)
        if entry.status != "cancelled":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Visit {id} ({client}) starts in {n} minutes: time to go to the meeting "
                                       "point").format(id=v.id, client=v.client, n=entry.alarm_minutes))
            alarm.add("trigger", timedelta(minutes=-entry.alarm_minutes))
            event.add_component(alarm)
        sink.write(event.to_ical().decode("utf-8"))
    sink.write(closing)
