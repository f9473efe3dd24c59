"""Hooks (issue 17), in the Taskwarrior style: executables in a folder, run after a change.

A change emits its events inside its transaction (domain/outbox.py). Once that transaction
has committed, `State.session` (cli/common.py) hands the events to `run()`: each event goes,
as one JSON object on standard input, to the hooks named for it in the hooks folder:

- `on-<event, dots as dashes>`: `on-visit-new`, `on-plan-approve`, `on-task-done`,
  `on-feedback-add`, `on-case-add`, `on-promise-breach`, ...;
- for an `.add` event also the short `on-<noun>`: `on-feedback`, `on-case`, `on-incident`;
- `on-any`, for every event.

A file also counts under a name when it is that name and a dot and more (`on-case-add.py`,
`on-any.01-log`), so several hooks can share an event; they run in that order (the exact
name first, then the short form, then on-any; by file name within each). Hidden files and
names ending in `.disabled`, `.sample` or `~` are passed over.

The folder: RECEPTIONCTL_HOOKS, else the config file's `hooks`, else `hooks/` beside the
config file. No folder: nothing happens (nothing is imported, nothing is read but a stat).
A hook gets the environment of the command plus RECEPTIONCTL_EVENT (the event name) and
RECEPTIONCTL_HOOK (its file name); its standard output is discarded; it has
RECEPTIONCTL_HOOK_TIMEOUT seconds (default 10), then it and its children are killed. A hook
that is not executable, cannot start, exits non-zero or times out is one `warning:` line on
stderr; every run is one line in `hooks.log` in the user data folder. Nothing a hook does
changes the command's exit code or undoes the change: the change was committed before.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterable

from receptionctl.i18n import _

ENV_FOLDER = "RECEPTIONCTL_HOOKS"
ENV_TIMEOUT = "RECEPTIONCTL_HOOK_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0
LOG_FILE = "hooks.log"
_SKIPPED = (".disabled", ".sample", "~")


def folder() -> Path:
    """RECEPTIONCTL_HOOKS, else the config file's `hooks`, else `hooks/` beside the config file."""
    from receptionctl.cli.common import config_path, setting

    value, _origin = setting("hooks")
    return Path(value).expanduser() if value else config_path().parent / "hooks"


def names(event: str) -> list[str]:
    """The hook names of an event, in the order they run: on-plan-approve; on-feedback-add,
    on-feedback (the short form of an `.add` event); then on-any."""
    noun, _sep, verb = event.partition(".")
    out = ["on-" + event.replace(".", "-")]
    if verb == "add":
        out.append("on-" + noun)
    out.append("on-any")
    return out


def hooks_for(event: str, files: Iterable[str]) -> list[str]:
    """The file names of `files` that are hooks of `event`, in the order they run."""
    usable = sorted(f for f in files if not f.startswith(".") and not f.endswith(_SKIPPED))
    out: list[str] = []
    for name in names(event):
        out += [f for f in usable if (f == name or f.startswith(name + ".")) and f not in out]
    return out


def log_path() -> Path:
    import platformdirs

    from receptionctl.cli.common import APP_NAME

    return platformdirs.user_data_path(APP_NAME) / LOG_FILE


def timeout() -> float:
    """RECEPTIONCTL_HOOK_TIMEOUT seconds (default 10); a bad value: a warning and the default."""
    text = os.environ.get(ENV_TIMEOUT)
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
        if not 0 < seconds <= 3600:
            raise ValueError
        return seconds
    except ValueError:
        _warn(_("{variable} {value!r} is not valid: expected seconds from 0 to 3600; using {default}").format(
            variable=ENV_TIMEOUT, value=text, default=f"{DEFAULT_TIMEOUT_S:g}"))
        return DEFAULT_TIMEOUT_S


def run(events: list[dict[str, Any]], actor: str) -> None:
    """Give each committed event to its hooks. Never raises: a problem is a warning."""
    if not events:
        return
    try:
        where = folder()
        try:
            files = [entry.name for entry in os.scandir(where) if not entry.is_dir()]
        except OSError:  # no folder (the usual case), or not a folder: no hooks
            return
        plan = [(event, hooks_for(event["event"], files)) for event in events]
        if not any(found for _event, found in plan):
            return
        _run_all(where, plan, actor)
    except Exception as exc:  # the change is committed: a hook problem must not turn into a failure
        if os.environ.get("RECEPTIONCTL_DEBUG", "") not in ("", "0", "false", "no"):
            raise
        _warn(_("hooks not run: {error}").format(error=exc))


def _run_all(where: Path, plan: list, actor: str) -> None:
    import json

    from receptionctl.domain import clock

    seconds = timeout()
    at = clock.local(clock.now()).isoformat(timespec="seconds")
    for event, found in plan:
        name = event["event"]
        message = {"event": name, "at": at, "actor": actor,
                   **{k: v for k, v in event.items() if k not in ("event", "at", "actor")}}
        data = (json.dumps(message, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        for file in found:
            problem, detail, took = _run_one(where / file, name, data, seconds)
            _log(at, name, file, problem, detail, took)
            if problem:
                _warn(_("hook {hook} failed on {event}: {problem} (the change is kept; see {log})").format(
                    hook=file, event=name, problem=problem + (f": {detail}" if detail else ""), log=log_path()))


def _run_one(path: Path, event: str, data: bytes, seconds: float) -> tuple[str | None, str, float]:
    """(the problem or None, the last line of its stderr, seconds taken)."""
    import subprocess
    import tempfile
    import time

    if not os.access(path, os.X_OK):
        return _("not executable (chmod +x it)"), "", 0.0
    env = {**os.environ, "RECEPTIONCTL_EVENT": event, "RECEPTIONCTL_HOOK": path.name}
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([str(path)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err,
                                    env=env, start_new_session=hasattr(os, "killpg"))
        except OSError as exc:
            return _("cannot start it: {error}").format(error=exc.strerror or exc), "", 0.0
        problem = None
        try:
            proc.communicate(data, timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill(proc)
            problem = _("timed out after {seconds} s, stopped").format(seconds=f"{seconds:g}")
        took = time.monotonic() - started
        if problem is None and proc.returncode != 0:
            code = proc.returncode
            problem = (_("killed by signal {signal}").format(signal=-code) if code < 0
                       else _("exit status {code}").format(code=code))
        err.seek(0)
        lines = [line.strip() for line in err.read()[-4096:].decode("utf-8", "replace").splitlines() if line.strip()]
    return problem, (lines[-1][:200] if lines else ""), took


def _kill(proc) -> None:
    """The hook and whatever it started (its own process group), then wait for it."""
    import signal

    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - not POSIX
            proc.kill()
    except OSError:
        pass
    try:
        proc.wait(timeout=5)
    except Exception:  # pragma: no cover
        pass


def _log(at: str, event: str, hook: str, problem: str | None, detail: str, took: float) -> None:
    """One tab-separated line per run: time, event, hook, ok or the problem, its stderr's last line."""
    path = log_path()
    outcome = problem or "ok"
    line = "\t".join((at, event, hook, outcome, f"{took:.2f}s", detail.replace("\t", " "))) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
    except OSError:
        pass  # a log that cannot be written is not worth a second warning


def _warn(message: str) -> None:
    sys.stderr.write(_("warning: {message}").format(message=message) + "\n")
