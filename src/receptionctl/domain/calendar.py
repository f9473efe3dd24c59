"""Working days on a country's official calendar, from the `holidays` package.

China's make-up working weekends (调休) are working days; public holidays are not.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from receptionctl.errors import BadInput


class WorkCalendar:
    def __init__(self, country: str = "CN") -> None:
        import holidays

        try:
            self._days = holidays.country_holidays(country.upper())
        except (NotImplementedError, KeyError, AttributeError):
            raise BadInput(
                f"unknown calendar country {country!r}",
                hint="use an ISO 3166 country code the holidays package knows, such as CN",
            ) from None
        self.country = country.upper()

    def is_working_day(self, day: date) -> bool:
        return self._days.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        return self._days.get(day)

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
        """Why `day` is not a working day (the holiday's name, or the weekday), or None."""
        if self.is_working_day(day):
            return None
        return self.holiday_name(day) or day.strftime("%A")


@lru_cache(maxsize=8)
def calendar_for(country: str) -> WorkCalendar:
    return WorkCalendar(country)
