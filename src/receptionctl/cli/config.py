"""The config file: `config path|show|set|unset`.

A TOML file in the user config folder holds defaults for the database (`db`), the acting
user (`user`), the time zone (`tz`) and the interface language (`lang`). A flag beats the
environment, which beats the file, which beats the built-in default. Reading the file
(cli/common.py) uses only the standard library; nothing here opens the database.
"""

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_, _

app = Typer(
    rich_markup_mode=None,
    short_help="The config file: defaults of db, user, tz, lang and more.", help="The config file: defaults for the database (db), the acting user (user), the time zone (tz), "
    "the language (lang), the hooks folder (hooks), the mail server and sender of `report daily --mail` (smtp, "
    "mail_from). A flag beats the environment, which beats the file, which beats the default.",
    no_args_is_help=True,
)

KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="One of: db, user, tz, lang, hooks, smtp, mail_from.",
                                       show_default=False)]

_ORIGIN_TEXT = {"flag": N_("flag {flag}"), "env": N_("env {env}"), "config": N_("config file"), "default": N_("default")}
_FLAG_PARAM = {"db": "db", "user": "as_user", "tz": "tz"}  # the root callback's parameter of each flag


@app.command("path", help="Print the config file's path, whether or not it exists. "
             "Example: receptionctl config path")
def path() -> None:
    from receptionctl.cli.common import config_path
    from receptionctl.render.output import say

    say(str(config_path()))


@app.command("show", help="Each setting, its value in force and where that comes from: flag, env (environment), "
             "config (the file) or default. Does not open the database. Example: receptionctl config show --json")
@output_options
def show(ctx: typer.Context, *, out: Output) -> None:
    from receptionctl.cli.common import (
        DEFAULT_LANG,
        SETTINGS,
        config_path,
        default_db_path,
        login_name,
        read_config,
        setting,
    )

    file = config_path()
    in_file = read_config(file)  # a broken file: exit 2, as for every command that reads it
    root = ctx.find_root().params
    shown: dict[str, Any] = {"file": str(file), "file_exists": file.is_file()}
    rows = []
    for key, (env_var, flag) in SETTINGS.items():
        option = root.get(_FLAG_PARAM.get(key, ""))
        value, origin = setting(key, option, in_file)
        if value is None:  # the default; the zone's is the policy's, in the database: not opened here
            value = {"db": lambda: str(default_db_path()), "user": login_name, "tz": lambda: None,
                     "lang": lambda: DEFAULT_LANG, "hooks": lambda: str(config_path().parent / "hooks"),
                     "smtp": lambda: None, "mail_from": _default_sender}[key]()
        file_value = in_file.get(key)
        if key in ("db", "smtp"):
            value, file_value = value and _masked(value), file_value and _masked(file_value)
        shown[key] = {"value": value, "from": origin, "in_file": file_value}
        rows.append((key, value if value is not None else _("the policy's work_zone (see `db info`)") if key == "tz"
                     else _("none (report daily --mail cannot send)"),
                     _(_ORIGIN_TEXT[origin]).format(flag=flag, env=env_var)))
    out.show(shown, lambda: _print_settings(rows, file, shown["file_exists"]))


def _print_settings(rows: list, file: Path, exists: bool) -> None:
    import sys

    from receptionctl.cli.common import SETTINGS
    from receptionctl.i18n import code
    from receptionctl.render.output import cell_len

    width = max(cell_len(str(v)) for _k, v, _o in rows)
    pad = max(len(key) for key in SETTINGS)
    lines = [f"{k.ljust(pad)}  {v}{' ' * (width - cell_len(str(v)))}  " + _("({origin})").format(origin=o)
             for k, v, o in rows]
    name = code("file", "config")  # the config file itself, after its keys
    lines.append(f"{name}  {file}" if exists else f"{name}  " + _("{file} (not written yet)").format(file=file))
    sys.stdout.write("\n".join(lines) + "\n")


@app.command("set", help="Write KEY = VALUE to the config file (created with its folder; the other keys are kept). "
             "A bad key or value changes nothing (exit 2). A db path is stored as an absolute path. "
             "Example: receptionctl config set tz Europe/Berlin")
def set_(
    key: KeyArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="db: a file path or a database URL; user: a username; "
                                         "tz: an IANA time zone such as Asia/Shanghai; lang: en, zh-CN or zh-TW; "
                                         "hooks: a folder; smtp: smtp://[user:password@]host[:port] or smtps://...; "
                                         "mail_from: a mail address.",
                                         show_default=False)],
) -> None:
    from receptionctl.cli.common import SETTINGS, check_setting, config_path, load_config_file
    from receptionctl.render.output import note, say

    _known(key)
    value = check_setting(key, value, key)
    if (key == "db" and "://" not in value) or key == "hooks":
        value = str(Path(value).expanduser().absolute())
    file = config_path()
    entries = load_config_file(file)  # an unreadable or broken file: exit 2, nothing written
    entries[key] = value
    _write(file, entries)
    say(_("{key} = {value} written to {file}").format(key=key, value=_masked(value) if key in ("db", "smtp") else value,
                                                      file=file))
    env_var, flag = SETTINGS[key]
    if os.environ.get(env_var):
        note(_("note: {variable} is set and takes precedence over the config file").format(variable=env_var))


@app.command("unset", short_help="Remove KEY from the config file.", help="Remove KEY from the config file, so the environment or the default applies again. "
             "Example: receptionctl config unset tz")
def unset(key: KeyArg) -> None:
    from receptionctl.cli.common import config_path, load_config_file
    from receptionctl.render.output import say

    file = config_path()
    entries = load_config_file(file)
    if key not in entries:
        _known(key)
        say(_("{key} is not set in {file}").format(key=key, file=file))
        return
    del entries[key]  # an unknown key found in the file may be removed too: that mends it
    _write(file, entries)
    say(_("{key} removed from {file}").format(key=key, file=file))


def _known(key: str) -> None:
    from receptionctl.cli.common import SETTINGS
    from receptionctl.errors import BadInput

    if key not in SETTINGS:
        raise BadInput(_("unknown config key {key!r}: expected one of {keys}").format(key=key, keys=", ".join(SETTINGS)))


def _default_sender() -> str:
    from receptionctl.services.mail import default_sender

    return default_sender()


def _masked(target: str) -> str:
    """A database URL without its password."""
    import re

    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/?#]*@", r"\1:***@", target)


# -- writing ------------------------------------------------------------------------------
_HEADER = "# receptionctl settings, rewritten by `receptionctl config set` and `config unset`.\n"
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _write(file: Path, entries: dict[str, Any]) -> None:
    """The file, whole or not at all: a temporary file in the same folder, then os.replace.
    Mode 0600 (a database URL may carry a password). A symlinked file is written where it points."""
    import tempfile

    from receptionctl.errors import StorageError

    text = _HEADER + "".join(f"{_toml_key(k)} = {_toml_value(file, k, v)}\n" for k, v in entries.items())
    target = Path(os.path.realpath(file))
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".config-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        from receptionctl import reasons

        raise StorageError(_("cannot write config file {file}: {error}").format(
            file=file, error=reasons.os_error(exc, exc.strerror or str(exc)))) from None


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(file: Path, key: str, value: Any) -> str:
    """A value kept from the file, written back as TOML: strings, booleans and numbers."""
    import math

    from receptionctl.errors import BadInput

    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))
    raise BadInput(_("config file {file}: cannot keep {key!r} ({type}) when rewriting the file").format(
        file=file, key=key, type=type(value).__name__),
                   hint=_("edit the file by hand: it holds only db, user, tz and lang, as strings"))
