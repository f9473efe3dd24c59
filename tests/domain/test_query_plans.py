"""However long the closed history grows, the morning's commands read index ranges: no
query of the report, `followup due` or `visit show` scans a whole table that grows with
history (SQLite's own query plans; counts of statements are in tests/cli/test_report.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.conftest import PG_URL

GROWING = ("visit", "task", "feedback", "incident", "assignment", "note", "guest", "audit_event")


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's query plans")
def test_the_morning_reads_index_ranges_not_the_history(tmp_path):
    from sqlalchemy import event

    from bench.synthetic import build
    from receptionctl.domain.core import clock
    from receptionctl.domain.report.report import daily
    from receptionctl.domain.visits.followups import followup_due
    from receptionctl.domain.visits.views import show_visit
    from receptionctl.store.db import Database

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    target = str(tmp_path / "history.db")
    build(target, 60, now, history=3)
    db = Database(target)
    seen = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cur, stmt, params, *a: seen.append((stmt, params)))
    clock.pin(now)
    try:
        with db.session() as session:
            daily(session)
            followup_due(session, within_days=7)
            show_visit(session, 5)
            raw = session.connection().connection.dbapi_connection
            scans = []
            for stmt, params in seen:
                if not stmt.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                for row in raw.execute("EXPLAIN QUERY PLAN " + stmt, params).fetchall():
                    detail = row[3]
                    if detail.startswith("SCAN ") and "USING" not in detail:
                        table = detail.split()[1]
                        if table in GROWING:
                            scans.append((detail, stmt[:100]))
                    elif detail.endswith("USING INDEX ix_task_stage_due (stage=?)"):  # every task of a stage, ever
                        scans.append((detail, stmt[:100]))
                    elif detail.endswith("USING INDEX ix_task_state_due (state=?)"):  # every open task there is
                        scans.append((detail, stmt[:100]))
    finally:
        clock.pin(None)
        db.dispose()
    assert not scans, scans


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's count of virtual-machine steps")
def test_the_retention_alert_reads_closed_history_once(tmp_path):
    """The daily report's retention alert looked up each old guest's client's last visit among all
    the client's visits: work that grew as the square of the closed history (`make bench`: the
    report 13 times slower with ten times the history). Counted in SQLite's virtual-machine steps
    (work, not time): three times the history may cost about three times the work, not nine."""
    from bench.synthetic import build
    from receptionctl.domain.core import clock
    from receptionctl.domain.records.retention import alerts
    from receptionctl.store.db import Database

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    work = {}
    for history in (10, 30):
        target = str(tmp_path / f"history{history}.db")
        build(target, 60, now, history=history)
        db = Database(target)
        steps = [0]

        def tick():
            steps[0] += 1
            return 0

        clock.pin(now)
        try:
            with db.session() as session:
                raw = session.connection().connection.dbapi_connection
                raw.set_progress_handler(tick, 100)
                alerts(session, now)
                raw.set_progress_handler(None, 0)
        finally:
            clock.pin(None)
            db.dispose()
        work[history] = steps[0]
    assert work[30] < 4 * work[10], work


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's query plans")
def test_the_report_reads_the_preparation_of_its_visits_by_their_index(tmp_path):
    """The report's readiness read every preparation task there is (SQLite, without statistics, took
    the stage's index over the visits'): 430 ms of the report's 1.1 s at 10,000 visits (`make bench`)."""
    from sqlalchemy import event

    from bench.synthetic import build
    from receptionctl.domain.core import clock
    from receptionctl.domain.report.report import daily
    from receptionctl.store.db import Database

    now = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)
    target = str(tmp_path / "plain.db")
    build(target, 200, now)
    db = Database(target)
    seen = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cur, stmt, params, *a: seen.append((stmt, params)))
    clock.pin(now)
    try:
        with db.session() as session:
            daily(session)
            raw = session.connection().connection.dbapi_connection
            prep = [(stmt, params) for stmt, params in seen
                    if stmt.lstrip().startswith("SELECT task.visit_id, task.state, task.title")]
            assert len(prep) == 1
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + prep[0][0], prep[0][1]).fetchall()]
    finally:
        clock.pin(None)
        db.dispose()
    assert any("ix_task_visit_key" in step for step in plan), plan
