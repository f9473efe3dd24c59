from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from receptionctl.domain.calendar import calendar_for
from receptionctl.domain.errors import BadInput, ExitCode
from receptionctl.domain.when import parse_day, parse_when

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


@given(st.integers(min_value=-500, max_value=500))
def test_day_offsets_are_calendar_days(n):
    assert p(f"{n:+d}d").date() == NOW.date() + timedelta(days=n)


def test_hours_are_elapsed_time_across_daylight_saving():
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2026, 3, 29, 0, 30, tzinfo=berlin)  # clocks go forward at 02:00
    moved = parse_when("+4h", before, berlin, CAL)
    assert (moved.astimezone(ZoneInfo("UTC")) - before.astimezone(ZoneInfo("UTC"))) == timedelta(hours=4)
