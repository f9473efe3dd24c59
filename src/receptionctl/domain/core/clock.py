"""Every "now" of the tool comes from here, and the zone times are read and shown in.

The zone is the company's, never the machine's: `--tz`, else RECEPTIONCTL_TZ, else the
policy's work zone (read from the database when the command opens it), else the
policy's default, Asia/Shanghai. The command line sets it; the domain never reads the
environment itself.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"  # the policy's default work zone

_pinned: datetime | None = None
_pinned_local: datetime | None = None  # a pinned moment without an offset: read in the zone
_zone: tzinfo | None = None
_source: str | None = None


def pin(moment: datetime | None) -> None:
    """Pin the clock to a moment (None unpins it). A moment without an offset is read
    in the company's zone when first used (the zone may come from the database)."""
    global _pinned, _pinned_local
    _pinned = _pinned_local = None
    if moment is None:
        return
    if moment.tzinfo is None:
        _pinned_local = moment
        return
    _pinned = moment.astimezone(timezone.utc)


def set_zone(zone: tzinfo | None, source: str | None = None) -> None:
    """Set the zone and say where it came from (None: back to the default)."""
    global _zone, _source
    _zone, _source = zone, (source if zone is not None else None)


def zone_is_set() -> bool:
    return _zone is not None


def zone() -> tzinfo:
    """The zone user input is read in and output is shown in."""
    if _zone is not None:
        return _zone
    return ZoneInfo(DEFAULT_ZONE)


def zone_source() -> str:
    """Where the zone in force came from: --tz, RECEPTIONCTL_TZ, the policy, or the default."""
    return _source or f"default ({DEFAULT_ZONE})"


def zone_name(z: tzinfo | None = None) -> str:
    z = z or zone()
    return getattr(z, "key", None) or str(z)


def now() -> datetime:
    """The current moment, aware, in UTC."""
    if _pinned is not None:
        return _pinned
    if _pinned_local is not None:
        return _pinned_local.replace(tzinfo=zone()).astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in the display zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone())

