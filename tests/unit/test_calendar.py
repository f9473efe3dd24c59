"""Working days come from the holidays package; cases are computed from it, not copied."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptionctl.domain.core.calendar import WorkCalendar, calendar_for
from receptionctl.errors import BadInput

CAL = calendar_for("CN")
SH = ZoneInfo("Asia/Shanghai")
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


def makeup_days(year: int) -> list[date]:
    """Weekend days that China's calendar makes working days (调休)."""
    cn = holidays.country_holidays("CN", years=year)
    start = date(year, 1, 1)
    return [
        start + timedelta(d)
        for d in range(366)
        if (start + timedelta(d)).year == year
        and (start + timedelta(d)).weekday() >= 5
        and cn.is_working_day(start + timedelta(d))
    ]


def test_cli_md_example_national_day_makeup_saturday():
    # CLI.md: a visit ending Thu 2026-10-08 12:00 gives end+3wd = Mon 2026-10-12 12:00
    end = datetime(2026, 10, 8, 12, 0, tzinfo=SH)
    assert CAL.is_working_day(date(2026, 10, 10)), "Sat 10 Oct 2026 is a make-up working day"
    assert CAL.shift(end, 3) == datetime(2026, 10, 12, 12, 0, tzinfo=SH)


@pytest.mark.parametrize("day", makeup_days(2026))
def test_makeup_weekends_are_working_days(day):
    assert CAL.is_working_day(day)
    assert CAL.add(day - timedelta(days=1), 1) == day or not CAL.is_working_day(day - timedelta(days=1))


def test_public_holidays_are_not_working_days():
    cn = holidays.country_holidays("CN", years=2026)
    for day in cn:
        assert not CAL.is_working_day(day)


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(days, st.integers(min_value=1, max_value=40))
def test_working_day_offset_lands_on_a_working_day(day, n):
    assert CAL.is_working_day(CAL.add(day, n))
    assert CAL.is_working_day(CAL.add(day, -n))
    assert CAL.add(day, -n) < day < CAL.add(day, n)


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(days, st.integers(min_value=0, max_value=40))
def test_add_then_subtract_returns_a_working_day(day, n):
    if CAL.is_working_day(day):
        assert CAL.add(CAL.add(day, n), -n) == day


@settings(deadline=None)  # no wall-clock limit per example: a busy run must not fail a correct test
@given(days, st.integers(min_value=0, max_value=30))
def test_notice_count_matches_shift(day, n):
    start = datetime.combine(day, datetime.min.time()).replace(hour=10, tzinfo=SH)
    since = CAL.shift(start, -n)
    assert CAL.count_before(start, since, cap=40) >= n
    assert CAL.count_before(start, since + timedelta(minutes=1), cap=40) < n or n == 0


def test_unknown_country():
    with pytest.raises(BadInput):
        WorkCalendar("XX")


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30)), st.integers(min_value=-10, max_value=900))
def test_working_days_after_counts_as_the_days_one_by_one(start, span):
    """The running count per year (a task due months ahead says "in N working days") gives what
    counting the days one by one gives, across year ends, national days and make-up weekends."""
    cal = calendar_for("CN")
    end = start + timedelta(days=span)
    one_by_one = sum(1 for i in range(1, (end - start).days + 1) if cal.is_working_day(start + timedelta(days=i)))
    assert cal.working_days_after(start, end) == one_by_one
