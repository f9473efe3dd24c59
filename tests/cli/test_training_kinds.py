"""Issue 26, item 7: what a training was (--kind), safety training closing the off-site safety
step, and job rotation (seed 003) recorded as training of kind rotation, on the training card."""

from __future__ import annotations

from tests.cli.test_foundation import one_error_line
from tests.cli.test_visits_plans import new_visit


def test_kinds_default_to_the_reception_training_and_rotation_is_on_the_card(team, cli, unchanged):
    plain = team("training", "add", "--topic", "Reception etiquette", "--date", "2026-11-20", "--people", "li,wang",
                 "--json").json()
    assert plain["kind"] == "reception"
    rot = team("training", "add", "--kind", "rotation", "--topic", "Front desk to the hotline", "--date", "2026-11-02",
               "--people", "chen")
    assert "job rotation recorded as training" in rot.stdout
    safe = team("training", "add", "--kind", "安全", "--topic", "Fire safety", "--date", "2026-11-21", "--people",
                "chen", "--json").json()
    assert safe["kind"] == "safety"
    card = team("training", "list", "--person", "chen", "--json").json()
    assert [(c["kind"], c["topic"]) for c in card] == [("rotation", "Front desk to the hotline"),
                                                       ("safety", "Fire safety")]
    text = team("training", "list", "--person", "chen").stdout
    assert "rotation" in text.splitlines()[1] and "Kind" in text.splitlines()[0]
    assert "轮岗" in team("--lang", "zh-CN", "training", "list", "--person", "chen").stdout
    assert [c["topic"] for c in team("training", "list", "--kind", "rotation", "--json").json()] == \
        ["Front desk to the hotline"]
    assert "kind" in team("training", "show", str(plain["id"])).stdout
    with unchanged():
        one_error_line(cli("training", "add", "--kind", "dance", "--topic", "x", "--date", "2026-11-20", "--people",
                           "li"), 2, "'dance'")
        one_error_line(cli("training", "add", "--kind", "rotation", "--topic", "x", "--date", "2026-11-20",
                           "--people", "li", "--visit", "1"), 2, "job rotation")


def test_a_safety_training_closes_the_off_site_safety_step_first(team):
    away = new_visit(team, "--offsite", "fair", "--host", "li")["id"]
    home = new_visit(team, "--host", "li")["id"]
    done = team("training", "add", "--kind", "safety", "--topic", "Expo floor safety", "--date", "today",
                "--people", "li,wang", "--visit", str(away), "--json").json()
    tasks = {t["key"]: t for t in team("task", "list", "--visit", str(away), "--state", "all", "--json").json()}
    assert tasks["safety-training"]["state"] == "done" and tasks["train-staff"]["state"] == "open"
    assert done["task_id"] == tasks["safety-training"]["id"]
    # again for the same visit: the safety step is done, so its training step is next
    team("training", "add", "--kind", "safety", "--topic", "Expo floor safety, part 2", "--date", "today",
         "--people", "li", "--visit", str(away))
    assert {t["key"]: t["state"] for t in team("task", "list", "--visit", str(away), "--state", "all",
                                               "--json").json()}["train-staff"] == "done"
    # on site there is no off-site safety step: the training step closes
    team("training", "add", "--kind", "safety", "--topic", "Fire drill briefing", "--date", "today", "--people", "li",
         "--visit", str(home))
    assert {t["key"]: t["state"] for t in team("task", "list", "--visit", str(home), "--state", "all",
                                               "--json").json()}["train-staff"] == "done"
