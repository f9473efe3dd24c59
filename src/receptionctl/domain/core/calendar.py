"""Working days on a country's official calendar, from the `holidays` package.

China's make-up working weekends (调休) are working days; public holidays are not.

Building the calendar from `holidays` costs more than the rest of a command (the package
imports every country), so each year a command needs is computed once from it and kept
in a small JSON file per country and year in the cache folder the command line names
(`set_cache_dir`), keyed by the package's version. A year no command needs is never built.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from receptionctl import i18n
from receptionctl.errors import BadInput
from receptionctl.i18n import _

_cache_dir: Path | None = None


def set_cache_dir(path: Path | None) -> None:
    """Where computed years are kept (None: nowhere, compute each time)."""
    global _cache_dir
    _cache_dir = path


def _unknown(country: str) -> BadInput:
    return BadInput(_("unknown calendar country {country!r}").format(country=country),
                    hint=_("use an ISO 3166 country code the holidays package knows, such as CN"))


class WorkCalendar:
    def __init__(self, country: str = "CN") -> None:
        self.country = country.upper()
        self._years: dict[int, tuple[frozenset[int], dict[str, str], frozenset[str]]] = {}
        self._counts: dict[int, list[int]] = {}  # each year's running count of working days (_running)
        self._source = None  # the holidays object, built only when a year is not cached
        if not self._known():
            self._holidays()  # an unknown country is refused now, not at the first question

    def _known(self) -> bool:
        """Whether a year of this country is cached already (so the package knows it)."""
        if _cache_dir is None:
            return False
        return any(_cache_dir.glob(f"calendar-{self.country}-*-{_holidays_version()}.json"))

    # -- one year at a time ---------------------------------------------------------------
    def _year(self, year: int):
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = self._load(year)
        return data

    def _load(self, year: int):
        path = self._cache_path(year)
        if path is not None:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                return frozenset(raw["weekend"]), dict(raw["holidays"]), frozenset(raw["workdays"])
            except (OSError, ValueError, KeyError, TypeError):
                pass  # missing or damaged: compute it again
        weekend, names, workdays = self._compute(year)
        if path is not None:
            self._store(path, {"weekend": sorted(weekend), "holidays": names, "workdays": sorted(workdays)})
        return weekend, names, workdays

    def _compute(self, year: int):
        days = self._holidays()
        date(year, 1, 1) in days  # a lookup makes the package compute that year
        names = {d.isoformat(): days.get(d) for d in sorted(days) if d.year == year}
        workdays = frozenset(d.isoformat() for d in getattr(days, "weekend_workdays", ()) if d.year == year)
        return frozenset(getattr(days, "weekend", {5, 6})), names, workdays

    def _holidays(self):
        if self._source is None:
            import holidays

            try:
                self._source = holidays.country_holidays(self.country)
            except (NotImplementedError, KeyError, AttributeError):
                raise _unknown(self.country) from None
        return self._source

    def _cache_path(self, year: int) -> Path | None:
        if _cache_dir is None:
            return None
        return _cache_dir / f"calendar-{self.country}-{year}-{_holidays_version()}.json"

    @staticmethod
    def _store(path: Path, data: dict) -> None:
        """Whole or not at all; a cache that cannot be written is only slower."""
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".calendar-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    # -- the festivals clients are greeted on (issue 26) ---------------------------------------
    def festivals(self, year: int) -> dict[str, date]:
        """The first day of each festival of FESTIVALS in `year` that this country keeps: {code: day}.
        Read from the holidays package in English (its names there are stable), once per country and
        year, then from the cache folder."""
        path = None if _cache_dir is None else (
            _cache_dir / f"festivals-{self.country}-{year}-{_holidays_version()}.json")
        if path is not None:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                return {k: date.fromisoformat(v) for k, v in raw.items() if k in FESTIVALS}
            except (OSError, ValueError, TypeError, AttributeError):
                pass  # missing or damaged: compute it again
        import holidays

        try:
            days = holidays.country_holidays(self.country, years=year, language="en_US")
        except (NotImplementedError, KeyError, AttributeError, ValueError):
            days = holidays.country_holidays(self.country, years=year)
        names = {name: code for code, name in FESTIVALS.items()}
        found: dict[str, date] = {}
        for day in sorted(days):
            code = names.get(days.get(day))
            if code is not None and code not in found:
                found[code] = day
        if path is not None:
            self._store(path, {k: v.isoformat() for k, v in found.items()})
        return found

    def check(self) -> None:
        """Refuse a country the holidays package does not know (exit 2)."""
        self._holidays()

    # -- questions ------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        weekend, names, workdays = self._year(day.year)
        iso = day.isoformat()
        if day.weekday() in weekend:
            return iso in workdays
        return iso not in names

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days there are in (start, end]: read from each year's running count,
        not day by day (a list of thousands of tasks due months ahead asks it for each)."""
        if end <= start:
            return 0
        if start.year == end.year:
            counts = self._running(end.year)
            return counts[end.timetuple().tm_yday] - counts[start.timetuple().tm_yday]
        counts = self._running(start.year)
        n = counts[-1] - counts[start.timetuple().tm_yday]
        for year in range(start.year + 1, end.year):
            n += self._running(year)[-1]
        return n + self._running(end.year)[end.timetuple().tm_yday]

    def _running(self, year: int) -> list[int]:
        """[0, working days of Jan 1, ... of Jan 1 to day n, ...]: by day of the year, cached."""
        counts = self._counts.get(year)
        if counts is None:
            counts, n, day = [0], 0, date(year, 1, 1)
            while day.year == year:
                n += self.is_working_day(day)
                counts.append(n)
                day += timedelta(days=1)
            self._counts[year] = counts
        return counts

    def holiday_name(self, day: date) -> str | None:
        return self._year(day.year)[1].get(day.isoformat())

    def add(self, day: date, n: int) -> date:
        """The day `n` working days after `day` (before it when n < 0); 0 returns `day`."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def shift(self, moment: datetime, n: int) -> datetime:
        """`moment` moved by `n` working days, keeping its wall-clock time of day."""
        target = self.add(moment.date(), n)
        return moment.replace(year=target.year, month=target.month, day=target.day)

    def count_before(self, start: datetime, since: datetime, cap: int = 366) -> int:
        """How many working days of notice `since` gives before `start`: the largest n
        (at most `cap`) such that `start` shifted back n working days is not before `since`."""
        n, day = 0, start.date()
        while n < cap:
            day -= timedelta(days=1)
            if start.replace(year=day.year, month=day.month, day=day.day) < since:
                break
            if self.is_working_day(day):
                n += 1
        return n

    def day_off(self, day: date) -> str | None:
        """Why `day` is not a working day (the holiday's name, or the weekday), or None; in the
        run's language (the holidays package names China's holidays in Chinese too)."""
        if self.is_working_day(day):
            return None
        name = self.holiday_name(day)
        if not i18n.chinese():
            return name or day.strftime("%A")
        if name:
            return self._local_holiday_name(day) or name
        return _("weekend")  # the message names the day with its weekday already

    def _local_holiday_name(self, day: date) -> str | None:
        """The holiday's name in the run's language, where the holidays package has it."""
        import holidays

        language = "zh_CN" if i18n.lang() == "zh-CN" else "zh_TW"
        try:
            local = holidays.country_holidays(self.country, years=day.year, language=language)
        except (NotImplementedError, KeyError, AttributeError, ValueError):
            return None
        if language not in (getattr(local, "supported_languages", None) or ()):
            return None
        return local.get(day)


# The festivals a client may be greeted on (the policy's care_holidays), by code: their names in the
# holidays package's English. The package knows these for China; a country without one has none.
FESTIVALS = {
    "new_year": "New Year's Day",
    "spring_festival": "Chinese New Year (Spring Festival)",
    "tomb_sweeping": "Tomb-Sweeping Day",
    "labor_day": "Labor Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "national_day": "National Day",
}


@lru_cache(maxsize=8)
def calendar_for(country: str) -> WorkCalendar:
    return WorkCalendar(country)


@lru_cache(maxsize=1)
def _holidays_version() -> str:
    """The installed holidays package's version, without importing it (and every country)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return "unknown"
