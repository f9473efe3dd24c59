"""Every command has help, every option has help, and the documentation shows every command.

The documentation is README.md and every page under docs/. Every `receptionctl …` line of
their shell examples names a real command with real options, and an example without
placeholders parses; every relative link points at a file that exists (and, for a heading
of a Markdown page, at a heading that exists). README.md stays a newcomer's page: 300 lines
at most.
"""

import re
import shlex
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
import typer

from receptionctl.cli.app import build

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_ZH = ROOT / "README.zh-CN.md"
PAGES = [README, README_ZH, *sorted((ROOT / "docs").rglob("*.md"))]
TEXT = {page: page.read_text(encoding="utf-8") for page in PAGES}
DOCS = "\n".join(TEXT.values())
README_MAX_LINES = 300


def walk(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        for name, child in sub.items():
            yield from walk(child, path + (name,))
    else:
        yield " ".join(path), command


APP = build(eager=True)
COMMANDS = list(walk(APP))


def rel(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented(path, command):
    assert (command.help or "").strip(), f"`{path}` has no help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" or param.__class__.__name__.endswith("Option"):
            assert (param.help or "").strip(), f"`{path}` option {param.opts} has no help"
    shown = re.compile(r"receptionctl( --(db|as) \S+)* " + re.escape(path) + r"\b")
    assert shown.search(DOCS), f"neither README.md nor a page of docs/ shows `receptionctl {path}`"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_shows_an_example_that_parses(path, command):
    """The help ends with one `Example: receptionctl <path> ...` (no root options, so it reads as
    the command's own), and the example's arguments parse at the leaf: make_context only parses
    (typer's parsers run; no command body, no database)."""
    text = command.help or ""
    assert text.count("Example: ") == 1, f"`{path}` help should show exactly one example"
    example = text.split("Example: ", 1)[1].strip()
    argv = shlex.split(example)
    words = path.split()
    assert argv[: 1 + len(words)] == ["receptionctl", *words], f"`{path}` example is for another command: {example}"
    try:
        command.make_context(path, argv[1 + len(words):])
    except (typer.TyperException, ValueError) as exc:  # UsageError, BadParameter, MissingParameter, ...
        pytest.fail(f"`{path}` example does not parse: {example}: {exc}")


# ---- the examples of the pages ----------------------------------------------------------------

SHELL_FENCES = {"", "sh", "bash", "shell", "console", "cron"}
OPERATORS = {"|", "||", ">", ">>", "<", "&", "&&", ";", "2>", "2>&1"}
PLACEHOLDER = re.compile(r"[A-Z][A-Z_]*(=[A-Z_]+)?")  # FILE, RUN, VERSION_ID, N, KEY=VALUE


def is_form(words) -> bool:
    """A line that shows a command's form rather than one run of it: [optional] parts, a|b
    choices, an ellipsis, or an UPPER-CASE placeholder."""
    return any(any(mark in w for mark in ("[", "]", "…", "...")) or ("|" in w and w not in OPERATORS)
               or PLACEHOLDER.fullmatch(w) for w in words)


def shell_lines(text: str):
    """(line number, command line) for each line of a shell-like fenced block; continuation lines
    (ending in a backslash) joined; in a console block only the lines after `$ `."""
    fence, start, pending = None, 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else stripped[3:].strip().lower()
            pending = ""
            continue
        if fence is None or fence not in SHELL_FENCES:
            continue
        if fence == "console":
            if not pending and not stripped.startswith("$ "):
                continue
            if not pending:
                line = stripped[2:]
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield start, pending + line
        pending = ""


def invocations():
    for page in PAGES:
        for number, line in shell_lines(TEXT[page]):
            if not re.search(r"(^|[\s/])receptionctl(\s|$)", line):
                continue  # another program, or a diagram in a plain block
            try:
                words = shlex.split(line, comments=True)
            except ValueError as exc:
                yield rel(page), number, line, None, f"does not split as a shell line: {exc}"
                continue
            at = next((i for i, w in enumerate(words) if w == "receptionctl" or w.endswith("/receptionctl")), None)
            if at is None:
                continue
            argv = words[at + 1:]
            operator = [w in OPERATORS or w.startswith(("2>", ">")) for w in argv]
            if is_form(w for w, op in zip(argv, operator) if not op):
                yield rel(page), number, line, [w for w, op in zip(argv, operator) if not op], "form"
            else:
                cut = operator.index(True) if True in operator else len(argv)
                yield rel(page), number, line, argv[:cut], None


INVOCATIONS = list(invocations())


def options_of(command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        names.update(getattr(param, "opts", []) or [])
        names.update(getattr(param, "secondary_opts", []) or [])
    return names


ROOT_OPTIONS = options_of(APP)
ROOT_VALUES = {opt for param in APP.params if not getattr(param, "is_flag", False) for opt in param.opts}


def resolve(argv):
    """The command a line runs: (path, command, the rest of its words). Root options first; a
    group whose default is `add` (`plan item 7 …`, `attach 7 file`, `desk log TEXT`) as the
    command line reads it; a group invoked with its own options (`audit --last 20`) is itself."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ROOT_VALUES else 1
    command, path = APP, []
    while getattr(command, "commands", None):
        sub = command.commands
        if i < len(argv) and argv[i] in sub:
            path.append(argv[i])
            command = sub[argv[i]]
            i += 1
        elif i < len(argv) and "add" in sub and type(command).__name__ == "_AddByDefault":
            path.append("add")
            command = sub["add"]
        else:
            break
    return path, command, argv[i:]


@pytest.mark.parametrize("page, number, line, argv, problem", INVOCATIONS,
                         ids=[f"{p}:{n}" for p, n, *_ in INVOCATIONS])
def test_every_example_of_the_pages_names_real_options_and_parses(page, number, line, argv, problem):
    """A line that shows a form (placeholders, [options], a|b) must name a command that exists and
    only options it has; a line without placeholders must also parse, as the command line would."""
    where = f"{page}, line {number}: {line.strip()}"
    assert argv is not None, f"{where}: {problem}"
    path, command, rest = resolve(argv)
    if not path:
        assert not rest or rest[0].startswith("-"), f"{where}: no command {rest[0]!r}"
        unknown = {w.split("=")[0] for w in argv if w.startswith("--")} - ROOT_OPTIONS
        assert not unknown, f"{where}: no such root option {sorted(unknown)}"
        return
    if getattr(command, "commands", None) and not getattr(command, "invoke_without_command", False):
        pytest.fail(f"{where}: `receptionctl {' '.join(path)}` is a group: name one of its commands")
    known = options_of(command) | ROOT_OPTIONS
    named = {m for w in rest if w.startswith("-") or "[" in w or "|" in w
             for m in re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", w)}
    unknown = sorted(named - known)
    assert not unknown, f"{where}: `receptionctl {' '.join(path)}` has no option {', '.join(unknown)}"
    if problem == "form":
        return  # a form, not one run: its command and options are real, which is all it can prove
    args = rest
    if getattr(command, "commands", None):  # a group run with its own options (audit)
        args = [w for w in rest if w not in command.commands]
    try:
        command.make_context(" ".join(path), list(args))
    except (typer.TyperException, ValueError) as exc:
        pytest.fail(f"{where}: does not parse: {exc}")


def test_the_pages_show_examples():
    """The examples test above reads the pages' shell blocks: it must find the many there are."""
    assert len(INVOCATIONS) > 300, len(INVOCATIONS)


# ---- the pages themselves -----------------------------------------------------------------------


def test_readme_is_a_newcomers_page():
    lines = TEXT[README].count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines: at most {README_MAX_LINES}; move the rest to docs/"


def slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading: lower case, punctuation dropped, spaces
    as hyphens (letters of any script and digits kept)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(text: str) -> set[str]:
    found, seen, fence = set(), {}, False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fence = not fence
        if fence:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(1))
            n = seen.get(base, 0)
            found.add(base if n == 0 else f"{base}-{n}")
            seen[base] = n + 1
    return found


def links(text: str):
    """(line number, target) of every Markdown link and image outside code."""
    fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        for target in re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", line):
            yield number, target


LINKS = [(page, number, target) for page in PAGES for number, target in links(TEXT[page])
         if not re.match(r"^[a-z][a-z0-9+.-]*:", target)]  # http:, https:, mailto: are not files


@pytest.mark.parametrize("page, number, target", LINKS, ids=[f"{rel(p)}:{n}:{t}" for p, n, t in LINKS])
def test_relative_link_points_at_a_file_that_exists(page, number, target):
    where = f"{rel(page)}, line {number}: ({target})"
    file, _, anchor = target.partition("#")
    goal = (page.parent / unquote(file)).resolve() if file else page
    assert goal.exists(), f"{where}: no such file {goal}"
    assert ROOT in goal.parents or goal == ROOT, f"{where}: points outside the repository"
    if anchor and goal.suffix == ".md":
        assert anchor in anchors(goal.read_text(encoding="utf-8")), f"{where}: {rel(goal)} has no heading #{anchor}"


def test_the_pages_link_to_each_other():
    """The index lists every page of docs/ and the Chinese README, the README links to the index,
    and the two READMEs link to each other at their top."""
    index = ROOT / "docs" / "README.md"
    listed = {(index.parent / unquote(t.partition("#")[0])).resolve() for _, t in links(TEXT[index])}
    for page in PAGES:
        if page not in (README, index):
            assert page.resolve() in listed, f"docs/README.md does not list {rel(page)}"
    assert "docs/README.md" in TEXT[README]
    assert "(README.zh-CN.md)" in "\n".join(TEXT[README].splitlines()[:5])
    assert "(README.md)" in "\n".join(TEXT[README_ZH].splitlines()[:5])


def test_the_chinese_readme_has_the_same_two_commands_and_a_tour():
    text = TEXT[README_ZH]
    for command in ("make demo", "make test"):
        assert f"\n{command} " in text, command
    assert "## 十分钟导览" in text and text.count("receptionctl ") > 20
    assert TEXT[README_ZH].count("\n") <= README_MAX_LINES


def test_no_page_cites_a_document_outside_the_repository():
    for page in PAGES:
        for number, line in enumerate(TEXT[page].splitlines(), 1):
            assert "../shared" not in line and "shared/" not in line, f"{rel(page)}, line {number}: {line}"


def test_every_measure_of_report_kpi_is_defined_on_its_page():
    """`report kpi`'s measures each have their line in the definitions table of measures.md."""
    from receptionctl.domain.measures.kpi import MEASURES

    page = TEXT[ROOT / "docs" / "usage" / "measures.md"]
    section = page.split("## Measuring the work", 1)[1].split("\n## ", 1)[0]
    for key, _, _ in MEASURES:
        assert f"`{key}`" in section, key


def test_every_environment_variable_the_code_reads_is_in_the_contract():
    contract = TEXT[ROOT / "docs" / "CLI.md"]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "receptionctl").rglob("*.py"))
    for name in sorted(set(re.findall(r"\bRECEPTIONCTL_[A-Z_]+\b", source))):
        assert f"`{name}`" in contract, f"docs/CLI.md does not name {name}"
