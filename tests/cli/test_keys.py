"""Issue 18, item 3: the key of the sensitive fields: `db rotate-key`, a missing or wrong key
(exit 5, never ciphertext), and backups that never carry the key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved
from tests.conftest import PG_KEY, PG_URL, snapshot, statements, template, with_team

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="about the key file beside a SQLite database")

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}
CONTACT_ID = "110101199003077777"
GUEST_ID = "310101198001011234"
PASS_ID = "440101197505056789"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so: never shown to anyone


@template(base=with_team)
def secrets_everywhere(ok):
    """A contact, a guest and a site pass, each with an identity number; and a visit in progress."""
    ok("contact", "add", "Acme", "Li Wei", "--id-number", CONTACT_ID)
    vid = approved(ok)
    ok("--as", "li", "checkin", str(vid), "--guest", "Ma Jun", "--id-number", GUEST_ID, env=DAY)
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("--as", "desk1", "pass", "issue", "--name", "Zhang San", "--company", "Huayu", "--purpose", "repaint",
       "--until", "today 18:00", "--id-number", PASS_ID, env=DAY)
    return vid


@pytest.fixture
def loaded(from_template):
    return from_template(secrets_everywhere)


def tokens(db_target) -> dict:
    rows = snapshot(db_target)
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    try:
        with engine.connect() as conn:
            out = {t: dict(conn.execute(text(f"SELECT id, id_number_enc FROM {t} WHERE id_number_enc IS NOT NULL")).all())
                   for t in ("contact", "guest", "site_pass")}
            out["check"] = conn.execute(text("SELECT value FROM meta WHERE key = 'key_check'")).scalar()
    finally:
        engine.dispose()
    assert rows  # the snapshot helper reads the same database
    return out


def revealed(ok, vid, env=None) -> tuple:
    env = {**DAY, **(env or {})}
    contacts = ok("contact", "list", "Acme", "--reveal", "--json", env=env).json()
    guests = ok("visit", "show", str(vid), "--reveal", "--json", env=env).json()["guests"]
    passes = ok("pass", "list", "--reveal", "--json", env=env).json()
    return ([c["id_number"] for c in contacts], [g["id_number"] for g in guests], [p["id_number"] for p in passes])


EXPECTED = ([None, CONTACT_ID], [GUEST_ID], [PASS_ID])


def key_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".key" in p.name)


def current_key(db_target) -> str:
    return PG_KEY if PG_URL else Path(db_target + ".key").read_text().strip()


# -- db rotate-key: the key file ---------------------------------------------------------------
@sqlite_only
def test_rotate_key_re_encrypts_every_field_in_place_and_keeps_the_old_key(loaded, ok, cli, db_target):
    vid = loaded
    key = Path(db_target + ".key")
    old_key = key.read_text().strip()
    before = tokens(db_target)
    assert all(before[t] for t in ("contact", "guest", "site_pass"))
    run = ok("db", "rotate-key")
    assert run.stdout == ""  # the key is in the file, never printed
    assert "re-encrypted 3 sensitive fields" in run.stderr and ".key.old-" in run.stderr

    after = tokens(db_target)
    for table in ("contact", "guest", "site_pass"):
        assert after[table].keys() == before[table].keys()
        assert all(after[table][i] != before[table][i] for i in after[table])
    assert after["check"] != before["check"]
    new_key = key.read_text().strip()
    assert new_key != old_key and stat.S_IMODE(key.stat().st_mode) == 0o600
    folder = key.parent
    names = key_files(folder)
    assert names == [key.name, key.name + ".old-20261124T010000Z"], names  # nothing left half-way
    assert (folder / names[1]).read_text().strip() == old_key
    assert stat.S_IMODE((folder / names[1]).stat().st_mode) == 0o600

    assert revealed(ok, vid) == EXPECTED
    one_error_line(cli("contact", "list", "Acme", "--reveal", env={"RECEPTIONCTL_KEY": old_key}), 5, "key")
    event = [e for e in ok("audit", "--json").json() if e["action"] == "key.rotate"]
    assert event[0]["after"] == {"contact": 1, "guest": 1, "site_pass": 1, "total": 3}
    assert old_key not in str(event) and new_key not in str(event)

    ok("db", "rotate-key")  # a second one the same second: its own old copy
    assert len(key_files(folder)) == 3 and revealed(ok, vid) == EXPECTED


def test_rotate_key_with_the_key_in_the_environment_prints_the_new_key_once(loaded, ok, cli, db_target):
    vid = loaded
    old = {"RECEPTIONCTL_KEY": current_key(db_target)}
    folder = Path(db_target).parent if not PG_URL else None
    files_before = key_files(folder) if folder else None
    run = ok("db", "rotate-key", env=old)
    lines = run.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 44, run.stdout  # the key, and only the key
    assert "set RECEPTIONCTL_KEY" in run.stderr
    new = {"RECEPTIONCTL_KEY": lines[0]}
    assert revealed(ok, vid, env=new) == EXPECTED
    one_error_line(cli("visit", "show", str(vid), "--reveal", env={**DAY, **old}), 5, "key")
    # while a team changes over: newest first, both accepted
    assert revealed(ok, vid, env={"RECEPTIONCTL_KEY": lines[0] + "," + old["RECEPTIONCTL_KEY"]}) == EXPECTED
    if folder:
        assert key_files(folder) == files_before  # no key file written in environment mode


def test_rotate_key_is_for_an_admin_and_needs_the_right_key(loaded, cli, db_target, unchanged):
    from receptionctl.domain.core.secrets import new_key

    folder = Path(db_target).parent if not PG_URL else None
    files = key_files(folder) if folder else None
    with unchanged():
        one_error_line(cli("--as", "li", "db", "rotate-key"), 4, "admin")
        run = cli("db", "rotate-key", env={"RECEPTIONCTL_KEY": new_key().decode()})
        one_error_line(run, 5, "does not open")
        assert run.stdout == ""
    if folder:
        assert key_files(folder) == files


@sqlite_only
def test_rotate_key_without_a_key_is_exit_5(loaded, cli, db_target, unchanged):
    Path(db_target + ".key").unlink()
    with unchanged():
        one_error_line(cli("db", "rotate-key"), 5, "no encryption key")
    assert key_files(Path(db_target).parent) == []


@sqlite_only
def test_a_value_the_key_cannot_open_stops_the_rotation_and_changes_nothing(loaded, cli, db_target, unchanged):
    from cryptography.fernet import Fernet
    from sqlalchemy import create_engine, text

    stranger = Fernet(Fernet.generate_key()).encrypt(b"X1234567").decode()
    engine = create_engine(f"sqlite:///{db_target}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE guest SET id_number_enc = :t"), {"t": stranger})
    engine.dispose()
    key = Path(db_target + ".key")
    old_key = key.read_text()
    with unchanged():
        run = cli("db", "rotate-key")
    one_error_line(run, 5, "guest 1", "nothing was changed")
    assert stranger not in run.stderr + run.stdout
    assert key.read_text() == old_key and key_files(key.parent) == [key.name]


@sqlite_only
def test_a_rotation_stopped_half_way_leaves_both_keys_readable_and_the_next_one_finishes(loaded, ok, db_target):
    """Stopped after the commit, before the new key replaced the file: `.key` is the old key,
    `.key.new-*` the new one the data is under. Every command reads with both; the next
    rotation puts everything under a fresh key and turns the leftover into `.key.old-*`."""
    from cryptography.fernet import Fernet
    from sqlalchemy import create_engine, text

    vid = loaded
    key = Path(db_target + ".key")
    old_key = key.read_bytes().strip()  # the key file as init wrote it
    old = Fernet(old_key)
    new_key = Fernet.generate_key()
    new = Fernet(new_key)
    engine = create_engine(f"sqlite:///{db_target}")
    with engine.begin() as conn:  # what step 4 does: all under the new key, committed
        for table in ("contact", "guest", "site_pass"):
            for row_id, token in conn.execute(text(f"SELECT id, id_number_enc FROM {table} WHERE id_number_enc "
                                                   "IS NOT NULL")).all():
                conn.execute(text(f"UPDATE {table} SET id_number_enc = :t WHERE id = :i"),
                             {"t": new.encrypt(old.decrypt(token.encode())).decode(), "i": row_id})
        check = conn.execute(text("SELECT value FROM meta WHERE key = 'key_check'")).scalar()
        conn.execute(text("UPDATE meta SET value = :v WHERE key = 'key_check'"),
                     {"v": new.encrypt(old.decrypt(check.encode())).decode()})
    engine.dispose()
    leftover = key.with_name(key.name + ".new-20261124T000000Z")
    leftover.write_bytes(new_key + b"\n")

    assert revealed(ok, vid) == EXPECTED  # both keys read
    ok("contact", "add", "Acme", "Wu Fang", "--id-number", "X99887766")  # and writing works meanwhile
    ok("db", "rotate-key")
    names = key_files(key.parent)
    assert not [n for n in names if ".new-" in n], names
    assert key.name + ".old-20261124T000000Z" in names  # the leftover, kept as an old key
    assert key.with_name(key.name + ".old-20261124T000000Z").read_bytes().strip() == new_key
    assert key.read_bytes().strip() not in (new_key, old_key)  # a fresh key
    assert old_key in [(key.parent / n).read_bytes().strip() for n in names if ".old-" in n]  # the first, kept too
    contacts = ok("contact", "list", "Acme", "--reveal", "--json").json()
    assert [c["id_number"] for c in contacts] == [None, CONTACT_ID, "X99887766"]


def test_rotation_updates_in_batches_not_one_statement_per_row(loaded, ok, db_target):
    from receptionctl.domain.core import keys
    from receptionctl.domain.core.secrets import Cipher, new_key

    for n in range(6):
        ok("contact", "add", "Acme", f"Person {n}", "--id-number", f"X1234567{n}")
    old = Cipher(current_key(db_target), "test")
    seen = statements(db_target, lambda s: keys.rotate(s, "admin", old, Cipher(new_key(), "new")))
    updates = [s for s in seen if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 4, updates  # the key check, then one per table, whatever the number of rows


def test_every_encrypted_column_is_rotated():
    from sqlmodel import SQLModel

    from receptionctl.domain.core.keys import SENSITIVE
    from receptionctl.store import models  # noqa: F401 - every table registered

    encrypted = {t.name for t in SQLModel.metadata.sorted_tables for c in t.columns if c.name.endswith("_enc")}
    assert encrypted == {name for name, _ in SENSITIVE}


# -- a missing or wrong key: exit 5, one clear line, never ciphertext ---------------------------
def wrong_keys(db_target):
    from receptionctl.domain.core.secrets import new_key

    envs = [{"RECEPTIONCTL_KEY": new_key().decode()}, {"RECEPTIONCTL_KEY": "not a key"}]
    return envs


def test_commands_that_need_the_key_exit_5_with_a_wrong_key_and_show_no_ciphertext(loaded, cli, db_target, unchanged):
    vid = loaded
    for env in wrong_keys(db_target):
        env = {**DAY, **env}
        with unchanged():
            for args in (("visit", "show", str(vid), "--reveal"), ("contact", "list", "Acme", "--reveal"),
                         ("client", "show", "Acme", "--reveal"), ("pass", "list", "--reveal"),
                         ("--as", "li", "checkin", str(vid), "--guest", "Wu Fang", "--id-number", "X99887766"),
                         ("contact", "add", "Acme", "Zhang", "--id-number", "X1234567890")):
                run = cli(*args, env=env)
                one_error_line(run, 5, "key")
                assert FERNET_PREFIX not in run.stdout + run.stderr and CONTACT_ID not in run.stdout + run.stderr


@sqlite_only
def test_commands_that_need_the_key_exit_5_without_it_and_the_others_still_work(loaded, ok, cli, db_target, unchanged):
    vid = loaded
    Path(db_target + ".key").rename(db_target + ".elsewhere")
    with unchanged():
        for args in (("visit", "show", str(vid), "--reveal"), ("contact", "list", "Acme", "--reveal"),
                     ("--as", "li", "checkin", str(vid), "--guest", "Wu Fang", "--id-number", "X99887766")):
            run = cli(*args, env=DAY)
            one_error_line(run, 5, "no encryption key")
            assert FERNET_PREFIX not in run.stdout + run.stderr
    # what does not need the key works: masked numbers, check-in without a number, new records
    shown = ok("visit", "show", str(vid), "--json", env=DAY).json()
    assert shown["guests"][0]["id_number"] == "3101**********1234"
    assert [c["id_number"] for c in ok("contact", "list", "Acme", "--json").json()] == [None, "1101**********7777"]
    ok("--as", "li", "checkin", str(vid), "--guest", "Wu Fang", env=DAY)
    ok("client", "add", "Beta")
    ok("db", "check")
    assert not Path(db_target + ".key").exists()  # nothing wrote a new key meanwhile


# -- backups never carry the key ----------------------------------------------------------------
@sqlite_only
def test_a_backup_holds_no_key_and_says_where_the_key_must_come_from(loaded, ok, db_target, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    run = ok("db", "backup", str(folder / "reception-1201.db"))
    assert f"restoring it needs {db_target}.key" in run.stdout
    assert not [p for p in folder.rglob("*") if "key" in p.name.lower()], list(folder.rglob("*"))
    key = Path(db_target + ".key").read_text().strip()
    for path in folder.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes()
    run = ok("db", "backup", str(folder / "second.db"), env={"RECEPTIONCTL_KEY": key})
    assert "needs the RECEPTIONCTL_KEY in use now" in run.stdout
    assert not [p for p in folder.rglob("*") if "key" in p.name.lower()]
