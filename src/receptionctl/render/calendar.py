"""iCalendar (RFC 5545) of visits and tasks: `export visits --format ics` and a person's feed
(`GET /calendar/<token>.ics`), written line by line as the events are read (a large export is
never held whole), in the run's language.

Written here rather than through a library so that a feed of hundreds of events takes
milliseconds; tests read every file back with two independent readers (icalendar, and `ical`,
a strict RFC 5545 parser). Lines end in CRLF and are folded at 75 octets, never inside a UTF-8
character; TEXT values escape backslash, semicolon, comma and newline; a parameter value with
`:`, `;` or `,` is quoted. Every time is in UTC (`Z`): no VTIMEZONE is needed; X-WR-TIMEZONE
names the company's zone, in which calendar apps show the day.

A person is ORGANIZER (the host) or ATTENDEE only with their real e-mail address (`mailto:`),
their name as CN; a person without one is named in the description only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from receptionctl import __version__
from receptionctl.domain.core import clock
from receptionctl.i18n import _, code

# the read models written here are domain/measures/calendars.py's Feed, Event, Member and Todo
# (named, not imported: render never imports what opens the database)
Event = Feed = Member = Todo = Any

TASK_ALARM_MINUTES = 60  # a to-do's reminder comes this long before it is due
STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}
REFRESH = "PT1H"  # how often a subscribed calendar should read the feed again (RFC 7986)


def text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n").replace("\r", "\\n"))


def param(value: str) -> str:
    """A parameter value: no quotes or control characters; quoted when it holds : ; or ,."""
    clean = "".join(ch for ch in value if ch >= " " and ch != '"' and ch != "\x7f")
    return f'"{clean}"' if any(ch in clean for ch in ":;,") else clean


def fold(line: str) -> str:
    """One content line, folded at 75 octets (continuations start with a space), CRLF-ended."""
    if len(line) <= 25 or (len(line) <= 75 and line.isascii()):
        return line + "\r\n"
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts) + "\r\n"


def stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def duration(minutes: int) -> str:
    """A negative duration before the anchor: -PT25M."""
    return f"-PT{minutes}M" if minutes else "PT0M"


def uid(kind: str, record_id: int, database_id: str) -> str:
    """An event's id: the record's id and the database's, never changing, never shared."""
    return f"{kind}-{record_id}-{database_id}@receptionctl"


def _address(prop: str, member: Member, **params: str) -> str:
    extra = "".join(f";{k}={param(v)}" for k, v in params.items())
    return f"{prop};CN={param(member.name)}{extra}:mailto:{member.email}"


def _role(member: Member, shown: dict) -> str:
    """The member's role in words (`shown`: the words of each role in this file, made once)."""
    if member.role not in shown:
        role, backup = member.role.removesuffix("-backup"), member.role.endswith("-backup")
        said = code(role, "role") or role
        shown[member.role] = _("{role}, backup").format(role=said) if backup else said
    return shown[member.role]


def _description(e: Event, roles: dict) -> str:
    v = e.visit
    said = dict(id=v.id, client=v.client, purpose=code(v.purpose), level=v.level, n=v.headcount,
                status=code(v.status), plan=code(v.plan_status), host=v.host)
    lines = [(_("Visit {id}: {client}, {purpose}, level {level}, {n} guests; status {status}, plan {plan}; host "
                "{host}") if v.host else _("Visit {id}: {client}, {purpose}, level {level}, {n} guests; status "
                                          "{status}, plan {plan}")).format(**said)]
    if e.team:
        lines.append(_("Team: {team}").format(team=_(", ").join(f"{m.name} ({_role(m, roles)})" for m in e.team)))
    if e.guests:
        lines.append(_("Guests: {names}").format(names=_(", ").join(e.guests)))
    return "\n".join(lines)


def event_lines(e: Event, database_id: str, roles: dict | None = None) -> list[str]:
    v = e.visit
    lines = ["BEGIN:VEVENT", f"UID:{uid('visit', v.id, database_id)}", f"DTSTAMP:{stamp(e.modified)}",
             f"LAST-MODIFIED:{stamp(e.modified)}", f"SEQUENCE:{e.sequence}", f"DTSTART:{stamp(v.starts_at)}",
             f"DTEND:{stamp(v.ends_at)}", f"SUMMARY:{text(f'{v.client} – {code(v.purpose)}')}"]
    if v.venue or v.offsite:
        lines.append(f"LOCATION:{text(v.venue or _('off site'))}")
    lines += [f"STATUS:{STATUS[e.status]}", f"DESCRIPTION:{text(_description(e, {} if roles is None else roles))}"]
    host = next((m for m in e.team if m.role == "host" and m.email), None)
    if host is not None:
        lines.append(_address("ORGANIZER", host))
    for m in e.team:
        if m.email:
            role = "CHAIR" if m.role == "host" else "OPT-PARTICIPANT" if m.role.endswith("-backup") else \
                "REQ-PARTICIPANT"
            lines.append(_address("ATTENDEE", m, ROLE=role, **{"X-RECEPTIONCTL-ROLE": m.role}))
    if e.status != "cancelled":
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY",
                  "DESCRIPTION:" + text(_("Visit {id} ({client}) starts in {n} minutes: time to go to the meeting "
                                          "point").format(id=v.id, client=v.client, n=e.alarm_minutes)),
                  f"TRIGGER:{duration(e.alarm_minutes)}", "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def todo_lines(t: Todo, database_id: str, alarm_minutes: int) -> list[str]:
    from receptionctl.render.output import task_title

    task = t
    where = _("Visit {id}").format(id=task.visit_id) if task.visit_id else \
        _("Case {id}").format(id=task.case_id) if task.case_id else ""
    summary = task_title(task) + (f" ({task.client})" if task.client else "")
    due = f"{clock.local(task.due_at):%Y-%m-%d %H:%M}"
    description = _("Task {id}: {title}; due {due}").format(id=task.id, title=task_title(task),
                                                             due=due) + (f"; {where}" if where else "")
    return ["BEGIN:VTODO", f"UID:{uid('task', task.id, database_id)}", f"DTSTAMP:{stamp(t.created)}",
            f"DUE:{stamp(task.due_at)}", f"SUMMARY:{text(summary)}", f"DESCRIPTION:{text(description)}",
            "STATUS:NEEDS-ACTION", "BEGIN:VALARM", "ACTION:DISPLAY",
            "DESCRIPTION:" + text(_("Task {id} is due: {title}").format(id=task.id, title=task_title(task))),
            f"TRIGGER;RELATED=END:{duration(alarm_minutes)}", "END:VALARM", "END:VTODO"]


def write_ics(sink, feed: Feed, name: str, *, subscribed: bool = False,
              alarm_minutes: int = TASK_ALARM_MINUTES) -> datetime | None:
    """The calendar `name` of `feed` into `sink` (a text stream), one event at a time. `subscribed`:
    a feed read again and again (REFRESH-INTERVAL). Returns the time of its latest change (None:
    empty)."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//receptionctl//receptionctl {__version__}//EN",
            "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{text(name)}", f"NAME:{text(name)}",
            f"X-WR-TIMEZONE:{text(feed.zone)}"]
    if subscribed:
        head += [f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    sink.write("".join(fold(line) for line in head))
    latest, roles = None, {}
    for e in feed.events:
        sink.write("".join(fold(line) for line in event_lines(e, feed.database_id, roles)))
        latest = e.modified if latest is None or e.modified > latest else latest
    for t in feed.todos:
        sink.write("".join(fold(line) for line in todo_lines(t, feed.database_id, alarm_minutes)))
        latest = t.created if latest is None or t.created > latest else latest
    sink.write("END:VCALENDAR\r\n")
    return latest
