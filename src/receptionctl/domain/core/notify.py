"""Notifications (issue 17): who hears of which event, on which channel; a queue in the
database that `notify send` empties with retries and a dead-letter list.

- `queue()` runs inside the transaction of the change that caused the event (outbox.emit): the
  policy's routes name roles and people (the event's submitter, host, owner or asked person);
  a person with a channel of their own (staff notify_url; with policy notify_staff_email, their
  e-mail address when they have no other) gets the message there, the others
  are reached through their role's channel (notify_role_channels), once per role. A fixed number
  of statements whatever the number of people: the policy (once per session), one SELECT of the
  people, one INSERT of every message. Nothing here touches the network but `deliver()`.
- `notify send` claims one due row at a time (an UPDATE that only one run can win: the row's
  next_at moves on by a lease), sends it outside any transaction, then records the outcome:
  sent; queued again after a backoff; or failed after the policy's retries (the dead-letter list).
- A complaint about a member of staff (payload `about` and `seen_by`) reaches only those who may
  see it, never the person it is about, nor a role channel of a role that person holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, insert, or_, select, update

from receptionctl.domain.core import access, audit, clock, policy, stored
from receptionctl.errors import NotFound, Refused
from receptionctl.i18n import N_, _, code
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Through the light handles (store/light.py): every change queues its notifications here, and a
# read must not build the table classes for it; the ORM writes import their class inside.
staff, roles_t, messages, once = light.staff, light.staff_role, light.notify_message, light.notify_once

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATES = (QUEUED, SENT, FAILED)
# who may see a complaint about a member of staff (and admin): core/access.py's rule
SEE_STAFF_COMPLAINTS = tuple(sorted(access.SEE_STAFF_COMPLAINTS))

# The short English text of each event (its payload's "text", and the message's subject in the
# run's language). "event:variant" for a variant the payload selects (_variant).
TEXTS = {
    "visit.new": N_("Visit {visit_id} recorded: {client}, {starts_at}, host {host}"),
    "plan.submit": N_("Plan of visit {visit_id} ({client}, {starts_at}) submitted for approval by {by}"),
    "plan.approve": N_("Plan of visit {visit_id} ({client}, {starts_at}) approved by {by}"),
    "plan.reject": N_("Plan of visit {visit_id} ({client}, {starts_at}) rejected by {by}: {reason}"),
    "task.assign": N_("Task {task_id} is now {owner}'s: {title} (due {due_at})"),
    "task.done": N_("Task {task_id} done by {by}: {title}"),
    "feedback.add": N_("Feedback on visit {visit_id} ({client}): score {score}"),
    "feedback.add:red_line": N_("Feedback on visit {visit_id} ({client}): score {score}, under the red line "
                                "{red_line_score}"),
    "incident.add": N_("{severity} {kind} incident on visit {visit_id} ({client}): {description}"),
    "handover.refuse": N_("Handover {handover_id} from {from_by} refused by {by}: {question}"),
    "case.add": N_("Case {case_id} received ({kind}, {severity}): {description}"),
    "case.add:restricted": N_("Case {case_id} received: a complaint about a member of staff"),
    "promise.breach": N_("Case {case_id}: the answer promised by {promised_at} (asked of {asked}) is overdue"),
    "promise.breach:restricted": N_("Case {case_id}: the answer promised by {promised_at} is overdue"),
    "feedback.request": N_("Feedback questionnaire of visit {visit_id} ({client}) mailed to {contact}"),
    "opportunity.stage": N_("Opportunity {opportunity_id} of {client}: {stage} ({priority} priority), next step "
                            "{next_at}"),
    "case.escalate": N_("Case {case_id} ({kind}, {severity}) taken at the desk by {received_by} was not acknowledged "
                        "in time: passed to the shift leader"),
    # a guest checked in (issue 27): variants by the optional fields given (_OPTIONAL)
    "guest.arrived": N_("{guest} of {client} arrived at {arrived_at} for visit {visit_id}"),
    "guest.arrived:title": N_("{guest} ({title}) of {client} arrived at {arrived_at} for visit {visit_id}"),
    "guest.arrived:venue": N_("{guest} of {client} arrived at {arrived_at} for visit {visit_id}, in {venue}"),
    "guest.arrived:title:venue": N_("{guest} ({title}) of {client} arrived at {arrived_at} for visit {visit_id}, in "
                                    "{venue}"),
}
# the payload fields whose presence selects a variant of an event's text, in this order ("EVENT:F1:F2")
_OPTIONAL = {"guest.arrived": ("title", "venue")}
# the channel of a mail to a client: an RFC 6068 mailto: address (Apprise's own mail URLs are
# mailto:// and mailtos://), sent through the smtp setting
MAILTO = "mailto:"


def is_mail(channel: str) -> bool:
    return channel.startswith(MAILTO) and not channel.startswith(MAILTO + "//")
TEST_TEXT = N_("A test message from receptionctl: if you read this, the channel works.")


# -- the payload ---------------------------------------------------------------------------
def _plain_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(_plain_value(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain_value(v) for k, v in value.items()}
    return value


def plain(event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as plain JSON values (times ISO 8601 in the company's zone), with its short
    English `text` when the emitter gave none."""
    out = {str(k): _plain_value(v) for k, v in payload.items()}
    if not out.get("text"):
        out["text"] = describe(event, out, english=True)
    return out


def _variant(event: str, payload: dict[str, Any]) -> str:
    if payload.get("seen_by") and f"{event}:restricted" in TEXTS:
        return f"{event}:restricted"
    if payload.get("red_line") is True and f"{event}:red_line" in TEXTS:
        return f"{event}:red_line"
    given = [f for f in _OPTIONAL.get(event, ()) if payload.get(f)]
    return ":".join([event, *given])


_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


class _Fields(dict):
    """A payload for str.format_map: times shortened to minutes, None as -, a missing key as ?."""

    def __missing__(self, key: str) -> str:
        return "?"

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key) if key in self else self.__missing__(key)
        if value is None:
            return "-"
        if isinstance(value, str) and _ISO.match(value):
            return value[:16].replace("T", " ")
        if isinstance(value, str) and len(value) > 200:
            return value[:199] + "…"
        return value


def describe(event: str, payload: dict[str, Any], english: bool = False) -> str:
    """One line saying what happened (in the run's language unless `english`)."""
    template = TEXTS.get(_variant(event, payload))
    if template is None:
        return event if english else code(event, "audit")
    if english:
        return template.format_map(_Fields(payload))
    shown = {k: code(v, k) if k in _CODED and isinstance(v, str) else v for k, v in payload.items()}
    if isinstance(shown.get("description"), str):  # a case opened by red-line feedback: its stored English words
        shown["description"] = stored.case_text(shown["description"])
    return _(template).format_map(_Fields(shown))


_CODED = frozenset({"severity", "kind", "category", "channel", "state"})  # payload values that are stored codes


# -- queueing (inside the change's transaction) ----------------------------------------------
def _matches(payload: dict[str, Any], word: str) -> bool:
    return payload.get("severity") == word or payload.get("kind") == word or payload.get(word) is True


def targets(rules: dict[str, Any], event: str, payload: dict[str, Any]) -> set[str]:
    """The roles and people (NOTIFY_PEOPLE names) the policy's routes name for this event."""
    found: set[str] = set()
    for key, names in rules["notify_routes"]:
        name, _sep, word = key.partition(":")
        if name == event and (not word or _matches(payload, word)):
            found.update(n for n in names.split("+") if n)
    return found


def queue(session: Session, event: str, payload: dict[str, Any]) -> int:
    """Queue the notifications of `event` in the caller's transaction; returns how many."""
    rules = policy.load(session)
    wanted = targets(rules, event, payload)
    if not wanted:
        return 0
    roles = {t for t in wanted if t not in policy.NOTIFY_PEOPLE}
    named = {payload.get(t) for t in wanted if t in policy.NOTIFY_PEOPLE} - {None, ""}
    holders = select(roles_t.c.staff_id).where(roles_t.c.role.in_(sorted(roles)))
    people: dict[str, tuple[str | None, set[str]]] = {}
    by_mail = rules["notify_staff_email"]  # issue 30: their e-mail address as their own channel
    for username, url, email, role in session.execute(
            select(staff.c.username, staff.c.notify_url, staff.c.email, roles_t.c.role)
            .outerjoin(roles_t, roles_t.c.staff_id == staff.c.id)
            .where(staff.c.active.is_(True), or_(staff.c.id.in_(holders), staff.c.username.in_(sorted(named))))):
        if not url and by_mail and email:
            url = mail_channel(email)
        people.setdefault(username, (url, set()))[1].add(role or "")
    rows = _messages(rules, event, payload, roles, named, people)
    if rows:
        session.execute(insert(messages), rows)
    return len(rows)


def _messages(rules: dict[str, Any], event: str, payload: dict[str, Any], roles: set[str], named: set[str],
              people: dict[str, tuple[str | None, set[str]]]) -> list[dict[str, Any]]:
    seen_by = set(payload.get("seen_by") or ()) | {"admin"} if payload.get("seen_by") else None
    about = payload.get("about")
    about_roles = people.get(about, (None, set()))[1] if about else set()
    channels = policy.role_channels(rules)
    personal: dict[str, list[str]] = {}  # channel -> usernames
    by_role: dict[str, list[str]] = {}  # role -> usernames without a channel of their own
    for username, (url, held) in sorted(people.items()):
        if username == about or username == payload.get("by"):
            continue  # never the person a complaint is about; not the one who made the change
        if seen_by is not None and not (held & seen_by):
            continue
        through = (held & roles) | (held - {""} if username in named else set())
        if not through and username not in named:
            continue
        if url:
            personal.setdefault(url, []).append(username)
            continue
        for role in sorted(through):
            if role in channels and (seen_by is None or (role in seen_by and role not in about_roles)):
                by_role.setdefault(role, []).append(username)
    subject = describe(event, payload)
    body = subject + "\n\n" + _("{event} at {at}").format(event=code(event, "audit"), at=f"{clock.local(clock.now()):%Y-%m-%d %H:%M}")
    now = clock.now()
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    out: list[dict[str, Any]] = []
    done: set[str] = set()
    for url, names in personal.items():
        out.append(_row(event, ", ".join(names), url, subject, body, data, now))
        done.add(url)
    for role, names in by_role.items():
        if channels[role] not in done:
            done.add(channels[role])
            out.append(_row(event, f"role {role} ({', '.join(names)})", channels[role], subject, body, data, now))
    return out


def _row(event: str, recipient: str, url: str, subject: str, body: str, data: str, now: datetime) -> dict:
    return {"event": event, "recipient": recipient[:300], "channel": url, "subject": subject, "body": body,
            "payload": data, "state": QUEUED, "attempts": 0, "created_at": now, "next_at": now,
            "sent_at": None, "last_error": None}


def queue_mail(session: Session, event: str, address: str, recipient: str, subject: str, body: str,
               payload: dict[str, Any], reply_to: str | None = None) -> int:
    """Queue a mail to someone outside the staff (a client's contact), in the caller's transaction:
    its channel is `mailto:ADDRESS` (with `?reply-to=` when answers go elsewhere); `notify send`
    hands it to the smtp server of its settings. The id of the message."""
    from receptionctl.store.tables.notify import NotifyMessage

    channel = mail_channel(address, reply_to)
    row = _row(event, recipient, channel, subject, body, json.dumps(plain(event, payload), ensure_ascii=False,
                                                                   sort_keys=True), clock.now())
    message = NotifyMessage(**row)
    session.add(message)
    session.flush()
    return message.id


def mail_channel(address: str, reply_to: str | None = None) -> str:
    """The `mailto:` channel of an address (`notify send` mails it through the smtp setting)."""
    from urllib.parse import quote

    return MAILTO + quote(address, safe="@.+-_") + (f"?reply-to={quote(reply_to, safe='@.+-_')}" if reply_to else "")


def mail_address(channel: str) -> tuple[str, str | None] | None:
    """(the address, the reply-to address or None) of a `mailto:` channel; None for another channel."""
    from urllib.parse import parse_qs, unquote

    if not is_mail(channel):
        return None
    address, _sep, query = channel[len(MAILTO):].partition("?")
    reply = parse_qs(query).get("reply-to", [None])[0]
    return unquote(address), reply


# -- the sweep of `notify send`: events found by time passing ---------------------------------
def _mark_once(session: Session, event: str, ref_id: int) -> bool:
    """Record that `event` of `ref_id` was emitted; False when another run did it first."""
    values = {"event": event, "ref_id": ref_id, "at": clock.now()}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as upsert
        else:
            from sqlalchemy.dialects.postgresql import insert as upsert
        done = session.execute(upsert(once).values(**values).on_conflict_do_nothing().returning(once.c.ref_id))
        return done.first() is not None
    from sqlalchemy.exc import IntegrityError

    try:
        with session.begin_nested():
            session.execute(insert(once).values(**values))
    except IntegrityError:
        return False
    return True


def breached_promises(session: Session) -> list[dict[str, Any]]:
    """Escalations whose promised answer time has passed unanswered on a case still open, each
    found once (recorded in notify_once): the payloads of their promise.breach events."""
    esc, case = light.case_escalation, light.service_case
    asked, about = staff.alias("asked"), staff.alias("about")
    rows = session.execute(
        select(esc.c.id, esc.c.case_id, esc.c.promised_at, esc.c.by, esc.c.question,
               asked.c.username, case.c.kind, case.c.severity, about.c.username)
        .join(case, case.c.id == esc.c.case_id)
        .join(asked, asked.c.id == esc.c.to_id)
        .outerjoin(about, about.c.id == case.c.about_staff_id)
        .outerjoin(once, and_(once.c.event == "promise.breach", once.c.ref_id == esc.c.id))
        .where(esc.c.answered_at.is_(None), esc.c.promised_at < clock.now(),
               case.c.state != "closed", once.c.ref_id.is_(None))
        .order_by(esc.c.id)).all()
    found = []
    for esc_id, case_id, promised_at, by, question, asked_name, kind, severity, about_name in rows:
        if not _mark_once(session, "promise.breach", esc_id):
            continue
        payload: dict[str, Any] = {"case_id": case_id, "escalation_id": esc_id, "asked": asked_name,
                                   "promised_at": promised_at, "escalated_by": by, "kind": kind,
                                   "severity": severity}
        if about_name is not None:
            payload.update(about=about_name, seen_by=list(SEE_STAFF_COMPLAINTS), restricted=True)
        else:
            payload["question"] = question
        found.append(payload)
    return found


# -- sending -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    subject: str
    body: str
    attempts: int  # this attempt's number


def lease(rules: dict[str, Any]) -> timedelta:
    """How long a claimed row is left to its run before another may take it (a crashed run)."""
    return timedelta(seconds=3 * rules["notify_timeout_seconds"] + 60)


def due(session: Session, limit: int = 1000) -> list[int]:
    """The ids of the queued messages due now, oldest first."""
    return list(session.scalars(
        select(messages.c.id).where(messages.c.state == QUEUED, messages.c.next_at <= clock.now())
        .order_by(messages.c.next_at, messages.c.id).limit(limit)))


def claim(session: Session, message_id: int) -> Claimed | None:
    """Take one due message for this run: an UPDATE that only one concurrent run can win (its
    next_at moves past now by a lease). None when another run has it, or it is no longer due."""
    now = clock.now()
    table = messages
    won = session.execute(
        update(table).where(table.c.id == message_id, table.c.state == QUEUED, table.c.next_at <= now)
        .values(next_at=now + lease(policy.load(session)), attempts=table.c.attempts + 1))
    if won.rowcount != 1:
        return None
    row = session.execute(select(table.c.channel, table.c.subject, table.c.body, table.c.attempts)
                          .where(table.c.id == message_id)).one()
    return Claimed(message_id, row.channel, row.subject, row.body, row.attempts)


def backoff(rules: dict[str, Any], attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    minutes = [int(m) for m in rules["notify_backoff_minutes"].split(",")]
    return timedelta(minutes=minutes[min(attempts, len(minutes)) - 1])


def settle(session: Session, claimed: Claimed, ok: bool, error: str | None, permanent: bool = False) -> str:
    """Record the outcome of one attempt: "sent", "retried" (queued again after the backoff) or
    "failed" (the URL is unusable, or the policy's retries are spent)."""
    rules = policy.load(session)
    now = clock.now()
    table = messages
    mine = and_(table.c.id == claimed.id, table.c.attempts == claimed.attempts)  # not retaken meanwhile
    if ok:
        outcome, values = SENT, {"state": SENT, "sent_at": now, "last_error": None}
    elif permanent or claimed.attempts > rules["notify_retries"]:
        outcome, values = FAILED, {"state": FAILED, "last_error": (error or "")[:2000]}
    else:
        outcome = "retried"
        values = {"next_at": now + backoff(rules, claimed.attempts), "last_error": (error or "")[:2000]}
    session.execute(update(table).where(mine).values(**values))
    return outcome


def deliver(url: str, subject: str, body: str, timeout: float) -> tuple[bool, str | None, bool]:
    """Send one message through Apprise now: (sent, Apprise's reason when not, permanent: the URL
    is unusable). At most about `timeout` seconds per network step; never raises."""
    import logging
    import threading

    import apprise

    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        service = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset(storage_mode="memory"))
        if service is None:
            return False, _said(log) or "Apprise does not know this URL", True
        for attr in ("socket_connect_timeout", "socket_read_timeout"):
            if isinstance(getattr(service, attr, None), (int, float)):
                setattr(service, attr, min(float(getattr(service, attr)), float(timeout)))
        result: dict[str, Any] = {}

        def attempt() -> None:
            try:
                result["ok"] = bool(service.notify(body=body, title=subject))
            except Exception as exc:  # a plugin's bug must not stop the queue
                result["error"] = f"{type(exc).__name__}: {exc}"

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(2 * timeout + 5)
        if worker.is_alive():
            return False, f"no answer within {2 * timeout + 5:g} s", False
        if result.get("ok"):
            return True, None, False
        return False, result.get("error") or _said(log) or "Apprise could not send it", False


def _said(log) -> str:
    return " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())[:2000]


# -- reading and the dead-letter list -----------------------------------------------------------
@dataclass(frozen=True)
class MessageView:
    id: int
    event: str
    recipient: str
    channel: str  # masked: no password, no long key in clear
    subject: str
    body: str
    state: str
    attempts: int
    created_at: datetime
    next_at: datetime | None  # when queued: the next attempt
    sent_at: datetime | None
    last_error: str | None


def mask(url: str | None) -> str | None:
    """A channel URL fit to show: no password, no token in clear (keys keep 4 + 2 characters); a
    mail to a client shows its address."""
    if not url:
        return url
    if is_mail(url):
        return MAILTO + (mail_address(url) or ("",))[0]
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*://)(.*)", url, re.S)
    if not m:
        return "…"
    scheme, rest = m.groups()
    rest = re.sub(r"^([^/@?:]*):[^@/?]*@", r"\1:***@", rest)
    rest = re.sub(r"([?&](?:pass|password|pwd|token|key|secret|apikey|webhook|access_token)=)[^&]*", r"\1***",
                  rest, flags=re.I)
    rest = re.sub(r"[A-Za-z0-9_-]{16,}", lambda t: t.group()[:4] + "…" + t.group()[-2:], rest)
    return scheme + rest


def _view(row) -> MessageView:
    return MessageView(row.id, row.event, row.recipient, mask(row.channel), row.subject, row.body, row.state,
                       row.attempts, row.created_at, row.next_at if row.state == QUEUED else None, row.sent_at,
                       row.last_error)


def list_messages(session: Session, states: tuple[str, ...] = (), limit: int | None = None) -> list[MessageView]:
    """The notifications, newest first; only those in `states` when given."""
    q = select(messages)
    if states:
        q = q.where(messages.c.state.in_(states))
    return [_view(r) for r in session.execute(q.order_by(messages.c.id.desc()).limit(limit))]


def counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    got = dict(session.execute(select(messages.c.state, func.count()).group_by(messages.c.state)).all())
    return {s: got.get(s, 0) for s in STATES}


def retry(session: Session, actor: str, message_id: int) -> MessageView:
    """Queue a failed notification again, due now, with its attempts counted from 0 (admin or
    coordinator; audited)."""
    from receptionctl.store.tables.notify import NotifyMessage

    access.require(session, actor, frozenset({"coordinator"}), "retry notifications")
    row = session.get(NotifyMessage, message_id)
    if row is None:
        raise NotFound(f"no notification {message_id}")
    if row.state != FAILED:
        raise Refused(f"notification {message_id} is {row.state}: only a failed one is queued again")
    row.state, row.attempts, row.next_at = QUEUED, 0, clock.now()
    session.flush()
    audit.record(session, actor, "notify.retry", "notify_message", row.id, before={"state": FAILED},
                 after={"state": QUEUED})
    return _view(row)
