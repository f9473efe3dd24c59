"""What every page shares: the app's settings, one request at a time, the language, the signed
session cookie and its CSRF token, the signed-in user, a session on the database, the
templates, flash messages, and the domain's errors shown on the page.

One request at a time. The interface language (receptionctl.i18n) and the clock's zone
(domain/core/clock.py) are process-global in this code base, as a command line run's are. So
every endpoint is an `async def` that does its domain work synchronously, inside `LOCK`: the
event loop runs one request's work to its end before the next starts (and the lock holds that
even when a test client calls from threads). The language is set for each request from its
`lang` cookie, else its Accept-Language, else zh-CN. A desk's handful of clerks wait
milliseconds for each other; a bigger office runs several processes behind a proxy.

A page handler is written as `@page` (signed-in users) or `@page(public=True)` and takes a
`Page`: `pg.session(write=True)` opens a session whose actor is the signed-in user (taken as
declared: the web login is the identity), `pg.render(...)` fills a template, `pg.redirect(...)`
answers a POST (POST-redirect-GET) with a flash message in the user's language. A
ReceptionError raised by the domain (its message already translated) is shown on the page
with its HTTP status (400 bad input, 403 not allowed, 404 not found, 409 refused), never as a
traceback.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from receptionctl import errors, i18n
from receptionctl.i18n import _

LOCK = threading.RLock()
PAGES_KEPT = 64  # the pages' read models an app keeps (Web.pages, Page.kept)
HERE = Path(__file__).resolve().parent
COOKIE = "receptionctl_session"
LANG_COOKIE = "lang"
WEB_LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"
SESSION_HOURS = 12  # a signed session older than this is not accepted
SECRET_ENV = "RECEPTIONCTL_WEB_SECRET"
STATUS = {errors.ExitCode.BAD_INPUT: 400, errors.ExitCode.NOT_ALLOWED: 403, errors.ExitCode.NOT_FOUND: 404,
          errors.ExitCode.REFUSED: 409}


@dataclass
class Web:
    """The app's settings, made once at start-up (app.py, create_app)."""

    db: Any  # store.db.Database, opened through services/runs.py
    secret: str
    templates: Any  # starlette Jinja2Templates
    after_commit: Callable[[list, str], None] | None = None  # the hooks, as the command line runs them
    key_env: str | None = None  # RECEPTIONCTL_KEY's value, if any
    # the pages' read models kept while nothing changes (Page.kept): the most recent PAGES_KEPT, per
    # page, user, language, audit version and minute; only ever touched under LOCK
    pages: "OrderedDict[tuple, dict]" = field(default_factory=OrderedDict)
    feeds: dict = field(default_factory=dict)  # calendar feeds made, by token hash (web/calendar.py)

    def cipher(self):
        from receptionctl.services import runs

        return runs.cipher(self.db, self.key_env)


# -- the secret that signs the cookies --------------------------------------------------------
def secret_for(db, env: str | None) -> str:
    """RECEPTIONCTL_WEB_SECRET, else a secret kept in `<db>.web-secret` beside a SQLite database
    (made once, mode 0600). A server database has no file beside it: the variable is needed."""
    if env:
        return env
    path = db.path.with_name(db.path.name + ".web-secret") if db.is_sqlite and db.path is not None else None
    if path is None:
        raise errors.StorageError(_("the web front desk on a server database needs {variable}: a long random "
                                    "text, the same for every process that serves it").format(variable=SECRET_ENV))
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    return value


def serializer(secret: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt="receptionctl.web.session")


# -- the language ------------------------------------------------------------------------------
def choose_lang(request: Request) -> str:
    """The `lang` cookie, else the first of Accept-Language's that the pages speak, else zh-CN."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in WEB_LANGS:
        return chosen
    ranked = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower()))
    for _q, _i, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANG


# -- a request -----------------------------------------------------------------------------------
@dataclass
class Page:
    """One request: who is signed in (None on a public page), its cookie's data, what to say."""

    request: Request
    web: Web
    lang: str
    data: dict = field(default_factory=dict)  # the signed cookie's content
    user: Any = None  # domain.people.passwords.LoginCheck of the signed-in user
    flashes: list = field(default_factory=list)

    @property
    def actor(self) -> str:
        return self.user.username

    @property
    def csrf(self) -> str:
        return self.data.setdefault("csrf", secrets.token_urlsafe(32))

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Any]:
        """A session on the database as the signed-in user (services/runs.py), hooks after a commit."""
        from receptionctl.services import runs

        actor = self.user.username if self.user else ""
        with runs.work(self.web.db, write, actor=lambda: actor, after_commit=self.web.after_commit) as session:
            yield session

    def kept(self, name: tuple, read: Callable[[], dict]) -> dict:
        """What `read()` gives for this page, kept while nothing has changed: the same page (`name`:
        its path and query), the same signed-in user and language, the same audit version (every
        change of the database, from the web or the command line, is audited: domain/core/audit.py,
        version) and the same minute (overdue and due-now move with the clock). A desk's board
        refreshed every few seconds is then read from the database once a minute or once a change,
        at the price of one statement a request. What is kept are the domain's read models and
        texts, never a response: the flash messages and the CSRF token are each request's own."""
        from receptionctl.domain.core import audit, clock

        with self.session() as session:
            version = audit.version(session)
        key = (name, self.actor, self.lang, version, clock.now().replace(second=0, microsecond=0))
        kept = self.web.pages
        found = kept.get(key)
        if found is None:
            found = read()
            kept[key] = found
            while len(kept) > PAGES_KEPT:
                kept.popitem(last=False)  # the oldest first
        else:
            kept.move_to_end(key)
        return found

    def flash(self, message: str, kind: str = "ok") -> None:
        """A message shown on the next page (after a redirect)."""
        self.data.setdefault("flash", []).append([kind, message])

    def render(self, name: str, context: dict | None = None, status: int = 200) -> Response:
        shown, self.data["flash"] = self.data.get("flash", []), []
        ctx = {"pg": self, "user": self.user, "csrf_token": self.csrf, "lang": self.lang,
               "flashes": shown + self.flashes, **(context or {})}
        return self.web.templates.TemplateResponse(self.request, name, ctx, status_code=status)

    def redirect(self, url: str, message: str | None = None) -> Response:
        if message:
            self.flash(message)
        return RedirectResponse(url, status_code=303)

    def sign_in(self, user) -> None:
        """A new session for `user` (a fresh token: none from before the sign-in stays valid)."""
        self.data = {"user": user.username, "version": user.version, "csrf": secrets.token_urlsafe(32),
                     "flash": self.data.get("flash", [])}
        self.user = user

    def sign_out(self) -> None:
        self.data = {"csrf": secrets.token_urlsafe(32), "flash": self.data.get("flash", [])}
        self.user = None


def secure(request: Request) -> bool:
    """Served over TLS: https (uvicorn sets the scheme from X-Forwarded-Proto behind a trusted proxy)."""
    return request.url.scheme == "https"


def _read_cookie(web: Web, request: Request) -> dict:
    from itsdangerous import BadSignature

    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        data = serializer(web.secret).loads(raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:  # tampered with, another server's, or too old
        return {}
    return data if isinstance(data, dict) else {}


def _current_user(pg: Page):
    """The signed-in user, if the cookie names one whose session still stands (active, and no
    password change, reset or sign-out since it was made)."""
    from receptionctl.domain.people import passwords

    name, version = pg.data.get("user"), pg.data.get("version")
    if not isinstance(name, str) or not isinstance(version, int):
        return None
    with pg.session() as session:
        found = passwords.signed_in(session, name, version)
    return found if found.ok else None


def _csrf_ok(pg: Page, form) -> bool:
    sent = form.get("csrf_token") if form is not None else None
    expected = pg.data.get("csrf")
    return isinstance(sent, str) and bool(expected) and secrets.compare_digest(sent, expected)


def _finish(pg: Page, response: Response) -> Response:
    response.set_cookie(COOKIE, serializer(pg.web.secret).dumps(pg.data), max_age=SESSION_HOURS * 3600,
                        path="/", httponly=True, samesite="lax", secure=secure(pg.request))
    return response


def _error_page(pg: Page, exc: errors.ReceptionError) -> Response:
    status = STATUS.get(exc.code, 500)
    pg.flashes.append(["error", exc.message + (f" ({exc.hint})" if exc.hint else "")])
    return pg.render("error.html", {"status": status}, status=status)


async def _handle(request: Request, handler, public: bool, change_page: bool) -> Response:
    web: Web = request.app.state.web
    form = await request.form() if request.method == "POST" else None
    with LOCK:
        pg = Page(request, web, i18n.setup(choose_lang(request)))
        pg.data = _read_cookie(web, request)
        try:
            pg.user = _current_user(pg)
            if request.method == "POST" and not _csrf_ok(pg, form):
                return _finish(pg, pg.render("error.html", {"status": 403, "forbidden": True}, status=403))
            if pg.user is None and not public:
                return _finish(pg, RedirectResponse("/login", status_code=303))
            if pg.user is not None and pg.user.must_change and not (public or change_page):
                return _finish(pg, RedirectResponse("/password", status_code=303))
            return _finish(pg, handler(pg, form) if form is not None else handler(pg))
        except errors.ReceptionError as exc:
            return _finish(pg, _error_page(pg, exc))


def page(handler=None, *, public: bool = False, change_page: bool = False):
    """An endpoint: `handler(pg)` for a GET, `handler(pg, form)` for a POST. `public`: no
    sign-in needed (the login page); `change_page`: reachable when the user must change their
    password first."""

    def wrap(fn):
        async def endpoint(request: Request) -> Response:
            return await _handle(request, fn, public, change_page)

        endpoint.__name__ = fn.__name__
        endpoint.__doc__ = fn.__doc__
        return endpoint

    return wrap(handler) if handler is not None else wrap


def field_text(form, name: str, limit: int = 2000) -> str:
    """A form field's text (empty when missing); longer than `limit`: bad input, as on the command line."""
    value = form.get(name) if form is not None else None
    value = value if isinstance(value, str) else ""
    if len(value) > limit:
        raise errors.BadInput(_("{option} is too long: expected at most {limit} characters").format(option=name,
                                                                                                limit=limit))
    return value


def form_id(form, name: str) -> int:
    """A form field holding an id: a whole number from 1 to 2147483647, named when it is not."""
    value = field_text(form, name, 20).strip()
    if value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= 2**31 - 1:
        return int(value)
    raise errors.BadInput(_("{value!r} is not an id: expected a whole number from 1 to {max}").format(
        value=value, max=2**31 - 1))
