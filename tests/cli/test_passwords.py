"""staff password (issue 27): set from a pipe, the policy's minimum length, an admin for someone
else, a reset forcing a change; the password never stored nor audited in clear."""

from __future__ import annotations

from tests.conftest import query_rows

PASSWORD = "desk-password-1"


def test_a_password_read_from_a_pipe_is_kept_as_an_argon2_hash_only(team, db_target):
    done = team("--as", "li", "staff", "password", "li", input=PASSWORD + "\n")
    assert done.stdout.strip() == "password of li set"
    (stored,) = query_rows(db_target, "SELECT password_hash, must_change FROM staff_login")
    assert stored[0].startswith("$argon2id$") and PASSWORD not in stored[0] and not stored[1]
    assert not any(PASSWORD in str(r) for r in query_rows(db_target, "SELECT before, after FROM audit_event"))
    assert team("audit", "--json").json()[-1]["action"] == "staff.password"


def test_a_password_shorter_than_the_policy_is_bad_input(cli, team, unchanged):
    with unchanged():
        done = cli("staff", "password", "li", input="short-9\n")
    assert done.exit_code == 2 and done.stderr.strip() == "error: the password is not valid: expected 10 to 1024 characters"
    team("policy", "set", "password_min_length", "12")
    assert cli("staff", "password", "li", input="eleven-char\n").exit_code == 2
    assert cli("staff", "password", "li", input="").exit_code == 2  # nothing piped


def test_only_an_admin_sets_someone_elses_password_or_resets(cli, team, unchanged):
    with unchanged():
        other = cli("--as", "li", "staff", "password", "wang", input=PASSWORD + "\n")
        reset = cli("--as", "li", "staff", "password", "li", "--reset", input=PASSWORD + "\n")
    assert other.exit_code == 4 and len(other.stderr.strip().splitlines()) == 1
    assert reset.exit_code == 4


def test_a_reset_makes_the_person_choose_a_new_password(team, db_target):
    done = team("staff", "password", "wang", "--reset", "--json", input=PASSWORD + "\n").json()
    assert done["username"] == "wang" and done["must_change"] is True
    assert query_rows(db_target, "SELECT must_change FROM staff_login") == [(1,)] or \
        query_rows(db_target, "SELECT must_change FROM staff_login") == [(True,)]
    assert team("audit", "--json").json()[-1]["action"] == "staff.password_reset"
