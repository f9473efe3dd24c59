"""A synthetic reception database of any size, for `make bench` and the statement-count
tests: clients, staff, visits around "now" in every status, their plans, hosts, the
procedure's tasks (some done, some overdue), feedback, incidents. Rows are bulk-inserted
with SQLAlchemy Core; due dates are computed by the real due-offset code.

`history=N` adds N times as many closed visits from the past years, every task done, as a
team has after years of use: the open work is the same, only the closed history grows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert


def build(target: str, visits: int, now: datetime, seed: int = 7, history: int = 0) -> None:
    from receptionctl.domain import setup
    from receptionctl.domain.core import clock, policy
    from receptionctl.domain.core.calendar import calendar_for
    from receptionctl.domain.core.due import parse_due
    from receptionctl.domain.engine import current
    from receptionctl.store.db import Database
    from receptionctl.store.models import (
        Assignment,
        Client,
        Feedback,
        Incident,
        Plan,
        Staff,
        StaffRole,
        Task,
        Visit,
    )

    rnd = random.Random(seed)
    clock.pin(now)
    db = Database(target)
    db.upgrade(lambda s, before: setup.seed(s, "admin", lambda create: None, setup.InitResult()))
    with db.session(write=True) as s:
        rules = policy.load(s)
        zone, cal = policy.work_zone(rules), calendar_for(rules["country"])
        proc = current(s)
        # a denser calendar has a bigger team and more rooms (20 people, 40 rooms up to 10,000 visits)
        n_staff, n_rooms = max(20, visits // 500), max(40, visits // 250)
        staff_rows = [dict(id=100 + i, username=f"staff{i}", name=f"Staff {i}", dept="Customer service", active=True,
                           created_at=now) for i in range(n_staff)]
        s.execute(insert(Staff), staff_rows)
        s.execute(insert(StaffRole), [dict(staff_id=r["id"], role="coordinator" if i % 5 == 0 else "host")
                                      for i, r in enumerate(staff_rows)])
        n_clients = max(1, visits // 20)
        s.execute(insert(Client), [dict(id=i + 1, name=f"Client {i + 1:05d}", name_key=f"client {i + 1:05d}",
                                        tier=rnd.choice(["vip", "key", "normal", "normal"]), industry="Manufacturing",
                                        created_at=now) for i in range(n_clients)])
        visit_rows, plan_rows, host_rows, task_rows, feedback_rows, incident_rows = [], [], [], [], [], []
        for vid in range(1, visits + 1):
            start = (now + timedelta(days=rnd.randint(-60, 30), hours=rnd.randint(-4, 6))).replace(
                minute=0, second=0, microsecond=0)
            end = start + timedelta(hours=rnd.choice([1, 2, 3, 4]))
            past = end < now
            if past:
                status = rnd.choice(["completed", "closed", "closed", "cancelled"])
            elif start < now:
                status = "in_progress"
            else:
                status = rnd.choice(["planning", "submitted", "approved", "approved", "cancelled"])
            plan_status = {"planning": "draft", "submitted": "submitted"}.get(status, "approved")
            level = rnd.choice([1, 2, 3, 3, 3])
            purpose = rnd.choice(["talk", "tour", "tech", "signing", "other"])
            offsite = rnd.random() < 0.15
            visit_rows.append(dict(
                id=vid, client_id=rnd.randint(1, n_clients), purpose=purpose, level=level, status=status,
                starts_at=start, ends_at=end, headcount=rnd.randint(1, 12), venue=f"Room {rnd.randint(1, n_rooms)}",
                venue_key=None, offsite=offsite, urgent=False, short_notice=rnd.random() < 0.1, created_at=now,
                created_by="admin", procedure_id=proc.id,
                outcome=rnd.choice([None, None, "won", "lost", "intent"]) if past else None,
                outcome_at=end + timedelta(days=rnd.randint(1, 40)) if past else None,
            ))
            visit_rows[-1]["venue_key"] = visit_rows[-1]["venue"].casefold()
            plan_rows.append(dict(visit_id=vid, status=plan_status, nda=False,
                                  reapproval="changed after approval: budget set" if rnd.random() < 0.02 else None))
            if rnd.random() < 0.95:
                host_rows.append(dict(visit_id=vid, role="host", staff_id=100 + rnd.randint(0, n_staff - 1)))
            stages = ("prepare", "receive", "followup") if status in ("completed", "closed") else ("prepare", "receive")
            for spec in proc.tasks:
                if spec.opens_on or spec.stage not in stages or not spec.applies(level, purpose, offsite, False):
                    continue
                due = parse_due(spec.due).at(start, end, rules, cal, zone)
                done = status == "closed" or (due < now and rnd.random() < 0.85)
                state = "skipped" if status == "cancelled" else ("done" if done else "open")
                task_rows.append(dict(visit_id=vid, key=spec.key, stage=spec.stage, title=spec.title,
                                      title_zh=spec.title_zh, owner=spec.owner, due_expr=spec.due, repeat=spec.repeat,
                                      seq=1, due_at=due, state=state, done_at=due if state != "open" else None,
                                      done_by="admin" if state != "open" else None, created_at=now))
            if status in ("completed", "closed") and rnd.random() < 0.8:
                feedback_rows.append(dict(visit_id=vid, score=rnd.choice([45, 70, 85, 90, 95, 100]),
                                          channel=rnd.choice(["phone", "email", "form", "visit"]), intent="medium",
                                          at=end + timedelta(hours=rnd.randint(2, 30)), by="admin"))
            if status != "cancelled" and rnd.random() < 0.03:
                incident_rows.append(dict(visit_id=vid, kind="equipment", severity=rnd.choice(["low", "high"]),
                                          text="Projector failed", at=start, by="admin"))
        _insert(s, ((Visit, visit_rows), (Plan, plan_rows), (Assignment, host_rows), (Task, task_rows),
                    (Feedback, feedback_rows), (Incident, incident_rows)))
        # closed history: same open work, years of done work behind it (inserted in batches)
        hrnd = random.Random(seed + 1)
        first = visits + 1
        for batch in range(first, first + history * visits, 5000):
            visit_rows, plan_rows, host_rows, task_rows, feedback_rows = [], [], [], [], []
            for vid in range(batch, min(batch + 5000, first + history * visits)):
                start = (now - timedelta(days=hrnd.randint(90, 1500), hours=hrnd.randint(-4, 6))).replace(
                    minute=0, second=0, microsecond=0)
                end = start + timedelta(hours=hrnd.choice([1, 2, 3]))
                level, purpose = hrnd.choice([1, 2, 3, 3, 3]), hrnd.choice(["talk", "tour", "tech", "signing", "other"])
                outcome = hrnd.choice(["won", "lost"])
                visit_rows.append(dict(
                    id=vid, client_id=hrnd.randint(1, n_clients), purpose=purpose, level=level, status="closed",
                    starts_at=start, ends_at=end, headcount=hrnd.randint(1, 12), venue=f"Room {hrnd.randint(1, n_rooms)}",
                    venue_key=None, offsite=False, urgent=False, short_notice=False, created_at=start - timedelta(days=7),
                    created_by="admin", procedure_id=proc.id, outcome=outcome, outcome_at=end + timedelta(days=9),
                    completed_at=end, closed_at=end + timedelta(days=10)))
                visit_rows[-1]["venue_key"] = visit_rows[-1]["venue"].casefold()
                plan_rows.append(dict(visit_id=vid, status="approved", nda=False))
                host_rows.append(dict(visit_id=vid, role="host", staff_id=100 + hrnd.randint(0, n_staff - 1)))
                for spec in proc.tasks:
                    if spec.opens_on or not spec.applies(level, purpose, False, False):
                        continue
                    due = parse_due(spec.due).at(start, end, rules, cal, zone)
                    task_rows.append(dict(visit_id=vid, key=spec.key, stage=spec.stage, title=spec.title,
                                          title_zh=spec.title_zh, owner=spec.owner, due_expr=spec.due,
                                          repeat=spec.repeat, seq=1, due_at=due, state="done", done_at=due,
                                          done_by="admin", created_at=start - timedelta(days=7)))
                feedback_rows.append(dict(visit_id=vid, score=hrnd.choice([70, 85, 90, 95]), channel="phone",
                                          intent="medium", at=end + timedelta(hours=20), by="admin"))
            _insert(s, ((Visit, visit_rows), (Plan, plan_rows), (Assignment, host_rows), (Task, task_rows),
                        (Feedback, feedback_rows)))
    db.dispose()
    clock.pin(None)


def _insert(session, tables) -> None:
    for table, rows in tables:
        for i in range(0, len(rows), 5000):
            if rows[i:i + 5000]:
                session.execute(insert(table), rows[i:i + 5000])


if __name__ == "__main__":
    import sys

    build(sys.argv[1], int(sys.argv[2]), datetime.now(timezone.utc))
