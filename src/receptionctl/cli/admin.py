"""Administration: init, the database, the audit log."""


from typing import Annotated, Optional

import typer

from receptionctl.cli import keys
from receptionctl.cli.base import Typer
from receptionctl.cli.common import WHEN_FORMS, NoPagerOpt, record_id, state, whole
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_

db_app = Typer(rich_markup_mode=None, help="The database: where it is, its schema, its health.", no_args_is_help=True)


def _upgrade(ctx: typer.Context, register_admin: bool, identity: Optional[str] = None):
    from receptionctl.domain import setup
    from receptionctl.store.migrations import SCHEMA_HEAD

    st = state(ctx)
    result = setup.InitResult()

    def seed(session, before):
        st._establish(session)  # who really acts (policy identity), now that the schema is current
        result.created = before is None
        result.upgraded_from = before
        setup.check_upgrade_allowed(session, st.actor, schema_pending=before != SCHEMA_HEAD)
        if register_admin:
            setup.seed(session, st.actor, lambda create: st.cipher(create=create), result, identity=identity)
        else:
            setup.seed_policy(session, st.actor, result)

    st.db.upgrade(seed)
    result.revision = SCHEMA_HEAD
    return st, result


def init(
    ctx: typer.Context,
    identity: Annotated[Optional[str], typer.Option(
        "--identity", metavar="MODE",
        help="A new database only: who acts, the policy identity: declared (--as is taken at its word; the "
             "default for a SQLite file), os (the operating-system login) or db (the database login; the default "
             "on PostgreSQL). Under os and db the first admin is mapped to the login running init.")] = None,
) -> None:
    from receptionctl.i18n import _
    from receptionctl.render.output import note
    from receptionctl.store.db import describe

    st, result = _upgrade(ctx, register_admin=True, identity=identity.strip().lower() if identity else None)
    where = describe(st.db.url)
    if result.created:
        note(_("created database {database} (schema {schema})").format(database=where, schema=result.revision))
    elif result.upgraded_from != result.revision:
        note(_("upgraded database {database} from schema {before} to {schema}").format(
            database=where, before=result.upgraded_from, schema=result.revision))
    else:
        note(_("database {database} is ready (schema {schema})").format(database=where, schema=result.revision))
    if result.admin_registered:
        note(_("registered {user} as admin").format(user=result.admin_registered))
    if result.identity_login:
        note(_("policy identity is {mode}: the acting user is the login; {login} is {user}'s (map the others with "
               "`receptionctl staff edit USER --db-login LOGIN`)").format(
            mode=result.identity, login=result.identity_login, user=result.admin_registered))
    if result.key_checked and st.key_source() == "file":
        note(_("encryption key for sensitive fields: {file} (keep it safe, back it up)").format(file=st.key_file()))
    if result.key_missing:
        from receptionctl.render.output import warn

        if st.key_file() is None:
            warn(_("no encryption key: set RECEPTIONCTL_KEY (the same for the whole team) to store identity numbers"))
        else:
            warn(_("no encryption key: set RECEPTIONCTL_KEY or restore the key file {file}; identity numbers cannot "
                   "be stored or revealed without it").format(file=st.key_file()))


@db_app.command("path", help="Print the database in use (a file path or a URL without password). "
                "Example: receptionctl db path")
def db_path(ctx: typer.Context) -> None:
    from receptionctl.render.output import say
    from receptionctl.store.db import describe, url_for

    say(describe(url_for(state(ctx).db_target)))


@db_app.command("migrate", help="Apply pending schema migrations (admin only once staff exist). "
                "Example: receptionctl db migrate")
def db_migrate(ctx: typer.Context) -> None:
    from receptionctl.i18n import _
    from receptionctl.render.output import note

    st, result = _upgrade(ctx, register_admin=False)
    if result.upgraded_from == result.revision:
        note(_("schema is current ({schema})").format(schema=result.revision))
    elif result.upgraded_from is None:
        note(_("created schema {schema}").format(schema=result.revision))
    else:
        note(_("migrated from schema {before} to {schema}").format(before=result.upgraded_from, schema=result.revision))


@db_app.command("info", help="Where the data is and how times are read: the database, its id (random, made at "
                "init, kept by backups: calendar event ids are made of it), its schema, the time zone "
                "in force and where it came from (--tz, RECEPTIONCTL_TZ, the config file or the policy's "
                "work_zone), the "
                "working-day calendar, and now in that zone. Example: receptionctl db info --json")
@output_options
def db_info(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.core import clock, dbid, policy
    from receptionctl.store.db import describe

    st = state(ctx)
    with st.session() as session:
        rules = policy.load(session)
        revision = st.db.revision()
        database_id = dbid.database_id(session)
    info = {
        "database": describe(st.db.url),
        "database_id": database_id,
        "schema": revision,
        "time_zone": clock.zone_name(),
        "time_zone_from": clock.zone_source(),
        "work_zone": rules["work_zone"],
        "calendar": rules["country"],
        "now": clock.now(),
        "machine_zone": _machine_zone(),
    }
    out.show(info, lambda: _print_info(info))


def _print_info(info: dict) -> None:
    from receptionctl.i18n import _
    from receptionctl.render.output import print_fields

    zone_from = info["time_zone_from"]
    info["time_zone_from"] = _(zone_from)  # where the zone came from, in words (see _ZONE_FROM)
    print_fields([(k.replace("_", " "), v) for k, v in info.items()])  # the labels: _INFO_LABELS


# the labels of `db info` and where its zone may come from (domain/core/clock.py, cli/common.py), for the catalogue
_INFO_LABELS = (N_("database"), N_("database id"), N_("schema"), N_("time zone"), N_("time zone from"), N_("work zone"), N_("calendar"),
                N_("now"), N_("machine zone"))
_ZONE_FROM = (N_("config file"), N_("policy work_zone"), N_("policy work_zone (default)"))


def _machine_zone() -> str:
    """The machine's zone, for information only: the tool never uses it."""
    from datetime import datetime

    return datetime.now().astimezone().tzname() or "unknown"


@db_app.command("check", short_help="Check the database's integrity and the attachment files.", help="Run the database's integrity check, report the schema revision, and check every "
                "attachment's stored file against its SHA-256 (missing or corrupt: named, exit 5; files no "
                "attachment refers to are listed as information). Exit 5 on a problem. "
                "Example: receptionctl db check")
@output_options
def db_check(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.errors import StorageError
    from receptionctl.i18n import _
    from receptionctl.store.db import describe
    from receptionctl.store.migrations import SCHEMA_HEAD, known_revisions

    st = state(ctx)
    db = st.db
    rev = db.revision()
    problems = db.integrity()
    status = "current" if rev == SCHEMA_HEAD else ("not initialised" if rev is None else
                                                   "needs db migrate" if rev in known_revisions() else "unknown")
    report = {
        "database": describe(db.url),
        "revision": rev,
        "head": SCHEMA_HEAD,
        "schema": status,
        "integrity": "ok" if not problems else "failed",
        "problems": problems,
    }
    files = chain = None
    if status == "current" and not problems:
        from receptionctl.domain.core import audit as audit_log
        from receptionctl.domain.records import attachments

        with st.session() as session:
            files = attachments.verify(session)
            chain = audit_log.verify(session)
        report.update({
            "attachments": files.attachments,
            "attachment_files": files.files,
            "attachment_store": str(files.root) if files.root is not None else None,
            "attachment_check": "ok" if not files.problems else "failed",
            "attachment_problems": list(files.problems),
            "unreferenced_files": list(files.unreferenced),
            "audit_chain": "ok" if chain.ok else "failed",  # the hash chain of the audit log (`audit verify`)
            "audit_events": chain.events,
            "audit_head": chain.head if chain.ok else None,
            "audit_broken_at": chain.broken_id,
        })
    out.show(report, lambda: _print_check(report, files))
    if problems:
        raise StorageError(_("integrity check failed: {problem}").format(problem=problems[0]))
    if status != "current":
        raise StorageError(_("schema is {revision}, expected {head}").format(revision=rev, head=SCHEMA_HEAD) if rev
                           else _("schema is missing, expected {head}").format(head=SCHEMA_HEAD),
                           hint=_("run `receptionctl db migrate`") if rev else _("run `receptionctl init`"))
    if files is not None and files.problems:
        shown_problems = _("; ").join(files.problems[:5])
        if len(files.problems) > 5:
            shown_problems = _("{problems}; and {n} more").format(problems=shown_problems, n=len(files.problems) - 5)
        raise StorageError(_("attachment check failed: {problems}").format(problems=shown_problems),
                           hint=_("restore the attachment folder from a backup, or remove those attachments "
                                  "(`receptionctl attach remove ID`)"))
    if chain is not None and not chain.ok:
        raise StorageError(_("the audit log's chain is broken at event {id}: {problem}").format(
            id=chain.broken_id, problem=chain.message),
            hint=_("the log was edited outside receptionctl: compare it with a backup to see what changed"))


def _print_check(report: dict, files) -> None:
    from receptionctl.i18n import _, code
    from receptionctl.render.output import print_fields

    lists = ("problems", "attachment_problems", "unreferenced_files")
    shown = {"schema": code(report["schema"], "schema"), "integrity": code(report["integrity"], "check")}
    if files is not None:
        shown["attachment_check"] = code(report["attachment_check"], "check")
        shown["audit_chain"] = code(report["audit_chain"], "check")
    # the labels: _INFO_LABELS and _CHECK_LABELS
    print_fields([(k.replace("_", " "), shown.get(k, v)) for k, v in report.items() if k not in lists]
                 + [("problem", p) for p in report["problems"]]
                 + [("attachment problem", p) for p in (files.problems if files else ())]
                 + [("unreferenced file", _("{file} (information: no attachment refers to it; left by a command "
                                            "that failed after storing it, harmless)").format(file=u))
                    for u in (files.unreferenced if files else ())])


# the labels of `db check` and its states (text output; the JSON keeps the English words), for the catalogue
_CHECK_LABELS = (N_("revision"), N_("head"), N_("integrity"), N_("attachments"), N_("attachment files"),
                 N_("attachment store"), N_("attachment check"), N_("problem"), N_("attachment problem"),
                 N_("unreferenced file"), N_("audit chain"), N_("audit events"), N_("audit head"),
                 N_("audit broken at"))
_CHECK_STATES = (N_("code|schema|current"), N_("code|schema|not initialised"), N_("code|schema|needs db migrate"),
                 N_("code|schema|unknown"), N_("code|check|ok"), N_("code|check|failed"))


@db_app.command("backup", short_help="Copy the database and its attachment files to FILE.", help="Copy the SQLite database, consistently, to FILE (mode 0600), and the attachment "
                "files its attachments refer to to FILE.files/, each checked against its SHA-256 (a missing or "
                "corrupt one: exit 5, nothing written). "
                "Example: receptionctl db backup backups/reception-1201.db")
def db_backup(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Where to write the copy; must not exist (nor FILE.files).")],
) -> None:
    import shutil

    from receptionctl.domain.records import attachments
    from receptionctl.i18n import _, ngettext
    from receptionctl.render.output import say
    from receptionctl.store.db import Database, files_folder

    st = state(ctx)
    target = st.db.backup(file)
    dest = files_folder(target)
    copy = Database(str(target))
    try:
        with copy.session() as session:
            copied = attachments.backup_files(session, st.db.files, dest)
    except BaseException:
        copy.dispose()
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        raise
    copy.dispose()
    say(_("backed up to {file}").format(file=target))
    say(ngettext("attachments: {n} file copied to {folder}, each checked against its SHA-256",
                 "attachments: {n} files copied to {folder}, each checked against its SHA-256", copied).format(
                     n=copied, folder=dest))
    from receptionctl.cli.keys import backup_key_note

    say(backup_key_note(st))  # the key file beside the database is never copied into a backup


db_app.command("rotate-key", short_help="Re-encrypt the sensitive fields under a new key (admin).", help=keys.ROTATE_HELP)(keys.rotate_key)  # services/keys.py: the order of its steps


@db_app.command("restore", short_help="Replace the database by a checked backup of `db backup`.", help="Replace the SQLite database (and its attachment files) by a backup of `db backup`, "
                "after checking it: a SQLite file whose integrity check passes, a schema not newer than this "
                "receptionctl's (an older one is migrated), data the key in use opens, and every attachment file in "
                "FILE.files/ matching its SHA-256. Any failed check: exit 5, nothing changed. The replaced database "
                "is kept aside (DB.replaced-YYYYmmddHHMMSS, its files beside it). Admin only; SQLite only. "
                "Example: receptionctl db restore backups/reception-1201.db")
def db_restore(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The backup to restore: a file `db backup` wrote (its attachments in "
                                        "FILE.files/).")],
) -> None:
    from pathlib import Path

    from receptionctl.domain import setup
    from receptionctl.domain.core import clock, policy
    from receptionctl.domain.records import attachments
    from receptionctl.i18n import _, ngettext
    from receptionctl.render.output import say
    from receptionctl.store.db import files_folder, server_restore
    from receptionctl.store.migrations import SCHEMA_HEAD

    st = state(ctx)
    if not st.db.is_sqlite:
        raise server_restore()  # exit 2, with the pg_restore guidance
    with st.session() as session:
        attachments.may_restore(session, st.actor)
        stamp = clock.now().astimezone(policy.work_zone(policy.load(session))).strftime("%Y%m%d%H%M%S")
    source = Path(file).expanduser().absolute()
    counted = {}

    def prepare(staged, revision, staged_files):
        if revision != SCHEMA_HEAD:
            result = setup.InitResult()

            def seed(session, before):
                setup.check_upgrade_allowed(session, st.actor, schema_pending=True)
                setup.seed_policy(session, st.actor, result)

            staged.upgrade(seed)
        with staged.session(write=True) as session:
            counted["files"] = attachments.check_restore(session, st.actor, st.cipher, source,
                                                         files_folder(source), staged_files)

    done = st.db.restore(file, prepare, stamp)
    n = counted["files"]
    facts = dict(source=done.source, database=st.db.path, head=SCHEMA_HEAD, revision=done.revision, n=n,
                 folder=st.db.files)
    if done.migrated:
        say(ngettext("restored {source} into {database} (schema {head}, migrated from schema {revision} to {head}); "
                     "{n} attachment file checked against their SHA-256 and restored to {folder}",
                     "restored {source} into {database} (schema {head}, migrated from schema {revision} to {head}); "
                     "{n} attachment files checked against their SHA-256 and restored to {folder}", n).format(**facts))
    else:
        say(ngettext("restored {source} into {database} (schema {head}); {n} attachment file checked against their "
                     "SHA-256 and restored to {folder}",
                     "restored {source} into {database} (schema {head}); {n} attachment files checked against their "
                     "SHA-256 and restored to {folder}", n).format(**facts))
    if done.aside is not None:
        if done.files_aside:
            say(_("the replaced database is kept as {path} (its attachment files in {folder})").format(
                path=done.aside, folder=done.files_aside))
        else:
            say(_("the replaced database is kept as {path}").format(path=done.aside))


audit_app = Typer(rich_markup_mode=None, help="The audit log: every change, who made it, when, before and "
                  "after. Example: receptionctl audit --entity client --actor li.na --since -7d")


@audit_app.callback(invoke_without_command=True, help="The audit log: every change, who made it, when, before and "
                    "after. Example: receptionctl audit --entity client --actor li.na --since -7d")
@output_options(wide=True)
def audit(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only events of this visit.")] = None,
    entity: Annotated[Optional[str], typer.Option("--entity", help="Only events on this kind of record (client, contact, staff, policy, ...).")] = None,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Only events by this username.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="WHEN", help="Only events at or after this moment, such as -7d or yesterday. " + WHEN_FORMS)] = None,
    last: Annotated[Optional[int], typer.Option("--last", "--limit", metavar="N", parser=whole(1, 1_000_000), help="Only the last N events.")] = None,
    *,
    out: Output,
    no_pager: NoPagerOpt = False,
) -> None:
    from receptionctl.cli.common import when
    from receptionctl.domain.core import audit as audit_log
    from receptionctl.i18n import _, code

    if ctx.invoked_subcommand is not None:  # `audit verify`
        return
    st = state(ctx)
    with st.session() as session:
        start = when(since, session) if since else None
        from receptionctl.domain.core.access import sees_staff_complaints

        events = audit_log.list_events(session, visit_id=visit, entity=entity, actor=actor, limit=last, since=start,
                                       hide_restricted=not sees_staff_complaints(session, st.actor))

    def change(e) -> str:
        import json

        parts = []
        if e.before is not None:
            parts.append(_("before {values}").format(values=json.dumps(e.before, ensure_ascii=False, sort_keys=True)))
        if e.after is not None:
            parts.append(_("after {values}").format(values=json.dumps(e.after, ensure_ascii=False, sort_keys=True)))
        return _("; ").join(parts)

    def rows() -> list[dict]:
        return [{"id": e.id, "at": e.at, "actor": audit_log.shown_actor(e.actor), "action": code(e.action, "audit"),
                 "record": (f"{code(e.entity, 'entity')} {e.entity_id}" if e.entity_id is not None
                            else code(e.entity, "entity")),
                 "visit": e.visit_id, "change": change(e)}
                for e in events]

    out.table(events, [("id", "#"), ("at", N_("When")), ("actor", N_("Who")), ("action", N_("What")),
                       ("record", N_("Record")), ("visit", N_("Visit")), ("change", N_("Change"))], rows=rows,
              pager=not no_pager, empty=N_("No audit events."))


@audit_app.command("verify", help="Walk the audit log's hash chain in order and check every event: its content "
                   "against its hash, and its link to the event before it. Prints how many events were verified "
                   "and the head hash: keep a copy of it elsewhere (it is what detects a rewrite of the whole "
                   "chain). Exit 5 naming the first broken event (changed, or an event deleted before it). "
                   "Example: receptionctl audit verify --json")
@output_options
def audit_verify(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.domain.core import audit as audit_log
    from receptionctl.errors import StorageError
    from receptionctl.i18n import _

    with state(ctx).session() as session:
        found = audit_log.verify(session)
    report = {"ok": found.ok, "events": found.events, "head_id": found.head_id if found.ok else None,
              "head": found.head if found.ok else None,
              "anchor_id": found.anchor_id,
              "broken": None if found.ok else {"id": found.broken_id, "problem": found.problem,
                                               "message": found.message}}
    out.show(report, lambda: _print_chain(found))
    if not found.ok:
        raise StorageError(_("the audit log's chain is broken at event {id}: {problem}").format(
            id=found.broken_id, problem=found.message), hint=_(
                "the log was edited outside receptionctl: compare it with a backup to see what changed"))


def _print_chain(found) -> None:
    """A sound chain in a few lines; a broken one is the error that follows."""
    from receptionctl.render.output import print_fields

    if found.ok:
        print_fields([(N_("events verified"), found.events), (N_("head event"), found.head_id),
                      (N_("head hash"), found.head)]
                     + ([(N_("anchor event"), found.anchor_id)] if found.anchor_id is not None else []))
