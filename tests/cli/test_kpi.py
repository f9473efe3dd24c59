"""Issue 15, part 1: `report kpi`, the measures of the work (docs/SEEDS.md; docs/usage/measures.md "Measuring the work").

One small data set, written straight into the tables so that every state (a task done late,
missed, skipped; a case acknowledged, resolved) is there exactly; each test works its answer
out by counting the rows below, not by calling the code under test.

The period is November 2026 (30 days); the period before it is 2 to 31 October.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_foundation import one_error_line
from tests.conftest import statements

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


# visit: (status, start, end, client, host, purpose, level, converted_at, budget, cost)
VISITS = {
    "v1": ("completed", "2026-11-05 10:00", "2026-11-05 12:00", "Acme", "li", "talk", 2, "2026-11-20 10:00", "1000", "1200.50"),
    "v2": ("completed", "2026-11-10 10:00", "2026-11-10 12:00", "Beta", "wang", "tour", 3, "2026-12-20 10:00", "500", "300"),
    "v3": ("closed", "2026-11-15 10:00", "2026-11-15 12:00", "Acme", "li", "tech", 2, None, "800", None),
    "v4": ("in_progress", "2026-11-24 08:00", "2026-11-24 11:00", "Beta", "wang", "talk", 3, None, None, None),
    "v5": ("cancelled", "2026-11-12 10:00", "2026-11-12 12:00", "Acme", "li", "talk", 3, None, "900", None),
    "v6": ("approved", "2026-11-28 10:00", "2026-11-28 12:00", "Acme", "li", "talk", 3, None, "700", None),
    "v7": ("completed", "2026-10-15 10:00", "2026-10-15 12:00", "Acme", "li", "talk", 2, "2026-10-20 10:00", "100", "50"),
    "v8": ("completed", "2026-10-01 10:00", "2026-10-01 12:00", "Acme", "li", "talk", 2, "2026-10-02 10:00", "100", "900"),
}
# feedback: visit -> (received, score)
FORMS = {"v1": ("2026-11-06 10:00", 95), "v2": ("2026-11-11 10:00", 80), "v3": ("2026-11-16 10:00", 90),
         "v7": ("2026-10-16 10:00", 70), "v8": ("2026-10-01 15:00", 100)}
# cases: (kind, visit, received, acknowledged, resolved)
CASES = [
    ("complaint", "v1", "2026-11-07 10:00", "2026-11-07 10:30", "2026-11-08 10:00"),
    ("complaint", "v2", "2026-11-12 09:00", "2026-11-12 09:10", None),
    ("repair", None, "2026-11-20 08:00", "2026-11-20 09:00", "2026-11-20 12:00"),
    ("complaint", "v7", "2026-10-20 10:00", None, None),
]
# tasks: (visit, due, state, done_at); "case" is a task of the repair case, not of a visit
TASKS = [
    ("v1", "2026-11-05 09:00", "done", "2026-11-05 08:00"),  # on time
    ("v1", "2026-11-05 09:00", "done", "2026-11-05 09:00"),  # on time, to the minute
    ("v2", "2026-11-10 09:00", "done", "2026-11-10 11:00"),  # late
    ("v2", "2026-11-10 09:00", "missed", None),
    ("v3", "2026-11-15 09:00", "skipped", None),
    ("v3", "2026-11-29 09:00", "open", None),  # due later this month
    ("case", "2026-11-20 10:00", "done", "2026-11-20 11:00"),
    ("v7", "2026-10-14 09:00", "done", "2026-10-14 08:00"),
]


def load(target: str, copies: int = 1) -> dict:
    """The data set written `copies` times into the database `target`; visit ids by name."""
    from sqlmodel import select

    from receptionctl.store.db import Database
    from receptionctl.store.models import (
        Assignment,
        Client,
        Evaluation,
        Feedback,
        Plan,
        ServiceCase,
        Staff,
        Task,
        Visit,
    )

    db = Database(target)
    made = at("2026-10-01 08:00")
    try:
        with db.session(write=True) as s:
            staff = {u: i for u, i in s.execute(select(Staff.username, Staff.id))}
            clients = {n: i for n, i in s.execute(select(Client.name, Client.id))}
            if "Beta" not in clients:
                beta = Client(name="Beta", name_key="beta", tier="normal", created_at=made)
                s.add(beta)
                s.flush()
                clients["Beta"] = beta.id
            ids: dict = {}
            for _ in range(copies):
                for name, (status, start, end, client, host, purpose, level, conv, budget, cost) in VISITS.items():
                    v = Visit(client_id=clients[client], purpose=purpose, level=level, status=status,
                              starts_at=at(start), ends_at=at(end), headcount=2, created_at=made, created_by="admin",
                              converted_at=at(conv) if conv else None, outcome="won" if conv else None)
                    s.add(v)
                    s.flush()
                    ids[name] = v.id
                    s.add(Plan(visit_id=v.id, status="approved", budget=budget))
                    s.add(Assignment(visit_id=v.id, role="host", staff_id=staff[host]))
                    if cost is not None:
                        s.add(Evaluation(visit_id=v.id, strengths="s", weaknesses="w", improvements="i", cost=cost,
                                         at=at(end), by="admin"))
                for name, (received, score) in FORMS.items():
                    s.add(Feedback(visit_id=ids[name], score=score, channel="phone", at=at(received), by="admin"))
                for kind, visit, received, acked, resolved in CASES:
                    c = ServiceCase(kind=kind, source="visit" if visit else "desk",
                                    visit_id=ids[visit] if visit else None, category="service", severity="medium",
                                    text="t", state="received", received_at=at(received), received_by="admin",
                                    acknowledged_at=at(acked) if acked else None,
                                    resolved_at=at(resolved) if resolved else None)
                    s.add(c)
                    s.flush()
                    ids.setdefault("cases", []).append(c.id)
                for visit, due, state, done in TASKS:
                    s.add(Task(visit_id=None if visit == "case" else ids[visit],
                               case_id=ids["cases"][2] if visit == "case" else None, key="k", stage="prepare",
                               title="a step", owner="host", due_expr="start-1h", due_at=at(due), state=state,
                               done_at=at(done) if done else None, created_at=made))
    finally:
        db.dispose()
    return ids


@pytest.fixture
def data(team, db_target):
    load(db_target)
    return team


def kpi(ok, *args):
    out = ok("report", "kpi", "--month", "2026-11", *args, "--json").json()
    return out, {m["key"]: m for m in out["measures"]}


def test_the_period_and_the_one_before(data):
    out, _ = kpi(data)
    assert (out["first"], out["last"]) == ("2026-11-01", "2026-11-30")
    assert (out["previous_first"], out["previous_last"]) == ("2026-10-02", "2026-10-31")  # 30 days too
    q = data("report", "kpi", "--quarter", "2026Q4", "--json").json()
    assert (q["first"], q["last"], q["previous_first"], q["previous_last"]) == \
        ("2026-10-01", "2026-12-31", "2026-07-01", "2026-09-30")
    r = data("report", "kpi", "--from", "2026-11-10", "--to", "2026-11-19", "--json").json()
    assert (r["previous_first"], r["previous_last"]) == ("2026-10-31", "2026-11-09")


def test_satisfaction_and_excellent_share(data):
    _, m = kpi(data)
    # November: v1 95, v2 80, v3 90 (90 is excellent); before: v7 70 (v8's form is of 1 October)
    s = m["satisfaction"]
    assert s["value"] == pytest.approx((95 + 80 + 90) / 3, abs=0.01) and s["counts"] == {"forms": 3}
    assert s["previous"] == 70 and s["previous_counts"] == {"forms": 1}
    assert s["change"] == pytest.approx((95 + 80 + 90) / 3 - 70, abs=0.01)
    e = m["excellent_share"]
    assert e["value"] == pytest.approx(2 / 3, abs=1e-4) and e["counts"] == {"excellent": 2, "forms": 3}
    assert e["previous"] == 0 and e["change"] == pytest.approx(2 / 3, abs=1e-4)


def test_conversion_rate(data):
    _, m = kpi(data)
    # received in November: v1..v4 (v5 cancelled, v6 not yet); converted: v1 only (v2's deal
    # came 40 days after the visit); before: v7, converted
    c = m["conversion_rate"]
    assert c["counts"] == {"converted": 1, "visits": 4} and c["value"] == 0.25
    assert c["previous_counts"] == {"converted": 1, "visits": 1} and c["previous"] == 1.0
    assert c["change"] == -0.75


def test_complaint_rate(data):
    _, m = kpi(data)
    # November: two complaints (the repair is not one) for four visits; before: one for one
    c = m["complaint_rate"]
    assert c["counts"] == {"complaints": 2, "visits": 4} and c["value"] == 0.5
    assert c["previous"] == 1.0 and c["change"] == -0.5


def test_process_compliance(data):
    _, m = kpi(data)
    # visits' tasks due in November: two on time, one late, one missed, one skipped (apart)
    p = m["process_compliance"]
    assert p["counts"] == {"on_time": 2, "late": 1, "missed": 1, "skipped": 1}
    assert p["value"] == 0.5 and p["previous"] == 1.0


def test_task_completion(data):
    _, m = kpi(data)
    # due in November and not skipped: 7 tasks less the skipped one = 6 (the case's task
    # included); done: two on time, one late, the case's task = 4
    t = m["task_completion"]
    assert t["counts"] == {"done": 4, "due": 6} and t["value"] == pytest.approx(4 / 6, abs=1e-4)
    assert t["previous_counts"] == {"done": 1, "due": 1}


def test_response_and_resolution_times(data):
    _, m = kpi(data)
    # acknowledged after 30, 10 and 60 minutes; resolved after 24 and 4 hours
    assert m["response_minutes_median"]["value"] == 30
    assert m["response_minutes_average"]["value"] == pytest.approx(100 / 3, abs=0.1)
    assert m["response_minutes_median"]["counts"] == {"acknowledged": 3, "cases": 3}
    assert m["resolution_hours_median"]["value"] == 14 and m["resolution_hours_average"]["value"] == 14
    assert m["resolution_hours_median"]["counts"] == {"resolved": 2, "cases": 3}
    # before: one case, never acknowledged
    assert m["response_minutes_median"]["previous"] is None and m["response_minutes_median"]["change"] is None
    assert m["response_minutes_median"]["previous_counts"] == {"acknowledged": 0, "cases": 1}


def test_cost_against_budget(data):
    _, m = kpi(data)
    # November's visits received: costs 1200.50 + 300, budgets 1000 + 500 + 800; v1 over budget
    assert m["cost"]["value"] == 1500.5 and m["cost"]["counts"] == {"visits": 2}
    assert m["budget"]["value"] == 2300 and m["budget"]["counts"] == {"visits": 3}
    r = m["cost_to_budget"]
    assert r["value"] == pytest.approx(1500.5 / 2300, abs=1e-4) and r["counts"] == {"over_budget": 1}
    assert r["previous"] == 0.5 and r["previous_counts"] == {"over_budget": 0}
    assert m["cost"]["change"] == 1450.5


def test_by_person(data):
    out = data("report", "kpi", "--month", "2026-11", "--by", "person", "--json").json()
    assert out["by"] == "person"
    groups = {g["group"]: {m["key"]: m for m in g["measures"]} for g in out["groups"]}
    assert set(groups) == {"li", "wang", None}  # None: the repair case and its task, of no visit
    li, wang = groups["li"], groups["wang"]
    assert li["conversion_rate"]["counts"] == {"converted": 1, "visits": 2}
    assert wang["conversion_rate"]["counts"] == {"converted": 0, "visits": 2}
    assert li["satisfaction"]["value"] == 92.5 and wang["satisfaction"]["value"] == 80
    assert li["complaint_rate"]["counts"] == {"complaints": 1, "visits": 2}
    assert li["process_compliance"]["counts"] == {"on_time": 2, "late": 0, "missed": 0, "skipped": 1}
    assert wang["process_compliance"]["value"] == 0
    assert li["conversion_rate"]["previous_counts"] == {"converted": 1, "visits": 1}
    assert groups[None]["task_completion"]["counts"] == {"done": 1, "due": 1}
    # the whole is the sum of the groups
    assert out["measures"][0]["counts"] == {"forms": 3}
    team_ = data("report", "kpi", "--month", "2026-11", "--by", "team", "--json").json()
    assert {g["group"] for g in team_["groups"]} == {"Customer service", "Business", None}


def test_text_table(data):
    out = data("report", "kpi", "--month", "2026-11", "--by", "person").stdout
    assert out.startswith("Reception measures 2026-11-01 to 2026-11-30 (before: 2026-10-02 to 2026-10-31)")
    line = next(l for l in out.splitlines() if l.startswith("all") and "conversion_rate" in l)
    assert "25.0 %" in line and "100.0 %" in line and "-75.0 pt" in line and "converted 1, visits 4" in line
    assert any(l.startswith("li ") for l in out.splitlines())


def test_bad_period_exits_2(data, cli):
    one_error_line(cli("report", "kpi", "--month", "2026-13"), 2, "2026-13")
    one_error_line(cli("report", "kpi", "--quarter", "2026Q5"), 2, "2026Q5")
    one_error_line(cli("report", "kpi", "--month", "2026-11", "--quarter", "2026Q4"), 2, "--month")
    one_error_line(cli("report", "kpi", "--from", "2026-11-20", "--to", "2026-11-01"), 2, "--to")
    assert cli("report", "kpi", "--by", "desk").exit_code == 2


def test_every_measure_is_defined_in_help_and_readme(data):
    from pathlib import Path

    from receptionctl.domain.measures.kpi import MEASURES

    page = (Path(__file__).resolve().parents[2] / "docs" / "usage" / "measures.md").read_text()
    section = page.split("## Measuring the work", 1)[1].split("\n## ", 1)[0]
    helptext = " ".join(data("report", "kpi", "--help").stdout.split())
    for key, _, _ in MEASURES:
        assert f"`{key}`" in section, key
        assert key in helptext, key


@pytest.mark.parametrize("by", [None, "person", "client-tier"])
def test_statement_count_does_not_grow_with_rows(data, db_target, by):
    from datetime import date

    from receptionctl.domain.measures.kpi import measure

    def run(session):
        measure(session, date(2026, 11, 1), date(2026, 11, 30), by)

    few = len(statements(db_target, run))
    load(db_target, copies=20)
    assert len(statements(db_target, run)) == few
    assert few <= 9  # 7, then the inspections with their findings and the drills (issue 26)
