"""Calendars on the web front desk (issue 30).

- `GET /calendar/<token>.ics`: a person's feed, for a calendar app that subscribes to it. No
  session: the secret address is the key. It sets no cookie and answers `text/calendar;
  charset=utf-8` in the language the address was made in, with an ETag (the SHA-256 of the
  body) and Last-Modified (the latest change in it); an If-None-Match of the same ETag gets 304.
  An unknown or revoked token gets the same plain 404 as an address that does not exist, and is
  counted (domain/people/feeds.py). The token is in the path: the access log leaves it out
  (web/logs.py).
- `/calendar`: the signed-in person's page to make or revoke their own address (an admin: anyone's,
  and the count of failed requests). A new address is shown once, on the answer to the POST.
"""

from __future__ import annotations

import hashlib
import io
import re
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from receptionctl import i18n
from receptionctl.i18n import _
from receptionctl.web.base import LOCK, Page, field_text, page

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
TYPE = "text/calendar; charset=utf-8"


def not_found() -> Response:
    """What Starlette answers for an address that does not exist: nothing tells a revoked token apart."""
    return PlainTextResponse("Not Found", status_code=404)


KEPT = 512  # feeds kept made (by token hash and tasks): a subscribed app reads the same one again


def _body(web, token: str, tasks: bool) -> tuple[bytes, object] | None:
    """The feed's bytes and its latest change, or None when the token opens nothing (counted).
    A feed made at the database's current version (calendars.version: the audit log's head and
    the hour) is served again as it was made; any change makes it anew."""
    from receptionctl.domain.measures import calendars
    from receptionctl.domain.people import feeds
    from receptionctl.render.calendar import write_ics
    from receptionctl.services import runs

    with runs.work(web.db) as session:
        key = (feeds.digest(token), tasks)
        version = calendars.version(session)
        kept = web.feeds.get(key)
        if kept is not None and kept[0] == version:
            return kept[1], kept[2]
        who = feeds.owner(session, token) if TOKEN.fullmatch(token) else None
        if who is not None:
            i18n.setup(who.lang)
            feed = calendars.person(session, who.staff_id, who.username, tasks=tasks)
            sink = io.StringIO()
            latest = write_ics(sink, feed, _("Visits of {name}").format(name=who.name), subscribed=True)
            body = sink.getvalue().encode("utf-8")
            if len(web.feeds) >= KEPT:
                web.feeds.pop(next(iter(web.feeds)))
            web.feeds[key] = (version, body, latest or who.created_at)
            return body, latest or who.created_at
    web.feeds.pop(key, None)
    with runs.work(web.db, write=True) as session:
        feeds.count_miss(session)
    return None


async def feed(request: Request) -> Response:
    token = request.path_params.get("token", "")
    tasks = request.query_params.get("tasks", "") in ("1", "yes", "true", "on")
    with LOCK:
        found = _body(request.app.state.web, token, tasks)
    if found is None:
        return not_found()
    body, latest = found
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    headers = {"ETag": etag, "Last-Modified": format_datetime(latest, usegmt=True),
               "Cache-Control": "private, no-cache", "X-Robots-Tag": "noindex"}
    asked = {t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")}
    if etag in asked or "*" in asked:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=TYPE, headers=headers)


# -- the page ----------------------------------------------------------------------------------
def _base(pg: Page, session) -> str:
    """The policy's web_url, else the address this page was reached at."""
    from receptionctl.domain.core import policy

    return policy.load(session)["web_url"] or str(pg.request.base_url).rstrip("/")


def _admin(pg: Page, session) -> bool:
    from receptionctl.domain.core import access

    who = access.find_actor(session, pg.actor)
    return who is not None and "admin" in who.roles


def _show(pg: Page, made=None, status: int = 200) -> Response:
    from receptionctl.domain.people import feeds

    with pg.session() as session:
        mine = feeds.state(session, pg.actor, pg.actor)
        admin = _admin(pg, session)
        others = feeds.holders(session, pg.actor) if admin else []
        misses = feeds.misses(session, pg.actor) if admin else None
    return pg.render("calendar.html", {"mine": mine, "made": made, "admin": admin, "others": others,
                                       "misses": misses}, status=status)


@page
def calendar_page(pg: Page) -> Response:
    return _show(pg)


def _whose(pg: Page, form) -> str:
    return field_text(form, "username", 64).strip() or pg.actor


@page
def calendar_new(pg: Page, form) -> Response:
    """A new address for the signed-in person (an admin: for the person named), shown this once."""
    from receptionctl.domain.people import feeds

    lang = field_text(form, "lang", 8).strip() or pg.lang
    with pg.session(write=True) as session:
        made = feeds.make(session, pg.actor, _whose(pg, form), _base(pg, session), lang)
    return _show(pg, made)


@page
def calendar_revoke(pg: Page, form) -> Response:
    from receptionctl.domain.people import feeds

    with pg.session(write=True) as session:
        done = feeds.revoke(session, pg.actor, _whose(pg, form))
    return pg.redirect("/calendar", _("calendar address of {user} revoked").format(user=done.username))
