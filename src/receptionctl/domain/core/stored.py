"""Words the tool writes into the database in English, as people read them.

The JSON shows them as they are stored; text output says them in the run's language:

- a plan's change notes (`change`): a change to a plan once it was submitted or approved is
  recorded in words, the plan's re-approval reason ("changed after approval: lodging set") and
  the note of its approval trail ("lodging set (was approved)", "checked in at the desk without
  an approved visit"), from the few patterns domain/visits writes (visits.reopen_plan and its
  callers);
- the words of a case opened by feedback under the red line (`case_text`): "feedback score 45
  is under the red line 60: <the comment>", written by domain.cases.open_red_line_case, which
  finds the case again by them.

A text they do not recognise (one a person typed, as an approval's note) is shown as it is.
"""

from __future__ import annotations

import re

from receptionctl.i18n import N_, _, chinese, code

# the fields a change names: the plan's (plans.set_plan) and the visit's (visits.edit_visit)
FIELDS = {"budget": N_("budget"), "per_person": N_("per person"), "catering": N_("catering"),
          "lodging": N_("lodging"), "transport": N_("transport"), "nda": N_("NDA"), "venue": N_("venue"),
          "headcount": N_("headcount"), "level": N_("level"), "purpose": N_("purpose"),
          "offsite": N_("off-site"), "urgent": N_("urgent")}
WALK_IN = N_("checked in at the desk without an approved visit")

_AFTER = re.compile(r"changed after approval: (.*)", re.S)
_WAS = re.compile(r"(.*) \(was (submitted|approved)\)", re.S)
_ITEM = re.compile(r"agenda item (['\"])(.*)\1 (added|changed|removed)", re.S)
_ASSIGNED = re.compile(r"([a-z_]+) (assigned|changed): (\S+)(?: \(backup (\S+)\))?")
_UNASSIGNED = re.compile(r"([a-z_]+) unassigned \(was (\S+)\)")
_SET = re.compile(r"[a-z_]+ set(?:, [a-z_]+ set)*")
_MOVED = re.compile(r"rescheduled from (\S+ \S+) to (\S+ \S+)")
_EDIT_FIELDS = "venue|headcount|level|purpose|offsite|urgent"
_EDITED = re.compile(rf"({_EDIT_FIELDS}) (.*?) → (.*?)(?=, (?:{_EDIT_FIELDS}) |$)", re.S)
_ITEM_WORDS = {"added": N_("agenda item {title} added"), "changed": N_("agenda item {title} changed"),
               "removed": N_("agenda item {title} removed")}


RED_LINE = "feedback score {score} is under the red line {red_line}"  # English: found again by its words
_RED_LINE = re.compile(r"^feedback score (?P<score>\d+) is under the red line (?P<red_line>\d+)(?:: (?P<comment>.*))?$",
                       re.DOTALL)


def case_text(text: str) -> str:
    """A case's words as shown: those of a case opened by red-line feedback in the run's language."""
    m = _RED_LINE.match(text or "")
    if not m or not chinese():
        return text
    shown = _(RED_LINE).format(score=m["score"], red_line=m["red_line"])
    return shown + (_(": {comment}").format(comment=m["comment"]) if m["comment"] else "")


def change(text: str | None) -> str | None:
    """A stored change note (a re-approval reason, an approval trail's note) in the run's language."""
    if not text or not chinese():
        return text
    if text == WALK_IN:
        return _(WALK_IN)
    m = _AFTER.fullmatch(text)
    if m:
        return _("changed after approval: {what}").format(what=_what(m[1]))
    m = _WAS.fullmatch(text)
    if m:
        return _("{what} (was {status})").format(what=_what(m[1]), status=code(m[2], "plan_status"))
    return _what(text)


def _field(name: str) -> str:
    return _(FIELDS[name]) if name in FIELDS else name


def _value(field: str, value: str) -> str:
    """A value of visits.edit_visit's note, written with str(): None, True, False, a purpose's code."""
    words = {"None": N_("none"), "True": N_("yes"), "False": N_("no")}
    if value in words:
        return _(words[value])
    return code(value, "purpose") if field == "purpose" else value


def _what(what: str) -> str:  # noqa: C901 (one pattern a line)
    m = _ITEM.fullmatch(what)
    if m:
        return _(_ITEM_WORDS[m[3]]).format(title=m[2])
    m = _ASSIGNED.fullmatch(what)
    if m:
        role, how, staff, backup = m.groups()
        said = (_("{role} assigned: {staff}") if how == "assigned" else _("{role} changed: {staff}")).format(
            role=code(role, "role"), staff=staff)
        return _("{assignment} (backup {backup})").format(assignment=said, backup=backup) if backup else said
    m = _UNASSIGNED.fullmatch(what)
    if m:
        return _("{role} unassigned (was {staff})").format(role=code(m[1], "role"), staff=m[2])
    if _SET.fullmatch(what):
        return _("{fields} set").format(fields=_(", ").join(_field(part[:-4]) for part in what.split(", ")))
    m = _MOVED.fullmatch(what)
    if m:
        return _("rescheduled from {start} to {new}").format(start=m[1], new=m[2])
    edits = list(_EDITED.finditer(what))
    if edits and ", ".join(e[0] for e in edits) == what:
        return _(", ").join(_("{field} {before} → {after}").format(
            field=_field(e[1]), before=_value(e[1], e[2]), after=_value(e[1], e[3])) for e in edits)
    return what
