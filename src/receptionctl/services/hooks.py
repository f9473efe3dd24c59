"""Hooks (issue 17), in the Taskwarrior style: executables in a folder, run after a change.

A change emits its events inside its transaction (domain/core/outbox.py). Once that transaction
has committed, the front end (the command line: `State.session` in cli/common.py) hands the
events to `plan()` and `run()`: each event goes, as one JSON object on standard input, to the
hooks named for it in the hooks folder:

- `on-<event, dots as dashes>`: `on-visit-new`, `on-plan-approve`, `on-task-done`,
  `on-feedback-add`, `on-case-add`, `on-promise-breach`, ...;
- for an `.add` event also the short `on-<noun>`: `on-feedback`, `on-case`, `on-incident`;
- `on-any`, for every event.

A file also counts under a name when it is that name and a dot and more (`on-case-add.py`,
`on-any.01-log`), so several hooks can share an event; they run in that order (the exact
name first, then the short form, then on-any; by file name within each). Hidden files and
names ending in `.disabled`, `.sample` or `~` are passed over.

No folder: nothing happens (nothing is read but a stat). A hook gets the environment of the
process plus RECEPTIONCTL_EVENT (the event name) and RECEPTIONCTL_HOOK (its file name); its
standard output is discarded; it has the caller's timeout, then it and its children are
killed. Every run is one line in the log file; `run()` yields each run as it ends, with its
problem (not executable, cannot start, exit status, timed out) for the caller to tell people.
Nothing a hook does undoes the change: the change was committed before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from receptionctl import reasons
from receptionctl.domain.core import clock
from receptionctl.i18n import _

DEFAULT_TIMEOUT_S = 10.0
LOG_FILE = "hooks.log"
_SKIPPED = (".disabled", ".sample", "~")

Plan = list[tuple[dict[str, Any], list[str]]]  # each event, with the file names of its hooks in order


@dataclass(frozen=True)
class HookRun:
    """One hook run: the event, the hook's file name, the problem (None: it went well), the
    last line of its stderr, the seconds it took."""

    event: str
    hook: str
    problem: str | None
    detail: str
    took: float


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


def plan(events: list[dict[str, Any]], folder: Path) -> Plan:
    """Each event with its hooks in `folder`; empty when no event has one (no folder, or not a
    folder: the usual case, one stat)."""
    if not events:
        return []
    try:
        files = [entry.name for entry in os.scandir(folder) if not entry.is_dir()]
    except OSError:  # no folder (the usual case), or not a folder: no hooks
        return []
    planned = [(event, hooks_for(event["event"], files)) for event in events]
    return planned if any(found for _event, found in planned) else []


def run(folder: Path, planned: Plan, actor: str, log: Path, timeout: float = DEFAULT_TIMEOUT_S) -> Iterator[HookRun]:
    """Give each planned event to its hooks, one after the other, each within `timeout` seconds;
    each run is a line in `log`, then yielded."""
    import json

    at = clock.local(clock.now()).isoformat(timespec="seconds")
    for event, found in planned:
        name = event["event"]
        message = {"event": name, "at": at, "actor": actor,
                   **{k: v for k, v in event.items() if k not in ("event", "at", "actor")}}
        data = (json.dumps(message, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        for file in found:
            problem, detail, took = _run_one(folder / file, name, data, timeout)
            _log(log, at, name, file, problem, detail, took)
            yield HookRun(event=name, hook=file, problem=problem, detail=detail, took=took)


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
            return _("cannot start it: {error}").format(error=reasons.os_error(exc, exc.strerror or str(exc))), "", 0.0
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


def _log(path: Path, at: str, event: str, hook: str, problem: str | None, detail: str, took: float) -> None:
    """One tab-separated line per run: time, event, hook, ok or the problem, its stderr's last line."""
    outcome = problem or "ok"
    line = "\t".join((at, event, hook, outcome, f"{took:.2f}s", detail.replace("\t", " "))) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
    except OSError:
        pass  # a log that cannot be written is not worth a second warning
