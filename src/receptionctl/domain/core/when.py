"""User input of moments and days: the forms of docs/CLI.md ("Dates and times in").

A small, fixed grammar, read in the company's zone; nothing is guessed:

  moment      now | DAY [TIME] | TIME | OFFSET | ISO with an offset
  DAY         2026-12-01 | 2026/12/01 | 12-01 (this year, or next year once that day has
              passed) | today | tomorrow | yesterday | mon…sun (the next one, 1 to 7 days
              ahead) | next mon…sun (that day of next week) | 今天 | 明天 | 后天 | 昨天 |
              周一…周日 (the next one) | 下周一…下周日 (that day of next week)
  TIME        10:00 | 10am | 2pm | 2:30pm | [上午|早上|中午|下午|晚上|凌晨]2点[半|30分|30]
  OFFSET      +3d | +2wd (working days) | +1w | +4h | +30m; a day offset takes a TIME
              (+2wd 10:00)

A DAY without a TIME is 00:00 of that day; a TIME without a DAY is today.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _

FORMS = N_(
    "now; a day: 2026-12-01, 2026/12/01, 12-01, today, tomorrow, mon (the next one), next mon, "
    "今天, 明天, 后天, 周一, 下周一; with an optional time: 10:00, 10am, 2pm, 下午2点, 10点半; "
    "a time alone (today): 10:00; an offset +3d, +2wd, +1w, +4h, +30m (day offsets take a time: +2wd 10:00); "
    "ISO with an offset: 2026-12-01T10:00+08:00"
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
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_DAYS = {"今天": 0, "明天": 1, "后天": 2, "後天": 2, "昨天": -1}
_EN_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_OFFSET = re.compile(r"^([+-])(\d{1,5})(m|h|d|wd|w)$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)$")
_ZH_TIME = re.compile(r"^(上午|早上|中午|下午|晚上|凌晨)?(\d{1,2})(?:[点點时時](半|(\d{1,2})分?)?|:(\d{2}))$")
_ZH_PERIOD_ONLY = re.compile(r"^(上午|早上|中午|下午|晚上|凌晨)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_ZH_WEEK = re.compile(r"^(下)?(?:周|星期|礼拜)([一二三四五六日天])")
_ZH_DAY = re.compile(r"^(今天|明天|后天|後天|昨天)")


def _bad(text: str, what: str = N_("a date and time")) -> BadInput:
    return BadInput(_("cannot read {text!r} as {what}").format(text=text, what=_(what)),
                    hint=_("accepted forms: {forms}").format(forms=_(FORMS)))


def _clock_time(text: str, original: str) -> time:
    """A time of day: 10:00, 10am, 2:30pm, 下午2点, 10点半, 上午10点30分."""
    hour = minute = None
    m = _HHMM.match(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
    elif (m := _AMPM.match(text)):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            raise _bad(original)
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
    elif (m := _ZH_TIME.match(text)):
        period, hour = m.group(1), int(m.group(2))
        if m.group(5) is not None:
            minute = int(m.group(5))
        elif m.group(3) == "半":
            minute = 30
        else:
            minute = int(m.group(4) or 0)
        if period == "中午" and hour not in (11, 12, 1, 2):
            raise _bad(original)  # noon is 11 to 2 o'clock; 中午3点 means nothing sure
        if period == "晚上" and hour == 12:
            raise _bad(original)  # midnight or noon? say 0点 or 中午12点
        if period in ("下午", "晚上") and 1 <= hour < 12:
            hour += 12
        elif period == "中午" and hour in (1, 2):
            hour += 12
        elif period == "凌晨" and hour == 12:
            hour = 0
        elif period in ("上午", "早上", "凌晨") and hour > 12:
            raise _bad(original)
    if hour is None or hour > 23 or minute > 59:
        raise _bad(original)
    return time(hour, minute)


def _at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment).replace(tzinfo=zone)


def _split_day(text: str, today: date) -> tuple[date | None, str]:
    """A leading DAY and the rest of the text (the time), or (None, text)."""
    head, _sep, rest = text.partition(" ")
    if head in _EN_DAYS:
        return today + timedelta(days=_EN_DAYS[head]), rest
    if head == "next" and rest:
        name, _sep, rest = rest.partition(" ")
        if name not in _WEEKDAYS:
            return None, text
        return _next_week(today, _WEEKDAYS[name]), rest
    if head in _WEEKDAYS:
        return _next_one(today, _WEEKDAYS[head]), rest
    if _ISO_DATE.match(head):
        try:
            return date.fromisoformat(head), rest
        except ValueError:
            return None, text
    if (m := _SLASH_DATE.match(head)):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), rest
        except ValueError:
            return None, text
    if (m := _MONTH_DAY.match(head)):
        try:
            day = date(today.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None, text
        if day < today:
            try:
                day = date(today.year + 1, day.month, day.day)
            except ValueError:  # 02-29 with no leap day next year
                return None, text
        return day, rest
    # Chinese day words run into the time without a space: 明天下午2点
    if (m := _ZH_DAY.match(text)):
        return today + timedelta(days=_ZH_DAYS[m.group(1)]), text[m.end():].strip()
    if (m := _ZH_WEEK.match(text)):
        weekday = _ZH_WEEKDAY[m.group(2)]
        day = _next_week(today, weekday) if m.group(1) else _next_one(today, weekday)
        return day, text[m.end():].strip()
    return None, text


def _next_one(today: date, weekday: int) -> date:
    """The next such weekday, 1 to 7 days ahead (never today)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _next_week(today: date, weekday: int) -> date:
    """That weekday in next week (weeks run Monday to Sunday): 下周一, next mon."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return monday + timedelta(days=weekday)


def parse_when(text: str, now: datetime, zone: tzinfo, calendar: WorkCalendar) -> datetime:
    """An aware moment from user input (the grammar above), read in `zone`. Offsets
    count from `now`; `wd` keeps the time of day."""
    original = text
    text = " ".join(str(text).strip().lower().split())
    if not text:
        raise _bad(original)
    local_now = now.astimezone(zone)
    if text == "now":
        return _checked(local_now, original)
    head, _sep, rest = text.partition(" ")
    m = _OFFSET.match(head)
    if m and rest:  # a day offset with a time of day: "+3wd 10:00"
        if m.group(3) not in ("d", "wd", "w"):
            raise _bad(original)
        day = parse_when(head, now, zone, calendar).astimezone(zone).date()
        return _checked(_at(day, _clock_time(rest, original), zone), original)
    if m:
        return _offset(m, now, local_now, zone, calendar, original)
    if re.match(r"^\d{4}-\d{2}-\d{2}[t ]", text):  # ISO with a time, perhaps an offset
        try:
            moment = datetime.fromisoformat(text.upper().replace(" ", "T", 1))
        except ValueError:
            pass  # 2026-12-01 10am: the grammar's DAY TIME
        else:
            return _checked(moment if moment.tzinfo else moment.replace(tzinfo=zone), original)
    day, rest = _split_day(text, local_now.date())
    if day is not None:
        at = _clock_time(rest, original) if rest else time(0, 0)
        return _checked(_at(day, at, zone), original)
    if _HHMM.match(text) or _AMPM.match(text) or _ZH_TIME.match(text) or _ZH_PERIOD_ONLY.match(text):
        return _checked(_at(local_now.date(), _clock_time(text, original), zone), original)
    try:
        moment = datetime.fromisoformat(text.upper().replace(" ", "T", 1) if " " in text else text.upper())
    except ValueError:
        raise _bad(original) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _checked(moment, original)


def _offset(m: re.Match, now: datetime, local_now: datetime, zone: tzinfo, calendar: WorkCalendar,
            original: str) -> datetime:
    sign = 1 if m.group(1) == "+" else -1
    n, unit = int(m.group(2)) * sign, m.group(3)
    if unit == "wd":
        if abs(n) > 1000:
            raise BadInput(_("{text!r} is too far: expected at most 1000 working days").format(text=original))
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


def _checked(moment: datetime, original: str) -> datetime:
    """Refuse moments that cannot be stored (beyond the calendar once in UTC)."""
    try:
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise _bad(original) from None
    if not 1900 <= moment.year <= 2999:
        raise BadInput(_("{text!r} is out of range: expected a year from 1900 to 2999").format(text=original))
    return moment


def parse_day(text: str, now: datetime, zone: tzinfo, calendar: WorkCalendar) -> date:
    """A calendar day: any DAY of the grammar, or a moment's day in `zone`."""
    stripped = text.strip()
    if _ISO_DATE.match(stripped):
        try:
            day = date.fromisoformat(stripped)
        except ValueError:
            raise _bad(text, N_("a day")) from None
        if not 1900 <= day.year <= 2999:
            raise BadInput(_("{text!r} is out of range: expected a year from 1900 to 2999").format(text=text))
        return day
    return parse_when(text, now, zone, calendar).astimezone(zone).date()


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")


def period(month: str | None, quarter: str | None, start: date | None, end: date | None,
           today: date) -> tuple[date, date]:
    """A reporting period as (first day, last day), both included: `--month 2026-11`,
    `--quarter 2026Q4`, or `--from DAY --to DAY`; none of them: this month so far."""
    given = [x for x in (month, quarter, start or end) if x]
    if len(given) > 1:
        raise BadInput(_("--month, --quarter and --from/--to each name a period: expected one of them"))
    if month:
        m = _MONTH.match(month.strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2999:
            raise BadInput(_("--month {month!r} is not valid: expected a month such as 2026-11").format(month=month))
        first = date(int(m.group(1)), int(m.group(2)), 1)
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    if quarter:
        q = _QUARTER.match(quarter.strip())
        if not q or not 1900 <= int(q.group(1)) <= 2999:
            raise BadInput(_("--quarter {quarter!r} is not valid: expected a quarter such as 2026Q4").format(
                quarter=quarter))
        year, n = int(q.group(1)), int(q.group(2))
        first = date(year, 3 * n - 2, 1)
        nxt = date(year + (n == 4), (3 * n) % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    if start or end:
        first, last = start or date(today.year, today.month, 1), end or today
        if last < first:
            raise BadInput(_("--to {last} is before --from {first}: expected a period forwards in time").format(
                last=last, first=first))
        return first, last
    return date(today.year, today.month, 1), today
