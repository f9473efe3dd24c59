"""The coordinators' and managers' pages (issue 27, item 4): the daily report, a visit's page with
its checklist, my tasks, the cases and a case's page with its steps; the rules they share with the
command line (who may mark a task done, who sees a complaint about staff, who reveals an identity
number), proven through Starlette's test client against what the command line sees."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pytest

from tests.web.conftest import PASSWORD, csrf_of, sign_in

PROBE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ID_NUMBER = "11010519491231002X"


@contextmanager
def signed_in(app, team, username: str, lang: str = "en"):
    """A client of its own, signed in as `username` (whose password the admin sets first)."""
    from starlette.testclient import TestClient

    team("staff", "password", username, input=PASSWORD + "\n")
    with TestClient(app, base_url="http://testserver", headers={"accept-language": lang}) as c:
        done = sign_in(c, username)
        assert done.status_code == 200 and done.url.path == "/", done.text
        yield c


def tasks_of(team, visit_id: int) -> list[dict]:
    return team("task", "list", "--visit", str(visit_id), "--state", "all", "--json").json()


def open_task(team, visit_id: int, owner: str | None = None) -> dict:
    """An open task of the visit (that falls to `owner`, when given)."""
    found = [t for t in tasks_of(team, visit_id) if t["state"] == "open" and (owner is None or t["owner"] == owner)]
    assert found, tasks_of(team, visit_id)
    return found[0]


def shown_text(page: str) -> str:
    """What a person reads on a page: the text without the markup."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", page))).strip()


def report_div(page: str) -> str:
    found = re.search(r'<div class="report">\n(.*)\n</div>', page, re.S)
    assert found, page
    return found.group(1)


def staff_complaint(team, about: str = "wang", visit: int | None = None, text: str = "Rude at the gate") -> int:
    """A complaint about a member of staff, taken by the coordinator li."""
    args = ["--as", "li", "case", "add", "--kind", "complaint", "--about", about, "--text", text, "--json"]
    return team(*args, *(("--visit", str(visit)) if visit else ())).json()["id"]


# -- the guards ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/report", "/report?date=2026-12-01", "/visits/1", "/tasks", "/cases", "/cases/1"])
def test_every_coordinator_page_redirects_to_the_login_without_a_session(client, path):
    done = client.get(path, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/tasks/1/done", "/tasks/1/skip", "/visits/1/reveal", "/cases/1/ack"])
def test_their_posts_need_the_csrf_token_and_change_nothing_without_it(web, desk_day, unchanged, path):
    with unchanged():
        assert web.post(path, data={"reason": "x", "csrf_token": "forged"}).status_code == 403
        assert web.post(path, data={"reason": "x"}).status_code == 403


@pytest.mark.parametrize("path", ["/visits/abc", "/visits/0", "/visits/99999999999", "/cases/-1"])
def test_a_bad_id_in_the_address_is_bad_input_and_an_unknown_one_not_found(web, path):
    done = web.get(path)
    assert done.status_code == 400 and "is not an id" in done.text and "Traceback" not in done.text
    assert web.get("/visits/4242").status_code == 404 and web.get("/cases/4242").status_code == 404


# -- the daily report ------------------------------------------------------------------------
def test_the_report_page_is_the_report_of_the_command_line_with_links_and_no_inline_style(web, desk_day, team):
    team("--as", "li", "case", "add", "--kind", "repair", "--text", "Projector flickers", "--visit", str(desk_day))
    page = web.get("/report")
    assert page.status_code == 200
    body = report_div(page.text)
    cli = team("--as", "li", "report", "daily", "--format", "html").stdout
    cli_body = cli.split("<body>\n", 1)[1].rsplit("\n</body>", 1)[0]
    assert shown_text(body) == shown_text(cli_body)  # the same content, word for word
    assert "style=" not in page.text and "<style" not in page.text and "<script" not in page.text
    assert f'<a href="/visits/{desk_day}">{desk_day}</a>' in body
    links = set(re.findall(r'href="(/(?:visits|cases)/\d+)"', body))
    assert f"/visits/{desk_day}" in links
    for link in links:
        assert web.get(link).status_code == 200, link


def test_the_report_of_another_day_and_bad_days(web, desk_day, team):
    page = web.get("/report?date=2026-12-02")
    assert page.status_code == 200 and "2026-12-02" in page.text
    assert shown_text(report_div(page.text)) == shown_text(
        team("--as", "li", "report", "daily", "--date", "2026-12-02", "--format", "html").stdout.split(
            "<body>\n", 1)[1].rsplit("\n</body>", 1)[0])
    bad = web.get("/report?date=someday")
    assert bad.status_code == 400 and "someday" in html.unescape(bad.text)
    assert web.get("/report?date=" + "9" * 50).status_code == 400


def test_the_report_page_links_each_case_it_names(web, team, desk_day, monkeypatch):
    from datetime import datetime

    from receptionctl.domain.core import clock

    ids = []
    for text in ("Door sticks", "Lamp out"):
        cid = team("--as", "li", "case", "add", "--kind", "repair", "--text", text, "--json").json()["id"]
        team("--as", "li", "case", "assign", str(cid), "--to", "li", "--due", "2026-12-01 11:00")
        ids.append(cid)
    later = "2026-12-01T12:00:00+08:00"  # both past their deadline
    monkeypatch.setenv("RECEPTIONCTL_NOW", later)
    clock.pin(datetime.fromisoformat(later))
    body = report_div(web.get("/report").text)
    assert "Open past their deadline, by owner:" in body
    assert f'li: <a href="/cases/{ids[0]}">#{ids[0]}</a>, <a href="/cases/{ids[1]}">#{ids[1]}</a>' in body
    cli = team("--as", "li", "report", "daily", "--format", "html").stdout
    assert f"li: #{ids[0]}, #{ids[1]}" in cli and "<a href" not in cli  # the mail: as it was


# -- a visit's page and its checklist --------------------------------------------------------
def test_a_task_marked_done_on_the_visit_page_is_seen_by_the_command_line_and_audited(web, desk_day, team):
    page = web.get(f"/visits/{desk_day}")
    assert page.status_code == 200 and "Acme" in page.text
    task = open_task(team, desk_day)
    assert f'action="/tasks/{task["id"]}/done"' in page.text
    done = web.post(f"/tasks/{task['id']}/done", data={"note": "briefed the team", "back": f"/visits/{desk_day}",
                                                       "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and done.url.path == f"/visits/{desk_day}"
    assert f"task {task['id']} done" in done.text
    seen = {t["id"]: t for t in tasks_of(team, desk_day)}[task["id"]]
    assert seen["state"] == "done" and seen["done_by"] == "li" and seen["note"] == "briefed the team"
    event = [e for e in team("audit", "--json").json() if e["action"] == "task.done"][-1]
    assert event["actor"] == "li"
    assert f'action="/tasks/{task["id"]}/done"' not in done.text  # no button on a task done
    with_done = re.search(rf'<tr class="task done[^"]*" id="task-{task["id"]}">', done.text)
    assert with_done, done.text


def test_a_task_skipped_needs_a_reason_as_on_the_command_line(web, desk_day, team, unchanged):
    page = web.get(f"/visits/{desk_day}")
    task = open_task(team, desk_day)
    token = csrf_of(page.text)
    with unchanged():
        empty = web.post(f"/tasks/{task['id']}/skip", data={"reason": "  ", "csrf_token": token})
        assert empty.status_code == 400 and "--reason" in empty.text
    skipped = web.post(f"/tasks/{task['id']}/skip", data={"reason": "covered by the site plan", "csrf_token": token,
                                                          "back": "https://elsewhere.example/"})
    assert skipped.url.path == "/tasks"  # back to a page of this site only
    seen = {t["id"]: t for t in tasks_of(team, desk_day)}[task["id"]]
    assert seen["state"] == "skipped" and seen["done_by"] == "li"
    assert [e for e in team("audit", "--json").json() if e["action"] == "task.skip"][-1]["actor"] == "li"


def test_what_task_done_refuses_the_page_refuses_with_its_status_and_nothing_changes(app, team, cli, desk_day,
                                                                                     unchanged):
    task = open_task(team, desk_day)
    with signed_in(app, team, "chen") as chen:  # staff, not the task's: task done refuses them too
        page = chen.get(f"/visits/{desk_day}")
        with unchanged():
            refused = chen.post(f"/tasks/{task['id']}/done", data={"csrf_token": csrf_of(page.text)})
            assert refused.status_code == 403 and "chen" in refused.text
            assert cli("--as", "chen", "task", "done", str(task["id"])).exit_code == 4  # the same refusal
    with signed_in(app, team, "li") as li:
        page = li.get(f"/visits/{desk_day}")
        li.post(f"/tasks/{task['id']}/done", data={"csrf_token": csrf_of(page.text)})
        with unchanged():
            again = li.post(f"/tasks/{task['id']}/done", data={"csrf_token": csrf_of(page.text)})
            assert again.status_code == 409 and "Traceback" not in again.text
            assert li.post("/tasks/99999/done", data={"csrf_token": csrf_of(page.text)}).status_code == 404


def test_the_visit_page_shows_the_sheet_and_checklist_of_the_command_line(web, desk_day, team):
    page = web.get(f"/visits/{desk_day}").text
    shown = shown_text(page)
    for t in tasks_of(team, desk_day):
        assert t["title"] in shown
    for line in team("visit", "show", str(desk_day)).stdout.splitlines()[:6]:
        name, _sep, value = line.partition("  ")
        assert name.strip() in shown and value.strip() in shown, line
    assert "Readiness" in shown or "readiness" in shown


# -- identity numbers ------------------------------------------------------------------------
def test_identity_numbers_are_masked_and_only_an_admin_reveals_them_audited(app, web, desk_day, team, unchanged):
    form = web.get(f"/checkin?visit={desk_day}")
    web.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "id_number": ID_NUMBER,
                               "csrf_token": csrf_of(form.text)})
    page = web.get(f"/visits/{desk_day}")
    assert ID_NUMBER not in page.text and "002X" in page.text
    assert "/reveal" not in page.text  # li is no admin: no button
    with unchanged():
        refused = web.post(f"/visits/{desk_day}/reveal", data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 403 and ID_NUMBER not in refused.text
    with signed_in(app, team, "admin") as admin:
        page = admin.get(f"/visits/{desk_day}")
        assert ID_NUMBER not in page.text and f'action="/visits/{desk_day}/reveal"' in page.text
        shown = admin.post(f"/visits/{desk_day}/reveal", data={"csrf_token": csrf_of(page.text)})
        assert shown.status_code == 200 and ID_NUMBER in shown.text
        assert ID_NUMBER not in admin.get(f"/visits/{desk_day}").text  # for that answer only
    reveal = [e for e in team("audit", "--json").json() if e["action"] == "guest.reveal"]
    assert [e["actor"] for e in reveal] == ["admin"]


# -- my tasks --------------------------------------------------------------------------------
def test_my_tasks_is_the_list_of_task_list_mine_with_its_buttons(web, desk_day, team):
    page = web.get("/tasks")
    assert page.status_code == 200
    mine = team("--as", "li", "task", "list", "--mine", "--json").json()
    assert mine
    listed = [int(n) for n in re.findall(r'action="/tasks/(\d+)/done"', page.text)]
    assert listed == [t["id"] for t in mine]
    assert len(re.findall(r'action="/tasks/\d+/skip"', page.text)) == len(mine)
    assert f'href="/visits/{desk_day}"' in page.text


# -- cases -----------------------------------------------------------------------------------
def test_a_case_taken_through_its_loop_on_the_pages_is_seen_by_the_command_line(app, web, team, desk_day):
    cid = team("--as", "li", "case", "add", "--kind", "complaint", "--text", "Lunch came late", "--visit",
               str(desk_day), "--json").json()["id"]
    listed = web.get("/cases")
    assert f'href="/cases/{cid}"' in listed.text
    page = web.get(f"/cases/{cid}")
    assert page.status_code == 200 and "Lunch came late" in page.text and f'href="/visits/{desk_day}"' in page.text
    token = csrf_of(page.text)
    steps = [("ack", {"note": "apologised"}), ("assign", {"to": "li", "due": "2026-12-01 17:00"}),
             ("resolve", {"cause": "kitchen not told", "action": "lunch refunded", "prevention": "tell the kitchen"}),
             ("callback", {"note": "accepted", "satisfied": "yes"})]
    for step, data in steps:
        assert f'action="/cases/{cid}/{step}"' in page.text, (step, shown_text(page.text))
        page = web.post(f"/cases/{cid}/{step}", data={**data, "csrf_token": token})
        assert page.status_code == 200 and page.url.path == f"/cases/{cid}", page.text
    shown = team("case", "show", str(cid), "--json").json()
    assert shown["state"] == "called_back" and shown["owner"] == "li" and shown["satisfied"] is True
    assert {e["actor"] for e in team("audit", "--json").json() if e["action"].startswith("case.")} == {"li"}
    assert f'action="/cases/{cid}/review"' not in page.text  # the duty manager's, not li's


def test_only_the_steps_a_person_may_take_are_offered_and_the_others_are_refused(app, team, desk_day, unchanged):
    cid = team("--as", "li", "case", "add", "--kind", "repair", "--text", "Door sticks", "--json").json()["id"]
    team("--as", "li", "case", "ack", str(cid))
    with signed_in(app, team, "wang") as wang:  # a host: escalates, but gives no case an owner
        page = wang.get(f"/cases/{cid}")
        assert f'action="/cases/{cid}/escalate"' in page.text
        assert f'action="/cases/{cid}/assign"' not in page.text and f'action="/cases/{cid}/close"' not in page.text
        with unchanged():
            refused = wang.post(f"/cases/{cid}/assign", data={"to": "wang", "csrf_token": csrf_of(page.text)})
            assert refused.status_code == 403
            assert wang.post(f"/cases/{cid}/fly", data={"csrf_token": csrf_of(page.text)}).status_code == 404
            late = wang.post(f"/cases/{cid}/escalate", data={"to": "gm", "question": "Refund?",
                                                            "answer_by": "yesterday", "csrf_token": csrf_of(page.text)})
            assert late.status_code == 400
    with signed_in(app, team, "li") as li:
        page = li.get(f"/cases/{cid}")
        assert f'action="/cases/{cid}/assign"' in page.text


def test_steps_open_to_agrees_with_the_steps_themselves(team):
    """For every person of the team and a case in each state, a step offered is one its function
    takes, and one not offered (of those the state allows) is refused with exit 4."""
    from receptionctl.domain.core import lifecycle

    cid = team("--as", "li", "case", "add", "--kind", "request", "--text", "A taxi", "--json").json()["id"]
    commands = {"ack": [], "assign": ["--to", "li"], "escalate": ["--to", "gm", "--question", "Q",
                                                                  "--answer-by", "2030-01-01 10:00"],
                "resolve": ["--cause", "c", "--action", "a", "--prevention", "p"], "callback": ["--note", "n"],
                "review": [], "close": []}
    tried = 0
    for done_step in [None, "ack", "assign", "resolve", "callback"]:
        if done_step:
            team("--as", "li", "case", done_step, str(cid), *commands[done_step])
        state = team("case", "show", str(cid), "--json").json()["state"]
        for user in ("li", "wang", "chen", "gm", "admin"):
            offered = set(_steps(user, cid))
            for step in commands:
                if state in lifecycle.CASE[step]:
                    assert (step in offered) == _may(user, cid, step), (state, user, step)
                    tried += 1
                else:
                    assert step not in offered, (state, user, step)
    assert tried > 20


def _steps(user, cid):
    from receptionctl.domain.cases import cases
    from receptionctl.store.db import Database

    db = Database(_target())
    try:
        with db.session() as session:
            return cases.steps_open_to(session, user, cid)
    finally:
        db.dispose()


class Undo(Exception):
    """Raised to roll a session back."""


def _may(user, cid, step) -> bool:
    """Whether the step as `user` gets past who may take it (tried in a session rolled back)."""
    from receptionctl.domain.cases import cases
    from receptionctl.errors import NotAllowed
    from receptionctl.store.db import Database

    db = Database(_target())
    calls = {"ack": lambda s: cases.acknowledge(s, user, cid), "assign": lambda s: cases.assign(s, user, cid, "li"),
             "escalate": lambda s: cases.escalate(s, user, cid, "gm", "Q", _far()),
             "resolve": lambda s: cases.resolve(s, user, cid, cause="c", action="a", prevention="p"),
             "callback": lambda s: cases.callback(s, user, cid, "n"), "review": lambda s: cases.review(s, user, cid),
             "close": lambda s: cases.close(s, user, cid)}
    allowed = None
    try:
        with db.session(write=True) as session:
            try:
                calls[step](session)
                allowed = True
            except NotAllowed:
                allowed = False
            raise Undo
    except Undo:
        pass
    finally:
        db.dispose()
    return allowed


def _far():
    from datetime import datetime, timezone

    return datetime(2030, 1, 1, 2, 0, tzinfo=timezone.utc)


def _target() -> str:
    import os

    return os.environ["RECEPTIONCTL_DB"]


# -- a complaint about oneself, on every page ------------------------------------------------
def test_a_host_never_sees_a_complaint_about_themselves_on_any_page(app, team, desk_day):
    text = "Wang was rude at the gate"
    cid = staff_complaint(team, "wang", desk_day, text)
    assert cid in [c["id"] for c in team("--as", "gm", "case", "list", "--json").json()]  # an approver sees it
    with signed_in(app, team, "wang") as wang:
        pages = {path: wang.get(path) for path in ("/", "/report", f"/visits/{desk_day}", "/tasks", "/cases",
                                                   "/report?all=1")}
        for path, page in pages.items():
            assert page.status_code == 200, path
            assert text not in page.text and f"/cases/{cid}" not in page.text, path
        assert wang.get(f"/cases/{cid}").status_code == 404
        token = csrf_of(pages["/cases"].text)
        assert wang.post(f"/cases/{cid}/ack", data={"csrf_token": token}).status_code == 404
    with signed_in(app, team, "gm") as gm:
        assert text in gm.get(f"/cases/{cid}").text and f'href="/cases/{cid}"' in gm.get("/cases").text


# -- user text escaped -----------------------------------------------------------------------
def test_user_text_is_escaped_on_every_coordinator_page(web, team, desk_day):
    team("--as", "li", "note", "add", str(desk_day), "--kind", "promise", "--text", f"Bring {PROBE}")
    cid = team("--as", "li", "case", "add", "--kind", "complaint", "--text", f"Said {PROBE}", "--visit",
               str(desk_day), "--json").json()["id"]
    team("client", "add", f"Evil {PROBE}")
    team("--as", "li", "visit", "new", "--client", "Evil", "--at", "2026-12-01 15:00", "--purpose", "talk",
         "--headcount", "2")
    for path in ("/report", f"/visits/{desk_day}", "/tasks", "/cases", f"/cases/{cid}", "/report?all=1"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert PROBE not in page.text, path
    assert ESCAPED in web.get(f"/visits/{desk_day}").text and ESCAPED in web.get(f"/cases/{cid}").text
    assert ESCAPED in web.get("/report").text and ESCAPED in web.get("/cases").text


# -- in Chinese ------------------------------------------------------------------------------
def test_the_coordinator_pages_speak_chinese_with_no_english_left(app, team, desk_day):
    from tests.latin import offenders

    cid = team("--as", "li", "case", "add", "--kind", "complaint", "--text", "Lunch came late", "--visit",
               str(desk_day), "--json").json()["id"]
    team("--as", "li", "case", "ack", str(cid))
    team("--as", "li", "note", "add", str(desk_day), "--kind", "promise", "--text", "Bring the brochure")
    typed = ["Li Na", "Wang Lei", "Zhou Min", "Qian Hui", "Chen Jie", "Acme", "Lunch came late", "Bring the brochure",
             "Liu Yang", "Welcome", "English", "Customer service"]
    ids = ["li", "wang", "gm", "gm2", "chen", "admin"]
    with signed_in(app, team, "li", lang="zh-CN,zh;q=0.9") as li:
        page = li.get(f"/checkin?visit={desk_day}")
        li.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "id_number": ID_NUMBER,
                                  "csrf_token": csrf_of(page.text)})
        for path in ("/report", f"/visits/{desk_day}", "/tasks", "/cases", f"/cases/{cid}"):
            page = li.get(path)
            assert page.status_code == 200, path
            words = offenders(shown_text(page.text), phrases=typed, ids=ids)
            assert not words, (path, words)
            placeholders = " ".join(re.findall(r'(?:placeholder|aria-label)="([^"]*)"', page.text))
            assert not offenders(html.unescape(placeholders), phrases=typed, ids=ids), (path, placeholders)


def test_no_page_of_theirs_carries_inline_script_or_style(web, desk_day, team):
    cid = team("--as", "li", "case", "add", "--kind", "repair", "--text", "Door", "--json").json()["id"]
    for path in ("/report", f"/visits/{desk_day}", "/tasks", "/cases", f"/cases/{cid}"):
        page = web.get(path).text
        assert "style=" not in page and "<style" not in page and "<script" not in page, path
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path  # no event handler attributes


# -- fast pages (item 8): what a page reads does not grow with the day's visits -------------------
def test_the_board_reads_as_many_statements_for_three_visits_as_for_one(app, web, team, desk_day):
    from sqlalchemy import event

    from tests.cli.test_visits_plans import approved

    seen = []
    event.listen(app.state.web.db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    page = web.get(f"/checkin?visit={desk_day}")
    web.post("/checkin", data={"visit": str(desk_day), "name": "Liu Yang", "csrf_token": csrf_of(page.text)})
    seen.clear()
    assert web.get("/").status_code == 200
    one = len(seen)
    for at in ("2026-12-01 14:00", "2026-12-01 16:00"):
        vid = approved(team, at=at)
        web.post("/checkin", data={"visit": str(vid), "name": f"Guest {vid}", "csrf_token": csrf_of(page.text)})
    seen.clear()
    board = web.get("/")
    assert board.text.count('action="/checkout"') == 3  # three visits with a guest in
    assert len(seen) == one, seen
    assert not any("FROM task" in s and "row_number" in s.lower() for s in seen)  # no task list read for it
