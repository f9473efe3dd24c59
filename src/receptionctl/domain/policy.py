"""The company policy: every number of the procedure, with its default from the seeds.

Values are stored as text in the `policy` table and typed here; a missing row means
the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.domain import access, audit, clock
from receptionctl.domain.calendar import calendar_for
from receptionctl.domain.clock import DEFAULT_ZONE
from receptionctl.errors import BadInput
from receptionctl.store.models import Policy


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    source: str


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ValueError(f"a whole number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ValueError(f"a whole number from {lo} to {hi}")
        return value

    return parse


def _switch(text: str) -> bool:
    value = str(text).strip().lower()
    if value in ("on", "true", "yes", "1"):
        return True
    if value in ("off", "false", "no", "0"):
        return False
    raise ValueError("on or off")


def _amount_or_none(text: str) -> Decimal | None:
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("an amount such as 150 or 150.50, or 'none'") from None
    if value < 0 or not value.is_finite():
        raise ValueError("an amount such as 150 or 150.50, or 'none'")
    return value


def _words(text: str) -> tuple[str, ...]:
    """A list of short lowercase words, comma-separated."""
    words = tuple(dict.fromkeys(w.strip().lower() for w in str(text).split(",") if w.strip()))
    if not words or any(not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", w) for w in words):
        raise ValueError("a comma-separated list of short lowercase words, such as service,staff,facility")
    return words


def _weights(text: str) -> tuple[tuple[str, int], ...]:
    """The reception score's weights: satisfaction=40,compliance=40,conversion=20."""
    known = ("satisfaction", "compliance", "conversion")
    out = {}
    for part in str(text).split(","):
        m = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\d{1,3})\s*", part)
        if not m or m.group(1) not in known or m.group(1) in out:
            raise ValueError("weights such as satisfaction=40,compliance=40,conversion=20")
        out[m.group(1)] = int(m.group(2))
    if not any(out.values()):
        raise ValueError("weights such as satisfaction=40,compliance=40,conversion=20 (not all 0)")
    return tuple(out.items())


def _hhmm(text: str) -> str | None:
    """07, 7 or 07:30 -> "07:00" / "07:30"; None when it is not a time of day."""
    m = re.fullmatch(r"([0-2]?\d)(?::([0-5]\d))?", text.strip())
    if not m or int(m.group(1)) > 24 or (int(m.group(1)) == 24 and m.group(2) not in (None, "00")):
        return None
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def _shifts(text: str) -> tuple[tuple[str, str, str], ...]:
    """The desk's shifts: name=FROM-TO, comma-separated, hours (7-15) or times (07:00-15:30);
    a shift may run past midnight."""
    out = []
    for part in str(text).split(","):
        m = re.fullmatch(r"\s*([a-z][a-z0-9_-]{0,31})\s*=\s*([0-9:]+)\s*-\s*([0-9:]+)\s*", part)
        start, end = (_hhmm(m.group(2)), _hhmm(m.group(3))) if m else (None, None)
        if not m or start is None or end is None or start == "24:00":
            raise ValueError("shifts such as morning=7-15,middle=15-23,night=23-7 (or 07:00-15:30)")
        out.append((m.group(1), start, end))
    if not out or len({n for n, _, _ in out}) != len(out):
        raise ValueError("shifts such as morning=7-15,middle=15-23,night=23-7 (or 07:00-15:30)")
    return tuple(out)


def _zone_name(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = str(text).strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as Asia/Shanghai") from None
    return text


def _country(text: str) -> str:
    """Its form only: whether the holidays package knows it is checked when it is set."""
    text = str(text).strip().upper()
    if not re.fullmatch(r"[A-Z]{2,3}", text):
        raise ValueError("an ISO 3166 country code the holidays package knows, such as CN")
    return text


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("lead_working_days", 3, _int(0, 60), "working days of preparation before a visit", "002"),
        Setting("urgent_lead_hours", 24, _int(0, 720), "hours of notice for an urgent reception", "002"),
        Setting("host_early_minutes", 10, _int(0, 240), "the host is at the meeting point this early", "002"),
        Setting("callback_hours", 24, _int(1, 720), "call the client back within these hours", "002"),
        Setting("proposal_days", 3, _int(1, 90), "proposal draft within these days", "002"),
        Setting("second_meeting_days", 7, _int(1, 180), "second meeting within these days", "002"),
        Setting("update_interval_days", 7, _int(1, 90), "progress update every these days", "002"),
        Setting("conversion_window_days", 30, _int(1, 365), "a deal or intention within these days converts", "002"),
        Setting("excellent_score", 90, _int(0, 100), "a feedback score at or above this is excellent", "002"),
        Setting("red_line_score", 60, _int(0, 100), "a feedback score below this starts an investigation", "001"),
        Setting("investigation_days", 3, _int(1, 60), "days the cross-department investigation of a red-line feedback has", "001"),
        Setting("deduction_min", 2, _int(0, 100), "fewest points deducted for a mistake", "002"),
        Setting("deduction_max", 5, _int(0, 100), "most points deducted for a mistake", "002"),
        Setting("equipment_response_minutes", 5, _int(1, 1440), "IT on site within these minutes of an equipment failure", "002"),
        Setting("incident_response_minutes", 30, _int(1, 1440), "a serious incident is escalated within these minutes", "001"),
        Setting("case_ack_minutes", 30, _int(1, 1440), "a case is acknowledged within these minutes of being received (respond at once)", "003"),
        Setting("case_assign_minutes", 60, _int(1, 2880), "an acknowledged case has an owner within these minutes", "001"),
        Setting("case_resolve_hours", 48, _int(1, 2160), "a case is resolved within these hours of being received", "001"),
        Setting("case_resolve_hours_urgent", 4, _int(1, 720), "a high or critical case is resolved within these hours", "001"),
        Setting("case_review_hours", 24, _int(1, 720), "the duty manager reviews a case within these hours of the callback", "003"),
        Setting("case_categories", ("service", "staff", "facility", "product", "safety", "information", "other"),
                _words, "what a case may be about (comma-separated)", "003"),
        Setting("pattern_days", 30, _int(1, 366), "days looked back for repeated causes", "003"),
        Setting("pattern_count", 3, _int(2, 100), "this many cases of one client or one category within pattern_days is a pattern (an alert)", "003"),
        Setting("desk_shifts", (("morning", "07:00", "15:00"), ("middle", "15:00", "23:00"), ("night", "23:00", "07:00")),
                _shifts, "the front desk's shifts and their hours", "004"),
        Setting("handover_checklist", ("keys", "radios", "badge-stock", "cameras", "phone", "logbook"), _words,
                "what the outgoing and incoming shift check together at a handover", "004"),
        Setting("handover_review_hours", 24, _int(1, 168), "the manager reviews a day's handovers within these hours of its end", "004"),
        Setting("mail_days", 3, _int(1, 60), "mail not collected within these days is an alert", "004"),
        Setting("no_show_minutes", 30, _int(1, 720), "a visit whose guests have not arrived this long after the start is a no-show", "004"),
        Setting("report_lines_per_owner", 10, _int(1, 1000), "the daily report lists this many tasks per person and section, and counts the rest", "002"),
        Setting("score_weights", (("satisfaction", 40), ("compliance", 40), ("conversion", 20)), _weights,
                "how the measures weigh in a person's reception score out of 100", "002"),
        Setting("reception_weight", 15, _int(0, 100), "the share (%) of the reception score in the overall performance score", "002"),
        Setting("lookahead_working_days", 3, _int(0, 30), "working days the daily report looks ahead", "002"),
        Setting("roll_to_working_day", True, _switch, "a deadline in calendar days (d) that lands on a weekend or "
                "holiday moves to the next working day (before the visit: the previous one), same time of day", "002"),
        Setting("per_person_limit", None, _amount_or_none, "most a plan may spend per person on meals ('none': no limit)", "000"),
        Setting("country", "CN", _country, "country of the working-day calendar", "002"),
        Setting("work_zone", DEFAULT_ZONE, _zone_name, "the company's time zone: times are typed and shown in it, working days and due dates are counted in it", "002"),
    ]
}


def parse_value(key: str, text: str) -> Any:
    setting = SETTINGS.get(key)
    if setting is None:
        raise BadInput(f"unknown policy key {key!r}", hint="known keys: " + ", ".join(sorted(SETTINGS)))
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise BadInput(f"policy {key} cannot be {text!r}: expected {exc}") from None


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple) and value and isinstance(value[0], tuple) and len(value[0]) == 2:  # weights
        return ",".join(f"{k}={v}" for k, v in value)
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):  # shifts
        def hour(t: str) -> str:
            return str(int(t[:2])) if t.endswith(":00") else t
        return ",".join(f"{n}={hour(a)}-{hour(b)}" for n, a, b in value)
    if isinstance(value, tuple):
        return ",".join(value)
    return "none" if value is None else str(value)


def load(session: Session) -> dict[str, Any]:
    """Every setting, typed: the stored value where there is one, else the default. Read
    once per session (a command), then from the session's cache."""
    cached = session.info.get(_CACHE)
    if cached is not None:
        return dict(cached)
    values = {k: s.default for k, s in SETTINGS.items()}
    for row in session.execute(select(Policy.key, Policy.value)):
        if row.key in SETTINGS:
            try:
                values[row.key] = SETTINGS[row.key].parse(row.value)
            except ValueError:
                pass  # a value edited by hand into nonsense: keep the default
    session.info[_CACHE] = dict(values)
    return values


_CACHE = "receptionctl.policy"


@dataclass(frozen=True)
class PolicyView:
    key: str
    value: Any
    default: Any
    help: str
    source: str
    updated_at: Any
    updated_by: str | None


def show(session: Session) -> list[PolicyView]:


    rows = {r.key: r for r in session.scalars(select(Policy))}
    values = load(session)
    return [
        PolicyView(k, values[k], s.default, s.help, s.source,
                   rows[k].updated_at if k in rows else None, rows[k].updated_by if k in rows else None)
        for k, s in SETTINGS.items()
    ]


def set_value(session: Session, actor: str, key: str, text: str) -> PolicyView:
    """Change one setting (admin only), validated and typed, with an audit event."""

    access.require(session, actor, frozenset(), "change the policy")
    value = parse_value(key, text)
    if key == "country":
        try:
            calendar_for(value).check()
        except BadInput:
            raise BadInput(f"policy country cannot be {text!r}: expected an ISO 3166 country code the "
                           "holidays package knows, such as CN") from None
    current = load(session)
    before = current[key]
    after = {**current, key: value}
    for low, high in (("deduction_min", "deduction_max"), ("red_line_score", "excellent_score")):
        if after[low] > after[high]:
            raise BadInput(f"policy {key} cannot be {text!r}: {low} ({after[low]}) must not exceed {high} ({after[high]})")
    row = session.get(Policy, key)
    if row is None:
        row = Policy(key=key, value=to_text(value), updated_at=clock.now(), updated_by=actor)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by = to_text(value), clock.now(), actor
    session.flush()
    session.info.pop(_CACHE, None)
    audit.record(session, actor, "policy.set", "policy", None, before={key: to_text(before)},
                 after={key: to_text(value)})
    return next(v for v in show(session) if v.key == key)


def work_zone(rules: dict[str, Any]):
    """The zone in which the company's days begin and end (working days, due dates)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(rules["work_zone"])


def zone_setting(session: Session) -> tuple[str, bool]:
    """The work zone's name and whether the policy sets it (False: the default). One query."""
    stored = session.scalar(select(Policy.value).where(Policy.key == "work_zone"))
    if stored is not None:
        try:
            return _zone_name(stored), True
        except ValueError:
            pass  # a value edited by hand into nonsense: the default
    return DEFAULT_ZONE, False
