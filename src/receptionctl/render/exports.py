"""csv for a spreadsheet: the exports (`export … --format csv`) and the roll call (`onsite --format csv`).

Two forms of the same rows:

- the codes (`--codes`, and every run in English): the fields' names as the header, the stored
  codes as they are, booleans yes/no; the same bytes whatever the language, for scripts;
- for people, in Chinese: the header in Chinese, the coded values (purpose, status, stage, role,
  kind, state, category, severity, channel, intent) and the booleans (是/否) in Chinese, a task's
  title and its due time in words in Chinese.

Times are YYYY-MM-DD HH:MM in the company's zone in both. A cell that a spreadsheet would read
as a formula is written as text (a leading apostrophe). Never opens a session.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any, Iterable, Sequence

from receptionctl import i18n
from receptionctl.domain.core import clock
from receptionctl.i18n import N_, _, label

BOM = "\ufeff"  # Excel reads a csv as UTF-8 (Chinese right) only when it starts with one
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NESTED = ("escalations", "log", "answers")  # in JSON Lines only: a csv row is one flat record
MISSED_NOTE = N_("still open when the visit was completed")

# the header of a field for people: `export|FIELD`, shown as its translation, else as FIELD itself
# (i18n.label), so that a field without a translation keeps its name
HEADERS = {
    # visits
    "id": N_("export|id"), "client": N_("export|client"), "client_id": N_("export|client_id"),
    "purpose": N_("export|purpose"), "level": N_("export|level"), "status": N_("export|status"),
    "starts_at": N_("export|starts_at"), "ends_at": N_("export|ends_at"), "headcount": N_("export|headcount"),
    "venue": N_("export|venue"), "offsite": N_("export|offsite"), "urgent": N_("export|urgent"),
    "short_notice": N_("export|short_notice"), "host": N_("export|host"), "plan_status": N_("export|plan_status"),
    "reapproval": N_("export|reapproval"), "walk_in": N_("export|walk_in"), "offsite_kind": N_("export|offsite_kind"),
    # tasks
    "visit_id": N_("export|visit_id"), "key": N_("export|key"), "stage": N_("export|stage"),
    "title": N_("export|title"), "owner": N_("export|owner"), "owner_role": N_("export|owner_role"),
    "backup": N_("export|backup"), "owner_name": N_("export|owner_name"), "due_at": N_("export|due_at"),
    "done_at": N_("export|done_at"), "done_by": N_("export|done_by"), "state": N_("export|state"),
    "overdue": N_("export|overdue"), "note": N_("export|note"), "seq": N_("export|seq"),
    "visit_starts_at": N_("export|visit_starts_at"), "due_in_words": N_("export|due_in_words"),
    "planned_at": N_("export|planned_at"), "case_id": N_("export|case_id"),
    # cases
    "kind": N_("export|kind"), "source": N_("export|source"), "category": N_("export|category"),
    "severity": N_("export|severity"), "text": N_("export|text"), "about": N_("export|about"),
    "about_client": N_("export|about_client"), "about_client_id": N_("export|about_client_id"),
    "restricted": N_("export|restricted"), "received_at": N_("export|received_at"),
    "received_by": N_("export|received_by"), "acknowledged_at": N_("export|acknowledged_at"),
    "root_cause": N_("export|root_cause"), "action": N_("export|action"), "prevention": N_("export|prevention"),
    "resolved_at": N_("export|resolved_at"), "resolved_by": N_("export|resolved_by"),
    "callback_at": N_("export|callback_at"), "callback_note": N_("export|callback_note"),
    "satisfied": N_("export|satisfied"), "reviewed_at": N_("export|reviewed_at"),
    "reviewed_by": N_("export|reviewed_by"), "review_note": N_("export|review_note"),
    "closed_at": N_("export|closed_at"), "responsible": N_("export|responsible"),
    # feedback
    "score": N_("export|score"), "channel": N_("export|channel"), "intent": N_("export|intent"),
    "comment": N_("export|comment"), "suggestion": N_("export|suggestion"), "at": N_("export|at"),
    "by": N_("export|by"), "excellent": N_("export|excellent"), "below_red_line": N_("export|below_red_line"),
    # the roll call (onsite)
    "name": N_("export|name"), "company": N_("export|company"), "since": N_("export|since"),
    "where": N_("export|where"), "until": N_("export|until"),
}
# fields holding a stored code, and the kind it is translated as (i18n.code)
CODED = {"purpose": "purpose", "status": "status", "plan_status": "plan_status", "stage": "stage",
         "owner_role": "role", "state": "state", "kind": "kind", "source": "source", "category": "category",
         "severity": "severity", "channel": "channel", "intent": "intent", "offsite_kind": "offsite"}


def for_people(codes: bool) -> bool:
    """Whether a csv is written for people in the run's language: in Chinese, unless --codes."""
    return i18n.chinese() and not codes


def columns(row_type: type, codes: bool) -> list[str]:
    """The fields a csv of `row_type` (a read model) has: every flat one; for people, a task's
    title in their language stands for both titles (title_zh is left out)."""
    people = for_people(codes)
    return [f.name for f in dataclasses.fields(row_type)
            if f.name not in NESTED and not (people and f.name == "title_zh")]


def header(names: Sequence[str], codes: bool) -> list[str]:
    if not for_people(codes):
        return list(names)
    return [label(HEADERS[n]) if n in HEADERS else n for n in names]


def cell(value: Any, name: str = "", people: bool = False) -> str:
    """A value as a csv cell: codes as they are (for people: translated), times to the minute in
    the company's zone, booleans yes/no (for people: 是/否), formulas as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if people:
            return _("yes") if value else _("no")
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Enum):
        value = value.value
    if people and name in CODED and isinstance(value, str):
        value = i18n.code(value, CODED[name])
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def _value(row: Any, name: str, people: bool) -> Any:
    if people and name == "title" and hasattr(row, "title_zh"):
        from receptionctl.render.output import task_title

        return task_title(row)
    if people and name == "due_in_words":
        return row.shown_due  # the task's read model says it in the run's language
    if people and name == "note" and row.note == MISSED_NOTE:  # the engine's own note on a missed task
        return _(MISSED_NOTE)
    return getattr(row, name)


def write_csv(sink, rows: Iterable[Any], names: Sequence[str], codes: bool) -> None:
    """The export's csv into `sink` (a text stream): a BOM, the header, one row a record, CRLF
    line ends (RFC 4180, what Excel writes)."""
    people = for_people(codes)
    sink.write(BOM)
    out = csv.writer(sink, lineterminator="\r\n")
    out.writerow(header(names, codes))
    for r in rows:
        out.writerow([cell(_value(r, n, people), n, people) for n in names])


# -- the roll call: everyone on site now (onsite --format csv) -------------------------------
ROLL_CALL = ("name", "kind", "company", "host", "since", "where", "until")


def write_roll_call(sink, people: Iterable[Any], codes: bool) -> None:
    """The roll call's csv into `sink`: the header and one line a person ("\\n" line ends). For
    people in Chinese, a BOM first (Excel), Chinese headers and kinds (访客, 未预约访客, 临时通行证)."""
    human = for_people(codes)
    if human:
        sink.write(BOM)
    out = csv.writer(sink, lineterminator="\n")
    out.writerow(header(ROLL_CALL, codes))
    for p in people:
        out.writerow([i18n.code(p.kind, "onsite") if human and n == "kind" else cell(getattr(p, n), n, human)
                      for n in ROLL_CALL])
