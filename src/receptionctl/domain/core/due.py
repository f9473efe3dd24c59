"""The due-offset language of the procedure file: `start-3wd`, `start-30m`, `end+24h`,
`end+7d`, `event+5m` (from the event that opened the task), and repeat intervals such as `7d`.

A number may name a policy setting in braces (`end+{callback_hours}h`), so that the
company's policy, not the file, says how many: change the policy and the next tasks
follow it.

Units: m (minutes) and h (hours) are elapsed time; d (calendar days) and wd (working days
on the policy country's calendar) keep the anchor's wall-clock time of day.

A calendar-day deadline that lands on a weekend or a public holiday rolls to a working day
at the same time of day (policy `roll_to_working_day`, on by default): forward for an
offset after the anchor (`end+3d`), backward for one before it (`start-1d`), so that
preparation never moves towards the visit. Hour and minute offsets never roll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Mapping

from receptionctl.domain.core.calendar import WorkCalendar
from receptionctl.i18n import _

UNITS = ("m", "h", "d", "wd")
_NUMBER = r"(\d{1,4}|\{[a-z_]+\})"
_DUE = re.compile(rf"^(start|end|event)(?:([+-]){_NUMBER}(m|h|d|wd))?$")
_EVERY = re.compile(rf"^{_NUMBER}(m|h|d|wd)$")


class OffsetError(ValueError):
    """A due or repeat expression that does not parse."""


@dataclass(frozen=True)
class Offset:
    sign: int
    amount: str  # digits, or "{policy_key}"
    unit: str

    def number(self, policy: Mapping[str, object]) -> int:
        if self.amount.startswith("{"):
            key = self.amount[1:-1]
            value = policy.get(key)
            if not isinstance(value, int) or isinstance(value, bool):
                raise OffsetError(_("policy {key!r} is not a whole-number setting").format(key=key))
            return value
        return int(self.amount)

    def apply(self, moment: datetime, policy: Mapping[str, object], cal: WorkCalendar, zone: tzinfo) -> datetime:
        n = self.sign * self.number(policy)
        local = moment.astimezone(zone)
        if self.unit == "wd":
            return cal.shift(local, n).astimezone(timezone.utc)
        if self.unit == "d":
            target = local.replace(tzinfo=None) + timedelta(days=n)
            if n and policy.get("roll_to_working_day", True):
                target = roll(target, cal, 1 if n > 0 else -1)
            return target.replace(tzinfo=zone).astimezone(timezone.utc)
        delta = timedelta(minutes=n) if self.unit == "m" else timedelta(hours=n)
        return (moment.astimezone(timezone.utc) + delta)


def roll(moment: datetime, cal: WorkCalendar, step: int) -> datetime:
    """`moment` on the next (step 1) or previous (step -1) working day, same time of day."""
    day = moment.date()
    for _day in range(400):
        if cal.is_working_day(day):
            break
        day += timedelta(days=step)
    return moment.replace(year=day.year, month=day.month, day=day.day)


@dataclass(frozen=True)
class Due:
    anchor: str  # "start" | "end" | "event" (the moment of the event that opened the task)
    offset: Offset | None

    def at(self, start: datetime, end: datetime, policy, cal: WorkCalendar, zone: tzinfo,
           event_at: datetime | None = None) -> datetime:
        base = {"start": start, "end": end}.get(self.anchor, event_at)
        if base is None:
            raise OffsetError(_("due {anchor}… is anchored on an event: it needs the event's moment").format(
                anchor=self.anchor))
        if self.offset is None:
            return base.astimezone(timezone.utc)
        return self.offset.apply(base, policy, cal, zone)


def _policy_keys(amount: str, known: set[str] | None) -> None:
    if amount.startswith("{") and known is not None and amount[1:-1] not in known:
        raise OffsetError(_("unknown policy setting {key!r} in braces").format(key=amount[1:-1]))


def parse_due(text: str, policy_keys: set[str] | None = None) -> Due:
    m = _DUE.match(str(text).strip())
    if not m:
        raise OffsetError(
            _("due {text!r} is not an offset: expected start|end|event, a sign, a number and a unit m|h|d|wd, "
              "such as start-3wd, end+24h or event+5m").format(text=text)
        )
    anchor, sign, amount, unit = m.groups()
    if sign is None:
        return Due(anchor, None)
    _policy_keys(amount, policy_keys)
    return Due(anchor, Offset(1 if sign == "+" else -1, amount, unit))


def parse_every(text: str, policy_keys: set[str] | None = None) -> Offset:
    m = _EVERY.match(str(text).strip())
    if not m:
        raise OffsetError(_("repeat {text!r} is not an interval: expected a number and a unit m|h|d|wd, such as "
                            "7d").format(text=text))
    amount, unit = m.groups()
    _policy_keys(amount, policy_keys)
    if amount.isdigit() and int(amount) == 0:
        raise OffsetError(_("repeat {text!r} must be more than zero").format(text=text))
    return Offset(1, amount, unit)
