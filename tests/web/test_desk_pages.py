"""The desk's pages (issue 27, item 3): walk-ins, passes, mail, goods, the duty log, shifts and
handovers, cases and the evacuation roll call, through Starlette's test client. Each action is
the command line's: the CLI sees it, the audit names the signed-in user, bad input gets the
command line's refusal and changes nothing, what people typed is escaped, and the Chinese pages
speak Chinese."""

from __future__ import annotations

import html
import re

import pytest

from tests.cli.test_desk import desk_team
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ID_NUMBER = "11010519491231002X"
PROBE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CHECKLIST = ("keys", "radios", "badge-stock", "cameras", "phone", "logbook")  # the policy's default
PAGES = ["/desk", "/desk/walkin", "/desk/passes", "/desk/mail", "/desk/goods", "/desk/log", "/desk/shift",
         "/desk/case", "/desk/rollcall", "/desk/rollcall.csv"]


@pytest.fixture
def team(from_template, ok):
    """The suite's team with the desk's crew: desk1 and desk2 (desk), guard (security), sup (desk supervisor)."""
    from_template(desk_team)
    return ok


@pytest.fixture
def now(team, monkeypatch):
    """The clock at 10:05 on Tuesday 2026-12-01 (the morning shift), for the pages and the CLI alike."""
    from datetime import datetime

    from receptionctl.domain.core import clock
    from tests.web.conftest import DAY

    monkeypatch.setenv("RECEPTIONCTL_NOW", DAY)
    clock.pin(datetime.fromisoformat(DAY))


@pytest.fixture
def as_user(team, client, now):
    """as_user(username): the client signed in as them (their password set through the CLI)."""
    done = set()

    def signed(username: str):
        if username not in done:
            team("staff", "password", username, input=PASSWORD + "\n")
            done.add(username)
        client.cookies.clear()
        page = sign_in(client, username)
        assert page.status_code == 200 and page.url.path != "/login", page.text
        return client

    return signed


def post(client, path: str, data: dict, page: str | None = None):
    """A form sent as a person sends it: the page first (its CSRF token), then the POST."""
    token = csrf_of(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token})


def flashes(text: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash [a-z]+" role="status">(.*?)</p>', text, re.S)]


def audit_actor(team, action: str) -> str:
    return [e for e in team("audit", "--json").json() if e["action"] == action][-1]["actor"]


def cli_refusal(cli, *args) -> str:
    """The command line's error message for the same bad input (exit 2)."""
    done = cli(*args)
    assert done.exit_code == 2, (done.exit_code, done.stderr)
    line = done.stderr.strip().splitlines()[0]
    return line.split(": ", 1)[1].removeprefix("Invalid value for '--qty': ")


def issue(client, **more):
    data = {"name": "Zhang San", "company": "Huayu Renovation", "purpose": "repaint room 301",
            "until": "today 18:00", **more}
    return post(client, "/desk/passes", data)


# -- the guards ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES + ["/desk/passes/1", "/desk/handovers/1"])
def test_every_desk_page_redirects_to_the_login_without_a_session(client, path):
    done = client.get(path, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/desk/walkin", "/desk/passes", "/desk/passes/1/return", "/desk/mail",
                                  "/desk/mail/1/collect", "/desk/goods", "/desk/goods/1/approve",
                                  "/desk/goods/1/release", "/desk/log", "/desk/shift/start", "/desk/shift/end",
                                  "/desk/handovers", "/desk/handovers/1/accept", "/desk/handovers/1/refuse",
                                  "/desk/handovers/1/settle", "/desk/case"])
def test_every_desk_action_without_the_csrf_token_is_403_and_changes_nothing(as_user, unchanged, path):
    web = as_user("desk1")
    with unchanged():
        assert web.post(path, data={"name": "X", "text": "X", "question": "X"}).status_code == 403


def test_every_desk_page_opens_for_a_desk_clerk_and_every_form_has_the_csrf_field(as_user):
    web = as_user("desk1")
    for path in PAGES:
        page = web.get(path)
        assert page.status_code == 200, (path, page.text)
        forms = page.text.count("<form")
        assert page.text.count('name="csrf_token"') == forms, path
        assert "<script" not in page.text and "style=" not in page.text, path


# -- a walk-in ------------------------------------------------------------------------------------------
def test_a_walk_in_is_checked_in_masked_audited_as_the_clerk_and_on_site_for_the_cli(as_user, team):
    web = as_user("desk1")
    done = post(web, "/desk/walkin", {"client": "Acme", "host": "wang", "name": "Liu Yang", "title": "GM",
                                      "id_number": ID_NUMBER})
    assert done.status_code == 200 and done.url.path == "/"
    said = flashes(done.text)
    assert any("walk-in visit" in s and "wang" in s for s in said), said
    assert any(s.startswith("Liu Yang checked in to visit") and "002X" in s for s in said), said
    assert ID_NUMBER not in done.text
    onsite = team("onsite", "--format", "json").json()
    assert [(p["name"], p["kind"], p["host"]) for p in onsite] == [("Liu Yang", "walk-in", "wang")]
    assert audit_actor(team, "visit.walk_in") == "desk1" and audit_actor(team, "guest.checkin") == "desk1"


# -- passes -----------------------------------------------------------------------------------------------
def test_a_pass_is_issued_printed_masked_and_returned_and_the_cli_sees_it(as_user, team):
    web = as_user("desk1")
    done = issue(web, id_number=ID_NUMBER, host="wang", place="room 301")
    assert done.status_code == 200 and re.fullmatch(r"/desk/passes/\d+", done.url.path)
    listed = team("pass", "list", "--out", "--json").json()
    assert [(p["name"], p["host"], p["place"], p["issued_by"]) for p in listed] == [
        ("Zhang San", "wang", "room 301", "desk1")]
    pass_id = listed[0]["id"]
    assert listed[0]["id_number"] == "1101**********002X"
    assert listed[0]["until"] == "2026-12-01T18:00:00+08:00"
    assert audit_actor(team, "pass.issue") == "desk1"
    printed = web.get(f"/desk/passes/{pass_id}").text  # what the redirect showed
    for shown in ("Zhang San", "Huayu Renovation", "repaint room 301", "Wang Lei", "room 301", "2026-12-01 18:00",
                  "1101**********002X", f"No. {pass_id}"):
        assert shown in printed, shown
    assert ID_NUMBER not in printed and ID_NUMBER not in web.get("/desk/passes").text
    back = post(web, f"/desk/passes/{pass_id}/return", {}, page="/desk/passes")
    assert f"pass {pass_id} returned (Zhang San, Huayu Renovation)" in flashes(back.text)
    assert team("pass", "list", "--out", "--json").json() == []
    assert audit_actor(team, "pass.return") == "desk1"
    again = post(web, f"/desk/passes/{pass_id}/return", {}, page="/desk/passes")
    assert again.status_code == 409 and "was returned already" in again.text


def test_the_print_css_hides_the_nav_and_the_forms(client):
    css = client.get("/static/style.css").text
    media = css[css.index("@media print"):]
    assert "header.top" in media and "nav" in media and "form" in media


# -- mail and goods ----------------------------------------------------------------------------------------
def test_mail_is_received_listed_uncollected_and_collected_as_the_cli_shows(as_user, team):
    web = as_user("desk1")
    done = post(web, "/desk/mail", {"to": "wang", "kind": "parcel", "sender": "SF Express", "tracking": "SF123"})
    said = flashes(done.text)
    assert any(s.startswith("mail ") and "parcel for wang (task" in s for s in said), said
    mail = team("mail", "list", "--uncollected", "--json").json()
    assert [(m["kind"], m["to"], m["sender"], m["received_by"]) for m in mail] == [
        ("parcel", "wang", "SF Express", "desk1")]
    assert "SF Express" in done.text and "Wang Lei" in done.text  # on the list of what waits
    got = post(web, f"/desk/mail/{mail[0]['id']}/collect", {"by": "Wang Lei"}, page="/desk/mail")
    assert f"mail {mail[0]['id']} collected by Wang Lei" in flashes(got.text)
    assert team("mail", "list", "--uncollected", "--json").json() == []
    assert audit_actor(team, "mail.receive") == "desk1" and audit_actor(team, "mail.collect") == "desk1"


def test_goods_leave_only_after_their_owner_agrees(as_user, team, unchanged):
    web = as_user("desk1")
    post(web, "/desk/goods", {"what": "boxes of files", "qty": "2", "owner": "wang", "carrier": "Zhang San"})
    goods = team("goods", "list", "--pending", "--json").json()
    assert [(g["what"], g["qty"], g["owner"], g["state"]) for g in goods] == [("boxes of files", 2, "wang", "waiting")]
    gid = goods[0]["id"]
    page = web.get("/desk/goods").text
    assert f"/desk/goods/{gid}/release" not in page and f"/desk/goods/{gid}/approve" not in page
    with unchanged():  # the desk cannot let them out, nor agree for the owner
        early = web.post(f"/desk/goods/{gid}/release", data={"csrf_token": csrf_of(page)})
        assert early.status_code == 409 and "waiting for the owner" in html.unescape(early.text)
        assert web.post(f"/desk/goods/{gid}/approve", data={"csrf_token": csrf_of(page)}).status_code == 403
    owner = as_user("wang")
    agreed = post(owner, f"/desk/goods/{gid}/approve", {}, page="/desk/goods")
    assert agreed.status_code == 200 and audit_actor(team, "goods.approve") == "wang"
    web = as_user("desk1")
    released = post(web, f"/desk/goods/{gid}/release", {}, page="/desk/goods")
    assert f"goods {gid} released: 2 × boxes of files, carried by Zhang San, agreed by wang" in flashes(released.text)
    assert team("goods", "list", "--json").json()[0]["state"] == "released"
    assert audit_actor(team, "goods.release") == "desk1"


# -- the duty log ---------------------------------------------------------------------------------------
def test_the_duty_log_is_written_and_corrected_as_desk_log_does(as_user, team):
    web = as_user("desk1")
    first = post(web, "/desk/log", {"text": "Room 502 reports a leaking tap", "kind": "repair", "passed_to": "wang"})
    said = flashes(first.text)
    assert any(re.fullmatch(r"duty log entry \d+ written, passed to wang \(task \d+\)", s) for s in said), said
    entry = team("--as", "sup", "desk", "log", "list", "--json").json()[0]
    page = web.get(f"/desk/log?corrects={entry['id']}")
    assert f'name="corrects" value="{entry["id"]}"' in page.text and "Room 502 reports a leaking tap" in page.text
    fixed = web.post("/desk/log", data={"text": "Room 503, not 502", "corrects": str(entry["id"]),
                                        "csrf_token": csrf_of(page.text)})
    assert any(f"correcting entry {entry['id']}" in s for s in flashes(fixed.text))
    entries = team("--as", "sup", "desk", "log", "list", "--json").json()
    assert [(e["kind"], e["corrects_id"], e["by"]) for e in entries] == [("repair", None, "desk1"),
                                                                         ("repair", entry["id"], "desk1")]
    assert entries[0]["corrected"] and audit_actor(team, "desk.log") == "desk1"
    asked = post(web, "/desk/log", {"text": "Someone asked for Mr Wu", "kind": "enquiry"})
    assert any("room number only" in s for s in flashes(asked.text))


# -- shifts and handovers ------------------------------------------------------------------------------------
def prepare(web, summary="Quiet morning; Acme's guests in room 301", **notes):
    """The checklist ticked but radios (left unticked, with a note)."""
    data = {"summary": summary, "note_radios": "one battery flat", **notes}
    data.update({f"ok_{item}": "1" for item in CHECKLIST if item != "radios"})
    return post(web, "/desk/handovers", data, page="/desk/shift")


def test_a_shift_starts_its_handover_is_prepared_with_checkboxes_refused_settled_accepted_and_it_ends(as_user, team):
    web = as_user("desk1")
    started = post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    assert any(re.fullmatch(r"shift \d+ started: desk1, morning", s) for s in flashes(started.text))
    assert all(f'name="ok_{item}"' in started.text for item in CHECKLIST)  # the policy's checklist, as checkboxes
    done = prepare(web)
    assert done.status_code == 200 and re.fullmatch(r"/desk/handovers/\d+", done.url.path)
    assert any("problems: radios" in s for s in flashes(done.text))
    [h] = team("--as", "sup", "desk", "handover", "list", "--json").json()
    checks = {c["item"]: (c["ok"], c["note"]) for c in h["checks"]}
    assert checks["radios"] == (False, "one battery flat") and checks["keys"] == (True, None)
    assert h["from_by"] == "desk1" and h["state"] == "pending"
    hid = h["id"]
    incoming = as_user("desk2")
    refused = post(incoming, f"/desk/handovers/{hid}/refuse", {"question": "Key 12 is missing"},
                   page=f"/desk/handovers/{hid}")
    assert refused.status_code == 200 and any("refused by desk2" in s for s in flashes(refused.text))
    assert audit_actor(team, "desk.handover_refuse") == "desk2"
    alerts = [a for a in team("report", "daily", "--format", "json").json()["alerts"] if a["kind"] == "handover_refused"]
    assert len(alerts) == 1 and "Key 12 is missing" in alerts[0]["text"]
    assert "Key 12 is missing" in incoming.get("/").text  # the board's alerts
    sup = as_user("sup")
    settled = post(sup, f"/desk/handovers/{hid}/settle", {"note": "key 12 was with the cleaner"},
                   page=f"/desk/handovers/{hid}")
    assert any("settled by sup" in s for s in flashes(settled.text))
    incoming = as_user("desk2")
    accepted = post(incoming, f"/desk/handovers/{hid}/accept", {}, page=f"/desk/handovers/{hid}")
    assert any("accepted by desk2" in s for s in flashes(accepted.text))
    web = as_user("desk1")
    ended = post(web, "/desk/shift/end", {}, page="/desk/shift")
    assert any(f"(handover {hid} accepted)" in s for s in flashes(ended.text))
    [h] = team("--as", "sup", "desk", "handover", "list", "--json").json()
    assert (h["state"], h["to_by"], h["settled_by"]) == ("accepted", "desk2", "sup")
    assert [audit_actor(team, a) for a in ("desk.shift_start", "desk.handover_prepare", "desk.handover_settle",
                                           "desk.handover_accept", "desk.shift_end")] == [
        "desk1", "desk1", "sup", "desk2", "desk1"]
    sheet = web.get(f"/desk/handovers/{hid}").text  # the printable sheet
    for shown in ("Quiet morning; Acme&#39;s guests in room 301", "one battery flat", "PROBLEM", "Key 12 is missing",
                  "key 12 was with the cleaner", "desk2"):
        assert shown in sheet, shown


def test_the_outgoing_person_cannot_accept_their_own_handover_and_only_a_supervisor_settles(as_user, unchanged):
    web = as_user("desk1")
    post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    hid = re.search(r"/desk/handovers/(\d+)", prepare(web).url.path).group(1)
    with unchanged():
        own = post(web, f"/desk/handovers/{hid}/accept", {}, page=f"/desk/handovers/{hid}")
        assert own.status_code == 403 and "the incoming person accepts it" in own.text
        early = post(web, f"/desk/handovers/{hid}/settle", {"note": "fine"}, page=f"/desk/handovers/{hid}")
        assert early.status_code == 403


# -- a case ------------------------------------------------------------------------------------------------
def test_a_case_is_taken_at_the_desk_audited_and_listed_by_the_cli(desk_day, as_user, team):
    vid = desk_day  # an approved visit of Acme's, today
    web = as_user("desk1")
    done = post(web, "/desk/case", {"kind": "complaint", "source": "visit", "category": "service",
                                    "severity": "high", "text": "Lunch came an hour late", "visit": str(vid)})
    said = flashes(done.text)
    assert any(re.fullmatch(r"case \d+ received: complaint, received", s) for s in said), said
    [case] = team("case", "list", "--json").json()
    assert (case["kind"], case["source"], case["category"], case["severity"], case["client"], case["visit_id"]) == (
        "complaint", "visit", "service", "high", "Acme", vid)
    assert audit_actor(team, "case.add") == "desk1"


def test_a_complaint_about_a_member_of_staff_never_shows_on_their_desk_pages(as_user, team):
    web = as_user("desk1")
    post(web, "/desk/case", {"kind": "complaint", "text": "Rude at the counter, secret words", "about": "desk2"})
    post(web, "/desk/case", {"kind": "repair", "text": "The lift in block B squeaks"})
    post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    hid = re.search(r"/desk/handovers/(\d+)", prepare(web).url.path).group(1)
    other = as_user("desk2")
    for path in ("/desk/shift", f"/desk/handovers/{hid}", "/", "/desk"):
        assert "secret words" not in other.get(path).text, path
    assert "The lift in block B squeaks" in other.get(f"/desk/handovers/{hid}").text  # open cases are listed


# -- the roll call ---------------------------------------------------------------------------------------
def test_the_roll_call_is_everyone_on_site_as_onsite_shows_them_and_its_csv_is_onsites(as_user, team):
    web = as_user("desk1")
    post(web, "/desk/walkin", {"client": "Acme", "host": "wang", "name": "Liu Yang"})
    issue(web, place="room 301")
    page = web.get("/desk/rollcall").text
    onsite = team("onsite", "--format", "json").json()
    assert [p["name"] for p in onsite] == ["Liu Yang", "Zhang San"] and "On site now: 2" in page
    for p in onsite:
        assert p["name"] in page and p["company"] in page
    csv = web.get("/desk/rollcall.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    assert csv.text == team("onsite", "--format", "csv").stdout


# -- bad input: the command line's refusal, nothing changed --------------------------------------------------
PASS_ARGS = ("--as", "desk1", "pass", "issue", "--company", "Huayu", "--purpose", "paint")


@pytest.mark.parametrize("path,form,args", [
    ("/desk/passes", {"name": "Zhang San", "company": "Huayu", "purpose": "paint", "until": "yesterday 10:00"},
     PASS_ARGS + ("--name", "Zhang San", "--until", "yesterday 10:00")),
    ("/desk/passes", {"name": "Zhang San", "company": "Huayu", "purpose": "paint", "until": "soon"},
     PASS_ARGS + ("--name", "Zhang San", "--until", "soon")),
    ("/desk/passes", {"name": "Z" * 201, "company": "Huayu", "purpose": "paint", "until": "18:00"},
     PASS_ARGS + ("--name", "Z" * 201, "--until", "18:00")),
    ("/desk/passes", {"name": "Zhang San", "company": "Huayu", "purpose": "paint", "until": "18:00",
                      "id_number": "1101<99>"},
     PASS_ARGS + ("--name", "Zhang San", "--until", "18:00", "--id-number", "1101<99>")),
    ("/desk/goods", {"what": "boxes", "qty": "0", "owner": "wang", "carrier": "Zhang San"},
     ("--as", "desk1", "goods", "request", "--what", "boxes", "--qty", "0", "--owner", "wang", "--carrier", "Z")),
    ("/desk/goods", {"what": "boxes", "qty": "2", "owner": "wang", "carrier": "C" * 201},
     ("--as", "desk1", "goods", "request", "--what", "boxes", "--qty", "2", "--owner", "wang", "--carrier", "C" * 201)),
    ("/desk/mail", {"to": "wang", "kind": "parcel", "tracking": "T" * 101},
     ("--as", "desk1", "mail", "receive", "--to", "wang", "--kind", "parcel", "--tracking", "T" * 101)),
    ("/desk/log", {"text": "   ", "kind": "call"}, ("--as", "desk1", "desk", "log", "add", "   ", "--kind", "call")),
    ("/desk/case", {"kind": "complaint", "text": "x" * 4001},
     ("--as", "desk1", "case", "add", "--kind", "complaint", "--text", "x" * 4001)),
    ("/desk/case", {"kind": "repair", "text": "Tap", "category": "weather"},
     ("--as", "desk1", "case", "add", "--kind", "repair", "--text", "Tap", "--category", "weather")),
    ("/desk/walkin", {"client": "Acme", "host": "wang", "name": "N" * 201},
     ("--as", "desk1", "checkin", "--walk-in", "--client", "Acme", "--host", "wang", "--guest", "N" * 201)),
    ("/desk/shift/start", {"shift": "evening"}, ("--as", "desk1", "desk", "shift", "start", "--shift", "evening")),
])
def test_bad_input_gets_the_command_lines_refusal_with_400_and_changes_nothing(as_user, cli, unchanged, path, form,
                                                                              args):
    web = as_user("desk1")
    token = csrf_of(web.get("/desk").text)
    with unchanged():
        said = cli_refusal(cli, *args)
        done = web.post(path, data={**form, "csrf_token": token})
    assert done.status_code == 400, done.text
    assert html.escape(said, quote=True) in done.text or said in html.unescape(done.text), (said, done.text)


def test_a_handover_without_its_summary_or_question_is_refused_as_on_the_command_line(as_user, cli, unchanged):
    web = as_user("desk1")
    post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    token = csrf_of(web.get("/desk/shift").text)
    with unchanged():
        said = cli_refusal(cli, "--as", "desk1", "desk", "handover", "prepare", "--summary", " ",
                           *[f"--check={i}=ok" for i in CHECKLIST])
        done = web.post("/desk/handovers", data={"summary": " ", "csrf_token": token,
                                                 **{f"ok_{i}": "1" for i in CHECKLIST}})
        assert done.status_code == 400 and said in html.unescape(done.text)
    hid = re.search(r"/desk/handovers/(\d+)", prepare(web).url.path).group(1)
    other = as_user("desk2")
    token = csrf_of(other.get(f"/desk/handovers/{hid}").text)
    with unchanged():
        said = cli_refusal(cli, "--as", "desk2", "desk", "handover", "refuse", hid, "--question", "")
        done = other.post(f"/desk/handovers/{hid}/refuse", data={"question": "", "csrf_token": token})
        assert done.status_code == 400 and said in html.unescape(done.text)


# -- what people typed is escaped --------------------------------------------------------------------------
def test_names_notes_and_case_text_are_escaped_on_every_desk_page(as_user):
    web = as_user("desk1")
    issue(web, name=PROBE, company=PROBE, place=PROBE)
    post(web, "/desk/mail", {"to": "wang", "kind": "letter", "sender": PROBE, "tracking": PROBE})
    post(web, "/desk/goods", {"what": PROBE, "qty": "1", "owner": "wang", "carrier": PROBE})
    post(web, "/desk/log", {"text": PROBE, "kind": "other"})
    post(web, "/desk/walkin", {"client": "Acme", "host": "wang", "name": PROBE})
    case = post(web, "/desk/case", {"kind": "request", "text": PROBE})
    assert case.status_code == 200
    post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    sheet = prepare(web, summary=PROBE, note_keys=PROBE)
    assert sheet.status_code == 200
    for path in ("/desk/passes", "/desk/passes/1", "/desk/mail", "/desk/goods", "/desk/log", "/desk/shift",
                 sheet.url.path, "/desk/rollcall", "/"):
        text = web.get(path).text
        assert PROBE not in text and ESCAPED in text, path


# -- in Chinese ------------------------------------------------------------------------------------------------
def test_the_desk_pages_in_chinese_have_no_english_left(as_user, team):
    from tests.latin import offenders

    def chinese(web):  # the user's choice, kept in a cookie: what is written is written in Chinese
        web.get("/lang?to=zh-CN&next=/desk")
        return web

    web = chinese(as_user("desk1"))
    issue(web, id_number=ID_NUMBER, host="wang", place="room 301")
    post(web, "/desk/mail", {"to": "wang", "kind": "parcel", "sender": "SF Express"})
    post(web, "/desk/goods", {"what": "boxes of files", "qty": "2", "owner": "wang", "carrier": "Zhang San"})
    post(web, "/desk/log", {"text": "Room 502 tap", "kind": "repair"})
    post(web, "/desk/walkin", {"client": "Acme", "host": "wang", "name": "Liu Yang"})
    post(web, "/desk/shift/start", {"shift": ""}, page="/desk/shift")
    hid = re.search(r"/desk/handovers/(\d+)", prepare(web, summary="Quiet morning").url.path).group(1)
    other = chinese(as_user("desk2"))
    post(other, f"/desk/handovers/{hid}/refuse", {"question": "Key 12"}, page=f"/desk/handovers/{hid}")
    web = chinese(as_user("desk1"))
    typed = ["Zhang San", "Huayu Renovation", "repaint room 301", "room 301", "Wang Lei", "Zhao Qing", "SF Express",
             "boxes of files", "Room 502 tap", "Liu Yang", "Acme", "Quiet morning", "Key 12", "one battery flat",
             "English"]
    english = {"accept-language": "en"}  # the cookie wins over the browser
    for path in PAGES[:-1] + ["/desk/passes/1", f"/desk/handovers/{hid}"]:
        page = web.get(path, headers=english)
        assert page.status_code == 200, path
        shown = html.unescape(re.sub(r"<[^>]*>", " ", page.text))
        assert not offenders(shown, phrases=typed, ids=["desk1", "desk2", "wang", "li", "sup"]), (path, shown)
    form = web.get("/desk/passes", headers=english)
    done = web.post("/desk/passes", headers=english, data={"name": "Zhang San", "company": "Huayu", "purpose": "paint",
                                                      "until": "yesterday 10:00", "csrf_token": csrf_of(form.text)})
    assert done.status_code == 400 and "不" in done.text
