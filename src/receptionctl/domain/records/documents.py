"""Documents and the lending register (seed 003): copies of the manual and other papers,
who borrowed which copy and when it came back, recalls of outdated versions.

Seed 003: the operations manual is kept by the office head and used only in the office;
every use is written in its lending register (序号, 借阅日期, 借阅人签字, 归还日期, 归还人签字,
备注) and it is returned right after use; when the manual is updated the outdated material
is destroyed. Seed 001: paper files in damp- and fire-proof cabinets (the `place`), versions
kept with the reason for each change, destruction of outdated documents supervised (a
witness).

A document here is one version of a title, with numbered copies held by the keeper. A copy
is held, out (an open line in the register) or destroyed. The newest version of a title is
the one registered last. Every change is in the audit log; the daily report takes this
module's alerts (`doc_overdue`, `doc_recall`)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Integer, and_, func, literal_column, null, or_, select, type_coerce, union_all

from receptionctl.domain.core import access, audit, clock, find, policy
from receptionctl.domain.core.alerts import Alert
from receptionctl.domain.core.base import Done, clean_place
from receptionctl.errors import BadInput, NotAllowed, NotFound, Refused
from receptionctl.i18n import N_, _, ngettext
from receptionctl.store import light
from receptionctl.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


if TYPE_CHECKING:  # annotations only: a read builds no table class
    from receptionctl.store.tables.records import Document, DocumentLoan


# who keeps the documents and their register (admin always may): register, lend, take back,
# recall, destroy. Anyone active on the staff may borrow; anyone may read the register.
KEEPERS = frozenset({"coordinator", "duty_manager", "desk_supervisor"})
MAX_COPIES = 1000
_ID = re.compile(r"[0-9]{1,9}")
_WHOLE = re.compile(r"[0-9]{1,9}")
SHOWN = 8  # titles named in an "ambiguous" error
HINT = N_("see `receptionctl doc list`")


@dataclass(frozen=True)
class DocumentView:
    id: int
    title: str
    version: str
    newest: bool  # the version of its title registered last
    recalled: bool
    copies: int  # all its copies, destroyed ones included
    held: int  # with the keeper
    out: int  # lent and not returned
    destroyed: int
    overdue: int  # copies out past their due day
    place: str | None
    note: str | None
    added_at: datetime
    added_by: str
    recalled_at: datetime | None
    recalled_by: str | None
    recall_reason: str | None


@dataclass(frozen=True)
class LoanView:
    """A line of the lending register."""

    id: int
    number: int  # 序号 in the document's register
    document_id: int
    title: str
    version: str
    copy: int
    lent_at: datetime  # 借阅日期
    lent_by: str
    borrower: str  # 借阅人 (username)
    borrower_name: str
    due: date
    returned_at: datetime | None  # 归还日期
    returned_by: str | None  # 归还人 (username)
    returned_by_name: str | None
    received_by: str | None  # the keeper who recorded the return
    note: str | None  # 备注, written when lent
    return_note: str | None  # 备注, written when returned
    overdue: bool  # not returned and past its due day
    late: bool  # returned after its due day


@dataclass(frozen=True)
class CopyView:
    document_id: int
    title: str
    version: str
    number: int
    state: str  # held | out | destroyed
    borrower: str | None
    borrower_name: str | None
    due: date | None
    overdue: bool
    destroyed_at: datetime | None
    destroyed_by: str | None
    witness: str | None
    witness_name: str | None
    destroy_note: str | None


@dataclass(frozen=True)
class DocumentShow(DocumentView):
    copy_list: list[CopyView]
    register: list[LoanView]


# -- input ----------------------------------------------------------------------------------
def _line(value: str | None, what: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise BadInput(_("{what} is empty: expected some text").format(what=_(what)))
    if len(value) > limit:
        raise BadInput(_("{what} {value!r}… is too long: expected at most {limit} characters").format(
            what=_(what), value=value[:40], limit=limit))
    return value


def _note(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > 2000:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option=_(what),
                                                                                               limit=2000))
    return value


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _label(doc: Document) -> str:
    return _("{title!r} version {version} (document {id})").format(title=doc.title, version=doc.version, id=doc.id)


def _zone(session: Session):
    """The company's zone: due days are its days."""
    return policy.work_zone(policy.load(session))


# -- finding a document -------------------------------------------------------------------------
def _title_key(session: Session, ref: str) -> str:
    """The title named by `ref`: exact (any case), else a unique prefix, else a unique part."""
    from receptionctl.store.tables.records import Document
    key = _key(ref)
    if session.scalar(select(Document.id).where(Document.title_key == key).limit(1)) is not None:
        return key
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = list(session.execute(
        select(Document.title_key, func.min(Document.title)).where(Document.title_key.like(pattern, escape="\\"))
        .group_by(Document.title_key).order_by(Document.title_key).limit(50)))
    prefix = [r for r in found if r[0].startswith(key)]
    for matches in (prefix, found):
        if len(matches) == 1:
            return matches[0][0]
        if len(matches) > 1:
            names = _(", ").join(repr(t) for _k, t in matches[:SHOWN]) + (" …" if len(matches) > SHOWN else "")
            raise BadInput(_("document {ref!r} is ambiguous: it matches {names}").format(ref=ref, names=names),
                           hint=_("give more of the title, or the id; see `receptionctl doc list`"))
    titles = list(session.scalars(select(func.min(Document.title)).group_by(Document.title_key)))
    near = difflib.get_close_matches(key, [t.casefold() for t in titles], n=3, cutoff=0.6)
    by_key = {t.casefold(): t for t in titles}
    if near:
        raise NotFound(_("no document {ref!r}: did you mean {names}?").format(
            ref=ref, names=_(" or ").join(repr(by_key[n]) for n in near)), hint=_(HINT))
    raise NotFound(_("no document {ref!r}").format(ref=ref), hint=_(HINT))


def _version(value: str | None) -> str | None:
    return None if value is None else _line(value, "--version", 64)


def resolve(session: Session, ref: str, version: str | None = None, *, lock: bool = False) -> Document:
    """The document named by `ref`: a document id, or a title (case-insensitive, exact or a
    unique part). `version` picks that version of the title (of the id's title too); without
    it, an id is that document and a title its newest version. `lock`: for a change, the row
    is locked until the end of the transaction (PostgreSQL; SQLite writes one at a time)."""
    from receptionctl.store.tables.records import Document
    ref = " ".join((ref or "").split())
    if not ref:
        raise BadInput(_("document '' is not valid: expected a document id or a title"))
    version = _version(version)
    row = session.get(Document, int(ref)) if _ID.fullmatch(ref) else None
    if row is None or (version is not None and version != row.version):
        key = row.title_key if row is not None else _title_key(session, ref)
        q = select(Document).where(Document.title_key == key)
        if version is None:
            row = session.scalars(q.order_by(Document.id.desc()).limit(1)).one()
        else:
            row = session.scalars(q.where(Document.version == version)).first()
            if row is None:
                versions = list(session.execute(select(Document.version, Document.title)
                                                .where(Document.title_key == key).order_by(Document.id)))
                raise NotFound(_("no version {version!r} of {title!r}: its versions are {versions}").format(
                    version=version, title=versions[-1][1], versions=_(", ").join(v for v, _t in versions)),
                    hint=_(HINT))
    if lock:
        session.execute(select(Document.id).where(Document.id == row.id).with_for_update())
    return row


# -- read models ----------------------------------------------------------------------------------
def _summary_query(today: date):
    from sqlalchemy.orm import aliased  # a query of the table classes

    from receptionctl.store.tables.records import Document, DocumentCopy, DocumentLoan
    c, ln, d2 = aliased(DocumentCopy), aliased(DocumentLoan), aliased(Document)

    def count(model, *where):
        return (select(func.count(model.id)).where(model.document_id == Document.id, *where)
                .correlate(Document).scalar_subquery())

    return select(
        Document,
        count(c),
        count(c, c.destroyed_at.is_not(None)),
        count(ln, ln.returned_at.is_(None)),
        count(ln, ln.returned_at.is_(None), ln.due_day < today.isoformat()),
        select(func.max(d2.id)).where(d2.title_key == Document.title_key).correlate(Document).scalar_subquery(),
    )


def _summary(row) -> DocumentView:
    d, copies, destroyed, out, overdue, newest_id = row
    return DocumentView(d.id, d.title, d.version, d.id == newest_id, d.recalled_at is not None, copies,
                        copies - destroyed - out, out, destroyed, overdue, d.place, d.note, d.added_at, d.added_by,
                        d.recalled_at, d.recalled_by, d.recall_reason)


def _view(session: Session, doc_id: int) -> DocumentView:
    from receptionctl.store.tables.records import Document
    return _summary(session.execute(_summary_query(policy.today(session)).where(Document.id == doc_id)).one())


# Read through the light handles (store/light.py): the lending register and the report's alerts
# build no table class.
doc_t, copy_t, loan_t = light.document, light.document_copy, light.document_loan
loan_c = loan_t.c


def _loan_query():
    """A loan's row, with its copy's number (`copy`), its document's title and version, the
    borrower's and the returner's usernames and names."""
    borrower, returner = light.staff.alias("borrower"), light.staff.alias("returner")
    return (select(loan_t, copy_t.c.number.label("copy"), doc_t.c.title, doc_t.c.version,
                   borrower.c.username.label("borrower"), borrower.c.name.label("borrower_name"),
                   returner.c.username.label("returner"), returner.c.name.label("returner_name"))
            .join(copy_t, copy_t.c.id == loan_c.copy_id)
            .join(doc_t, doc_t.c.id == loan_c.document_id)
            .join(borrower, borrower.c.id == loan_c.borrower_id)
            .outerjoin(returner, returner.c.id == loan_c.returner_id))


def _loan(ln, today: date, zone) -> LoanView:
    copy, title, version, borrower, borrower_name = ln.copy, ln.title, ln.version, ln.borrower, ln.borrower_name
    returner, returner_name = ln.returner, ln.returner_name
    due = date.fromisoformat(ln.due_day)
    late = ln.returned_at is not None and ln.returned_at.astimezone(zone).date() > due
    return LoanView(ln.id, ln.number, ln.document_id, title, version, copy, ln.lent_at, ln.lent_by, borrower,
                    borrower_name, due, ln.returned_at, returner, returner_name, ln.received_by, ln.note,
                    ln.return_note, ln.returned_at is None and due < today, late)


def _copies(session: Session, doc: Document, today: date) -> list[CopyView]:
    """The document's copies by number, with the open loan of each (one statement)."""
    from sqlalchemy.orm import aliased  # a query of the table classes

    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.records import DocumentCopy, DocumentLoan
    borrower, witness = aliased(Staff, name="borrower"), aliased(Staff, name="witness")
    rows = session.execute(
        select(DocumentCopy, DocumentLoan.due_day, borrower.username, borrower.name, witness.username, witness.name)
        .outerjoin(DocumentLoan, and_(DocumentLoan.copy_id == DocumentCopy.id, DocumentLoan.returned_at.is_(None)))
        .outerjoin(borrower, borrower.id == DocumentLoan.borrower_id)
        .outerjoin(witness, witness.id == DocumentCopy.witness_id)
        .where(DocumentCopy.document_id == doc.id).order_by(DocumentCopy.number))
    out = []
    for c, due_day, user, name, wit, wit_name in rows:
        due = date.fromisoformat(due_day) if due_day else None
        state = "destroyed" if c.destroyed_at is not None else "out" if due is not None else "held"
        out.append(CopyView(doc.id, doc.title, doc.version, c.number, state, user, name, due,
                            due is not None and due < today, c.destroyed_at, c.destroyed_by, wit, wit_name,
                            c.destroy_note))
    return out


def list_documents(session: Session, *, recalled_only: bool = False, limit: int | None = None) -> list[DocumentView]:
    """Every document version, by title then the order registered, with its copies held,
    out and destroyed (two statements however many). `recalled_only`: the recalled ones."""
    from receptionctl.store.tables.records import Document
    q = _summary_query(policy.today(session))
    if recalled_only:
        q = q.where(Document.recalled_at.is_not(None))
    return [_summary(r) for r in session.execute(q.order_by(Document.title_key, Document.id).limit(limit))]


def list_out(session: Session, *, recalled_only: bool = False, limit: int | None = None) -> list[LoanView]:
    """The copies lent now, by due day: borrower, due day, overdue."""
    q = _loan_query().where(loan_c.returned_at.is_(None))
    if recalled_only:
        q = q.where(doc_t.c.recalled_at.is_not(None))
    today, zone = policy.today(session), _zone(session)
    rows = session.execute(q.order_by(loan_c.due_day, loan_c.lent_at, loan_c.id).limit(limit))
    return [_loan(r, today, zone) for r in rows]


def show(session: Session, ref: str, version: str | None = None) -> DocumentShow:
    """A document version, its copies and its lending register (the seed's form)."""
    doc = resolve(session, ref, version)
    today, zone = policy.today(session), _zone(session)
    view = _view(session, doc.id)
    register = [_loan(r, today, zone) for r in session.execute(
        _loan_query().where(loan_c.document_id == doc.id).order_by(loan_c.number))]
    return DocumentShow(**view.__dict__, copy_list=_copies(session, doc, today), register=register)


def _load_loan(session: Session, loan_id: int) -> LoanView:
    return _loan(session.execute(_loan_query().where(loan_c.id == loan_id)).one(), policy.today(session),
                 _zone(session))


# -- changes ----------------------------------------------------------------------------------------
def add(session: Session, actor: str, title: str, *, version: str | None = None, copies: int = 1,
        place: str | None = None, note: str | None = None) -> Done:
    """Register a version of a document with `copies` numbered copies, held by the keeper at
    `place`. Without `version`: 1 for a new title, else the newest whole-number version + 1.
    A newer version does not recall the old one: that is `recall`."""
    from receptionctl.store.tables.records import Document, DocumentCopy
    access.require(session, actor, KEEPERS, N_("register documents"))
    title = _line(title, N_("title"), 300)
    version = _version(version)
    if not 1 <= copies <= MAX_COPIES:
        raise BadInput(_("--copies {copies} is not valid: expected a whole number from 1 to {max}").format(
            copies=copies, max=MAX_COPIES))
    place = clean_place(place, "--place")
    note = _note(note, "--note")
    key = _key(title)
    newest = session.execute(select(Document.id, Document.version).where(Document.title_key == key)
                             .order_by(Document.id.desc()).limit(1)).first()
    if version is None:
        if newest is None:
            version = "1"
        elif _WHOLE.fullmatch(newest.version):
            version = str(int(newest.version) + 1)
        else:
            raise BadInput(_("--version is needed: the newest version of {title!r} is {version!r}, not a whole "
                             "number to count on from").format(title=title, version=newest.version))
    if session.scalar(select(Document.id).where(Document.title_key == key, Document.version == version)):
        raise Refused(_("{title!r} version {version} is registered already").format(title=title, version=version),
                      hint=_(HINT))
    now = clock.now()
    doc = Document(title=title, title_key=key, version=version, place=place, note=note, added_at=now, added_by=actor)
    session.add(doc)
    session.flush()
    session.add_all(DocumentCopy(document_id=doc.id, number=n, added_at=now) for n in range(1, copies + 1))
    session.flush()
    audit.record(session, actor, "doc.add", "document", doc.id,
                 after={"title": title, "version": version, "copies": copies, "place": place, "note": note})
    warnings = []
    older = session.execute(select(Document.version).where(Document.title_key == key, Document.id != doc.id,
                                                           Document.recalled_at.is_(None)).order_by(Document.id))
    older = [v for (v,) in older]
    if older:
        warnings.append(ngettext(
            "older version {versions} of {title!r} is not recalled: recall with `receptionctl doc recall {id} "
            "--version {version}` once outdated",
            "older versions {versions} of {title!r} are not recalled: recall with `receptionctl doc recall {id} "
            "--version {version}` once outdated", len(older)).format(
            versions=_(", ").join(older), title=title, id=doc.id, version=older[0] if len(older) == 1 else "VERSION"))
    return Done(_view(session, doc.id), warnings)


def _open_loans(session: Session, doc: Document) -> dict[int, tuple]:
    """Copy number -> (copy, open loan or None, borrower username or None), every copy."""
    from receptionctl.store.tables.common import Staff
    from receptionctl.store.tables.records import DocumentCopy, DocumentLoan
    rows = session.execute(
        select(DocumentCopy, DocumentLoan, Staff.username)
        .outerjoin(DocumentLoan, and_(DocumentLoan.copy_id == DocumentCopy.id, DocumentLoan.returned_at.is_(None)))
        .outerjoin(Staff, Staff.id == DocumentLoan.borrower_id)
        .where(DocumentCopy.document_id == doc.id).order_by(DocumentCopy.number))
    return {c.number: (c, ln, user) for c, ln, user in rows}


def _no_copy(doc: Document, number: int, copies: dict) -> NotFound:
    return NotFound(_("{label} has no copy {number}: it has copies 1–{last}").format(
        label=_label(doc), number=number, last=max(copies, default=0)),
        hint=_("see `receptionctl doc show {id}`").format(id=doc.id))


def _out_text(ln: DocumentLoan, user: str) -> str:
    return _("lent to {user} on {day}, due back {due}").format(user=user, day=f"{clock.local(ln.lent_at):%Y-%m-%d}",
                                                               due=ln.due_day)


def lend(session: Session, actor: str, ref: str, *, to: str, due: date | None = None, copy: int | None = None,
         version: str | None = None, note: str | None = None) -> Done:
    """Lend a copy (the first one held, unless `copy`) to an active staff member, due back on
    `due` (default: today + the policy's doc_loan_days); a new line in the register."""
    from receptionctl.store.tables.records import Document, DocumentLoan
    access.require(session, actor, KEEPERS, N_("lend documents"))
    note = _note(note, "--note")
    doc = resolve(session, ref, version, lock=True)
    if doc.recalled_at is not None:
        raise Refused(_("{label} was recalled on {day}: an outdated version is not lent").format(
            label=_label(doc), day=f"{clock.local(doc.recalled_at):%Y-%m-%d}"),
            hint=_("lend the newest version; see `receptionctl doc list`"))
    borrower = find.staff(session, to, "--to", active_only=True)
    rules = policy.load(session)
    today = policy.today(session)
    if due is None:
        due = today + timedelta(days=rules["doc_loan_days"])
    elif due < today:
        raise BadInput(_("--due {due} is in the past: expected today ({today}) or a later day").format(
            due=due.isoformat(), today=today.isoformat()))
    copies = _open_loans(session, doc)
    if copy is not None:
        if copy not in copies:
            raise _no_copy(doc, copy, copies)
        c, ln, user = copies[copy]
        if c.destroyed_at is not None:
            raise Refused(_("copy {copy} of {label} was destroyed on {day}").format(
                copy=copy, label=_label(doc), day=f"{clock.local(c.destroyed_at):%Y-%m-%d}"))
        if ln is not None:
            raise Refused(_("copy {copy} of {label} is out: {out}").format(copy=copy, label=_label(doc),
                                                                           out=_out_text(ln, user)),
                          hint=_("record its return first: `receptionctl doc return {id} --copy {copy}`").format(
                              id=doc.id, copy=copy))
    else:
        held = [n for n, (c, ln, _) in copies.items() if c.destroyed_at is None and ln is None]
        if not held:
            out = [_("copy {n} with {user}").format(n=n, user=user) for n, (_c, ln, user) in copies.items()
                   if ln is not None]
            gone = sum(1 for c, _l, _u in copies.values() if c.destroyed_at is not None)
            raise Refused(_("no copy of {label} is in hand: {copies}").format(
                label=_label(doc), copies=_("; ").join(out + ([_("{n} destroyed").format(n=gone)] if gone else []))))
        copy = held[0]
        c = copies[copy][0]
    number = session.scalar(select(func.coalesce(func.max(DocumentLoan.number), 0))
                            .where(DocumentLoan.document_id == doc.id)) + 1
    now = clock.now()
    loan = DocumentLoan(document_id=doc.id, number=number, copy_id=c.id, borrower_id=borrower.id, lent_at=now,
                        lent_by=actor, due_day=due.isoformat(), note=note)
    session.add(loan)
    session.flush()
    audit.record(session, actor, "doc.lend", "document_loan", loan.id,
                 after={"document": doc.id, "title": doc.title, "version": doc.version, "copy": copy,
                        "number": number, "borrower": borrower.username, "due": due, "note": note})
    warnings = []
    newer = session.scalar(select(Document.version).where(Document.title_key == doc.title_key, Document.id > doc.id)
                           .order_by(Document.id.desc()).limit(1))
    if newer is not None:
        warnings.append(_("a newer version of {title!r} is registered: version {version}").format(title=doc.title,
                                                                                                   version=newer))
    return Done(_load_loan(session, loan.id), warnings)


def give_back(session: Session, actor: str, ref: str, *, copy: int | None = None, by: str | None = None,
              version: str | None = None, note: str | None = None) -> LoanView:
    """A copy is back with the keeper: the date and who returned it (`by`, default the acting
    user; the borrower may differ) close its line of the register. Without `copy`: the one
    copy out, or the one copy out with `by`."""
    from receptionctl.store.tables.common import Staff
    keeper = access.require(session, actor, KEEPERS, N_("record documents returned"))
    note = _note(note, "--note")
    doc = resolve(session, ref, version, lock=True)
    returner = find.staff(session, by, "--by") if by is not None else session.get(Staff, keeper.id)
    copies = _open_loans(session, doc)
    out = {n: (ln, user) for n, (_, ln, user) in copies.items() if ln is not None}
    if copy is not None:
        if copy not in copies:
            raise _no_copy(doc, copy, copies)
        if copy not in out:
            c = copies[copy][0]
            if c.destroyed_at is not None:
                raise Refused(_("copy {copy} of {label} is not out: it is destroyed on {day}").format(
                    copy=copy, label=_label(doc), day=f"{clock.local(c.destroyed_at):%Y-%m-%d}"))
            raise Refused(_("copy {copy} of {label} is not out: it is held by the keeper").format(
                copy=copy, label=_label(doc)))
    elif not out:
        raise Refused(_("no copy of {label} is out").format(label=_label(doc)),
                      hint=_("see `receptionctl doc show {id}`").format(id=doc.id))
    elif len(out) == 1:
        copy = next(iter(out))
    else:
        theirs = [n for n, (ln, _) in out.items() if by is not None and ln.borrower_id == returner.id]
        if len(theirs) != 1:
            listed = _(", ").join(_("copy {n} with {user}").format(n=n, user=user) for n, (_ln, user) in out.items())
            raise BadInput(_("{n} copies of {label} are out ({copies}): expected --copy N").format(
                n=len(out), label=_label(doc), copies=listed))
        copy = theirs[0]
    ln, user = out[copy]
    now = clock.now()
    ln.returned_at, ln.returner_id, ln.received_by, ln.return_note = now, returner.id, actor, note
    session.flush()
    late = policy.today(session) > date.fromisoformat(ln.due_day)
    audit.record(session, actor, "doc.return", "document_loan", ln.id, before={"out": True, "borrower": user},
                 after={"out": False, "document": doc.id, "copy": copy, "returned_by": returner.username,
                        "late": late, "note": note})
    return _load_loan(session, ln.id)


def recall(session: Session, actor: str, ref: str, *, version: str | None, reason: str | None = None) -> Done:
    """The version is outdated: nothing more is lent from it, and every copy must come back
    and (policy doc_recall_destroy) be destroyed; until then it is an alert."""
    access.require(session, actor, KEEPERS, N_("recall documents"))
    if version is None:
        raise BadInput(_("--version is missing: expected the version to recall"))
    reason = _note(reason, "--reason")
    doc = resolve(session, ref, version, lock=True)
    if doc.recalled_at is not None:
        raise Refused(_("{label} was recalled already ({user}, {at})").format(
            label=_label(doc), user=doc.recalled_by, at=f"{clock.local(doc.recalled_at):%Y-%m-%d %H:%M}"))
    now = clock.now()
    doc.recalled_at, doc.recalled_by, doc.recall_reason = now, actor, reason
    session.flush()
    copies = _open_loans(session, doc)
    out = [_("copy {n} with {user}").format(n=n, user=user) for n, (_c, ln, user) in copies.items() if ln is not None]
    held = [n for n, (c, ln, _u) in copies.items() if ln is None and c.destroyed_at is None]
    audit.record(session, actor, "doc.recall", "document", doc.id, before={"recalled": False},
                 after={"recalled": True, "title": doc.title, "version": doc.version, "reason": reason,
                        "out": len(out), "held": len(held)})
    warnings = []
    if out:
        warnings.append(ngettext("{n} copy must come back: {copies}", "{n} copies must come back: {copies}",
                                 len(out)).format(n=len(out), copies=_(", ").join(out)))
    if held and policy.load(session)["doc_recall_destroy"]:
        warnings.append(ngettext(
            "copy {numbers} held: record it destroyed with `receptionctl doc destroy {id} --version {version} "
            "--all-held --witness USER`",
            "copies {numbers} held: record them destroyed with `receptionctl doc destroy {id} --version {version} "
            "--all-held --witness USER`", len(held)).format(numbers=_(", ").join(map(str, held)), id=doc.id,
                                                            version=doc.version))
    return Done(_view(session, doc.id), warnings)


def destroy(session: Session, actor: str, ref: str, *, version: str | None, copy: int | None = None,
            all_held: bool = False, witness: str | None = None, note: str | None = None) -> Done:
    """Record a copy (or every copy held) destroyed: who, when, the witness (policy
    doc_destroy_witness: required, and not the person recording it). A copy out cannot be
    destroyed until it is returned."""
    access.require(session, actor, KEEPERS, N_("record documents destroyed"))
    if version is None:
        raise BadInput(_("--version is missing: expected the version whose copies are destroyed"))
    if (copy is None) == (not all_held):
        raise BadInput(_("--copy N and --all-held both say which copies: expected one of them") if all_held
                       else _("which copies? expected --copy N or --all-held"))
    note = _note(note, "--note")
    doc = resolve(session, ref, version, lock=True)
    witness_row = find.staff(session, witness, "--witness", active_only=True) if witness is not None else None
    if witness_row is None and policy.load(session)["doc_destroy_witness"]:
        raise Refused(_("destroying copies of {label} needs a witness (policy doc_destroy_witness)").format(
            label=_label(doc)), hint=_("name them with --witness USER"))
    if witness_row is not None and witness_row.username == actor:
        raise NotAllowed(_("{user} cannot witness a destruction they record: the witness must be someone "
                           "else").format(user=actor))
    copies = _open_loans(session, doc)
    if copy is not None:
        if copy not in copies:
            raise _no_copy(doc, copy, copies)
        c, ln, user = copies[copy]
        if c.destroyed_at is not None:
            raise Refused(_("copy {copy} of {label} was destroyed already ({user}, {at})").format(
                copy=copy, label=_label(doc), user=c.destroyed_by, at=f"{clock.local(c.destroyed_at):%Y-%m-%d %H:%M}"))
        if ln is not None:
            raise Refused(_("copy {copy} of {label} is out ({out}): it cannot be destroyed until it is "
                            "returned").format(copy=copy, label=_label(doc), out=_out_text(ln, user)),
                          hint=_("record its return: `receptionctl doc return {id} --version {version} --copy "
                                 "{copy}`").format(id=doc.id, version=doc.version, copy=copy))
        targets = [copy]
    else:
        targets = [n for n, (c, ln, _u) in copies.items() if c.destroyed_at is None and ln is None]
        if not targets:
            raise Refused(_("no copy of {label} is held to destroy").format(label=_label(doc)))
    now = clock.now()
    for n in targets:
        c = copies[n][0]
        c.destroyed_at, c.destroyed_by, c.destroy_note = now, actor, note
        c.witness_id = witness_row.id if witness_row is not None else None
    session.flush()
    for n in targets:
        audit.record(session, actor, "doc.destroy", "document_copy", copies[n][0].id, before={"destroyed": False},
                     after={"destroyed": True, "document": doc.id, "title": doc.title, "version": doc.version,
                            "copy": n, "witness": witness_row.username if witness_row else None, "note": note})
    still_out = [_("copy {n} with {user}").format(n=n, user=user) for n, (_c, ln, user) in copies.items()
                 if ln is not None]
    warnings = [_("still out: {copies}").format(copies=_(", ").join(still_out))] if still_out else []
    listed = [v for v in _copies(session, doc, policy.today(session)) if v.number in targets]
    return Done(listed, warnings)


# -- for the daily report ---------------------------------------------------------------------------
def _alert_rows(now: datetime, today: date):
    """The copies out past their due day (part 0, by due day), and the copies of the versions
    recalled by `now` with their borrower if out (part 1, by recall, document, copy): a union."""
    open_at = and_(loan_c.lent_at <= now, or_(loan_c.returned_at.is_(None), loan_c.returned_at > now))
    late = _loan_query().where(open_at, loan_c.due_day < today.isoformat())
    cols = late.selected_columns
    borrower = light.staff.alias("recall_borrower")
    d, c = doc_t.c, copy_t.c
    parts = union_all(
        late.with_only_columns(
            literal_column("0", Integer).label("part"), loan_c.due_day, type_coerce(null(), UTCDateTime()).label(
                "recalled_at"), loan_c.id.label("sort_id"), cols.copy, loan_c.document_id.label("doc_id"), cols.title,
            cols.version, loan_c.number.label("reg_no"), loan_c.lent_at,
            type_coerce(null(), UTCDateTime()).label("destroyed_at"), cols.borrower.label("user"),
            cols.borrower_name.label("name")),
        select(literal_column("1", Integer), null(), d.recalled_at, d.id, c.number, d.id, d.title, d.version, null(),
               null(), c.destroyed_at, borrower.c.username, null())
        .select_from(doc_t)
        .join(copy_t, c.document_id == d.id)
        .outerjoin(loan_t, and_(loan_c.copy_id == c.id, open_at))
        .outerjoin(borrower, borrower.c.id == loan_c.borrower_id)
        .where(d.recalled_at.is_not(None), d.recalled_at <= now)).subquery()
    p = parts.c
    return select(parts).order_by(p.part, p.due_day, p.recalled_at, p.sort_id, p.copy)


def alerts(session: Session, now: datetime) -> list[Alert]:
    """(kind, text) of what needs attention at `now`, in one statement (and the policy):
    doc_overdue, one per copy out past its due day; doc_recall, one per recalled version
    with copies out (or, with the policy's doc_recall_destroy, held and not destroyed)."""
    rules = policy.load(session)
    today = now.astimezone(policy.work_zone(rules)).date()  # the day of `now` (an as-of report's)
    out: list[Alert] = []
    rows = session.execute(_alert_rows(now, today)).all()
    for ln in (r for r in rows if r.part == 0):
        out.append(Alert("doc_overdue", _("{title!r} version {version}, copy {copy} (document {id}, register no. {number}) "
                                     "was due back {due}: lent to {name} ({user}) on {day}, not returned").format(
            title=ln.title, version=ln.version, copy=ln.copy, id=ln.doc_id, number=ln.reg_no, due=ln.due_day,
            name=ln.name, user=ln.user, day=f"{clock.local(ln.lent_at):%Y-%m-%d}")))
    recalled: dict[int, tuple] = {}
    for r in (r for r in rows if r.part == 1):
        doc_id, title, version, recalled_at, number, destroyed_at, user = (r.doc_id, r.title, r.version, r.recalled_at,
                                                                           r.copy, r.destroyed_at, r.user)
        entry = recalled.setdefault(doc_id, (title, version, recalled_at, [], []))
        if user is not None:
            entry[3].append(_("copy {n} out with {user}").format(n=number, user=user))
        elif destroyed_at is None or destroyed_at > now:
            entry[4].append(number)
    for doc_id, (title, version, recalled_at, lent, held) in recalled.items():
        parts = list(lent)
        if held and rules["doc_recall_destroy"]:
            parts.append(ngettext("copy {numbers} held, not destroyed", "copies {numbers} held, not destroyed",
                                  len(held)).format(numbers=_(", ").join(map(str, held))))
        if parts:
            out.append(Alert("doc_recall", _("{title!r} version {version} (document {id}) was recalled {day}: {parts}").format(
                title=title, version=version, id=doc_id, day=f"{clock.local(recalled_at):%Y-%m-%d}",
                parts=_("; ").join(parts))))
    return out
