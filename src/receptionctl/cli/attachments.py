"""`attach`: files kept with a visit or a case (photos, video, forms, minutes, contracts)."""

from enum import Enum
from typing import Annotated, List, Optional

import typer

from receptionctl.cli.base import Group, Typer
from receptionctl.cli.common import record_id, state
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _, code, ngettext


class _AddByDefault(Group):
    """`attach TARGET FILE…` is `attach add TARGET FILE…`; `list`, `get` and `remove` are
    sub-commands (a target, 7 or case:3, is never one of their names)."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "add", self.commands["add"], args
        return super().resolve_command(ctx, args)


attach_app = Typer(cls=_AddByDefault, rich_markup_mode=None, no_args_is_help=True,
                   help="Attachments of a visit or a case: add files (the default: attach VISIT|CASE FILE…), "
                        "list them, get one back out.")


class Kind(str, Enum):
    photo = "photo"
    video = "video"
    form = "form"
    minutes = "minutes"
    contract = "contract"
    other = "other"


def target(text: str) -> tuple[str, int]:
    """A visit id (7 or visit:7) or a case (case:3)."""
    value = str(text).strip()
    what, _sep, number = value.rpartition(":")
    what = what.strip().lower() or "visit"
    if what in ("visit", "case"):
        try:
            return what, record_id(number)
        except typer.BadParameter:
            pass
    raise typer.BadParameter(_("{value!r} is not a visit or a case: expected a visit id such as 7 (or visit:7), "
                               "or case:N for a service case").format(value=text))


TargetArg = Annotated[str, typer.Argument(metavar="VISIT|case:N", parser=target,
                                          help="The visit (its id, or visit:ID) or the service case (case:ID).")]
AttachmentArg = Annotated[int, typer.Argument(metavar="ID", parser=record_id,
                                              help="The attachment's id (see `attach list`).")]


def _ids(where: tuple[str, int]) -> dict:
    return {"visit_id": where[1]} if where[0] == "visit" else {"case_id": where[1]}


def _where(where: tuple[str, int]) -> str:
    return _("visit {id}").format(id=where[1]) if where[0] == "visit" else _("case {id}").format(id=where[1])


@attach_app.command("add", help="Attach files to a visit or a case (`attach VISIT FILE…` says the same): each "
                    "is checked first (size within the policy's attachment_max_mb, an extension the kind allows, "
                    "content that is what the extension says); one bad file and none is stored (exit 2). Stored "
                    "once per content (SHA-256) beside the SQLite database, or in $RECEPTIONCTL_FILES for a server "
                    "database. Example: receptionctl attach add 7 welcome.jpg group.jpg --kind photo")
@output_options
def add(
    ctx: typer.Context,
    where: TargetArg,
    files: Annotated[List[str], typer.Argument(metavar="FILE…", help="The files to attach.")],
    kind: Annotated[Kind, typer.Option("--kind", help="What the files are: photo, video, form (the feedback "
                                       "form), minutes, contract or other; the policy says which file types each "
                                       "may have (attachment_<kind>_types).")] = Kind.other,
    note: Annotated[Optional[str], typer.Option("--note", help="A word about the files, kept with each.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.records import attachments

    st = state(ctx)
    with st.session(write=True) as session:
        done = attachments.add(session, st.actor, files, kind=kind.value, note=note, **_ids(where))
    out.show(list(done.views), lambda: _print_added(done, where))


def _print_added(done, where: tuple[str, int]) -> None:
    from receptionctl.render.output import note as tell
    from receptionctl.render.output import say
    from receptionctl.render.sheets import size_text

    for v in done.views:
        facts = dict(id=v.id, target=_where(where), name=v.name, kind=code(v.kind, "kind"), size=size_text(v.size),
                     sha256=v.sha256[:12])
        if v.id in done.shared:
            say(_("attachment {id} added to {target}: {name} ({kind}, {size}, sha256 {sha256}) – same content as "
                  "another attachment, stored once").format(**facts))
        else:
            say(_("attachment {id} added to {target}: {name} ({kind}, {size}, sha256 {sha256})").format(**facts))
    tell(ngettext("{n} new file stored", "{n} new files stored", done.stored).format(n=done.stored))


@attach_app.command("list", help="The attachments of a visit or a case: id, file name, kind, size, SHA-256 (its "
                    "first 12 characters; --json gives it whole), when and by whom. "
                    "Example: receptionctl attach list 7")
@output_options(wide=True)
def list_(ctx: typer.Context, where: TargetArg, *, out: Output) -> None:
    from receptionctl.domain.records import attachments
    from receptionctl.render.sheets import ATTACHMENT_COLUMNS, attachment_rows

    st = state(ctx)
    with st.session() as session:
        views = attachments.listing(session, st.actor, **_ids(where))
    out.table(views, ATTACHMENT_COLUMNS, rows=lambda: attachment_rows(views), empty=N_("No attachments."))


@attach_app.command("get", short_help="Write an attachment's file out, checked against its hash.", help="Write an attachment's file back out (default: its name in the current folder), "
                    "checked against its SHA-256 on the way (a damaged stored file: exit 5, nothing written); "
                    "never over an existing file (exit 1). Audited. "
                    "Example: receptionctl attach get 12 --output /tmp/welcome.jpg")
def get(
    ctx: typer.Context,
    attachment: AttachmentArg,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="PATH",
                                                  help="Where to write it: a new file, or a folder to write it "
                                                  "into under its name.")] = None,
) -> None:
    from pathlib import Path

    from receptionctl.domain.records import attachments
    from receptionctl.render.output import say

    st = state(ctx)
    with st.session(write=True) as session:
        view, dest = attachments.get(session, st.actor, attachment, Path(output) if output else None)
    say(_("attachment {id} ({name}) written to {file}").format(id=view.id, name=view.name, file=dest))


@attach_app.command("remove", help="Remove an attachment (coordinators and admins; audited with what it was); "
                    "its stored file is deleted when no other attachment has the same content. "
                    "Example: receptionctl attach remove 12")
def remove(ctx: typer.Context, attachment: AttachmentArg) -> None:
    from receptionctl.domain.records import attachments
    from receptionctl.render.output import say

    st = state(ctx)
    with st.session(write=True) as session:
        done = attachments.remove_attachment(session, st.actor, attachment)
    gone = attachments.unlink(done.root, done.unreferenced)  # after the commit
    v = done.view
    where = _where(("visit", v.visit_id) if v.visit_id is not None else ("case", v.case_id))
    if gone:
        say(_("attachment {id} ({name}) removed from {target}; its file deleted").format(id=v.id, name=v.name,
                                                                                         target=where))
    else:
        say(_("attachment {id} ({name}) removed from {target}; its file is kept for another attachment with the "
              "same content").format(id=v.id, name=v.name, target=where))
