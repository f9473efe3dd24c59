"""Bugs found in the audit of issue 26: a negative number given as a value, and the words a
deactivated person is told."""

from tests.cli.test_foundation import one_error_line


# -- a negative number is a value, not an option --------------------------------------------------
def test_a_negative_policy_value_is_refused_as_a_value(initdb, cli, unchanged):
    with unchanged():
        run = cli("policy", "set", "lead_working_days", "-1")
        one_error_line(run, 2, "lead_working_days", "must be 0 or more")
        assert "No such option" not in run.stderr
        one_error_line(cli("policy", "set", "lead_working_days", "-2.5"), 2, "lead_working_days")
        one_error_line(cli("policy", "set", "lead_working_days", "61"), 2, "must be 60 or less")


def test_a_negative_number_never_hides_a_mistyped_option(initdb, cli):
    one_error_line(cli("policy", "set", "lead_working_days", "-x"), 2, "-x")
    one_error_line(cli("policy", "set", "lead_working_days", "4", "--jsno"), 2, "--jsno")
    assert initdb("policy", "set", "lead_working_days", "4").exit_code == 0


# -- an inactive person is told so ----------------------------------------------------------------
def test_a_deactivated_person_is_told_they_are_inactive(team, cli):
    team("staff", "deactivate", "wang")
    run = cli("--as", "wang", "client", "add", "Newco")
    one_error_line(run, 4, "wang", "inactive")
    assert "not on the staff list" not in run.stderr
    for args in (("deductions",), ("training", "list"), ("report", "performance")):
        run = cli("--as", "wang", *args)
        if run.exit_code == 4:
            assert "inactive" in run.stderr and "not on the staff list" not in run.stderr, (args, run.stderr)
    one_error_line(cli("--as", "nobody", "client", "add", "Newco"), 4, "not on the staff list")
