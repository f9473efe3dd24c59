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

from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlmodel import select

from receptionctl.domain import access, audit, clock
from receptionctl.domain.due import OffsetError, parse_due, parse_every
from receptionctl.domain.engine.events import EVENTS, canonical
from receptionctl.domain.policy import SETTINGS
from receptionctl.domain.vocab import Purpose, StaffRole, Stage, VisitRole
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.store.models import ProcedureVersion, Visit

STAGES = tuple(s.value for s in Stage)
OWNERS = {r.value for r in VisitRole} | {r.value for r in StaffRole}
TASK_KEYS = {
    "key", "stage", "title", "title_zh", "owner", "due", "levels", "purposes", "offsite", "nda", "repeat",
    "source", "notes", "done_when", "closes_on", "opens_on", "when", "per", "owner_fallback", "only_owner",
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

    def applies(self, level: int, purpose: str, offsite: bool, nda: bool) -> bool:
        return (
            level in self.levels
            and (self.purposes is None or purpose in self.purposes)
            and (self.offsite is None or self.offsite == offsite)
            and (self.nda is None or self.nda == nda)
        )

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
        raise ProcedureError(f"{source}, line {line}: {reason}",
                             hint="fix the file and load it again; the procedure in use is unchanged")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        fail(int(m.group(1)) if m else 1, f"not valid TOML: {exc}")
    for key in data:
        if key not in TOP_KEYS:
            m = next((i + 1 for i, l in enumerate(lines) if re.match(rf"^\s*\[?{re.escape(key)}\b", l)), 1)
            fail(m, f"unknown top-level key {key!r} (expected name, version, description, [[tasks]], [[questions]])")
    for key, limit in (("name", 200), ("version", 64)):
        line = next((i + 1 for i, l in enumerate(lines) if re.match(rf"^\s*{key}\s*=", l)), 1)
        if key not in data:
            fail(1, f"missing top-level {key!r} (a non-empty string)")
        if not isinstance(data[key], str) or not data[key].strip() or len(data[key]) > limit:
            fail(line, f"{key} must be a string of 1 to {limit} characters, such as \"2026.1\"")
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        fail(1, "no [[tasks]]: a procedure needs at least one task")
    keys = {k for k, setting in SETTINGS.items()
            if isinstance(setting.default, int) and not isinstance(setting.default, bool)}
    specs: list[TaskSpec] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_tasks):
        at = lambda k=None: _line_of(lines, i, k)  # noqa: E731
        if not isinstance(raw, dict):
            fail(at(), f"task #{i + 1} is not a table: expected [[tasks]] with keys")
        for k in raw:
            if k not in TASK_KEYS:
                fail(at(k), f"unknown key {k!r} in a task (expected {', '.join(sorted(TASK_KEYS))})")
        for k in REQUIRED:
            if not isinstance(raw.get(k), str) or not raw[k].strip():
                fail(at(), f"task #{i + 1} has no {k!r} (a non-empty string)")
        key = raw["key"].strip()
        if not _KEY.match(key):
            fail(at("key"), f"task key {key!r} is not valid: expected lower-case letters, digits, '-' or '_'")
        if key in seen:
            fail(at("key"), f"duplicate task key {key!r} (first at line {seen[key]})")
        seen[key] = at("key")
        if raw["stage"] not in STAGES:
            fail(at("stage"), f"unknown stage {raw['stage']!r} (expected prepare, receive or followup)")
        if raw["owner"] not in OWNERS:
            fail(at("owner"), f"unknown owner role {raw['owner']!r} (expected one of {', '.join(sorted(OWNERS))})")
        try:
            parse_due(raw["due"], keys)
        except OffsetError as exc:
            fail(at("due"), str(exc))
        repeat = raw.get("repeat")
        if repeat is not None:
            if not isinstance(repeat, str):
                fail(at("repeat"), "repeat must be a string such as \"7d\"")
            try:
                parse_every(repeat, keys)
            except OffsetError as exc:
                fail(at("repeat"), str(exc))
        levels = raw.get("levels", [1, 2, 3])
        if not isinstance(levels, list) or not levels or any(type(l) is not int or l not in (1, 2, 3) for l in levels):
            fail(at("levels"), f"levels {levels!r} must be a list of 1, 2 and 3")
        purposes = raw.get("purposes")
        if purposes is not None:
            known = {p.value for p in Purpose}
            if (not isinstance(purposes, list) or not purposes
                    or any(not isinstance(p, str) or p not in known for p in purposes)):
                fail(at("purposes"), f"purposes {purposes!r} must be a list of {', '.join(sorted(known))}")
        closes_on = _event(raw, "closes_on", fail, at) or (canonical(raw["done_when"]) if "done_when" in raw else None)
        if "done_when" in raw and closes_on not in EVENTS:
            fail(at("done_when"), f"done_when {raw['done_when']!r} is not an event (expected one of {', '.join(EVENTS)})")
        opens_on = _event(raw, "opens_on", fail, at)
        if parse_due(raw["due"]).anchor == "event" and opens_on is None:
            fail(at("due"), f"due {raw['due']!r} counts from an event: the task needs opens_on")
        when = _when(raw, opens_on, fail, at)
        per = raw.get("per")
        if per is not None and (per not in PER or opens_on is None or per not in EVENTS[opens_on].fields):
            fail(at("per"), f"per {per!r} is not valid: expected \"incident\", with opens_on an incident event")
        fallback = raw.get("owner_fallback")
        if fallback is not None and (not isinstance(fallback, list)
                                     or any(not isinstance(o, str) or o not in OWNERS for o in fallback)):
            fail(at("owner_fallback"), f"owner_fallback {fallback!r} must be a list of owner roles")
        if opens_on is not None:
            known = set(EVENTS[opens_on].fields) | keys
            for text_key in ("title", "title_zh"):
                unknown = set(_PLACEHOLDER.findall(str(raw.get(text_key) or ""))) - known
                if unknown:
                    fail(at(text_key), f"{text_key} names {sorted(unknown)[0]!r}: expected one of "
                                       f"{', '.join(sorted(EVENTS[opens_on].fields)) or 'no event fields'} "
                                       "or a whole-number policy setting")
        for flag in ("offsite", "nda", "only_owner"):
            if flag in raw and not isinstance(raw[flag], bool):
                fail(at(flag), f"{flag} must be true or false")
        for text_key in ("title", "title_zh", "source", "notes"):
            if text_key in raw and (not isinstance(raw[text_key], str) or len(raw[text_key]) > 1000):
                fail(at(text_key), f"{text_key} must be a string of at most 1000 characters")
        specs.append(TaskSpec(
            key=key, stage=raw["stage"], title=raw["title"].strip(), owner=raw["owner"], due=raw["due"].strip(),
            title_zh=raw.get("title_zh"), levels=tuple(sorted(set(levels))),
            purposes=tuple(purposes) if purposes is not None else None, offsite=raw.get("offsite"),
            nda=raw.get("nda"), repeat=repeat, source=raw.get("source"), notes=raw.get("notes"),
            closes_on=closes_on, opens_on=opens_on, when=when, per=per,
            owner_fallback=tuple(fallback) if fallback else None, only_owner=bool(raw.get("only_owner", False)),
        ))
    questions = _questions(data["questions"], lines, fail) if "questions" in data else default_questions()
    return Procedure(name=data["name"].strip(), version=data["version"].strip(), tasks=tuple(specs),
                     description=data.get("description"), questions=questions)


def _questions(raw_questions, lines: list[str], fail) -> tuple[QuestionSpec, ...]:
    """The [[questions]] of the feedback form: at least one scale question, keys unique."""
    if not isinstance(raw_questions, list) or not raw_questions:
        fail(_line_of(lines, 0, None, "questions"), "questions must be [[questions]] tables, at least one")
    if len(raw_questions) > MAX_QUESTIONS:
        fail(_line_of(lines, MAX_QUESTIONS, None, "questions"), f"more than {MAX_QUESTIONS} questions")
    out: list[QuestionSpec] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_questions):
        at = lambda k=None: _line_of(lines, i, k, "questions")  # noqa: E731
        if not isinstance(raw, dict):
            fail(at(), f"question #{i + 1} is not a table: expected [[questions]] with keys")
        for k in raw:
            if k not in QUESTION_KEYS:
                fail(at(k), f"unknown key {k!r} in a question (expected {', '.join(sorted(QUESTION_KEYS))})")
        for k in ("key", "text", "kind"):
            if not isinstance(raw.get(k), str) or not raw[k].strip():
                fail(at(), f"question #{i + 1} has no {k!r} (a non-empty string)")
        key = raw["key"].strip()
        if not _QKEY.match(key):
            fail(at("key"), f"question key {key!r} is not valid: expected lower-case letters, digits, '-' or '_' "
                            "(at most 32), such as \"q1\"")
        if key in seen:
            fail(at("key"), f"duplicate question key {key!r} (first at line {seen[key]})")
        seen[key] = at("key")
        kind = raw["kind"]
        if kind not in QUESTION_KINDS:
            fail(at("kind"), f"question kind {kind!r} is not valid: expected scale (answered 1 to 5, weighted "
                             "into the score) or text (answered in words)")
        for text_key in ("text", "text_zh", "source"):
            if text_key in raw and (not isinstance(raw[text_key], str) or len(raw[text_key]) > 1000):
                fail(at(text_key), f"{text_key} must be a string of at most 1000 characters")
        weight = raw.get("weight")
        if kind == "text" and weight is not None:
            fail(at("weight"), f"question {key!r} is answered in words: it has no weight (only scale questions do)")
        if kind == "scale":
            weight = 1 if weight is None else weight
            if (isinstance(weight, bool) or not isinstance(weight, (int, float))
                    or not 0 < weight <= MAX_WEIGHT):  # NaN fails the comparison too
                fail(at("weight"), f"weight {weight!r} is not valid: expected a number more than 0 and at most "
                                   f"{MAX_WEIGHT}")
        out.append(QuestionSpec(key=key, text=raw["text"].strip(), kind=kind,
                                text_zh=raw["text_zh"].strip() if raw.get("text_zh") else None,
                                weight=weight, source=raw.get("source")))
    if not any(q.kind == "scale" for q in out):
        fail(_line_of(lines, 0, None, "questions"), "the questions need at least one of kind scale: "
                                                     "the score is computed from them")
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
        fail(at(key), f"{key} {value!r} is not an event (expected one of {', '.join(EVENTS)})")
    return canonical(value)


def _when(raw: dict, opens_on: str | None, fail, at) -> dict | None:
    when = raw.get("when")
    if when is None:
        return None
    if opens_on is None:
        fail(at("when"), "when needs opens_on: it tests the data of the event that opens the task")
    if not isinstance(when, dict) or not when:
        fail(at("when"), "when must be a table such as { kind = [\"equipment\"] }")
    out = {}
    for field_name, allowed in when.items():
        if field_name not in EVENTS[opens_on].fields:
            fail(at("when"), f"when tests {field_name!r}, which {opens_on} does not carry (it carries "
                             f"{', '.join(EVENTS[opens_on].fields) or 'nothing'})")
        values = allowed if isinstance(allowed, list) else [allowed]
        if not values or any(not isinstance(v, (str, bool, int)) for v in values):
            fail(at("when"), f"when {field_name} must be a value or a list of values")
        out[field_name] = list(values)
    return out


def default_text() -> str:
    return (Path(__file__).resolve().parents[2] / "procedures" / "default.toml").read_text(encoding="utf-8")


def _to_json(proc: Procedure) -> str:
    return json.dumps([asdict(t) for t in proc.tasks], ensure_ascii=False)


def _questions_json(proc: Procedure) -> str:
    return json.dumps([asdict(q) for q in proc.questions], ensure_ascii=False)


def _spec(t: dict) -> TaskSpec:
    t = dict(t)
    if "done_when" in t:  # stored before events had their names (migration 0007 converts them)
        legacy = t.pop("done_when")
        t.setdefault("closes_on", canonical(legacy) if legacy else None)
    return TaskSpec(**{**t, "levels": tuple(t["levels"]), "purposes": tuple(t["purposes"]) if t.get("purposes") else None,
                       "owner_fallback": tuple(t["owner_fallback"]) if t.get("owner_fallback") else None})


def _from_row(row) -> Procedure:
    tasks = tuple(_spec(t) for t in json.loads(row.tasks))  # versions stored before a key existed take its default
    # versions stored before the form was data (migration 0011) ask the default questions
    questions = (tuple(QuestionSpec(**q) for q in json.loads(row.questions)) if row.questions
                 else default_questions())
    return Procedure(name=row.name, version=row.version, tasks=tasks, description=row.description, id=row.id,
                     loaded_at=row.loaded_at, loaded_by=row.loaded_by, questions=questions)


def store(session: Session, actor: str, proc: Procedure, text: str, source: str) -> Procedure:
    row = ProcedureVersion(
        name=proc.name, version=proc.version, description=proc.description, tasks=_to_json(proc),
        questions=_questions_json(proc), source_text=text,
        source_name=source, checksum=hashlib.sha256(text.encode()).hexdigest(), loaded_at=clock.now(),
        loaded_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "procedure.load", "procedure", row.id,
                 after={"name": proc.name, "version": proc.version, "tasks": len(proc.tasks),
                        "questions": len(proc.questions), "file": source})
    return _from_row(row)


def load_file(session: Session, actor: str, path: str) -> Procedure:
    """Validate and load a procedure file (admin): it applies to visits created afterwards."""
    access.require(session, actor, frozenset(), "load procedures")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read procedure file {path!r}: {getattr(exc, 'strerror', None) or exc}") from None
    proc = parse(text, path)
    latest = session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id.desc()).limit(1)).first()
    if latest is not None and latest.checksum == hashlib.sha256(text.encode()).hexdigest():
        raise Refused(f"{path} is the procedure in use already ({latest.name} {latest.version}, "
                      f"version id {latest.id})")
    return store(session, actor, proc, text, Path(path).name)


def seed_default(session: Session, actor: str) -> Procedure | None:
    """Load the shipped default procedure when the database has none."""
    if session.scalars(select(ProcedureVersion.id).limit(1)).first() is not None:
        return None
    text = default_text()
    return store(session, actor, parse(text, "default.toml"), text, "default.toml")


def current(session: Session) -> Procedure:
    row = session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("no procedure is loaded", hint="run `receptionctl init` (it loads the default procedure)")
    return _from_row(row)


def by_id(session: Session, procedure_id: int) -> Procedure:
    row = session.get(ProcedureVersion, procedure_id)
    if row is None:
        raise NotFound(f"no procedure version {procedure_id}")
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


def history(session: Session) -> list[VersionView]:

    counts = dict(session.execute(select(Visit.procedure_id, func.count(Visit.id)).group_by(Visit.procedure_id)).all())
    rows = list(session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id)))
    return [
        VersionView(r.id, r.name, r.version, len(json.loads(r.tasks)), r.loaded_at, r.loaded_by, r.source_name,
                    r.checksum[:12], in_use=(r is rows[-1]), visits=counts.get(r.id, 0))
        for r in rows
    ]
