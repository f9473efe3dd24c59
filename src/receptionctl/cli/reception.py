"""Reception day: check-in and check-out, incidents, notes and promises."""


from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli import ask
from receptionctl.cli.base import Typer
from receptionctl.cli.common import WideOpt, complete_client, complete_user, complete_visit, record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.core.vocab import IncidentKind, NoteKind, Severity
from receptionctl.i18n import N_, _, code

incident_app = Typer(rich_markup_mode=None, help="Incidents during a visit: record, resolve, list.", no_args_is_help=True)
note_app = Typer(rich_markup_mode=None, help="Notes of a visit: questions, suggestions, cooperation intentions, promises.",
                 no_args_is_help=True)

GuestOpt = Annotated[str, typer.Option("--guest", help="The visitor's full name.")]


@output_options
@ask.asks("guest")
def checkin(
    ctx: typer.Context,
    guest: GuestOpt,
    visit: Annotated[Optional[int], typer.Argument(metavar="[VISIT]", parser=record_id, autocompletion=complete_visit,
                                                   help="The visit id (none with --walk-in).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The visitor's job title.")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="Identity-card number: encrypted, shown masked.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Check in even though the visit is not scheduled for now.")] = False,
    walk_in: Annotated[bool, typer.Option("--walk-in", help="A guest without an approved visit: record a level-3 "
                                          "walk-in visit for --client with --host, who is told at once.")] = False,
    client: Annotated[Optional[str], typer.Option("--client", autocompletion=complete_client,
                                                  help="The walk-in's organisation (with --walk-in).")] = None,
    host: Annotated[Optional[str], typer.Option("--host", metavar="USER", autocompletion=complete_user,
                                                help="Who receives the walk-in (with --walk-in).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits import reception
    from receptionctl.domain.visits.steps import next_step
    from receptionctl.errors import BadInput

    st = state(ctx)
    if ask.enabled(ctx):  # on a terminal: what is missing is asked
        visit, walk_in, client, host, guest = _ask_checkin(st, visit, walk_in, client, host, guest)
    if walk_in and (visit is not None or not client or not host):
        raise BadInput(_("--walk-in records a new visit: expected --client and --host, and no VISIT"))
    if not walk_in and visit is None:
        raise BadInput(_("missing VISIT: expected the visit id, or --walk-in with --client and --host"))
    with st.session(write=True) as session:
        if walk_in:
            done = reception.walk_in(session, st.actor, client=client, host=host, name=guest, title=title,
                                     id_number=id_number, cipher=st.cipher)
        else:
            done = reception.checkin(session, st.actor, visit, guest, title, id_number, cipher=st.cipher, force=force)
        step = out.next_step(next_step, session, done.view.visit_id)
    out.done(done, _checked_in, next=step)


def _ask_checkin(st, visit, walk_in, client, host, guest):
    """What a check-in lacks, asked: the visit (one of those at the door now, another by its
    number, or a walk-in), a walk-in's client and host, the guest's name."""
    if visit is None and not walk_in:
        from receptionctl.domain.core import clock
        from receptionctl.domain.visits import reception

        with st.session() as session:
            door = reception.at_the_door(session, st.actor)
        choices = [(str(v.id), _("visit {visit}: {client}, {start}–{end} ({status})").format(
            visit=v.id, client=v.client, start=f"{clock.local(v.starts_at):%H:%M}",
            end=f"{clock.local(v.ends_at):%H:%M}", status=code(v.status))) for v in door]
        choices += [("other", _("another visit (type its number)")),
                    ("walk-in", _("a guest without an approved visit (walk-in)"))]
        picked = ask.choose(_("Check in to which visit?"), choices)
        if picked == "walk-in":
            walk_in = True
        elif picked == "other":
            visit = record_id(ask.text(_("The visit's number:"), check=record_id))
        else:
            visit = int(picked)
    if walk_in and visit is None and not client:
        client = ask.text(_("The walk-in's organisation (a client's name or id):"))
    if walk_in and visit is None and not host:
        host = ask.text(_("Who receives them (a username or a name):"))
    if guest is None:
        guest = ask.text(_("The visitor's full name:"))
    return visit, walk_in, client, host, guest


def _checked_in(g) -> str:
    return (_("{name} checked in to visit {visit} (ID {id_number})").format(name=g.name, visit=g.visit_id,
                                                                             id_number=g.id_number)
            if g.id_number else _("{name} checked in to visit {visit}").format(name=g.name, visit=g.visit_id))


@output_options
def checkout(ctx: typer.Context, visit: VisitArg, guest: GuestOpt, *, out: Output) -> None:
    from receptionctl.domain.visits.reception import checkout as do

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, guest)
    out.done(done.view, _("{name} checked out of visit {visit}").format(name=done.view.name, visit=visit))


INCIDENT_COLUMNS = [("id", N_("ID")), ("visit_id", N_("Visit")), ("at", N_("When")), ("kind", N_("Kind")),
                    ("severity", N_("Severity")), ("text", N_("What happened")), ("status", N_("Status")),
                    ("task_id", N_("Task"))]


@incident_app.command("add", help="Record an incident. An equipment failure of any severity gives the visit's "
                      "tech (else logistics) an on-site task due within equipment_response_minutes; a high or "
                      "critical one raises an escalation task for the coordinator within incident_response_minutes. "
                      "Example: receptionctl incident add 7 --kind equipment --severity high --text \"Projector failed\"")
@output_options
def incident_add(
    ctx: typer.Context,
    visit: VisitArg,
    kind: Annotated[IncidentKind, typer.Option("--kind", help="What kind of incident.")],
    severity: Annotated[Severity, typer.Option("--severity", help="How serious it is.")],
    text: Annotated[str, typer.Option("--text", help="What happened.")],
    internal: Annotated[bool, typer.Option("--internal", help="The client was not affected: no callback once "
                                            "it is resolved.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.reception import add_incident

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_incident(session, st.actor, visit, kind.value, severity.value, text, affects_client=not internal)
    out.done(done, _("incident {incident} recorded on visit {visit}: {severity} {kind}").format(
        incident=done.view.id, visit=visit, severity=code(done.view.severity), kind=code(done.view.kind)))


@incident_app.command("resolve", help="Resolve an incident; its on-site and escalation tasks are done with it. "
                      "Unless it was recorded --internal, the host gets a task to call the client back within "
                      "callback_hours. Example: receptionctl incident resolve 4 --text \"Spare projector from room 302\"")
@output_options
def incident_resolve(
    ctx: typer.Context,
    incident: Annotated[int, typer.Argument(metavar="INCIDENT", parser=record_id, help="The incident id.")],
    text: Annotated[str, typer.Option("--text", help="How it was resolved.")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.reception import resolve_incident
    from receptionctl.domain.visits.steps import next_step

    st = state(ctx)
    with st.session(write=True) as session:
        done = resolve_incident(session, st.actor, incident, text)
        step = out.next_step(next_step, session, done.view.visit_id)
    out.done(done, _("incident {incident} resolved").format(incident=incident), next=step)


@incident_app.command("list", help="List incidents (all, or only open ones). "
                      "Example: receptionctl incident list --visit 7 --open")
@output_options(wide=True)
def incident_list(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's incidents.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved incidents.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.visits.reception import list_incidents
    from receptionctl.render.sheets import incident_rows

    with state(ctx).session() as session:
        views = list_incidents(session, visit_id=visit, open_only=open_only)
    out.table(views, INCIDENT_COLUMNS, rows=lambda: [{**r, "kind": code(r["kind"]), "severity": code(r["severity"])}
                                             for r in incident_rows(views)], empty=N_("No incidents."))


NOTE_COLUMNS = [("id", N_("ID")), ("visit_id", N_("Visit")), ("at", N_("When")), ("kind", N_("Kind")),
                ("text", N_("Note")), ("by", N_("By")), ("status", N_("Status"))]


@note_app.command("add", help="Record a question, suggestion, cooperation intention or promise. "
                  "A promise stays open until kept. "
                  "Example: receptionctl note add 7 --kind promise --text \"Bring the brochure next time\"")
@output_options
def note_add(
    ctx: typer.Context,
    visit: VisitArg,
    kind: Annotated[NoteKind, typer.Option("--kind", help="What kind of note.")],
    text: Annotated[str, typer.Option("--text", help="What was said or promised.")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.notes import add_note

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_note(session, st.actor, visit, kind.value, text)
    out.done(done, _("note {note} ({kind}) added to visit {visit}").format(note=done.view.id,
                                                                           kind=code(done.view.kind), visit=visit))


@note_app.command("keep", help="Mark a promise as kept. "
                  "Example: receptionctl note keep 3 --text \"handed over at the second meeting\"")
@output_options
def note_keep(
    ctx: typer.Context,
    note: Annotated[int, typer.Argument(metavar="NOTE", parser=record_id, help="The promise's note id.")],
    text: Annotated[Optional[str], typer.Option("--text", help="How it was kept.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.notes import keep_promise

    st = state(ctx)
    with st.session(write=True) as session:
        done = keep_promise(session, st.actor, note, text)
    out.done(done.view, _("promise {note} kept").format(note=note))


@note_app.command("list", help="List notes of a visit or a client; --promises for the promises not yet kept. "
                  "Example: receptionctl note list --client huaxin --promises")
@output_options(wide=True)
def note_list(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's notes.")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="Only this client's notes (id, name, or a unique part of it).", autocompletion=complete_client)] = None,
    kind: Annotated[Optional[NoteKind], typer.Option("--kind", help="Only this kind.")] = None,
    promises: Annotated[bool, typer.Option("--promises", help="Only promises not yet kept.")] = False,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.people.clients import resolve_client
    from receptionctl.domain.people.notes import list_notes
    from receptionctl.render.sheets import note_rows

    with state(ctx).session() as session:
        client_id = resolve_client(session, client).id if client else None
        views = list_notes(session, visit_id=visit, client_id=client_id, kind=kind.value if kind else None,
                           open_promises=promises)
    out.table(views, NOTE_COLUMNS, rows=lambda: [{**r, "kind": code(r["kind"])} for r in note_rows(views)],
              empty=N_("No notes."))


class OnSiteFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"


def onsite(
    ctx: typer.Context,
    fmt: Annotated[OnSiteFormat, typer.Option("--format", help="text (default), csv (for an evacuation roll call, "
                                              "a drill's headcount sheet: name, kind, company, host, since, where, "
                                              "until) or json.")] = OnSiteFormat.text,
    wide: WideOpt = False,
    codes: Annotated[bool, typer.Option("--codes", help="csv for scripts: the English headers and the stored kinds "
                                        "(guest, walk-in, pass), whatever the language. Without it, a run in "
                                        "Chinese writes Chinese headers and kinds, after a BOM for Excel.")] = False,
) -> None:
    from receptionctl.domain.core import clock
    from receptionctl.domain.desk.onsite import on_site
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        people = on_site(session, clock.now())
    if fmt is OnSiteFormat.json:
        print_json(people)
    elif fmt is OnSiteFormat.csv:
        import sys

        from receptionctl.render.exports import write_roll_call

        write_roll_call(sys.stdout, people, codes)
    elif not people:
        from receptionctl.render.output import note

        note(_("Nobody is on site now."))
    else:
        print_table([{**p.__dict__, "kind": code(p.kind, "onsite")} for p in people],
                    [("name", N_("Name")), ("kind", N_("Kind")), ("company", N_("Company")), ("host", N_("Host")),
                     ("since", N_("Since")), ("where", N_("Where")), ("until", N_("Until"))],
                    title=_("On site now: {n}").format(n=len(people)), wide=True if wide else None)
