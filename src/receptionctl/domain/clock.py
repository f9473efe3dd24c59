"""Every "now" of the tool comes from here.

The command line pins it (from RECEPTIONCTL_NOW) and sets the display zone (from
RECEPTIONCTL_TZ); the domain never reads the environment itself.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

_pinned: datetime | None = None
_zone: tzinfo | None = None


def pin(moment: datetime | None) -> None:
    """Pin the clock to an aware moment (None unpins it)."""
    global _pinned
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the pinned moment must carry a time zone")
    _pinned = moment.astimezone(timezone.utc) if moment else None


def set_zone(zone: tzinfo | None) -> None:
    global _zone
    _zone = zone


def zone() -> tzinfo:
    """The zone user input is read in and output is shown in."""
    if _zone is not None:
        return _zone
    from dateutil.tz import tzlocal

    return tzlocal()


def now() -> datetime:
    """The current moment, aware, in UTC."""
    if _pinned is not None:
        return _pinned
    return datetime.now(timezone.utc)


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in the display zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone())


def today():
    return local(now()).date()
