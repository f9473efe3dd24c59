"""Attachments of visits and cases (seeds 001 and 002): the photos, video, feedback form,
minutes and contracts of a reception, archived per "client name – reception date".

Each file is stored once per content, under its SHA-256, in the attachment store: a folder
beside a SQLite database (`reception.db.files/ab/abcdef…`), or for a server database the
folder RECEPTIONCTL_FILES names (store/db.py reads it where the database is opened). Folders
are 0700, files 0600, each written whole (a temporary file, then a rename). A file is copied
into the store before its row is committed: a command that fails afterwards leaves at most a
file no row refers to, which is harmless (`db check` reports it as information); a row never
refers to a file that was not written.

Before anything is stored every file of the command is checked (all or nothing): its size
against the policy's attachment_max_mb, its extension against the kind's allowed types
(attachment_<kind>_types), and its content against its extension (magic bytes; text must be
UTF-8). A complaint about a member of staff is restricted: its attachments are seen and
handled only by those who may see the case (domain/cases/cases.py), never by the person it is
about; to anyone else such a case does not exist (exit 3).

The retention part calls store_root, ids_for, remove and unlink (see their docstrings)."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import tempfile
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from sqlalchemy import delete, or_, select

from receptionctl import reasons
from receptionctl.domain.core import access, audit, clock, policy
from receptionctl.domain.core.secrets import KEY_CHECK
from receptionctl.errors import BadInput, NotFound, Refused, StorageError
from receptionctl.i18n import N_, _, ngettext
from receptionctl.store import light
from receptionctl.store.db import FILES_ENV, FILES_INFO

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = ("photo", "video", "form", "minutes", "contract", "other")
# the kinds as text output shows them (code(kind, "kind")); form and other are common codes
_KIND_CODES = (N_("code|photo"), N_("code|video"), N_("code|minutes"), N_("code|contract"))
ADD = access.ANY_STAFF  # who may attach files and get them back out (admin always may)
REMOVE = frozenset({"coordinator"})  # who may remove an attachment (and admin)
SEE_STAFF_COMPLAINTS = access.SEE_STAFF_COMPLAINTS  # (and admin) the rule of core/access.py
CHUNK = 1 << 20
_HASH = re.compile(r"[0-9a-f]{64}")

# what the content of each file type must look like (see _looks_like)
EXPECTED = {
    "jpg": ("jpeg",), "jpeg": ("jpeg",), "png": ("png",), "gif": ("gif",), "webp": ("webp",),
    "heic": ("heic",), "heif": ("heic",),
    "mp4": ("mp4", "mov"), "m4v": ("mp4", "mov"), "mov": ("mov", "mp4"),
    "pdf": ("pdf",), "docx": ("docx",), "xlsx": ("xlsx",), "pptx": ("pptx",),
    "txt": ("text",), "csv": ("text",), "md": ("text",),
}
LOOKS = {  # what the content looks like, in words (translated where shown), and its media type
    "jpeg": (N_("a JPEG image"), "image/jpeg"), "png": (N_("a PNG image"), "image/png"),
    "gif": (N_("a GIF image"), "image/gif"),
    "webp": (N_("a WebP image"), "image/webp"), "heic": (N_("a HEIC image"), "image/heic"),
    "mp4": (N_("an MP4 video"), "video/mp4"), "mov": (N_("a QuickTime (MOV) video"), "video/quicktime"),
    "pdf": (N_("a PDF document"), "application/pdf"),
    "docx": (N_("a Word document (docx)"),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (N_("an Excel workbook (xlsx)"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (N_("a PowerPoint presentation (pptx)"),
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "zip": (N_("a ZIP archive"), "application/zip"),
    "text": (N_("UTF-8 text"), "text/plain"),
    "binary": (N_("binary data of no type receptionctl knows (not UTF-8 text)"), "application/octet-stream"),
}
_TEXT_MEDIA = {"csv": "text/csv", "md": "text/markdown"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1", b"avif"}
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
assert set(EXPECTED) == set(policy.ATTACHMENT_TYPES), "every type the policy may allow is checked here"


@dataclass(frozen=True)
class AttachmentView:
    id: int
    visit_id: int | None
    case_id: int | None
    name: str
    kind: str
    size: int  # bytes
    sha256: str  # the content's SHA-256 (hex); tables show its first 12 characters
    media: str  # what the content is: image/jpeg, application/pdf, text/plain ...
    note: str | None
    added_at: datetime
    by: str


@dataclass(frozen=True)
class Added:
    views: tuple[AttachmentView, ...]
    stored: int  # files written to the store (the others' content was there already)
    shared: tuple[int, ...] = ()  # ids of the new attachments whose content another attachment had


@dataclass(frozen=True)
class Removed:
    view: AttachmentView
    root: Path | None
    unreferenced: tuple[str, ...]  # the SHA-256s no row refers to any more: unlink them after the commit


@dataclass(frozen=True)
class StoreCheck:
    """`db check` of the attachment store."""

    root: Path | None
    attachments: int  # rows
    files: int  # distinct contents checked
    problems: tuple[str, ...]  # missing or corrupt files, naming the attachments: an error
    unreferenced: tuple[str, ...] = ()  # files no row refers to (left by a failed command): information
    bad_ids: tuple[int, ...] = field(default=())


# -- the store ----------------------------------------------------------------------------------
def store_root(session: Session) -> Path | None:
    """The attachment store's folder for the database of `session`: beside a SQLite file
    (`<db file>.files`), or for a server database the folder RECEPTIONCTL_FILES names; None
    when a server database has none. The folder may not exist yet (no file stored)."""
    if FILES_INFO in session.info:
        return session.info[FILES_INFO]
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return path.with_name(path.name + ".files")
    return None


def blob_path(root: Path, sha256: str) -> Path:
    """Where the content with this SHA-256 is stored: `<root>/ab/abcdef…`."""
    if not _HASH.fullmatch(sha256):
        raise StorageError(_("{sha256!r} is not a SHA-256 (64 lower-case hex digits)").format(sha256=sha256))
    return root / sha256[:2] / sha256


def shown(sha256: str) -> str:
    """A stored file as messages name it: `ab/abcdef012345…`."""
    return f"{sha256[:2]}/{sha256[:12]}…"


def _need_root(session: Session) -> Path:
    root = store_root(session)
    if root is None:
        raise StorageError(_("no folder for attachment files: a server database keeps them in the folder "
                             "{variable} names, and it is not set").format(variable=FILES_ENV),
                           hint=_("set {variable} to a folder every receptionctl of the team can reach "
                                  "(backed up with the database)").format(variable=FILES_ENV))
    return root


def _mkdir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _write_blob(root: Path, source: Path) -> tuple[str, bool]:
    """Copy `source` into the store under its SHA-256 (a temporary file in the store, fsynced,
    then renamed: whole or not at all; 0600). Returns its SHA-256 and whether it was new."""
    _mkdir(root)
    with _staged(source, root) as (tmp, sha):
        target = blob_path(root, sha)
        _mkdir(target.parent)
        new = not target.exists()
        os.replace(tmp, target)  # an existing copy is the same content (and if it was damaged, it is mended)
    return sha, new


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_checked(source: Path, target: Path, sha256: str) -> bool:
    """Copy `source` to `target` (a new file, 0600, whole or not at all), checking on the way
    that its content has `sha256`. False (and nothing written) when it has not."""
    _mkdir(target.parent)
    with _staged(source, target.parent) as (tmp, sha):
        if sha != sha256:
            return False
        os.replace(tmp, target)
    return True


@contextmanager
def _staged(source: Path, folder: Path):
    """`source` copied to a temporary file in `folder` (fsynced, 0600) and hashed on the way:
    (its path, its SHA-256). The caller renames it into place; whatever is left at the end (not
    renamed, or an error) is removed."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        yield tmp, digest.hexdigest()
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # renamed into place, as it should be


# -- what a file is -----------------------------------------------------------------------------
def _looks_like(path: Path, head: bytes) -> str:
    """What the content looks like (a key of LOOKS), from its magic bytes; a ZIP is opened to
    tell an Office document from a plain archive; anything else is text if it is UTF-8."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "heic" if brand in _HEIF_BRANDS else "mov" if brand == b"qt  " else "mp4"
    if head[4:8] in _QT_ATOMS:
        return "mov"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return "zip"
        if "[Content_Types].xml" in names:
            for prefix, looks in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                if any(n.startswith(prefix) for n in names):
                    return looks
        return "zip"
    return "text" if _is_utf8_text(path) else "binary"


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class _Checked:
    path: Path
    name: str
    size: int
    media: str


def _check_file(text: str, kind: str, allowed: tuple[str, ...], max_bytes: int, max_mb: int) -> _Checked:
    """One file of the command: it exists, its size is within the limit, its extension is one
    the kind allows and its content is what the extension says (exit 2 naming the file)."""
    path = Path(text).expanduser()
    try:
        info = path.stat()
    except OSError:
        raise BadInput(_("file {file!r} cannot be read: expected an existing file").format(file=text)) from None
    if not path.is_file():
        raise BadInput(_("{file!r} is not a file: expected a file to attach").format(file=text))
    name = path.name
    if len(name) > 255:
        raise BadInput(_("file name {name!r}… is too long: expected at most 255 characters").format(name=name[:40]))
    if info.st_size == 0:
        raise BadInput(_("file {file!r} is empty: expected a file with content").format(file=text))
    if info.st_size > max_bytes:
        raise BadInput(_("file {file!r} is {size} MB: expected at most {max} MB (the policy's attachment_max_mb)")
                       .format(file=text, size=f"{info.st_size / (1 << 20):.1f}", max=max_mb))
    ext = path.suffix.lower().lstrip(".")
    if ext not in allowed:
        types = ", ".join("." + e for e in allowed)
        if not ext:
            raise BadInput(_("file {file!r}: no extension is not allowed for kind {kind}: expected one of {types} "
                             "(the policy's attachment_{kind}_types)").format(file=text, kind=kind, types=types))
        raise BadInput(_("file {file!r}: extension .{ext} is not allowed for kind {kind}: expected one of {types} "
                         "(the policy's attachment_{kind}_types)").format(file=text, ext=ext, kind=kind, types=types))
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
        looks = _looks_like(path, head)
    except OSError as exc:
        raise BadInput(_("file {file!r} cannot be read: {reason}").format(
            file=text, reason=reasons.os_error(exc, exc.strerror))) from None
    if looks not in EXPECTED[ext]:
        raise BadInput(_("file {file!r} is not what its extension .{ext} says: expected {expected}, but the content "
                         "looks like {looks}").format(file=text, ext=ext,
                                                      expected=_(" or ").join(_(LOOKS[e][0]) for e in EXPECTED[ext]),
                                                      looks=_(LOOKS[looks][0])))
    media = _TEXT_MEDIA.get(ext, LOOKS[looks][1]) if looks == "text" else LOOKS[looks][1]
    return _Checked(path, name, info.st_size, media)


# -- who sees what --------------------------------------------------------------------------------
def _staff_id(session: Session, username: str | None) -> int | None:
    if username is None:
        return None
    staff = light.staff.c
    return session.scalar(select(staff.id).where(staff.username == username, staff.active.is_(True)))


def _may_see_case(session: Session, actor: str | None, row) -> bool:
    """The rule of domain/cases/cases.py: a complaint about a member of staff only for duty managers,
    approvers and admins (and the tool itself, actor None), never for the person it is about."""
    if row is None:
        return False
    if row.about_staff_id is None or actor is None:
        return True
    who = access.find_actor(session, actor)
    return who is not None and who.has(*SEE_STAFF_COMPLAINTS) and who.id != row.about_staff_id


def _case_row(session: Session, case_id: int):
    """The case's id and about_staff_id (None: no such case)."""
    case = light.service_case.c
    return session.execute(select(case.id, case.about_staff_id).where(case.id == case_id)).first()


def _case(session: Session, actor: str | None, case_id: int):
    row = _case_row(session, case_id)
    if not _may_see_case(session, actor, row):
        raise NotFound(_("no case {id}").format(id=case_id), hint=_("see `receptionctl case list`"))
    return row


def _visit(session: Session, visit_id: int):
    row = session.execute(select(light.visit.c.id).where(light.visit.c.id == visit_id)).first()
    if row is None:
        raise NotFound(_("no visit {id}").format(id=visit_id), hint=_("see `receptionctl visit list`"))
    return row


def _target(session: Session, actor: str | None, visit_id: int | None, case_id: int | None):
    if (visit_id is None) == (case_id is None):
        raise BadInput(_("an attachment belongs to one visit or one case: expected a visit id or case:N"))
    return _visit(session, visit_id) if visit_id is not None else _case(session, actor, case_id)


def _view(r) -> AttachmentView:
    return AttachmentView(r.id, r.visit_id, r.case_id, r.name, r.kind, r.size, r.sha256, r.media, r.note,
                          r.added_at, r.added_by)


def _audit(session: Session, actor: str, action: str, row, restricted: bool, **data) -> None:
    """The audit line; an attachment of a restricted case keeps its name and note out of the log."""
    facts = {"kind": row.kind, "size": row.size, "sha256": row.sha256,
             **({"visit": row.visit_id} if row.visit_id else {"case": row.case_id})}
    if restricted:
        facts["restricted"] = True
    else:
        facts["name"] = row.name
        if row.note:
            facts["note"] = row.note
    facts.update(data)
    before, after = (facts, None) if action == "attachment.remove" else (None, facts)
    audit.record(session, actor, action, "attachment", row.id, visit_id=row.visit_id, before=before, after=after)


def _restricted(session: Session, row) -> bool:
    case = light.service_case.c
    return row.case_id is not None and session.scalar(
        select(case.about_staff_id).where(case.id == row.case_id)) is not None


# -- use cases ------------------------------------------------------------------------------------
def add(session: Session, actor: str, files: Iterable[str], *, visit_id: int | None = None,
        case_id: int | None = None, kind: str = "other", note: str | None = None) -> Added:
    """Attach files to a visit or a case (any member of staff who may see it). Every file is
    checked before any is stored (all or nothing); each is copied into the store, once per
    content, before its row is written; each attachment is audited."""
    from receptionctl.store.tables.records import Attachment

    access.require(session, actor, ADD, N_("attach files"))
    target = _target(session, actor, visit_id, case_id)
    if kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {kinds}").format(kind=kind,
                                                                                       kinds=", ".join(KINDS)))
    files = list(files)
    if not files:
        raise BadInput(_("no file given: expected one or more files to attach"))
    if note is not None:
        note = note.strip() or None
        if note is not None and len(note) > 2000:
            raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option="--note",
                                                                                                   limit=2000))
    root = _need_root(session)
    rules = policy.load(session)
    max_mb = rules["attachment_max_mb"]
    allowed = rules[f"attachment_{kind}_types"]
    checked = [_check_file(f, kind, allowed, max_mb << 20, max_mb) for f in files]
    try:
        stored = [_write_blob(root, c.path) for c in checked]
    except OSError as exc:
        raise StorageError(_("cannot store the file in {folder}: {reason}").format(
            folder=root, reason=reasons.os_error(exc, exc.strerror or str(exc)))) from None
    hashes = {sha for sha, _new in stored}
    sha256 = light.attachment.c.sha256
    known = set(session.scalars(select(sha256).where(sha256.in_(hashes)).distinct()))
    now = clock.now()
    rows = [Attachment(visit_id=visit_id, case_id=case_id, name=c.name, kind=kind, media=c.media, size=c.size,
                       sha256=sha, note=note, added_at=now, added_by=actor)
            for c, (sha, _new) in zip(checked, stored)]
    session.add_all(rows)
    session.flush()
    restricted = case_id is not None and target.about_staff_id is not None
    seen: set[str] = set(known)
    shared = []
    for row in rows:
        if row.sha256 in seen:
            shared.append(row.id)
        seen.add(row.sha256)
        _audit(session, actor, "attachment.add", row, restricted)
    return Added(tuple(_view(r) for r in rows), sum(1 for _sha, new in stored if new), tuple(shared))


def listing(session: Session, actor: str | None, *, visit_id: int | None = None,
            case_id: int | None = None) -> list[AttachmentView]:
    """The attachments of a visit or of a case the actor may see (a restricted case is not
    found for others), oldest first. Two statements."""
    _target(session, actor, visit_id, case_id)
    return for_target(session, visit_id=visit_id, case_id=case_id)


def for_target(session: Session, *, visit_id: int | None = None, case_id: int | None = None) -> list[AttachmentView]:
    """The attachments of a visit or a case, oldest first, in one statement (for the read
    models of `visit show` and `case show`, which have checked the visit or the case)."""
    att = light.attachment
    q = select(att).order_by(att.c.id)
    q = q.where(att.c.visit_id == visit_id) if visit_id is not None else q.where(att.c.case_id == case_id)
    return [_view(r) for r in session.execute(q)]


def summary(files: Iterable[AttachmentView]) -> str:
    """What the archive label adds: " (3 attachments: 2 photo, 1 form)"; "" when there are none.
    In English, as the read model's JSON (render/sheets.archive_label shows it translated)."""
    kinds = Counter(f.kind for f in files)
    total = sum(kinds.values())
    if not total:
        return ""
    parts = ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k])
    return f" ({total} attachment{'s' if total != 1 else ''}: {parts})"


def _load(session: Session, actor: str, attachment_id: int) -> tuple[object, bool]:
    """The attachment's row (read-only) and whether its case is restricted."""
    att = light.attachment
    row = session.execute(select(att).where(att.c.id == attachment_id)).first()
    if row is None:
        raise NotFound(_("no attachment {id}").format(id=attachment_id), hint=_("see `receptionctl attach list VISIT`"))
    restricted = False
    if row.case_id is not None:
        case = _case_row(session, row.case_id)
        if not _may_see_case(session, actor, case):
            raise NotFound(_("no attachment {id}").format(id=attachment_id),
                           hint=_("see `receptionctl attach list VISIT`"))
        restricted = case.about_staff_id is not None
    return row, restricted


def get(session: Session, actor: str, attachment_id: int, output: Path | None = None) -> tuple[AttachmentView, Path]:
    """Write an attachment's file back out, to `output` (default: its name in the current
    folder), never over an existing file (exit 1); its content is checked against its SHA-256
    on the way out (a damaged or missing stored file: exit 5, nothing written). Audited as
    attachment.get (members of staff who may see it)."""
    access.require(session, actor, ADD, N_("get attachments"))
    row, restricted = _load(session, actor, attachment_id)
    root = _need_root(session)
    dest = Path(output).expanduser() if output is not None else Path.cwd() / row.name
    if dest.is_dir():
        dest = dest / row.name
    if dest.exists() or dest.is_symlink():
        raise Refused(_("file {file} already exists: nothing was written").format(file=dest),
                      hint=_("give another --output"))
    blob = blob_path(root, row.sha256)
    if not blob.is_file():
        raise StorageError(_("attachment {id} ({name}): its stored file {file} is missing from {folder}").format(
            id=row.id, name=row.name, file=shown(row.sha256), folder=root),
            hint=_("restore the attachment folder from a backup (`receptionctl db check` lists every problem)"))
    try:
        _mkdir(dest.parent)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{row.name[:40]}.")
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, open(blob, "rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != row.sha256:
                raise StorageError(_("attachment {id} ({name}): its stored file {file} is corrupt (its content no "
                                     "longer matches its SHA-256); nothing was written").format(
                                         id=row.id, name=row.name, file=shown(row.sha256)),
                                   hint=_("restore the attachment folder from a backup"))
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, dest)  # never over a file that appeared meanwhile
            except FileExistsError:
                raise Refused(_("file {file} already exists: nothing was written").format(file=dest),
                              hint=_("give another --output")) from None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    except OSError as exc:
        raise StorageError(_("cannot write {file}: {reason}").format(
            file=dest, reason=reasons.os_error(exc, exc.strerror or str(exc)))) from None
    _audit(session, actor, "attachment.get", row, restricted, to=str(dest.absolute()))
    return _view(row), dest


def remove_attachment(session: Session, actor: str, attachment_id: int) -> Removed:
    """Remove an attachment (coordinators and admins), audited with what it was. Its stored
    file is deleted after the commit (unlink) if no other attachment has the same content."""
    access.require(session, actor, REMOVE, N_("remove attachments"))
    row, restricted = _load(session, actor, attachment_id)
    view = _view(row)
    _audit(session, actor, "attachment.remove", row, restricted)
    hashes = remove(session, [attachment_id])
    return Removed(view, store_root(session), tuple(hashes))


# -- for the retention part ---------------------------------------------------------------------
def ids_for(session: Session, visit_ids: Iterable[int] = (), case_ids: Iterable[int] = ()) -> list[int]:
    """The ids of the attachments of these visits and cases, ascending; one statement (none
    when both are empty). No permission check and no audit: the caller's use case does both."""
    visit_ids, case_ids = list(visit_ids), list(case_ids)
    if not visit_ids and not case_ids:
        return []
    att = light.attachment.c
    conditions = []
    if visit_ids:
        conditions.append(att.visit_id.in_(visit_ids))
    if case_ids:
        conditions.append(att.case_id.in_(case_ids))
    return list(session.scalars(select(att.id).where(or_(*conditions)).order_by(att.id)))


def remove(session: Session, ids: Iterable[int]) -> list[str]:
    """Delete the attachment rows `ids` (unknown ids are skipped) and return, sorted, the
    SHA-256s that no row refers to any more: the caller passes them to unlink(root, hashes)
    once its transaction is committed (a file deleted before a rollback would be lost). Three
    statements, whatever the number of ids. No permission check and no audit: the caller's
    use case does both."""
    ids = list(ids)
    if not ids:
        return []
    att = light.attachment.c
    hashes = set(session.scalars(select(att.sha256).where(att.id.in_(ids)).distinct()))
    session.execute(delete(light.attachment).where(att.id.in_(ids)))
    if not hashes:
        return []
    still = set(session.scalars(select(att.sha256).where(att.sha256.in_(hashes)).distinct()))
    return sorted(hashes - still)


def unlink(root: Path | None, hashes: Iterable[str]) -> int:
    """Delete the stored files of these SHA-256s from the store `root` (store_root(session)),
    after the commit of the transaction that removed their rows (remove()). Returns how many
    files were deleted; a file already gone is skipped. The file system is not transactional:
    a file a crash leaves behind is only reported by `db check`, as information."""
    if root is None:
        return 0
    gone = 0
    for sha in hashes:
        try:
            blob_path(root, sha).unlink()
            gone += 1
        except FileNotFoundError:
            pass
    return gone


# -- db check, backup, restore ---------------------------------------------------------------
def _rows(session: Session) -> list[tuple[int, str, str]]:
    att = light.attachment.c
    return [tuple(r) for r in session.execute(select(att.id, att.name, att.sha256).order_by(att.id))]


def _by_hash(rows) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for id_, name, sha in rows:
        out.setdefault(sha, []).append((id_, name))
    return out


def _named(owners: list[tuple[int, str]]) -> str:
    ids = _(", ").join(str(i) for i, _name in owners)
    names = _(", ").join(dict.fromkeys(n for _id, n in owners))
    return ngettext("attachment {ids} ({names})", "attachments {ids} ({names})", len(owners)).format(
        ids=ids, names=names)


def verify(session: Session) -> StoreCheck:
    """Every stored file against its SHA-256 (and that it is there), for `db check`: one
    statement for the rows, then each distinct content read once. Files in the store that no
    row refers to (left by a command that failed after storing them) are listed apart: they
    are harmless."""
    rows = _rows(session)
    root = store_root(session)
    owners = _by_hash(rows)
    if root is None:
        problems = (_no_folder(len(rows)),) if rows else ()
        return StoreCheck(None, len(rows), 0, problems, (), tuple(r[0] for r in rows) if rows else ())
    problems, bad = [], []
    for sha, who in owners.items():
        path = blob_path(root, sha)
        reason = None
        try:
            ok = _file_hash(path) == sha
            what = N_("{attachments}: file {file} is corrupt (its content no longer matches its SHA-256)")
        except FileNotFoundError:
            ok, what = False, N_("{attachments}: file {file} is missing")
        except OSError as exc:
            ok, what, reason = False, N_("{attachments}: file {file} cannot be read ({reason})"), reasons.os_error(
                exc, exc.strerror)
        if not ok:
            problems.append(_(what).format(attachments=_named(who), file=shown(sha), reason=reason))
            bad.extend(i for i, _name in who)
    unreferenced = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name not in owners:
                unreferenced.append(str(path.relative_to(root)))
    return StoreCheck(root, len(rows), len(owners), tuple(problems), tuple(unreferenced), tuple(sorted(bad)))


def backup_files(session: Session, source_root: Path | None, dest_root: Path) -> int:
    """Copy the files the attachment rows of `session` (a backup's copy of the database) refer
    to, from the store `source_root` into `dest_root` (the backup's store, `<backup>.files`),
    each checked against its SHA-256 on the way; a missing or corrupt one is an error (exit 5)
    naming the attachments. Returns the number of files copied."""
    owners = _by_hash(_rows(session))
    _mkdir(dest_root)
    if owners and source_root is None:
        raise StorageError(_no_folder(sum(map(len, owners.values()))))
    problems = []
    for sha, who in owners.items():
        try:
            if not _copy_checked(blob_path(source_root, sha), blob_path(dest_root, sha), sha):
                problems.append(_("{attachments}: file {file} is corrupt").format(attachments=_named(who),
                                                                                   file=shown(sha)))
        except FileNotFoundError:
            problems.append(_("{attachments}: file {file} is missing").format(attachments=_named(who),
                                                                               file=shown(sha)))
    if problems:
        raise StorageError(_("cannot back up the attachments: {problems}; nothing was written").format(
            problems=_listed(problems)),
            hint=_("`receptionctl db check` lists the problems; restore those files, or remove those attachments, "
                   "then back up again"))
    return len(owners)


def _no_folder(n: int) -> str:
    return _("{n} attachments but no folder for their files: set {variable}").format(n=n, variable=FILES_ENV)


def _listed(problems: list[str], most: int = 5) -> str:
    """The first `most` problems, then how many more (db check, backup, restore)."""
    text = _("; ").join(problems[:most])
    if len(problems) <= most:
        return text
    return _("{problems}; and {n} more").format(problems=text, n=len(problems) - most)


def may_restore(session: Session, actor: str) -> None:
    """Only an admin of the database in use may replace it (exit 4)."""
    access.require(session, actor, frozenset(), N_("restore the database"))


def check_restore(session: Session, actor: str, keys: Callable[[], object], source: Path,
                  source_root: Path, dest_root: Path) -> int:
    """The checks of `db restore` on the staged copy of a backup (`session`), after its schema
    is current: the key in use opens its sensitive data (the key check written at `init`),
    and every file its attachment rows refer to is in the backup's store `source_root` with
    its SHA-256 (copied, checked, into `dest_root`, the store to be). Records the restore in
    the copy's audit log. Exit 5 on a failed check. Returns the number of files."""
    stored = session.execute(select(light.meta.c.value).where(light.meta.c.key == KEY_CHECK)).first()
    if stored is not None:
        cipher = keys()
        if cipher is None:
            raise StorageError(_("backup {backup} has encrypted data and there is no key to open it; nothing was "
                                 "changed").format(backup=source),
                               hint=_("set RECEPTIONCTL_KEY or put the key file beside the database"))
        try:
            cipher.decrypt(stored.value)
        except StorageError:
            raise StorageError(_("the key in use ({key}) does not open backup {backup}; nothing was changed").format(
                key=cipher.source, backup=source),
                hint=_("use the key the backup was made with (RECEPTIONCTL_KEY or the key file)")) from None
    owners = _by_hash(_rows(session))
    problems = []
    for sha, who in owners.items():
        try:
            if not _copy_checked(blob_path(source_root, sha), blob_path(dest_root, sha), sha):
                problems.append(_("{attachments}: file {file} is corrupt").format(attachments=_named(who),
                                                                                   file=shown(sha)))
        except FileNotFoundError:
            problems.append(_("{attachments}: file {file} is missing from {folder}").format(
                attachments=_named(who), file=shown(sha), folder=source_root))
    if problems:
        raise StorageError(_("backup {backup}: {problems}; nothing was changed").format(backup=source,
                                                                                       problems=_listed(problems)))
    audit.record(session, actor, "db.restore", "database", None,
                 after={"from": str(source), "attachments": sum(map(len, owners.values())), "files": len(owners)})
    return len(owners)
