"""Signing in and out, choosing a new password, and the language switch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from receptionctl.errors import BadInput
from receptionctl.i18n import _
from receptionctl.web.base import LANG_COOKIE, WEB_LANGS, Page, field_text, page, secure


@page(public=True)
def login_form(pg: Page) -> Response:
    if pg.user is not None:
        return pg.redirect("/")
    return pg.render("login.html")


@page(public=True)
def login(pg: Page, form) -> Response:
    """A sign-in: every refusal looks the same (domain/people/passwords.py, check_login)."""
    from receptionctl.domain.people import passwords

    username = field_text(form, "username", 200)
    with pg.session(write=True) as session:  # the attempt is written (count, lock, audit) whatever the answer
        found = passwords.check_login(session, username, field_text(form, "password", passwords.MAX_LENGTH))
    if not found.ok:
        pg.flashes.append(["error", _("Wrong username or password, or the login is locked for a while.")])
        return pg.render("login.html", {"username": username}, status=401)
    pg.sign_in(found)
    if found.must_change:
        return pg.redirect("/password", _("Choose a new password before you go on."))
    return pg.redirect("/", _("Signed in as {user}.").format(user=found.name))


@page(change_page=True)
def logout(pg: Page, form) -> Response:
    from receptionctl.domain.people import passwords

    with pg.session(write=True) as session:
        passwords.sign_out(session, pg.actor)
    pg.sign_out()
    return pg.redirect("/login", _("Signed out."))


@page(change_page=True)
def password_form(pg: Page) -> Response:
    return pg.render("password.html")


@page(change_page=True)
def change_password(pg: Page, form) -> Response:
    """The signed-in user chooses a new password (twice); their other sessions end, this one goes on."""
    from receptionctl.domain.people import passwords

    new = field_text(form, "new_password", passwords.MAX_LENGTH)
    if new != field_text(form, "confirm_password", passwords.MAX_LENGTH):
        raise BadInput(_("the two passwords differ: expected the same password twice"))
    if not pg.user.must_change:  # a voluntary change: the current password first, counted as a sign-in
        with pg.session(write=True) as session:  # committed: a wrong one counts towards the lock
            known = passwords.check_login(session, pg.actor, field_text(form, "password", passwords.MAX_LENGTH))
        if not known.ok:
            raise BadInput(_("the current password is wrong"))
    with pg.session(write=True) as session:
        passwords.set_password(session, pg.actor, pg.actor, new)
    with pg.session() as session:
        pg.sign_in(passwords.signed_in(session, pg.actor, pg.user.version + 1))
    return pg.redirect("/", _("Your password is changed."))


async def choose_language(request: Request) -> Response:
    """/lang?to=en&next=/path: the pages in that language from now on (a cookie), back where one was."""
    to = request.query_params.get("to")
    back = request.query_params.get("next") or "/"
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"
    response = RedirectResponse(back, status_code=303)
    if to in WEB_LANGS:
        response.set_cookie(LANG_COOKIE, to, max_age=365 * 24 * 3600, path="/", httponly=True, samesite="lax",
                            secure=secure(request))
    return response
