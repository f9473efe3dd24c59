from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.when import parse_day, parse_when
from receptionctl.errors import BadInput, ExitCode

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)  # Tuesday
CAL = calendar_for("CN")


def p(text: str) -> datetime:
    return parse_when(text, NOW, SH, CAL)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-25 10:00", datetime(2026, 11, 25, 10, 0, tzinfo=SH)),
        ("2026-11-25T10:00", datetime(2026, 11, 25, 10, 0, tzinfo=SH)),
        ("2026-11-25", datetime(2026, 11, 25, 0, 0, tzinfo=SH)),
        ("today", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),
        ("today 14:30", datetime(2026, 11, 24, 14, 30, tzinfo=SH)),
        ("Tomorrow 9:05", datetime(2026, 11, 25, 9, 5, tzinfo=SH)),
        ("mon 10:00", datetime(2026, 11, 30, 10, 0, tzinfo=SH)),
        ("tue 10:00", datetime(2026, 12, 1, 10, 0, tzinfo=SH)),  # next occurrence, not today
        ("friday", datetime(2026, 11, 27, 0, 0, tzinfo=SH)),
        ("+3d", NOW + timedelta(days=3)),
        ("+4h", NOW + timedelta(hours=4)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("-1d", NOW - timedelta(days=1)),
        ("+4wd 10:00", datetime(2026, 11, 30, 10, 0, tzinfo=SH)),
        ("+2d 14:30", datetime(2026, 11, 26, 14, 30, tzinfo=SH)),
    ],
)
def test_accepted_forms(text, expected):
    assert p(text) == expected


def test_offset_with_zone_is_kept():
    moment = p("2026-11-25T10:00+00:00")
    assert moment.utcoffset() == timedelta(0)
    assert moment.astimezone(SH).hour == 18


def test_working_day_offset_keeps_time_and_skips_weekend():
    # Tuesday 24 Nov + 4 working days = Monday 30 Nov, same time of day
    assert p("+4wd") == datetime(2026, 11, 30, 9, 30, tzinfo=SH)


@pytest.mark.parametrize(
    "text", ["next blursday", "", "25/11/2026", "today 25:00", "mon 9", "+3x", "2026-13-01", "tomorrow noon", "+4h 10:00", "+2wd noon"]
)
def test_rejected_forms_name_the_value_and_the_forms(text):
    with pytest.raises(BadInput) as err:
        p(text)
    assert err.value.code == ExitCode.BAD_INPUT
    assert repr(text) in err.value.message
    assert "+2wd" in err.value.hint


def test_parse_day():
    assert parse_day("2026-12-01", NOW, SH, CAL) == date(2026, 12, 1)
    assert parse_day("tomorrow", NOW, SH, CAL) == date(2026, 11, 25)
    with pytest.raises(BadInput):
        parse_day("2026-02-30", NOW, SH, CAL)


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(st.integers(min_value=-500, max_value=500))
def test_day_offsets_are_calendar_days(n):
    assert p(f"{n:+d}d").date() == NOW.date() + timedelta(days=n)


def test_hours_are_elapsed_time_across_daylight_saving():
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2026, 3, 29, 0, 30, tzinfo=berlin)  # clocks go forward at 02:00
    moved = parse_when("+4h", before, berlin, CAL)
    assert (moved.astimezone(ZoneInfo("UTC")) - before.astimezone(ZoneInfo("UTC"))) == timedelta(hours=4)


# -- the forms people type (issue: dates as people type them) ------------------------------
# NOW is Tuesday 2026-11-24 09:30 in Shanghai.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("now", NOW),
        ("NOW", NOW),
        ("10:00", datetime(2026, 11, 24, 10, 0, tzinfo=SH)),
        ("8:15", datetime(2026, 11, 24, 8, 15, tzinfo=SH)),  # today, even when it has passed
        ("10am", datetime(2026, 11, 24, 10, 0, tzinfo=SH)),
        ("2pm", datetime(2026, 11, 24, 14, 0, tzinfo=SH)),
        ("2:30pm", datetime(2026, 11, 24, 14, 30, tzinfo=SH)),
        ("12am", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),
        ("12pm", datetime(2026, 11, 24, 12, 0, tzinfo=SH)),
        ("tomorrow 2pm", datetime(2026, 11, 25, 14, 0, tzinfo=SH)),
        ("next mon", datetime(2026, 11, 30, 0, 0, tzinfo=SH)),
        ("next fri 10:00", datetime(2026, 12, 4, 10, 0, tzinfo=SH)),  # Friday of next week, not this one
        ("next tue", datetime(2026, 12, 1, 0, 0, tzinfo=SH)),
        ("2026/12/01 10:00", datetime(2026, 12, 1, 10, 0, tzinfo=SH)),
        ("2026/12/1", datetime(2026, 12, 1, 0, 0, tzinfo=SH)),
        ("2026-12-01 10am", datetime(2026, 12, 1, 10, 0, tzinfo=SH)),
        ("2026-11-25 10:00+00:00", datetime(2026, 11, 25, 18, 0, tzinfo=SH)),
        ("12-01 10:00", datetime(2026, 12, 1, 10, 0, tzinfo=SH)),  # this year
        ("11-24", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),  # today is not past
        ("11-23 10:00", datetime(2027, 11, 23, 10, 0, tzinfo=SH)),  # that day has passed: next year
        ("01-05", datetime(2027, 1, 5, 0, 0, tzinfo=SH)),
        ("今天", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),
        ("明天", datetime(2026, 11, 25, 0, 0, tzinfo=SH)),
        ("后天", datetime(2026, 11, 26, 0, 0, tzinfo=SH)),
        ("明天 10:00", datetime(2026, 11, 25, 10, 0, tzinfo=SH)),
        ("明天10:00", datetime(2026, 11, 25, 10, 0, tzinfo=SH)),
        ("明天下午2点", datetime(2026, 11, 25, 14, 0, tzinfo=SH)),
        ("后天 上午10点半", datetime(2026, 11, 26, 10, 30, tzinfo=SH)),
        ("下午2点", datetime(2026, 11, 24, 14, 0, tzinfo=SH)),
        ("下午2点30分", datetime(2026, 11, 24, 14, 30, tzinfo=SH)),
        ("晚上8点", datetime(2026, 11, 24, 20, 0, tzinfo=SH)),
        ("中午12点", datetime(2026, 11, 24, 12, 0, tzinfo=SH)),
        ("10点", datetime(2026, 11, 24, 10, 0, tzinfo=SH)),
        ("下周一", datetime(2026, 11, 30, 0, 0, tzinfo=SH)),
        ("下周三 14:00", datetime(2026, 12, 2, 14, 0, tzinfo=SH)),
        ("下周日", datetime(2026, 12, 6, 0, 0, tzinfo=SH)),
        ("下周二", datetime(2026, 12, 1, 0, 0, tzinfo=SH)),
        ("周五", datetime(2026, 11, 27, 0, 0, tzinfo=SH)),  # the next Friday, like "fri"
        ("周二", datetime(2026, 12, 1, 0, 0, tzinfo=SH)),  # never today
    ],
)
def test_forms_people_type(text, expected):
    assert p(text) == expected


@pytest.mark.parametrize(
    "text",
    ["13pm", "0am", "25:00", "10:60", "next", "next month", "下午", "下周八", "2026/13/01", "02-30", "13-01",
     "中午3点", "明天中午5点", "晚上12点",
     "上午14点", "明天 noon", "+2h 10:00", "tomorrowish", "10", "2026-12-01 25:00"],
)
def test_forms_refused_name_the_value_and_the_forms(text):
    with pytest.raises(BadInput) as exc:
        p(text)
    assert repr(text) in exc.value.message or text in exc.value.message
    assert exc.value.code == ExitCode.BAD_INPUT


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1000-06-01"])
def test_a_day_out_of_range_is_bad_input_not_a_crash(text):
    with pytest.raises(BadInput) as exc:
        parse_day(text, NOW, SH, CAL)
    assert text in exc.value.message and exc.value.code == ExitCode.BAD_INPUT


# -- Chinese dates and numerals (issue 25) ---------------------------------------------------------
# NOW is Tuesday 2026-11-24 09:30 in Shanghai.
@pytest.mark.parametrize("text, n", [
    ("0", 0), ("7", 7), ("15", 15), ("零", 0), ("〇", 0), ("一", 1), ("两", 2), ("九", 9), ("十", 10), ("十一", 11),
    ("十九", 19), ("二十", 20), ("二十三", 23), ("三十一", 31), ("五十九", 59), ("零五", 5),
    ("", None), ("十十", None), ("两十", None), ("二十两", None), ("一二三", None), ("百", None), ("x", None),
])
def test_chinese_numerals(text, n):
    from receptionctl.domain.core.when import zh_number

    assert zh_number(text) == n


@pytest.mark.parametrize("text, expected", [
    ("11月24日", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),  # today is not past: this year's, as 11-24
    ("11月23日 10:00", datetime(2027, 11, 23, 10, 0, tzinfo=SH)),  # past: next year's, as 11-23
    ("12月21日 下午3点", datetime(2026, 12, 21, 15, 0, tzinfo=SH)),
    ("12月21日15:00", datetime(2026, 12, 21, 15, 0, tzinfo=SH)),
    ("12月21号 15点30分", datetime(2026, 12, 21, 15, 30, tzinfo=SH)),
    ("2026年12月1日 上午9点", datetime(2026, 12, 1, 9, 0, tzinfo=SH)),
    ("2025年12月1日", datetime(2025, 12, 1, 0, 0, tzinfo=SH)),  # a year given is kept
    ("十二月一日 下午两点半", datetime(2026, 12, 1, 14, 30, tzinfo=SH)),
    ("本周二", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),  # this week's Tuesday: today
    ("本周一", datetime(2026, 11, 23, 0, 0, tzinfo=SH)),  # this week's Monday: yesterday
    ("这周日 上午10点", datetime(2026, 11, 29, 10, 0, tzinfo=SH)),
    ("上周五", datetime(2026, 11, 20, 0, 0, tzinfo=SH)),
    ("礼拜三", datetime(2026, 11, 25, 0, 0, tzinfo=SH)),
    ("前天", datetime(2026, 11, 22, 0, 0, tzinfo=SH)),
    ("大后天", datetime(2026, 11, 27, 0, 0, tzinfo=SH)),
    ("明日 9点", datetime(2026, 11, 25, 9, 0, tzinfo=SH)),
    ("下午三点", datetime(2026, 11, 24, 15, 0, tzinfo=SH)),
    ("下午 3点", datetime(2026, 11, 24, 15, 0, tzinfo=SH)),
    ("三点半", datetime(2026, 11, 24, 3, 30, tzinfo=SH)),  # no part of the day: a 24-hour clock, as 3点
    ("十五点", datetime(2026, 11, 24, 15, 0, tzinfo=SH)),
    ("上午十点十五分", datetime(2026, 11, 24, 10, 15, tzinfo=SH)),
    ("晚上八点一刻", datetime(2026, 11, 24, 20, 15, tzinfo=SH)),
    ("下午四点三刻", datetime(2026, 11, 24, 16, 45, tzinfo=SH)),
    ("上午九点整", datetime(2026, 11, 24, 9, 0, tzinfo=SH)),
    ("三点零五分", datetime(2026, 11, 24, 3, 5, tzinfo=SH)),
    ("两点", datetime(2026, 11, 24, 2, 0, tzinfo=SH)),
    ("零点", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),
    ("凌晨十二点", datetime(2026, 11, 24, 0, 0, tzinfo=SH)),
    ("中午一点", datetime(2026, 11, 24, 13, 0, tzinfo=SH)),
    ("傍晚六点", datetime(2026, 11, 24, 18, 0, tzinfo=SH)),
    ("下午3:30", datetime(2026, 11, 24, 15, 30, tzinfo=SH)),
    ("１５：００", datetime(2026, 11, 24, 15, 0, tzinfo=SH)),  # full-width
    ("+2wd 下午三点", datetime(2026, 11, 26, 15, 0, tzinfo=SH)),
])
def test_chinese_forms(text, expected):
    assert p(text) == expected


@pytest.mark.parametrize("text", ["十十点", "两十点", "三十二点", "2月30日", "13月1日", "12月", "12月21", "下午十三点半夜",
                                  "上午十三点", "中午五点", "晚上十二点", "本周八", "下下周一", "三点六十分", "十"])
def test_chinese_forms_refused(text):
    with pytest.raises(BadInput) as exc:
        p(text)
    assert repr(text) in exc.value.message and exc.value.code == ExitCode.BAD_INPUT
    assert "12月21日 下午3点" in exc.value.hint


def test_a_chinese_day():
    assert parse_day("12月21日", NOW, SH, CAL) == date(2026, 12, 21)
    assert parse_day("本周五", NOW, SH, CAL) == date(2026, 11, 27)
