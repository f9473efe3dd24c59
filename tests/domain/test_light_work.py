"""Build only what a command uses: the working-day calendar from a per-year cache, the
policy read once per command. (Counts and import lists, never timings.)"""

from __future__ import annotations

import sys
from datetime import date

import pytest

from receptionctl.domain.core import calendar
from tests.conftest import statements


@pytest.fixture
def cache_dir(tmp_path):
    calendar.set_cache_dir(tmp_path / "cache")
    yield tmp_path / "cache"
    calendar.set_cache_dir(None)


def test_a_year_is_computed_once_then_read_without_the_holidays_package(cache_dir, monkeypatch):
    first = calendar.WorkCalendar("CN")
    assert first.is_working_day(date(2026, 2, 14)) is True  # a make-up working Saturday
    assert first.holiday_name(date(2026, 2, 16)) == "Chinese New Year's Eve"
    files = sorted(p.name for p in cache_dir.iterdir())
    assert len(files) == 1 and files[0].startswith("calendar-CN-2026-")
    monkeypatch.setitem(sys.modules, "holidays", None)  # importing it now fails
    second = calendar.WorkCalendar("CN")
    assert second.is_working_day(date(2026, 2, 14)) is True
    assert second.is_working_day(date(2026, 2, 17)) is False
    assert second.day_off(date(2026, 2, 16)) == "Chinese New Year's Eve"
    assert second.day_off(date(2026, 3, 7)) == "Saturday"
    with pytest.raises(ImportError):
        second.is_working_day(date(2027, 5, 1))  # a year not cached needs the package


def test_a_damaged_cache_file_is_computed_again(cache_dir):
    calendar.WorkCalendar("CN").is_working_day(date(2026, 1, 1))
    (path,) = cache_dir.iterdir()
    path.write_text("{not json", encoding="utf-8")
    assert calendar.WorkCalendar("CN").is_working_day(date(2026, 10, 1)) is False  # National Day
    assert path.read_text(encoding="utf-8").startswith("{\"weekend\"")


def test_the_policy_is_read_once_per_command(team, db_target):
    from receptionctl.domain.report.report import daily

    team("--as", "li", "visit", "new", "--client", "Acme", "--at", "2026-11-25 10:00", "--purpose", "talk",
         "--headcount", "2")
    seen = statements(db_target, daily)
    reads = [s for s in seen if "FROM policy" in s]
    assert len(reads) == 1, reads


def test_a_cache_that_cannot_be_written_leaves_nothing_behind(cache_dir):
    name = f"calendar-CN-2026-{calendar._holidays_version()}.json"
    (cache_dir / name).mkdir(parents=True)  # a folder where the file should go
    assert calendar.WorkCalendar("CN").is_working_day(date(2026, 2, 14)) is True
    assert calendar.WorkCalendar("CN").is_working_day(date(2026, 2, 16)) is False
    assert sorted(p.name for p in cache_dir.iterdir()) == [name]  # no temporary files left
