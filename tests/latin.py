"""The Latin words left on a Chinese screen (issue 25): what the zh-CN flow tests look for.

A Chinese screen may show Latin letters only where a person put them or where they are meant to
be typed: the names and free text people typed (given to `offenders` as phrases), user ids,
e-mail addresses, URLs, file paths and names, time zones (Asia/Shanghai), command lines in hints (text starting with `receptionctl `),
and the few units and abbreviations of ABBREVIATIONS. Anything else with three or more Latin
letters in a row (a state, a role, a task key, a library's English) is an offender.
"""

from __future__ import annotations

import re

# units and well-known abbreviations a Chinese screen writes in Latin letters
ABBREVIATIONS = frozenset({"ID", "CSV", "PDF", "VIP", "SHA", "JSON", "HTML", "SMTP", "URL", "NDA", "KPI", "UTC"})

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_FILE = re.compile(r"(?<![A-Za-z0-9_.-])[\w.-]+\.(?:toml|csv|ics|json|md|html|db|key|txt|pdf|docx|xlsx|png|jpg)\b")
_PATH = re.compile(r"(?<![A-Za-z0-9_.])(?:/|~/)[^\s（）()，,：；。“”]+")
# a command line in a hint, to the end of its quote, bracket or line
_COMMAND = re.compile(r"receptionctl [^`）)”\n]*")
_ZONE = re.compile(r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_+-]+")
_WORD = re.compile(r"[A-Za-z]{3,}")
# the audit log's change column: the record's before and after as stored (JSON), as `audit --json` shows them
_AUDIT_CHANGE = re.compile(r"\{.*?\}(?=；|;|$)", re.M)


def offenders(text: str, phrases=(), ids=()) -> list[str]:
    """The Latin words of `text` outside what may stay Latin: `phrases` (typed names and text, taken
    out where they appear whole), `ids` (user ids and other identifiers, taken out as whole tokens)."""
    for pattern in (_URL, _EMAIL, _COMMAND, _PATH, _FILE, _ZONE):
        text = pattern.sub(" ", text)
    for phrase in sorted(set(phrases), key=len, reverse=True):
        text = text.replace(phrase, " ")
    for ident in sorted(set(ids), key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_.-]){re.escape(ident)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])", " ", text)
    return [w for w in _WORD.findall(text) if w not in ABBREVIATIONS]


def without_audit_changes(text: str) -> str:
    """`audit`'s output without its change column's JSON: the stored record, whose keys and codes are
    the data's (the hash chain covers them as they are), not words for people."""
    return _AUDIT_CHANGE.sub(" ", text)


def lines_with_offenders(text: str, phrases=(), ids=()) -> list[str]:
    """The lines of `text` that hold an offender, each with its offending words."""
    return [f"{line.strip()}  <- {', '.join(found)}" for line in text.splitlines()
            if (found := offenders(line, phrases, ids))]
