"""Mail: the server setting, one MIME mail with a text and an HTML part, handed to the server.

The server (the `smtp` setting): `smtp://[user:password@]host[:port]` (port 25; STARTTLS when
the server offers it, and required before a password is sent) or
`smtps://[user:password@]host[:port]` (TLS from the start, port 465); user and password
percent-encoded where needed. The sender (`mail_from`) defaults to receptionctl@HOSTNAME.

The mail: multipart/alternative with the plain text and the HTML page, both UTF-8; Date and
Message-ID set. Sending has a timeout (SMTP_TIMEOUT_S); a failure is a storage problem
(exit 5) in one line. Which settings are in force, and what the mail says, is the caller's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from receptionctl import reasons
from receptionctl.domain.core import clock
from receptionctl.errors import BadInput, StorageError
from receptionctl.i18n import _, chinese

SMTP_TIMEOUT_S = 30.0
_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class Server:
    url: str  # as set (a password in it)
    tls: bool  # smtps: TLS from the start
    host: str
    port: int
    user: str | None
    password: str | None

    def shown(self) -> str:
        """host:port, no password: for messages."""
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class Outgoing:
    server: Server
    sender: str
    to: tuple[str, ...]


def masked(url: str) -> str:
    """A URL without its password."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/?#]*@", r"\1:***@", url)


def parse_smtp(value: str, what: str) -> Server:
    """The `smtp` setting, checked: bad input (exit 2) naming `what` when it is not a server URL."""
    from urllib.parse import unquote, urlsplit

    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme.lower() not in _PORTS or not parts.hostname or parts.path not in ("", "/")
            or parts.query or parts.fragment or any(ch in text for ch in "\r\n\0 ")):
        raise BadInput(_("{what} {value!r} is not valid: expected smtp://[user:password@]host[:port] or "
                         "smtps://[user:password@]host[:port]").format(what=what, value=masked(text)))
    scheme = parts.scheme.lower()
    return Server(url=text, tls=scheme == "smtps", host=parts.hostname, port=port or _PORTS[scheme],
                  user=unquote(parts.username) if parts.username else None,
                  password=unquote(parts.password) if parts.password is not None else None)


def check_address(value: str, what: str) -> str:
    """One mail address (`name@example.com` or `Name <name@example.com>`), checked: bad input
    (exit 2) naming `what` when it is not one."""
    from email.utils import parseaddr

    text = value.strip()
    _name, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    if (not at or not local or not domain or " " in address or any(ch in text for ch in "\r\n\0")
            or (text != address and not text.endswith(">"))):
        raise BadInput(_("{what} {value!r} is not a mail address: expected name@example.com or "
                         "'Name <name@example.com>'").format(what=what, value=value))
    return text


def default_sender() -> str:
    import socket

    return f"receptionctl@{socket.gethostname() or 'localhost'}"


def compose(subject: str, plain: str, html: str, out: Outgoing) -> Any:
    """A multipart/alternative mail (an `email.message.EmailMessage`): the plain text, then the
    HTML page, from `out.sender` to `out.to`, dated now in the company's zone."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid, parseaddr

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = out.sender
    msg["To"] = ", ".join(out.to)
    msg["Date"] = format_datetime(clock.local(clock.now()))
    domain = parseaddr(out.sender)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    # 8-bit text is not safe through every relay: base64 for anything but ASCII
    msg.set_content(plain, subtype="plain", charset="utf-8", cte=None if plain.isascii() else "base64")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=None if html.isascii() else "base64")
    return msg


class _NoStartTLS(Exception):
    """The server offers no STARTTLS, and a password is not sent in clear."""


def _transmit(msg: Any, out: Outgoing, timeout: float) -> dict:
    """Hand the mail to the server; the recipients it refused. Raises what smtplib and the
    socket raise, and _NoStartTLS."""
    import smtplib
    import socket
    import ssl

    server = out.server
    local = socket.gethostname() or "localhost"  # not getfqdn(): a DNS lookup that can hang
    if server.tls:
        conn = smtplib.SMTP_SSL(server.host, server.port, local_hostname=local, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(server.host, server.port, local_hostname=local, timeout=timeout)
    with conn:
        conn.ehlo()
        if not server.tls:
            if conn.has_extn("starttls"):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            elif server.user:
                raise _NoStartTLS()
        if server.user:
            conn.login(server.user, server.password or "")
        return conn.send_message(msg, from_addr=parseaddr_only(out.sender),
                                 to_addrs=[parseaddr_only(a) for a in out.to])


def send(msg: Any, out: Outgoing, timeout: float = SMTP_TIMEOUT_S) -> None:
    """Hand the mail to the server; a storage problem (exit 5) naming the server and the reason if
    it is not taken for every recipient."""
    import smtplib

    server = out.server
    hint = _("check the smtp setting (`receptionctl config show`) and that the server is reachable")
    try:
        refused = _transmit(msg, out, timeout)
    except _NoStartTLS:
        raise StorageError(_("cannot send the report by mail through {server}: it offers no STARTTLS, "
                             "and the password is not sent in clear").format(server=server.shown()),
                           hint=_("use smtps://, or a server that offers STARTTLS")) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise StorageError(_("cannot send the report by mail through {server}: {error}").format(
            server=server.shown(), error=_reason(exc, timeout)), hint=hint) from None
    if refused:
        raise StorageError(_("the report was mailed, but {server} refused {addresses}").format(
            server=server.shown(), addresses=", ".join(f"{a} ({_code(c)})" for a, c in refused.items())), hint=hint)


def compose_text(subject: str, plain: str, out: Outgoing, reply_to: str | None = None) -> Any:
    """A plain-text mail (UTF-8), from `out.sender` to `out.to`, dated now; answers go to
    `reply_to` when given (a client's questionnaire: its answers go to the service desk)."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid, parseaddr

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = out.sender
    msg["To"] = ", ".join(out.to)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = format_datetime(clock.local(clock.now()))
    domain = parseaddr(out.sender)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(plain, subtype="plain", charset="utf-8", cte=None if plain.isascii() else "base64")
    return msg


NO_SERVER = "no mail server is set: `receptionctl config set smtp smtp://mail.example.com:25` (or RECEPTIONCTL_SMTP)"


def deliver(address: str, reply_to: str | None, subject: str, body: str, server: Server | None, sender: str,
            timeout: float) -> tuple[bool, str | None, bool]:
    """Send one queued mail to a client now (a `mailto:` notification): (sent, the reason when not,
    permanent: it cannot be sent as things are set, such as without a mail server). Never raises."""
    import smtplib

    if server is None:
        return False, NO_SERVER, True
    out = Outgoing(server, sender, (address,))
    try:
        refused = _transmit(compose_text(subject, body, out, reply_to), out, timeout)
    except _NoStartTLS:
        return False, f"{server.shown()} offers no STARTTLS, and the password is not sent in clear", True
    except (smtplib.SMTPException, OSError) as exc:
        return False, f"{server.shown()}: {_reason(exc, timeout)}", False
    if refused:
        return False, f"{server.shown()} refused " + ", ".join(f"{a} ({_code(c)})" for a, c in refused.items()), True
    return True, None, False


def parseaddr_only(text: str) -> str:
    from email.utils import parseaddr

    return parseaddr(text)[1]


def _code(answer: Any) -> str:
    """A mail server's answer: its code and its words; in Chinese its code alone (the words are English)."""
    code, text = answer
    if chinese():
        return str(code)
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


def _reason(exc: BaseException, timeout: float) -> str:
    import smtplib
    import socket

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("every recipient refused: {answers}").format(
            answers=", ".join(f"{a} ({_code(c)})" for a, c in exc.recipients.items()))
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = _code((exc.smtp_code, exc.smtp_error))
        return _("the server answered {answer}").format(answer=answer) if chinese() else answer
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return _("no answer within {seconds} s").format(seconds=f"{timeout:g}")
    if isinstance(exc, OSError) and exc.strerror:
        return reasons.os_error(exc, exc.strerror)
    return reasons.unknown(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
