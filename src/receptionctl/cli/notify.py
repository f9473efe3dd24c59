"""`notify`: send the queued notifications (services/notify.py), list them, test a channel."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import LimitOpt, record_id, state, whole
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, ngettext

notify_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                   help="Notifications: send the queued ones (cron, every few minutes), list them and the "
                        "failed ones, test a channel.")

_COLUMNS = [("id", "ID"), ("state", "State"), ("event", "Event"), ("recipient", "notify|To"), ("channel", "Channel"),
            ("attempts", "Tries"), ("when", "Next / sent"), ("subject", "notify|Subject"), ("last_error", "Last error")]


@notify_app.command("send", short_help="Send the notifications that are due, through Apprise.", help="Send the notifications that are due, through Apprise (a mail to a client, "
                    "such as the feedback questionnaire, through the smtp setting), one at a time with a "
                    "timeout: sent ones are done; a failure is tried again later (the policy's notify_retries and "
                    "notify_backoff_minutes), then failed (see `notify list --failed`); an unusable URL fails at "
                    "once. First it passes each case taken at the desk and not acknowledged in time to the shift leader "
                    "(a step for the desk supervisor, case.escalate) and looks for escalations whose promised answer "
                    "time has passed (promise.breach), once each. Prints how many were sent, retried and failed; exits 0 even when some failed, 5 "
                    "when the database cannot be used. Safe to run twice at once: a message is sent by one run "
                    "only. For cron: */5 * * * * receptionctl notify send. Example: receptionctl notify send --json")
@output_options
def send(
    ctx: typer.Context,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", metavar="N", parser=whole(1, 1_000_000),
        help="Send at most N messages in this run, the oldest due first (default 1000).")] = None,
    *,
    out: Output,
) -> None:
    import dataclasses

    from receptionctl.i18n import _
    from receptionctl.render.output import say
    from receptionctl.services import notify

    st = state(ctx)
    done = dataclasses.asdict(notify.send_due(st.session, limit, st.actor, mail_settings=_mail_server))
    out.show(done, lambda: say(_("sent {sent}, retried {retried}, failed {failed}").format(**done)))
    if done["cases_escalated"] and not out.json:
        from receptionctl.render.output import note

        note(ngettext("{n} case taken at the desk and not acknowledged in time was passed to the shift leader",
                      "{n} cases taken at the desk and not acknowledged in time were passed to the shift leader",
                      done["cases_escalated"]).format(n=done["cases_escalated"]))


def _mail_server():
    """The mail server and sender of a mail to a client (the smtp and mail_from settings): (None,
    the sender) when no server is set; a bad setting counts as none (the mail fails, saying so)."""
    from receptionctl.cli.common import setting
    from receptionctl.errors import BadInput
    from receptionctl.services import mail

    try:
        url, _origin = setting("smtp")
        sender, _origin = setting("mail_from")
        return (mail.parse_smtp(url, "smtp") if url else None), sender or mail.default_sender()
    except BadInput:
        return None, mail.default_sender()


@notify_app.command("list", help="List the notifications, newest first: state (queued, sent, failed), event, "
                    "recipient, channel (passwords and keys masked), attempts, the next attempt or when it was sent, "
                    "the last error. --failed is the dead-letter list. "
                    "Example: receptionctl notify list --failed --json")
@output_options(wide=True)
def list_(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Only the failed ones (the dead-letter list).")] = False,
    queued: Annotated[bool, typer.Option("--queued", help="Only the ones still queued (due now or later).")] = False,
    sent: Annotated[bool, typer.Option("--sent", help="Only the ones sent.")] = False,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl import reasons
    from receptionctl.domain.core import notify
    from receptionctl.i18n import code

    states = tuple(s for s, on in (("failed", failed), ("queued", queued), ("sent", sent)) if on)
    with state(ctx).session() as session:
        views = notify.list_messages(session, states, limit)
    # the event and the last error as people read them; JSON keeps the codes and Apprise's words
    out.table(views, _COLUMNS, rows=lambda: [
        {**v.__dict__, "when": v.next_at or v.sent_at, "event": code(v.event, "audit"),
         "last_error": reasons.sending(v.last_error) if v.last_error else v.last_error} for v in views],
              empty=N_("No notifications."))


@notify_app.command("retry", short_help="Queue a failed notification again.", help="Queue a failed notification again, due now, its attempts counted afresh "
                    "(a coordinator or an admin; audited); `notify send` then sends it. "
                    "Example: receptionctl notify retry 12")
@output_options
def retry(
    ctx: typer.Context,
    message: Annotated[int, typer.Argument(metavar="ID", parser=record_id,
                                           help="The notification's id (see `notify list --failed`).")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.core import notify
    from receptionctl.i18n import _

    st = state(ctx)
    with st.session(write=True) as session:
        view = notify.retry(session, st.actor, message)
    out.done(view, _("notification {id} is queued again").format(id=view.id))


@notify_app.command("test", short_help="Send a test message to a channel now.", help="Send one test message to a channel now, through Apprise, without the database: "
                    "exits 0 when it was sent, 2 when Apprise does not know the URL, 5 with Apprise's reason when it "
                    "could not be sent. URLs: wecombot://KEY (a WeCom group bot), dingtalk://TOKEN, "
                    "mailtos://user:pass@example.com?to=li@example.com, json://host:port/path, and the rest Apprise "
                    "supports. Example: receptionctl notify test wecombot://KEY --text \"hello from the front desk\"")
def test(
    url: Annotated[str, typer.Argument(metavar="URL", help="The channel, an Apprise URL.")],
    text: Annotated[Optional[str], typer.Option("--text", help="The message (default: a short test sentence).")] = None,
    timeout: Annotated[int, typer.Option("--timeout", metavar="SECONDS", help="Seconds the sending may take.",
                                         parser=whole(1, 300))] = 10,
) -> None:
    from receptionctl import reasons
    from receptionctl.domain.core import notify
    from receptionctl.errors import BadInput, StorageError
    from receptionctl.i18n import _
    from receptionctl.render.output import say

    body = text if text and text.strip() else _(notify.TEST_TEXT)
    ok, error, permanent = notify.deliver(url, _("receptionctl test"), body, timeout)
    if permanent:
        raise BadInput(_("channel {url!r} is not a URL Apprise can use: {problem}").format(
            url=notify.mask(url), problem=reasons.channel(error)), hint=_("see Apprise's URL syntax: https://github.com/caronc/apprise/wiki"))
    if not ok:
        raise StorageError(_("could not send to {url}: {problem}").format(url=notify.mask(url),
                                                                            problem=reasons.sending(error)))
    say(_("sent a test message to {url}").format(url=notify.mask(url)))
