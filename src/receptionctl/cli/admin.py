"""Administration: init, the database, the audit log."""


from typing import Annotated, Optional

import typer

from receptionctl.cli.common import WHEN_FORMS, JsonOpt, NoPagerOpt, WideOpt, record_id, state, whole

db_app = typer.Typer(rich_markup_mode=None, help="The database: where it is, its schema, its health.", no_args_is_help=True)


def _upgrade(ctx: typer.Context, register_admin: bool):
    from receptionctl.domain import setup
    from receptionctl.store.migrations import SCHEMA_HEAD

    st = state(ctx)
    result = setup.InitResult()

    def seed(session, before):
        result.created = before is None
        result.upgraded_from = before
        setup.check_upgrade_allowed(session, st.actor, schema_pending=before != SCHEMA_HEAD)
        if register_admin:
            setup.seed(session, st.actor, lambda create: st.cipher(create=create), result)
        else:
            setup.seed_policy(session, st.actor, result)

    st.db.upgrade(seed)
    result.revision = SCHEMA_HEAD
    return st, result


def init(ctx: typer.Context) -> None:
    from receptionctl.render.output import note
    from receptionctl.store.db import describe

    st, result = _upgrade(ctx, register_admin=True)
    where = describe(st.db.url)
    if result.created:
        note(f"created database {where} (schema {result.revision})")
    elif result.upgraded_from != result.revision:
        note(f"upgraded database {where} from schema {result.upgraded_from} to {result.revision}")
    else:
        note(f"database {where} is ready (schema {result.revision})")
    if result.admin_registered:
        note(f"registered {result.admin_registered} as admin")
    if result.key_checked and st.key_source() == "file":
        note(f"encryption key for sensitive fields: {st.key_file()} (keep it safe, back it up)")
    if result.key_missing:
        from receptionctl.render.output import warn

        if st.key_file() is None:
            warn("no encryption key: set RECEPTIONCTL_KEY (the same for the whole team) to store identity numbers")
        else:
            warn(f"no encryption key: set RECEPTIONCTL_KEY or restore the key file {st.key_file()}; "
                 "identity numbers cannot be stored or revealed without it")


@db_app.command("path", help="Print the database in use (a file path or a URL without password). "
                "Example: receptionctl db path")
def db_path(ctx: typer.Context) -> None:
    from receptionctl.render.output import say
    from receptionctl.store.db import describe, url_for

    say(describe(url_for(state(ctx).db_target)))


@db_app.command("migrate", help="Apply pending schema migrations (admin only once staff exist). "
                "Example: receptionctl db migrate")
def db_migrate(ctx: typer.Context) -> None:
    from receptionctl.render.output import note

    st, result = _upgrade(ctx, register_admin=False)
    if result.upgraded_from == result.revision:
        note(f"schema is current ({result.revision})")
    elif result.upgraded_from is None:
        note(f"created schema {result.revision}")
    else:
        note(f"migrated from schema {result.upgraded_from} to {result.revision}")


@db_app.command("info", help="Where the data is and how times are read: the database, its schema, the time zone "
                "in force and where it came from (--tz, RECEPTIONCTL_TZ, the config file or the policy's "
                "work_zone), the "
                "working-day calendar, and now in that zone. Example: receptionctl db info --json")
def db_info(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from receptionctl.domain import clock, policy
    from receptionctl.render.output import print_fields, print_json
    from receptionctl.store.db import describe

    st = state(ctx)
    with st.session() as session:
        rules = policy.load(session)
        revision = st.db.revision()
    info = {
        "database": describe(st.db.url),
        "schema": revision,
        "time_zone": clock.zone_name(),
        "time_zone_from": clock.zone_source(),
        "work_zone": rules["work_zone"],
        "calendar": rules["country"],
        "now": clock.now(),
        "machine_zone": _machine_zone(),
    }
    if as_json:
        print_json(info)
        return
    print_fields([(k.replace("_", " "), v) for k, v in info.items()])


def _machine_zone() -> str:
    """The machine's zone, for information only: the tool never uses it."""
    from datetime import datetime

    return datetime.now().astimezone().tzname() or "unknown"


@db_app.command("check", help="Run the database's integrity check and report the schema revision. Exit 5 on a problem. "
                "Example: receptionctl db check")
def db_check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from receptionctl.errors import StorageError
    from receptionctl.render.output import print_fields, print_json
    from receptionctl.store.db import describe
    from receptionctl.store.migrations import SCHEMA_HEAD, known_revisions

    db = state(ctx).db
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
    if as_json:
        print_json(report)
    else:
        print_fields([(k, v) for k, v in report.items() if k != "problems"] + [("problem", p) for p in problems])
    if problems:
        raise StorageError(f"integrity check failed: {problems[0]}")
    if status != "current":
        raise StorageError(f"schema is {rev or 'missing'}, expected {SCHEMA_HEAD}",
                           hint="run `receptionctl db migrate`" if rev else "run `receptionctl init`")


@db_app.command("backup", help="Copy the SQLite database, consistently, to FILE (mode 0600). "
                "Example: receptionctl db backup backups/reception-1201.db")
def db_backup(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Where to write the copy; must not exist.")],
) -> None:
    from receptionctl.render.output import say

    target = state(ctx).db.backup(file)
    say(f"backed up to {target}")


def audit(
    ctx: typer.Context,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id, help="Only events of this visit.")] = None,
    entity: Annotated[Optional[str], typer.Option("--entity", help="Only events on this kind of record (client, contact, staff, policy, ...).")] = None,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Only events by this username.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="WHEN", help="Only events at or after this moment, such as -7d or yesterday. " + WHEN_FORMS)] = None,
    last: Annotated[Optional[int], typer.Option("--last", "--limit", metavar="N", parser=whole(1, 1_000_000), help="Only the last N events.")] = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    from receptionctl.cli.common import when
    from receptionctl.domain import audit as audit_log
    from receptionctl.render.output import print_json, print_table

    st = state(ctx)
    with st.session() as session:
        start = when(since, session) if since else None
        from receptionctl.domain.cases import sees_staff_complaints

        events = audit_log.list_events(session, visit_id=visit, entity=entity, actor=actor, limit=last, since=start,
                                       hide_restricted=not sees_staff_complaints(session, st.actor))
    if as_json:
        print_json(events)
        return

    def change(e) -> str:
        import json

        parts = []
        if e.before is not None:
            parts.append("before " + json.dumps(e.before, ensure_ascii=False, sort_keys=True))
        if e.after is not None:
            parts.append("after " + json.dumps(e.after, ensure_ascii=False, sort_keys=True))
        return "; ".join(parts)

    rows = [
        {"id": e.id, "at": e.at, "actor": e.actor, "action": e.action,
         "record": f"{e.entity} {e.entity_id}" if e.entity_id is not None else e.entity,
         "visit": e.visit_id, "change": change(e)}
        for e in events
    ]
    print_table(rows, [("id", "#"), ("at", "When"), ("actor", "Who"), ("action", "What"),
                       ("record", "Record"), ("visit", "Visit"), ("change", "Change")], pager=not no_pager)
