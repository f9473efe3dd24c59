"""Procedure files are validated whole; the first fault names the file, the line, the reason."""

import pytest

from receptionctl.domain.engine.procedure import ProcedureError, default_text, parse
from receptionctl.errors import ExitCode

GOOD = '''name = "p"
version = "1"

[[tasks]]
key = "a"
stage = "prepare"
title = "A"
owner = "host"
due = "start-1wd"

[[tasks]]
key = "b"
stage = "followup"
title = "B"
owner = "coordinator"
due = "end+7d"
repeat = "7d"
levels = [1]
'''


def test_good_file():
    proc = parse(GOOD, "p.toml")
    assert [t.key for t in proc.tasks] == ["a", "b"]
    assert proc.tasks[1].levels == (1,) and proc.tasks[1].repeat == "7d"


def test_default_procedure_is_complete():
    proc = parse(default_text(), "default.toml")
    keys = {t.key for t in proc.tasks}
    for needed in ("confirm-details", "draft-plan", "approve-plan", "prepare-materials", "set-up-venue",
                   "test-equipment", "emergency-plan", "train-staff", "nda", "host-early", "greet",
                   "register-guests", "open-agenda", "record-meeting", "callback", "proposal", "second-meeting",
                   "progress-update", "evaluation", "archive", "security-briefing", "offsite-transport",
                   "offsite-lodging", "offsite-shipping"):
        assert needed in keys, needed
    assert all(t.title_zh for t in proc.tasks)
    by_key = {t.key: t for t in proc.tasks}
    assert by_key["security-briefing"].levels == (1,)
    assert by_key["duty-roster"].levels == (2,)
    assert by_key["nda"].nda is True
    assert by_key["offsite-transport"].offsite is True
    assert by_key["progress-update"].repeat


@pytest.mark.parametrize(
    "change, line, reason",
    [
        (('owner = "host"', 'owner = "host"\ncolour = "red"'), 9, "unknown key 'colour'"),
        (('due = "start-1wd"', 'due = "start-1 wd"'), 9, "not an offset"),
        (('key = "b"', 'key = "a"'), 12, "duplicate task key 'a'"),
        (('stage = "followup"', 'stage = "after"'), 13, "unknown stage 'after'"),
        (('owner = "coordinator"', 'owner = "janitor"'), 15, "unknown owner role 'janitor'"),
        (('repeat = "7d"', 'repeat = "0d"'), 17, "more than zero"),
        (('levels = [1]', 'levels = [4]'), 18, "levels"),
        (('version = "1"', 'version = '), 2, "not valid TOML"),
        (('due = "end+7d"', 'due = "end+{coffee_breaks}d"'), 16, "unknown policy setting"),
        (('due = "end+7d"', 'due = "end+{country}d"'), 16, "unknown policy setting"),
        (('levels = [1]', 'levels = [1.0]'), 18, "levels"),
        (('levels = [1]', 'purposes = [["tech"]]'), 18, "purposes"),
        (('version = "1"', 'version = 2026.1'), 2, "version must be a string"),
        (('[[tasks]]\nkey = "b"', '[[ tasks ]]\nkey = "b"\ncolour = 1'), 13, "unknown key 'colour'"),
    ],
)
def test_faults_name_the_line(change, line, reason):
    text = GOOD.replace(*change, 1)
    with pytest.raises(ProcedureError) as err:
        parse(text, "custom.toml")
    assert err.value.code == ExitCode.BAD_INPUT
    assert err.value.message.startswith(f"custom.toml, line {line}:"), err.value.message
    assert reason in err.value.message


def test_missing_required_key_and_no_tasks():
    with pytest.raises(ProcedureError, match="has no 'due'"):
        parse(GOOD.replace('due = "start-1wd"\n', ""), "x.toml")
    with pytest.raises(ProcedureError, match="no \\[\\[tasks\\]\\]"):
        parse('name = "p"\nversion = "1"\n', "x.toml")


def test_tasks_that_are_not_tables():
    with pytest.raises(ProcedureError, match="not a table"):
        parse('name = "p"\nversion = "1"\ntasks = [1]\n', "x.toml")


def test_a_bom_is_fine(tmp_path):
    from receptionctl.domain.engine.procedure import parse as p2  # noqa: F401

    assert parse(GOOD, "p.toml").name == "p"
