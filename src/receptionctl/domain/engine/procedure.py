"""The procedure: what must be done before, during and after a visit, by whom and by when,
as data. A TOML file is validated whole (file, line and reason for the first fault),
loaded into the database and versioned; each visit keeps the version it started with."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from receptionctl import i18n, reasons
from receptionctl.domain.core import access, audit, clock
from receptionctl.domain.core.base import required_text
from receptionctl.domain.core.due import OffsetError, parse_due, parse_every
from receptionctl.domain.core.policy import SETTINGS
from receptionctl.domain.core.vocab import STAGES, OffsiteKind, Purpose, StaffRole, VisitRole
from receptionctl.domain.engine.events import EVENTS, canonical
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OWNERS = {r.value for r in VisitRole} | {r.value for r in StaffRole}
TASK_KEYS = {
    "key", "stage", "title", "title_zh", "owner", "due", "levels", "purposes", "offsite", "offsite_kinds", "nda",
    "repeat", "source", "notes", "done_when", "closes_on", "opens_on", "when", "per", "owner_fallback", "only_owner",
    "chain",
}
PER = {"incident"}  # subjects an event-opened task may be kept per (one task per incident)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
REQUIRED = ("key", "stage", "title", "owner", "due")
TOP_KEYS = {"name", "version", "description", "tasks", "questions"}
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_HEADER = re.compile(r"^\s*\[\[\s*tasks\s*\]\]")
# the feedback form's questions: [[questions]] tables
QUESTION_KINDS = ("scale", "text")
QUESTION_KEYS = {"key", "text", "text_zh", "kind", "weight", "source"}
_QKEY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_QUESTIONS = 50
MAX_WEIGHT = 1000
# how a version was issued (seed 003's 更新方式): the manual reprinted whole, a head-office
# circular attached to it, or a simple amendment made in place and noted in the record
METHODS = ("reprint", "circular", "amend")
DEFAULT_METHOD = "amend"
INIT_REASON = N_("the default procedure, loaded at init")  # stored English; shown translated
# what a change of each task field counts as in the change record (every field but the key)
CHANGE_KINDS = {
    "retimed": ("stage", "due", "repeat", "opens_on", "closes_on", "chain"),
    "reworded": ("title", "title_zh", "notes", "source"),
    "reassigned": ("owner", "owner_fallback", "only_owner"),
    "conditions": ("levels", "purposes", "offsite", "offsite_kinds", "nda", "when", "per"),
}
QUESTION_FIELDS = ("text", "text_zh", "kind", "weight", "source")


@dataclass(frozen=True)
class TaskSpec:
    key: str
    stage: str
    title: str
    owner: str
    due: str
    title_zh: str | None = None
    levels: tuple[int, ...] = (1, 2, 3)
    purposes: tuple[str, ...] | None = None  # None: every purpose
    offsite: bool | None = None  # None: on-site and off-site alike
    nda: bool | None = None
    repeat: str | None = None
    source: str | None = None
    notes: str | None = None
    closes_on: str | None = None  # the event that completes the task (was `done_when`)
    opens_on: str | None = None  # the event that opens it; None: its stage's (visit.recorded/completed)
    when: dict | None = None  # conditions on the event's data: field -> allowed values
    per: str | None = None  # "incident": one task per incident, closed by that incident's events
    owner_fallback: tuple[str, ...] | None = None  # roles to fall to when the owner role is unassigned
    only_owner: bool = False  # only someone holding the owner role may mark it done (not a coordinator)
    # a step of the business follow-up chain (proposal, second meeting, weekly updates): it ends,
    # skipped with the reason, when the client's opportunity is won or lost (issue 26)
    chain: bool = False
    # off-site of these kinds only (client-site, fair, event, other); None: any (as `offsite` says)
    offsite_kinds: tuple[str, ...] | None = None

    def applies(self, level: int, purpose: str, offsite: bool, nda: bool, offsite_kind: str | None = None) -> bool:
        """Whether the step applies to a visit of this level, purpose, place and NDA; an off-site
        visit of no kind (recorded before the kinds) counts as "other"."""
        return (
            level in self.levels
            and (self.purposes is None or purpose in self.purposes)
            and (self.offsite is None or self.offsite == offsite)
            and (self.offsite_kinds is None or (offsite and (offsite_kind or "other") in self.offsite_kinds))
            and (self.nda is None or self.nda == nda)
        )

    def applies_to(self, visit, nda: bool) -> bool:
        """applies() for a visit row (its level, purpose, offsite and offsite_kind)."""
        return self.applies(visit.level, visit.purpose, visit.offsite, nda, getattr(visit, "offsite_kind", None))

    def matches(self, data) -> bool:
        """Whether an event's data meets the `when` conditions."""
        return all(data.get(k) in allowed for k, allowed in (self.when or {}).items())

    def key_for(self, data) -> str:
        """The task's key: the step's, with the subject's id for a per-subject step."""
        return f"{self.key}-{data[self.per]}" if self.per else self.key


@dataclass(frozen=True)
class QuestionSpec:
    """One question of the feedback form: `scale` is answered 1 (poor) to 5 (excellent) and
    weighted into the 0-100 score; `text` is answered in words and carries no weight."""

    key: str
    text: str
    kind: str
    text_zh: str | None = None
    weight: float | None = None  # scale questions only; positive
    source: str | None = None


@dataclass(frozen=True)
class Procedure:
    name: str
    version: str
    tasks: tuple[TaskSpec, ...]
    description: str | None = None
    id: int | None = None
    loaded_at: datetime | None = None
    loaded_by: str | None = None
    questions: tuple[QuestionSpec, ...] = ()  # the feedback form; a file without them gets the default's

    def for_stage(self, stage: str) -> list[TaskSpec]:
        return [t for t in self.tasks if t.stage == stage]


class ProcedureError(BadInput):
    pass


def _line_of(lines: list[str], index: int, key: str | None, table: str = "tasks") -> int:
    """The line of the index-th [[tasks]] (or [[questions]]) table, or of `key` inside it (1-based)."""
    header = _HEADER if table == "tasks" else re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
    starts = [i for i, l in enumerate(lines) if header.match(l)]
    if index >= len(starts):
        inline = next((i for i, l in enumerate(lines) if re.match(rf"^\s*{table}\s*=", l)), 0)
        return inline + 1
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    if key is not None:
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pat.match(lines[i]):
                return i + 1
    return start + 1


def parse(text: str, source: str = "<procedure>") -> Procedure:
    """Validate a whole procedure file; the first fault is a ProcedureError naming the
    file, the line and the reason."""
    lines = text.splitlines()

    def fail(line: int, reason: str):
        raise ProcedureError(_("{source}, line {line}: {reason}").format(source=source, line=line, reason=reason),
                             hint=_("fix the file and load it again; the procedure in use is unchanged"))

    data = _document(text, lines, fail)
    keys = {k for k, setting in SETTINGS.items()
            if isinstance(setting.default, int) and not isinstance(setting.default, bool)}
    seen: dict[str, int] = {}
    specs = [_task(raw, i, lines, fail, keys, seen) for i, raw in enumerate(data["tasks"])]
    questions = _questions(data["questions"], lines, fail) if "questions" in data else default_questions()
    return Procedure(name=data["name"].strip(), version=data["version"].strip(), tasks=tuple(specs),
                     description=data.get("description"), questions=questions)


def _document(text: str, lines: list[str], fail) -> dict:
    """The file read as TOML, its top-level keys checked, with at least one task."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        fail(int(m.group(1)) if m else 1, _("not valid TOML: {error}").format(error=reasons.toml(exc)))
    for key in data:
        if key not in TOP_KEYS:
            m = next((i + 1 for i, l in enumerate(lines) if re.match(rf"^\s*\[?{re.escape(key)}\b", l)), 1)
            fail(m, _("unknown top-level key {key!r} (expected name, version, description, [[tasks]], "
                      "[[questions]])").format(key=key))
    for key, limit in (("name", 200), ("version", 64)):
        line = next((i + 1 for i, l in enumerate(lines) if re.match(rf"^\s*{key}\s*=", l)), 1)
        if key not in data:
            fail(1, _("missing top-level {key!r} (a non-empty string)").format(key=key))
        if not isinstance(data[key], str) or not data[key].strip() or len(data[key]) > limit:
            fail(line, _("{key} must be a string of 1 to {limit} characters, such as \"2026.1\"").format(
                key=key, limit=limit))
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        fail(1, _("no [[tasks]]: a procedure needs at least one task"))
    return data


def _task(raw, i: int, lines: list[str], fail, keys: set[str], seen: dict[str, int]) -> TaskSpec:
    """One [[tasks]] entry checked: its keys, stage, owner, due, repeat, levels and purposes
    (`seen`: the keys so far, with their lines)."""
    at = lambda k=None: _line_of(lines, i, k)  # noqa: E731
    if not isinstance(raw, dict):
        fail(at(), _("task #{n} is not a table: expected [[tasks]] with keys").format(n=i + 1))
    for k in raw:
        if k not in TASK_KEYS:
            fail(at(k), _("unknown key {key!r} in a task (expected {keys})").format(
                key=k, keys=", ".join(sorted(TASK_KEYS))))
    for k in REQUIRED:
        if not isinstance(raw.get(k), str) or not raw[k].strip():
            fail(at(), _("task #{n} has no {key!r} (a non-empty string)").format(n=i + 1, key=k))
    key = raw["key"].strip()
    if not _KEY.match(key):
        fail(at("key"), _("task key {key!r} is not valid: expected lower-case letters, digits, '-' or "
                          "'_'").format(key=key))
    if key in seen:
        fail(at("key"), _("duplicate task key {key!r} (first at line {line})").format(key=key, line=seen[key]))
    seen[key] = at("key")
    if raw["stage"] not in STAGES:
        fail(at("stage"), _("unknown stage {stage!r} (expected prepare, receive or followup)").format(
            stage=raw["stage"]))
    if raw["owner"] not in OWNERS:
        fail(at("owner"), _("unknown owner role {role!r} (expected one of {roles})").format(
            role=raw["owner"], roles=", ".join(sorted(OWNERS))))
    repeat = _timing(raw, at, fail, keys)
    levels = raw.get("levels", [1, 2, 3])
    if not isinstance(levels, list) or not levels or any(type(l) is not int or l not in (1, 2, 3) for l in levels):
        fail(at("levels"), _("levels {levels!r} must be a list of 1, 2 and 3").format(levels=levels))
    purposes = raw.get("purposes")
    if purposes is not None:
        known = {p.value for p in Purpose}
        if (not isinstance(purposes, list) or not purposes
                or any(not isinstance(p, str) or p not in known for p in purposes)):
            fail(at("purposes"), _("purposes {purposes!r} must be a list of {known}").format(
                purposes=purposes, known=", ".join(sorted(known))))
    _offsite_kinds(raw, at, fail)
    return _task_events(raw, at, fail, keys, key, repeat, levels, purposes)


def _offsite_kinds(raw, at, fail) -> None:
    """`offsite_kinds`: a list of client-site, fair, event and other, on a step that is not on-site only."""
    kinds = raw.get("offsite_kinds")
    if kinds is None:
        return
    known = [k.value for k in OffsiteKind]
    if not isinstance(kinds, list) or not kinds or any(not isinstance(k, str) or k not in known for k in kinds):
        fail(at("offsite_kinds"), _("offsite_kinds {kinds!r} must be a list of {known}").format(
            kinds=kinds, known=", ".join(known)))
    if raw.get("offsite") is False:
        fail(at("offsite_kinds"), _("offsite_kinds names where an off-site visit is held: the step cannot be "
                                    "offsite = false too"))


def _timing(raw, at, fail, keys: set[str]) -> str | None:
    """A task's due offset and its repeat, checked; the repeat (None: it does not repeat)."""
    try:
        parse_due(raw["due"], keys)
    except OffsetError as exc:
        fail(at("due"), str(exc))
    repeat = raw.get("repeat")
    if repeat is not None:
        if not isinstance(repeat, str):
            fail(at("repeat"), _("repeat must be a string such as \"7d\""))
        try:
            parse_every(repeat, keys)
        except OffsetError as exc:
            fail(at("repeat"), str(exc))
    return repeat


def _task_events(raw, at, fail, keys: set[str], key: str, repeat, levels, purposes) -> TaskSpec:
    """The rest of a task: the events that open and close it, its conditions, fallback owners,
    flags and texts."""
    closes_on = _event(raw, "closes_on", fail, at) or (canonical(raw["done_when"]) if "done_when" in raw else None)
    if "done_when" in raw and closes_on not in EVENTS:
        fail(at("done_when"), _("{key} {value!r} is not an event (expected one of {events})").format(
            key="done_when", value=raw["done_when"], events=", ".join(EVENTS)))
    opens_on = _event(raw, "opens_on", fail, at)
    if parse_due(raw["due"]).anchor == "event" and opens_on is None:
        fail(at("due"), _("due {due!r} counts from an event: the task needs opens_on").format(due=raw["due"]))
    when = _when(raw, opens_on, fail, at)
    per = raw.get("per")
    if per is not None and (per not in PER or opens_on is None or per not in EVENTS[opens_on].fields):
        fail(at("per"), _("per {per!r} is not valid: expected \"incident\", with opens_on an incident "
                          "event").format(per=per))
    fallback = raw.get("owner_fallback")
    if fallback is not None and (not isinstance(fallback, list)
                                 or any(not isinstance(o, str) or o not in OWNERS for o in fallback)):
        fail(at("owner_fallback"), _("owner_fallback {fallback!r} must be a list of owner roles").format(
            fallback=fallback))
    if opens_on is not None:
        known = set(EVENTS[opens_on].fields) | keys
        for text_key in ("title", "title_zh"):
            unknown = set(_PLACEHOLDER.findall(str(raw.get(text_key) or ""))) - known
            if unknown:
                fields = ", ".join(sorted(EVENTS[opens_on].fields)) or _("no event fields")
                fail(at(text_key), _("{key} names {name!r}: expected one of {fields} or a whole-number policy "
                                     "setting").format(key=text_key, name=sorted(unknown)[0], fields=fields))
    for flag in ("offsite", "nda", "only_owner", "chain"):
        if flag in raw and not isinstance(raw[flag], bool):
            fail(at(flag), _("{key} must be true or false").format(key=flag))
    for text_key in ("title", "title_zh", "source", "notes"):
        if text_key in raw and (not isinstance(raw[text_key], str) or len(raw[text_key]) > 1000):
            fail(at(text_key), _("{key} must be a string of at most 1000 characters").format(key=text_key))
    return TaskSpec(
        key=key, stage=raw["stage"], title=raw["title"].strip(), owner=raw["owner"], due=raw["due"].strip(),
        title_zh=raw.get("title_zh"), levels=tuple(sorted(set(levels))),
        purposes=tuple(purposes) if purposes is not None else None, offsite=raw.get("offsite"),
        nda=raw.get("nda"), repeat=repeat, source=raw.get("source"), notes=raw.get("notes"),
        closes_on=closes_on, opens_on=opens_on, when=when, per=per,
        owner_fallback=tuple(fallback) if fallback else None, only_owner=bool(raw.get("only_owner", False)),
        chain=bool(raw.get("chain", False)),
        offsite_kinds=tuple(raw["offsite_kinds"]) if raw.get("offsite_kinds") else None,
    )


def _questions(raw_questions, lines: list[str], fail) -> tuple[QuestionSpec, ...]:  # noqa: C901 (one check a line)
    """The [[questions]] of the feedback form: at least one scale question, keys unique."""
    if not isinstance(raw_questions, list) or not raw_questions:
        fail(_line_of(lines, 0, None, "questions"), _("questions must be [[questions]] tables, at least one"))
    if len(raw_questions) > MAX_QUESTIONS:
        fail(_line_of(lines, MAX_QUESTIONS, None, "questions"), _("more than {n} questions").format(n=MAX_QUESTIONS))
    out: list[QuestionSpec] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_questions):
        at = lambda k=None: _line_of(lines, i, k, "questions")  # noqa: E731
        if not isinstance(raw, dict):
            fail(at(), _("question #{n} is not a table: expected [[questions]] with keys").format(n=i + 1))
        for k in raw:
            if k not in QUESTION_KEYS:
                fail(at(k), _("unknown key {key!r} in a question (expected {keys})").format(
                    key=k, keys=", ".join(sorted(QUESTION_KEYS))))
        for k in ("key", "text", "kind"):
            if not isinstance(raw.get(k), str) or not raw[k].strip():
                fail(at(), _("question #{n} has no {key!r} (a non-empty string)").format(n=i + 1, key=k))
        key = raw["key"].strip()
        if not _QKEY.match(key):
            fail(at("key"), _("question key {key!r} is not valid: expected lower-case letters, digits, '-' or '_' "
                              "(at most 32), such as \"q1\"").format(key=key))
        if key in seen:
            fail(at("key"), _("duplicate question key {key!r} (first at line {line})").format(key=key,
                                                                                            line=seen[key]))
        seen[key] = at("key")
        kind = raw["kind"]
        if kind not in QUESTION_KINDS:
            fail(at("kind"), _("question kind {kind!r} is not valid: expected scale (answered 1 to 5, weighted "
                               "into the score) or text (answered in words)").format(kind=kind))
        for text_key in ("text", "text_zh", "source"):
            if text_key in raw and (not isinstance(raw[text_key], str) or len(raw[text_key]) > 1000):
                fail(at(text_key), _("{key} must be a string of at most 1000 characters").format(key=text_key))
        weight = raw.get("weight")
        if kind == "text" and weight is not None:
            fail(at("weight"), _("question {key!r} is answered in words: it has no weight (only scale questions "
                                 "do)").format(key=key))
        if kind == "scale":
            weight = 1 if weight is None else weight
            if (isinstance(weight, bool) or not isinstance(weight, (int, float))
                    or not 0 < weight <= MAX_WEIGHT):  # NaN fails the comparison too
                fail(at("weight"), _("weight {weight!r} is not valid: expected a number more than 0 and at most "
                                     "{max}").format(weight=weight, max=MAX_WEIGHT))
        out.append(QuestionSpec(key=key, text=raw["text"].strip(), kind=kind,
                                text_zh=raw["text_zh"].strip() if raw.get("text_zh") else None,
                                weight=weight, source=raw.get("source")))
    if not any(q.kind == "scale" for q in out):
        fail(_line_of(lines, 0, None, "questions"), _("the questions need at least one of kind scale: "
                                                       "the score is computed from them"))
    return tuple(out)


@lru_cache(maxsize=1)
def default_questions() -> tuple[QuestionSpec, ...]:
    """The shipped procedure's feedback form: what a procedure without [[questions]] uses."""
    return parse(default_text(), "default.toml").questions


def _event(raw: dict, key: str, fail, at) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or canonical(value) not in EVENTS:
        fail(at(key), _("{key} {value!r} is not an event (expected one of {events})").format(
            key=key, value=value, events=", ".join(EVENTS)))
    return canonical(value)


def _when(raw: dict, opens_on: str | None, fail, at) -> dict | None:
    when = raw.get("when")
    if when is None:
        return None
    if opens_on is None:
        fail(at("when"), _("when needs opens_on: it tests the data of the event that opens the task"))
    if not isinstance(when, dict) or not when:
        fail(at("when"), _("when must be a table such as { kind = [\"equipment\"] }"))
    out = {}
    for field_name, allowed in when.items():
        if field_name not in EVENTS[opens_on].fields:
            fail(at("when"), _("when tests {field!r}, which {event} does not carry (it carries {fields})").format(
                field=field_name, event=opens_on, fields=", ".join(EVENTS[opens_on].fields) or _("nothing")))
        values = allowed if isinstance(allowed, list) else [allowed]
        if not values or any(not isinstance(v, (str, bool, int)) for v in values):
            fail(at("when"), _("when {field} must be a value or a list of values").format(field=field_name))
        out[field_name] = list(values)
    return out


def default_path() -> Path:
    """The shipped default procedure: what `init` loads, and `procedure load --default`."""
    return Path(__file__).resolve().parents[2] / "procedures" / "default.toml"


def default_text() -> str:
    return default_path().read_text(encoding="utf-8")


def _to_json(proc: Procedure) -> str:
    return json.dumps([asdict(t) for t in proc.tasks], ensure_ascii=False)


def _questions_json(proc: Procedure) -> str:
    return json.dumps([asdict(q) for q in proc.questions], ensure_ascii=False)


# the steps of the business follow-up chain in a version stored before steps said so (issue 26)
LEGACY_CHAIN = ("proposal", "second-meeting")


def _spec(t: dict) -> TaskSpec:
    t = dict(t)
    if "done_when" in t:  # stored before events had their names (migration 0007 converts them)
        legacy = t.pop("done_when")
        t.setdefault("closes_on", canonical(legacy) if legacy else None)
    if "chain" not in t:  # stored before `chain`: the default's chain, and any repeating follow-up step
        t["chain"] = t["key"] in LEGACY_CHAIN or (t["stage"] == "followup" and bool(t.get("repeat")))
    return TaskSpec(**{**t, "levels": tuple(t["levels"]), "purposes": tuple(t["purposes"]) if t.get("purposes") else None,
                       "owner_fallback": tuple(t["owner_fallback"]) if t.get("owner_fallback") else None,
                       "offsite_kinds": tuple(t["offsite_kinds"]) if t.get("offsite_kinds") else None})


def _from_row(row) -> Procedure:
    tasks = tuple(_spec(t) for t in json.loads(row.tasks))  # versions stored before a key existed take its default
    # versions stored before the form was data (migration 0011) ask the default questions
    questions = (tuple(QuestionSpec(**q) for q in json.loads(row.questions)) if row.questions
                 else default_questions())
    return Procedure(name=row.name, version=row.version, tasks=tasks, description=row.description, id=row.id,
                     loaded_at=row.loaded_at, loaded_by=row.loaded_by, questions=questions)


# -- the change record: what a version changed against the one before ------------------------
def _plain(value):
    """A spec's value as JSON has it (tuples as lists), so that stored and parsed versions compare."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def _brief(t: dict) -> dict:
    return {k: t.get(k) for k in ("key", "stage", "title", "title_zh", "owner", "due")}


def compare(old: Procedure | None, new: Procedure) -> dict:
    """What `new` changes against `old` (None: the first version), as JSON-ready data: tasks
    added, removed and changed (each changed field with its old and new value, and what kind of
    change it is: retimed, reworded, reassigned, conditions), the feedback form's questions
    added, removed and changed, the counts, and the owner roles whose tasks changed."""
    before = {t.key: _plain(asdict(t)) for t in (old.tasks if old else ())}
    after = {t.key: _plain(asdict(t)) for t in new.tasks}
    added = [_brief(t) for k, t in after.items() if k not in before]
    removed = [_brief(t) for k, t in before.items() if k not in after]
    changed = []
    for key, t in after.items():
        if key not in before:
            continue
        fields = {f: {"old": before[key].get(f), "new": t.get(f)} for f in t if f != "key"
                  and before[key].get(f) != t.get(f)}
        if fields:
            kinds = [kind for kind, names in CHANGE_KINDS.items() if any(f in fields for f in names)]
            changed.append({"key": key, "title": t["title"], "owner": t["owner"], "kinds": kinds, "fields": fields})
    q_before = {q.key: _plain(asdict(q)) for q in (old.questions if old else ())}
    q_after = {q.key: _plain(asdict(q)) for q in new.questions}
    q_brief = lambda q: {k: q.get(k) for k in ("key", "text", "text_zh", "kind", "weight")}  # noqa: E731
    q_changed = []
    for key, q in q_after.items():
        if key in q_before:
            fields = {f: {"old": q_before[key].get(f), "new": q.get(f)} for f in QUESTION_FIELDS
                      if q_before[key].get(f) != q.get(f)}
            if fields:
                q_changed.append({"key": key, "text": q["text"], "fields": fields})
    roles = {t["owner"] for t in added + removed + changed}
    roles |= {c["fields"]["owner"]["old"] for c in changed if "owner" in c["fields"]}
    counts = {"added": len(added), "removed": len(removed),
              **{kind: sum(kind in c["kinds"] for c in changed) for kind in CHANGE_KINDS},
              "questions_added": sum(k not in q_before for k in q_after),
              "questions_removed": sum(k not in q_after for k in q_before), "questions_changed": len(q_changed)}
    heading = {f: {"old": getattr(old, f), "new": getattr(new, f)} for f in ("name", "version", "description")
               if old is not None and getattr(old, f) != getattr(new, f)}
    return {
        "previous": None if old is None else {"id": old.id, "name": old.name, "version": old.version},
        "procedure": heading,
        "tasks": {"added": added, "removed": removed, "changed": changed},
        "questions": {"added": [q_brief(q) for k, q in q_after.items() if k not in q_before],
                      "removed": [q_brief(q) for k, q in q_before.items() if k not in q_after],
                      "changed": q_changed},
        "counts": counts,
        "roles": sorted(roles),
    }


# each kind of change counted in the summary line ("3 retimed")
CHANGE_COUNTS = {"retimed": N_("{n} retimed"), "reworded": N_("{n} reworded"), "reassigned": N_("{n} reassigned"),
                 "conditions": N_("{n} conditions")}


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def summary_line(changes: dict | None, *, translate: bool = False) -> str:
    """One line: "+2 tasks, −1 task, 3 retimed, 1 reworded"; the first version says so. English
    (as the audit log keeps it and JSON shows it), or with `translate` in the run's language
    (text output)."""
    if not changes:
        return ""
    # the catalogue's `_` and `ngettext` when translating, else the English message ids themselves
    _, ngettext = (i18n._, i18n.ngettext) if translate else (_english, _english_plural)
    c = changes["counts"]
    if changes.get("previous") is None:
        return _("first version: {tasks}, {questions}").format(
            tasks=ngettext("{n} task", "{n} tasks", c["added"]).format(n=c["added"]),
            questions=ngettext("{n} question", "{n} questions", c["questions_added"]).format(n=c["questions_added"]))
    parts = []
    if c["added"]:
        parts.append(ngettext("+{n} task", "+{n} tasks", c["added"]).format(n=c["added"]))
    if c["removed"]:
        parts.append(ngettext("\u2212{n} task", "\u2212{n} tasks", c["removed"]).format(n=c["removed"]))
    parts += [_(CHANGE_COUNTS.get(kind, "{n} " + kind)).format(n=c[kind]) for kind in CHANGE_KINDS if c[kind]]
    q = [f"+{c['questions_added']}" if c["questions_added"] else "",
         f"\u2212{c['questions_removed']}" if c["questions_removed"] else "",
         _("{n} changed").format(n=c["questions_changed"]) if c["questions_changed"] else ""]
    if any(q):
        parts.append(_("questions {changes}").format(changes=" ".join(x for x in q if x)))
    return _(", ").join(parts) or _("no task or question changed")


_VERSION = light.procedure_version  # read through the light handle; `store` writes the table class


def _latest(session: Session):
    return session.execute(select(_VERSION).order_by(_VERSION.c.id.desc()).limit(1)).first()


def store(session: Session, actor: str, proc: Procedure, text: str, source: str, *, reason: str,
          chapter: str | None = None, page: str | None = None, method: str = DEFAULT_METHOD) -> Procedure:
    """Store a validated version with its change record: the reason, where in the manual
    (chapter, page), how it was issued, and what it changes against the version in use."""
    from receptionctl.store.tables.common import ProcedureVersion

    latest = _latest(session)
    changes = compare(_from_row(latest) if latest is not None else None, proc)
    row = ProcedureVersion(
        name=proc.name, version=proc.version, description=proc.description, tasks=_to_json(proc),
        questions=_questions_json(proc), source_text=text,
        source_name=source, checksum=hashlib.sha256(text.encode()).hexdigest(), loaded_at=clock.now(),
        loaded_by=actor, reason=reason, chapter=chapter, page=page, method=method,
        changes=json.dumps(changes, ensure_ascii=False),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "procedure.load", "procedure", row.id,
                 after={"name": proc.name, "version": proc.version, "tasks": len(proc.tasks),
                        "questions": len(proc.questions), "file": source, "reason": reason, "chapter": chapter,
                        "page": page, "method": method, "changes": summary_line(changes)})
    return _from_row(row)


def change_note(reason: str | None, chapter: str | None, page: str | None, method: str | None) -> dict:
    """The change record's own fields, checked: a reason (required), chapter and page (optional)
    and the method (reprint, circular or amend)."""
    reason = required_text(reason, N_("reason"), N_("why the procedure changes, such as \"the visit's agenda is "
                                                   "approved two days earlier\""))
    out = {"reason": reason, "method": (method or DEFAULT_METHOD).strip().lower()}
    if out["method"] not in METHODS:
        raise BadInput(_("method {method!r} is not valid: expected reprint (the manual reprinted whole), circular "
                         "(a head-office circular attached to it) or amend (a simple change made in place)").format(
            method=method))
    for key, value, limit in ((N_("chapter"), chapter, 200), (N_("page"), page, 50)):
        value = (value or "").strip() or None
        if value is not None and len(value) > limit:
            raise BadInput(_("{key} is too long: expected at most {limit} characters").format(key=_(key),
                                                                                             limit=limit))
        out[key] = value
    return out


def load_file(session: Session, actor: str, path: str, reason: str, *, chapter: str | None = None,
              page: str | None = None, method: str = DEFAULT_METHOD) -> Procedure:
    """Validate and load a procedure file (admin) with the reason for the change: it applies
    to visits created afterwards."""
    access.require(session, actor, frozenset(), N_("load procedures"))
    note = change_note(reason, chapter, page, method)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(_("cannot read procedure file {path!r}: {error}").format(
            path=path, error=reasons.os_error(exc, exc.strerror or str(exc)) if isinstance(exc, OSError)
            else _("it is not UTF-8 text") if i18n.chinese() else exc)) from None
    proc = parse(text, path)
    latest = _latest(session)
    if latest is not None and latest.checksum == hashlib.sha256(text.encode()).hexdigest():
        raise Refused(_("{path} is the procedure in use already ({name} {version}, version id {id})").format(
            path=path, name=latest.name, version=latest.version, id=latest.id))
    return store(session, actor, proc, text, Path(path).name, **note)


def seed_default(session: Session, actor: str) -> Procedure | None:
    """Load the shipped default procedure when the database has none."""
    if session.scalar(select(_VERSION.c.id).limit(1)) is not None:
        return None
    text = default_text()
    return store(session, actor, parse(text, "default.toml"), text, "default.toml", reason=INIT_REASON,
                 method="reprint")


def current(session: Session) -> Procedure:
    row = _latest(session)
    if row is None:
        raise NotFound(_("no procedure is loaded"), hint=_("run `receptionctl init` (it loads the default procedure)"))
    return _from_row(row)


def by_id(session: Session, procedure_id: int) -> Procedure:
    row = session.execute(select(_VERSION).where(_VERSION.c.id == procedure_id)).first()
    if row is None:
        raise NotFound(_("no procedure version {id}").format(id=procedure_id))
    return _from_row(row)


@dataclass(frozen=True)
class VersionView:
    id: int
    name: str
    version: str
    tasks: int
    loaded_at: datetime
    loaded_by: str
    file: str | None
    checksum: str
    in_use: bool = False
    visits: int = 0
    reason: str | None = None
    chapter: str | None = None
    page: str | None = None
    method: str | None = None
    summary: str = ""  # the change record in one line
    changes: dict | None = None  # what it changed against the version before (see compare)


def history(session: Session) -> list[VersionView]:
    """Every version, oldest first, with its change record. A version stored before the change
    record (migration 0014) has its changes worked out here, against the version before it."""
    visit = light.visit.c
    counts = dict(session.execute(select(visit.procedure_id, func.count(visit.id)).group_by(visit.procedure_id)).all())
    rows = list(session.execute(select(_VERSION).order_by(_VERSION.c.id)))
    out, previous = [], None
    for r in rows:
        proc = _from_row(r)
        changes = json.loads(r.changes) if r.changes else compare(previous, proc)
        out.append(VersionView(r.id, r.name, r.version, len(proc.tasks), r.loaded_at, r.loaded_by, r.source_name,
                               r.checksum[:12], in_use=(r is rows[-1]), visits=counts.get(r.id, 0), reason=r.reason,
                               chapter=r.chapter, page=r.page, method=r.method, summary=summary_line(changes),
                               changes=changes))
        previous = proc
    return out
