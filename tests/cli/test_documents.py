"""Documents and the lending register (issue 16, part 2; seeds 001 and 003): numbered copies
held by the keeper, lent and returned in the register, outdated versions recalled and their
copies destroyed before a witness; overdue loans and unfinished recalls in the daily report."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import statements, template, with_team

NOW = {"RECEPTIONCTL_NOW": "2026-12-01T10:00:00+08:00"}  # a Tuesday
NEXT_DAY = {"RECEPTIONCTL_NOW": "2026-12-02T16:00:00+08:00"}  # the default due day (doc_loan_days 1)
LATER = {"RECEPTIONCTL_NOW": "2026-12-03T09:00:00+08:00"}  # past it
MANUAL = "Operations manual"


@template(base=with_team)
def keepers(ok):
    ok("staff", "add", "duty", "--name", "Sun Li", "--dept", "Office", "--role", "duty_manager")
    ok("staff", "add", "sup", "--name", "Zhou Lan", "--dept", "Front desk", "--role", "desk_supervisor")
    ok("staff", "add", "desk1", "--name", "Zhao Qing", "--dept", "Front desk", "--role", "desk")
    ok("--as", "duty", "doc", "add", MANUAL, "--version", "2026.1", "--copies", "2", "--place", "cabinet A",
       env=NOW)


@pytest.fixture
def office(from_template, ok):
    """The team, a duty manager (duty), a desk supervisor (sup), a desk clerk (desk1), and the
    operations manual 2026.1 (document 1) in two copies in cabinet A."""
    from_template(keepers)
    return ok


def lend(ok, *extra, doc=MANUAL, to="wang", who="duty", env=NOW):
    return ok("--as", who, "doc", "lend", doc, "--to", to, *extra, "--json", env=env).json()


def give_back(ok, *extra, doc=MANUAL, who="duty", env=NOW):
    return ok("--as", who, "doc", "return", doc, *extra, "--json", env=env).json()


def show(ok, *extra, doc=MANUAL, env=NOW):
    return ok("doc", "show", doc, *extra, "--json", env=env).json()


def actions(ok, entity):
    return [e["action"] for e in ok("audit", "--entity", entity, "--json").json()]


def kinds(ok, env):
    alerts = ok("report", "daily", "--format", "json", env=env).json()["alerts"]
    return [(a["kind"], a["text"]) for a in alerts if a["kind"].startswith("doc_")]


# -- registering -----------------------------------------------------------------------------
def test_a_version_is_registered_with_numbered_copies_and_title_and_version_are_unique(office, cli, unchanged):
    d = show(office)
    assert (d["id"], d["title"], d["version"], d["place"], d["added_by"]) == (1, MANUAL, "2026.1", "cabinet A", "duty")
    assert (d["copies"], d["held"], d["out"], d["destroyed"], d["newest"], d["recalled"]) == (2, 2, 0, 0, True, False)
    assert [(c["number"], c["state"]) for c in d["copy_list"]] == [(1, "held"), (2, "held")]
    assert d["register"] == []
    with unchanged():  # the same title in another case and the same version
        one_error_line(cli("--as", "duty", "doc", "add", "operations  MANUAL", "--version", "2026.1", env=NOW), 1,
                       "registered already")
    newer = cli("--as", "duty", "doc", "add", MANUAL, "--version", "2026.2", "--json", env=NOW)
    assert newer.exit_code == 0 and "2026.1" in newer.stderr and "not recalled" in newer.stderr
    listed = office("doc", "list", "--json", env=NOW).json()
    assert [(x["version"], x["newest"], x["recalled"]) for x in listed] == [("2026.1", False, False),
                                                                           ("2026.2", True, False)]
    # without --version: 1 for a new title, then counted on; a title whose newest is not a number needs one
    assert office("doc", "add", "Visitor rules", "--json", env=NOW).json()["version"] == "1"
    assert office("doc", "add", "visitor rules", "--json", env=NOW).json()["version"] == "2"
    with unchanged():
        one_error_line(cli("doc", "add", MANUAL, env=NOW), 2, "--version", "2026.2")
    assert actions(office, "document") == ["doc.add"] * 4


# -- lending and returning -----------------------------------------------------------------------
def test_lending_and_returning_write_the_register(office, cli, unchanged):
    first = lend(office, "--note", "for the training", doc="opera")  # a unique part of the title, any case
    assert (first["copy"], first["number"], first["borrower"], first["borrower_name"]) == (1, 1, "wang", "Wang Lei")
    assert first["due"] == "2026-12-02" and first["lent_by"] == "duty"  # the policy's doc_loan_days (1)
    assert first["lent_at"] == "2026-12-01T10:00:00+08:00" and first["note"] == "for the training"
    second = lend(office, "--due", "2026-12-04", to="Chen Jie")  # any active member of staff may borrow
    assert (second["copy"], second["number"], second["borrower"], second["due"]) == (2, 2, "chen", "2026-12-04")
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "li", env=NOW), 1, "no copy", "in hand")
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "li", "--copy", "1", env=NOW), 1,
                       "copy 1", "is out", "wang")
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, env=NOW), 2, "--copy", "wang", "chen")
    # returned by someone other than the borrower, received by another keeper
    back = give_back(office, "--copy", "1", "--by", "li", "--note", "clean", who="sup", env=NEXT_DAY)
    assert (back["returned_by"], back["returned_by_name"], back["received_by"]) == ("li", "Li Na", "sup")
    assert back["returned_at"] == "2026-12-02T16:00:00+08:00" and not back["late"] and not back["overdue"]
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, "--copy", "1", env=NEXT_DAY), 1,
                       "copy 1", "not out")
    # the one copy out; the acting user returns it by default; after its due day it is late
    late = give_back(office, env={"RECEPTIONCTL_NOW": "2026-12-05T09:00:00+08:00"})
    assert (late["copy"], late["returned_by"], late["late"]) == (2, "duty", True)
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, env=NOW), 1, "no copy", "is out")
    again = lend(office, to="wang")  # copy 1 is in hand again: the register goes on
    assert (again["copy"], again["number"]) == (1, 3)
    register = show(office)["register"]
    assert [(r["number"], r["copy"], r["borrower"], r["returned_by"], r["note"], r["return_note"]) for r in register] \
        == [(1, 1, "wang", "li", "for the training", "clean"), (2, 2, "chen", "duty", None, None),
            (3, 1, "wang", None, None, None)]
    text = office("doc", "show", "1", env=NOW).stdout
    assert "Lending register" in text and "Wang Lei (wang)" in text and "Li Na (li)" in text and "for the training" in text
    assert actions(office, "document_loan") == ["doc.lend", "doc.lend", "doc.return", "doc.return", "doc.lend"]


def test_the_return_by_the_borrower_picks_their_copy(office):
    lend(office, to="wang")
    lend(office, to="chen")
    back = give_back(office, "--by", "chen")
    assert (back["copy"], back["borrower"], back["returned_by"]) == (2, "chen", "chen")


def test_versions_are_picked_by_id_or_by_version(office, cli, unchanged):
    office("--as", "duty", "doc", "add", MANUAL, "--version", "2026.2", "--copies", "2", env=NOW)
    assert lend(office)["version"] == "2026.2"  # a title means its newest version
    old = lend(office, "--version", "2026.1", "--copy", "2", to="chen")
    assert (old["version"], old["copy"], old["document_id"]) == ("2026.1", 2, 1)
    assert lend(office, doc="1", to="li")["version"] == "2026.1"  # an id is that document
    assert lend(office, "--version", "2026.2", doc="1", to="gm")["document_id"] == 2  # with --version: of its title
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "lend", "2", "--to", "gm2", env=NOW), 1, "version 2026.2",
                       "in hand")  # both its copies are out
        one_error_line(cli("doc", "show", MANUAL, "--version", "2027", env=NOW), 3, "'2027'", "2026.1, 2026.2")


def test_the_default_loan_days_come_from_the_policy(office):
    office("policy", "set", "doc_loan_days", "0")
    assert lend(office)["due"] == "2026-12-01"  # returned the same day


# -- refusals and bad input --------------------------------------------------------------------
BAD = [
    (["doc", "lend", MANUAL, "--to", "wang", "--due", "2026-11-30"], "2026-11-30"),
    (["doc", "lend", MANUAL, "--to", "wang", "--due", "someday"], "someday"),
    (["doc", "lend", MANUAL, "--to", "wang", "--copy", "0"], "'0'"),
    (["doc", "lend", " ", "--to", "wang"], "document ''"),
    (["doc", "add", " "], "title"),
    (["doc", "add", "Fire drill", "--copies", "1001"], "'1001'"),
    (["doc", "add", "Fire drill", "--version", "x" * 65], "--version"),
    (["doc", "recall", MANUAL], "--version"),
    (["doc", "destroy", MANUAL, "--version", "2026.1", "--witness", "li"], "--copy N or --all-held"),
    (["doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "1", "--all-held", "--witness", "li"], "both"),
]


@pytest.mark.parametrize("args, named", BAD, ids=[f"{a[1]}-{n[:14]}" for a, n in BAD])
def test_bad_input_exits_2_naming_the_value_and_changes_nothing(office, cli, unchanged, args, named):
    with unchanged():
        one_error_line(cli("--as", "duty", *args, env=NOW), 2, named)


def test_unknown_documents_people_and_copies_exit_3_and_ambiguous_titles_2(office, cli, unchanged):
    office("--as", "duty", "doc", "add", "Operations checklist", env=NOW)
    with unchanged():
        one_error_line(cli("doc", "show", "Operatoins manual", env=NOW), 3, "did you mean", MANUAL)
        one_error_line(cli("doc", "show", "fire", env=NOW), 3, "no document 'fire'")
        one_error_line(cli("doc", "show", "operations", env=NOW), 2, "ambiguous", MANUAL, "Operations checklist")
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "nobody", env=NOW), 3, "nobody")
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "wang", "--copy", "9", env=NOW), 3,
                       "no copy 9")
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, "--copy", "9", env=NOW), 3, "no copy 9")
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, "--by", "nobody", env=NOW), 3, "nobody")


def test_an_inactive_person_cannot_borrow(office, cli, unchanged):
    office("staff", "deactivate", "wang")
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "wang", env=NOW), 1, "inactive")


# -- recall and destruction ---------------------------------------------------------------------
def test_a_recalled_version_is_not_lent_and_its_copies_come_back_and_are_destroyed(office, cli, unchanged):
    lend(office, to="wang")
    run = cli("--as", "duty", "doc", "recall", MANUAL, "--version", "2026.1", "--reason", "replaced by 2026.2",
              "--json", env=NOW)
    assert run.exit_code == 0 and "copy 1 with wang" in run.stderr and "doc destroy" in run.stderr
    d = run.json()
    assert (d["recalled"], d["recalled_by"], d["recall_reason"], d["out"], d["held"]) == \
        (True, "duty", "replaced by 2026.2", 1, 1)
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "recall", MANUAL, "--version", "2026.1", env=NOW), 1,
                       "recalled already")
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "chen", env=NOW), 1, "recalled")
        one_error_line(cli("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "1",
                           "--witness", "li", env=NOW), 1, "copy 1", "is out", "until it is returned")
        one_error_line(cli("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "2", env=NOW),
                       1, "witness")  # the policy's doc_destroy_witness
        one_error_line(cli("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "2",
                           "--witness", "duty", env=NOW), 4, "witness")
    gone = office("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--all-held", "--witness", "li",
                  "--note", "shredded", "--json", env=NOW).json()
    assert [(c["number"], c["state"], c["destroyed_by"], c["witness"], c["destroy_note"]) for c in gone] == \
        [(2, "destroyed", "duty", "li", "shredded")]
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "2",
                           "--witness", "li", env=NOW), 1, "destroyed already")
        one_error_line(cli("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--all-held",
                           "--witness", "li", env=NOW), 1, "no copy", "held")
    give_back(office, "--version", "2026.1")  # a recalled version's copy comes back
    office("--as", "duty", "doc", "destroy", "1", "--version", "2026.1", "--copy", "1", "--witness", "li", env=NOW)
    d = show(office)
    assert (d["held"], d["out"], d["destroyed"]) == (0, 0, 2)
    assert [c["state"] for c in d["copy_list"]] == ["destroyed", "destroyed"]
    assert actions(office, "document") == ["doc.add", "doc.recall"]
    assert actions(office, "document_copy") == ["doc.destroy", "doc.destroy"]


def test_a_destroyed_copy_is_not_lent_and_the_witness_can_be_waived_by_the_policy(office, cli, unchanged):
    office("policy", "set", "doc_destroy_witness", "off")
    office("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "1", env=NOW)  # worn out
    with unchanged():
        one_error_line(cli("--as", "duty", "doc", "lend", MANUAL, "--to", "wang", "--copy", "1", env=NOW), 1,
                       "destroyed")
        one_error_line(cli("--as", "duty", "doc", "return", MANUAL, "--copy", "1", env=NOW), 1, "not out",
                       "destroyed")
    assert lend(office)["copy"] == 2


# -- who may --------------------------------------------------------------------------------------
def test_who_may_do_what(office, cli, unchanged):
    loan = lend(office, to="chen")
    with unchanged():
        for who in ("desk1", "wang", "chen", "gm", "nobody"):  # borrowers, not keepers
            one_error_line(cli("--as", who, "doc", "add", "Fire drill", env=NOW), 4)
            one_error_line(cli("--as", who, "doc", "lend", MANUAL, "--to", "wang", env=NOW), 4)
            one_error_line(cli("--as", who, "doc", "return", MANUAL, env=NOW), 4)
            one_error_line(cli("--as", who, "doc", "recall", MANUAL, "--version", "2026.1", env=NOW), 4)
            one_error_line(cli("--as", who, "doc", "destroy", MANUAL, "--version", "2026.1", "--copy", "2",
                               "--witness", "li", env=NOW), 4)
    assert cli("--as", "chen", "doc", "show", MANUAL, env=NOW).exit_code == 0  # anyone reads the register
    assert cli("--as", "nobody", "doc", "list", "--out", env=NOW).exit_code == 0
    give_back(office, who="sup")  # a desk supervisor, a coordinator, an admin keep it too
    assert lend(office, to="wang", who="li")["number"] == loan["number"] + 1
    office("doc", "recall", MANUAL, "--version", "2026.1", env=NOW)


# -- lists ----------------------------------------------------------------------------------------
def test_the_list_of_copies_out_marks_the_overdue(office):
    office("--as", "duty", "doc", "add", "Visitor rules", env=NOW)
    lend(office, to="wang")
    lend(office, "--due", "2026-12-10", doc="visitor", to="chen")
    out = office("doc", "list", "--out", "--json", env=LATER).json()
    assert [(x["title"], x["copy"], x["borrower"], x["due"], x["overdue"]) for x in out] == \
        [(MANUAL, 1, "wang", "2026-12-02", True), ("Visitor rules", 1, "chen", "2026-12-10", False)]
    text = office("doc", "list", "--out", env=LATER).stdout
    assert "OVERDUE" in text and "wang" in text
    listed = {x["title"]: x for x in office("doc", "list", "--json", env=LATER).json()}
    assert (listed[MANUAL]["held"], listed[MANUAL]["out"], listed[MANUAL]["overdue"]) == (1, 1, 1)
    office("--as", "duty", "doc", "recall", MANUAL, "--version", "2026.1", env=LATER)
    assert [x["title"] for x in office("doc", "list", "--recalled", "--json", env=LATER).json()] == [MANUAL]
    assert [x["borrower"] for x in office("doc", "list", "--out", "--recalled", "--json", env=LATER).json()] == ["wang"]
    assert "RECALLED" in office("doc", "list", env=LATER).stdout


def test_the_lists_and_alerts_take_the_same_statements_however_many_documents(office, db_target):
    from datetime import datetime, timezone

    from receptionctl.domain.records import documents

    at = datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc)
    runs = {
        "list": lambda s: documents.list_documents(s),
        "out": lambda s: documents.list_out(s),
        "alerts": lambda s: documents.alerts(s, at),
    }

    def counts():
        return {k: len(statements(db_target, fn)) for k, fn in runs.items()}

    lend(office, to="wang")
    office("--as", "duty", "doc", "recall", MANUAL, "--version", "2026.1", env=NOW)
    first = counts()
    for n in range(3):
        office("--as", "duty", "doc", "add", f"Guide {n}", "--copies", "3", env=NOW)
        lend(office, doc=f"Guide {n}", to="chen")
        lend(office, doc=f"Guide {n}", to="li")
        office("--as", "duty", "doc", "recall", f"Guide {n}", "--version", "1", env=NOW)
    assert counts() == first


# -- the daily report -------------------------------------------------------------------------------
def alerts_at(db_target, moment: str):
    """documents.alerts at `moment`, straight from the domain (the report's own path is tested
    once below: a report takes a while)."""
    from datetime import datetime

    from receptionctl.domain.records import documents
    from receptionctl.store.db import Database

    db = Database(db_target)
    try:
        with db.session() as session:
            return [(a.kind, a.text) for a in documents.alerts(session, datetime.fromisoformat(moment))]
    finally:
        db.dispose()


def test_the_daily_report_sees_loans_overdue_and_recalls_not_finished(office, db_target):
    lend(office, to="wang")
    assert kinds(office, NEXT_DAY) == []  # due today: not overdue yet
    [(kind, text)] = kinds(office, LATER)
    assert kind == "doc_overdue" and "copy 1" in text and "due back 2026-12-02" in text and "Wang Lei (wang)" in text
    office("--as", "duty", "doc", "recall", MANUAL, "--version", "2026.1", env=LATER)
    alerts = dict(kinds(office, LATER))
    assert "copy 1 out with wang" in alerts["doc_recall"] and "copy 2 held, not destroyed" in alerts["doc_recall"]
    assert "doc_overdue" in alerts
    assert "doc_recall" in office("report", "daily", env=LATER).stdout
    at = LATER["RECEPTIONCTL_NOW"]
    assert [k for k, _ in alerts_at(db_target, "2026-12-03T08:00:00+08:00")] == ["doc_overdue"]  # before the recall
    give_back(office, "--version", "2026.1", env=LATER)
    [(kind, text)] = alerts_at(db_target, at)  # back, not destroyed yet
    assert kind == "doc_recall" and "copies 1, 2 held, not destroyed" in text
    office("policy", "set", "doc_recall_destroy", "off")  # back with the keeper is enough
    assert alerts_at(db_target, at) == []
    office("policy", "set", "doc_recall_destroy", "on")
    office("--as", "duty", "doc", "destroy", MANUAL, "--version", "2026.1", "--all-held", "--witness", "li",
           env=LATER)
    assert alerts_at(db_target, at) == []
