"""One Chinese term for each concept (issue 25): the zh_CN catalogue holds to the glossary
(src/receptionctl/locale/glossary.toml), docs/GLOSSARY.md is built from it, and the script that
rewrites the catalogue (scripts/glossary_fix.py) touches only msgstr lines and can be run again.
No help and no message cites a seed: the user reads the rule, not its source number."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "glossary_fix.py"
CATALOGUE = ROOT / "src" / "receptionctl" / "locale" / "zh_CN" / "LC_MESSAGES" / "receptionctl.po"


def _script():
    spec = importlib.util.spec_from_file_location("glossary_fix", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["glossary_fix"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


gf = _script()
GLOSSARY = gf.load()
with CATALOGUE.open("rb") as _f:
    MESSAGES = [m for m in read_po(_f) if m.id]


def strings(message) -> list[str]:
    return [s for s in ((message.string,) if isinstance(message.string, str) else message.string) if s]


def english(message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_the_catalogue_uses_only_the_glossarys_terms():
    found = [f"{english(m)[0][:60]!r}: {variant} (say {term.zh})"
             for m in MESSAGES for s in strings(m) for term, variant in gf.problems(s, GLOSSARY)]
    assert not found, "forbidden variants (run python3 scripts/glossary_fix.py):\n" + "\n".join(found)


def test_a_stored_codes_translation_is_its_concepts_term():
    translated = {english(m)[0]: (strings(m) or [""])[0] for m in MESSAGES}
    wrong = [f"code|{c}: {translated.get(f'code|{c}')!r}, the glossary says {t.zh}"
             for t in GLOSSARY.terms for c in t.codes if translated.get(f"code|{c}") != t.zh]
    assert not wrong, wrong


def test_the_glossary_is_consistent():
    """One term per concept and one concept per term; no term is its own forbidden variant (the
    rewrite would never end); every exception has its reason (load refuses one without)."""
    terms = [t.zh for t in GLOSSARY.terms]
    assert len(terms) == len(set(terms)), sorted(t for t in terms if terms.count(t) > 1)
    for term in GLOSSARY.terms:
        assert not gf.matches(term.zh, term), term.concept
        for variant in term.variants:
            assert not gf.matches(variant.use, term), (term.concept, variant.use)
    assert any(term.allow for term in GLOSSARY.terms)


def test_the_page_is_built_from_the_glossary():
    page = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    assert page == gf.page(GLOSSARY), "docs/GLOSSARY.md is out of date: python3 scripts/glossary_fix.py --doc"


SAMPLE = '''\
# a translator's comment about 协调人 stays
msgid "The coordinator approves"
msgstr "协调人审批，政策设置见 policy show"

msgid ""
"A long help that the catalogue wraps"
msgstr ""
"第一行说到后"
"备人员；隐私政策不变；接待人员不变，接待人变为主接待人"

msgid "{n} pass"
msgid_plural "{n} passes"
msgstr[0] "{n} 张通行证，{n} 张临时通行证"

msgid "already right"
msgstr "协调员"
'''


def test_the_fix_rewrites_only_msgstr_lines_in_place_and_a_second_run_changes_nothing(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(SAMPLE, encoding="utf-8")
    run = [sys.executable, str(SCRIPT), "--po", str(po)]
    assert subprocess.run([*run, "--check"], capture_output=True).returncode == 1
    subprocess.run(run, check=True, capture_output=True)
    before, after = SAMPLE.splitlines(), po.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    for old, new in zip(before, after):
        if not (old.startswith("msgstr") or (old.startswith('"') and new != old)):
            assert old == new  # comments, msgids, blank lines: as they were, where they were
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "协调员审批，制度设置见 policy show"' in text
    # a variant cut by the wrapping is rewritten whole on the line where it starts; the lines stay two
    assert '"第一行说到B角"\n"；隐私政策不变；接待人员不变，主接待人变为主接待人"' in text
    assert 'msgstr[0] "{n} 张临时通行证，{n} 张临时通行证"' in text
    assert "# a translator's comment about 协调人 stays" in text
    subprocess.run(run, check=True, capture_output=True)
    assert po.read_text(encoding="utf-8") == text
    assert subprocess.run([*run, "--check"], capture_output=True).returncode == 0


def test_the_catalogue_is_what_the_fix_leaves():
    """The committed catalogue is the script's fixed point: after a merge, running it again is
    what brings the new entries to the glossary."""
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines(keepends=True)
    fixed, changes = gf.fix_lines(lines, GLOSSARY)
    assert not changes, changes[:3]


# -- no seed jargon -----------------------------------------------------------------------------


def test_no_message_or_help_in_the_catalogue_cites_a_seed():
    found = [f"{english(m)[0][:70]!r}: {word}" for m in MESSAGES
             for text in english(m) + strings(m) for word in gf.jargon(text, GLOSSARY)]
    assert not found, found


def _texts(command):
    yield command.help or ""
    yield command.short_help or ""
    for param in getattr(command, "params", ()):
        yield getattr(param, "help", None) or ""
    for child in getattr(command, "commands", {}).values():
        yield from _texts(child)


def test_no_english_help_cites_a_seed():
    from receptionctl.cli.app import build
    from receptionctl.domain.core.policy import SETTINGS

    texts = [*_texts(build(eager=True)), *(s.help for s in SETTINGS.values())]
    found = [t[:80] for t in texts if gf.jargon(t, GLOSSARY)]
    assert not found, found


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_policy_show_names_the_document_not_its_number(initdb, lang):
    out = initdb("--lang", lang, "policy", "show").stdout
    assert not re.search(r"\b0[01][0-9]\b", out), out[:400]  # neither a seed's number nor an issue's
    assert ("客户接待标准流程管理办法" if lang == "zh-CN" else "Standard client reception procedure") in out
