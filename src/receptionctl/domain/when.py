"""User input of moments and days: the forms of ../shared/CLI.md ("dates in")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from receptionctl.domain.calendar import WorkCalendar
from receptionctl.domain.errors import BadInput

FORMS = (
    "ISO (2026-11-25 10:00, 2026-11-25T10:00+08:00), today/tomorrow [HH:MM], "
    "a weekday name [HH:MM] (mon 10:00), or an offset +3d, +2wd, +4h, +30m "
    "(day offsets take a time: +2wd 10:00)"
)

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_OFFSET = re.compile(r"^([+-])(\d{1,5})(m|h|d|wd|w)$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad(text: str, what: str = "a date and time") -> BadInput:
    return BadInput(f"cannot read {text!r} as {what}", hint=f"accepted forms: {FORMS}")


def _clock_time(text: str, original: str) -> time:
    m = _HHMM.match(text)
    if not m:
        raise _bad(original)
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise _bad(original)
    return time(hour, minute)


def _at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment).replace(tzinfo=zone)


def parse_when(text: str, now: datetime, zone: tzinfo, calendar: WorkCalendar) -> datetime:
    """An aware moment from user input. A day without a time means 00:00 of that day,
    in `zone`. Offsets count from `now`; `wd` keeps the time of day."""
    original = text
    text = " ".join(text.strip().lower().split())
    if not text:
        raise _bad(original)
    local_now = now.astimezone(zone)
    head, _, rest = text.partition(" ")
    m = _OFFSET.match(head)
    if m and rest:  # a day offset with a time of day: "+3wd 10:00"
        if m.group(3) not in ("d", "wd", "w"):
            raise _bad(original)
        day = parse_when(head, now, zone, calendar).astimezone(zone).date()
        return _checked(_at(day, _clock_time(rest, original), zone), original)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        n, unit = int(m.group(2)) * sign, m.group(3)
        if unit == "wd":
            if abs(n) > 1000:
                raise BadInput(f"{original!r} is too far: expected at most 1000 working days")
            return _checked(calendar.shift(local_now, n), original)
        delta = {
            "m": timedelta(minutes=n),
            "h": timedelta(hours=n),
            "d": timedelta(days=n),
            "w": timedelta(weeks=n),
        }[unit]
        try:
            if unit in ("d", "w"):
                # calendar days keep the wall-clock time across daylight-saving changes
                return _checked((local_now.replace(tzinfo=None) + delta).replace(tzinfo=zone), original)
            # hours and minutes are elapsed time
            return _checked((now.astimezone(timezone.utc) + delta).astimezone(zone), original)
        except OverflowError:
            raise _bad(original) from None
    if head in ("today", "tomorrow", "yesterday") or head in _WEEKDAYS:
        at = _clock_time(rest, original) if rest else time(0, 0)
        day = local_now.date()
        if head == "tomorrow":
            day += timedelta(days=1)
        elif head == "yesterday":
            day -= timedelta(days=1)
        elif head in _WEEKDAYS:
            ahead = (_WEEKDAYS[head] - day.weekday()) % 7 or 7
            day += timedelta(days=ahead)
        return _checked(_at(day, at, zone), original)
    try:
        moment = datetime.fromisoformat(text.upper().replace(" ", "T", 1) if " " in text else text.upper())
    except ValueError:
        raise _bad(original) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _checked(moment, original)


def _checked(moment: datetime, original: str) -> datetime:
    """Refuse moments that cannot be stored (beyond the calendar once in UTC)."""
    try:
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise _bad(original) from None
    if not 1900 <= moment.year <= 2999:
        raise BadInput(f"{original!r} is out of range: expected a year from 1900 to 2999")
    return moment


def parse_day(text: str, now: datetime, zone: tzinfo, calendar: WorkCalendar) -> date:
    """A calendar day: ISO date, today/tomorrow/yesterday, a weekday name, or an offset."""
    stripped = text.strip()
    if _ISO_DATE.match(stripped):
        try:
            return date.fromisoformat(stripped)
        except ValueError:
            raise _bad(text, "a day") from None
    return parse_when(text, now, zone, calendar).astimezone(zone).date()
