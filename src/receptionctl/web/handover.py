"""The desk's shifts, duty log and handovers on the web: start and end a shift, write the duty
log and correct an entry, prepare a handover with the policy's checklist as checkboxes, accept
it, refuse it with the question, settle it (a supervisor), the day's handovers and a printable
handover sheet. The same domain functions as `desk shift`, `desk log` and `desk handover`
(domain/desk/desk.py): the same roles, states, limits, refusals and audit."""

from __future__ import annotations

from starlette.responses import Response

from receptionctl.i18n import N_, _, code
from receptionctl.web.base import Page, field_text, form_id, page
from receptionctl.web.forms import optional, path_id, rules


# -- shifts and the handover's preparation -----------------------------------------------------------
@page
def shift_page(pg: Page) -> Response:
    """Today's shifts (one's own open one first in mind), the day's handovers, and the forms:
    start a shift, end it, prepare its handover with the checklist."""
    from receptionctl.domain.desk import desk

    with pg.session() as session:
        shifts = desk.list_shifts(session, pg.actor)
        handovers = desk.list_handovers(session, pg.actor)
        mine = next((s for s in reversed(shifts) if s.user == pg.actor and s.ended_at is None), None)
        open_now = desk.open_items(session, pg.actor) if mine is not None and mine.handover_id is None else []
    settings = rules(pg)
    return pg.render("desk_shift.html", {"shifts": shifts, "handovers": handovers, "mine": mine, "open_now": open_now,
                                         "shift_names": [n for n, _start, _end in settings["desk_shifts"]],
                                         "checklist": settings["handover_checklist"]})


@page
def shift_start(pg: Page, form) -> Response:
    from receptionctl.domain.desk import desk

    with pg.session(write=True) as session:
        view = desk.start_shift(session, pg.actor, optional(form, "shift", 200))
    return pg.redirect("/desk/shift", _("shift {shift} started: {user}, {name}").format(
        shift=view.id, user=view.user, name=code(view.shift)))


@page
def shift_end(pg: Page, form) -> Response:
    """As `desk shift end`: only with its handover accepted, or saying why there was none."""
    from receptionctl.domain.desk import desk

    with pg.session(write=True) as session:
        view = desk.end_shift(session, pg.actor, optional(form, "without_handover", 8000))
    said = dict(shift=view.id, user=view.user, name=code(view.shift), handover=view.handover_id)
    return pg.redirect("/desk/shift", _("shift {shift} ended: {user}, {name} (handover {handover} accepted)").format(
        **said) if view.handover_id else _("shift {shift} ended: {user}, {name} (no handover)").format(**said))


def checks_of(form, checklist) -> list[str]:
    """The checklist's checkboxes as `desk handover prepare --check` values: a box ticked is
    ITEM=ok, a box left empty ITEM=problem, each with its note (:NOTE)."""
    out = []
    for item in checklist:
        state = "ok" if field_text(form, f"ok_{item}", 10) else "problem"
        note = " ".join(field_text(form, f"note_{item}", 2000).split())
        out.append(f"{item}={state}:{note}" if note else f"{item}={state}")
    return out


@page
def handover_prepare(pg: Page, form) -> Response:
    """desk.prepare, as `desk handover prepare --summary ... --check ITEM=ok|problem[:NOTE]`."""
    from receptionctl.domain.desk import desk

    checklist = rules(pg)["handover_checklist"]
    with pg.session(write=True) as session:
        view = desk.prepare(session, pg.actor, field_text(form, "summary", 16000), checks_of(form, checklist))
    if view.problems:
        said = N_("handover {handover} prepared: {state} ({n} open items, problems: {problems}); the incoming "
                  "person accepts it or refuses it")
    else:
        said = N_("handover {handover} prepared: {state} ({n} open items); the incoming person accepts it or "
                  "refuses it")
    return pg.redirect(f"/desk/handovers/{view.id}", _(said).format(
        handover=view.id, state=code(view.state), n=len(view.open_items),
        problems=_(", ").join(code(c.item) for c in view.problems)))


# -- one handover: the sheet, accept, refuse, settle -------------------------------------------------
@page
def handover_sheet(pg: Page) -> Response:
    """A handover whole, as `desk handover show`, printable: the summary, what was open, the
    checklist, both signatures, a refusal and its settlement; the steps the state allows."""
    from receptionctl.domain.desk import desk

    with pg.session() as session:
        view = desk.show_handover(session, pg.actor, path_id(pg))
    return pg.render("desk_handover.html", {"h": view})


def _step(pg: Page, said: str, act) -> Response:
    from receptionctl.domain.desk import desk

    with pg.session(write=True) as session:
        view = act(desk, session)
    return pg.redirect(f"/desk/handovers/{view.id}", _(said).format(
        handover=view.id, state=code(view.state), user=view.settled_by if view.state == "settled" else view.to_by,
        outgoing=view.from_by))


@page
def handover_accept(pg: Page, form) -> Response:
    handover = path_id(pg)
    return _step(pg, N_("handover {handover} accepted by {user}: {state}; {outgoing} may end their shift"),
                 lambda desk, session: desk.accept(session, pg.actor, handover))


@page
def handover_refuse(pg: Page, form) -> Response:
    """The incoming person refuses with the question: the supervisor is alerted at once."""
    handover, question = path_id(pg), field_text(form, "question", 8000)
    return _step(pg, N_("handover {handover} refused by {user}: {state}; {outgoing}'s shift stays responsible until "
                        "the supervisor settles it"),
                 lambda desk, session: desk.refuse(session, pg.actor, question, handover))


@page
def handover_settle(pg: Page, form) -> Response:
    handover, note = path_id(pg), field_text(form, "note", 8000)
    return _step(pg, N_("handover {handover} settled by {user}: {state}; the incoming person may accept it now"),
                 lambda desk, session: desk.settle(session, pg.actor, handover, note))


# -- the duty log --------------------------------------------------------------------------------------
@page
def log_page(pg: Page) -> Response:
    """Today's duty log, and the form that writes an entry, or corrects one (?corrects=N)."""
    from receptionctl.domain.desk import desk

    corrects = pg.request.query_params.get("corrects")
    corrects = form_id({"corrects": corrects}, "corrects") if corrects else None
    with pg.session() as session:
        entries = desk.list_entries(session, pg.actor)
    return pg.render("desk_log.html", {"entries": entries, "kinds": desk.LOG_KINDS, "corrects": corrects,
                                       "corrected": next((e for e in entries if e.id == corrects), None)})


@page
def log_add(pg: Page, form) -> Response:
    """desk.add_entry, as `desk log add TEXT [--kind] [--passed-to] [--corrects N]`: append-only,
    a correction is a new entry pointing at the one it corrects."""
    from receptionctl.domain.desk import desk

    corrects = form_id(form, "corrects") if optional(form, "corrects", 20) else None
    with pg.session(write=True) as session:
        view = desk.add_entry(session, pg.actor, field_text(form, "text", 8000), kind=optional(form, "kind", 40),
                              passed_to=optional(form, "passed_to", 400), corrects=corrects)
    said = {(False, False): N_("duty log entry {entry} written"),
            (True, False): N_("duty log entry {entry} written, passed to {user} (task {task})"),
            (False, True): N_("duty log entry {entry} written, correcting entry {corrects}"),
            (True, True): N_("duty log entry {entry} written, passed to {user} (task {task}), correcting entry "
                             "{corrects}")}[bool(view.passed_to), bool(view.corrects_id)]
    pg.flash(_(said).format(entry=view.id, user=view.passed_to, task=view.task_id, corrects=view.corrects_id))
    if view.kind == "enquiry":  # what may be told: the room number only
        pg.flash(_(desk.ENQUIRY_RULE), "warning")
    return pg.redirect("/desk/log")
