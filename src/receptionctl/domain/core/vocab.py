"""The procedure's vocabularies. Pure enums: the command line imports them at start-up
to offer the choices, so this module imports nothing heavy."""

from __future__ import annotations

import re
from enum import Enum

from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _, chinese, code


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


class OffsiteKind(str, Enum):
    """Where an off-site reception is held (seed 000): the client's own site, an exhibition or
    fair, an event venue, or elsewhere (`visit new --offsite` alone)."""
    client_site = "client-site"
    fair = "fair"
    event = "event"
    other = "other"


class TrainingKind(str, Enum):
    """What a training was (seeds 000 and 003): the reception staff's training before a visit
    (etiquette, communication, product knowledge, emergencies: the default), or one of them
    alone, safety training (000's safety of people), or a job rotation (003's 岗位轮换)."""
    reception = "reception"
    safety = "safety"
    etiquette = "etiquette"
    product = "product"
    emergency = "emergency"
    rotation = "rotation"


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


STAGES = tuple(s.value for s in Stage)  # the procedure's stages, in order


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


class PipelineStage(str, Enum):
    """The stages of a client's opportunity (seed 001's follow-up process), then its end."""
    first_contact = "first-contact"
    needs = "needs"
    proposal = "proposal"
    negotiation = "negotiation"
    won = "won"
    lost = "lost"


class Priority(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"


class MailLanguage(str, Enum):
    """The languages a mail to a client is written in (policy.MAIL_LANGS)."""
    zh_CN = "zh-CN"
    en = "en"


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
    care = "care"


class CareKind(str, Enum):
    """What a greeting to a client is for (issue 26, seed 001: birthdays, holidays, congratulations)."""
    birthday = "birthday"
    holiday = "holiday"
    anniversary = "anniversary"
    other = "other"


class InspectionArea(str, Enum):
    """What an inspection checks (seed 001's quality control; seed 000: safety, dress and etiquette)."""
    process = "process"  # the service procedure followed: greeting, guidance, registration
    facility = "facility"  # the reception area's equipment and facilities
    records = "records"  # registration and feedback forms filled in and archived in time
    emergency = "emergency"  # the emergency plans work (a simulated incident)
    safety = "safety"  # people and material safe: fire exits, protective equipment, storage
    dress = "dress"  # uniforms, name badges, grooming, etiquette


class DrillKind(str, Enum):
    fire = "fire"
    evacuation = "evacuation"
    medical = "medical"
    equipment = "equipment"
    other = "other"


class RewardKind(str, Enum):
    praise = "praise"
    certificate = "certificate"
    bonus = "bonus"


class PenaltyKind(str, Enum):
    points = "points"  # deducted from the reception score; the only kind that counts in it
    warning = "warning"
    fine = "fine"
    demotion = "demotion"


# letters and digits of any script (李娜, wang.fang), then also '.', '_', '-'; no spaces, no symbols
_USERNAME = re.compile(r"^[^\W_][\w.-]{0,63}$")


def check_username(username: str, what: str = N_("username")) -> str:
    """`what` is an English message id (marked N_() by the caller), translated here."""
    if not _USERNAME.match(username or ""):
        raise BadInput(
            _("{what} {username!r} is not a valid username: expected letters of any script (such as li.na or 李娜) "
              "and digits, then also '.', '_' or '-'; no spaces; at most 64 characters").format(what=_(what),
                                                                                             username=username)
        )
    return username


# The stored codes of these vocabularies as people read them (i18n.code(value, kind)): the
# catalogue's `code|VALUE` entries, or `code|KIND|VALUE` where one word means two things (the
# visit role `tech` is not the purpose `tech`). JSON and the database keep the English codes.
CODES = (
    # visit status
    N_("code|planning"), N_("code|submitted"), N_("code|approved"), N_("code|in_progress"), N_("code|completed"),
    N_("code|closed"), N_("code|cancelled"),
    # plan status
    N_("code|draft"), N_("code|rejected"),
    # purposes
    N_("code|talk"), N_("code|tour"), N_("code|tech"), N_("code|signing"), N_("code|other"),
    # client tiers
    N_("code|vip"), N_("code|key"), N_("code|normal"),
    # staff roles
    N_("code|admin"), N_("code|approver"), N_("code|coordinator"), N_("code|host"), N_("code|staff"),
    N_("code|desk"), N_("code|security"), N_("code|duty_manager"), N_("code|desk_supervisor"),
    # visit roles (host and security as above)
    N_("code|greeter"), N_("code|guide"), N_("code|recorder"), N_("code|logistics"), N_("code|role|tech"),
    N_("code|driver"),
    # where an off-site reception is held
    N_("code|offsite|client-site"), N_("code|offsite|fair"), N_("code|offsite|event"), N_("code|offsite|other"),
    # what a training was (safety and product as above)
    N_("code|kind|reception"), N_("code|kind|etiquette"), N_("code|kind|emergency"), N_("code|kind|rotation"),
    # guest and contact fields
    N_("code|field|name"), N_("code|field|title"), N_("code|field|phone"), N_("code|field|email"),
    N_("code|field|diet"), N_("code|field|transport"), N_("code|field|needs"), N_("code|field|id_number"),
    # note kinds
    N_("code|question"), N_("code|suggestion"), N_("code|intent"), N_("code|promise"),
    # incident kinds and severities
    N_("code|itinerary"), N_("code|equipment"), N_("code|safety"), N_("code|health"),
    N_("code|low"), N_("code|medium"), N_("code|high"), N_("code|critical"),
    # feedback channels and intents (intent none, low, medium, high)
    N_("code|phone"), N_("code|email"), N_("code|form"), N_("code|visit"), N_("code|none"),
    # outcomes (intent as above)
    N_("code|won"), N_("code|lost"),
    # the stages of an opportunity (won and lost as above; priorities as the severities)
    N_("code|stage|first-contact"), N_("code|stage|needs"), N_("code|stage|proposal"), N_("code|stage|negotiation"),
    N_("code|first-contact"), N_("code|needs"), N_("code|proposal"), N_("code|negotiation"),  # `--to 方案提交`
    # who is on site
    N_("code|guest"), N_("code|walk-in"), N_("code|pass"),
    # inspection areas (facility, safety as above), the states of a finding (open as above)
    N_("code|process"), N_("code|records"), N_("code|emergency"), N_("code|dress"),
    N_("code|unassigned"), N_("code|fixed"), N_("code|waived"),
    # drill kinds (equipment, other as above)
    N_("code|fire"), N_("code|evacuation"), N_("code|medical"),
    # rewards and penalties
    N_("code|praise"), N_("code|certificate"), N_("code|bonus"),
    N_("code|points"), N_("code|warning"), N_("code|fine"), N_("code|demotion"),
)


# The roles as people read them: in English the code in words (desk_supervisor: desk supervisor),
# in another language its translation (code|role|VALUE or code|VALUE). The stored code stays.
ROLE_WORDS = {"tech": "technical support"}  # the visit role, not the purpose
# Roles that only mean something on one visit: an unassigned one falls to nobody (the engine's
# PER_VISIT). The others fall to anyone holding that staff role.
ONE_VISIT_ROLES = frozenset(r.value for r in VisitRole) - {"security"}


def role_label(role: str) -> str:
    """A staff or visit role as people read it, in the run's language."""
    if chinese():
        return code(role, "role") or role
    return ROLE_WORDS.get(role, role.replace("_", " "))


def role_owner(role: str) -> str:
    """Who a task falls to when no one is assigned, as people read it: "logistics (unassigned)" for
    a role of one visit, "any desk supervisor" for a staff role; never the role's code."""
    if role in ONE_VISIT_ROLES:
        return _("{role} (unassigned)").format(role=role_label(role))
    return _("any {role}").format(role=role_label(role))
