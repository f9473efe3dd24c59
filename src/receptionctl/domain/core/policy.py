"""The company policy: every number of the procedure, with its default from the seeds.

Values are stored as text in the `policy` table and typed here; a missing row means
the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import select

from receptionctl.domain.core import access, clock
from receptionctl.domain.core.calendar import FESTIVALS
from receptionctl.domain.core.clock import DEFAULT_ZONE
from receptionctl.domain.core.vocab import InspectionArea as _InspectionArea
from receptionctl.domain.core.vocab import StaffRole as _StaffRole
from receptionctl.domain.core.vocab import Tier
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    source: str


def _identity(text: str) -> str:
    value = str(text).strip().lower()
    if value not in access.IDENTITY_MODES:
        raise ValueError(_("one of {modes}").format(modes=", ".join(access.IDENTITY_MODES)))
    return value


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ValueError(_("a whole number from {lo} to {hi}").format(lo=lo, hi=hi)) from None
        if value < lo:
            raise ValueError(_("a whole number from {lo} to {hi}: it must be {lo} or more").format(lo=lo, hi=hi))
        if value > hi:
            raise ValueError(_("a whole number from {lo} to {hi}: it must be {hi} or less").format(lo=lo, hi=hi))
        return value

    return parse


def _switch(text: str) -> bool:
    value = str(text).strip().lower()
    if value in ("on", "true", "yes", "1"):
        return True
    if value in ("off", "false", "no", "0"):
        return False
    raise ValueError(_("on or off"))


def _amount_or_none(text: str) -> Decimal | None:
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("an amount such as 150 or 150.50, or 'none'")) from None
    if value < 0 or not value.is_finite():
        raise ValueError(_("an amount such as 150 or 150.50, or 'none'"))
    return value


def _words(text: str) -> tuple[str, ...]:
    """A list of short lowercase words, comma-separated."""
    words = tuple(dict.fromkeys(w.strip().lower() for w in str(text).split(",") if w.strip()))
    if not words or any(not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", w) for w in words):
        raise ValueError(_("a comma-separated list of short lowercase words, such as service,staff,facility"))
    return words


def _weights(text: str) -> tuple[tuple[str, int], ...]:
    """The reception score's weights: satisfaction=40,compliance=40,conversion=20."""
    known = ("satisfaction", "compliance", "conversion")
    out = {}
    for part in str(text).split(","):
        m = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\d{1,3})\s*", part)
        if not m or m.group(1) not in known or m.group(1) in out:
            raise ValueError(_("weights such as satisfaction=40,compliance=40,conversion=20"))
        out[m.group(1)] = int(m.group(2))
    if not any(out.values()):
        raise ValueError(_("weights such as satisfaction=40,compliance=40,conversion=20 (not all 0)"))
    return tuple(out.items())


# quality (issue 26): how often each area must be inspected, in days (0: no interval)
INSPECTION_INTERVALS = (("process", 30), ("facility", 30), ("records", 30), ("emergency", 90), ("safety", 90),
                        ("dress", 30))


def _intervals(text: str) -> tuple[tuple[str, int], ...]:
    """area=DAYS, comma-separated: how often each inspection area must be inspected; an area not
    named keeps its default; 0: no interval."""
    areas = tuple(a.value for a in _InspectionArea)
    form = _("areas and days such as process=30,facility=30,emergency=90 (areas: {areas}; days 0 to 366, 0: "
             "none required)").format(areas=", ".join(areas))
    given: dict[str, int] = {}
    for part in str(text).split(","):
        m = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\d{1,3})\s*", part)
        if not m or m.group(1) not in areas or m.group(1) in given or int(m.group(2)) > 366:
            raise ValueError(form)
        given[m.group(1)] = int(m.group(2))
    return tuple((area, given.get(area, days)) for area, days in INSPECTION_INTERVALS)


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
            raise ValueError(_("shifts such as morning=7-15,middle=15-23,night=23-7 (or 07:00-15:30)"))
        out.append((m.group(1), start, end))
    if not out or len({n for n, _a, _b in out}) != len(out):
        raise ValueError(_("shifts such as morning=7-15,middle=15-23,night=23-7 (or 07:00-15:30)"))
    return tuple(out)


def _zone_name(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = str(text).strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("an IANA time zone such as Asia/Shanghai")) from None
    return text


def _country(text: str) -> str:
    """Its form only: whether the holidays package knows it is checked when it is set."""
    text = str(text).strip().upper()
    if not re.fullmatch(r"[A-Z]{2,3}", text):
        raise ValueError(_("an ISO 3166 country code the holidays package knows, such as CN"))
    return text


def _choices(known) -> Callable[[str], tuple[str, ...]]:
    """Some of `known`, comma-separated; none (or empty): none of them."""
    def parse(text: str) -> tuple[str, ...]:
        text = str(text).strip().lower()
        if text in ("", "none", "off"):
            return ()
        words = tuple(dict.fromkeys(w.strip().replace("-", "_") for w in text.split(",") if w.strip()))
        if any(w not in known for w in words):
            raise ValueError(_("a comma-separated list of {known}, or none").format(known=", ".join(known)))
        return words

    return parse


# records: attachments (issue 16). The file types whose content receptionctl can recognise
# (domain/records/attachments.py checks each file's content against its extension).
ATTACHMENT_TYPES = ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "mp4", "mov", "m4v", "pdf", "docx", "xlsx",
                    "pptx", "txt", "csv", "md")


def _file_types(text: str) -> tuple[str, ...]:
    """Attachment file types: extensions receptionctl can check, comma-separated."""
    words = tuple(dict.fromkeys(w.strip().lower().lstrip(".") for w in str(text).split(",") if w.strip()))
    if not words or any(w not in ATTACHMENT_TYPES for w in words):
        raise ValueError(_("a comma-separated list of file types from {types}").format(types=", ".join(ATTACHMENT_TYPES)))
    return words


# -- notifications (issue 17): who hears of which event, and on which channel --
NOTIFY_EVENTS = ("visit.new", "plan.submit", "plan.approve", "plan.reject", "task.assign", "task.done",
                 "feedback.add", "incident.add", "handover.refuse", "case.add", "promise.breach",
                 "feedback.request", "opportunity.stage", "case.escalate", "guest.arrived")
# people an event names (its payload's key holds their username), beside the staff roles
NOTIFY_PEOPLE = ("submitter", "host", "owner", "asked")
NOTIFY_ROUTES = (
    ("plan.submit", "approver"),
    ("plan.approve", "submitter+host"),
    ("plan.reject", "submitter+host"),
    ("task.assign", "owner"),
    ("feedback.add:red_line", "coordinator+duty_manager"),
    ("incident.add:critical", "coordinator+duty_manager"),
    ("handover.refuse", "coordinator+duty_manager+desk_supervisor"),
    ("case.add:complaint", "coordinator+duty_manager"),
    ("promise.breach", "coordinator+duty_manager"),
    ("case.escalate", "desk_supervisor"),  # a desk case not acknowledged in time: the shift leader
    ("guest.arrived", "host"),  # a guest checked in (issue 27): the visit's host (migration 0028 adds it to a stored value)
)
_ROUTES_FORM = N_("routes such as plan.submit=approver,incident.add:critical=coordinator+duty_manager: an event "
                  "({events}), optionally :WORD (a severity, kind or flag such as critical, complaint, red_line), then "
                  "staff roles or {people} joined by +; or none")


def _routes_form() -> str:
    return _(_ROUTES_FORM).format(events=", ".join(NOTIFY_EVENTS), people=", ".join(NOTIFY_PEOPLE))


def _notify_routes(text: str) -> tuple[tuple[str, str], ...]:
    """EVENT[:WORD]=TARGET+TARGET,...: who hears of which event ("none": nobody)."""
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return ()
    targets_known = {r.value for r in _StaffRole} | set(NOTIFY_PEOPLE)
    out: dict[str, str] = {}
    for part in text.split(","):
        m = re.fullmatch(r"\s*([a-z]+\.[a-z]+)(?::([a-z_]+))?\s*=\s*([a-z_+ ]+?)\s*", part)
        if not m or m.group(1) not in NOTIFY_EVENTS:
            raise ValueError(_routes_form())
        targets = [t.strip() for t in m.group(3).split("+")]
        if not all(t in targets_known for t in targets):
            raise ValueError(_routes_form())
        key = m.group(1) + (f":{m.group(2)}" if m.group(2) else "")
        out[key] = "+".join(dict.fromkeys(t for t in [*out.get(key, "").split("+"), *targets] if t))
    return tuple(out.items())


def _role_channels(text: str) -> str:
    """role=URL pairs, separated by spaces or ';' (the URL's own syntax is Apprise's, checked when
    it is set): kept as one normalised text, "coordinator=wecombot://KEY; duty_manager=..."."""
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return ""
    pairs: dict[str, str] = {}
    for part in re.split(r"[\s;]+", text):
        if not part:
            continue
        m = re.fullmatch(r"([a-z_]+)=([A-Za-z][A-Za-z0-9+.-]*://\S+)", part)
        if not m or m.group(1) not in {r.value for r in _StaffRole} or m.group(1) in pairs:
            raise ValueError(_("role=URL pairs separated by spaces or ';', one per role, such as "
                               "coordinator=wecombot://KEY; duty_manager=mailtos://user:pass@example.com; or none"))
        pairs[m.group(1)] = m.group(2)
    return "; ".join(f"{k}={v}" for k, v in pairs.items())


def role_channels(rules: dict[str, Any]) -> dict[str, str]:
    """The policy's channel of each role: {role: Apprise URL}."""
    text = rules.get("notify_role_channels") or ""
    return dict(p.split("=", 1) for p in text.split("; ") if "=" in p)


def _report_url(text: str) -> str:
    """The address of the full daily report (a page the team can open): http(s), no spaces, at most
    500 characters; {date} stands for the report's day (2026-12-07). Empty ("", none, off): no link."""
    return _web_address(text, "{date}", N_("an http or https address such as "
                                           "https://intranet.example.com/reports/{date}.html ({date}: the "
                                           "report's day), or none"))


def report_link(rules: dict[str, Any], day: date) -> str | None:
    """The policy's report_url for the report of `day` ({date} filled in), or None when there is none."""
    url = rules.get("report_url") or ""
    return url.replace("{date}", day.isoformat()) if url else None


def _form_url(text: str) -> str:
    """The address of the feedback form on the web: http(s), no spaces, at most 500 characters;
    {visit} stands for the visit's id. Empty ("", none, off): none (the client answers by mail)."""
    return _web_address(text, "{visit}", N_("an http or https address such as "
                                            "https://forms.example.com/reception?visit={visit} ({visit}: the "
                                            "visit's id), or none"))


def _web_address(text: str, placeholder: str, expected: str) -> str:
    """An http(s) address of at most 500 characters with no spaces, where `placeholder` may stand;
    empty ("", none, off) for none. Otherwise ValueError saying `expected` (a marked message)."""
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return ""
    rest = text.replace(placeholder, "")
    if len(text) > 500 or not re.fullmatch(r"https?://[^\s/?#{}]+[^\s{}]*", rest, re.IGNORECASE):
        raise ValueError(_(expected))
    return text


def _web_url(text: str) -> str:
    """The web front desk's address as people reach it (https://desk.example.com): http(s), no
    spaces, at most 500 characters, without a trailing slash. Empty ("", none, off): not set."""
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return ""
    if len(text) > 500 or not re.fullmatch(r"https?://[^\s/?#{}]+(/[^\s?#{}]*)?", text, re.IGNORECASE):
        raise ValueError(_("an http or https address such as https://desk.example.com, or none"))
    return text.rstrip("/")


def _reply_to(text: str) -> str:
    """A mail address for the client's answers (name@example.com), or none."""
    text = str(text).strip()
    if text.lower() in ("", "none", "off"):
        return ""
    if len(text) > 320 or not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", text):
        raise ValueError(_("a mail address such as service@example.com, or none"))
    return text


MAIL_LANGS = ("zh-CN", "en")  # the languages a mail to a client is written in


def _mail_lang(text: str) -> str:
    value = str(text).strip().replace("_", "-")
    for lang in MAIL_LANGS:
        if value.lower() == lang.lower():
            return lang
    raise ValueError(_("one of {langs}").format(langs=", ".join(MAIL_LANGS)))


def form_link(rules: dict[str, Any], visit_id: int) -> str | None:
    """The policy's feedback_form_url for a visit ({visit} filled in), or None when there is none."""
    url = rules.get("feedback_form_url") or ""
    return url.replace("{visit}", str(visit_id)) if url else None


def _minutes(text: str) -> str:
    """Minutes before each retry, such as 1,5,15,60 (kept as that text)."""
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or not all(p.isascii() and p.isdigit() and 0 < int(p) <= 10080 for p in parts):
        raise ValueError(_("minutes such as 1,5,15,60 (each from 1 to 10080)"))
    return ",".join(str(int(p)) for p in parts)


def channel_problem(url: str) -> str | None:
    """Why Apprise cannot use `url` as a channel (its own parser's words), or None when it can.
    Imports Apprise (slow): only where a URL is given or a message is sent."""
    import logging

    import apprise

    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        service = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset(storage_mode="memory"))
    if service is not None:
        return None
    said = " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())
    return said or "Apprise does not know this URL"


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("lead_working_days", 3, _int(0, 60), N_("working days of preparation before a visit"), "002"),
        Setting("urgent_lead_hours", 24, _int(0, 720), N_("hours of notice for an urgent reception"), "002"),
        Setting("host_early_minutes", 10, _int(0, 240), N_("the host is at the meeting point this early"), "002"),
        Setting("callback_hours", 24, _int(1, 720), N_("call the client back within these hours"), "002"),
        Setting("proposal_days", 3, _int(1, 90), N_("proposal draft within these days"), "002"),
        Setting("second_meeting_days", 7, _int(1, 180), N_("second meeting within these days"), "002"),
        Setting("update_interval_days", 7, _int(1, 90), N_("progress update every these days"), "002"),
        Setting("conversion_window_days", 30, _int(1, 365), N_("a deal or intention within these days converts"), "002"),
        Setting("excellent_score", 90, _int(0, 100), N_("a feedback score at or above this is excellent"), "002"),
        Setting("red_line_score", 60, _int(0, 100), N_("a feedback score below this starts an investigation"), "001"),
        Setting("investigation_days", 3, _int(1, 60), N_("days the cross-department investigation of a red-line feedback has"), "001"),
        Setting("deduction_min", 2, _int(0, 100), N_("fewest points deducted for a mistake"), "002"),
        Setting("deduction_max", 5, _int(0, 100), N_("most points deducted for a mistake"), "002"),
        Setting("equipment_response_minutes", 5, _int(1, 1440), N_("IT on site within these minutes of an equipment failure"), "002"),
        Setting("incident_response_minutes", 30, _int(1, 1440), N_("a serious incident is escalated within these minutes"), "001"),
        Setting("case_ack_minutes", 30, _int(1, 1440), N_("a case is acknowledged within these minutes of being received (respond at once)"), "003"),
        Setting("case_assign_minutes", 60, _int(1, 2880), N_("an acknowledged case has an owner within these minutes"), "001"),
        Setting("case_resolve_hours", 48, _int(1, 2160), N_("a case is resolved within these hours of being received"), "001"),
        Setting("case_resolve_hours_urgent", 4, _int(1, 720), N_("a high or critical case is resolved within these hours"), "001"),
        Setting("case_review_hours", 24, _int(1, 720), N_("the duty manager reviews a case within these hours of the callback"), "003"),
        Setting("case_categories", ("service", "staff", "facility", "product", "safety", "information", "other"),
                _words, N_("what a case may be about (comma-separated)"), "003"),
        Setting("pattern_days", 30, _int(1, 366), N_("days looked back for repeated causes"), "003"),
        Setting("pattern_count", 3, _int(2, 100), N_("this many cases of one client or one category within pattern_days is a pattern (an alert)"), "003"),
        Setting("desk_shifts", (("morning", "07:00", "15:00"), ("middle", "15:00", "23:00"), ("night", "23:00", "07:00")),
                _shifts, N_("the front desk's shifts and their hours"), "004"),
        Setting("handover_checklist", ("keys", "radios", "badge-stock", "cameras", "phone", "logbook"), _words,
                N_("what the outgoing and incoming shift check together at a handover"), "004"),
        Setting("desk_open_checklist", ("appearance", "counter", "lights", "computer", "phone", "radios",
                                        "badge-stock", "logbook"), _words,
                N_("what the desk checks before hours (`desk open`): the duty management checklist"), "003"),
        Setting("desk_close_checklist", ("passes", "mail", "keys", "radios", "computer", "lights", "doors", "logbook"),
                _words, N_("what the desk checks after hours (`desk close`): the duty management checklist"), "003"),
        Setting("handover_review_hours", 24, _int(1, 168), N_("the manager reviews a day's handovers within these hours of its end"), "004"),
        Setting("mail_days", 3, _int(1, 60), N_("mail not collected within these days is an alert"), "004"),
        Setting("no_show_minutes", 30, _int(1, 720), N_("a visit whose guests have not arrived this long after the start is a no-show"), "004"),
        Setting("report_lines_per_owner", 10, _int(1, 1000), N_("the daily report lists this many tasks per person and section, and counts the rest"), "002"),
        Setting("report_url", "", _report_url, N_("the address of the full daily report (such as the page a cron job "
                "publishes; {date}: the report's day): the chat message (`report daily --format markdown`) ends with "
                "a link to it, and points to it where it leaves lines out; empty: no link"), "025"),
        Setting("score_weights", (("satisfaction", 40), ("compliance", 40), ("conversion", 20)), _weights,
                N_("how the measures weigh in a person's reception score out of 100"), "002"),
        Setting("reception_weight", 15, _int(0, 100), N_("the share (%) of the reception score in the overall performance score"), "002"),
        # -- quality and safety (issue 26) --
        Setting("inspection_interval_days", INSPECTION_INTERVALS, _intervals, N_("how often each area must be "
                "inspected, in days (area=DAYS; an area not named keeps its default; 0: no interval): an area not "
                "inspected in time is an alert in the daily report (regular quality checks of the "
                "process, the facilities, the records and the emergency plans)"), "001"),
        Setting("drill_interval_days", 180, _int(0, 366), N_("an emergency drill at least every these days (0: no "
                "interval): none in time is an alert in the daily report (regular emergency drills)"),
                "001"),
        # -- records: the procedure's change record (issue 16) --
        Setting("procedure_ack_days", 3, _int(1, 60), N_("working days staff have to read a new procedure version "
                "(`procedure ack`) before the daily report names them (updates are made known promptly)"),
                "003"),
        # -- records: documents and the lending register (issue 16) --
        Setting("doc_loan_days", 1, _int(0, 365), N_("a document lent without a due day is due back after these days "
                "(0: the same day; the manual is returned right after use)"), "003"),
        Setting("doc_destroy_witness", True, _switch, N_("destroying a copy of a document needs a witness other than "
                "the person who records it (supervised destruction)"), "001"),
        Setting("doc_recall_destroy", True, _switch, N_("a recalled version stays an alert until every copy is "
                "destroyed (off: until every copy is back with its keeper)"), "003"),
        # -- records: attachments (issue 16) --
        Setting("attachment_max_mb", 50, _int(1, 2000), N_("the largest file (MB) that may be attached to a visit or "
                "a case"), "001"),
        Setting("attachment_photo_types", ("jpg", "jpeg", "png", "gif", "webp", "heic"), _file_types,
                N_("the file types (extensions) a photo may have"), "002"),
        Setting("attachment_video_types", ("mp4", "mov", "m4v"), _file_types, N_("the file types a video may have"), "002"),
        Setting("attachment_form_types", ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "txt", "csv", "md"), _file_types,
                N_("the file types a feedback form (a scan or its file) may have"), "002"),
        Setting("attachment_minutes_types", ("pdf", "docx", "txt", "md"), _file_types,
                N_("the file types minutes and notes of a reception may have"), "002"),
        Setting("attachment_contract_types", ("pdf", "docx", "jpg", "jpeg", "png"), _file_types,
                N_("the file types a contract (or its scan) may have"), "001"),
        Setting("attachment_other_types", ATTACHMENT_TYPES, _file_types,
                N_("the file types any other attachment may have"), "001"),
        # -- records: retention periods per record class (issue 16) --
        Setting("retention_id_number_days", 90, _int(1, 36500), N_("days after a visit ends (a pass is back) that "
                "identity numbers are kept, then removed (PIPL Arts. 19 and 28: sensitive, kept no longer than "
                "needed; GB/T 35273)"), "001"),
        Setting("retention_contact_days", 1095, _int(1, 36500), N_("days after a client's last visit that its "
                "contacts' and guests' names, titles, phone numbers and e-mail addresses are kept, then anonymised "
                "(PIPL Art. 19)"), "001"),
        Setting("retention_attachment_days", 1095, _int(1, 36500), N_("days after a visit ends (a case is closed) "
                "that its attachments are kept, then deleted (the reception archive)"), "002"),
        Setting("retention_case_days", 1095, _int(1, 36500), N_("days after a service case is closed that its free "
                "text is kept, then replaced (kind, category, severity, times, state and satisfaction stay)"), "001"),
        Setting("retention_audit_days", 1095, _int(180, 36500), N_("days the audit log is kept, never under 180 "
                "(Cybersecurity Law Art. 21: network logs kept at least six months)"), "001"),
        Setting("retention_alert_days", 7, _int(0, 365), N_("records due for destruction this many days with no "
                "retention run pending are an alert in the daily report"), "001"),
        # -- notifications (issue 17) --
        Setting("notify_routes", NOTIFY_ROUTES, _notify_routes, N_("who hears of which event: EVENT[:WORD]=TARGET+TARGET, "
                "comma-separated; a target is a staff role or the event's submitter, host, owner or asked person; "
                ":WORD narrows an event to a severity, kind or flag (incident.add:critical, case.add:complaint, "
                "feedback.add:red_line)"), "017"),
        Setting("notify_role_channels", "", _role_channels, N_("each role's channel, an Apprise URL (role=URL, separated "
                "by spaces or ';'), such as a WeCom group bot wecombot://KEY: it hears for the role's people who have "
                "no channel of their own"), "017"),
        Setting("notify_retries", 5, _int(0, 20), N_("a notification that cannot be sent is tried again this many times, "
                "then it is failed (the dead-letter list)"), "017"),
        Setting("notify_backoff_minutes", "1,5,15,60", _minutes, N_("minutes before each retry of a notification (the "
                "last one repeats)"), "017"),
        Setting("notify_timeout_seconds", 10, _int(1, 300), N_("seconds one notification may take to send"), "017"),
        # -- relationship care and the keepers of clients (issue 26) --
        Setting("care_days_before", 3, _int(0, 60), N_("a greeting task is due this many days before a contact's "
                "birthday, a holiday, a client's anniversary or care date (the working day before, when that is a "
                "day off)"), "001"),
        Setting("care_lookahead_days", 14, _int(1, 366), N_("`care list` and the daily report's care line look "
                "this many days ahead, and `care generate` opens the greeting tasks of the dates in them"), "001"),
        Setting("care_holidays", ("spring_festival", "dragon_boat", "mid_autumn", "national_day", "new_year"),
                _choices(tuple(FESTIVALS)), N_("the holidays on which the clients of care_tiers are greeted "
                "(new_year, spring_festival, tomb_sweeping, labor_day, dragon_boat, mid_autumn, national_day; "
                "the days from the holidays package for the policy's country), or none"), "001"),
        Setting("care_tiers", ("vip", "key"), _choices(tuple(t.value for t in Tier)), N_("the client tiers "
                "greeted on the care_holidays (vip, key, normal), or none"), "001"),
        Setting("vip_level", 2, _int(1, 3), N_("a VIP client's visit is received at this reception level or above "
                "(1 is the highest); a lower level only with an approver's waiver (--waive-level); 3: no rule"), "001"),
        Setting("lookahead_working_days", 3, _int(0, 30), N_("working days the daily report looks ahead"), "002"),
        Setting("roll_to_working_day", True, _switch, N_("a deadline in calendar days (d) that lands on a weekend or "
                "holiday moves to the next working day (before the visit: the previous one), same time of day"), "002"),
        Setting("per_person_limit", None, _amount_or_none, N_("most a plan may spend per person on meals ('none': no limit)"), "000"),
        Setting("country", "CN", _country, N_("country of the working-day calendar"), "002"),
        Setting("identity", "declared", _identity, N_("who acts: declared (--as, $RECEPTIONCTL_USER, the config file or "
                "the login name is taken at its word: a file one person uses), os (the operating-system login, mapped "
                "to a staff member by username or db_login) or db (PostgreSQL: the database login, mapped by "
                "db_login); under os and db, acting --as someone else needs an admin's login and is recorded as "
                "'USER (by admin LOGIN)'"), "018"),
        Setting("work_zone", DEFAULT_ZONE, _zone_name, N_("the company's time zone: times are typed and shown in it, working days and due dates are counted in it"), "002"),
        # -- signing in to the web front desk (issue 27) --
        Setting("password_min_length", 10, _int(8, 128), N_("a password (`staff password`) has at least this many "
                "characters"), "027"),
        Setting("login_max_failures", 5, _int(1, 100), N_("this many wrong passwords in a row lock a login to the "
                "web front desk (audited)"), "027"),
        Setting("login_lock_minutes", 15, _int(1, 1440), N_("a locked login opens again after these minutes"), "027"),
        # -- the follow-up pipeline and the feedback request (issue 26) --
        Setting("pipeline_stall_days", 30, _int(1, 365), N_("an open opportunity at the same stage longer than "
                "these days is an alert in the daily report (adjust the follow-up as the client answers)"), "001"),
        Setting("feedback_request", False, _switch, N_("when a visit is completed, mail the feedback questionnaire "
                "to the client's main contact (the first contact person, if they have an e-mail address), through "
                "the notification queue (`notify send`, which needs the smtp setting); off by default: a mail to a "
                "client is sent only once the company has set it up"), "001"),
        Setting("feedback_form_url", "", _form_url, N_("the address of the feedback form on the web, given in the "
                "questionnaire mail ({visit}: the visit's id); empty: the client answers by replying to the mail"),
                "001"),
        Setting("feedback_reply_to", "", _reply_to, N_("where the client's answers to the questionnaire go (the "
                "mail's Reply-To); empty: the mail's sender (mail_from)"), "001"),
        # -- calendars (issue 30) --
        Setting("web_url", "", _web_url, N_("the web front desk's address as people reach it (`receptionctl "
                "serve`, behind its proxy), such as https://desk.example.com: calendar addresses (`staff calendar "
                "USER --new`) begin with it; empty: not set"), "030"),
        Setting("calendar_cancelled_days", 30, _int(0, 366), N_("a cancelled visit stays in calendar exports and "
                "feeds, marked cancelled, this many days after it was cancelled, so that calendars remove it; then "
                "it is left out"), "030"),
        Setting("calendar_guest_names", False, _switch, N_("a person's calendar feed names the guests registered "
                "at the door of their visits; off by default: anyone holding the address would read them"), "030"),
        Setting("notify_staff_email", False, _switch, N_("a person with an e-mail address (`staff edit --email`) "
                "and no channel of their own gets their notifications by mail there (through the smtp setting); "
                "off by default"), "030"),
        Setting("feedback_language", "zh-CN", _mail_lang, N_("the language of the questionnaire mail when the "
                "contact has none of their own (contact edit --language): zh-CN or en"), "001"),
    ]
}


def parse_value(key: str, text: str) -> Any:
    setting = SETTINGS.get(key)
    if setting is None:
        raise BadInput(_("unknown policy key {key!r}").format(key=key),
                       hint=_("known keys: {keys}").format(keys=", ".join(sorted(SETTINGS))))
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise BadInput(_("policy {key} cannot be {text!r}: expected {expected}").format(key=key, text=text,
                                                                                        expected=exc)) from None


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
        return ",".join(value) or "none"
    return "none" if value is None else str(value)


def load(session: Session) -> dict[str, Any]:
    """Every setting, typed: the stored value where there is one, else the default. Read
    once per session (a command), then from the session's cache."""
    cached = session.info.get(CACHE)
    if cached is not None:
        return dict(cached)
    values = {k: s.default for k, s in SETTINGS.items()}
    times = {}
    for row in session.execute(select(light.policy.c.key, light.policy.c.value, light.policy.c.updated_at)):
        times[row.key] = row.updated_at
        if row.key in SETTINGS:
            try:
                values[row.key] = SETTINGS[row.key].parse(row.value)
            except ValueError:
                pass  # a value edited by hand into nonsense: keep the default
    session.info[CACHE] = dict(values)
    session.info[TIMES] = times
    return values


CACHE = "receptionctl.policy"
TIMES = "receptionctl.policy_times"  # when each stored setting was last set, read with the values


def set_at(session: Session, key: str):
    """When the setting `key` was last set (its row's time: `init` or `db migrate` wrote its
    default, or `policy set`), or None without a row; from the same single read as load()."""
    if TIMES not in session.info or CACHE not in session.info:
        load(session)
    return session.info[TIMES].get(key)


def work_zone(rules: dict[str, Any]):
    """The zone in which the company's days begin and end (working days, due dates)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(rules["work_zone"])


def today(of: Session | dict[str, Any]) -> date:
    """Today in the company's zone (the policy's work zone), at the clock's now: the one "today"
    of every area. `of` is a session (the policy is read, once per command) or the policy's rules.
    Never the display zone, which --tz changes, and never the machine's."""
    rules = of if isinstance(of, dict) else load(of)
    return clock.now().astimezone(work_zone(rules)).date()


def zone_setting(session: Session) -> tuple[str, bool]:
    """The work zone's name and whether the policy sets it (False: the default). One query."""
    stored = session.scalar(select(light.policy.c.value).where(light.policy.c.key == "work_zone"))
    if stored is not None:
        try:
            return _zone_name(stored), True
        except ValueError:
            pass  # a value edited by hand into nonsense: the default
    return DEFAULT_ZONE, False
