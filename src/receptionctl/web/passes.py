"""The desk's logs on the web: temporary passes (issue, return, the open ones, a printable
pass), mail (receive, collect, what waits at the desk) and goods leaving the site (request, the
owner's agreement, release). The same domain functions as `pass`, `mail` and `goods`
(domain/desk/passes.py), so the same fields, limits, refusals and audit."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.i18n import _, code
from receptionctl.web.base import Page, field_text, page
from receptionctl.web.forms import moment, optional, path_id, whole


# -- temporary passes ------------------------------------------------------------------------------
@page
def passes_page(pg: Page) -> Response:
    """The passes out (not returned), and the form that issues one."""
    from receptionctl.domain.desk import passes

    with pg.session() as session:
        out = passes.list_passes(session, out_only=True)
    return pg.render("desk_passes.html", {"passes": out})


@page
def pass_issue(pg: Page, form) -> Response:
    """passes.issue_pass, as `pass issue`: --until read as the command line reads it, the
    identity number encrypted and shown masked."""
    from receptionctl.domain.core import clock
    from receptionctl.domain.desk import passes

    id_number = optional(form, "id_number", 64)
    with pg.session(write=True) as session:
        view = passes.issue_pass(session, pg.actor, name=field_text(form, "name", 4000),
                                 company=field_text(form, "company", 4000), purpose=field_text(form, "purpose", 8000),
                                 until=moment(session, field_text(form, "until", 200)),
                                 id_number=id_number, host=optional(form, "host", 400),
                                 place=optional(form, "place", 4000),
                                 cipher=pg.web.cipher() if id_number else None)
    return pg.redirect(f"/desk/passes/{view.id}", _("pass {id} issued to {name} ({company}), back by {until}").format(
        id=view.id, name=view.name, company=view.company, until=f"{clock.local(view.until):%Y-%m-%d %H:%M}"))


@page
def pass_return(pg: Page, form) -> Response:
    from receptionctl.domain.desk import passes

    with pg.session(write=True) as session:
        view = passes.return_pass(session, pg.actor, path_id(pg))
    return pg.redirect("/desk/passes", _("pass {id} returned ({name}, {company})").format(
        id=view.id, name=view.name, company=view.company))


@page
def pass_print(pg: Page) -> Response:
    """One pass, to print and hand over: who, their company, what for, the host, where, valid
    until, its number; the identity number masked (as `pass show`)."""
    from receptionctl.domain.desk import passes

    with pg.session() as session:
        view = passes.show_pass(session, path_id(pg))
    return pg.render("desk_pass.html", {"p": view})


# -- mail ------------------------------------------------------------------------------------------
@page
def mail_page(pg: Page) -> Response:
    """What waits at the desk (uncollected), and the form that receives an item."""
    from receptionctl.domain.desk import passes

    with pg.session() as session:
        waiting = passes.list_mail(session, uncollected=True)
    return pg.render("desk_mail.html", {"mail": waiting, "kinds": passes.MAIL_KINDS})


@page
def mail_receive(pg: Page, form) -> Response:
    from receptionctl.domain.desk import passes

    with pg.session(write=True) as session:
        view = passes.receive_mail(session, pg.actor, to=field_text(form, "to", 400), kind=field_text(form, "kind", 40),
                                   sender=optional(form, "sender", 4000), tracking=optional(form, "tracking", 4000))
    said = dict(id=view.id, kind=code(view.kind), to=view.to or view.to_dept, task=view.task_id)
    return pg.redirect("/desk/mail", _("mail {id} received: {kind} for {to} (task {task})").format(**said)
                       if view.task_id else _("mail {id} received: {kind} for {to}").format(**said))


@page
def mail_collect(pg: Page, form) -> Response:
    from receptionctl.domain.desk import passes

    with pg.session(write=True) as session:
        view = passes.collect_mail(session, pg.actor, path_id(pg), optional(form, "by", 4000))
    return pg.redirect("/desk/mail", _("mail {id} collected by {user}").format(id=view.id, user=view.collected_by))


# -- goods leaving the site ------------------------------------------------------------------------
@page
def goods_page(pg: Page) -> Response:
    """Goods not released yet (waiting for their owner, or agreed), and the form of a request."""
    from receptionctl.domain.desk import passes

    with pg.session() as session:
        pending = passes.list_goods(session, pending=True)
    return pg.render("desk_goods.html", {"goods": pending, "max_qty": passes.MAX_QTY})


def _say_goods(v, said: str) -> str:
    return said.format(id=v.id, qty=v.qty, what=v.what, carrier=v.carrier, owner=v.owner, state=code(v.state))


@page
def goods_request(pg: Page, form) -> Response:
    """passes.request_goods, as `goods request`: the owner gets a task to agree, nothing leaves before."""
    from receptionctl.domain.desk import passes

    qty = whole(form, "qty", 1, passes.MAX_QTY)
    with pg.session(write=True) as session:
        view = passes.request_goods(session, pg.actor, what=field_text(form, "what", 8000), qty=qty,
                                    owner=field_text(form, "owner", 400), carrier=field_text(form, "carrier", 4000))
    return pg.redirect("/desk/goods", _say_goods(view, _(
        "goods {id}: {qty} × {what}, carried by {carrier}, owner {owner}: {state}: waiting for {owner}'s agreement")))


@page
def goods_approve(pg: Page, form) -> Response:
    """The owner (or an admin) agrees, as `goods approve`."""
    from receptionctl.domain.desk import passes

    with pg.session(write=True) as session:
        view = passes.approve_goods(session, pg.actor, path_id(pg))
    return pg.redirect("/desk/goods", _say_goods(view, _(
        "goods {id}: {qty} × {what}, carried by {carrier}, owner {owner}: {state}")))


@page
def goods_release(pg: Page, form) -> Response:
    """The goods leave, as `goods release N`: refused until their owner has agreed."""
    from receptionctl.domain.desk import passes

    with pg.session(write=True) as session:
        view = passes.release_goods(session, pg.actor, path_id(pg))
    return pg.redirect("/desk/goods", _("goods {id} released: {qty} × {what}, carried by {carrier}, agreed by {user}")
                       .format(id=view.id, qty=view.qty, what=view.what, carrier=view.carrier, user=view.approved_by))
