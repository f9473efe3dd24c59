"""The task engine: the procedure (a versioned TOML file) and the tasks it gives each visit.

Stages tell it what happened with `on(session, Event(name, visit_id, actor, data))`; the
procedure file says which tasks each event opens (`opens_on`, or a stage's own event)
and closes (`closes_on`). The engine never imports a stage module. See
docs/ENGINE.md for the events and who emits them.
"""

from __future__ import annotations

import importlib

# Each name is loaded from its module when first used (PEP 562): a read that needs only the
# task list (engine/tasklist.py) imports neither the procedure's loader nor the tasks' writes,
# nor the table classes behind them (docs/ARCHITECTURE.md, "Reading fast").
_WHERE = {
    "CARE": "areatasks",
    "CareTask": "areatasks",
    "care_tasks": "areatasks",
    "close_case_tasks": "areatasks",
    "close_desk_tasks": "areatasks",
    "close_opportunity_tasks": "areatasks",
    "close_task": "areatasks",
    "open_care_tasks": "areatasks",
    "open_case_task": "areatasks",
    "open_desk_task": "areatasks",
    "open_desk_tasks": "areatasks",
    "open_opportunity_task": "areatasks",
    "reassign_care_tasks": "areatasks",
    "reassign_case_tasks": "areatasks",
    "skip_care_tasks": "areatasks",
    "Checklist": "checklists",
    "ChecklistItem": "checklists",
    "blockers_of": "checklists",
    "checklist": "checklists",
    "mark": "checklists",
    "readiness": "checklists",
    "EVENTS": "events",
    "Event": "events",
    "EventInfo": "events",
    "OpenedTask": "events",
    "Outcome": "events",
    "CHANGE_KINDS": "procedure",
    "METHODS": "procedure",
    "STAGES": "procedure",
    "Procedure": "procedure",
    "ProcedureError": "procedure",
    "TaskSpec": "procedure",
    "VersionView": "procedure",
    "by_id": "procedure",
    "change_note": "procedure",
    "compare": "procedure",
    "current": "procedure",
    "history": "procedure",
    "load_file": "procedure",
    "parse": "procedure",
    "seed_default": "procedure",
    "summary_line": "procedure",
    "PER_VISIT": "tasklist",
    "PRIORITIES": "tasklist",
    "TASK_STAGES": "tasklist",
    "TASK_STATES": "tasklist",
    "TaskView": "tasklist",
    "count_by_owner": "tasklist",
    "get_task": "tasklist",
    "in_words": "tasklist",
    "inactive_owners": "tasklist",
    "list_tasks": "tasklist",
    "shown_words": "tasklist",
    "add_note": "tasks",
    "adopt_orphans": "tasks",
    "done": "tasks",
    "on": "tasks",
    "reassign": "tasks",
    "skip": "tasks",
}

__all__ = [
    "EVENTS", "Event", "EventInfo", "OpenedTask", "Outcome", "STAGES", "Procedure", "ProcedureError", "TaskSpec",
    "VersionView", "by_id", "current", "history", "load_file", "parse", "seed_default", "PER_VISIT", "TASK_STATES",
    "Checklist", "ChecklistItem", "TaskView", "adopt_orphans", "blockers_of", "checklist", "count_by_owner", "done", "get_task",
    "in_words", "list_tasks", "mark", "on", "readiness", "skip", "reassign", "add_note", "inactive_owners", "TASK_STAGES", "open_case_task", "close_case_tasks", "reassign_case_tasks", "open_desk_task", "close_task",
    "CHANGE_KINDS", "METHODS", "change_note", "compare", "summary_line", "open_desk_tasks", "close_desk_tasks",
    "shown_words", "open_opportunity_task", "close_opportunity_tasks", "PRIORITIES",
    "CARE", "CareTask", "care_tasks", "open_care_tasks", "skip_care_tasks", "reassign_care_tasks",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
