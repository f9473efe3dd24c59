"""The task engine: the procedure (a versioned TOML file) and the tasks it gives each visit.

Stages tell it what happened with `on(session, Event(name, visit_id, actor, data))`; the
procedure file says which tasks each event opens (`opens_on`, or a stage's own event)
and closes (`closes_on`). The engine never imports a stage module. See
docs/ENGINE.md for the events and who emits them.
"""

from receptionctl.domain.engine.areatasks import (
    CARE,
    CareTask,
    care_tasks,
    close_case_tasks,
    close_desk_tasks,
    close_opportunity_tasks,
    close_task,
    open_care_tasks,
    open_case_task,
    open_desk_task,
    open_desk_tasks,
    open_opportunity_task,
    reassign_care_tasks,
    reassign_case_tasks,
    skip_care_tasks,
)
from receptionctl.domain.engine.checklists import (
    Checklist,
    ChecklistItem,
    blockers_of,
    checklist,
    mark,
    readiness,
)
from receptionctl.domain.engine.events import (
    EVENTS,
    Event,
    EventInfo,
    OpenedTask,
    Outcome,
)
from receptionctl.domain.engine.procedure import (
    CHANGE_KINDS,
    METHODS,
    STAGES,
    Procedure,
    ProcedureError,
    TaskSpec,
    VersionView,
    by_id,
    change_note,
    compare,
    current,
    history,
    load_file,
    parse,
    seed_default,
    summary_line,
)
from receptionctl.domain.engine.tasklist import (
    PER_VISIT,
    PRIORITIES,
    TASK_STAGES,
    TASK_STATES,
    TaskView,
    count_by_owner,
    get_task,
    in_words,
    inactive_owners,
    list_tasks,
    shown_words,
)
from receptionctl.domain.engine.tasks import (
    add_note,
    adopt_orphans,
    done,
    on,
    reassign,
    skip,
)

__all__ = [
    "EVENTS", "Event", "EventInfo", "OpenedTask", "Outcome", "STAGES", "Procedure", "ProcedureError", "TaskSpec",
    "VersionView", "by_id", "current", "history", "load_file", "parse", "seed_default", "PER_VISIT", "TASK_STATES",
    "Checklist", "ChecklistItem", "TaskView", "adopt_orphans", "blockers_of", "checklist", "count_by_owner", "done", "get_task",
    "in_words", "list_tasks", "mark", "on", "readiness", "skip", "reassign", "add_note", "inactive_owners", "TASK_STAGES", "open_case_task", "close_case_tasks", "reassign_case_tasks", "open_desk_task", "close_task",
    "CHANGE_KINDS", "METHODS", "change_note", "compare", "summary_line", "open_desk_tasks", "close_desk_tasks",
    "shown_words", "open_opportunity_task", "close_opportunity_tasks", "PRIORITIES",
    "CARE", "CareTask", "care_tasks", "open_care_tasks", "skip_care_tasks", "reassign_care_tasks",
]
