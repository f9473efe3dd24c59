"""`report daily --mail` (issue 17): one MIME mail, text and HTML alternatives in UTF-8, the subject
carrying the day and the number of alerts, through the configured SMTP server (a local aiosmtpd
server here); a server that cannot be reached or refuses is exit 5 in one line."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest

from tests.cli.test_foundation import one_error_line

CLIENT = "华信精密机械"  # a Chinese name: the mail must carry it whole
TO = "leads@example.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1 that keeps each mail; it refuses recipients named nobody@..."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.envelopes = []

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("nobody@"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

        def messages(self):
            return [email.message_from_bytes(e.original_content or e.content, policy=policy.default)
                    for e in self.envelopes]

    inbox = Inbox()
    # ready_timeout: how long start() waits for the server to answer (5 s unless said; a busy run is slower)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=300)
    controller.start()
    inbox.port = controller.port
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def mailing(team, smtp_server, monkeypatch):
    """The team, a Chinese client with a visit today, and the mail settings in the environment."""
    team("client", "add", CLIENT)
    team("--as", "li", "visit", "new", "--client", CLIENT, "--at", "2026-11-24 14:00", "--purpose", "talk",
         "--headcount", "3")
    monkeypatch.setenv("RECEPTIONCTL_SMTP", smtp_server.url)
    monkeypatch.setenv("RECEPTIONCTL_MAIL_FROM", "Reception <reception@example.com>")
    return team


def parts(msg) -> dict[str, email.message.EmailMessage]:
    return {p.get_content_type(): p for p in msg.iter_parts()}


def test_the_report_arrives_as_one_mail_with_text_and_html_in_utf8(mailing, smtp_server):
    alerts = len(mailing("report", "daily", "--json").json()["alerts"])
    assert alerts > 0
    run = mailing("report", "daily", "--mail", TO, "--mail", "gm@example.com,li@example.com")
    assert run.exit_code == 0 and run.stdout == "" and run.stderr == ""  # --mail alone: the mail is the output
    (envelope,) = smtp_server.envelopes
    assert envelope.mail_from == "reception@example.com"
    assert sorted(envelope.rcpt_tos) == ["gm@example.com", "leads@example.com", "li@example.com"]
    (msg,) = smtp_server.messages()
    assert msg["Subject"] == f"Reception daily report 2026-11-24: {alerts} alert{'s' if alerts != 1 else ''}"
    assert msg["From"] == "Reception <reception@example.com>"
    assert msg["To"] == "leads@example.com, gm@example.com, li@example.com"
    assert msg["Date"] == "Tue, 24 Nov 2026 09:00:00 +0800"
    assert msg["Message-ID"].strip().startswith("<") and msg["Message-ID"].endswith("@example.com>")
    assert msg.get_content_type() == "multipart/alternative"
    found = parts(msg)
    assert list(found) == ["text/plain", "text/html"]  # the richer one last
    for part in found.values():
        assert part.get_content_charset() == "utf-8"
        assert CLIENT in part.get_content()
    assert found["text/plain"]["Content-Transfer-Encoding"] == "base64"  # never raw 8-bit
    text = found["text/plain"].get_content()
    assert text.startswith("Daily reception report – 2026-11-24 Tuesday\n")
    assert text == mailing("report", "daily").stdout  # the text the pipe gets
    assert found["text/html"].get_content().startswith("<!DOCTYPE html>")


def test_with_a_format_the_report_is_printed_too(mailing, smtp_server):
    run = mailing("report", "daily", "--mail", TO, "--format", "json")
    assert run.json()["date"] == "2026-11-24" and len(smtp_server.envelopes) == 1
    assert mailing("report", "daily", "--mail", TO, "--json").json()["date"] == "2026-11-24"
    assert len(smtp_server.envelopes) == 2


def test_a_chinese_run_mails_chinese(mailing, smtp_server):
    run = mailing("--lang", "zh-CN", "report", "daily", "--mail", TO)
    assert run.exit_code == 0 and run.stdout == ""
    (msg,) = smtp_server.messages()
    assert "2026-11-24" in msg["Subject"]
    found = parts(msg)
    assert CLIENT in found["text/plain"].get_content()
    assert found["text/plain"].get_content() == mailing("--lang", "zh-CN", "report", "daily").stdout
    assert '<html lang="zh-CN">' in found["text/html"].get_content()
    raw = smtp_server.envelopes[0].content
    assert raw.isascii()  # headers RFC 2047, bodies base64: safe through any relay


def test_the_settings_come_from_the_config_file_and_the_environment_beats_it(mailing, smtp_server, monkeypatch):
    monkeypatch.delenv("RECEPTIONCTL_SMTP")
    monkeypatch.delenv("RECEPTIONCTL_MAIL_FROM")
    mailing("config", "set", "smtp", smtp_server.url)
    mailing("config", "set", "mail_from", "前台 <desk@example.com>")
    mailing("report", "daily", "--mail", TO)
    (msg,) = smtp_server.messages()
    assert msg["From"] == "前台 <desk@example.com>"
    monkeypatch.setenv("RECEPTIONCTL_MAIL_FROM", "night@example.com")
    mailing("report", "daily", "--mail", TO)
    assert smtp_server.envelopes[1].mail_from == "night@example.com"
    shown = mailing("config", "show", "--json").json()
    assert shown["smtp"] == {"value": smtp_server.url, "from": "config", "in_file": smtp_server.url}
    assert shown["mail_from"]["from"] == "env"


def test_a_password_in_the_server_url_is_never_shown(mailing, smtp_server, cli):
    url = smtp_server.url.replace("smtp://", "smtp://report:s3cret@")
    assert "s3cret" not in mailing("config", "set", "smtp", url).stdout
    shown = mailing("config", "show", "--json", env={"RECEPTIONCTL_SMTP": ""}).json()["smtp"]
    assert shown["value"] == shown["in_file"] == url.replace("s3cret", "***")
    # the test server offers no STARTTLS: the password is not sent in clear
    run = cli("report", "daily", "--mail", TO, env={"RECEPTIONCTL_SMTP": url})
    one_error_line(run, 5, "offers no STARTTLS")
    assert "s3cret" not in run.stderr and smtp_server.envelopes == []


def test_an_unreachable_server_is_exit_5_in_one_line(mailing, cli):
    port = free_port()  # nothing listens there
    run = cli("report", "daily", "--mail", TO, env={"RECEPTIONCTL_SMTP": f"smtp://127.0.0.1:{port}"})
    one_error_line(run, 5, f"cannot send the report by mail through smtp://127.0.0.1:{port}: ")
    assert "refused" in run.stderr.splitlines()[0].lower() and run.stdout == ""
    printed = cli("report", "daily", "--mail", TO, "--format", "text", env={"RECEPTIONCTL_SMTP": f"smtp://127.0.0.1:{port}"})
    assert printed.exit_code == 5 and printed.stdout.startswith("Daily reception report")  # printed before it failed


def test_a_refused_recipient_is_exit_5(mailing, smtp_server, cli):
    run = cli("report", "daily", "--mail", "nobody@example.com")
    one_error_line(run, 5, "every recipient refused: nobody@example.com (550 5.1.1 no such user)")
    partly = cli("report", "daily", "--mail", TO, "--mail", "nobody@example.com")
    one_error_line(partly, 5, "the report was mailed, but smtp://127.0.0.1:", "nobody@example.com")
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[TO]]


def test_bad_settings_and_addresses_are_exit_2_before_any_work(team, cli, smtp_server):
    one_error_line(cli("report", "daily", "--mail", TO), 2, "no mail server is set")
    env = {"RECEPTIONCTL_SMTP": smtp_server.url}
    one_error_line(cli("report", "daily", "--mail", "not an address", env=env), 2, "--mail", "not a mail address")
    one_error_line(cli("report", "daily", "--mail", TO, env={"RECEPTIONCTL_SMTP": "http://mail.example.com"}), 2,
                   "RECEPTIONCTL_SMTP", "expected smtp://")
    one_error_line(cli("config", "set", "smtp", "mail.example.com"), 2, "expected smtp://")
    one_error_line(cli("config", "set", "mail_from", "desk"), 2, "not a mail address")
    assert smtp_server.envelopes == []


def test_no_mail_on_a_day_off_with_working_days_only(mailing, smtp_server):
    run = mailing("report", "daily", "--mail", TO, "--working-days-only", "--date", "2026-11-28")  # a Saturday
    assert run.stdout == "" and smtp_server.envelopes == []
