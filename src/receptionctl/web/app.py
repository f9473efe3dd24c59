"""The web front desk's app (issue 27): Starlette, Jinja2 (autoescape on), no JavaScript.

`create_app(db_target)` builds it once, at start-up: the database (services/runs.py), the
secret that signs the session cookies, the templates and the routes. Every module a page needs
is imported here, so that no request imports anything. `receptionctl serve` runs it under
uvicorn; the tests drive it with Starlette's TestClient.

Every response carries the security headers (a Content-Security-Policy without inline script
or style, X-Frame-Options DENY, Referrer-Policy, nosniff); pages are not cached.
"""

from __future__ import annotations

import contextlib
from typing import Callable

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

# the pages' domain modules, imported once at start-up (never per request)
import receptionctl.domain.cases.cases  # noqa: F401
import receptionctl.domain.desk.desk  # noqa: F401
import receptionctl.domain.desk.onsite  # noqa: F401
import receptionctl.domain.desk.passes  # noqa: F401
import receptionctl.domain.measures.calendars  # noqa: F401
import receptionctl.domain.people.feeds  # noqa: F401
import receptionctl.domain.people.passwords  # noqa: F401
import receptionctl.domain.report.report  # noqa: F401
import receptionctl.domain.visits.reception  # noqa: F401
import receptionctl.render.calendar  # noqa: F401
import receptionctl.render.exports  # noqa: F401
from receptionctl import i18n
from receptionctl.web import auth, board, calendar, cases, desk, frontdesk, handover, passes, reports, tasks, visits
from receptionctl.web.base import HERE, SECRET_ENV, Web, secret_for

CSP = ("default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
]


class SecurityHeaders:
    """ASGI middleware: the security headers on every response; no-store on all but /static."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cached = scope.get("path", "").startswith("/static/")

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in names]
                if not cached and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(_=i18n._, code=i18n.code, label=i18n.label)
    env.filters["hm"] = lambda moment: "" if moment is None else f"{_local(moment):%H:%M}"
    env.filters["when"] = lambda moment: "" if moment is None else f"{_local(moment):%Y-%m-%d %H:%M}"
    return Jinja2Templates(env=env)


def _local(moment):
    from receptionctl.domain.core import clock

    return clock.local(moment)


ROUTES = [
    Route("/", board.board, methods=["GET"]),
    Route("/login", auth.login_form, methods=["GET"]),
    Route("/login", auth.login, methods=["POST"]),
    Route("/logout", auth.logout, methods=["POST"]),
    Route("/password", auth.password_form, methods=["GET"]),
    Route("/password", auth.change_password, methods=["POST"]),
    Route("/lang", auth.choose_language, methods=["GET"]),
    Route("/checkin", desk.checkin_form, methods=["GET"]),
    Route("/checkin", desk.checkin, methods=["POST"]),
    Route("/checkout", desk.checkout, methods=["POST"]),
    # the desk's pages (frontdesk.py, passes.py, handover.py)
    Route("/desk", frontdesk.hub, methods=["GET"]),
    Route("/desk/walkin", frontdesk.walk_in_form, methods=["GET"]),
    Route("/desk/walkin", frontdesk.walk_in, methods=["POST"]),
    Route("/desk/case", frontdesk.case_form, methods=["GET"]),
    Route("/desk/case", frontdesk.case_add, methods=["POST"]),
    Route("/desk/rollcall", frontdesk.roll_call, methods=["GET"]),
    Route("/desk/rollcall.csv", frontdesk.roll_call_csv, methods=["GET"]),
    Route("/desk/passes", passes.passes_page, methods=["GET"]),
    Route("/desk/passes", passes.pass_issue, methods=["POST"]),
    Route("/desk/passes/{id}", passes.pass_print, methods=["GET"]),
    Route("/desk/passes/{id}/return", passes.pass_return, methods=["POST"]),
    Route("/desk/mail", passes.mail_page, methods=["GET"]),
    Route("/desk/mail", passes.mail_receive, methods=["POST"]),
    Route("/desk/mail/{id}/collect", passes.mail_collect, methods=["POST"]),
    Route("/desk/goods", passes.goods_page, methods=["GET"]),
    Route("/desk/goods", passes.goods_request, methods=["POST"]),
    Route("/desk/goods/{id}/approve", passes.goods_approve, methods=["POST"]),
    Route("/desk/goods/{id}/release", passes.goods_release, methods=["POST"]),
    Route("/desk/log", handover.log_page, methods=["GET"]),
    Route("/desk/log", handover.log_add, methods=["POST"]),
    Route("/desk/shift", handover.shift_page, methods=["GET"]),
    Route("/desk/shift/start", handover.shift_start, methods=["POST"]),
    Route("/desk/shift/end", handover.shift_end, methods=["POST"]),
    Route("/desk/handovers", handover.handover_prepare, methods=["POST"]),
    Route("/desk/handovers/{id}", handover.handover_sheet, methods=["GET"]),
    Route("/desk/handovers/{id}/accept", handover.handover_accept, methods=["POST"]),
    Route("/desk/handovers/{id}/refuse", handover.handover_refuse, methods=["POST"]),
    Route("/desk/handovers/{id}/settle", handover.handover_settle, methods=["POST"]),
    # the coordinators' and managers' pages
    Route("/report", reports.report, methods=["GET"]),
    Route("/visits/{visit_id}", visits.visit, methods=["GET"]),
    Route("/visits/{visit_id}/reveal", visits.reveal, methods=["POST"]),
    Route("/tasks", tasks.my_tasks, methods=["GET"]),
    Route("/tasks/{task_id}/done", tasks.done, methods=["POST"]),
    Route("/tasks/{task_id}/skip", tasks.skip, methods=["POST"]),
    Route("/cases", cases.case_list, methods=["GET"]),
    Route("/cases/{case_id}", cases.case_page, methods=["GET"]),
    Route("/cases/{case_id}/{step}", cases.case_step, methods=["POST"]),
    # calendars (issue 30): the feed needs no session; the page is the signed-in person's
    Route("/calendar/{token}.ics", calendar.feed, methods=["GET"]),
    Route("/calendar", calendar.calendar_page, methods=["GET"]),
    Route("/calendar/new", calendar.calendar_new, methods=["POST"]),
    Route("/calendar/revoke", calendar.calendar_revoke, methods=["POST"]),
]


def create_app(db_target: str, *, secret: str | None = None, key_env: str | None = None,
               after_commit: Callable[[list, str], None] | None = None, busy_timeout: float | None = None,
               routes: list | None = None) -> Starlette:
    """The app over the database at `db_target`. `secret`: RECEPTIONCTL_WEB_SECRET's value (else a
    file beside a SQLite database); `key_env`: RECEPTIONCTL_KEY's; `after_commit`: the hooks.
    `routes`: more pages (the other desk pages add theirs to ROUTES)."""
    from receptionctl.services import runs

    db = runs.open_database(db_target, busy_timeout)
    web = Web(db=db, secret=secret_for(db, secret), templates=templates(), after_commit=after_commit,
              key_env=key_env)
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        db.dispose()  # the server stops: its connections are closed

    app = Starlette(routes=[*ROUTES, *(routes or []),
                            Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static")],
                    lifespan=lifespan)
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["create_app", "SECRET_ENV"]
