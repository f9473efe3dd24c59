"""The feedback request (seed 001: a feedback request pushed as soon as the service ends): the
visit's feedback questionnaire mailed to the client's main contact, through the notification
queue (domain/core/notify.py; `notify send` hands it to the smtp server).

- The main contact is the client's first contact person (`contact list` shows them in order);
  the mail goes when they have an e-mail address.
- The questions are those of the visit's procedure version, in the contact's language (`contact
  edit --language`), else the policy's `feedback_language`; with the policy's `feedback_form_url`
  (the form on the web) and a reply address (`feedback_reply_to`, else the mail's sender).
- When a visit is completed and the policy's `feedback_request` is on (off by default: a mail
  to a client is sent only once the company has set it up), it is queued by itself;
  `feedback request VISIT` queues it by hand, again or to another contact.
- Each request is a row of `feedback_request` (the visit, the contact, the language, the queued
  message), shown on `visit show`. The callback task stays: the host still calls the client.

Below the follow-up stage (followups.py asks for it when a visit is completed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from receptionctl.domain import engine
from receptionctl.domain.core import access, audit, clock, lifecycle, notify, outbox, policy
from receptionctl.domain.core.base import Done, load_for_change
from receptionctl.errors import BadInput, NotFound, Refused
from receptionctl.i18n import N_, _, translated
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

WRITE = frozenset({"coordinator", "host"})
EVENT = "feedback.request"
SCALE_WORDS = N_("from 1 (poor) to 5 (excellent)")


@dataclass(frozen=True)
class RequestView:
    visit_id: int
    contact_id: int | None
    contact: str | None  # the contact's name (None: removed since)
    lang: str
    at: datetime
    by: str
    message_id: int | None  # the notification queued (`notify list`)
    state: str | None  # queued | sent | failed (None: the message is gone)
    sent_at: datetime | None


def main_contact(session: Session, client_id: int):
    """The client's main contact: its first contact person (the lowest id), or None."""
    contact = light.contact
    return session.execute(select(contact).where(contact.c.client_id == client_id).order_by(contact.c.id)
                           .limit(1)).first()


def requests_of(session: Session, visit_id: int) -> tuple[RequestView, ...]:
    """A visit's feedback requests, oldest first, with the state of their mail: one statement."""
    req, contact, message = light.feedback_request, light.contact, light.notify_message
    rows = session.execute(
        select(req.c.visit_id, req.c.contact_id, contact.c.name, req.c.lang, req.c.at, req.c.by, req.c.message_id,
               message.c.state, message.c.sent_at)
        .outerjoin(contact, contact.c.id == req.c.contact_id)
        .outerjoin(message, message.c.id == req.c.message_id)
        .where(req.c.visit_id == visit_id).order_by(req.c.at, req.c.id)).all()
    return tuple(RequestView(*r) for r in rows)


# the words of the questionnaire mail, written in the contact's language (i18n.translated)
MAIL = {
    "dear": N_("Dear {name},"),
    "intro": N_("Thank you for visiting us on {day}. Please tell us how we did: answer the questions marked 1-5 "
                "{scale}, the others in a few words."),
    "online": N_("Answer online: {url}"),
    "or_reply": N_("or reply to this mail, one answer a line, such as \"q1: 5\"."),
    "reply": N_("Reply to this mail with your answers, one a line, such as \"q1: 5\"."),
    "thanks": N_("With thanks from your hosts."),
    "ref": N_("(visit {visit}, {client})"),
    "subject": N_("Your visit of {day}: how did we do?"),
}


def compose(questions, lang: str, contact: str, client: str, day: str, visit_id: int,
            rules: dict) -> tuple[str, str]:
    """The questionnaire mail in `lang`: (subject, body). The questions are numbered with their
    keys, so that an answer by mail (`q1: 5`) is entered as `feedback add --answer q1=5`."""
    def t(key: str) -> str:
        return translated(MAIL[key], lang)

    zh = lang.startswith("zh")
    lines = [t("dear").format(name=contact), "",
             t("intro").format(day=day, scale=translated(SCALE_WORDS, lang)), ""]
    for q in questions:
        text_ = (q.text_zh or q.text) if zh else q.text
        lines.append(f"{q.key}. {text_}" + (" (1-5)" if q.kind == "scale" else ""))
    lines.append("")
    link = policy.form_link(rules, visit_id)
    lines += [t("online").format(url=link), t("or_reply")] if link else [t("reply")]
    lines += ["", t("thanks"), t("ref").format(visit=visit_id, client=client)]
    return t("subject").format(day=day), "\n".join(lines) + "\n"


def _queue(session: Session, actor: str, visit, contact, lang: str | None = None) -> RequestView:
    """Queue the questionnaire to `contact` (who has an address) and record the request."""
    from receptionctl.store.tables.common import Client
    from receptionctl.store.tables.visits import FeedbackRequest

    rules = policy.load(session)
    lang = lang or contact.lang or rules["feedback_language"]
    client = session.get(Client, visit.client_id)
    proc = engine.by_id(session, visit.procedure_id) if visit.procedure_id else engine.current(session)
    day = f"{clock.local(visit.starts_at):%Y-%m-%d}"
    subject, body = compose(proc.questions, lang, contact.name, client.name, day, visit.id, rules)
    payload = {"visit_id": visit.id, "client": client.name, "contact": contact.name, "contact_id": contact.id,
               "lang": lang, "by": actor}
    message = notify.queue_mail(session, EVENT, contact.email, f"contact {contact.name} ({client.name})"[:300],
                                subject, body, payload, rules["feedback_reply_to"] or None)
    row = FeedbackRequest(visit_id=visit.id, contact_id=contact.id, lang=lang, message_id=message,
                          at=clock.now(), by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor, "feedback.request", "feedback_request", row.id, visit_id=visit.id,
                 after={"contact_id": contact.id, "lang": lang, "message_id": message})
    outbox.emit(session, EVENT, {**payload, "message_id": message})
    return requests_of(session, visit.id)[-1]


def on_completed(session: Session, actor: str, visit) -> list[str]:
    """A visit is completed: with the policy's feedback_request on, the questionnaire goes to the
    client's main contact when they have an e-mail address. What was done, in words."""
    if not policy.load(session)["feedback_request"]:
        return []
    contact = main_contact(session, visit.client_id)
    if contact is None:
        return [_("no feedback questionnaire mailed: the client has no contact person")]
    if not contact.email:
        return [_("no feedback questionnaire mailed: the main contact {name} has no e-mail address (contact edit "
                  "{contact} --email ADDRESS, then feedback request {visit})").format(
            name=contact.name, contact=contact.id, visit=visit.id)]
    view = _queue(session, actor, visit, contact)
    return [_("feedback questionnaire queued to {name} ({lang}): `notify send` mails it").format(
        name=contact.name, lang=view.lang)]


def request(session: Session, actor: str, visit_id: int, contact_id: int | None = None,
            lang: str | None = None) -> Done:
    """`feedback request`: mail the visit's questionnaire now (queued), to the main contact or
    another contact of the client, whatever the policy's switch says."""
    from receptionctl.store.tables.common import Contact
    from receptionctl.store.tables.visits import Feedback

    access.require(session, actor, WRITE, N_("send feedback requests"))
    visit, _plan = load_for_change(session, visit_id)
    if visit.status not in lifecycle.ENDED:
        raise Refused(_("visit {visit} is {status}: the questionnaire is sent after the visit").format(
            visit=visit_id, status=lifecycle.state_text(visit.status)),
            hint=_("complete it first (`receptionctl visit complete {visit}`)").format(visit=visit_id))
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.client_id != visit.client_id:
            raise NotFound(_("no contact {contact} of the visit's client").format(contact=contact_id),
                           hint=_("see `receptionctl contact list CLIENT`"))
    else:
        contact = main_contact(session, visit.client_id)
        if contact is None:
            raise Refused(_("the client of visit {visit} has no contact person").format(visit=visit_id),
                          hint=_("add one: `receptionctl contact add CLIENT NAME --email ADDRESS`"))
    if not contact.email:
        raise Refused(_("contact {contact} ({name}) has no e-mail address").format(contact=contact.id,
                                                                                  name=contact.name),
                      hint=_("`receptionctl contact edit {contact} --email ADDRESS`").format(contact=contact.id))
    if lang is not None and lang not in policy.MAIL_LANGS:
        raise BadInput(_("language {lang!r} is not valid: expected {langs}").format(
            lang=lang, langs=", ".join(policy.MAIL_LANGS)))
    view = _queue(session, actor, visit, contact, lang)
    warnings = []
    if session.get(Feedback, visit_id) is not None:
        warnings.append(_("visit {visit} has a feedback form already: an answer replaces it with `feedback add "
                          "--replace`").format(visit=visit_id))
    return Done(view, warnings)
