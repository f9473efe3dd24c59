"""Sending the queued notifications (domain/core/notify.py keeps the queue and its rules).

`send_due` first passes each case taken at the desk and not acknowledged in time to the shift
leader (cases.escalate_unacknowledged: a case.escalate each), then queues a `promise.breach` for
each escalation whose promised answer time has
passed (once each, in one transaction), then sends the messages that are due, the oldest
first, one at a time: each is claimed in a transaction of its own (only one run can win it),
sent outside any transaction within the policy's notify_timeout_seconds, then settled in a
third (sent; queued again after a backoff; failed after the policy's retries). Safe to run
twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from receptionctl.domain.cases import cases
from receptionctl.domain.core import notify, outbox, policy
from receptionctl.services import SessionFactory, mail

DEFAULT_LIMIT = 1000


@dataclass
class Sending:
    """What one run did: messages sent, queued again, failed; promise breaches found."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    promise_breaches: int = 0
    cases_escalated: int = 0  # desk cases not acknowledged in time, passed to the shift leader


def send_due(session: SessionFactory, limit: int | None = None, actor: str = "receptionctl",
             mail_settings=None) -> Sending:
    """Pass the desk cases not acknowledged in time to the shift leader and queue the breached
    promises (as `actor`, the one running it), then send at most `limit` (default 1000) due
    messages. A mail to a client (a `mailto:` channel: the feedback questionnaire) goes through
    the mail server that `mail_settings()` gives (a services.mail.Server or None, the sender),
    asked once, when the first such mail is due; the others through Apprise."""
    with session(write=True) as s:
        escalated = cases.escalate_unacknowledged(s, actor)
        breaches = notify.breached_promises(s)
        for payload in breaches:
            outbox.emit(s, "promise.breach", payload)
    with session() as s:
        rules = policy.load(s)
        ids = notify.due(s, limit or DEFAULT_LIMIT)
    done = Sending(promise_breaches=len(breaches), cases_escalated=len(escalated))
    server = None  # (the mail server, the sender), once a mail to a client is due
    for message_id in ids:
        with session(write=True) as s:
            claimed = notify.claim(s, message_id)
        if claimed is None:
            continue  # another run has it
        mailto = notify.mail_address(claimed.channel)
        if mailto is not None:
            if server is None:
                server = (mail_settings or (lambda: (None, mail.default_sender())))()
            ok, error, permanent = mail.deliver(*mailto, claimed.subject, claimed.body, *server,
                                                rules["notify_timeout_seconds"])
        else:
            ok, error, permanent = notify.deliver(claimed.channel, claimed.subject, claimed.body,
                                                  rules["notify_timeout_seconds"])
        with session(write=True) as s:
            outcome = notify.settle(s, claimed, ok, error, permanent)
        setattr(done, outcome, getattr(done, outcome) + 1)
    return done
