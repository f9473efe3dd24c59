"""Issue 5: reception day and after: check-in, incidents, feedback and the follow-up chain."""

from __future__ import annotations

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import approved, new_visit
from tests.conftest import snapshot, template, with_team

DAY = {"RECEPTIONCTL_NOW": "2026-12-01T10:05:00+08:00"}  # during the visit (10:00-12:00)
AFTER = {"RECEPTIONCTL_NOW": "2026-12-01T12:30:00+08:00"}
ID = "110101199003077777"


@template(base=with_team)
def visit_held(ok):
    vid = approved(ok)
    ok("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", "--title", "GM", env=DAY)
    ok("--as", "li", "visit", "complete", str(vid), env=AFTER)
    return vid


@pytest.fixture
def held(from_template):
    """An approved visit that took place (guest checked in, then completed), on the team."""
    return from_template(visit_held)


def tasks_by_key(ok, vid, env=None, state="open"):
    out = {}
    for t in ok("task", "list", "--visit", str(vid), "--state", state, "--json", env=env).json():
        out.setdefault(t["key"], []).append(t)
    return out


# -- reception day ------------------------------------------------------------------------
def test_checkin_puts_the_visit_in_progress_and_lists_guests(team):
    vid = approved(team)
    run = team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", "--title", "GM", "--id-number", ID,
               "--json", env=DAY)
    assert run.json()["id_number"] == "1101**********7777"
    team("--as", "li", "checkin", str(vid), "--guest", "Ma Jun", env=DAY)
    shown = team("visit", "show", str(vid), "--json", env=DAY).json()
    assert shown["status"] == "in_progress"
    assert [g["name"] for g in shown["guests"]] == ["Liu Yang", "Ma Jun"]
    team("--as", "li", "checkout", str(vid), "--guest", "liu yang", env=DAY)
    shown = team("visit", "show", str(vid), "--json", env=DAY).json()
    assert shown["guests"][0]["checked_out_at"] == "2026-12-01T10:05:00+08:00"


def test_checkin_refusals(team, cli, unchanged):
    draft = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "checkin", str(draft), "--guest", "X", env=DAY), 1, "planning")
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    with unchanged():
        one_error_line(cli("--as", "li", "checkin", str(vid), "--guest", "liu  yang", env=DAY), 1, "already checked in")
        one_error_line(cli("--as", "li", "checkout", str(vid), "--guest", "Nobody", env=DAY), 3, "Nobody")
        one_error_line(cli("--as", "stranger", "checkin", str(vid), "--guest", "Y", env=DAY), 4, "stranger")


def test_identity_numbers_never_in_clear_without_reveal(team, cli, db_target):
    vid = approved(team)
    team("contact", "add", "Acme", "Zhang San", "--id-number", "310101198001011234")
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", "--id-number", ID, env=DAY)
    outputs = []
    for args in (["visit", "show", str(vid)], ["visit", "show", str(vid), "--json"], ["client", "show", "Acme"],
                 ["client", "show", "Acme", "--json"], ["audit"], ["audit", "--json"], ["plan", "show", str(vid)],
                 ["plan", "show", str(vid), "--json"], ["checklist", str(vid), "--json"], ["visit", "list", "--json"],
                 ["task", "list", "--json"], ["note", "list", "--json"], ["incident", "list", "--json"]):
        run = team(*args, env=DAY)
        outputs.append(run.stdout + run.stderr)
    everything = "\n".join(outputs) + repr(snapshot(db_target))
    assert ID not in everything and "310101198001011234" not in everything
    revealed = team("visit", "show", str(vid), "--reveal", "--json", env=DAY).json()
    assert revealed["guests"][0]["id_number"] == ID
    assert team("audit", "--json").json()[-1]["action"] == "guest.reveal"
    one_error_line(cli("--as", "li", "visit", "show", str(vid), "--reveal", env=DAY), 4, "li")


def test_incidents_escalate_and_itinerary_asks_for_a_plan_update(team, cli, unchanged):
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    low = team("--as", "li", "incident", "add", str(vid), "--kind", "itinerary", "--severity", "low",
               "--text", "Lunch moved to 13:00", env=DAY)
    assert "update the plan" in low.stderr
    high = team("--as", "li", "incident", "add", str(vid), "--kind", "equipment", "--severity", "high",
                "--text", "Projector failed", "--json", env=DAY).json()
    open_tasks = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--json", env=DAY).json()}
    task = open_tasks[f"onsite-incident-{high['id']}"]
    assert task["id"] == high["task_id"]
    # seed 002: IT (the visit's tech role, else logistics) on site within 5 minutes, not the coordinator
    assert task["owner_role"] == "tech" and task["due_at"] == "2026-12-01T10:10:00+08:00"
    # anything serious is also reported to the superior (seed 001), within incident_response_minutes
    escalation = open_tasks[f"escalate-incident-{high['id']}"]
    assert escalation["owner_role"] == "coordinator" and escalation["due_at"] == "2026-12-01T10:35:00+08:00"
    crit = team("--as", "li", "incident", "add", str(vid), "--kind", "health", "--severity", "critical",
                "--text", "A guest fainted", "--json", env=DAY).json()
    task2 = next(t for t in team("task", "list", "--visit", str(vid), "--json", env=DAY).json()
                 if t["id"] == crit["task_id"])
    assert task2["due_at"] == "2026-12-01T10:35:00+08:00"  # incident_response_minutes 30
    assert [i["kind"] for i in team("incident", "list", "--open", "--json", env=DAY).json()] == [
        "itinerary", "equipment", "health"]
    team("--as", "li", "incident", "resolve", str(high["id"]), "--text", "Spare projector", env=DAY)
    still_open = [t["id"] for t in team("task", "list", "--json", env=DAY).json()]
    assert high["task_id"] not in still_open and escalation["id"] not in still_open
    with unchanged():
        one_error_line(cli("--as", "li", "incident", "resolve", str(high["id"]), "--text", "x", env=DAY), 1, "already")
        one_error_line(cli("--as", "li", "incident", "add", str(vid), "--kind", "fire", "--severity", "low",
                           "--text", "x", env=DAY), 2, "fire")
        one_error_line(cli("--as", "li", "incident", "resolve", "99", "--text", "x", env=DAY), 3, "99")
    # completing the visit leaves the open escalation alone
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    assert crit["task_id"] in [t["id"] for t in team("task", "list", "--json", env=AFTER).json()]


def test_promises_stay_open_and_show_on_the_client_and_the_next_plan(team, cli):
    first = approved(team)
    team("--as", "li", "note", "add", str(first), "--kind", "question", "--text", "Lead time for 500 units?", env=DAY)
    p = team("--as", "li", "note", "add", str(first), "--kind", "promise", "--text", "Bring the brochure next time",
             "--json", env=DAY).json()
    assert p["open"] is True
    nxt = new_visit(team, at="2026-12-15 10:00")["id"]
    assert "Bring the brochure next time" in team("client", "show", "Acme").stdout
    assert [x["id"] for x in team("client", "show", "Acme", "--json").json()["open_promises"]] == [p["id"]]
    assert "Bring the brochure next time" in team("plan", "show", str(nxt)).stdout
    assert team("plan", "show", str(nxt), "--json").json()["open_promises"][0]["visit_id"] == first
    team("--as", "li", "note", "keep", str(p["id"]), "--text", "handed over")
    assert team("plan", "show", str(nxt), "--json").json()["open_promises"] == []
    one_error_line(cli("--as", "li", "note", "keep", str(p["id"])), 1, "kept already")
    one_error_line(cli("--as", "li", "note", "keep", "1"), 1, "not a promise")
    one_error_line(cli("--as", "li", "note", "add", str(first), "--kind", "rumour", "--text", "x"), 2, "rumour")


# -- after the visit ----------------------------------------------------------------------
def test_complete_creates_the_followup_tasks(team, held):
    tasks = tasks_by_key(team, held, env=AFTER)
    assert tasks["callback"][0]["due_at"] == "2026-12-02T12:00:00+08:00"  # end + 24 h
    assert tasks["proposal"][0]["due_at"] == "2026-12-04T12:00:00+08:00"  # end + 3 days
    assert tasks["second-meeting"][0]["due_at"] == "2026-12-08T12:00:00+08:00"  # end + 7 days
    assert tasks["progress-update"][0]["due_at"] == "2026-12-08T12:00:00+08:00"
    assert "evaluation" in tasks and "archive" in tasks
    assert team("visit", "show", str(held), "--json", env=AFTER).json()["status"] == "completed"


def test_callback_overdue_after_24h_then_gone_after_feedback(team, held):
    late = {"RECEPTIONCTL_NOW": "2026-12-02T13:00:00+08:00"}
    due = team("followup", "due", "--json", env=late).json()
    assert due[0]["key"] == "callback" and due[0]["overdue"] is True
    assert due[0]["due_in_words"] == "1 h overdue" and due[0]["client"] == "Acme" and due[0]["owner"] == "li"
    assert [d["due_at"] for d in due] == sorted(d["due_at"] for d in due)
    team("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--intent", "high",
         env=late)
    assert "callback" not in [d["key"] for d in team("followup", "due", "--json", env=late).json()]
    assert "callback" in [t["key"] for t in team("task", "list", "--state", "done", "--json", env=late).json()]


def test_followup_due_window_and_owner(team, held):
    soon = team("followup", "due", "--within", "1", "--json", env=AFTER).json()
    assert [d["key"] for d in soon] == ["callback"]
    week = team("followup", "due", "--within", "8", "--owner", "li", "--json", env=AFTER).json()
    assert {"callback", "proposal", "second-meeting", "progress-update"} <= {d["key"] for d in week}
    assert team("followup", "due", "--within", "8", "--owner", "gm", "--json", env=AFTER).json() == []
    assert "Call or mail the client back" in team("followup", "due", env=AFTER).stdout


def test_weekly_update_repeats_until_won(team, held):
    update = tasks_by_key(team, held, env=AFTER)["progress-update"][0]
    when = {"RECEPTIONCTL_NOW": "2026-12-08T15:00:00+08:00"}
    run = team("--as", "li", "task", "done", str(update["id"]), "--note", "sent", env=when)
    assert "next: task" in run.stdout
    chain = tasks_by_key(team, held, env=when)["progress-update"]
    assert len(chain) == 1 and chain[0]["due_at"] == "2026-12-15T15:00:00+08:00"  # 7 days after it was done
    won = team("--as", "li", "outcome", str(held), "won", "--note", "contract signed", "--json", env=when).json()
    assert won["outcome"] == "won" and won["converted"] is True
    assert "progress-update" not in tasks_by_key(team, held, env=when)
    skipped = tasks_by_key(team, held, env=when, state="skipped")["progress-update"]
    assert "not needed" in skipped[0]["note"]


def test_conversion_window(team, held):
    late = {"RECEPTIONCTL_NOW": "2027-01-15T10:00:00+08:00"}  # more than 30 days after the visit
    # an intention within the window counts, even if the deal is only won later
    assert team("--as", "li", "outcome", str(held), "intent", "--json", env=AFTER).json()["converted"] is True
    assert team("--as", "li", "outcome", str(held), "won", "--json", env=late).json()["converted"] is True


def test_conversion_too_late_and_lost(team, held):
    late = {"RECEPTIONCTL_NOW": "2027-01-15T10:00:00+08:00"}
    assert team("--as", "li", "outcome", str(held), "lost", "--json", env=AFTER).json()["converted"] is False
    assert team("--as", "li", "outcome", str(held), "intent", "--json", env=late).json()["converted"] is False


def test_back_to_intent_restarts_the_weekly_chain(team, held):
    when = {"RECEPTIONCTL_NOW": "2026-12-03T09:00:00+08:00"}
    team("--as", "li", "outcome", str(held), "won", env=when)
    assert "progress-update" not in tasks_by_key(team, held, env=when)
    run = team("--as", "li", "outcome", str(held), "intent", env=when)
    assert "starts again" in run.stderr
    chain = tasks_by_key(team, held, env=when)["progress-update"]
    assert len(chain) == 1 and chain[0]["due_at"] == "2026-12-10T09:00:00+08:00" and chain[0]["seq"] == 2


def finish_followups(ok, vid, env):
    """Mark every open task done (follow-up, and the video archived after the visit) but the
    weekly update (the outcome ends that)."""
    for t in ok("task", "list", "--visit", str(vid), "--json", env=env).json():
        if t["key"] != "progress-update":
            ok("--as", "li", "task", "done", str(t["id"]), env=env)


def test_a_visit_does_not_close_with_an_open_incident(team):
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    inc = team("--as", "li", "incident", "add", str(vid), "--kind", "equipment", "--severity", "high",
               "--text", "Projector failed", "--json", env=DAY).json()
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    env = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}
    team("--as", "li", "feedback", "add", str(vid), "--score", "95", "--channel", "phone", env=env)
    team("--as", "li", "evaluate", str(vid), "--strengths", "a", "--weaknesses", "b", "--improvements", "c", env=env)
    finish_followups(team, vid, env)
    team("--as", "li", "outcome", str(vid), "won", env=env)
    shown = team("visit", "show", str(vid), "--json", env=env).json()
    assert shown["status"] == "completed" and any("incident" in k for k in shown["keeps_open"])
    resolved = team("--as", "li", "incident", "resolve", str(inc["id"]), "--text", "fixed", env=env)
    assert "Call the client back" in resolved.stderr
    # resolving closes the on-site and escalation tasks; the client affected is called back (seed 001)
    callback = tasks_by_key(team, vid, env=env)[f"incident-callback-{inc['id']}"][0]
    assert callback["owner_role"] == "host" and callback["due_at"] == "2026-12-03T10:00:00+08:00"
    assert team("visit", "show", str(vid), "--json", env=env).json()["status"] == "completed"
    team("--as", "li", "task", "done", str(callback["id"]), env=env)  # the last open task: the visit closes
    assert team("visit", "show", str(vid), "--json", env=env).json()["status"] == "closed"


def test_replacing_feedback_under_the_red_line_reopens_a_closed_visit_once(team, held):
    env = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}
    team("--as", "li", "feedback", "add", str(held), "--score", "95", "--channel", "phone", env=env)
    team("--as", "li", "evaluate", str(held), "--strengths", "a", "--weaknesses", "b", "--improvements", "c", env=env)
    finish_followups(team, held, env)
    team("--as", "li", "outcome", str(held), "lost", env=env)
    assert team("visit", "show", str(held), "--json", env=env).json()["status"] == "closed"
    run = team("--as", "li", "feedback", "add", str(held), "--score", "30", "--channel", "phone", "--replace", env=env)
    assert "open again" in run.stderr
    assert team("visit", "show", str(held), "--json", env=env).json()["status"] == "completed"
    team("--as", "li", "feedback", "add", str(held), "--score", "20", "--channel", "phone", "--replace", env=env)
    assert len(tasks_by_key(team, held, env=env)["investigate-feedback"]) == 1


def test_checkin_far_from_the_visit_needs_force(team, cli, unchanged):
    vid = approved(team)
    with unchanged():
        one_error_line(cli("--as", "li", "checkin", str(vid), "--guest", "Liu"), 1, "not now")
    team("--as", "li", "checkin", str(vid), "--guest", "Liu", "--force")


def test_preparation_left_open_is_missed_at_completion_and_later_work_stays_open(team, held):
    still_open = [t for t in team("task", "list", "--visit", str(held), "--json", env=AFTER).json()
                  if t["stage"] != "followup"]
    assert [t["key"] for t in still_open] == ["route-video"]  # due after the visit ends: not thrown away
    missed = team("task", "list", "--visit", str(held), "--state", "missed", "--json", env=AFTER).json()
    assert missed and {t["stage"] for t in missed} <= {"prepare", "receive"}
    assert all(t["state"] == "missed" and t["overdue"] is False for t in missed)


def test_approving_and_submitting_close_their_procedure_steps(team):
    vid = approved(team)
    done = {t["key"]: t for t in team("task", "list", "--visit", str(vid), "--state", "done", "--json").json()}
    assert done["draft-plan"]["done_by"] == "li" and done["approve-plan"]["done_by"] == "gm"


def test_unknown_visit_in_lists(team, cli):
    one_error_line(cli("incident", "list", "--visit", "99"), 3, "99")
    one_error_line(cli("note", "list", "--visit", "99"), 3, "99")


@pytest.mark.parametrize("score", ["101", "-1", "ninety", "50.5"])
def test_bad_scores_exit_2_and_store_nothing(team, held, cli, unchanged, score):
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(held), "--score", score, "--channel", "phone",
                           env=AFTER), 2, score)


def test_red_line_score_raises_an_alert_and_an_escalation(team, held):
    run = team("--as", "li", "feedback", "add", str(held), "--score", "40", "--channel", "form",
               "--comment", "Nobody met us at the gate", "--json", env=AFTER)
    f = run.json()
    assert f["below_red_line"] is True and f["excellent"] is False
    assert "ALERT" in run.stderr and "red line 60" in run.stderr
    inv = tasks_by_key(team, held, env=AFTER)["investigate-feedback"][0]
    assert inv["owner_role"] == "coordinator" and inv["due_at"] == "2026-12-04T12:30:00+08:00"


def test_excellent_score(team, held):
    assert team("--as", "li", "feedback", "add", str(held), "--score", "90", "--channel", "email", "--json",
                env=AFTER).json()["excellent"] is True


def test_one_feedback_form_unless_replace(team, held, cli, unchanged):
    team("--as", "li", "feedback", "add", str(held), "--score", "70", "--channel", "phone", env=AFTER)
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(held), "--score", "80", "--channel", "phone",
                           env=AFTER), 1, "already")
    team("--as", "li", "feedback", "add", str(held), "--score", "85", "--channel", "visit", "--replace", env=AFTER)
    assert team("visit", "show", str(held), "--json", env=AFTER).json()["feedback"]["score"] == 85
    replaced = [e for e in team("audit", "--json").json() if e["action"] == "feedback.replace"]
    assert replaced[0]["before"]["score"] == 70 and replaced[0]["after"]["score"] == 85


def test_feedback_before_the_visit_is_refused(team, cli, unchanged):
    vid = approved(team)
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(vid), "--score", "80", "--channel", "phone"),
                       1, "approved")


def test_the_visit_closes_when_everything_is_done(team, held):
    env = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}
    team("--as", "li", "feedback", "add", str(held), "--score", "95", "--channel", "phone", env=env)
    run = team("--as", "li", "evaluate", str(held), "--strengths", "Well prepared", "--weaknesses", "Late lunch",
               "--improvements", "Book the canteen earlier", "--cost", "3200", env=env)
    assert "stays open until" in run.stderr
    shown = team("visit", "show", str(held), "--json", env=env).json()
    assert shown["status"] == "completed" and shown["archive_label"] is None
    finish_followups(team, held, env)
    team("--as", "li", "outcome", str(held), "won", env=env)
    shown = team("visit", "show", str(held), "--json", env=env).json()
    assert shown["status"] == "closed"
    assert shown["archive_label"] == "Acme – 2026-12-01"
    assert "archive label" in team("visit", "show", str(held), env=env).stdout
    assert shown["evaluation"]["cost"] == 3200


def test_evaluate_needs_all_three_texts(team, held, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "li", "evaluate", str(held), "--strengths", "x", "--weaknesses", " ",
                           "--improvements", "y", env=AFTER), 2, "--weaknesses")
        one_error_line(cli("--as", "li", "evaluate", str(held), "--strengths", "x", "--weaknesses", "y",
                           "--improvements", "z", "--cost", "lots", env=AFTER), 2, "lots")


def test_complete_refusals(team, cli, unchanged):
    draft = new_visit(team)["id"]
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "complete", str(draft), env=AFTER), 1, "planning")
    vid = approved(team)
    with unchanged():
        one_error_line(cli("--as", "li", "visit", "complete", str(vid)), 1, "cannot be completed before")


def test_completing_checks_out_guests_still_in(team):
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    run = team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    assert "checked out" in run.stderr
    guest = team("visit", "show", str(vid), "--json", env=AFTER).json()["guests"][0]
    assert guest["checked_out_at"] == "2026-12-01T12:30:00+08:00"


def test_the_investigation_is_in_the_audit_log(team, held):
    team("--as", "li", "feedback", "add", str(held), "--score", "30", "--channel", "phone", env=AFTER)
    event = [e for e in team("audit", "--json").json() if e["action"] == "feedback.add"][0]
    assert isinstance(event["after"]["investigation_task"], int)


def test_the_sheet_reads_each_of_its_lists_only_when_it_has_rows(team, held, db_target):
    """The visit sheet's first statement says which lists have rows: a list without rows costs no
    statement, and one with rows is read and shown (issue 28: at most 8 statements for a visit)."""
    from receptionctl.domain.visits.views import show_visit
    from tests.conftest import statements

    def lists_read(seen):  # after the sheet's own statement, which asks whether each list has rows
        return sorted(t for t in LISTS if any(f"FROM {t} " in " ".join(q.split()) + " " for q in seen[1:]))

    LISTS = ("guest", "incident", "note", "visit_callback", "feedback_request", "attachment", "feedback_answer")
    bare = statements(db_target, lambda s: show_visit(s, held))
    assert len(bare) == 5  # the visit, the policy, its people, its clashes, its guest
    assert lists_read(bare) == ["guest"]
    team("--as", "li", "incident", "add", str(held), "--kind", "safety", "--severity", "low", "--text", "wet floor",
         env=AFTER)
    team("--as", "li", "note", "add", str(held), "--kind", "question", "--text", "Lead time?", env=AFTER)
    team("--as", "li", "note", "add", str(held), "--kind", "promise", "--text", "Send the brochure", env=AFTER)
    team("--as", "wang", "visit", "callback", str(held), "--note", "pleased", env=AFTER)
    full = statements(db_target, lambda s: show_visit(s, held))
    assert lists_read(full) == ["guest", "incident", "note", "visit_callback"]
    shown = team("visit", "show", str(held), "--json", env=AFTER).json()
    assert [g["name"] for g in shown["guests"]] == ["Liu Yang"]
    assert [i["text"] for i in shown["incidents"]] == ["wet floor"]
    assert [n["text"] for n in shown["notes"]] == ["Lead time?", "Send the brochure"]
    assert [n["text"] for n in shown["open_promises"]] == ["Send the brochure"]
    assert "pleased" in team("visit", "show", str(held), env=AFTER).stdout
