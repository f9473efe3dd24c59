"""`doc`: documents, their copies and the lending register (seed 003)."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    DAY_FORMS,
    LimitOpt,
    complete_user,
    day,
    state,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, code, ngettext

doc_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                help="Documents and the lending register: copies of the manual and other papers, who "
                     "borrowed which copy, returns, recalls of outdated versions.")

MAX_COPIES = 1000
DocArg = Annotated[str, typer.Argument(
    metavar="DOC", help="A document id, or a title (any case; exact, or a unique part of it): its newest version "
                        "unless --version says which.")]
VersionOpt = Annotated[Optional[str], typer.Option(
    "--version", metavar="V", help="Which version of the title (default: the newest; with a document id, that "
                                   "document).")]
CopyOpt = Annotated[Optional[int], typer.Option("--copy", metavar="N", parser=whole(1, MAX_COPIES),
                                                help="The copy's number.")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Remarks for the register (备注).")]
# the keepers (who may register, lend, take back, recall, destroy) are written out in each help
# below ("admin, coordinator, duty manager, desk supervisor"), so that each help is one message

# a header "document|Title" is a document's title ("Title" alone is a person's job title in the
# catalogue; "Out" a visitor gone out): shown as its translation, else as the English after the bar
# (i18n.label, in print_table)
DOC_COLUMNS = [("id", N_("ID")), ("title", N_("document|Title")), ("version", N_("Version")), ("flag", ""),
               ("copies", N_("document|Copies")), ("held", N_("Held")), ("out", N_("document|Out")),
               ("destroyed", N_("Destroyed")), ("overdue", N_("Overdue")), ("place", N_("Place"))]
OUT_COLUMNS = [("document_id", N_("Doc")), ("title", N_("document|Title")), ("version", N_("Version")),
               ("copy", N_("Copy")), ("number", N_("No.")), ("borrower", N_("Borrower")), ("lent_at", N_("Lent")),
               ("due", N_("document|Due")), ("flag", "")]
REGISTER_COLUMNS = [("number", N_("No.")), ("copy", N_("Copy")), ("lent_at", N_("Date lent")),
                    ("who", N_("Borrower")), ("due", N_("document|Due")), ("returned_at", N_("Returned")),
                    ("back_by", N_("Returned by")), ("remarks", N_("Remarks"))]
COPY_COLUMNS = [("number", N_("Copy")), ("state", N_("State")), ("detail", N_("Detail"))]


def _doc_rows(views):
    return [{**v.__dict__, "flag": _(", ").join(f for f, on in ((_("newest"), v.newest), (_("RECALLED"), v.recalled))
                                                 if on)}
            for v in views]


def _out_rows(views):
    return [{**v.__dict__, "flag": _("OVERDUE") if v.overdue else ""} for v in views]


def _say_added(v) -> str:
    if v.place:
        return ngettext("document {id}: {title!r} version {version}, {n} copy at {place} registered",
                        "document {id}: {title!r} version {version}, {n} copies at {place} registered",
                        v.copies).format(id=v.id, title=v.title, version=v.version, n=v.copies, place=v.place)
    return ngettext("document {id}: {title!r} version {version}, {n} copy registered",
                    "document {id}: {title!r} version {version}, {n} copies registered",
                    v.copies).format(id=v.id, title=v.title, version=v.version, n=v.copies)


@doc_app.command("add", short_help="Register a document version and its numbered copies.", help="Register a version of a document with N numbered copies held by the keeper "
                 "(--place: where they are kept, e.g. the cabinet). A title and version are unique (again: exit 1); "
                 "without --version: 1 for a new title, else the newest whole-number version + 1. A newer version "
                 "does not recall the old one: `doc recall` does (admin, coordinator, duty manager, desk "
                 "supervisor). Example: receptionctl doc add \"Operations manual\" --version 2026.2 --copies 2 --place \"cabinet A\"")
@output_options
def doc_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The document's title.")],
    version: Annotated[Optional[str], typer.Option("--version", metavar="V", help="The version, e.g. 2026.2 or 3 "
                                                   "(default: 1, or the newest whole-number version + 1).")] = None,
    copies: Annotated[int, typer.Option("--copies", metavar="N", parser=whole(1, MAX_COPIES),
                                        help="How many copies, numbered 1..N.")] = 1,
    place: Annotated[Optional[str], typer.Option("--place", metavar="TEXT", help="Where the keeper holds them "
                                                 "(a fire- and damp-proof cabinet, a room).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="What this version is, or why it "
                                                "changed.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session(write=True) as session:
        done = documents.add(session, st.actor, title, version=version, copies=copies, place=place, note=note)
    out.done(done, _say_added(done.view))


@doc_app.command("lend", help="Lend a copy (the first one held, unless --copy) to an active member of staff: a new "
                 "line of the lending register. Refused (exit 1): no copy in hand, the copy out or destroyed, a "
                 "recalled version. --due not in the past (exit 2); without it, today + the policy's doc_loan_days "
                 "(1: the manual is returned right after use) (admin, coordinator, duty manager, desk "
                 "supervisor). Example: receptionctl doc lend \"Operations manual\" --to wang --due tomorrow")
@output_options
def doc_lend(
    ctx: typer.Context,
    doc: DocArg,
    to: Annotated[str, typer.Option("--to", metavar="USER", autocompletion=complete_user,
                                    help="The borrower: an active member of staff (username, name or a unique part).")],
    due: Annotated[Optional[str], typer.Option("--due", metavar="DAY", help="The day it is due back. " + DAY_FORMS)]
    = None,
    copy: CopyOpt = None,
    version: VersionOpt = None,
    note: NoteOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session(write=True) as session:
        done = documents.lend(session, st.actor, doc, to=to, due=day(due, session) if due is not None else None,
                              copy=copy, version=version, note=note)
    v = done.view
    out.done(done, _("copy {copy} of {title!r} version {version} lent to {user} (register no. {number}), due "
                     "back {due}").format(copy=v.copy, title=v.title, version=v.version, user=v.borrower,
                                          number=v.number, due=v.due.isoformat()))


@doc_app.command("return", help="A copy is back with the keeper: the date and who returned it (--by, default the "
                 "acting user; it may be someone other than the borrower) close its line of the register. Without "
                 "--copy: the one copy out (or the one out with --by). A copy not out: exit 1 (admin, "
                 "coordinator, duty manager, desk supervisor). Example: receptionctl doc return \"Operations manual\" --copy 1 --by wang")
@output_options
def doc_return(
    ctx: typer.Context,
    doc: DocArg,
    copy: CopyOpt = None,
    by: Annotated[Optional[str], typer.Option("--by", metavar="USER", autocompletion=complete_user,
                                              help="Who returned it (归还人; default: the acting user).")] = None,
    version: VersionOpt = None,
    note: NoteOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session(write=True) as session:
        v = documents.give_back(session, st.actor, doc, copy=copy, by=by, version=version, note=note)
    said = (N_("copy {copy} of {title!r} version {version} returned by {user} (register no. {number}, lent to "
               "{borrower}) – late") if v.late else
            N_("copy {copy} of {title!r} version {version} returned by {user} (register no. {number}, lent to "
               "{borrower})"))
    out.done(v, _(said).format(copy=v.copy, title=v.title, version=v.version, user=v.returned_by,
                               number=v.number, borrower=v.borrower))


@doc_app.command("recall", short_help="Recall an outdated version: its copies come back.", help="The version is outdated: nothing more is lent from it, and every copy must come back "
                 "and be recorded destroyed (`doc destroy`); until then the daily report shows a doc_recall alert "
                 "(policy doc_recall_destroy off: until every copy is back). Recalled already: exit 1 (admin, "
                 "coordinator, duty manager, desk supervisor). Example: receptionctl doc recall \"Operations manual\" --version 2026.1 "
                 "--reason \"replaced by 2026.2\"")
@output_options
def doc_recall(
    ctx: typer.Context,
    doc: DocArg,
    version: Annotated[str, typer.Option("--version", metavar="V", help="The version to recall (required, so that "
                                         "the newest is never recalled by mistake).")],
    reason: Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help="Why it is outdated.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session(write=True) as session:
        done = documents.recall(session, st.actor, doc, version=version, reason=reason)
    v = done.view
    out.done(done, _("{title!r} version {version} recalled: {out} out, {held} held, {destroyed} destroyed").format(
        title=v.title, version=v.version, out=v.out, held=v.held, destroyed=v.destroyed))


@doc_app.command("destroy", help="Record a copy destroyed (--copy N), or every copy held (--all-held): who, when, "
                 "the witness of the supervised destruction (policy doc_destroy_witness: required, exit 1 without; "
                 "yourself: exit 4). A copy out cannot be destroyed until it is returned (exit 1) (admin, "
                 "coordinator, duty manager, desk supervisor). Example: receptionctl doc destroy \"Operations manual\" --version 2026.1 "
                 "--all-held --witness li")
@output_options
def doc_destroy(
    ctx: typer.Context,
    doc: DocArg,
    version: Annotated[str, typer.Option("--version", metavar="V", help="The version whose copies are destroyed "
                                         "(required).")],
    copy: CopyOpt = None,
    all_held: Annotated[bool, typer.Option("--all-held", help="Every copy of the version held by the keeper (not "
                                           "those out).")] = False,
    witness: Annotated[Optional[str], typer.Option("--witness", metavar="USER", autocompletion=complete_user,
                                                   help="Who watched it destroyed: an active member of staff, not "
                                                        "you.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="How it was destroyed (shredded), "
                                                "by whom.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session(write=True) as session:
        done = documents.destroy(session, st.actor, doc, version=version, copy=copy, all_held=all_held,
                                 witness=witness, note=note)
    first = done.view[0]
    numbers = _(", ").join(str(c.number) for c in done.view)
    if first.witness:
        said = ngettext("{title!r} version {version}: copy {numbers} destroyed, witness {witness}",
                        "{title!r} version {version}: copies {numbers} destroyed, witness {witness}", len(done.view))
    else:
        said = ngettext("{title!r} version {version}: copy {numbers} destroyed",
                        "{title!r} version {version}: copies {numbers} destroyed", len(done.view))
    out.done(done, said.format(title=first.title, version=first.version, numbers=numbers,
                               witness=first.witness))


@doc_app.command("list", short_help="Documents by title, their versions and copies.", help="Documents by title, each version with its copies held, out and destroyed and whether "
                 "it is the newest or recalled; --out: the copies lent now, with borrower and due day, overdue marked. "
                 "Example: receptionctl doc list --out")
@output_options(wide=True)
def doc_list(
    ctx: typer.Context,
    lent: Annotated[bool, typer.Option("--out", help="The copies lent now (one row per copy), not the documents.")]
    = False,
    recalled: Annotated[bool, typer.Option("--recalled", help="Only recalled versions (with --out: copies of them "
                                           "still out).")] = False,
    limit: LimitOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session() as session:
        views = (documents.list_out(session, recalled_only=recalled, limit=limit) if lent
                 else documents.list_documents(session, recalled_only=recalled, limit=limit))
    if lent:
        out.table(views, OUT_COLUMNS, rows=lambda: _out_rows(views))
    else:
        out.table(views, DOC_COLUMNS, rows=lambda: _doc_rows(views))


@doc_app.command("show", help="A document version, its copies and its lending register (序号, date lent, borrower, "
                 "due, date returned, returned by, remarks). "
                 "Example: receptionctl doc show \"Operations manual\" --version 2026.1")
@output_options
def doc_show(ctx: typer.Context, doc: DocArg, version: VersionOpt = None, *, out: Output) -> None:
    from receptionctl.domain.records import documents

    st = state(ctx)
    with st.session() as session:
        v = documents.show(session, doc, version)
    out.show(v, lambda: _print_document(v))


def _print_document(v) -> None:
    from receptionctl.render.output import print_fields, print_table, text

    by = _("{at} by {user}")
    copies = (_("{copies}: {held} held, {out} out, {destroyed} destroyed, {overdue} overdue") if v.overdue
              else _("{copies}: {held} held, {out} out, {destroyed} destroyed"))
    recalled = by.format(at=text(v.recalled_at), user=v.recalled_by)
    print_fields([
        (N_("title"), v.title), (N_("version"), _("{version} (newest)").format(version=v.version) if v.newest
                                 else v.version), (N_("place"), v.place),
        (N_("note"), v.note), (N_("added"), by.format(at=text(v.added_at), user=v.added_by)),
        (N_("copies"), copies.format(copies=v.copies, held=v.held, out=v.out, destroyed=v.destroyed,
                                     overdue=v.overdue)),
        (N_("recalled"), (_("{text}: {reason}").format(text=recalled, reason=v.recall_reason) if v.recall_reason
                          else recalled) if v.recalled else _("no")),
    ], title=_("Document {id}").format(id=v.id))

    def copy_detail(c) -> str:
        if c.state == "out":
            said = (_("with {user} ({name}), due {due} – OVERDUE") if c.overdue
                    else _("with {user} ({name}), due {due}"))
            return said.format(user=c.borrower, name=c.borrower_name, due=c.due.isoformat())
        if c.state == "destroyed":
            done = (_("{at} by {user}, witness {witness}") if c.witness else by).format(
                at=text(c.destroyed_at), user=c.destroyed_by, witness=c.witness)
            return _("{text}: {note}").format(text=done, note=c.destroy_note) if c.destroy_note else done
        return ""

    # a copy's state (held, out, destroyed) is a stored code: code|copy|held, ...
    print_table([{**c.__dict__, "state": code(c.state, "copy"), "detail": copy_detail(c)} for c in v.copy_list],
                COPY_COLUMNS, title=_("Copies"), wide=True)
    print_table([{**r.__dict__, "who": f"{r.borrower_name} ({r.borrower})",
                  "back_by": f"{r.returned_by_name} ({r.returned_by})" if r.returned_by else
                  (_("OVERDUE") if r.overdue else _("out")),
                  "remarks": " / ".join(x for x in (r.note, r.return_note, _("late") if r.late else None) if x)}
                 for r in v.register], REGISTER_COLUMNS, title=_("Lending register"), wide=True)
