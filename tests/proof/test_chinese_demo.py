"""The whole demo in zh-CN shows no English code (issue 25): every command of examples/demo.sh, run
under LANG=zh_CN.UTF-8 with the clock pinned, and every list and show command on the database it
builds (tests/proof/test_json_snapshot.py's set, read as a person reads them, without --json),
show no Latin word of three letters or more but what people typed, ids, command lines in hints
and the abbreviations of tests/latin.py.

The demo's own output goes to /dev/null: a `receptionctl` of the test's own, first on the PATH,
runs the real one and writes what each command printed to a log before passing it on.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.latin import lines_with_offenders, without_audit_changes
from tests.proof.test_json_snapshot import READS

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-12-07T08:00:00+08:00"

WRAPPER = """#!{python}
import json, os, subprocess, sys
done = subprocess.run([sys.executable, "-m", "receptionctl", *sys.argv[1:]], capture_output=True)
with open(os.environ["DEMO_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "stdout": done.stdout.decode("utf-8", "replace"),
                          "stderr": done.stderr.decode("utf-8", "replace")}}) + "\\n")
sys.stdout.buffer.write(done.stdout)
sys.stderr.buffer.write(done.stderr)
sys.exit(done.returncode)
"""

# the options the demo gives free text (names, places, notes), besides its multi-word arguments
FREE = {"--venue", "--place", "--title", "--diet", "--to", "--client", "--tracking", "--name", "--dept",
        "--industry", "--from", "--guest", "--company", "--staff", "--host", "--owner", "--backup", "--passed-to"}


def typed(script: str) -> tuple[list[str], list[str]]:
    """What the demo types: its arguments of more than one word (names, places, notes) and the values
    of its free-text options; and the user ids it adds."""
    phrases = []
    for line in script.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        phrases += [w for w in words if " " in w.strip() and re.search("[A-Za-z]", w)]
        phrases += [value for option, value in zip(words, words[1:]) if option in FREE]
    ids = ["admin", *re.findall(r"staff add (\S+)", script)]
    return phrases, ids


def _env(db: Path, log: Path, bin_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECEPTIONCTL_", "LC_"))}
    env.update(RECEPTIONCTL_DB=str(db), RECEPTIONCTL_NOW=NOW, RECEPTIONCTL_USER="admin", LANG="zh_CN.UTF-8",
               NO_COLOR="1", DEMO_LOG=str(log), PATH=f"{bin_dir}:{env.get('PATH', '')}")
    return env


def _for_programs(argv: list[str]) -> bool:
    """A command whose stdout is for programs (JSON): its stderr, for people, is still read."""
    return "--json" in argv or "json" in argv


def outputs(folder: Path) -> tuple[list[tuple[str, str]], dict]:
    """(command line, what it printed for people) for every command the demo ran in zh-CN, then for
    the list and show commands on the database it built; and the policy and the procedure, as JSON."""
    work = folder / "checkout"
    (work / "examples").mkdir(parents=True)
    (work / "examples" / "demo.sh").write_text((ROOT / "examples" / "demo.sh").read_text())
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "receptionctl"
    wrapper.write_text(WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    log = folder / "demo.log"
    env = _env(work / "demo" / "reception.db", log, bin_dir)
    subprocess.run(["bash", str(work / "examples" / "demo.sh")], env=env, cwd=work, check=True,
                   capture_output=True, timeout=1800)
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        said = entry["stderr"] if _for_programs(entry["argv"]) else entry["stdout"] + entry["stderr"]
        out.append((" ".join(entry["argv"]), said))

    def run(argv: list[str]) -> str:
        done = subprocess.run([sys.executable, "-m", "receptionctl", *argv], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (argv, done.stderr)
        return done.stdout + done.stderr

    for user, args in READS:
        argv = ["--as", user, *args.replace("--format json", "").split()]
        out.append((" ".join(argv), run(argv)))
    data = {"policy": json.loads(run(["policy", "show", "--json"])),
            "procedure": json.loads(run(["procedure", "show", "--json"]))}
    return out, data


_DUE = re.compile(r"(?<![\w-])(?:start|end|event)(?:[+-]\S+)?|\{[a-z_]+\}")


def settings(text: str, keys: set[str]) -> str:
    """`policy show` without its rows' key, value, default and help (a setting's value is what `policy set
    KEY VALUE` takes; its help is the help's): the header and the lines after the table."""
    return "\n".join(line for line in text.splitlines() if not line.split(" ", 1)[0] in keys)


@pytest.mark.slow
def test_the_demo_in_chinese_shows_no_english_code(tmp_path):
    phrases, ids = typed((ROOT / "examples" / "demo.sh").read_text())
    said, data = outputs(tmp_path)
    # ids besides the users': the procedure's name, the policy's settings (`policy set KEY`)
    keys = set(data["policy"])
    ids += [data["procedure"]["name"], *keys]
    task_keys = [t["key"] for t in data["procedure"]["tasks"]] + [q["key"] for q in data["procedure"]["questions"]]
    left = {}
    for argv, text in said:
        if argv.endswith("policy show"):
            text = settings(text, keys)
        if argv.split(" ")[2:3] == ["audit"] or argv.startswith("audit"):
            text = without_audit_changes(text)
        if argv.endswith("procedure show"):  # the procedure file as written: its keys, due times, {fields}
            text = _DUE.sub(" ", text)
            found = lines_with_offenders(text, phrases, ids + task_keys)
        else:
            found = lines_with_offenders(text, phrases, ids)
        if found:
            left[argv] = found
    assert not left, "\n".join(f"{argv}:\n  " + "\n  ".join(lines) for argv, lines in left.items())
