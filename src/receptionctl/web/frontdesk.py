"""The desk's page (/desk) and three of its actions: a walk-in guest registered, a complaint,
repair or request taken (`case add`), and the evacuation roll call (`onsite`), printable and as
the same csv as `onsite --format csv`.

Each action is desk.py's model: the form's fields as the command's options, one domain function
in one write session as the signed-in user, then POST-redirect-GET with the command line's
message."""

from __future__ import annotations

import io

from starlette.responses import Response

from receptionctl.i18n import _, code
from receptionctl.web.base import Page, field_text, form_id, page
from receptionctl.web.forms import optional, rules


@page
def hub(pg: Page) -> Response:
    return pg.render("desk.html")


# -- a walk-in guest ------------------------------------------------------------------------------
@page
def walk_in_form(pg: Page) -> Response:
    return pg.render("desk_walkin.html")


@page
def walk_in(pg: Page, form) -> Response:
    """A guest without an approved visit: reception.walk_in, as `checkin --walk-in --client
    --host` (a level-3 walk-in visit, the host told at once; the identity number encrypted and
    shown masked)."""
    from receptionctl.domain.visits import reception

    id_number = optional(form, "id_number", 64)
    with pg.session(write=True) as session:
        done = reception.walk_in(session, pg.actor, client=field_text(form, "client", 400),
                                 host=field_text(form, "host", 400), name=field_text(form, "name", 400),
                                 title=optional(form, "title", 400),
                                 id_number=id_number.strip() if id_number else None,
                                 cipher=pg.web.cipher() if id_number else None)
    guest = done.view
    for warning in done.warnings:
        pg.flash(warning, "warning")
    if guest.id_number:
        return pg.redirect("/", _("{name} checked in to visit {visit} (ID {id_number})").format(
            name=guest.name, visit=guest.visit_id, id_number=guest.id_number))
    return pg.redirect("/", _("{name} checked in to visit {visit}").format(name=guest.name, visit=guest.visit_id))


# -- a case: complaint, repair, request ----------------------------------------------------------
@page
def case_form(pg: Page) -> Response:
    from receptionctl.domain.core.vocab import CaseKind, CaseSource, Severity

    return pg.render("desk_case.html", {"kinds": [k.value for k in CaseKind], "sources": [s.value for s in CaseSource],
                                        "severities": [s.value for s in Severity],
                                        "categories": rules(pg)["case_categories"]})


@page
def case_add(pg: Page, form) -> Response:
    """What a client, guest or resident raised: cases.add_case, as `case add` (its kinds,
    sources, categories, severities and limits are the domain's)."""
    from receptionctl.domain.cases import cases

    visit = optional(form, "visit", 20)
    with pg.session(write=True) as session:
        view = cases.add_case(session, pg.actor, kind=field_text(form, "kind", 40),
                              text=field_text(form, "text", 8000), source=field_text(form, "source", 40) or "desk",
                              category=optional(form, "category", 200),
                              severity=field_text(form, "severity", 40) or "medium",
                              client=optional(form, "client", 400),
                              visit_id=form_id(form, "visit") if visit else None,
                              about=optional(form, "about", 400))
    return pg.redirect("/desk/case", _("case {case} received: {kind}, {state}").format(
        case=view.id, kind=code(view.kind), state=code(view.state).replace("_", " ")))


# -- the evacuation roll call ---------------------------------------------------------------------
def _people(pg: Page):
    from receptionctl.domain.core import clock
    from receptionctl.domain.desk.onsite import on_site

    with pg.session() as session:
        now = clock.now()
        return now, on_site(session, now)


@page
def roll_call(pg: Page) -> Response:
    """Everyone on site now (guests, walk-ins, pass holders), as `onsite`: printable."""
    now, people = _people(pg)
    return pg.render("desk_rollcall.html", {"now": now, "people": people})


@page
def roll_call_csv(pg: Page) -> Response:
    """The roll call as `onsite --format csv` writes it, in the page's language."""
    from receptionctl.domain.core import clock
    from receptionctl.render.exports import write_roll_call

    now, people = _people(pg)
    sink = io.StringIO()
    write_roll_call(sink, people, codes=False)
    name = f"roll-call-{clock.local(now):%Y%m%d-%H%M}.csv"
    return Response(sink.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
