"""Issue 13, part 7: the feedback questionnaire as data. The procedure file's [[questions]]
(seed 003's satisfaction survey, seed 002's form) are asked by `feedback add --answer`, or in
turn on a terminal; the 0-100 score is computed from the weighted scale answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_foundation import one_error_line
from tests.cli.test_reception_followup import AFTER, DAY, held, tasks_by_key  # noqa: F401 (held: a fixture)
from tests.cli.test_visits_plans import approved

ROOT = Path(__file__).resolve().parents[2]
FORM_MARK = "# ---------------------------------------------------------------- the feedback form"
ALL_FIVE = [f"q{n}=5" for n in range(1, 7)]


def answers(*pairs: str) -> list[str]:
    return [arg for pair in pairs for arg in ("--answer", pair)]


def add(ok, vid, *args, env=AFTER):
    return ok("--as", "li", "feedback", "add", str(vid), *args, env=env)


def procedure_with(tmp_path: Path, questions: str) -> Path:
    """The default procedure with its own feedback form instead of the default's."""
    text = (ROOT / "src/receptionctl/procedures/default.toml").read_text(encoding="utf-8")
    head = text.split(FORM_MARK)[0].replace('version = "2026.4"', 'version = "ours-q"')
    path = tmp_path / "ours.toml"
    path.write_text(head + questions, encoding="utf-8")
    return path


WEIGHTED = '''
[[questions]]
key = "speed"
text = "How quick were we?"
text_zh = "我们的速度如何？"
kind = "scale"
weight = 3

[[questions]]
key = "value"
text = "Worth the money?"
kind = "scale"

[[questions]]
key = "notes"
text = "Anything else?"
kind = "text"
'''


# -- the score from the answers -----------------------------------------------------------------
def test_the_score_is_computed_from_the_answers_and_shown_with_the_questions(team, held):
    run = add(team, held, *answers("q1=5", "q2=4", "Q3=4", "q4=5", "q5=3", "q6=5",
                                   "q8=Book the canteen a day ahead", "q7="), "--json")
    f = run.json()
    # (4 + 3 + 3 + 4 + 2 + 4) / (4 x 6) = 20/24 = 83.3
    assert f["score"] == 83 and f["channel"] == "form" and f["excellent"] is False
    assert [a["key"] for a in f["answers"]] == ["q1", "q2", "q3", "q4", "q5", "q6", "q8"]  # q7 left empty
    first = f["answers"][0]
    assert first == {"key": "q1", "question": "Was it easy to get in touch with us?",
                     "question_zh": "与我们联络是否方便？", "kind": "scale", "weight": 1, "value": 5}
    assert f["answers"][-1]["value"] == "Book the canteen a day ahead" and f["answers"][-1]["weight"] is None
    shown = team("feedback", "show", str(held), "--json", env=AFTER).json()
    assert shown["answers"] == f["answers"] and shown["client"] == "Acme"
    listed = team("feedback", "list", "--json", env=AFTER).json()
    assert listed[0]["answers"] == f["answers"]
    text = team("feedback", "show", str(held), env=AFTER).stdout
    assert "q1" in text and "5 of 5" in text and "与我们联络是否方便" in text and "Book the canteen" in text
    event = [e for e in team("audit", "--json").json() if e["action"] == "feedback.add"][0]
    assert event["after"]["answers"]["q8"] == "Book the canteen a day ahead"
    # the callback is done, as with a score
    assert "callback" not in tasks_by_key(team, held, env=AFTER)
    # (4 x 5 + 3) / 24 = 95.8
    assert "score 96 from 6 answers (excellent)" in add(team, held, *answers(*ALL_FIVE[:5], "q6=4"), "--replace").stdout


def test_the_formula_rounds_halves_up_in_exact_arithmetic():
    from receptionctl.domain.engine.procedure import QuestionSpec
    from receptionctl.domain.visits.followups import form_score

    form = tuple(QuestionSpec(f"q{n}", f"Q{n}", "scale", weight=1) for n in range(1, 7))
    assert form_score(form, {f"q{n}": 5 for n in range(1, 7)}) == 100
    assert form_score(form, {f"q{n}": 1 for n in range(1, 7)}) == 0
    assert form_score(form, {"q1": 4, **{f"q{n}": 1 for n in range(2, 7)}}) == 13  # 12.5
    odd = (QuestionSpec("a", "A", "scale", weight=0.1), QuestionSpec("b", "B", "scale", weight=0.2),
           QuestionSpec("c", "C", "text"))
    assert form_score(odd, {"a": 5, "b": 3}) == 67  # (0.4 + 0.4) / 1.2 = 66.7


def test_a_score_given_as_a_number_still_works(team, held):
    f = add(team, held, "--score", "77", "--channel", "phone", "--json").json()
    assert f["score"] == 77 and f["answers"] == [] and f["channel"] == "phone"
    assert "answers" not in team("feedback", "show", str(held), env=AFTER).stdout


def test_replacing_a_form_replaces_its_answers(team, held):
    add(team, held, *answers(*ALL_FIVE, "q9=Delivery times?"))
    f = add(team, held, "--score", "70", "--channel", "phone", "--replace", "--json").json()
    assert f["answers"] == [] and team("feedback", "show", str(held), "--json", env=AFTER).json()["answers"] == []
    event = [e for e in team("audit", "--json").json() if e["action"] == "feedback.replace"][0]
    assert event["before"]["answers"]["q9"] == "Delivery times?" and event["before"]["score"] == 100


# -- refusals: exit 2, nothing stored ----------------------------------------------------------
@pytest.mark.parametrize("args, needles", [
    (answers(*ALL_FIVE[:5]), ["q6"]),  # a scale question unanswered
    (answers(*ALL_FIVE[:4]), ["q5, q6"]),
    (answers(*ALL_FIVE, "q11=hello"), ["'q11'", "q10"]),  # no such question; the known keys named
    (answers(*ALL_FIVE[:5], "q6=6"), ["q6='6'", "1 (poor) to 5"]),
    (answers(*ALL_FIVE[:5], "q6=four"), ["q6='four'"]),
    (answers(*ALL_FIVE[:5], "q6=4.5"), ["q6='4.5'"]),
    (answers(*ALL_FIVE, "q1"), ["'q1'", "KEY=VALUE"]),
    (answers(*ALL_FIVE, "q1=4"), ["q1", "twice"]),
    (["--score", "80", "--channel", "phone", *answers(*ALL_FIVE)], ["--score", "--answer"]),
    (["--score", "80", "--channel", "phone", "--ask"], ["--score", "--ask"]),
    (["--score", "80"], ["--channel"]),
    ([], ["--score", "--answer"]),  # neither, and stdin is not a terminal
])
def test_bad_forms_exit_2_and_store_nothing(team, held, cli, unchanged, args, needles):
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(held), *args, env=AFTER), 2, *needles)


def test_a_form_is_refused_before_it_is_asked(team, cli, unchanged):
    vid = approved(team)  # not yet held
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(vid), "--ask", input="5\n" * 6, env=DAY),
                       1, "after the visit")


# -- the red line ------------------------------------------------------------------------------
def test_a_form_under_the_red_line_opens_the_investigation_and_a_complaint_case(team, held):
    run = add(team, held, *answers(*(f"q{n}=2" for n in range(1, 7)), "q8=Nobody met us"), "--json")
    f = run.json()
    assert f["score"] == 25 and f["below_red_line"] is True
    assert "ALERT" in run.stderr and "red line 60" in run.stderr and "complaint case 1 opened" in run.stderr
    inv = tasks_by_key(team, held, env=AFTER)["investigate-feedback"][0]
    assert inv["owner_role"] == "coordinator"
    case = team("case", "show", "1", "--json", env=AFTER).json()
    assert (case["kind"], case["visit_id"]) == ("complaint", held)


# -- weights and a procedure's own form ---------------------------------------------------------
def test_a_procedure_file_gives_its_own_weighted_form(team, cli, tmp_path, unchanged):
    loaded = team("procedure", "load", "--reason", "a test", str(procedure_with(tmp_path, WEIGHTED)))
    assert "3 feedback questions" in loaded.stdout
    shown = team("procedure", "show", "--json").json()["questions"]
    assert [(q["key"], q["kind"], q["weight"]) for q in shown] == [("speed", "scale", 3), ("value", "scale", 1),
                                                                      ("notes", "text", None)]
    assert "How quick were we?" in team("procedure", "show").stdout
    vid = approved(team)
    team("--as", "li", "checkin", str(vid), "--guest", "Liu Yang", env=DAY)
    team("--as", "li", "visit", "complete", str(vid), env=AFTER)
    with unchanged():  # the default form's questions are not this visit's
        one_error_line(cli("--as", "li", "feedback", "add", str(vid), *answers(*ALL_FIVE), env=AFTER), 2,
                       "'q1'", "speed, value, notes")
    # speed weighs 3, value 1: 100 x (3 x 4 + 1 x 0) / (4 x 4)
    f = add(team, vid, *answers("speed=5", "value=1"), "--json").json()
    assert f["score"] == 75 and [a["question"] for a in f["answers"]] == ["How quick were we?", "Worth the money?"]
    f = add(team, vid, *answers("speed=1", "value=5", "notes=fine"), "--replace", "--json").json()
    assert f["score"] == 25 and f["answers"][2] == {"key": "notes", "question": "Anything else?",
                                                    "question_zh": None, "kind": "text", "weight": None,
                                                    "value": "fine"}


def test_a_visit_keeps_the_form_of_its_procedure_version(team, held, tmp_path):
    team("procedure", "load", "--reason", "a test", str(procedure_with(tmp_path, WEIGHTED)))
    # `held` was recorded under the default procedure: it is asked the default questions
    assert add(team, held, *answers(*ALL_FIVE), "--json").json()["score"] == 100


def test_a_procedure_stored_before_the_form_was_data_asks_the_default_questions(team, held, db_target):
    from sqlalchemy import create_engine, text

    from receptionctl.store.db import url_for

    engine = create_engine(url_for(db_target))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE procedure_version SET questions = NULL"))
    finally:
        engine.dispose()
    assert len(team("procedure", "show", "--json").json()["questions"]) == 10
    assert add(team, held, *answers(*ALL_FIVE[:5], "q6=1"), "--json").json()["score"] == 83


@pytest.mark.parametrize("questions, needle", [
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\nweight = 0\n', "line 15: weight 0"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\nweight = -2\n', "weight -2"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\nweight = "3"\n', "weight '3'"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\nweight = true\n', "weight True"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "text"\nweight = 1\n', "no weight"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "text"\n', "at least one of kind scale"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "stars"\n', "kind 'stars'"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\n[[questions]]\nkey = "a"\ntext = "B"\nkind = "scale"\n',
     "line 16: duplicate question key 'a' (first at line 12)"),
    ('[[questions]]\nkey = "Q 1"\ntext = "A"\nkind = "scale"\n', "key 'Q 1'"),
    ('[[questions]]\nkey = "a"\nkind = "scale"\n', "no 'text'"),
    ('[[questions]]\nkey = "a"\ntext = "A"\nkind = "scale"\nhelp = "x"\n', "unknown key 'help'"),
    ('[[question]]\nkey = "a"\ntext = "A"\nkind = "scale"\n', "unknown top-level key 'question'"),
])
def test_bad_questions_name_the_line_and_the_reason(questions, needle):
    from receptionctl.domain.engine.procedure import ProcedureError, parse

    head = 'name = "p"\nversion = "1"\n\n[[tasks]]\nkey = "t"\nstage = "prepare"\ntitle = "T"\nowner = "host"\n' \
           'due = "start-1wd"\n\n'
    with pytest.raises(ProcedureError) as err:
        parse(head + questions, "p.toml")
    assert needle in str(err.value), str(err.value)  # the questions start at line 11


def test_a_file_without_questions_gets_the_default_form():
    from receptionctl.domain.engine.procedure import ProcedureError, default_questions, default_text, parse

    tasks = '[[tasks]]\nkey = "t"\nstage = "prepare"\ntitle = "T"\nowner = "host"\ndue = "start-1wd"\n'
    with pytest.raises(ProcedureError, match="line 3: questions must be"):  # an empty form is no form
        parse('name = "p"\nversion = "1"\nquestions = []\n' + tasks, "p.toml")
    proc = parse('name = "p"\nversion = "1"\n' + tasks, "p.toml")
    assert proc.questions == default_questions() == parse(default_text()).questions
    assert [q.key for q in proc.questions] == [f"q{n}" for n in range(1, 11)]
    assert [q.kind for q in proc.questions] == ["scale"] * 6 + ["text"] * 4
    assert all(q.text_zh for q in proc.questions)


# -- asked in turn -----------------------------------------------------------------------------
def test_ask_takes_each_answer_a_line(team, held):
    lines = "5\n4\n4\n5\n3\n5\n\nMore parking\n\nA quote by Friday\n"
    run = team("--as", "li", "feedback", "add", str(held), "--ask", "--json", input=lines, env=AFTER)
    f = run.json()  # stdout is the JSON alone; piped, the questions are not shown
    assert f["score"] == 83 and {a["key"]: a["value"] for a in f["answers"] if a["kind"] == "text"} == {
        "q8": "More parking", "q10": "A quote by Friday"}
    assert "q1." not in run.stderr


def test_ask_only_what_answer_left_out(team, held):
    run = team("--as", "li", "feedback", "add", str(held), *answers(*ALL_FIVE[:5]), "--ask", "--json",
               input="1\n\n\n\n\n", env=AFTER)
    assert run.json()["score"] == 83 and [a["value"] for a in run.json()["answers"]] == [5, 5, 5, 5, 5, 1]


def test_piped_answers_that_run_out_or_are_wrong_store_nothing(team, held, cli, unchanged):
    with unchanged():
        one_error_line(cli("--as", "li", "feedback", "add", str(held), "--ask", input="5\n5\n", env=AFTER),
                       2, "ended at q3")
        one_error_line(cli("--as", "li", "feedback", "add", str(held), "--ask", input="5\n9\n", env=AFTER),
                       2, "q2='9'")


def test_ask_from_a_terminal_not_prompted_shows_the_questions_and_asks_again(team, held, monkeypatch):
    """--ask where the terminal is not prompted (--no-input; cli/ask.py prompts otherwise): the
    questions on stderr, one answer a line, a bad one asked again."""
    import receptionctl.cli.followups as followups

    monkeypatch.setattr(followups, "_on_a_terminal", lambda: True)
    lines = "5\n\n7\n4\nfour\n4\n5\n3\n5\n\n\n\n\n"
    run = team("--as", "li", "--no-input", "feedback", "add", str(held), "--ask", input=lines, env=AFTER)
    assert "score 83" in run.stdout and run.stderr.count("q2. ") == 3 and run.stderr.count("q3. ") == 2
    assert "q1. Was it easy to get in touch with us? / 与我们联络是否方便？ [1-5]: " in run.stderr
    assert "q10. Suggestions for business follow-up / 业务跟进建议: " in run.stderr
    assert "q2='7' is not valid" in run.stderr
    assert team("feedback", "show", str(held), "--json", env=AFTER).json()["channel"] == "form"
