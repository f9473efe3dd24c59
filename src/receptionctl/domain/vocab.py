"""The procedure's vocabularies. Pure enums: the command line imports them at start-up
to offer the choices, so this module imports nothing heavy."""

from __future__ import annotations

import re
from enum import Enum

from receptionctl.errors import BadInput


class Tier(str, Enum):
    vip = "vip"
    key = "key"
    normal = "normal"


class StaffRole(str, Enum):
    admin = "admin"
    approver = "approver"
    coordinator = "coordinator"
    host = "host"
    staff = "staff"
    desk = "desk"
    security = "security"
    duty_manager = "duty_manager"  # handles complaints about staff; checks the day's cases
    desk_supervisor = "desk_supervisor"  # settles refused handovers, reviews the day's handovers


class Purpose(str, Enum):
    talk = "talk"
    tour = "tour"
    tech = "tech"
    signing = "signing"
    other = "other"


class VisitRole(str, Enum):
    host = "host"
    greeter = "greeter"
    guide = "guide"
    recorder = "recorder"
    logistics = "logistics"
    tech = "tech"
    security = "security"
    driver = "driver"


class VisitStatus(str, Enum):
    planning = "planning"
    submitted = "submitted"
    approved = "approved"
    in_progress = "in_progress"
    completed = "completed"
    closed = "closed"
    cancelled = "cancelled"


class PlanStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class Stage(str, Enum):
    prepare = "prepare"
    receive = "receive"
    followup = "followup"


class TaskStateFilter(str, Enum):
    open = "open"
    done = "done"
    skipped = "skipped"
    missed = "missed"
    all = "all"


class IncidentKind(str, Enum):
    itinerary = "itinerary"
    equipment = "equipment"
    safety = "safety"
    health = "health"
    other = "other"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class NoteKind(str, Enum):
    question = "question"
    suggestion = "suggestion"
    intent = "intent"
    promise = "promise"


class Channel(str, Enum):
    phone = "phone"
    email = "email"
    form = "form"
    visit = "visit"


class Intent(str, Enum):
    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


class Outcome(str, Enum):
    won = "won"
    lost = "lost"
    intent = "intent"


class CaseKind(str, Enum):
    complaint = "complaint"
    repair = "repair"
    help = "help"
    request = "request"


class CaseSource(str, Enum):
    visit = "visit"
    client = "client"
    desk = "desk"
    phone = "phone"
    mail = "mail"
    other = "other"


class CaseState(str, Enum):
    received = "received"
    acknowledged = "acknowledged"
    assigned = "assigned"
    resolved = "resolved"
    called_back = "called_back"
    reviewed = "reviewed"
    closed = "closed"


class TaskStage(str, Enum):
    """The stages a task list filters on: the procedure's, and the steps of service cases."""
    prepare = "prepare"
    receive = "receive"
    followup = "followup"
    case = "case"
    desk = "desk"

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_username(username: str, what: str = "username") -> str:
    if not _USERNAME.match(username or ""):
        raise BadInput(
            f"{what} {username!r} is not a valid username: expected letters, digits, '.', '_' or '-', at most 64"
        )
    return username
