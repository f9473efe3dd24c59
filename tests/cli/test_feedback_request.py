"""Issue 26, item 11 (seed 001: a feedback request pushed when the service ends): when a visit is
completed, the questionnaire goes to the client's main contact through the notification queue,
in their language, with the form's address or a reply address; the send is recorded on the
visit; the callback task stays for the phone."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_mail import smtp_server  # noqa: F401  (the fixture)
from tests.cli.test_reception_followup import AFTER, DAY, held, tasks_by_key  # noqa: F401
from tests.cli.test_visits_plans import approved, new_visit

SEND = {"RECEPTIONCTL_NOW": "2026-12-01T12:35:00+08:00"}


def complete(ok):
    """An approved visit of Acme on 2026-12-01, received and completed at 12:30."""
    vid = approved(ok)
    ok("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    return vid, ok("--as", "li", "visit", "complete", str(vid), env=AFTER)


@pytest.fixture
def mailable(team):
    team("contact", "edit", "1", "--email", "liu.yang@acme.example")
    return team


def messages(ok):
    return ok("notify", "list", "--json", env=SEND).json()


def test_off_by_default_nothing_is_mailed(mailable):
    policy = mailable("policy", "show", "--json").json()
    assert policy["feedback_request"] is False and policy["feedback_form_url"] == ""
    vid, run = complete(mailable)
    assert "questionnaire" not in run.stderr and messages(mailable) == []
    assert mailable("visit", "show", str(vid), "--json", env=AFTER).json()["feedback_requests"] == []


def test_a_completed_visit_mails_the_questionnaire_to_the_main_contact(mailable, smtp_server, monkeypatch):  # noqa: F811
    mailable("policy", "set", "feedback_request", "on")
    mailable("policy", "set", "feedback_form_url", "https://forms.example.com/reception?visit={visit}")
    mailable("policy", "set", "feedback_reply_to", "service@example.com")
    vid, run = complete(mailable)
    assert "feedback questionnaire queued to Liu Yang (zh-CN)" in run.stderr
    (m,) = messages(mailable)
    assert (m["event"], m["state"], m["channel"]) == ("feedback.request", "queued", "mailto:liu.yang@acme.example")
    # in the policy's language (Chinese by default), the visit's questions, the form's address with the visit
    assert m["subject"] == "关于您2026-12-01来访的满意度调查"
    assert "与我们联络是否方便？" in m["body"] and f"https://forms.example.com/reception?visit={vid}" in m["body"]
    shown = mailable("visit", "show", str(vid), "--json", env=AFTER).json()["feedback_requests"]
    assert [(r["contact"], r["lang"], r["state"], r["message_id"]) for r in shown] == [
        ("Liu Yang", "zh-CN", "queued", m["id"])]
    # the callback task stays: the host still calls the client
    assert "callback" in tasks_by_key(mailable, vid, env=AFTER)
    # `notify send` hands it to the mail server of the settings, with the reply address
    monkeypatch.setenv("RECEPTIONCTL_SMTP", smtp_server.url)
    monkeypatch.setenv("RECEPTIONCTL_MAIL_FROM", "Reception <reception@example.com>")
    assert mailable("notify", "send", "--json", env=SEND).json()["sent"] == 1
    (mail,) = smtp_server.messages()
    assert mail["To"] == "liu.yang@acme.example" and mail["Reply-To"] == "service@example.com"
    assert str(mail["Subject"]) == "关于您2026-12-01来访的满意度调查"
    assert "与我们联络是否方便？" in mail.get_content()
    shown = mailable("visit", "show", str(vid), env=SEND).stdout
    assert "questionnaire" in shown and "Liu Yang (zh-CN)" in shown and "sent" in shown


def test_the_contacts_language_and_a_reply_by_mail(mailable):
    mailable("policy", "set", "feedback_request", "on")
    mailable("contact", "edit", "1", "--language", "en")
    complete(mailable)
    (m,) = messages(mailable)
    assert m["subject"] == "Your visit of 2026-12-01: how did we do?"
    assert "q1. Was it easy to get in touch with us? (1-5)" in m["body"]
    assert "Reply to this mail with your answers" in m["body"] and "http" not in m["body"]
    assert mailable("contact", "list", "Acme", "--json").json()[0]["lang"] == "en"


def test_no_address_no_mail_but_a_warning(team):
    team("policy", "set", "feedback_request", "on")
    _vid, run = complete(team)
    assert "the main contact Liu Yang has no e-mail address" in run.stderr
    assert messages(team) == []


def test_without_a_mail_server_the_message_fails_saying_why(mailable):
    mailable("policy", "set", "feedback_request", "on")
    complete(mailable)
    assert mailable("notify", "send", "--json", env=SEND).json()["failed"] == 1
    (m,) = mailable("notify", "list", "--failed", "--json", env=SEND).json()
    assert "no mail server is set" in m["last_error"]


def test_feedback_request_by_hand(mailable, cli, unchanged):
    vid, _run = complete(mailable)  # the policy is off: nothing went
    mailable("contact", "add", "Acme", "Ma Jun", "--email", "ma.jun@acme.example", "--language", "en")
    r = mailable("--as", "li", "feedback", "request", str(vid), "--contact", "2", "--json", env=SEND).json()
    assert (r["contact"], r["lang"], r["state"]) == ("Ma Jun", "en", "queued")
    r = mailable("--as", "li", "feedback", "request", str(vid), "--language", "en", "--json", env=SEND).json()
    assert (r["contact"], r["lang"]) == ("Liu Yang", "en")
    assert len(mailable("visit", "show", str(vid), "--json", env=SEND).json()["feedback_requests"]) == 2
    planning = new_visit(mailable, at="2026-12-10 10:00")["id"]
    mailable("client", "add", "Beta")
    other = mailable("contact", "add", "Beta", "He Ping", "--json").json()["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "request", str(planning), env=SEND), 1, "planning")
        one_error_line(cli("--as", "li", "feedback", "request", str(vid), "--contact", str(other), env=SEND), 3,
                       str(other))
        one_error_line(cli("--as", "chen", "feedback", "request", str(vid), env=SEND), 4, "chen")
        one_error_line(cli("--as", "li", "feedback", "request", "999", env=SEND), 3, "999")
    mailable("contact", "edit", "1", "--email", "")
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "request", str(vid), env=SEND), 1, "no e-mail address")
