"""Attachments (issue 16, part C): files kept with a visit or a case, stored once per content
(SHA-256) beside the database, checked for size and type, listed on `visit show` and `case show`
and in the archive label, verified by `db check`, carried by `db backup` and `db restore`."""

from __future__ import annotations

import gc
import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import finish_followups, visit_held
from tests.conftest import PG_URL, snapshot, statements, template

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="db backup and db restore copy SQLite files")
LATER = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}


@template(base=visit_held)
def records(ok):
    """The visit held on 2026-12-01 (Acme) closed; a case about it; a complaint about wang
    (restricted); a duty manager."""
    vid = 1
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Front desk", "--role", "duty_manager")
    ok("--as", "li", "feedback", "add", str(vid), "--score", "95", "--channel", "phone", env=LATER)
    ok("--as", "li", "evaluate", str(vid), "--strengths", "Well prepared", "--weaknesses", "Late lunch",
       "--improvements", "Book the canteen earlier", env=LATER)
    finish_followups(ok, vid, LATER)
    ok("--as", "li", "outcome", str(vid), "won", env=LATER)
    case = ok("case", "add", "--kind", "complaint", "--text", "The projector failed", "--client", "Acme",
              "--visit", str(vid), "--json").json()["id"]
    restricted = ok("case", "add", "--kind", "complaint", "--text", "Rude at the door", "--about", "wang",
                    "--json").json()["id"]
    return {"visit": vid, "case": case, "restricted": restricted}


@pytest.fixture(autouse=True)
def files_folder(monkeypatch, tmp_path):
    """A server database keeps its files in RECEPTIONCTL_FILES; a SQLite one beside the file."""
    if PG_URL:
        monkeypatch.setenv("RECEPTIONCTL_FILES", str(tmp_path / "files"))
    else:
        monkeypatch.delenv("RECEPTIONCTL_FILES", raising=False)


@pytest.fixture
def rec(from_template, ok):
    return from_template(records)


def store(db_target, tmp_path) -> Path:
    return tmp_path / "files" if PG_URL else Path(db_target + ".files")


def blobs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# -- real files of each type ---------------------------------------------------------------------
def jpeg(folder: Path, name="photo.jpg", body=b"welcome") -> Path:
    path = folder / name
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + body + b"\xff\xd9")
    return path


def png(folder: Path, name="group.png") -> Path:
    path = folder / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64))
    return path


def pdf(folder: Path, name="form.pdf") -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    return path


def docx(folder: Path, name="minutes.docx", office=True) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as z:
        if office:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("readme.txt", "just a zip")
    return path


def mp4(folder: Path, name="tour.mp4") -> Path:
    path = folder / name
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(256))
    return path


def attach(ok, target, *files, kind="photo", who="li", extra=()):
    return ok("--as", who, "attach", str(target), *map(str, files), "--kind", kind, *extra, "--json").json()


def actions(ok, entity="attachment"):
    return [e["action"] for e in ok("audit", "--entity", entity, "--json").json()]


# -- adding, storing once, listing ------------------------------------------------------------------
def test_identical_content_is_stored_once_with_a_row_each(rec, ok, tmp_path, db_target):
    a, b = jpeg(tmp_path, "a.jpg"), jpeg(tmp_path, "copy-of-a.jpg")
    added = attach(ok, rec["visit"], a, b, png(tmp_path))
    assert [x["name"] for x in added] == ["a.jpg", "copy-of-a.jpg", "group.png"]
    assert added[0]["sha256"] == added[1]["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    assert (added[0]["media"], added[2]["media"], added[0]["by"], added[0]["kind"]) == \
        ("image/jpeg", "image/png", "li", "photo")
    root = store(db_target, tmp_path)
    files = blobs(root)
    assert len(files) == 2  # two contents, three rows
    sha = added[0]["sha256"]
    assert root / sha[:2] / sha in files
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700 and stat.S_IMODE((root / sha[:2]).stat().st_mode) == 0o700
    again = ok("--as", "li", "attach", str(rec["visit"]), str(a), "--kind", "photo")
    assert "same content as another attachment, stored once" in again.stdout
    assert len(blobs(root)) == 2
    listed = ok("attach", "list", str(rec["visit"]), "--json").json()
    assert [x["id"] for x in listed] == [x["id"] for x in added] + [added[-1]["id"] + 1]
    assert {"id", "name", "kind", "size", "sha256", "added_at", "by"} <= set(listed[0])
    assert listed[0]["added_at"] == "2026-11-24T09:00:00+08:00" and listed[0]["size"] == a.stat().st_size
    assert sha[:12] in ok("attach", "list", str(rec["visit"])).stdout
    assert actions(ok) == ["attachment.add"] * 4
    event = ok("audit", "--visit", str(rec["visit"]), "--json").json()[-1]
    assert event["after"]["name"] == "a.jpg" and event["after"]["sha256"] == sha


def test_the_target_forms_and_the_add_default(rec, ok, cli, tmp_path, unchanged):
    p = pdf(tmp_path)
    assert attach(ok, f"visit:{rec['visit']}", p, kind="form")[0]["visit_id"] == rec["visit"]
    assert ok("attach", "add", str(rec["visit"]), str(p), "--kind", "form", "--json").json()[0]["kind"] == "form"
    assert attach(ok, f"case:{rec['case']}", p, kind="other")[0]["case_id"] == rec["case"]
    with unchanged():
        one_error_line(cli("attach", "room:3", str(p)), 2, "room:3")
        one_error_line(cli("attach", "99", str(p)), 3, "no visit 99")
        one_error_line(cli("attach", "case:99", str(p)), 3, "no case 99")
        one_error_line(cli("attach", "1", str(p), "--kind", "selfie"), 2, "selfie")
        one_error_line(cli("--as", "stranger", "attach", "1", str(p)), 4, "stranger")


# -- size and type ------------------------------------------------------------------------------------
def test_a_file_that_is_not_what_its_extension_says_is_refused(rec, cli, tmp_path, db_target, unchanged):
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(png(tmp_path).read_bytes())
    not_pdf = tmp_path / "scan.pdf"
    not_pdf.write_text("just some words\n")
    latin1 = tmp_path / "notes.txt"
    latin1.write_bytes("café".encode("latin-1"))
    with unchanged():
        one_error_line(cli("attach", "1", str(fake), "--kind", "photo"), 2, "fake.jpg", ".jpg", "PNG image")
        one_error_line(cli("attach", "1", str(not_pdf), "--kind", "form"), 2, "scan.pdf", ".pdf", "UTF-8 text")
        one_error_line(cli("attach", "1", str(docx(tmp_path, "plain.docx", office=False)), "--kind", "minutes"),
                       2, "plain.docx", "ZIP archive")
        one_error_line(cli("attach", "1", str(latin1), "--kind", "minutes"), 2, "notes.txt", "binary data")
        one_error_line(cli("attach", "1", str(mp4(tmp_path, "clip.mov")), "--kind", "photo"), 2, ".mov",
                       ".jpg, .jpeg, .png")  # a video is not a photo: the kind's types are listed
        exe = tmp_path / "tool.exe"
        exe.write_bytes(b"MZ\x90\x00")
        one_error_line(cli("attach", "1", str(exe)), 2, "tool.exe", ".exe", ".pdf", ".docx", ".md")
        one_error_line(cli("attach", "1", str(tmp_path / "missing.pdf")), 2, "missing.pdf")
        empty = tmp_path / "empty.txt"
        empty.write_bytes(b"")
        one_error_line(cli("attach", "1", str(empty)), 2, "empty")
    assert blobs(store(db_target, tmp_path)) == []


def test_every_known_type_is_accepted_by_its_content(rec, ok, tmp_path):
    xlsx = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    csv = tmp_path / "guests.csv"
    csv.write_text("name,title\n刘洋,总经理\n", encoding="utf-8")
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a" + os.urandom(20))
    webp = tmp_path / "map.webp"
    webp.write_bytes(b"RIFF\x10\x00\x00\x00WEBPVP8 " + os.urandom(20))
    heic = tmp_path / "iphone.heic"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + os.urandom(20))
    qt = tmp_path / "door.mov"
    qt.write_bytes(b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + os.urandom(20))
    added = attach(ok, 1, xlsx, csv, docx(tmp_path), pdf(tmp_path), kind="other")
    assert [a["media"].rsplit(".", 1)[-1] for a in added] == ["sheet", "text/csv", "document", "application/pdf"]
    assert len(attach(ok, 1, gif, webp, heic, jpeg(tmp_path), kind="photo")) == 4
    assert [a["media"] for a in attach(ok, 1, qt, mp4(tmp_path), kind="video")] == ["video/quicktime", "video/mp4"]


def test_the_size_limit_is_the_policys(rec, ok, cli, tmp_path, unchanged):
    ok("policy", "set", "attachment_max_mb", "1")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (1 << 20))
    with unchanged():
        one_error_line(cli("attach", "1", str(big), "--kind", "form"), 2, "big.pdf", "at most 1 MB",
                       "attachment_max_mb")
    ok("policy", "set", "attachment_max_mb", "2")
    assert attach(ok, 1, big, kind="form")[0]["size"] == (1 << 20) + 9


def test_the_allowed_types_are_the_policys(rec, ok, cli, tmp_path):
    one_error_line(cli("policy", "set", "attachment_photo_types", "jpg,exe"), 2, "attachment_photo_types")
    ok("policy", "set", "attachment_photo_types", "jpg,jpeg")
    one_error_line(cli("attach", "1", str(png(tmp_path)), "--kind", "photo"), 2, ".png", "expected one of .jpg, .jpeg")


def test_several_files_all_or_nothing(rec, cli, tmp_path, db_target, unchanged):
    good = [jpeg(tmp_path, "one.jpg"), png(tmp_path)]
    bad = tmp_path / "two.jpg"
    bad.write_text("not a photo")
    with unchanged():
        one_error_line(cli("attach", "1", *map(str, good), str(bad), "--kind", "photo"), 2, "two.jpg")
    assert blobs(store(db_target, tmp_path)) == []  # the good ones were not stored either


# -- getting a file back out -----------------------------------------------------------------------
def test_get_writes_the_same_bytes_and_never_over_a_file(rec, ok, cli, tmp_path, monkeypatch):
    original = mp4(tmp_path)
    added = attach(ok, 1, original, kind="video")[0]
    out = tmp_path / "out"
    out.mkdir()
    ok("--as", "wang", "attach", "get", str(added["id"]), "--output", str(out / "copy.mp4"))
    assert (out / "copy.mp4").read_bytes() == original.read_bytes()
    ok("--as", "wang", "attach", "get", str(added["id"]), "--output", str(out))  # a folder: under its name
    assert (out / "tour.mp4").read_bytes() == original.read_bytes()
    monkeypatch.chdir(tmp_path / "out")
    one_error_line(cli("attach", "get", str(added["id"])), 1, "tour.mp4", "already exists")
    assert (out / "tour.mp4").read_bytes() == original.read_bytes()
    assert sorted(os.listdir(out)) == ["copy.mp4", "tour.mp4"]  # no temporary file left
    gets = [e for e in ok("audit", "--entity", "attachment", "--json").json() if e["action"] == "attachment.get"]
    assert len(gets) == 2 and gets[0]["actor"] == "wang" and gets[0]["after"]["to"] == str(out / "copy.mp4")
    one_error_line(cli("attach", "get", "99"), 3, "no attachment 99")


def test_get_of_a_damaged_file_exits_5_and_writes_nothing(rec, ok, cli, tmp_path, db_target):
    added = attach(ok, 1, jpeg(tmp_path), kind="photo")[0]
    blob = store(db_target, tmp_path) / added["sha256"][:2] / added["sha256"]
    flip(blob)
    one_error_line(cli("attach", "get", str(added["id"]), "-o", str(tmp_path / "back.jpg")), 5, "corrupt",
                   f"attachment {added['id']}")
    assert not (tmp_path / "back.jpg").exists()
    assert "attachment.get" not in actions(ok)


def flip(path: Path, at: int = 3) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


# -- db check -------------------------------------------------------------------------------------------
def test_db_check_verifies_every_file_against_its_hash(rec, ok, cli, tmp_path, db_target):
    a, b = attach(ok, 1, jpeg(tmp_path), png(tmp_path), kind="photo")
    shared = attach(ok, f"case:{rec['case']}", jpeg(tmp_path, "same.jpg"), kind="photo")[0]
    report = ok("db", "check", "--json").json()
    assert (report["attachments"], report["attachment_files"], report["attachment_check"]) == (3, 2, "ok")
    root = store(db_target, tmp_path)
    leftover = root / "ff" / ("f" * 64)  # as a command that failed after storing its file leaves it
    leftover.parent.mkdir()
    leftover.write_bytes(b"orphan")
    report = ok("db", "check", "--json").json()
    assert report["unreferenced_files"] == [f"ff/{'f' * 64}"] and report["attachment_check"] == "ok"
    assert "information" in ok("db", "check").stdout
    flip(root / a["sha256"][:2] / a["sha256"])
    run = cli("db", "check")
    one_error_line(run, 5, f"attachments {a['id']}, {shared['id']}", "photo.jpg", a["sha256"][:12], "corrupt")
    (root / b["sha256"][:2] / b["sha256"]).unlink()
    run = cli("db", "check", "--json")
    one_error_line(run, 5, f"attachment {b['id']} (group.png)", "missing", "corrupt")
    assert run.json()["attachment_check"] == "failed" and len(run.json()["attachment_problems"]) == 2


def test_db_check_reads_the_rows_in_one_statement(rec, ok, tmp_path, db_target):
    from receptionctl.domain.records.attachments import verify

    attach(ok, 1, jpeg(tmp_path), kind="photo")
    one = statements(db_target, verify)
    attach(ok, 1, png(tmp_path), pdf(tmp_path), docx(tmp_path), kind="other")
    assert len(statements(db_target, verify)) == len(one) == 1


# -- visit show, case show, the archive label ------------------------------------------------------
def test_visit_show_lists_them_and_the_archive_label_names_them(rec, ok, tmp_path, db_target):
    from receptionctl.domain.visits.views import show_visit

    shown = ok("visit", "show", "1", "--json").json()
    assert shown["status"] == "closed" and shown["archive_label"] == "Acme – 2026-12-01"
    assert shown["attachments"] == []
    attach(ok, 1, jpeg(tmp_path), kind="photo")
    few = statements(db_target, lambda s: show_visit(s, 1))
    attach(ok, 1, png(tmp_path), kind="photo")
    attach(ok, 1, pdf(tmp_path), kind="form", extra=("--note", "signed by Mr Liu"))
    shown = ok("visit", "show", "1", "--json").json()
    assert shown["archive_label"] == "Acme – 2026-12-01 (3 attachments: 2 photo, 1 form)"
    first = shown["attachments"][0]
    assert {"id", "name", "kind", "size", "sha256", "added_at", "by"} <= set(first) and first["name"] == "photo.jpg"
    assert [a["kind"] for a in shown["attachments"]] == ["photo", "photo", "form"]
    text = ok("visit", "show", "1").stdout
    assert "Attachments" in text and "signed by Mr Liu" in text and first["sha256"][:12] in text
    assert "(3 attachments: 2 photo, 1 form)" in text
    assert len(statements(db_target, lambda s: show_visit(s, 1))) == len(few)  # the label costs no statement


def test_case_show_lists_them_and_a_restricted_case_stays_hidden(rec, ok, cli, tmp_path, unchanged):
    case, hidden = rec["case"], rec["restricted"]
    attach(ok, f"case:{case}", pdf(tmp_path, "repair-report.pdf"), kind="other")
    shown = ok("case", "show", str(case), "--json").json()
    assert [a["name"] for a in shown["attachments"]] == ["repair-report.pdf"]
    assert "repair-report.pdf" in ok("case", "show", str(case)).stdout
    assert ok("attach", "list", f"case:{case}", "--json").json()[0]["case_id"] == case
    secret = attach(ok, f"case:{hidden}", jpeg(tmp_path, "cctv.jpg"), kind="photo", who="dm")[0]
    assert ok("--as", "dm", "case", "show", str(hidden), "--json").json()["attachments"][0]["name"] == "cctv.jpg"
    with unchanged():
        for who in ("wang", "chen"):  # the person it is about, and someone who may not see such cases
            one_error_line(cli("--as", who, "attach", f"case:{hidden}", str(pdf(tmp_path))), 3, f"no case {hidden}")
            one_error_line(cli("--as", who, "attach", "list", f"case:{hidden}"), 3, f"no case {hidden}")
            one_error_line(cli("--as", who, "attach", "get", str(secret["id"]), "-o", str(tmp_path / "x.jpg")),
                           3, f"no attachment {secret['id']}")
    assert not (tmp_path / "x.jpg").exists()
    event = [e for e in ok("audit", "--entity", "attachment", "--json").json() if e["entity_id"] == secret["id"]][0]
    assert event["after"]["restricted"] is True and "cctv.jpg" not in str(event)


# -- removing ------------------------------------------------------------------------------------------
def test_remove_deletes_the_file_when_no_other_attachment_has_it(rec, ok, cli, tmp_path, db_target, unchanged):
    a, b, c = attach(ok, 1, jpeg(tmp_path), jpeg(tmp_path, "again.jpg"), png(tmp_path), kind="photo")
    root = store(db_target, tmp_path)
    with unchanged():
        one_error_line(cli("--as", "wang", "attach", "remove", str(a["id"])), 4, "coordinator")
    assert "kept" in ok("--as", "li", "attach", "remove", str(a["id"])).stdout
    assert len(blobs(root)) == 2
    assert "deleted" in ok("--as", "li", "attach", "remove", str(b["id"])).stdout
    assert blobs(root) == [root / c["sha256"][:2] / c["sha256"]]
    assert [x["id"] for x in ok("attach", "list", "1", "--json").json()] == [c["id"]]
    removed = [e for e in ok("audit", "--json").json() if e["action"] == "attachment.remove"]
    assert [e["entity_id"] for e in removed] == [a["id"], b["id"]] and removed[0]["before"]["name"] == "photo.jpg"
    one_error_line(cli("attach", "remove", str(a["id"])), 3, f"no attachment {a['id']}")


def test_the_api_the_retention_part_calls(rec, ok, tmp_path, db_target):
    from receptionctl.domain.records import attachments
    from receptionctl.store.db import Database

    a, b = attach(ok, 1, jpeg(tmp_path), png(tmp_path), kind="photo")
    c = attach(ok, f"case:{rec['case']}", jpeg(tmp_path, "same.jpg"), kind="photo")[0]
    db = Database(db_target)
    try:
        with db.session(write=True) as session:
            root = attachments.store_root(session)
            assert root == store(db_target, tmp_path)
            assert attachments.ids_for(session, visit_ids=[1]) == [a["id"], b["id"]]
            assert attachments.ids_for(session, case_ids=[rec["case"]]) == [c["id"]]
            assert attachments.ids_for(session, visit_ids=[1], case_ids=[rec["case"]]) == [a["id"], b["id"], c["id"]]
            assert attachments.ids_for(session) == []
            gone = attachments.remove(session, attachments.ids_for(session, visit_ids=[1]))
        assert gone == [b["sha256"]]  # a's content is still c's
        assert attachments.unlink(root, gone) == 1 and attachments.unlink(root, gone) == 0
        assert blobs(root) == [root / c["sha256"][:2] / c["sha256"]]
    finally:
        db.dispose()
    assert [x["id"] for x in ok("attach", "list", "1", "--json").json()] == []


def test_a_server_database_without_a_folder_cannot_store_files(rec, tmp_path, db_target):
    from receptionctl.domain.records import attachments
    from receptionctl.errors import StorageError
    from receptionctl.store.db import Database

    db = Database(db_target)
    db.files = None  # as a PostgreSQL database without RECEPTIONCTL_FILES
    try:
        with pytest.raises(StorageError, match="RECEPTIONCTL_FILES"):
            with db.session(write=True) as session:
                attachments.add(session, "admin", [str(pdf(tmp_path))], visit_id=1)
    finally:
        db.dispose()


# -- backup and restore ------------------------------------------------------------------------------
def _hashes(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in blobs(root)}


@sqlite_only
def test_backup_and_restore_carry_the_attachments(rec, ok, cli, tmp_path, db_target):
    kept = attach(ok, 1, jpeg(tmp_path), pdf(tmp_path), kind="other")
    backup = tmp_path / "backups" / "b.db"
    backup.parent.mkdir()
    run = ok("db", "backup", str(backup))
    assert "2 files copied" in run.stdout and str(backup) + ".files" in run.stdout
    assert _hashes(Path(str(backup) + ".files")) == {k["sha256"]: k["sha256"] for k in kept}
    one_error_line(cli("db", "backup", str(backup)), 1, "exists")
    # after the backup: one more, one removed
    attach(ok, 1, png(tmp_path), kind="photo")
    ok("attach", "remove", str(kept[0]["id"]))
    gc.collect()  # the engines of the commands run in this process before: their connections closed
    run = ok("db", "restore", str(backup))
    assert "restored" in run.stdout and "replaced database is kept as" in run.stdout
    listed = ok("attach", "list", "1", "--json").json()
    assert [x["id"] for x in listed] == [k["id"] for k in kept]
    root = Path(db_target + ".files")
    assert _hashes(root) == {k["sha256"]: k["sha256"] for k in kept}  # every file, its hash verified
    ok("attach", "get", str(kept[0]["id"]), "-o", str(tmp_path / "back.jpg"))
    assert (tmp_path / "back.jpg").read_bytes() == (tmp_path / "photo.jpg").read_bytes()
    assert ok("db", "check", "--json").json()["attachment_check"] == "ok"
    aside = sorted(p for p in Path(db_target).parent.iterdir() if ".replaced-" in p.name)
    assert [p.name for p in aside] == ["reception.db.replaced-20261124090000",
                                       "reception.db.replaced-20261124090000.files"]
    old = [x["name"] for x in ok("--db", str(aside[0]), "attach", "list", "1", "--json").json()]
    assert old == ["form.pdf", "group.png"]  # the replaced database, whole, with its own files
    assert "db.restore" in actions(ok, "database")
    assert not [p for p in Path(db_target).parent.iterdir() if ".restore-" in p.name]  # nothing staged left


@sqlite_only
def test_backup_with_a_damaged_file_writes_nothing(rec, ok, cli, tmp_path, db_target):
    a = attach(ok, 1, jpeg(tmp_path), kind="photo")[0]
    flip(store(db_target, tmp_path) / a["sha256"][:2] / a["sha256"])
    one_error_line(cli("db", "backup", str(tmp_path / "b.db")), 5, f"attachment {a['id']}", "corrupt")
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "b.db.files").exists()


@pytest.fixture
def backup(rec, ok, tmp_path):
    """A backup with two attachments, then the database changed after it."""
    attach(ok, 1, jpeg(tmp_path), pdf(tmp_path), kind="other")
    path = tmp_path / "b.db"
    ok("db", "backup", str(path))
    attach(ok, 1, png(tmp_path), kind="photo")
    return path


def _nothing_replaced(cli, db_target, run_args, *needles, env=None):
    before = snapshot(db_target)
    root = Path(db_target + ".files")
    files = _hashes(root)
    one_error_line(cli(*run_args, env=env), 5, *needles)
    assert snapshot(db_target) == before and _hashes(root) == files
    folder = Path(db_target).parent
    assert not [p for p in folder.iterdir() if ".replaced-" in p.name or ".restore-" in p.name]


@sqlite_only
def test_restore_refuses_a_bad_backup_and_changes_nothing(backup, cli, tmp_path, db_target):
    import sqlite3

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    _nothing_replaced(cli, db_target, ("db", "restore", str(junk)), "not a SQLite database")
    _nothing_replaced(cli, db_target, ("db", "restore", str(tmp_path / "none.db")), "no backup file")
    # a corrupt file: pages overwritten in the middle
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(backup.read_bytes())
    page = 4096
    for at in range(2 * page, min(len(data), 12 * page), 7):
        data[at] = (data[at] + 1) % 256
    corrupt.write_bytes(bytes(data))
    _nothing_replaced(cli, db_target, ("db", "restore", str(corrupt)), str(corrupt))
    # a newer schema
    newer = tmp_path / "newer.db"
    newer.write_bytes(backup.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    _nothing_replaced(cli, db_target, ("db", "restore", str(newer)), "9999", "newer")
    # a damaged attachment file in the backup
    root = Path(str(backup) + ".files")
    flip(blobs(root)[0])
    _nothing_replaced(cli, db_target, ("db", "restore", str(backup)), "corrupt")
    blobs(root)[0].unlink()
    _nothing_replaced(cli, db_target, ("db", "restore", str(backup)), "missing")


@sqlite_only
def test_restore_needs_the_key_that_opens_the_backup_and_an_admin(backup, cli, db_target, unchanged):
    from receptionctl.domain.core.secrets import new_key

    other = new_key().decode()  # RECEPTIONCTL_KEY wins over the key file beside the database
    _nothing_replaced(cli, db_target, ("db", "restore", str(backup)), "does not open", str(backup),
                      env={"RECEPTIONCTL_KEY": other})
    with unchanged():
        one_error_line(cli("--as", "li", "db", "restore", str(backup)), 4, "li", "admin")


@sqlite_only
def test_restore_of_an_older_schema_migrates_it(rec, ok, tmp_path, db_target):
    from alembic import command

    from receptionctl.store.db import Database, _alembic_config

    old = tmp_path / "old.db"
    db = Database(str(old))
    db.create_file()
    with db.connection(write=True, foreign_keys=False) as conn:
        command.upgrade(_alembic_config(conn), "0013")
        conn.exec_driver_sql("INSERT INTO staff (id, username, name, dept, active, created_at) "
                             "VALUES (1, 'admin', 'Admin', 'IT', 1, '2026-01-01 00:00:00.000000')")
        conn.exec_driver_sql("INSERT INTO staff_role (staff_id, role) VALUES (1, 'admin')")
    db.dispose()
    gc.collect()
    run = ok("db", "restore", str(old))
    assert "migrated from schema 0013" in run.stdout
    assert ok("db", "check", "--json").json()["schema"] == "current"
    assert ok("policy", "show", "--json").json()  # the policy rows the migration seeds


def test_restore_of_a_server_database_is_pg_restores(cli, tmp_path):
    run = cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "restore", str(tmp_path / "b.db"))
    one_error_line(run, 2, "SQLite")
    assert "pg_restore" in run.stderr
