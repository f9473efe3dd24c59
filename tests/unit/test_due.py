"""The due-offset language, with working days from the holidays calendar."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.due import OffsetError, parse_due, parse_every
from receptionctl.domain.core.policy import SETTINGS

SH = ZoneInfo("Asia/Shanghai")
CAL = calendar_for("CN")
POLICY = {k: s.default for k, s in SETTINGS.items()}
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SH))


def at(expr, start, end=None):
    return parse_due(expr, set(SETTINGS)).at(start, end or start + timedelta(hours=2), POLICY, CAL, SH)


def first_workday_after_national_day(year: int) -> date:
    cn = holidays.country_holidays("CN", years=year)
    day = date(year, 10, 1)
    while not cn.is_working_day(day):
        day += timedelta(days=1)
    return day


def test_cli_md_example_from_the_calendar():
    """end+3wd from a visit ending on the Thursday after National Day week lands on the
    following Monday, because the Saturday between is a make-up working day (2026)."""
    back = first_workday_after_national_day(2026)
    assert back.weekday() == 3  # Thursday
    cn = holidays.country_holidays("CN", years=2026)
    saturday = back + timedelta(days=2)
    assert cn.is_working_day(saturday), "the Saturday after is a make-up working day"
    end = datetime(back.year, back.month, back.day, 12, 0, tzinfo=SH)
    due = at("end+3wd", end - timedelta(hours=2), end)
    assert due.astimezone(SH) == end + timedelta(days=4)  # Monday, same time of day
    assert due.astimezone(SH).weekday() == 0


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("start", datetime(2026, 12, 1, 10, 0, tzinfo=SH)),
        ("start-30m", datetime(2026, 12, 1, 9, 30, tzinfo=SH)),
        ("end+24h", datetime(2026, 12, 2, 12, 0, tzinfo=SH)),
        ("end+7d", datetime(2026, 12, 8, 12, 0, tzinfo=SH)),
        ("start-3wd", datetime(2026, 11, 26, 10, 0, tzinfo=SH)),
        ("start-{lead_working_days}wd", datetime(2026, 11, 26, 10, 0, tzinfo=SH)),
        ("end+{callback_hours}h", datetime(2026, 12, 2, 12, 0, tzinfo=SH)),
        ("start-{host_early_minutes}m", datetime(2026, 12, 1, 9, 50, tzinfo=SH)),
    ],
)
def test_offsets(expr, expected):
    start = datetime(2026, 12, 1, 10, 0, tzinfo=SH)
    assert at(expr, start) == expected


@pytest.mark.parametrize("expr", ["start-3", "begin+1d", "end+1y", "end+-1d", "end + 1d", "start-{nope}d", "", "3wd"])
def test_bad_offsets(expr):
    with pytest.raises(OffsetError):
        parse_due(expr, set(SETTINGS))


@pytest.mark.parametrize("expr", ["0d", "7", "d", "-7d", "{nope}d"])
def test_bad_repeats(expr):
    with pytest.raises(OffsetError):
        parse_every(expr, set(SETTINGS))


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(moments, st.integers(min_value=1, max_value=30))
def test_wd_offset_lands_on_a_working_day_and_keeps_the_time(start, n):
    for expr in (f"start-{n}wd", f"start+{n}wd"):
        due = at(expr, start).astimezone(SH)
        assert CAL.is_working_day(due.date())
        assert (due.hour, due.minute) == (start.hour, start.minute)


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(moments, st.integers(min_value=1, max_value=30))
def test_start_minus_wd_is_before_the_start(start, n):
    assert at(f"start-{n}wd", start) < start


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(moments, st.integers(min_value=0, max_value=30))
def test_add_then_subtract_working_days_returns_the_day(start, n):
    if not CAL.is_working_day(start.date()):
        return
    forward = at(f"start+{n}wd", start)
    back = at(f"start-{n}wd", forward.astimezone(SH))
    assert back.astimezone(SH) == start


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(moments, st.integers(min_value=0, max_value=500))
def test_minutes_and_hours_are_elapsed_time(start, n):
    assert at(f"start+{n}m", start) - start.astimezone(timezone.utc) == timedelta(minutes=n)
    assert at(f"start-{n}h", start) - start.astimezone(timezone.utc) == timedelta(hours=-n)
