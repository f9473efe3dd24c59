"""Issue 15, part 6: export visits, tasks, cases and feedback as csv, JSON Lines and iCalendar."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.cli.test_cases import NOW
from tests.cli.test_foundation import one_error_line
from tests.cli.test_procedure_tasks import TASK_FIELDS
from tests.cli.test_reception_followup import held  # noqa: F401  (a fixture)
from tests.cli.test_restricted import crew  # noqa: F401  (a fixture)
from tests.cli.test_visits_plans import VISIT_FIELDS, new_visit

BOM = "\ufeff"


def chinese_visit(ok):
    ok("client", "add", "华为技术")
    return ok("--as", "li", "visit", "new", "--client", "华为技术", "--at", "2026-12-03 14:00", "--purpose", "tour",
              "--headcount", "3", "--venue", "三号会议室", "--host", "wang", "--json").json()


def test_csv_has_a_bom_a_header_and_round_trips_chinese(team):
    v = chinese_visit(team)
    run = team("export", "visits", "--format", "csv")
    assert run.stdout.startswith(BOM) and run.stderr == ""
    rows = list(csv.reader(io.StringIO(run.stdout[1:])))
    header, data = rows[0], rows[1:]
    assert {"id", "client", "starts_at", "venue", "host", "status"} <= set(header)
    got = dict(zip(header, data[0]))
    assert got["id"] == str(v["id"]) and got["client"] == "华为技术" and got["venue"] == "三号会议室"
    assert got["starts_at"] == "2026-12-03 14:00" and got["ends_at"] == "2026-12-03 16:00"  # company zone
    assert got["host"] == "wang" and got["offsite"] == "no"


def test_csv_writes_formulas_as_text_and_an_empty_set_as_a_header(team):
    team("client", "add", "=HYPERLINK(\"x\")")
    team("--as", "li", "visit", "new", "--client", "=HYPERLINK", "--at", "2026-12-03 14:00", "--purpose", "talk",
         "--headcount", "2")
    row = list(csv.reader(io.StringIO(team("export", "visits", "--format", "csv").stdout[1:])))[1]
    assert "'=HYPERLINK(\"x\")" in row
    empty = team("export", "feedback", "--format", "csv").stdout
    assert empty.startswith(BOM) and len(empty[1:].splitlines()) == 1 and "score" in empty


def test_json_lines_carry_the_list_fields(held, ok):
    chinese_visit(ok)
    lines = ok("export", "visits", "--format", "json").stdout.splitlines()
    visits = [json.loads(line) for line in lines]
    assert len(visits) == 2 and all(VISIT_FIELDS <= set(v) for v in visits)
    assert visits[0]["id"] == held and visits[0]["starts_at"] == "2026-12-01T10:00:00+08:00"
    assert visits[1]["client"] == "华为技术"
    tasks = [json.loads(line) for line in ok("export", "tasks", "--format", "json").stdout.splitlines()]
    assert tasks and all(TASK_FIELDS <= set(t) for t in tasks)
    assert {t["state"] for t in tasks} >= {"open", "done"}  # every state, not only open ones
    listed = ok("task", "list", "--state", "all", "--json").json()
    assert sorted(t["id"] for t in tasks) == sorted(t["id"] for t in listed)


def test_from_and_to_filter_on_the_start(held, ok):
    late = chinese_visit(ok)["id"]
    got = ok("export", "visits", "--format", "json", "--from", "2026-12-02", "--to", "2026-12-04").stdout
    assert [json.loads(line)["id"] for line in got.splitlines()] == [late]
    tasks = ok("export", "tasks", "--format", "json", "--from", "2026-12-01 00:00", "--to", "2026-12-01 23:59")
    assert all(json.loads(t)["due_at"].startswith("2026-12-01") for t in tasks.stdout.splitlines())


def database_id(ok) -> str:
    return ok("db", "info", "--json").json()["database_id"]


def test_ics_one_event_per_visit_with_team_times_and_alarm(held, ok, tmp_path):
    import icalendar

    ok("staff", "edit", "li", "--email", "li.na@example.com")  # wang has no address
    wang_visit = chinese_visit(ok)["id"]
    gone = new_visit(ok, at="2026-12-05 09:00")["id"]
    ok("--as", "li", "visit", "cancel", str(gone), "--reason", "the client postponed")
    target = tmp_path / "visits.ics"
    run = ok("export", "visits", "--format", "ics", "--output", str(target))
    assert run.stdout == "" and run.stderr == ""
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    db = database_id(ok)
    assert set(events) == {f"visit-{n}-{db}@receptionctl" for n in (held, wang_visit, gone)}
    done = events[f"visit-{held}-{db}@receptionctl"]
    assert done.decoded("DTSTART") == datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    assert done.decoded("DTEND") == datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
    assert str(done["SUMMARY"]) == "Acme – talk" and str(done["STATUS"]) == "CONFIRMED"
    assert str(done["ORGANIZER"]) == "mailto:li.na@example.com" and done["ORGANIZER"].params["CN"] == "Li Na"
    attendees = done["ATTENDEE"] if isinstance(done["ATTENDEE"], list) else [done["ATTENDEE"]]
    assert [(str(a), a.params["X-RECEPTIONCTL-ROLE"]) for a in attendees] == [("mailto:li.na@example.com", "host")]
    assert "Wang Lei (host, backup)" in str(done["DESCRIPTION"])  # no address: named in the description only
    assert b".invalid" not in target.read_bytes()
    (alarm,) = done.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=10 + 15)  # host_early_minutes + 15
    planned = events[f"visit-{wang_visit}-{db}@receptionctl"]
    assert str(planned["STATUS"]) == "TENTATIVE" and str(planned["LOCATION"]) == "三号会议室"
    assert str(planned["SUMMARY"]) == "华为技术 – tour"
    cancelled = events[f"visit-{gone}-{db}@receptionctl"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and not cancelled.walk("VALARM")
    # the same visit keeps its UID when the file is made again (a calendar updates, not duplicates)
    again = icalendar.Calendar.from_ical(ok("export", "visits", "--format", "ics").stdout)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


def test_host_keeps_only_that_persons_visits(held, ok):
    mine = chinese_visit(ok)["id"]
    got = ok("export", "visits", "--format", "json", "--host", "wang").stdout.splitlines()
    assert [json.loads(line)["id"] for line in got] == [mine]
    tasks = [json.loads(t) for t in ok("export", "tasks", "--format", "json", "--host", "li").stdout.splitlines()]
    assert tasks and {t["visit_id"] for t in tasks} == {held}
    import icalendar

    cal = icalendar.Calendar.from_ical(ok("export", "visits", "--format", "ics", "--host", "li").stdout)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"visit-{held}-{database_id(ok)}@receptionctl"]


def test_output_replaces_the_file_whole(team, tmp_path):
    chinese_visit(team)
    target = tmp_path / "out.csv"
    target.write_text("old contents\n")
    run = team("export", "visits", "--format", "csv", "--output", str(target))
    assert run.stdout == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "华为技术".encode() in data and b"old contents" not in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []  # no temporary left


def test_feedback_export(held, ok):
    ok("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--comment", "很满意",
         env={"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"})
    (line,) = ok("export", "feedback", "--format", "json").stdout.splitlines()
    got = json.loads(line)
    assert got["visit_id"] == held and got["score"] == 92 and got["comment"] == "很满意"
    rows = list(csv.reader(io.StringIO(ok("export", "feedback", "--format", "csv").stdout[1:])))
    assert dict(zip(*rows))["at"] == "2026-12-02 10:00"
    assert ok("export", "feedback", "--format", "json", "--host", "wang").stdout == ""


def test_complaints_about_staff_only_for_those_who_may_see_them(crew):
    seen = crew("--as", "dm", "export", "cases", "--format", "json", env=NOW).stdout
    assert "SECRETWORDS" in seen
    for who in ("wang", "li"):
        assert "SECRETWORDS" not in crew("--as", who, "export", "cases", "--format", "csv", env=NOW).stdout
        assert "SECRETWORDS" not in crew("--as", who, "export", "tasks", "--format", "json", env=NOW).stdout


@pytest.mark.parametrize("args, code, words", [
    (("export", "tasks", "--format", "ics"), 2, "visits only"),
    (("export", "cases", "--format", "ics"), 2, "visits only"),
    (("export", "guests", "--format", "csv"), 2, "guests"),
    (("export", "visits", "--format", "xml"), 2, "xml"),
    (("export", "visits", "--format", "csv", "--from", "2026-12-05", "--to", "2026-12-01"), 2, "before it starts"),
    (("export", "visits", "--format", "ics", "--host", "nobody"), 3, "nobody"),
    (("export", "visits", "--format", "csv", "--output", "/no/such/folder/x.csv"), 2, "no folder"),
])
def test_bad_usage(team, cli, args, code, words):
    one_error_line(cli(*args), code, words)


# -- issue 25: csv for people in Chinese, --codes for scripts ---------------------------------
ZH = ("--lang", "zh-CN")


def _table(text: str) -> list[dict]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def every_kind(held, ok):
    """A held visit with feedback, a complaint about it, and a Chinese visit planned."""
    chinese_visit(ok)
    ok("--as", "li", "feedback", "add", str(held), "--score", "92", "--channel", "phone", "--intent", "high",
       "--comment", "很满意", env={"RECEPTIONCTL_NOW": "2026-12-02T10:00:00+08:00"})
    ok("--as", "li", "case", "add", "--kind", "complaint", "--text", "投影仪故障", "--client", "Acme",
       "--category", "facility", "--severity", "high", env={"RECEPTIONCTL_NOW": "2026-12-02T11:00:00+08:00"})
    return ok


@pytest.mark.parametrize("chinese", [ZH, ()], ids=["--lang zh-CN", "LANG=zh_CN.UTF-8"])
def test_csv_in_chinese_has_chinese_headers_and_values(every_kind, chinese):
    env = {} if chinese else {"LANG": "zh_CN.UTF-8"}
    visits = _table(every_kind(*chinese, "export", "visits", "--format", "csv", env=env).stdout)
    assert list(visits[0])[:6] == ["编号", "客户", "客户编号", "事由", "级别", "状态"]
    held, planned = visits
    assert (held["事由"], held["状态"], held["方案状态"], held["外出接待"]) == ("商务洽谈", "已完成", "已批准", "否")
    assert (planned["客户"], planned["事由"], planned["状态"]) == ("华为技术", "参观考察", "筹备中")
    assert planned["开始时间"] == "2026-12-03 14:00"
    tasks = _table(every_kind(*chinese, "export", "tasks", "--format", "csv", env=env).stdout)
    assert "title_zh" not in tasks[0] and "任务" in tasks[0]
    first = tasks[0]
    assert first["阶段"] == "准备" and first["任务"] == "确认来访信息（时间、人数、姓名职务、目的、需求、饮食禁忌、特殊需求）"
    assert {t["状态"] for t in tasks} >= {"已完成", "未完成"} and {t["逾期"] for t in tasks} <= {"是", "否"}
    assert {t["负责角色"] for t in tasks} >= {"协调员", "主接待人"}
    cases = _table(every_kind(*chinese, "export", "cases", "--format", "csv", env=env).stdout)
    assert [(c["类型"], c["类别"], c["严重程度"], c["内容"]) for c in cases] == [("投诉", "设施", "高", "投影仪故障")]
    feedback = _table(every_kind(*chinese, "export", "feedback", "--format", "csv", env=env).stdout)
    assert [(f["分数"], f["渠道"], f["合作意向"], f["优秀"]) for f in feedback] == [("92", "电话", "高", "是")]
    # no English code left in a coded column, nor a yes/no
    for rows, coded in ((visits, ("事由", "状态", "方案状态", "紧急")), (tasks, ("阶段", "状态", "负责角色", "逾期")),
                        (cases, ("类型", "来源", "状态", "类别", "严重程度")), (feedback, ("渠道", "合作意向", "优秀"))):
        assert not [r[c] for r in rows for c in coded if re.search("[A-Za-z]", r[c])], coded


def test_codes_keeps_the_english_csv_and_json_never_changes(every_kind):
    for kind in ("visits", "tasks", "cases", "feedback"):
        english = every_kind("export", kind, "--format", "csv").stdout
        assert english.startswith(BOM) and "是" not in english.splitlines()[0]
        assert every_kind(*ZH, "export", kind, "--format", "csv", "--codes").stdout == english
        assert every_kind("export", kind, "--format", "csv", "--codes").stdout == english
        assert every_kind("export", kind, "--format", "csv", "--codes",
                          env={"LANG": "zh_CN.UTF-8"}).stdout == english
        lines = every_kind("export", kind, "--format", "json").stdout
        assert every_kind(*ZH, "export", kind, "--format", "json").stdout == lines
        assert every_kind(*ZH, "export", kind, "--format", "json", "--codes").stdout == lines
    header = every_kind("export", "visits", "--format", "csv").stdout[1:].splitlines()[0]
    assert header.startswith("id,client,client_id,purpose,level,status,")


def test_the_file_is_written_with_its_bom_in_chinese(every_kind, tmp_path):
    target = tmp_path / "来访.csv"
    every_kind(*ZH, "export", "visits", "--format", "csv", "--output", str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + "编号,客户".encode()) and b"\r\n" in data


def test_the_roll_call_in_chinese_and_with_codes(team):
    from tests.cli.test_walk_ins import DAY, approved

    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    english = team("onsite", "--format", "csv", env=DAY).stdout
    assert english.startswith("name,kind,company,host,since,where,until\n") and "Liu Yang,guest,Acme,li," in english
    assert team(*ZH, "onsite", "--format", "csv", "--codes", env=DAY).stdout == english
    chinese = team(*ZH, "onsite", "--format", "csv", env=DAY).stdout
    assert chinese.startswith(BOM + "姓名,类型,单位,主接待人,进入时间,所在位置,有效期至\n")
    assert "Liu Yang,访客,Acme,li," in chinese
    assert team(*ZH, "onsite", "--format", "json", env=DAY).stdout == team("onsite", "--format", "json", env=DAY).stdout
