"""Issue 26, item 3 (seed 001: a follow-up plan with priorities; the stages first contact, needs,
proposal and negotiation, each with its date and owner): a client's opportunity moves through the
pipeline, the visits' follow-up chain feeds it and ends with it, `followup due` and the daily
report put the work in the order of its priority, `report kpi` counts the stages."""

from __future__ import annotations

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import AFTER, held, tasks_by_key  # noqa: F401  (the fixture)

LATER = {"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"}
CHAIN = ("proposal", "second-meeting", "progress-update")


def pipeline(ok, *args, env=LATER):
    return ok("followup", "pipeline", *args, "--json", env=env).json()


def stage(ok, *args, env=LATER):
    return ok("--as", "li", "followup", "stage", *args, "--json", env=env)


# -- the visits feed it ---------------------------------------------------------------------
def test_a_cooperation_intention_opens_the_clients_opportunity(team, held):  # noqa: F811
    run = team("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--intent", "high",
               env=LATER)
    assert "opportunity 1 of Acme opened at needs (priority high)" in run.stderr
    (o,) = pipeline(team)
    # Acme is a VIP client and said a high intention: high priority; the host follows it up; its next
    # date is the chain's next step (the proposal, 3 days after the visit), which is the work itself
    assert (o["client"], o["stage"], o["priority"], o["owner"], o["visit_id"]) == ("Acme", "needs", "high", "li", held)
    assert o["next_at"] == "2026-12-04T12:00:00+08:00" and o["task_id"] is None and o["closed_at"] is None
    assert [(s["stage"], s["at"], s["visit_id"]) for s in o["stages"]] == [
        ("first-contact", "2026-12-01T10:00:00+08:00", held), ("needs", "2026-12-02T10:00:00+08:00", held)]
    # the visit's follow-up tasks take the opportunity's priority; its preparation does not
    due = team("followup", "due", "--within", "10", "--json", env=LATER).json()
    assert {t["key"]: t["priority"] for t in due}["proposal"] == "high"
    assert all(t["priority"] is None for t in team("task", "list", "--visit", str(held), "--state", "all", "--json",
                                                   env=LATER).json() if t["stage"] != "followup")
    # the outcome intent after it changes nothing: the opportunity is at needs already
    run = team("--as", "li", "outcome", str(held), "intent", env=LATER)
    assert "opportunity" not in run.stderr and len(pipeline(team)[0]["stages"]) == 2


def test_a_low_intention_is_a_first_contact_and_the_outcome_moves_it_on(team, held):  # noqa: F811
    team("client", "edit", "Acme", "--tier", "normal")
    team("--as", "li", "feedback", "add", str(held), "--score", "80", "--channel", "phone", "--intent", "low",
         env=LATER)
    (o,) = pipeline(team)
    assert (o["stage"], o["priority"]) == ("first-contact", "low")
    run = team("--as", "li", "outcome", str(held), "intent", env=LATER)
    assert "opportunity 1 of Acme moves to needs" in run.stderr
    assert [s["stage"] for s in pipeline(team)[0]["stages"]] == ["first-contact", "needs"]
    # no intention: no opportunity
    assert team("--as", "li", "feedback", "add", str(held), "--score", "80", "--channel", "phone", "--intent",
                "none", "--replace", env=LATER).stderr == ""


# -- followup stage ---------------------------------------------------------------------------
def test_followup_stage_moves_it_with_its_next_step_owner_and_priority(team, held, cli):  # noqa: F811
    o = stage(team, "Acme", "--to", "proposal", "--next", "2026-12-03 10:00", "--priority", "medium", "--owner",
              "wang", "--note", "send the draft agreement").json()
    assert (o["stage"], o["priority"], o["owner"], o["note"]) == ("proposal", "medium", "wang", "send the draft agreement")
    assert [(s["stage"], s["owner"]) for s in o["stages"]] == [("first-contact", "wang"), ("proposal", "wang")]
    # its next step is a follow-up task of its owner, of no visit, due at the next date
    task = next(t for t in team("followup", "due", "--owner", "wang", "--within", "3", "--json", env=LATER).json()
                if t["opportunity_id"] == o["id"])
    assert (task["id"], task["key"], task["visit_id"], task["client"], task["owner"]) == (
        o["task_id"], f"opportunity-{o['id']}", None, "Acme", "wang")
    assert task["due_at"] == "2026-12-03T10:00:00+08:00" and task["priority"] == "medium"
    assert task["title"] == "Next step with Acme (proposal): send the draft agreement"
    assert f"opportunity {o['id']}" in team("followup", "due", "--owner", "wang", env=LATER).stdout
    # it closes with `followup stage`, not by hand
    one_error_line(cli("--as", "wang", "task", "done", str(task["id"]), env=LATER), 1, "followup stage")
    # at the same stage: a new next date, the task follows
    o2 = stage(team, "Acme", "--to", "proposal", "--next", "2026-12-04 15:00").json()
    assert o2["task_id"] != o["task_id"] and len(o2["stages"]) == 2 and o2["note"] == "send the draft agreement"
    moved = stage(team, "Acme", "--to", "negotiation", "--next", "+7d").json()
    assert moved["stage"] == "negotiation" and moved["note"] is None and len(moved["stages"]) == 3
    done = [t for t in team("task", "list", "--state", "done", "--json", env=LATER).json() if t["opportunity_id"]]
    assert [t["id"] for t in done] == [o["task_id"], o2["task_id"]]
    back = stage(team, "Acme", "--to", "proposal", "--next", "+2d")
    assert "goes back from negotiation to proposal" in back.stderr
    shown = team("followup", "show", "acme", "--json", env=LATER).json()
    assert shown["id"] == o["id"] and [s["stage"] for s in shown["stages"]][-1] == "proposal"
    text = team("followup", "show", "acme", env=LATER).stdout
    assert "Opportunity 1" in text and "negotiation" in text


def test_won_ends_the_opportunity_and_the_chain_and_closes_what_is_done(team, held, cli):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "95", "--channel", "phone", "--intent", "high",
         env=LATER)
    team("--as", "li", "evaluate", str(held), "--strengths", "a", "--weaknesses", "b", "--improvements", "c",
         env=LATER)
    for t in team("task", "list", "--visit", str(held), "--json", env=LATER).json():
        if t["key"] not in CHAIN:
            team("--as", "li", "task", "done", str(t["id"]), env=LATER)
    assert team("visit", "show", str(held), "--json", env=LATER).json()["status"] == "completed"
    run = cli("--as", "li", "followup", "stage", "Acme", "--to", "won", "--note", "framework agreement signed",
              "--json", env=LATER)
    assert run.exit_code == 0, run.stderr
    o = run.json()
    assert (o["stage"], o["next_at"], o["closed_at"]) == ("won", None, "2026-12-02T10:00:00+08:00")
    assert "3 open steps of the follow-up chain closed as not needed (visits 1)" in run.stderr
    assert f"visit {held} is closed" in run.stderr
    skipped = tasks_by_key(team, held, env=LATER, state="skipped")
    assert set(CHAIN) <= set(skipped) and all("opportunity is won" in skipped[k][0]["note"] for k in CHAIN)
    assert team("visit", "show", str(held), "--json", env=LATER).json()["status"] == "closed"
    assert pipeline(team) == [] and [x["stage"] for x in pipeline(team, "--all")] == ["won"]
    assert [x["id"] for x in pipeline(team, "--stage", "won")] == [o["id"]]
    # a new intention later opens a new opportunity
    again = stage(team, "Acme", "--to", "needs", "--next", "+7d").json()
    assert again["id"] != o["id"] and [s["stage"] for s in again["stages"]] == ["first-contact", "needs"]


def test_the_outcome_won_ends_the_clients_opportunity_and_its_chain(team, held):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "95", "--channel", "phone", "--intent", "medium",
         env=LATER)
    run = team("--as", "li", "outcome", str(held), "won", env=LATER)
    assert "opportunity 1 of Acme is won" in run.stderr
    assert pipeline(team, "--all")[0]["stage"] == "won"
    open_keys = set(tasks_by_key(team, held, env=LATER))
    assert not open_keys & set(CHAIN)


def test_followup_stage_refusals_change_nothing(team, held, cli, unchanged):  # noqa: F811
    with unchanged():
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "won", env=LATER), 1,
                       "no open opportunity")
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "proposal", env=LATER), 2, "--next")
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "proposal", "--next", "2026-11-20",
                           env=LATER), 2, "in the past")
        one_error_line(cli("--as", "li", "followup", "stage", "Nobody Inc", "--to", "needs", "--next", "+1d",
                           env=LATER), 3, "Nobody Inc")
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "needs", "--next", "+1d", "--owner",
                           "nobody", env=LATER), 3, "nobody")
        one_error_line(cli("--as", "chen", "followup", "stage", "Acme", "--to", "needs", "--next", "+1d",
                           env=LATER), 4, "chen")
        assert cli("--as", "li", "followup", "stage", "Acme", "--to", "signed", "--next", "+1d",
                   env=LATER).exit_code == 2
    stage(team, "Acme", "--to", "needs", "--next", "+1d")
    with unchanged():
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "won", "--next", "+1d", env=LATER), 2,
                       "--next")
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "needs", env=LATER), 1,
                       "already")
        one_error_line(cli("--as", "li", "followup", "stage", "Acme", "--to", "proposal", env=LATER), 2,
                       "--next")
        task = pipeline(team)[0]["task_id"]
        one_error_line(cli("--as", "li", "task", "done", str(task), env=LATER), 1, "followup stage")
        one_error_line(cli("--as", "li", "task", "reassign", str(task), "--to", "wang", env=LATER), 1,
                       "followup stage")
        one_error_line(cli("followup", "show", "Beta", env=LATER), 3, "Beta")


# -- the order of the work --------------------------------------------------------------------
def test_followup_due_and_the_daily_report_put_high_priority_first(team, held):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--intent", "high",
         env=AFTER)  # Acme: high
    team("client", "add", "Beta", "--tier", "normal")
    # Beta's next step is due before Acme's callback, but its priority is low
    stage(team, "Beta", "--to", "needs", "--next", "2026-12-01 14:00", "--owner", "li", env=AFTER)
    # a medium complaint: its steps are medium
    team("--as", "li", "case", "add", "--kind", "complaint", "--source", "phone", "--client", "Acme", "--severity",
         "medium", "--category", "service", "--text", "The brochure was in English only", env=AFTER)
    due = team("followup", "due", "--within", "30", "--json", env=AFTER).json()
    ranks = [t["priority"] for t in due]
    assert ranks == sorted(ranks, key=lambda p: {"high": 0, None: 1, "medium": 1, "low": 2}[p])
    assert ranks[0] == "high" and ranks[-1] == "low" and "medium" in ranks
    high = [t for t in due if t["priority"] == "high"]
    assert [t["due_at"] for t in high] == sorted(t["due_at"] for t in high)  # then by due time
    report = team("report", "daily", "--date", "2026-12-01", "--format", "json", env=AFTER).json()
    li = [t for t in report["due_today"] if t["owner"] == "li"]
    assert li and li[0]["priority"] != "low"
    text = team("report", "daily", "--date", "2026-12-04", env=LATER).stdout  # the proposal is due that day
    assert "Send the proposal draft – high priority" in text


# -- the funnel, the alert, the words ----------------------------------------------------------
def test_report_kpi_counts_the_stages(team, held):  # noqa: F811
    team("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--intent", "high",
         env=LATER)
    team("client", "add", "Beta")
    stage(team, "Beta", "--to", "proposal", "--next", "+3d")
    stage(team, "Beta", "--to", "lost")
    out = team("report", "kpi", "--month", "2026-12", "--json", env=LATER).json()
    funnel = {f["stage"]: f for f in out["funnel"]}
    assert list(funnel) == ["first-contact", "needs", "proposal", "negotiation", "won", "lost"]
    assert (funnel["first-contact"]["reached"], funnel["needs"]["reached"], funnel["proposal"]["reached"],
            funnel["lost"]["reached"]) == (2, 1, 1, 1)
    assert (funnel["needs"]["open"], funnel["first-contact"]["open"], funnel["lost"]["open"]) == (1, 0, None)
    assert funnel["needs"]["reached_previous"] == 0
    # November, before: nothing reached, nothing open at its end
    november = {f["stage"]: f for f in team("report", "kpi", "--month", "2026-11", "--json",
                                            env=LATER).json()["funnel"]}
    assert november["needs"]["reached"] == 0 and november["needs"]["open"] == 0
    text = team("report", "kpi", "--month", "2026-12", env=LATER).stdout
    assert "Follow-up pipeline" in text and "first contact" in text


def test_an_opportunity_left_at_one_stage_is_an_alert(team):
    stage(team, "Acme", "--to", "needs", "--next", "+40d", env={"RECEPTIONCTL_NOW": "2026-11-01T09:00:00+08:00"})
    alerts = team("report", "daily", "--format", "json", env=LATER).json()["alerts"]
    stalled = [a for a in alerts if a["kind"] == "opportunity_stalled"]
    assert len(stalled) == 1 and "at needs for 31 days" in stalled[0]["text"]
    team("policy", "set", "pipeline_stall_days", "60")
    alerts = team("report", "daily", "--format", "json", env=LATER).json()["alerts"]
    assert not [a for a in alerts if a["kind"] == "opportunity_stalled"]


def test_the_pipeline_in_chinese(team):
    run = team("--lang", "zh-CN", "--as", "li", "followup", "stage", "Acme", "--to", "方案提交", "--next", "明天 10点",
               "--priority", "高", env=LATER)
    assert "方案提交" in run.stdout
    listed = team("--lang", "zh-CN", "followup", "pipeline", env=LATER).stdout
    assert "方案提交" in listed and "高" in listed
    due = team("followup", "due", "--json", env=LATER).json()
    assert due[0]["title_zh"] == "与Acme的下一步跟进（方案提交）"
    assert team("followup", "pipeline", "--json", env=LATER).json()[0]["stage"] == "proposal"  # codes stay


def test_a_version_stored_before_chain_keeps_its_chain():
    from receptionctl.domain.engine.procedure import _spec

    base = {"stage": "followup", "title": "t", "owner": "host", "due": "end+3d", "levels": [1, 2, 3]}
    assert _spec({**base, "key": "proposal"}).chain is True
    assert _spec({**base, "key": "progress-update", "repeat": "7d"}).chain is True
    assert _spec({**base, "key": "archive"}).chain is False
    assert _spec({**base, "key": "archive", "chain": True}).chain is True
