"""The config file (`config path|show|set|unset`): a flag beats the environment, which beats
the file, which beats the default, for db, user, tz and lang; bad keys and values change
nothing; a broken file stops every command that reads it. And PostgreSQL as an extra: the
SQLite install pulls no driver, and a PostgreSQL URL without it says what to install.

Real files in the test's own XDG_CONFIG_HOME, the real command line in-process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
NO_DB, NO_USER, NO_TZ = {"RECEPTIONCTL_DB": None}, {"RECEPTIONCTL_USER": None}, {"RECEPTIONCTL_TZ": None}
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="about the SQLite file path")


def one_error_line(run, code: int, *needles: str) -> None:
    assert run.exit_code == code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert lines and lines[0].startswith("error: "), run.stderr
    assert all(line.startswith("hint: ") for line in lines[1:]), run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture
def config_file(tmp_path, monkeypatch) -> Path:
    """The test's config folder; conftest already gives every test one, this one is named."""
    home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "receptionctl" / "config.toml"


@pytest.fixture
def show(ok):
    """show(*root_options, env=...) -> `config show --json`."""
    return lambda *root, env=None: ok(*root, "config", "show", "--json", env=env).json()


def write(path: Path, content: str | bytes) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(data)
    return data


# -- the file -----------------------------------------------------------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_CONFIG_HOME is the Linux convention")
def test_path_is_in_xdg_config_home_whether_or_not_the_file_exists(ok, config_file, show):
    assert ok("config", "path").stdout == f"{config_file}\n"
    assert not config_file.exists()
    assert show()["file"] == str(config_file) and show()["file_exists"] is False


def test_set_keeps_the_other_keys_and_writes_the_file_whole(ok, config_file, tmp_path):
    odd = str(tmp_path / 'a "quoted" \\ name\twith tab é.db')
    ok("config", "set", "db", odd)
    ok("config", "set", "tz", "Asia/Tokyo")
    ok("config", "set", "user", "li.na")
    ok("config", "set", "lang", "zh_cn")
    ok("config", "set", "tz", "UTC")
    assert tomllib.loads(config_file.read_text()) == {"db": odd, "tz": "UTC", "user": "li.na", "lang": "zh-CN"}
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600  # a database URL may carry a password
    assert list(config_file.parent.iterdir()) == [config_file]  # no temporary file left
    english = {"RECEPTIONCTL_LANG": "en"}  # the file's lang (zh-CN) would speak Chinese
    assert ok("config", "unset", "tz", env=english).stdout.startswith("tz removed")
    assert ok("config", "unset", "tz", env=english).stdout.startswith("tz is not set")
    assert tomllib.loads(config_file.read_text()) == {"db": odd, "user": "li.na", "lang": "zh-CN"}


def test_a_relative_db_path_is_stored_absolute(ok, config_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("config", "set", "db", "here.db")
    assert tomllib.loads(config_file.read_text())["db"] == str(tmp_path / "here.db")


def test_a_password_in_a_database_url_is_not_shown(ok, config_file, show):
    url = "postgresql+psycopg://reception:s3cret@db.example/reception"
    assert "s3cret" not in ok("config", "set", "db", url).stdout
    shown = show(env=NO_DB)["db"]
    assert shown == {"value": "postgresql+psycopg://reception:***@db.example/reception", "from": "config",
                     "in_file": "postgresql+psycopg://reception:***@db.example/reception"}
    assert "s3cret" not in ok("config", "show", env=NO_DB).stdout
    assert tomllib.loads(config_file.read_text())["db"] == url


@pytest.mark.parametrize("args, needles", [
    (("colour", "red"), ("'colour'", "db, user, tz, lang")),
    (("tz", "Mars/Olympus"), ("'Mars/Olympus'", "time zone")),
    (("tz", "../../etc/passwd"), ("passwd",)),
    (("user", "Bad Name"), ("'Bad Name'", "username")),
    (("lang", "fr"), ("'fr'", "en, zh-CN, zh-TW")),
    (("db", " "), ("db",)),
])
def test_a_bad_key_or_value_exits_2_and_changes_nothing(cli, ok, config_file, args, needles):
    one_error_line(cli("config", "set", *args), 2, *needles)
    assert not config_file.parent.exists()  # not even the folder
    ok("config", "set", "tz", "Asia/Tokyo")
    before = config_file.read_bytes()
    one_error_line(cli("config", "set", *args), 2, *needles)
    assert config_file.read_bytes() == before
    assert list(config_file.parent.iterdir()) == [config_file]


def test_unset_of_an_unknown_key_exits_2(cli, ok, config_file):
    ok("config", "set", "tz", "UTC")
    before = config_file.read_bytes()
    one_error_line(cli("config", "unset", "colour"), 2, "'colour'", "db, user, tz, lang")
    assert config_file.read_bytes() == before


def test_setting_what_the_environment_overrides_says_so(ok, config_file):
    done = ok("config", "set", "user", "li")  # the suite sets RECEPTIONCTL_USER
    assert "RECEPTIONCTL_USER" in done.stderr
    assert "RECEPTIONCTL_TZ" not in ok("config", "set", "tz", "UTC").stderr


# -- precedence: flag > environment > config file > default -------------------------------
def test_db_flag_beats_env_beats_config_beats_default(ok, config_file, show, tmp_path):
    def in_force(*root, env=None):
        return ok(*root, "db", "path", env=env).stdout.strip()

    default = Path(os.environ["XDG_DATA_HOME"]) / "receptionctl" / "reception.db"
    assert in_force(env=NO_DB) == str(default.resolve())
    assert show(env=NO_DB)["db"] == {"value": str(default), "from": "default", "in_file": None}
    ok("config", "set", "db", str(tmp_path / "config.db"))
    assert in_force(env=NO_DB) == str((tmp_path / "config.db").resolve())
    assert show(env=NO_DB)["db"]["from"] == "config"
    env = {"RECEPTIONCTL_DB": str(tmp_path / "env.db")}
    assert in_force(env=env) == str((tmp_path / "env.db").resolve())
    assert show(env=env)["db"] == {"value": env["RECEPTIONCTL_DB"], "from": "env", "in_file": str(tmp_path / "config.db")}
    flag = str(tmp_path / "flag.db")
    assert in_force("--db", flag, env=env) == str(Path(flag).resolve())
    assert show("--db", flag, env=env)["db"]["from"] == "flag"


def test_the_config_files_db_is_the_one_commands_use(initdb, cli, ok, config_file, db_target):
    ok("config", "set", "db", db_target)
    ok("client", "add", "Through The Config File", env=NO_DB)
    assert "Through The Config File" in ok("--db", db_target, "client", "list").stdout


def test_user_flag_beats_env_beats_config_beats_login_name(team, cli, config_file, show):
    def actor_of_last_change():
        return team("audit", "--last", "1", "--json").json()[-1]["actor"]

    assert show(env=NO_USER)["user"]["from"] == "default"
    team("config", "set", "user", "li")
    team("client", "add", "By Config", env=NO_USER)
    assert actor_of_last_change() == "li" and show(env=NO_USER)["user"]["from"] == "config"
    team("client", "add", "By Env", env={"RECEPTIONCTL_USER": "wang"})
    assert actor_of_last_change() == "wang"
    assert show(env={"RECEPTIONCTL_USER": "wang"})["user"] == {"value": "wang", "from": "env", "in_file": "li"}
    team("--as", "gm2", "client", "add", "By Flag", env={"RECEPTIONCTL_USER": "wang"})
    assert actor_of_last_change() == "gm2"
    assert show("--as", "gm2")["user"]["from"] == "flag"


def test_tz_flag_beats_env_beats_config_beats_the_policy(initdb, config_file, show):
    def info(*root, env=None):
        return initdb(*root, "db", "info", "--json", env=env).json()

    assert info()["time_zone_from"].startswith("policy work_zone")
    assert show()["tz"] == {"value": None, "from": "default", "in_file": None}
    initdb("config", "set", "tz", "Europe/Berlin")
    berlin = info()
    assert (berlin["time_zone"], berlin["time_zone_from"]) == ("Europe/Berlin", "config file")
    assert berlin["now"].startswith("2026-11-24T02:00") and berlin["now"].endswith("+01:00")  # the suite's 09:00 +08
    assert show()["tz"] == {"value": "Europe/Berlin", "from": "config", "in_file": "Europe/Berlin"}
    env = {"RECEPTIONCTL_TZ": "Asia/Tokyo"}
    assert (info(env=env)["time_zone"], info(env=env)["time_zone_from"]) == ("Asia/Tokyo", "RECEPTIONCTL_TZ")
    assert show(env=env)["tz"]["from"] == "env"
    flagged = info("--tz", "UTC", env=env)
    assert (flagged["time_zone"], flagged["time_zone_from"]) == ("UTC", "--tz")
    assert show("--tz", "UTC", env=env)["tz"] == {"value": "UTC", "from": "flag", "in_file": "Europe/Berlin"}


def test_lang_env_beats_config_beats_en(ok, config_file, show, monkeypatch):
    from receptionctl.cli.common import resolve_lang
    from receptionctl.errors import BadInput

    assert resolve_lang() == "en" and show()["lang"] == {"value": "en", "from": "default", "in_file": None}
    ok("config", "set", "lang", "zh-tw")
    assert resolve_lang() == "zh-TW" and show()["lang"] == {"value": "zh-TW", "from": "config", "in_file": "zh-TW"}
    monkeypatch.setenv("RECEPTIONCTL_LANG", "en")
    assert resolve_lang() == "en" and show()["lang"]["from"] == "env"
    monkeypatch.setenv("RECEPTIONCTL_LANG", "klingon")
    with pytest.raises(BadInput, match="RECEPTIONCTL_LANG 'klingon'"):
        resolve_lang()


def test_show_in_plain_text_names_each_origin(ok, config_file):
    ok("config", "set", "tz", "UTC")
    out = ok("--as", "li", "config", "show", env={"RECEPTIONCTL_LANG": "en"}).stdout
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines["db"].endswith("(env RECEPTIONCTL_DB)") and lines["user"].endswith("(flag --as)")
    assert lines["tz"].endswith("(config file)") and lines["lang"].endswith("(env RECEPTIONCTL_LANG)")
    assert lines["file"] == f"file  {config_file}"


def test_show_opens_no_database(ok, tmp_path):
    nowhere = tmp_path / "nowhere" / "reception.db"
    assert ok("--db", str(nowhere), "config", "show").stdout
    assert not nowhere.parent.exists()


# -- a broken file ------------------------------------------------------------------------
BROKEN = {
    "not TOML": ('tz = "UTC\n', "not valid TOML"),
    "not UTF-8": (b'tz = "\xff"\n', "UTF-8"),
    "unknown key": ('timezone = "UTC"\n', "unknown key 'timezone'"),
    "not a string": ("tz = 8\n", "tz must be a string"),
    "bad zone": ('tz = "Mars/Olympus"\n', "'Mars/Olympus' is not a time zone"),
    "bad user": ('user = "Robert Tables"\n', "'Robert Tables' is not a valid username"),
    "bad lang": ('lang = "fr"\n', "'fr' is not a language"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_file_stops_every_command_that_reads_it(initdb, cli, ok, config_file, name):
    content, problem = BROKEN[name]
    before = write(config_file, content)
    for args in (("db", "path"), ("client", "list"), ("config", "show", "--json"), ("client", "add", "Never")):
        run = cli(*args)
        one_error_line(run, 2, str(config_file), problem)
        assert run.stdout == ""
    assert ok("config", "path").stdout == f"{config_file}\n"  # to find it and mend it
    assert config_file.read_bytes() == before
    assert "Never" not in ok("client", "list", env={"XDG_CONFIG_HOME": "/nonexistent"}).stdout


@pytest.mark.parametrize("name", ["not TOML", "not UTF-8"])
def test_set_refuses_a_file_it_cannot_read_and_keeps_it(cli, config_file, name):
    content, problem = BROKEN[name]
    before = write(config_file, content)
    one_error_line(cli("config", "set", "tz", "UTC"), 2, str(config_file), problem)
    one_error_line(cli("config", "unset", "tz"), 2, str(config_file), problem)
    assert config_file.read_bytes() == before


def test_set_and_unset_mend_a_bad_value_or_key(cli, ok, config_file):
    write(config_file, 'tz = "Mars/Olympus"\ntimezone = "UTC"\n')
    ok("config", "set", "tz", "Asia/Tokyo")
    one_error_line(cli("db", "path"), 2, "unknown key 'timezone'")
    ok("config", "unset", "timezone")
    ok("db", "path")
    assert tomllib.loads(config_file.read_text()) == {"tz": "Asia/Tokyo"}


def test_an_unreadable_file_exits_2(cli, config_file):
    config_file.mkdir(parents=True)  # a folder where the file should be: unreadable as a file
    one_error_line(cli("client", "list"), 2, "cannot read config file", str(config_file))
    one_error_line(cli("config", "set", "tz", "UTC"), 2, "cannot read config file")


# -- start-up -----------------------------------------------------------------------------
@pytest.mark.slow
def test_config_commands_import_nothing_heavy(config_file):
    from tests.cli.test_startup import HEAVY, imported

    write(config_file, 'tz = "Asia/Tokyo"\nlang = "zh-CN"\n')
    for args in (("config", "--help"), ("config", "set", "--help"), ("config", "show"), ("config", "show", "--json"),
                 ("config", "path")):
        heavy = imported(*args) & set(HEAVY)
        assert not heavy, (args, sorted(heavy))


# -- PostgreSQL is an extra ---------------------------------------------------------------
def test_the_sqlite_install_pulls_no_postgresql_driver():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("psycopg")]
    assert [d for d in project["optional-dependencies"]["postgres"] if d.lower().startswith("psycopg")]
    assert "receptionctl[postgres]" in project["optional-dependencies"]["test"]  # make test-pg needs it


NO_DRIVER = """
import sys

class NoDriver:
    '''As if receptionctl were installed without the postgres extra.'''
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg2", "psycopg_binary", "psycopg_c"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoDriver())
from receptionctl.cli.app import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("url", ["postgresql+psycopg://reception@localhost/reception",
                                 "postgresql://reception:s3cret@localhost/reception"])
def test_a_postgresql_url_without_the_driver_says_to_install_the_extra(url):
    proc = subprocess.run([sys.executable, "-c", NO_DRIVER, "--db", url, "client", "list"],
                          capture_output=True, text=True, timeout=60)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 5, proc.stderr
    assert lines[0].startswith("error: ") and "receptionctl[postgres]" in lines[0], proc.stderr
    assert all(line.startswith("hint: ") for line in lines[1:]) and "Traceback" not in proc.stderr
    assert "s3cret" not in proc.stderr and proc.stdout == ""
