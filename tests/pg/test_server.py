"""Runs only on PostgreSQL (scripts/with-pg sets RECEPTIONCTL_TEST_PG); where a run
requires the server, an unreachable one fails instead of skipping."""

import os

import pytest

from tests.conftest import PG_URL


def test_postgresql_is_there_when_required():
    if os.environ.get("RECEPTIONCTL_TEST_PG_REQUIRED") and not PG_URL:
        pytest.fail("RECEPTIONCTL_TEST_PG_REQUIRED is set but RECEPTIONCTL_TEST_PG is not")
    if not PG_URL:
        pytest.skip("no PostgreSQL server given (RECEPTIONCTL_TEST_PG)")
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_tests_run_on_postgresql(db_target):
    if not PG_URL:
        pytest.skip("SQLite run")
    assert db_target.startswith("postgresql")
