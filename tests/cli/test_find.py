"""Clients and staff are found by what people remember: the id, the exact name, or a unique
case-insensitive prefix or substring; several matches exit 2 naming them, none exits 3 with
the nearest names."""

from tests.cli.test_foundation import one_error_line


def test_a_client_by_prefix_substring_or_any_case(team, cli):
    team("client", "add", "Huaxin Technology")
    assert team("visit", "list", "--client", "huaxin").exit_code == 0  # the example of docs/usage/visits.md, in any case
    assert team("client", "show", "huaxin", "--json").json()["name"] == "Huaxin Technology"
    assert team("client", "show", "TECHNO", "--json").json()["name"] == "Huaxin Technology"
    assert team("client", "show", "acme", "--json").json()["name"] == "Acme"


def test_the_exact_name_wins_over_a_longer_one(team):
    team("client", "add", "Acme Labs")
    assert team("client", "show", "ACME", "--json").json()["name"] == "Acme"
    assert team("client", "show", "acme l", "--json").json()["name"] == "Acme Labs"


def test_an_ambiguous_name_lists_the_candidates_and_changes_nothing(team, cli, unchanged):
    team("client", "add", "Huaxin Technology")
    team("client", "add", "Huaxin Bank")
    with unchanged():
        run = cli("--as", "li", "visit", "new", "--client", "huaxin", "--at", "2026-12-01 10:00",
                  "--purpose", "talk", "--headcount", "2")
    one_error_line(run, 2, "'huaxin' is ambiguous", "Huaxin Bank", "Huaxin Technology")


def test_an_unknown_name_suggests_the_nearest(team, cli):
    one_error_line(cli("client", "show", "Acmee"), 3, "did you mean 'Acme'")
    one_error_line(cli("client", "show", "Nothing like it"), 3, "no client 'Nothing like it'")


def test_like_wildcards_are_plain_characters(team, cli):
    team("client", "add", "Fifty_Fifty")
    one_error_line(cli("client", "show", "%"), 3, "no client '%'")
    assert team("client", "show", "y_f", "--json").json()["name"] == "Fifty_Fifty"
    one_error_line(cli("client", "show", "y-f"), 3)


def test_staff_by_username_name_or_part_of_either(team, cli):
    vid = team("--as", "li", "visit", "new", "--client", "acme", "--at", "2026-12-01 10:00", "--purpose", "talk",
               "--headcount", "2", "--host", "Wang Lei", "--json").json()["id"]
    roles = {a["role"]: a["staff"] for a in team("plan", "show", str(vid), "--json").json()["assignments"]}
    assert roles["host"] == "wang"
    team("--as", "li", "plan", "assign", str(vid), "--role", "recorder", "--staff", "chen j", "--backup", "GM2")
    roles = {a["role"]: (a["staff"], a["backup"]) for a in team("plan", "show", str(vid), "--json").json()["assignments"]}
    assert roles["recorder"] == ("chen", "gm2")
    assert team("task", "list", "--owner", "li na").exit_code == 0
    run = cli("--as", "li", "plan", "assign", str(vid), "--role", "guide", "--staff", "n")  # many names have an n
    one_error_line(run, 2, "ambiguous")
    one_error_line(cli("task", "list", "--owner", "wnag"), 3, "did you mean 'wang'")
