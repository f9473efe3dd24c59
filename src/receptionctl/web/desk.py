"""The desk's actions. Checking a guest in and out is the model for the others: a form, one
domain function in one write session as the signed-in user, then POST-redirect-GET with a
flash message in the user's language (a domain error is shown on the page, base.py)."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.i18n import _
from receptionctl.web.base import Page, field_text, form_id, page


def door_visits(pg: Page) -> list:
    """The visits a guest may be checked in to now (as `checkin` offers them on a terminal)."""
    from receptionctl.domain.visits import reception

    with pg.session() as session:
        return reception.at_the_door(session, pg.actor)


@page
def checkin_form(pg: Page) -> Response:
    return pg.render("checkin.html", {"door": door_visits(pg), "visit_id": pg.request.query_params.get("visit", "")})


@page
def checkin(pg: Page, form) -> Response:
    """A guest of an approved visit checked in: reception.checkin, the identity number encrypted
    with the key and shown masked, as `receptionctl checkin` does."""
    from receptionctl.domain.visits import reception

    visit_id = form_id(form, "visit")
    id_number = field_text(form, "id_number", 64).strip() or None
    with pg.session(write=True) as session:
        done = reception.checkin(session, pg.actor, visit_id, field_text(form, "name", 400),
                                 field_text(form, "title", 400) or None, id_number,
                                 cipher=pg.web.cipher() if id_number else None)
    guest = done.view
    for warning in done.warnings:
        pg.flash(warning, "warning")
    if guest.id_number:  # masked, as the command line shows it
        return pg.redirect("/", _("{name} checked in to visit {visit} (ID {id_number})").format(
            name=guest.name, visit=guest.visit_id, id_number=guest.id_number))
    return pg.redirect("/", _("{name} checked in to visit {visit}").format(name=guest.name, visit=guest.visit_id))


@page
def checkout(pg: Page, form) -> Response:
    from receptionctl.domain.visits import reception

    visit_id = form_id(form, "visit")
    with pg.session(write=True) as session:
        done = reception.checkout(session, pg.actor, visit_id, field_text(form, "name", 400))
    return pg.redirect("/", _("{name} checked out of visit {visit}").format(name=done.view.name,
                                                                             visit=done.view.visit_id))
