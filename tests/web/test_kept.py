"""The pages' read models are kept while nothing changes (web/base.py, Page.kept): read again at
once after any audited change, from the web or the command line, and at the next minute; never
one user's page for another, nor one language's for another."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.web.conftest import DAY


def _rename_behind_the_tools_back(db_target: str, old: str, new: str) -> None:
    """A change no command made (and so no audit event): only the minute can show it."""
    from sqlalchemy import text

    from receptionctl.store.db import Database

    db = Database(db_target)
    try:
        with db.connection(write=True) as conn:
            conn.execute(text("UPDATE client SET name = :new WHERE name = :old"), {"new": new, "old": old})
    finally:
        db.dispose()


def test_the_board_is_kept_until_a_change_or_the_next_minute(web, desk_day, db_target, team):
    from receptionctl.domain.core import clock

    assert "Acme" in web.get("/").text
    _rename_behind_the_tools_back(db_target, "Acme", "Zenith Works")
    assert "Zenith Works" not in web.get("/").text  # kept: the same version, the same minute
    # an audited change from the command line is seen at once (and so is the rename with it)
    team("--as", "li", "checkin", str(desk_day), "--guest", "Ma Jun")
    board = web.get("/").text
    assert "Ma Jun" in board and "Zenith Works" in board
    _rename_behind_the_tools_back(db_target, "Zenith Works", "Acme")
    assert "Zenith Works" in web.get("/").text
    clock.pin(datetime.fromisoformat(DAY) + timedelta(minutes=1))  # the next minute: read again
    assert "Zenith Works" not in web.get("/").text


def test_a_web_change_shows_at_once_and_each_language_and_user_has_its_own(web, desk_day, client, team):
    from tests.web.conftest import csrf_of, sign_in

    page = web.get("/checkin")
    done = web.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "title": "", "id_number": "",
                                      "csrf_token": csrf_of(page.text)})
    assert "Liu Yang" in done.text  # redirected to the board: read again after the check-in
    english = web.get("/").text
    chinese = web.get("/", headers={"accept-language": "zh-CN"}).text
    assert "Today" in english or "today" in english
    assert "今日来访" in chinese and "今日来访" not in english
    # another user signs in on the same app: their own page, with their own name on it
    team("staff", "password", "wang", input="desk-password-1\n")
    web.post("/logout", data={"csrf_token": csrf_of(web.get("/").text)})
    assert sign_in(client, "wang").status_code == 200
    assert "Wang Lei" in client.get("/").text
