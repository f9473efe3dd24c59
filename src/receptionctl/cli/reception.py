"""Reception day: check-in and check-out, incidents, notes and promises."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.common import JsonOpt, WideOpt, complete_client, emit, record_id, report, state
from receptionctl.cli.visits import VisitArg
from receptionctl.domain.vocab import IncidentKind, NoteKind, Severity

incident_app = typer.Typer(rich_markup_mode=None, help="Incidents during a visit: record, resolve, list.", no_args_is_help=True)
note_app = typer.Typer(rich_markup_mode=None, help="Notes of a visit: questions, suggestions, cooperation intentions, promises.",
                       no_args_is_help=True)

GuestOpt = Annotated[str, typer.Option("--guest", help="The visitor's full name.")]


def checkin(
    ctx: typer.Context,
    visit: VisitArg,
    guest: GuestOpt,
    title: Annotated[Optional[str], typer.Option("--title", help="The visitor's job title.")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="Identity-card number: encrypted, shown masked.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Check in even though the visit is not scheduled for now.")] = False,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.reception import checkin as do
    from receptionctl.render.output import print_json, say

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, guest, title, id_number, cipher=st.cipher, force=force)
    g = done.view
    if as_json:
        print_json(g)
    else:
        say(f"{g.name} checked in to visit {visit}" + (f" (ID {g.id_number})" if g.id_number else ""))
    report(done)


def checkout(ctx: typer.Context, visit: VisitArg, guest: GuestOpt, as_json: JsonOpt = False) -> None:
    from receptionctl.domain.reception import checkout as do

    st = state(ctx)
    with st.session(write=True) as session:
        done = do(session, st.actor, visit, guest)
    emit(done.view, as_json, f"{done.view.name} checked out of visit {visit}")


INCIDENT_COLUMNS = [("id", "ID"), ("visit_id", "Visit"), ("at", "When"), ("kind", "Kind"), ("severity", "Severity"),
                    ("text", "What happened"), ("status", "Status"), ("task_id", "Task")]


@incident_app.command("add", help="Record an incident. An equipment failure of any severity gives the visit's "
                      "tech (else logistics) an on-site task due within equipment_response_minutes; a high or "
                      "critical one raises an escalation task for the coordinator within incident_response_minutes. "
                      "Example: receptionctl incident add 7 --kind equipment --severity high --text \"Projector failed\"")
def incident_add(
    ctx: typer.Context,
    visit: VisitArg,
    kind: Annotated[IncidentKind, typer.Option("--kind", help="What kind of incident.")],
    severity: Annotated[Severity, typer.Option("--severity", help="How serious it is.")],
    text: Annotated[str, typer.Option("--text", help="What happened.")],
    internal: Annotated[bool, typer.Option("--internal", help="The client was not affected: no callback once "
                                            "it is resolved.")] = False,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.reception import add_incident

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_incident(session, st.actor, visit, kind.value, severity.value, text, affects_client=not internal)
    emit(done, as_json, f"incident {done.view.id} recorded on visit {visit}: {done.view.severity} {done.view.kind}")


@incident_app.command("resolve", help="Resolve an incident; its on-site and escalation tasks are done with it. "
                      "Unless it was recorded --internal, the host gets a task to call the client back within "
                      "callback_hours. Example: receptionctl incident resolve 4 --text \"Spare projector from room 302\"")
def incident_resolve(
    ctx: typer.Context,
    incident: Annotated[int, typer.Argument(metavar="INCIDENT", parser=record_id, help="The incident id.")],
    text: Annotated[str, typer.Option("--text", help="How it was resolved.")],
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.reception import resolve_incident

    st = state(ctx)
    with st.session(write=True) as session:
        done = resolve_incident(session, st.actor, incident, text)
    emit(done, as_json, f"incident {incident} resolved")


@incident_app.command("list", help="List incidents (all, or only open ones). "
                      "Example: receptionctl incident list --visit 7 --open")
def incident_list(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's incidents.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved incidents.")] = False,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain.reception import list_incidents
    from receptionctl.render.output import print_json, print_table
    from receptionctl.render.sheets import incident_rows

    with state(ctx).session() as session:
        views = list_incidents(session, visit_id=visit, open_only=open_only)
    if as_json:
        print_json(views)
    else:
        print_table(incident_rows(views), INCIDENT_COLUMNS)


NOTE_COLUMNS = [("id", "ID"), ("visit_id", "Visit"), ("at", "When"), ("kind", "Kind"), ("text", "Note"),
                ("by", "By"), ("status", "Status")]


@note_app.command("add", help="Record a question, suggestion, cooperation intention or promise. "
                  "A promise stays open until kept. "
                  "Example: receptionctl note add 7 --kind promise --text \"Bring the brochure next time\"")
def note_add(
    ctx: typer.Context,
    visit: VisitArg,
    kind: Annotated[NoteKind, typer.Option("--kind", help="What kind of note.")],
    text: Annotated[str, typer.Option("--text", help="What was said or promised.")],
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.notes import add_note

    st = state(ctx)
    with st.session(write=True) as session:
        done = add_note(session, st.actor, visit, kind.value, text)
    emit(done, as_json, f"note {done.view.id} ({done.view.kind}) added to visit {visit}")


@note_app.command("keep", help="Mark a promise as kept. "
                  "Example: receptionctl note keep 3 --text \"handed over at the second meeting\"")
def note_keep(
    ctx: typer.Context,
    note: Annotated[int, typer.Argument(metavar="NOTE", parser=record_id, help="The promise's note id.")],
    text: Annotated[Optional[str], typer.Option("--text", help="How it was kept.")] = None,
    as_json: JsonOpt = False,
) -> None:
    from receptionctl.domain.notes import keep_promise

    st = state(ctx)
    with st.session(write=True) as session:
        done = keep_promise(session, st.actor, note, text)
    emit(done.view, as_json, f"promise {note} kept")


@note_app.command("list", help="List notes of a visit or a client; --promises for the promises not yet kept. "
                  "Example: receptionctl note list --client huaxin --promises")
def note_list(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only this visit's notes.")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="Only this client's notes (id, name, or a unique part of it).", autocompletion=complete_client)] = None,
    kind: Annotated[Optional[NoteKind], typer.Option("--kind", help="Only this kind.")] = None,
    promises: Annotated[bool, typer.Option("--promises", help="Only promises not yet kept.")] = False,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    from receptionctl.domain.clients import resolve_client
    from receptionctl.domain.notes import list_notes
    from receptionctl.render.output import print_json, print_table
    from receptionctl.render.sheets import note_rows

    with state(ctx).session() as session:
        client_id = resolve_client(session, client).id if client else None
        views = list_notes(session, visit_id=visit, client_id=client_id, kind=kind.value if kind else None,
                           open_promises=promises)
    if as_json:
        print_json(views)
    else:
        print_table(note_rows(views), NOTE_COLUMNS)
