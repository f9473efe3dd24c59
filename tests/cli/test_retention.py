"""Retention and erasure (issue 16, part D): the periods of the policy, legal holds, runs approved
by two different people, what is destroyed and what is kept for the measures, erasure of one
person on request, the destruction record, the bytes gone from the SQLite files, the alerts."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import PG_URL, statements, template, with_team

LATER = {"RECEPTIONCTL_NOW": "2030-01-15T09:00:00+08:00"}  # every period of the template is past
SOON = {"RECEPTIONCTL_NOW": "2027-03-01T09:00:00+08:00"}  # past 90 days, within 3 years: identity numbers only
NOW = {"RECEPTIONCTL_NOW": "2026-11-24T18:00:00+08:00"}  # the template's day, later
# values found nowhere else, so that a search of the database's bytes means something
CONTACT, PHONE, EMAIL = "Qorvex Ulmpad", "13712349876", "qorvex@example.org"
GUEST, TITLE = "Wyzzle Brondt", "Chief Buyer Xq"
OTHER_GUEST = "Han Mei"
CASE_TEXT = "Plinkquist was shouted at by the driver"
ID1, ID2, ID3, ID4 = "110101199003071234", "110101198805052345", "110101197712123456", "310101196601014567"


@template(base=with_team)
def archive(ok):
    """Two clients' visits of 2026-11-24 with their guests, a contact with every detail, a closed
    complaint, an attachment, a returned pass with an identity number, a feedback form."""
    ok("staff", "add", "dm", "--name", "Sun Li", "--dept", "Service office", "--role", "duty_manager")
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("client", "add", "Beta", "--tier", "key")
    contact = ok("contact", "add", "Beta", CONTACT, "--phone", PHONE, "--email", EMAIL, "--id-number", ID1,
                 "--json").json()["id"]
    ok("--as", "desk1", "checkin", "--walk-in", "--client", "Acme", "--host", "li", "--guest", GUEST,
       "--title", TITLE, "--id-number", ID2)  # visit 1
    ok("--as", "desk1", "checkin", "--walk-in", "--client", "Beta", "--host", "wang", "--guest", OTHER_GUEST,
       "--id-number", ID3)  # visit 2
    ok("checkout", "1", "--guest", GUEST)
    for visit in ("1", "2"):
        ok("visit", "complete", visit)
    ok("feedback", "add", "1", "--score", "95", "--channel", "phone", "--comment", "good")
    case = ok("case", "add", "--kind", "complaint", "--text", CASE_TEXT, "--client", "Acme", "--visit", "1",
              "--category", "service", "--json").json()["id"]
    ok("case", "ack", str(case), "--note", "apologised to Plinkquist")
    ok("case", "assign", str(case), "--to", "wang")
    ok("case", "resolve", str(case), "--cause", "driver not briefed", "--action", "apology", "--prevention",
       "brief drivers")
    ok("case", "callback", str(case), "--note", "Plinkquist accepted", "--satisfied")
    ok("--as", "dm", "case", "review", str(case), "--note", "fine")
    ok("case", "close", str(case))
    folder = tempfile.mkdtemp()
    minutes = Path(folder, "minutes-wyzzle.txt")
    minutes.write_text("notes of the meeting\n")
    files = {"RECEPTIONCTL_FILES": os.path.join(folder, "store")} if PG_URL else None  # a server database's store
    attached = ok("attach", "add", "1", str(minutes), "--kind", "minutes", "--json", env=files).json()
    if not PG_URL:
        shutil.rmtree(folder)
    ok("--as", "desk1", "pass", "issue", "--name", "Zhang San", "--company", "Huayu", "--purpose", "paint",
       "--until", "today 18:00", "--id-number", ID4)
    ok("--as", "desk1", "pass", "return", "1")
    return {"contact": contact, "case": case, "attached": attached}


@pytest.fixture
def archived(from_template, ok):
    made = from_template(archive)
    return ok, made


def plan(ok, env=LATER):
    return {r["part"]: r for r in ok("retention", "plan", "--json", env=env).json()["rows"]}


def run(ok, env=LATER, who="gm"):
    return ok("--as", who, "retention", "run", "--json", env=env).json()


def approve(ok, run_id, who, env=LATER):
    return ok("--as", who, "retention", "approve", str(run_id), "--json", env=env).json()


def contact_row(ok, contact_id):
    return next(c for c in ok("contact", "list", "Beta", "--json").json() if c["id"] == contact_id)


def guests(ok, visit):
    return ok("visit", "show", str(visit), "--json").json()["guests"]


def measures(ok, env=LATER):
    kpi = ok("report", "kpi", "--month", "2026-11", "--json", env=env).json()
    review = ok("report", "review", "--quarter", "2026Q4", "--format", "json", env=env).json()
    return kpi, review


# -- the policy ---------------------------------------------------------------------------------
def test_each_class_has_a_period_with_its_source_and_the_audit_log_keeps_six_months(initdb, cli, unchanged):
    from receptionctl.domain.core.policy import SETTINGS

    shown = initdb("policy", "show", "--json").json()
    assert {k: v for k, v in shown.items() if k.startswith("retention_")} == {
        "retention_id_number_days": 90, "retention_contact_days": 1095, "retention_attachment_days": 1095,
        "retention_case_days": 1095, "retention_audit_days": 1095, "retention_alert_days": 7}
    assert all(SETTINGS[k].source and SETTINGS[k].help for k in shown if k.startswith("retention_"))
    assert "Cybersecurity Law" in SETTINGS["retention_audit_days"].help
    with unchanged():
        one_error_line(cli("policy", "set", "retention_audit_days", "179"), 2, "retention_audit_days", "180")
    initdb("policy", "set", "retention_audit_days", "180")


# -- the plan -----------------------------------------------------------------------------------
def test_the_plan_says_per_class_what_is_due_and_why_and_changes_nothing(archived, unchanged):
    ok, _ = archived
    today = plan(ok, env=NOW)
    assert all(r["due"] == 0 for r in today.values())
    with unchanged():
        later = plan(ok)
    assert {k: r["due"] for k, r in later.items() if k != "audit"} == {
        "id_numbers:guest": 2, "id_numbers:pass": 1, "contact_details:contact": 2, "contact_details:guest": 2,
        "attachments": 1, "cases": 1}
    assert later["audit"]["due"] > 10
    guest = later["id_numbers:guest"]
    assert (guest["days"], guest["policy"], guest["since"]) == (90, "retention_id_number_days", "the end of the visit")
    assert guest["cutoff"] == "2029-10-17T09:00:00+08:00" and guest["oldest"].startswith("2026-11-24T")
    soon = plan(ok, env=SOON)
    assert soon["id_numbers:guest"]["due"] == 2 and soon["contact_details:contact"]["due"] == 0


# -- runs and approvals -------------------------------------------------------------------------
def test_one_approval_destroys_nothing_and_the_same_person_twice_is_refused(archived, cli, unchanged, db_target):
    ok, made = archived
    r = run(ok)
    assert r["state"] == "pending" and r["waiting_for"] == "two approvals" and r["kind"] == "retention"
    first = approve(ok, r["id"], "gm")
    assert first["waiting_for"] == "a second approval" and first["destroyed"] == 0
    assert contact_row(ok, made["contact"])["phone"] == PHONE  # nothing destroyed yet
    assert guests(ok, 1)[0]["name"] == GUEST
    with unchanged():
        one_error_line(cli("--as", "gm", "retention", "approve", str(r["id"]), env=LATER), 4, "gm", "already",
                       "different")
        one_error_line(cli("--as", "desk1", "retention", "approve", str(r["id"]), env=LATER), 4, "approve")
        one_error_line(cli("--as", "gm", "retention", "run", env=LATER), 1, f"run {r['id']}")
        one_error_line(cli("--as", "gm", "retention", "approve", "99", env=LATER), 3, "99")
    done = approve(ok, r["id"], "dm")
    assert done["state"] == "done" and done["done_by"] == "dm" and done["first_by"] == "gm"
    with unchanged():
        one_error_line(cli("--as", "admin", "retention", "approve", str(r["id"]), env=LATER), 1, "carried out")
    records = {d["record_class"]: d for d in done["records"]}
    assert {k: d["count"] for k, d in records.items() if k != "audit"} == {
        "id_numbers:guest": 2, "id_numbers:pass": 1, "contact_details:contact": 2, "contact_details:guest": 2,
        "attachments": 1, "cases": 1}
    assert all((d["first_by"], d["second_by"], d["by"]) == ("gm", "dm", "dm") for d in records.values())


def test_what_is_destroyed_and_what_the_measures_keep(archived, db_target):
    ok, made = archived
    folder = Path(tempfile.mkdtemp())
    (folder / "photo-list.txt").write_text("who is on which photo\n")
    store = folder / "store" if PG_URL else Path(db_target + ".files")  # a server database's: RECEPTIONCTL_FILES
    files = {"RECEPTIONCTL_FILES": str(store)} if PG_URL else {}
    ok("attach", "add", "2", str(folder / "photo-list.txt"), "--kind", "minutes", env=files or None)
    assert [p for p in store.rglob("*") if p.is_file()]  # its file is stored
    before = measures(ok)
    case_before = ok("case", "show", str(made["case"]), "--json", env=LATER).json()
    r = run(ok)
    approve(ok, r["id"], "gm")
    approve(ok, r["id"], "dm", env={**LATER, **files})
    kpi, review = measures(ok)
    assert kpi == before[0]  # every measure of the month
    # the review pack: the same complaints (kind, category, severity, state), their words replaced
    assert {k: v for k, v in review.items() if k != "complaints"} == \
        {k: v for k, v in before[1].items() if k != "complaints"}
    assert [(c["case_id"], c["category"], c["severity"], c["state"]) for c in review["complaints"]] == \
        [(c["case_id"], c["category"], c["severity"], c["state"]) for c in before[1]["complaints"]]
    case = ok("case", "show", str(made["case"]), "--json", env=LATER).json()
    assert case["text"] == "(erased)" and case["callback_note"] == "(erased)" and case["root_cause"] == "(erased)"
    for key in ("kind", "category", "severity", "state", "satisfied", "received_at", "closed_at", "owner"):
        assert case[key] == case_before[key], key
    assert all("Plinkquist" not in line["text"] for line in case["log"])
    contact = contact_row(ok, made["contact"])
    assert contact["name"] == "(erased)" and contact["phone"] is None and contact["email"] is None
    assert contact["id_number"] is None
    shown = guests(ok, 1)[0]
    assert (shown["name"], shown["title"], shown["id_number"]) == ("(erased)", None, None)
    assert ok("pass", "show", "1", "--json").json()["id_number"] is None
    assert ok("attach", "list", "1", "--json").json() == []
    assert not [p for p in store.rglob("*") if p.is_file()]  # the file is gone after the commit
    shutil.rmtree(folder)
    # the audit log kept what is younger than three years: the run's own events
    assert {e["action"] for e in ok("audit", "--json", env=LATER).json()} == {"retention.run", "retention.approve",
                                                                           "audit.reseal"}  # issue 18: the chain
    ok("audit", "verify", env=LATER)


def test_a_run_destroys_what_was_due_when_it_was_created_not_what_became_due_later(archived):
    ok, made = archived
    r = run(ok, env=SOON)
    assert {p["part"]: p["due"] for p in r["parts"] if p["due"]} == {"id_numbers:guest": 2, "id_numbers:pass": 1}
    approve(ok, r["id"], "gm", env=SOON)
    done = approve(ok, r["id"], "admin", env=LATER)  # three years on, contacts are due too: not in this run
    assert {d["record_class"]: d["count"] for d in done["records"] if d["count"]} == \
        {"id_numbers:guest": 2, "id_numbers:pass": 1}
    assert contact_row(ok, made["contact"])["phone"] == PHONE
    assert guests(ok, 1)[0]["name"] == GUEST and guests(ok, 1)[0]["id_number"] is None
    assert plan(ok)["contact_details:contact"]["due"] == 2


def test_a_hold_keeps_a_client_a_visit_or_a_case_out_of_every_run(archived, cli, unchanged):
    ok, made = archived
    with unchanged():
        one_error_line(cli("--as", "desk1", "hold", "add", "client:Beta", "--reason", "x"), 4, "legal holds")
        one_error_line(cli("hold", "add", "Beta", "--reason", "x"), 2, "client:NAME")
        one_error_line(cli("hold", "add", "visit:99", "--reason", "x"), 3, "visit 99")
        one_error_line(cli("hold", "add", "client:Beta", "--reason", " "), 2, "reason")
    beta = ok("--as", "gm", "hold", "add", "client:Beta", "--reason", "contract dispute", "--json").json()
    assert beta["label"] == "client 2 (Beta)" and beta["active"]
    case = ok("--as", "dm", "hold", "add", f"case:{made['case']}", "--reason", "complaint escalated", "--json").json()
    with unchanged():
        one_error_line(cli("hold", "add", "client:beta", "--reason", "again"), 1, f"hold {beta['id']}")
    due = plan(ok)
    assert due["contact_details:contact"]["due"] == 1 and due["contact_details:contact"]["held"] == 1
    assert due["cases"]["due"] == 0 and due["cases"]["held"] == 1
    r = run(ok)
    approve(ok, r["id"], "gm")
    approve(ok, r["id"], "dm")
    assert contact_row(ok, made["contact"])["phone"] == PHONE  # Beta's contact is held
    assert guests(ok, 2)[0]["name"] == OTHER_GUEST and guests(ok, 2)[0]["id_number"]
    assert guests(ok, 1)[0]["name"] == "(erased)"  # Acme's is not
    assert ok("case", "show", str(made["case"]), "--json", env=LATER).json()["text"] == CASE_TEXT
    assert [h["id"] for h in ok("hold", "list", "--json").json()] == [beta["id"], case["id"]]
    ok("--as", "gm", "hold", "remove", str(beta["id"]), "--reason", "settled")
    with unchanged():
        one_error_line(cli("hold", "remove", str(beta["id"]), "--reason", "again"), 1, "removed already")
    assert [h["id"] for h in ok("hold", "list", "--json").json()] == [case["id"]]
    assert len(ok("hold", "list", "--all", "--json").json()) == 2
    assert plan(ok)["contact_details:contact"]["due"] == 1  # due again
    actions = [e["action"] for e in ok("audit", "--entity", "legal_hold", "--json", env=LATER).json()]
    assert actions == ["hold.add", "hold.add", "hold.remove"]


def test_a_cancelled_run_destroys_nothing_and_refusals_change_nothing(archived, cli, unchanged):
    ok, made = archived
    with unchanged():
        one_error_line(cli("--as", "gm", "retention", "run", env=NOW), 1, "nothing is due")
        one_error_line(cli("--as", "li", "retention", "run", env=LATER), 4, "retention runs")
    r = run(ok)
    approve(ok, r["id"], "gm")
    with unchanged():
        one_error_line(cli("retention", "cancel", str(r["id"]), "--reason", ""), 2, "reason")
    ok("--as", "dm", "retention", "cancel", str(r["id"]), "--reason", "wrong month", env=LATER)
    with unchanged():
        one_error_line(cli("--as", "dm", "retention", "approve", str(r["id"]), env=LATER), 1, "cancelled")
    assert contact_row(ok, made["contact"])["phone"] == PHONE
    assert [x["state"] for x in ok("retention", "list", "--json").json()] == ["cancelled"]
    assert ok("retention", "list", "--state", "pending", "--json").json() == []


# -- erasure on request -------------------------------------------------------------------------
def test_a_person_is_erased_on_request_with_two_approvals_and_the_measures_stay(archived, cli, unchanged):
    ok, made = archived
    ok("--as", "desk1", "checkin", "--walk-in", "--client", "Beta", "--host", "wang", "--guest", CONTACT,
       env=NOW)  # the contact came as a guest too: visit 3
    before = measures(ok, env=NOW)
    with unchanged():
        one_error_line(cli("person", "erase", "--name", "Nobody Atall", env=NOW), 3, "Nobody Atall")
        one_error_line(cli("person", "erase", env=NOW), 2, "--contact")
        one_error_line(cli("--as", "desk1", "person", "erase", "--contact", "1", env=NOW), 4, "erase")
    hold = ok("--as", "gm", "hold", "add", "visit:3", "--reason", "incident inquiry", "--json", env=NOW).json()
    with unchanged():
        one_error_line(cli("person", "erase", "--name", CONTACT.upper(), env=NOW), 1, f"legal hold {hold['id']}")
    ok("--as", "gm", "hold", "remove", str(hold["id"]), "--reason", "closed", env=NOW)
    listed = ok("person", "erase", "--name", CONTACT.lower(), "--note", f"{CONTACT} asked by letter",
                env=NOW).stdout
    assert f"contact {made['contact']}" in listed and "guest 3" in listed and "Beta" in listed
    erasure = ok("retention", "list", "--json").json()[-1]
    assert (erasure["kind"], erasure["state"], erasure["subject"]) == ("erasure", "pending", "contact 2; guest 3")
    with unchanged():
        one_error_line(cli("person", "erase", "--guest", "3", env=NOW), 1, f"run {erasure['id']}")
    approve(ok, erasure["id"], "admin", env=NOW)
    assert contact_row(ok, made["contact"])["name"] == CONTACT  # one approval: nothing erased
    # a hold placed between the approvals refuses the second, naming it
    late = ok("--as", "gm", "hold", "add", "client:Beta", "--reason", "new dispute", "--json", env=NOW).json()
    with unchanged():
        one_error_line(cli("--as", "gm", "retention", "approve", str(erasure["id"]), env=NOW), 1,
                       f"legal hold {late['id']}")
    ok("--as", "gm", "hold", "remove", str(late["id"]), "--reason", "withdrawn", env=NOW)
    done = approve(ok, erasure["id"], "gm", env=NOW)
    assert {d["record_class"]: d["count"] for d in done["records"]} == {"erasure:contact": 1, "erasure:guest": 1}
    assert contact_row(ok, made["contact"])["name"] == "(erased)"
    assert done["note"] == "(erased) asked by letter"  # the name was in the request's note too
    assert guests(ok, 3)[0]["name"] == "(erased)" and guests(ok, 1)[0]["name"] == GUEST  # only that person
    assert measures(ok, env=NOW) == before  # the month's and the quarter's measures, whole
    log = str(ok("audit", "--json").json())
    assert CONTACT not in log and PHONE not in log and EMAIL not in log and "1101**********1234" not in log
    assert "person.erase" in log and "retention.approve" in log
    with unchanged():
        one_error_line(cli("person", "erase", "--contact", str(made["contact"]), env=NOW), 1, "erased already")


@pytest.mark.skipif(bool(PG_URL), reason="the bytes of a SQLite file")
def test_the_erased_values_are_gone_from_the_database_file_and_its_log(archived, db_target):
    ok, made = archived
    path = Path(db_target)
    wanted = [GUEST.encode(), PHONE.encode(), CONTACT.encode(), EMAIL.encode(), TITLE.encode()]

    def found() -> list[bytes]:
        data = b"".join(p.read_bytes() for p in (path, Path(f"{db_target}-wal")) if p.exists())
        return [w for w in wanted if w in data]

    assert set(found()) == set(wanted)  # written: in the file or its log
    ok("person", "erase", "--contact", str(made["contact"]), "--guest", "1", env=NOW)
    r = ok("retention", "list", "--json").json()[-1]["id"]
    approve(ok, r, "gm", env=NOW)
    approve(ok, r, "dm", env=NOW)
    assert found() == []
    wal = Path(f"{db_target}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


# -- the destruction record and the alerts --------------------------------------------------------
def test_the_destruction_record_outlives_the_audit_log_it_destroyed(archived):
    ok, _ = archived
    r = run(ok)
    approve(ok, r["id"], "gm")
    approve(ok, r["id"], "dm")
    far = {"RECEPTIONCTL_NOW": "2034-01-01T09:00:00+08:00"}  # the run's own audit events are due now
    second = run(ok, env=far)
    approve(ok, second["id"], "gm", env=far)
    approve(ok, second["id"], "dm", env=far)
    first = ok("retention", "show", str(r["id"]), "--json", env=far).json()
    assert first["state"] == "done" and {d["record_class"] for d in first["records"]} >= {"cases", "audit"}
    assert not [e for e in ok("audit", "--json", env=far).json() if e["entity_id"] == r["id"]
                and e["entity"] == "retention_run"]
    shown = ok("retention", "show", str(r["id"]), env=far).stdout
    assert "Destruction records" in shown and "contact_details:contact" in shown


def test_the_daily_report_tells_what_is_due_and_what_waits_for_approval(archived, db_target):
    from datetime import datetime, timezone

    from receptionctl.domain.records import retention
    from receptionctl.store.db import Database

    ok, _ = archived
    at = datetime(2030, 1, 15, 1, 0, tzinfo=timezone.utc)

    def alerts(moment=at):
        db = Database(db_target)
        try:
            with db.session() as session:
                return [a.text for a in retention.alerts(session, moment) if a.kind == "retention_due"]
        finally:
            db.dispose()

    assert alerts(datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)) == []
    report = ok("report", "daily", "--format", "json", env=LATER).json()
    texts = [a["text"] for a in report["alerts"] if a["kind"] == "retention_due"]
    assert texts == alerts()
    assert len(texts) == 1 and "no retention run pending" in texts[0] and "2 contact details (contacts)" in texts[0]
    r = run(ok)
    assert alerts() == [f"retention run {r['id']} waits for two approvals (created by gm on 2030-01-15)"]
    approve(ok, r["id"], "gm")
    assert "waits for its second approval" in alerts()[0]
    few = len(statements(db_target, lambda s: retention.alerts(s, at)))
    plan_few = len(statements(db_target, retention.plan))
    for n in range(2):  # more records of every kind: no more statements
        ok("--as", "desk1", "checkin", "--walk-in", "--client", "Acme", "--host", "li", "--guest", f"G{n}",
           "--id-number", ID2, env=NOW)
    assert len(statements(db_target, lambda s: retention.alerts(s, at))) == few
    assert len(statements(db_target, retention.plan)) == plan_few


@pytest.mark.skipif(bool(PG_URL), reason="two SQLite files compared")
def test_carrying_out_a_run_takes_a_fixed_number_of_statements(archived, db_target, tmp_path):
    from receptionctl.domain.records import runs

    ok, _ = archived
    small = str(tmp_path / "small.db")
    for suffix in ("", ".key"):
        shutil.copy(db_target + suffix, small + suffix)
    for n in range(2):  # the test's database: more of every kind than the small copy
        ok("--as", "desk1", "checkin", "--walk-in", "--client", "Acme", "--host", "li", "--guest", f"G{n}",
           "--id-number", ID2, env=NOW)
        ok("contact", "add", "Acme", f"C{n}", "--phone", f"1380000000{n}", env=NOW)
    counts = []
    for target in (small, db_target):
        env = {**LATER, "RECEPTIONCTL_DB": target}
        r = run(ok, env=env)
        approve(ok, r["id"], "gm", env=env)
        counts.append(len(statements(target, lambda s, run_id=r["id"]: runs.approve(s, "dm", run_id))))
    assert counts[0] == counts[1]
