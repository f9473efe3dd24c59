"""User input of moments and days: the forms of docs/CLI.md ("Dates and times in").

A small, fixed grammar, read in the company's zone; nothing is guessed:

  moment      now | DAY [TIME] | TIME | OFFSET | ISO with an offset
  DAY         2026-12-01 | 2026/12/01 | 12-01 (this year, or next year once that day has
              passed) | today | tomorrow | yesterday | mon…sun (the next one, 1 to 7 days
              ahead) | next mon…sun (that day of next week) | 12月21日, 12月21号,
              2026年12月21日 (without a year: as 12-01) | 今天 | 明天 | 后天 | 大后天 | 昨天 |
              前天 | 周一…周日 (the next one, as mon) | 本周五, 这周五 (that day of this week) |
              下周一…下周日 (that day of next week) | 上周一…上周日 (of last week); 星期 and 礼拜
              as 周
  TIME        10:00 | 10am | 2pm | 2:30pm | [上午|早上|早晨|中午|下午|傍晚|晚上|凌晨]3点[整|半|一刻|
              三刻|30分|30] | 下午3:30; the numbers in digits or in Chinese numerals (三点半,
              十点十五分, 两点, 二十三点)
  OFFSET      +3d | +2wd (working days) | +1w | +4h | +30m; a day offset takes a TIME
              (+2wd 10:00)

A DAY without a TIME is 00:00 of that day; a TIME without a DAY is today. A DAY runs into its
TIME with or without a space (明天下午3点, 12月21日15:00). Full-width digits, colons and spaces
(１５：００) read as their ASCII forms.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _

FORMS = N_(
    "now; a day: 2026-12-01, 2026/12/01, 12-01, 12月21日, today, tomorrow, mon (the next one), next mon, "
    "今天, 明天, 后天, 周五 (the next one), 本周五, 下周一; with an optional time: 10:00, 10am, 2pm, "
    "12月21日 下午3点, 12月21日15:00, 下午三点, 15点30分, 10点半; a time alone (today): 10:00, 下午三点; "
    "an offset +3d, +2wd, +1w, +4h, +30m (day offsets take a time: +2wd 10:00); "
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
_ZH_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3,
            "昨天": -1, "昨日": -1, "前天": -2}
# Chinese numerals: 一 … 九, 十, 两 (two, before a measure word: 两点), 零 and 〇
_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_ZH_MINUTES = "整|半|一刻|三刻|" + r"(?:\d{1,2}|[零〇一二三四五六七八九十]{1,3})分?"
_NUM = r"(?:\d{1,2}|[零〇一二两兩三四五六七八九十]{1,3})"  # a number of a date or a time: 21, 二十一
# the parts of the day: a 12-hour clock's morning (上午), noon (中午, 11 to 2 o'clock), afternoon and evening
_ZH_PERIODS = "上午|早上|早晨|中午|下午|傍晚|晚上|凌晨"
_ZH_AM = ("上午", "早上", "早晨", "凌晨")
_ZH_PM = ("下午", "傍晚", "晚上")
_EN_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_OFFSET = re.compile(r"^([+-])(\d{1,5})(m|h|d|wd|w)$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)$")
_ZH_TIME = re.compile(rf"^({_ZH_PERIODS})? ?({_NUM})(?:[点點时時]({_ZH_MINUTES})?|:(\d{{2}}))$")
_ZH_PERIOD_ONLY = re.compile(rf"^({_ZH_PERIODS})")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_ZH_WEEK = re.compile(r"^(下|本|这|這|上)?(?:周|週|星期|礼拜|禮拜)([一二三四五六日天])")
_ZH_DAY = re.compile(r"^(今天|今日|明天|明日|大后天|大後天|后天|後天|昨天|昨日|前天)")
# 12月21日, 12月21号, 2026年12月21日, 十二月二十一日
_ZH_DATE = re.compile(rf"^(?:(\d{{4}}) ?年 ?)?({_NUM}) ?月 ?({_NUM}) ?[日号號]")


def _bad(text: str, what: str = N_("a date and time")) -> BadInput:
    return BadInput(_("cannot read {text!r} as {what}").format(text=text, what=_(what)),
                    hint=_("accepted forms: {forms}").format(forms=_(FORMS)))


def zh_number(text: str) -> int | None:
    """A whole number from 0 to 99 written in digits or in Chinese numerals: 3, 15, 三, 两, 十,
    十一, 二十, 二十三, 三十一, 零五 (as in 三点零五); None when it is neither."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    if text[:1] in ("零", "〇") and len(text) == 2:  # 零五: a minute's leading zero
        return _ZH_DIGIT.get(text[1])
    if "十" not in text:
        return _ZH_DIGIT.get(text) if len(text) == 1 else None
    tens, _sep, units = text.partition("十")
    if tens and (tens in ("零", "〇", "两", "兩") or tens not in _ZH_DIGIT):
        return None  # 二十, not 两十
    if units and (units not in _ZH_DIGIT or units in ("零", "〇", "两", "兩")):
        return None  # 二十一, 十二; never 十十 or 二十两
    return (_ZH_DIGIT[tens] if tens else 1) * 10 + (_ZH_DIGIT[units] if units else 0)


def _zh_minute(text: str | None) -> int | None:
    """The minutes after 点: none or 整 (on the hour), 半 (30), 一刻 (15), 三刻 (45), 30, 30分, 三十分."""
    if not text or text == "整":
        return 0
    named = {"半": 30, "一刻": 15, "三刻": 45}
    if text in named:
        return named[text]
    return zh_number(text.removesuffix("分"))


def _zh_clock(m: re.Match, original: str) -> tuple[int, int]:
    """The hour and minute of a Chinese time (_ZH_TIME): 下午3点, 三点半, 晚上八点一刻, 10点30分."""
    period, hour = m.group(1), zh_number(m.group(2))
    minute = int(m.group(4)) if m.group(4) is not None else _zh_minute(m.group(3))
    if hour is None or minute is None:
        raise _bad(original)
    if period == "中午" and hour not in (11, 12, 1, 2):
        raise _bad(original)  # noon is 11 to 2 o'clock; 中午3点 means nothing sure
    if period == "晚上" and hour == 12:
        raise _bad(original)  # midnight or noon? say 0点 or 中午12点
    if period in _ZH_PM and 1 <= hour < 12:
        hour += 12
    elif period == "中午" and hour in (1, 2):
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    elif period in _ZH_AM and hour > 12:
        raise _bad(original)
    return hour, minute


def _clock_time(text: str, original: str) -> time:
    """A time of day: 10:00, 10am, 2:30pm, 下午2点, 下午三点, 10点半, 上午10点30分."""
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
        hour, minute = _zh_clock(m, original)
    if hour is None or hour > 23 or minute > 59:
        raise _bad(original)
    return time(hour, minute)


def _at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment).replace(tzinfo=zone)


def _month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    """A day of a month: of `year`, else this year, or next year once that day has passed (today
    has not); None when there is no such day (02-30, or 02-29 with no leap day next)."""
    try:
        if year is not None:
            return date(year, month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


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
        day = _month_day(today, int(m.group(1)), int(m.group(2)))
        return (day, rest) if day is not None else (None, text)
    return _split_zh_day(text, today)


def _split_zh_day(text: str, today: date) -> tuple[date | None, str]:
    """A leading Chinese DAY, which runs into the time with or without a space (明天下午2点,
    12月21日15:00), and the rest; or (None, text)."""
    if (m := _ZH_DAY.match(text)):
        return today + timedelta(days=_ZH_DAYS[m.group(1)]), text[m.end():].strip()
    if (m := _ZH_WEEK.match(text)):
        weekday, which = _ZH_WEEKDAY[m.group(2)], m.group(1)
        if which == "下":
            day = _next_week(today, weekday)
        elif which is None:
            day = _next_one(today, weekday)  # 周五: the next one, as fri
        else:  # 本周五, 这周五: of this week; 上周五: of last week
            day = _this_week(today, weekday) - timedelta(weeks=1 if which == "上" else 0)
        return day, text[m.end():].strip()
    if (m := _ZH_DATE.match(text)):
        month, number = zh_number(m.group(2)), zh_number(m.group(3))
        day = None if month is None or number is None else _month_day(
            today, month, number, int(m.group(1)) if m.group(1) else None)
        return (day, text[m.end():].strip()) if day is not None else (None, text)
    return None, text


def _next_one(today: date, weekday: int) -> date:
    """The next such weekday, 1 to 7 days ahead (never today)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _this_week(today: date, weekday: int) -> date:
    """That weekday in this week (weeks run Monday to Sunday): 本周五, perhaps past."""
    return today - timedelta(days=today.weekday()) + timedelta(days=weekday)


def _next_week(today: date, weekday: int) -> date:
    """That weekday in next week (weeks run Monday to Sunday): 下周一, next mon."""
    return _this_week(today, weekday) + timedelta(weeks=1)


def parse_when(text: str, now: datetime, zone: tzinfo, calendar: WorkCalendar) -> datetime:
    """An aware moment from user input (the grammar above), read in `zone`. Offsets
    count from `now`; `wd` keeps the time of day."""
    original = text
    text = " ".join(unicodedata.normalize("NFKC", str(text)).strip().lower().split())  # １５：００ is 15:00
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
    stripped = unicodedata.normalize("NFKC", text).strip()
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


# -- a yearly day: a birthday, an anniversary, a care date (issue 26) ----------------------------
YEARLY_FORMS = N_("MM-DD (every year), or YYYY-MM-DD when the year is known: 05-03, 1978-05-03, 5月3日, "
                  "1978年5月3日")
_YEARLY = re.compile(r"^(?:(\d{4})[-/])?(\d{1,2})[-/](\d{1,2})$")
_ZH_YEARLY = re.compile(rf"^(?:(\d{{4}}) ?年 ?)?({_NUM}) ?月 ?({_NUM}) ?[日号號]?$")


def parse_yearly(text: str, what: str) -> str:
    """A day that comes back every year, as typed (`what` names it in the message: an English
    message id): "MM-DD", or "YYYY-MM-DD" when the year is known; 02-29 is a day of every year
    (the 28th when the year has no 29th). Exit 2 naming the value otherwise."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    m = _YEARLY.fullmatch(cleaned) or _ZH_YEARLY.fullmatch(cleaned)
    year = month = day = None
    if m:
        year = int(m.group(1)) if m.group(1) else None
        month, day = zh_number(m.group(2)), zh_number(m.group(3))
    if month is None or day is None or not _real_day(year or 2000, month, day) or (year is not None and year < 1900):
        raise BadInput(_("{what} {text!r} is not valid: expected {forms}").format(what=_(what), text=text,
                                                                              forms=_(YEARLY_FORMS)))
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def _real_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def yearly_on(value: str, year: int) -> date:
    """The day of `year` that a stored yearly day ("MM-DD" or "YYYY-MM-DD") falls on; 02-29 is the
    28th in a year without a 29th."""
    month, day = int(value[-5:-3]), int(value[-2:])
    if month == 2 and day == 29 and not _real_day(year, 2, 29):
        return date(year, 2, 28)
    return date(year, month, day)


def yearly_first(value: str) -> int | None:
    """The first year of a stored yearly day (a birth year, the year a partnership began), if known."""
    return int(value[:4]) if len(value) == 10 else None
