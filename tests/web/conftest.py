"""The web front desk on the test's database: Starlette's TestClient over the app that
`receptionctl serve` runs, a visit of the suite's team due now, and a signed-in clerk."""

from __future__ import annotations

import os
import re
from datetime import datetime

import pytest

DAY = "2026-12-01T10:05:00+08:00"  # the visit of tests.cli.test_visits_plans.approved is at 10:00
PASSWORD = "desk-password-1"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)})


@pytest.fixture
def desk_day(team, monkeypatch):
    """An approved visit (id returned) of the client Acme, today at 10:00; the clock at 10:05."""
    from receptionctl.domain.core import clock
    from tests.cli.test_visits_plans import approved

    vid = approved(team)
    monkeypatch.setenv("RECEPTIONCTL_NOW", DAY)
    clock.pin(datetime.fromisoformat(DAY))
    return vid


@pytest.fixture
def app(team, db_target):
    from receptionctl.web.app import create_app

    return create_app(db_target, secret="a test secret, long enough to sign with",
                      key_env=os.environ.get("RECEPTIONCTL_KEY"))


@pytest.fixture
def client(app):
    from starlette.testclient import TestClient

    # English, as the rest of the suite reads (the pages' default is zh-CN: tests ask for it)
    with TestClient(app, base_url="http://testserver", headers={"accept-language": "en"}) as c:
        yield c


@pytest.fixture
def web(team, client):
    """The client signed in as li (coordinator and host: may check guests in), whose password
    the admin set through the command line."""
    team("staff", "password", "li", input=PASSWORD + "\n")
    done = sign_in(client, "li")
    assert done.status_code == 200 and "/login" not in str(done.url), done.text
    return client
