#!/usr/bin/env python3
"""Hold the Chinese catalogue to the glossary (src/receptionctl/locale/glossary.toml, issue 25).

    python3 scripts/glossary_fix.py            rewrite each msgstr's forbidden variants to the glossary's term
    python3 scripts/glossary_fix.py --check    say what would change (and any seed jargon); exit 1 if anything
    python3 scripts/glossary_fix.py --doc      write docs/GLOSSARY.md from the glossary
    python3 scripts/glossary_fix.py --po FILE  another catalogue (default: the zh_CN one)

The rewrite touches only the msgstr lines (`msgstr "..."`, `msgstr[N] "..."` and their continuation
lines): every msgid, comment and blank line stays as it is, in the same order, and each line keeps
its place, so that a wrapped msgstr stays wrapped where it was (a variant cut by the wrapping is
replaced whole on the line where it starts). It is idempotent: run it again after merging branches
that appended entries to the catalogue, and it changes only what they brought. What it cannot
rewrite (a seed number in a help, "种子") it reports, and `--check` fails on it.

Standard library only (Python 3.11): it runs before any install. tests/unit/test_glossary.py
imports it for the same checks.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "src" / "receptionctl" / "locale" / "glossary.toml"
CATALOGUE = ROOT / "src" / "receptionctl" / "locale" / "zh_CN" / "LC_MESSAGES" / "receptionctl.po"
PAGE = ROOT / "docs" / "GLOSSARY.md"


@dataclass(frozen=True)
class Variant:
    regex: re.Pattern
    shows: str  # as the page writes it
    use: str  # what it is rewritten to


@dataclass
class Term:
    concept: str
    en: str
    zh: str
    group: str
    codes: list[str] = field(default_factory=list)
    note: str = ""
    variants: list[Variant] = field(default_factory=list)
    allow: list[tuple[str, str]] = field(default_factory=list)  # (text, reason)


@dataclass
class Glossary:
    terms: list[Term]
    jargon_words: list[str]
    jargon_patterns: list[re.Pattern]
    jargon_note: str


def load(path: Path = GLOSSARY) -> Glossary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = []
    for item in data.get("term", []):
        term = Term(concept=item["concept"], en=item["en"], zh=item["zh"], group=item["group"],
                    codes=list(item.get("codes", [])), note=item.get("note", ""))
        variants = []
        for v in item.get("forbidden", []):
            if isinstance(v, str):
                variants.append(Variant(re.compile(re.escape(v)), v, term.zh))
            elif "pattern" in v:
                variants.append(Variant(re.compile(v["pattern"]), v.get("shows", v["pattern"]), v.get("use", term.zh)))
            else:
                variants.append(Variant(re.compile(re.escape(v["text"])), v["text"], v.get("use", term.zh)))
        term.variants = variants
        for a in item.get("allow", []):
            if not a.get("reason", "").strip():
                raise ValueError(f"glossary: the exception {a.get('text')!r} of {term.concept!r} has no reason")
            term.allow.append((a["text"], a["reason"]))
        terms.append(term)
    jargon = data.get("jargon", {})
    return Glossary(terms, list(jargon.get("words", [])), [re.compile(p) for p in jargon.get("patterns", [])],
                    jargon.get("note", ""))


# -- finding and rewriting ------------------------------------------------------------------------


def matches(text: str, term: Term) -> list[tuple[int, int, Variant]]:
    """The forbidden variants of `term` in `text`: (start, end, variant), left to right, not
    overlapping, none inside one of the term's allowed texts."""
    allowed = [(m.start(), m.end()) for text_ok, _ in term.allow for m in re.finditer(re.escape(text_ok), text)]
    found: list[tuple[int, int, Variant]] = []
    taken: list[tuple[int, int]] = []
    for variant in sorted(term.variants, key=lambda v: -len(v.shows)):  # the longest first: 政策设置, then 政策
        for m in variant.regex.finditer(text):
            s, e = m.span()
            if s == e or any(a <= s and e <= b for a, b in allowed) or any(s < b and a < e for a, b in taken):
                continue
            found.append((s, e, variant))
            taken.append((s, e))
    return sorted(found, key=lambda f: f[0])


def problems(text: str, glossary: Glossary) -> list[tuple[Term, str]]:
    """(term, the variant as written) for every forbidden variant in `text`."""
    return [(term, text[s:e]) for term in glossary.terms for s, e, _ in matches(text, term)]


def jargon(text: str, glossary: Glossary) -> list[str]:
    return [w for w in glossary.jargon_words if w in text] + \
        [m.group() for p in glossary.jargon_patterns for m in p.finditer(text)]


def fix_segments(segments: list[str], glossary: Glossary) -> list[str]:
    """The lines of one msgstr (their quoted contents), each forbidden variant rewritten to its term;
    a variant cut across two lines is replaced whole on the line where it starts."""
    for term in glossary.terms:
        joined = "".join(segments)
        found = matches(joined, term)
        if not found:
            continue
        owner = [k for k, seg in enumerate(segments) for _ in seg]  # the line of each character
        starts = {s: v.use for s, _, v in found}
        dropped = {i for s, e, _ in found for i in range(s, e)}
        out = [""] * len(segments)
        for i, ch in enumerate(joined):
            if i in starts:
                out[owner[i]] += starts[i]
            if i not in dropped:
                out[owner[i]] += ch
        segments = out
    return segments


_ENTRY = re.compile(r'^(msgstr(?:\[\d+\])?\s+)"(.*)"\s*$')
_MORE = re.compile(r'^"(.*)"\s*$')


def msgstr_blocks(lines: list[str]):
    """(first line index, [line indexes], [quoted contents]) of every msgstr of a .po file's lines."""
    i = 0
    while i < len(lines):
        m = _ENTRY.match(lines[i])
        if not m:
            i += 1
            continue
        index, contents = [i], [m.group(2)]
        j = i + 1
        while j < len(lines) and _MORE.match(lines[j]):
            index.append(j)
            contents.append(_MORE.match(lines[j]).group(1))
            j += 1
        yield i, index, contents
        i = j


def fix_lines(lines: list[str], glossary: Glossary) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The .po lines with every msgstr fixed, and the changes: (line number, old, new) per msgstr."""
    out = list(lines)
    changes = []
    for first, index, contents in msgstr_blocks(lines):
        fixed = fix_segments(contents, glossary)
        if fixed == contents:
            continue
        for k, line_no in enumerate(index):
            line = lines[line_no]
            if k == 0:
                prefix = _ENTRY.match(line).group(1)
                out[line_no] = f'{prefix}"{fixed[k]}"' + ("\n" if line.endswith("\n") else "")
            else:
                out[line_no] = f'"{fixed[k]}"' + ("\n" if line.endswith("\n") else "")
        changes.append((first + 1, "".join(contents), "".join(fixed)))
    return out, changes


def jargon_lines(lines: list[str], glossary: Glossary) -> list[tuple[int, str]]:
    """(line number, the jargon) in any msgid or msgstr of the file."""
    found = []
    for number, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        for word in jargon(line, glossary):
            found.append((number, word))
    return found


# -- the page -------------------------------------------------------------------------------------

_INTRO = """\
# Glossary: one Chinese term for each concept

The Chinese interface (Simplified, zh-CN) says each concept of the reception procedure with one
term, the one below: the seeds' term where they have one (they reached us in Traditional
characters; the terms are their Simplified forms), else the one the catalogue settled on. A
term's *not* column lists the variants that must not appear in the catalogue; an exception is
allowed only where the data file gives its reason.

This page is built from [`src/receptionctl/locale/glossary.toml`](../src/receptionctl/locale/glossary.toml)
(`python3 scripts/glossary_fix.py --doc`); edit the data file, not this page.
`tests/unit/test_glossary.py` fails when a translation in the catalogue uses a forbidden
variant, when a stored code's translation (`code|VALUE`) is not its concept's term, or when this
page is out of date. After entries are added to the catalogue (several branches append to it),
`python3 scripts/glossary_fix.py` rewrites every forbidden variant in the translations (msgstr
lines only, the file's order and wrapping kept); `--check` says what it would change.
The seeds are described in [SEEDS.md](SEEDS.md); a help or a message never cites them: the
user reads the rule, not its source number.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def page(glossary: Glossary) -> str:
    out = [_INTRO]
    groups: dict[str, list[Term]] = {}
    for term in glossary.terms:
        groups.setdefault(term.group, []).append(term)
    for group, terms in groups.items():
        out.append(f"\n## {group}\n\n| concept | English | 中文 | not | note |\n|---|---|---|---|---|\n")
        for t in terms:
            codes = (" Codes: " + ", ".join(f"`{c}`" for c in t.codes) + ".") if t.codes else ""
            allow = "".join(f" Allowed: {a} ({r})." for a, r in t.allow)
            shown = "、".join(v.shows if v.use == t.zh else f"{v.shows} (→ {v.use})" for v in t.variants)
            out.append(f"| {_cell(t.concept)} | {_cell(t.en)} | **{t.zh}** | {_cell(shown) or '–'} | "
                       f"{_cell((t.note + codes + allow).strip()) or '–'} |\n")
    words = "、".join(glossary.jargon_words + [p.pattern for p in glossary.jargon_patterns])
    out.append(f"\n## Never in a help or a message\n\n{glossary.jargon_note} (`{_cell(words)}`)\n")
    return "".join(out)


# -- the command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when anything would change")
    parser.add_argument("--doc", action="store_true", help="write docs/GLOSSARY.md from the glossary")
    parser.add_argument("--po", type=Path, default=CATALOGUE, help="the catalogue (default: the zh_CN one)")
    parser.add_argument("--glossary", type=Path, default=GLOSSARY, help="the glossary data file")
    args = parser.parse_args(argv)
    glossary = load(args.glossary)
    if args.doc:
        PAGE.write_text(page(glossary), encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)}")
        return 0
    text = args.po.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    fixed, changes = fix_lines(lines, glossary)
    for number, old, new in changes:
        print(f"{args.po.name}:{number}: {old}\n{'':>{len(args.po.name) + len(str(number)) + 2}} → {new}")
    left = jargon_lines(fixed, glossary)
    for number, word in left:
        print(f"{args.po.name}:{number}: jargon {word!r}: say the rule, not its source (rewrite it by hand)",
              file=sys.stderr)
    if args.check:
        print(f"{len(changes)} msgstr(s) would change", file=sys.stderr)
        return 1 if changes or left else 0
    if changes:
        args.po.write_text("".join(fixed), encoding="utf-8")
    print(f"{len(changes)} msgstr(s) changed", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
