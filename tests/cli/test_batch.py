"""`receptionctl batch FILE`: many command lines in one process, each its own command."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_foundation import one_error_line


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "lines.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _usernames(ok) -> set[str]:
    return {row["username"] for row in ok("staff", "list", "--json").json()}


def test_lines_run_in_order_each_its_own_command(team, cli, tmp_path):
    text = """# the morning's new people
staff add zhang --name "Zhang Wei" --dept 'Front desk' --role desk
receptionctl staff add qian --name "Qian Li" \\
   --dept Logistics --role staff   # a comment after the command

staff list --json
"""
    done = cli("batch", _file(tmp_path, text))
    assert done.exit_code == 0, done.stderr
    assert {"zhang", "qian"} <= _usernames(team)
    people = {row["username"]: row for row in team("staff", "list", "--json").json()}
    assert people["zhang"]["dept"] == "Front desk"
    assert people["qian"]["name"] == "Qian Li"  # the backslash went on on the next line
    # the third line's output is the command's own: the list, the two new people in it
    assert '"zhang"' in done.stdout and '"qian"' in done.stdout


def test_the_first_failure_stops_the_batch_and_gives_its_code(team, cli, tmp_path):
    text = "staff add a1 --name A --dept X --role staff\nvisit show 999\nstaff add a2 --name B --dept X --role staff\n"
    done = cli("batch", _file(tmp_path, text))
    assert done.exit_code == 3  # visit show's: not found
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "999" in lines[0]
    assert lines[-1].startswith("hint: ") and "line 2" in lines[-1] and "1 lines before it" in lines[-1]
    names = _usernames(team)
    assert "a1" in names  # committed before the failure
    assert "a2" not in names  # never run


def test_keep_going_runs_every_line_and_exits_with_the_first_failure(team, cli, tmp_path):
    text = ("staff add b1 --name A --dept X --role staff\nvisit show 999\nstaff add b1 --name A --dept X --role staff\n"
            "staff add b2 --name B --dept X --role staff\n")
    done = cli("batch", "--keep-going", _file(tmp_path, text))
    assert done.exit_code == 3
    assert "2 of 4 lines of the batch failed, at lines 2, 3" in done.stderr
    assert {"b1", "b2"} <= _usernames(team)


def test_a_line_sets_the_clock_and_the_root_options_reach_every_line(team, cli, tmp_path):
    clock = ("RECEPTIONCTL_NOW=2026-11-20T10:00:00+08:00 staff add c1 --name A --dept X --role staff\n"
             "staff add c2 --name B --dept X --role staff\n")
    assert cli("batch", _file(tmp_path, clock)).exit_code == 0
    stamps = {row["after"]["username"]: row["at"] for row in team("audit", "--json").json()
              if row["action"] == "staff.add"}
    assert stamps["c1"].startswith("2026-11-20T10:00")  # the line's own clock
    assert stamps["c2"].startswith("2026-11-24T09:00")  # the run's clock again on the next line
    # the root's --as reaches every line (gm is no admin: refused) ...
    one_error_line(cli("--as", "gm", "batch", _file(tmp_path, "staff add c3 --name C --dept X --role staff\n")), 4,
                   "gm")
    # ... and a line's own --as comes after it, so it wins
    assert cli("--as", "gm", "batch", _file(tmp_path, "--as admin staff add c3 --name C --dept X --role staff\n")
               ).exit_code == 0
    assert "c3" in _usernames(team)


def test_standard_input(team, cli):
    done = cli("batch", "-", input="staff add d1 --name A --dept X --role staff\n")
    assert done.exit_code == 0, done.stderr
    assert "d1" in _usernames(team)


def test_a_broken_file_runs_nothing(team, cli, tmp_path, unchanged):
    first = "staff add e1 --name A --dept X --role staff\n"
    cases = [
        (first + 'staff add e2 --name "B --dept X\n', "line 2", "quotation"),
        (first + "PATH=/tmp staff list\n", "PATH", "RECEPTIONCTL_"),
        (first + "RECEPTIONCTL_NOW=2026-11-20T10:00+08:00\n", "line 2", "no command"),
        (first + "--as li batch other.txt\n", "line 2", "batch"),
    ]
    with unchanged():
        for text, *needles in cases:
            one_error_line(cli("batch", _file(tmp_path, text)), 2, *needles)
        one_error_line(cli("batch", str(tmp_path / "missing.txt")), 2, "missing.txt")
        (tmp_path / "latin1.txt").write_bytes("staff list --name Jos\xe9\n".encode("latin-1"))
        one_error_line(cli("batch", str(tmp_path / "latin1.txt")), 2, "latin1.txt", "UTF-8")


def test_chinese(team, cli, tmp_path):
    done = cli("--lang", "zh-CN", "batch", _file(tmp_path, "PATH=/tmp staff list\n"))
    assert done.exit_code == 2
    assert "PATH" in done.stderr and "line 1" not in done.stderr and "第" in done.stderr
