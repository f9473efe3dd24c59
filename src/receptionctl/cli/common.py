"""What every command shares: the root options' state, the database, the key, output flags.

Module level imports typer (and the standard library) only: start-up stays light.
"""


import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

from receptionctl.i18n import _

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
RevealOpt = Annotated[
    bool, typer.Option("--reveal", help="Show identity numbers in clear (admin only; each reveal is audited).")
]


WideOpt = Annotated[bool, typer.Option(
    "--wide",
    help="On a terminal, show long text whole, wrapped in its column, instead of shortened with '…' "
         "(also `receptionctl --wide ...` or RECEPTIONCTL_WIDE=1). Piped output is never shortened.")]

WHEN_FORMS = (
    "Forms: 2026-12-01 10:00, 2026/12/01 10:00, 12-01 10:00 (this year, or next once past), 12月21日 下午3点, "
    "12月21日15:00, now, 10:00 or 10am or 2pm (today), today, tomorrow 14:00, mon 10:00 (the next Monday), next mon "
    "(Monday of next week), +3d, +2wd (working days), +1w, +4h, +30m, 今天, 明天 下午三点, 后天, 周五 (the next "
    "Friday), 本周五 (this week's), 下周一 上午10点 … 下周日, 下午三点 (today), 15点30分, 10点半; ISO with an offset. "
    "Read in the company's time zone (see `db info`)."
)
DAY_FORMS = ("Forms: 2026-12-01, 2026/12/01, 12-01, 12月21日, today, tomorrow, yesterday, mon, next mon, -1d, +2wd, "
             "今天, 明天, 本周一, 下周一.")

APP_NAME = "receptionctl"
MAX_ID = 2**31 - 1


def whole(lo: int, hi: int):
    """A parser for a whole-number option that names the value and the range when wrong."""

    def parse(text: str) -> int:
        value = str(text).strip()
        digits = value[1:] if value[:1] in "+-" else value
        if digits.isascii() and digits.isdigit() and len(digits) < 12 and lo <= int(value) <= hi:
            return int(value)
        raise typer.BadParameter(_("{value!r} is not valid: expected a whole number from {lo} to {hi}").format(
            value=text, lo=lo, hi=hi))

    return parse


def number(lo: float, hi: float):
    """A parser for a decimal option (hours) that names the value and the range when wrong."""

    def parse(text: str) -> float:
        import math

        try:
            value = float(str(text).strip())
        except ValueError:
            value = math.nan
        if math.isfinite(value) and lo < value <= hi:
            return value
        raise typer.BadParameter(_("{value!r} is not valid: expected a number more than {lo} and at most {hi}").format(
            value=text, lo=f"{lo:g}", hi=f"{hi:g}"))

    return parse


def record_id(text: str) -> int:
    """An id on the command line: a whole number from 1 to 2147483647, named when it is not."""
    value = str(text).strip()
    if value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID:
        return int(value)
    raise typer.BadParameter(_("{value!r} is not an id: expected a whole number from 1 to {max}").format(
        value=text, max=MAX_ID))


MineOpt = Annotated[bool, typer.Option(
    "--mine", help="Only what falls to the acting user (--as, $RECEPTIONCTL_USER or the config file): as owner, "
                   "backup, or by staff role.")]
LimitOpt = Annotated[Optional[int], typer.Option(
    "--limit", metavar="N", parser=whole(1, 1_000_000), help="Show at most N rows (the first N, in the list's order).")]
NoPagerOpt = Annotated[bool, typer.Option(
    "--no-pager", help="On a terminal, print a long list straight out instead of through the pager ($PAGER, else "
                       "less).")]


def _completions(kind: str, incomplete: str) -> list:
    """Shell completion from the database the environment or the config file names (the root
    options are not parsed while completing). Quiet on any failure: a shell must not show a
    traceback for a Tab."""
    try:
        from receptionctl.domain.core.find import complete
        from receptionctl.store.db import Database

        db = Database(resolve_db(None))
        try:
            with db.session() as session:
                return complete(session, kind, incomplete)
        finally:
            db.dispose()
    except Exception:
        if os.environ.get("RECEPTIONCTL_DEBUG", "") not in ("", "0", "false", "no"):
            raise
        return []


def complete_client(incomplete: str) -> list:
    return _completions("client", incomplete)


def complete_user(incomplete: str) -> list:
    return _completions("user", incomplete)


def complete_visit(incomplete: str) -> list:
    return _completions("visit", incomplete)


def owner_filter(ctx: typer.Context, owner: "str | None", mine: bool) -> "str | None":
    """--owner USER, or --mine for the acting user; not both."""
    if mine and owner:
        from receptionctl.errors import BadInput

        raise BadInput(_("--mine and --owner {owner!r} both name a person: expected one of them").format(owner=owner))
    return state(ctx).actor if mine else owner


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "reception.db"


_startup_gc_off = False  # set by the console script: no cycle collection while the stack is imported


def startup_without_gc() -> None:
    """The console script's start: the cycle collector waits until the first session, so that
    it does not walk the stack's thousands of new classes again and again."""
    import gc

    global _startup_gc_off
    gc.disable()
    _startup_gc_off = True


def collect_from_now_on() -> None:
    """The imports are done: what exists now is frozen (never collected, never walked again)
    and the collector runs as usual for the command's own work, so a long report's memory
    stays bounded."""
    global _startup_gc_off
    if _startup_gc_off:
        import gc

        gc.freeze()
        gc.enable()
        _startup_gc_off = False


@dataclass
class State:
    """The root options, resolved: which database, who acts, whether a terminal may be asked."""

    db_target: str
    actor: str
    # the policy `identity` (domain/core/access.py, establish): settled at the first session; the
    # admin behind the actor when they act on someone's behalf
    declared: bool = field(default_factory=lambda: _actor_declared)
    real_actor: Optional[str] = None
    no_input: bool = False  # --no-input: never ask for missing input (cli/ask.py)
    _identity: bool = field(default=False, repr=False)
    _db: Any = field(default=None, repr=False)
    _calendar_cache: bool = field(default=False, repr=False)

    @property
    def db(self):
        if self._db is None:
            from receptionctl.services import runs

            self._db = runs.open_database(self.db_target, runs.busy_timeout(os.environ.get(runs.BUSY_TIMEOUT_ENV)))
        return self._db

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Any]:
        from receptionctl.services import runs

        collect_from_now_on()
        if not self._calendar_cache:
            calendar_cache()
            self._calendar_cache = True
        with runs.work(self.db, write, prepare=self._establish, actor=lambda: self.actor,
                       after_commit=run_hooks) as session:
            yield session

    def close(self) -> None:
        """The database's connections closed (the run is over); opened again if used after."""
        if self._db is not None:
            self._db.dispose()

    def _establish(self, session) -> None:
        """Who really acts (policy identity: declared, os or db), once per run; each session
        learns the login and, when an admin acts on someone's behalf, whose (for the audit log)."""
        from receptionctl.domain.core import access

        login = os_login()
        session.info[access.OS_LOGIN] = login
        if not self._identity:
            identity = access.establish(session, self.actor if self.declared else None, login)
            if identity.mode != "declared":  # declared: the actor resolved from the options stands
                self.actor, self.real_actor = identity.actor, identity.real
            self._identity = True
        if self.real_actor:
            session.info[access.ON_BEHALF] = (self.actor, self.real_actor)

    # -- the key of sensitive fields (services/keys.py) -------------------------------------
    def key_file(self) -> Path | None:
        """Beside a SQLite database; none for a server database (use RECEPTIONCTL_KEY)."""
        from receptionctl.services import runs

        return runs.key_file(self.db)

    def key_source(self) -> str | None:
        if os.environ.get("RECEPTIONCTL_KEY"):
            return "env"
        path = self.key_file()
        return "file" if path is not None and path.exists() else None

    def cipher(self, create: bool = False):
        """The cipher from RECEPTIONCTL_KEY, else the key file; None when there is no key.
        With `create`, a missing key file is written (mode 0600, atomically)."""
        from receptionctl.services import runs

        return runs.cipher(self.db, os.environ.get(runs.KEY_ENV), create=create)


# -- hooks after a commit (services/hooks.py) ---------------------------------------------
HOOK_TIMEOUT_ENV = "RECEPTIONCTL_HOOK_TIMEOUT"


def run_hooks(events: list[dict[str, Any]], actor: str) -> None:
    """Give each committed event to its hooks. Never raises: a problem is a warning on stderr
    (the change is committed: a hook problem must not turn into a failure)."""
    if not events:
        return
    try:
        from receptionctl.services import hooks

        where = hooks_folder()
        planned = hooks.plan(events, where)
        if not planned:
            return
        seconds = hook_timeout()
        log = hooks_log()
        for run in hooks.run(where, planned, actor, log, seconds):
            if run.problem:
                _warn(_("hook {hook} failed on {event}: {problem} (the change is kept; see {log})").format(
                    hook=run.hook, event=run.event, problem=run.problem + (f": {run.detail}" if run.detail else ""),
                    log=log))
    except Exception as exc:
        if os.environ.get("RECEPTIONCTL_DEBUG", "") not in ("", "0", "false", "no"):
            raise
        from receptionctl import reasons

        _warn(_("hooks not run: {error}").format(error=reasons.of(exc, str(exc))))


def hooks_folder() -> Path:
    """RECEPTIONCTL_HOOKS, else the config file's `hooks`, else `hooks/` beside the config file."""
    value, _origin = setting("hooks")
    return Path(value).expanduser() if value else config_path().parent / "hooks"


def hooks_log() -> Path:
    """Every hook run is one line in hooks.log in the user data folder."""
    import platformdirs

    from receptionctl.services.hooks import LOG_FILE

    return platformdirs.user_data_path(APP_NAME) / LOG_FILE


def hook_timeout() -> float:
    """RECEPTIONCTL_HOOK_TIMEOUT seconds (default 10); a bad value: a warning and the default."""
    from receptionctl.services.hooks import DEFAULT_TIMEOUT_S

    text = os.environ.get(HOOK_TIMEOUT_ENV)
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
        if not 0 < seconds <= 3600:
            raise ValueError
        return seconds
    except ValueError:
        _warn(_("{variable} {value!r} is not valid: expected seconds from 0 to 3600; using {default}").format(
            variable=HOOK_TIMEOUT_ENV, value=text, default=f"{DEFAULT_TIMEOUT_S:g}"))
        return DEFAULT_TIMEOUT_S


def _warn(message: str) -> None:
    from receptionctl.render.output import warn

    warn(message)


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):  # a sub-app invoked on its own (tests)
        root.obj = State(db_target=resolve_db(None), actor=resolve_actor(None))
    return root.obj


# -- the settings: flag > environment > config file > default ---------------------------
# Each setting: its environment variable and its root option (None: no option yet).
SETTINGS = {
    "db": ("RECEPTIONCTL_DB", "--db"),
    "user": ("RECEPTIONCTL_USER", "--as"),
    "tz": ("RECEPTIONCTL_TZ", "--tz"),
    "lang": ("RECEPTIONCTL_LANG", "--lang"),
    "hooks": ("RECEPTIONCTL_HOOKS", None),  # the hooks folder (services/hooks.py)
    "smtp": ("RECEPTIONCTL_SMTP", None),  # `report daily --mail`: smtp://user:pass@host:port or smtps://...
    "mail_from": ("RECEPTIONCTL_MAIL_FROM", None),
}
LANGS = ("en", "zh-CN", "zh-TW")
DEFAULT_LANG = "en"
CONFIG_FILE = "config.toml"


def config_path() -> Path:
    """The config file: config.toml in the user config folder (platformdirs; on Linux
    $XDG_CONFIG_HOME/receptionctl, else ~/.config/receptionctl). It may not exist."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILE


def load_config_file(path: Path) -> dict[str, Any]:
    """The file's table as TOML reads it, unchecked ({} when there is no file). An unreadable
    file or one that is not TOML is bad input (exit 2), named with the problem."""
    import tomllib

    from receptionctl import reasons
    from receptionctl.errors import BadInput

    hint = _("fix or remove the file; `receptionctl config path` prints where it is")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BadInput(_("cannot read config file {path}: {error}").format(
            path=path, error=reasons.os_error(exc, exc.strerror or str(exc))), hint=hint) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(_("config file {path} is not valid TOML: it is not UTF-8 text").format(path=path),
                       hint=hint) from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(_("config file {path} is not valid TOML: {error}").format(path=path, error=reasons.toml(exc)),
                       hint=hint) from None


def read_config(path: Path | None = None) -> dict[str, str]:
    """The settings of the config file, checked: known keys, string values, each valid
    (exit 2 naming the file, the key and the problem)."""
    from receptionctl.errors import BadInput

    path = path or config_path()
    settings = {}
    for key, value in load_config_file(path).items():
        if key not in SETTINGS:
            raise BadInput(_("config file {path}: unknown key {key!r}: expected {keys}").format(
                path=path, key=key, keys=", ".join(SETTINGS)),
                hint=_("remove it with `receptionctl config unset {key}` or edit the file").format(key=key))
        settings[key] = check_setting(key, value, _("config file {path}: {key}").format(path=path, key=key))
    return settings


def check_setting(key: str, value: Any, what: str) -> str:
    """A setting's value, checked and normalised; bad input (exit 2) naming `what` if not valid."""
    from receptionctl.errors import BadInput

    if not isinstance(value, str):
        raise BadInput(_("{what} must be a string in quotes, such as {key} = \"...\"").format(what=what, key=key))
    if key == "db":
        if not value.strip() or any(ch in value for ch in "\n\r\0"):
            raise BadInput(_("{what} {value!r} is not valid: expected a file path or a database URL").format(
                what=what, value=value))
        return value
    if key == "user":
        from receptionctl.domain.core.vocab import check_username

        return check_username(value, what)
    if key == "tz":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise BadInput(_("{what} {value!r} is not a time zone: expected an IANA name such as Asia/Shanghai").format(
                what=what, value=value)) from None
        return value.strip()
    if key == "lang":
        for lang in LANGS:
            if value.strip().replace("_", "-").lower() == lang.lower():
                return lang
        raise BadInput(_("{what} {value!r} is not a language: expected one of {langs}").format(
            what=what, value=value, langs=", ".join(LANGS)))
    if key == "hooks":
        if not value.strip() or any(ch in value for ch in "\n\r\0"):
            raise BadInput(_("{what} {value!r} is not valid: expected a folder path").format(what=what, value=value))
        return value
    if key in ("smtp", "mail_from"):
        from receptionctl.services import mail

        return mail.parse_smtp(value, what).url if key == "smtp" else mail.check_address(value, what)
    raise BadInput(_("unknown setting {key!r}: expected {keys}").format(key=key, keys=", ".join(SETTINGS)))  # pragma: no cover


def setting(key: str, option: str | None = None, config: dict[str, str] | None = None) -> tuple[str | None, str]:
    """The value of a setting in force and where it comes from: "flag", "env", "config" or
    "default" (the value is then None: the caller knows the default). The config file is
    read only when neither the flag nor the environment gives the value."""
    env_var, flag = SETTINGS[key]
    if option:
        return (option if key == "db" else check_setting(key, option, flag)), "flag"
    env = os.environ.get(env_var)
    if env:
        return (env if key == "db" else check_setting(key, env, env_var)), "env"
    if config is None:
        config = read_config()
    if key in config:
        return config[key], "config"
    return None, "default"


def config_to_mend() -> dict[str, str]:
    """The config file's settings, none when the file is broken: the root options' under
    `config …`, so that `config path`, `config set` and `config unset` can mend it (`config
    show` reads it again, and fails on it, as every other command does)."""
    from receptionctl.errors import BadInput

    try:
        return read_config()
    except BadInput:
        return {}


def login_name() -> str:
    """The OS login name, the acting user when nothing else names one."""
    import getpass

    from receptionctl.domain.core.vocab import check_username

    try:
        return check_username(getpass.getuser(), "the login name")
    except Exception:  # no usable login name (containers)
        return "unknown"


def os_login() -> str:
    """The operating-system account running this process (policy identity os): from the user
    id (pwd), not from $LOGNAME or $USER, which anyone can set; "unknown" when it has no name."""
    import getpass

    from receptionctl.domain.core.vocab import check_username

    try:
        try:
            import pwd

            name = pwd.getpwuid(os.getuid()).pw_name
        except (ImportError, KeyError):  # Windows, or a user id without a passwd entry
            name = getpass.getuser()
        return check_username(name, "the login name")
    except Exception:
        return "unknown"


def resolve_db(option: str | None, config: dict[str, str] | None = None) -> str:
    """--db, else RECEPTIONCTL_DB, else the config file's db (`config`: its settings, when
    already read), else the user data folder's."""
    value, _ = setting("db", option, config)
    return value or str(default_db_path())


_actor_declared = False  # whether the last resolve_actor found a name (--as, env, config), not the login name


def resolve_actor(option: str | None, config: dict[str, str] | None = None) -> str:
    """--as, else RECEPTIONCTL_USER, else the config file's user, else the login name."""
    global _actor_declared
    value, _ = setting("user", option, config)
    _actor_declared = bool(value)
    return value or login_name()


def resolve_lang(option: str | None = None) -> str:
    """The interface language: --lang, else RECEPTIONCTL_LANG, else the config file's lang, else
    the locale's (LC_ALL, LC_MESSAGES, LANG: zh_CN.UTF-8 is zh-CN), else en."""
    from receptionctl.i18n import from_locale

    value, _ = setting("lang", option)
    return value or from_locale() or DEFAULT_LANG


def calendar_cache() -> None:
    """Computed working-day calendars are kept in the user cache folder (XDG_CACHE_HOME)."""
    import platformdirs

    from receptionctl.services import runs

    runs.use_calendar_cache(platformdirs.user_cache_path(APP_NAME))


def company_zone(session) -> None:
    """The company's zone from the policy, unless --tz or RECEPTIONCTL_TZ set one for this
    run (services/runs.py)."""
    from receptionctl.services import runs

    runs.company_zone(session)


def configure_clock(tz_option: str | None = None, config: dict[str, str] | None = None) -> None:
    """RECEPTIONCTL_NOW pins the clock; --tz, else RECEPTIONCTL_TZ, else the config file's
    tz, sets the zone for this run (else the policy's work zone, read when the database is
    opened)."""
    from datetime import datetime, timezone

    from receptionctl.domain.core import clock
    from receptionctl.errors import BadInput

    tz_name, origin = setting("tz", tz_option, config)
    if tz_name:
        from zoneinfo import ZoneInfo

        clock.set_zone(ZoneInfo(tz_name), {"flag": "--tz", "env": "RECEPTIONCTL_TZ"}.get(origin, "config file"))
    else:
        clock.set_zone(None)
    pinned = os.environ.get("RECEPTIONCTL_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned.strip().replace(" ", "T", 1))
        except ValueError:
            raise BadInput(
                _("RECEPTIONCTL_NOW {value!r} is not a moment: expected ISO 8601 such as 2026-11-25T09:00+08:00").format(
                    value=pinned)
            ) from None
        try:
            from datetime import timedelta

            for offset in ((0,) if moment.tzinfo else (-14, 14)):  # any zone must be able to read it
                (moment if moment.tzinfo else moment.replace(tzinfo=timezone(timedelta(hours=offset)))).astimezone(timezone.utc)
            clock.pin(moment)  # without an offset: read in the company's zone when used
        except OverflowError:
            raise BadInput(_("RECEPTIONCTL_NOW {value!r} is out of range: expected a moment between years 1 and 9999").format(
                value=pinned)) from None
    else:
        clock.pin(None)


def day(value: str, session):
    """Parse a day given on the command line (DAY_FORMS), in the company's zone."""
    from receptionctl.domain.core import clock, policy
    from receptionctl.domain.core.calendar import calendar_for
    from receptionctl.domain.core.when import parse_day

    rules = policy.load(session)
    return parse_day(value, clock.now(), policy.work_zone(rules), calendar_for(rules["country"]))


def day_window(session, start: str | None, end: str | None) -> tuple:
    """The instants from the start of day `start` to the end of day `end` (--from, --to), in the
    company's zone; None where not given."""
    from receptionctl.domain.cases.cases import period_bounds

    first = day(start, session) if start else None
    last = day(end, session) if end else None
    return (period_bounds(session, first, first)[0] if first else None,
            period_bounds(session, last, last)[1] if last else None)


def period_of(session, month: str | None, quarter: str | None, start: str | None, end: str | None,
              default: str = "month"):
    """The reporting period (first day, last day) of --month, --quarter or --from/--to, in the
    company's zone; none of them: this month so far, or this quarter so far (`default`)."""
    from receptionctl.domain.core import policy
    from receptionctl.domain.core.when import period

    today = policy.today(session)
    if default == "quarter" and not (month or quarter or start or end):
        quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    return period(month, quarter, day(start, session) if start else None, day(end, session) if end else None, today)


def when(value: str, session=None):
    """Parse a moment given on the command line (docs/CLI.md, "Dates and times in")."""
    from receptionctl.domain.core import clock
    from receptionctl.domain.core.calendar import calendar_for
    from receptionctl.domain.core.when import parse_when

    country = "CN"
    if session is not None:
        from receptionctl.domain.core import policy

        country = policy.load(session)["country"]
    return parse_when(value, clock.now(), clock.zone(), calendar_for(country))
