"""The command line in the run's language (issue 17): help texts, headings, the parser's errors.

The help texts in the code are English (each is its own message id in the catalogue); they are
translated in place, on the click commands, when a command group is first reached in a run whose
language is not English (`translate_tree`), and put back when a later run in the same process is
English (the tests run both). The help formatter (HelpFormatter, every context's: cli/base.py)
translates the usage prefix, the headings and typer's notes after a parameter's help; a Chinese
help is cut the Chinese way in a listing (short_help_of); `usage_error` translates the
command-line parser's own messages (missing option, no such option, ...).
"""

from __future__ import annotations

import re

import typer

from receptionctl import i18n
from receptionctl.i18n import N_, _

_EN = "_receptionctl_en"  # the English texts of a command or parameter, kept on it

# The parser's messages (typer's vendored click writes them in English, without gettext): the
# English pattern, and its message id with named placeholders.
_USAGE = [
    (re.compile(r"^No such option: (?P<name>\S+)(?: \(Possible options: (?P<options>.*)\))?$"),
     N_("No such option: {name}"), N_("(possible options: {options})")),
    (re.compile(r"^Missing option (?P<name>.+?)\.(?: (?P<rest>.*))?$"), N_("Missing option {name}."), None),
    (re.compile(r"^Missing argument (?P<name>.+?)\.(?: (?P<rest>.*))?$"), N_("Missing argument {name}."), None),
    (re.compile(r"^Missing parameter: (?P<name>.+)$"), N_("Missing parameter: {name}"), None),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<value>.*)$"), N_("Invalid value for {name}: {value}"), None),
    (re.compile(r"^Invalid value: (?P<value>.*)$"), N_("Invalid value: {value}"), None),
    (re.compile(r"^Option (?P<name>.+?) requires an argument\.$"), N_("Option {name} requires an argument."), None),
    (re.compile(r"^Option (?P<name>.+?) requires (?P<n>\d+) arguments\.$"),
     N_("Option {name} requires {n} arguments."), None),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<value>.*)\)$"), N_("Got unexpected extra arguments ({value})"),
     None),
    (re.compile(r"^No such command (?P<name>.+?)\.$"), N_("No such command {name}."), None),
    (re.compile(r"^Missing command\.$"), N_("Missing command."), None),
    (re.compile(r"^(?P<value>.+?) is not one of (?P<choices>.+)\.$"), N_("{value} is not one of {choices}."), None),
    (re.compile(r"^(?P<value>.+?) is not a valid (?P<kind>integer|float|boolean)(?P<range>.*)\.$"),
     N_("{value} is not a valid {kind}{range}."), None),
    (re.compile(r"^'(?P<value>.+?)' does not match the formats? (?P<formats>.+)\.$"),
     N_("'{value}' does not match the formats {formats}."), None),
    (re.compile(r"^(?P<value>.+?) is not in the range (?P<range>.+)\.$"), N_("{value} is not in the range {range}."),
     None),
]
_SUGGESTION = re.compile(r"^(?P<head>.*?)\.? Did you mean (?P<suggestions>.+)\?$")
# the parser's words inside those messages
N_("integer"), N_("float"), N_("boolean")


def usage_error(message: str) -> str:
    """The parser's English message in the run's language (itself in English, or when unknown)."""
    if not i18n.chinese():
        return message
    suggestion = _SUGGESTION.match(message)  # typer adds its guess after the (translated) message
    if suggestion:
        head = suggestion.group("head")
        head = head if head.endswith("。") else usage_error(head + ".")
        return head + _("Did you mean {suggestions}?").format(suggestions=suggestion.group("suggestions"))
    for pattern, msgid, extra in _USAGE:
        m = pattern.match(message)
        if not m:
            continue
        values = {k: (v or "") for k, v in m.groupdict().items()}
        if "kind" in values:
            values["kind"] = _(values["kind"])
        if msgid.startswith("Invalid value") and values.get("value"):  # the parser's reason inside
            values["value"] = usage_error(values["value"])
        text = _(msgid).format(**values)
        if extra and values.get("options"):
            text += " " + _(extra).format(options=values["options"])
        if values.get("rest"):  # a further sentence of ours (a parameter's own message)
            text += " " + _(values["rest"])
        return text
    return _(message)


_SENTENCE_END = re.compile(r"(?<=[.:;!?)])\s+(?=[A-Z`$(\"'])")


def split_sentences(text: str) -> list[str]:
    """`text` cut after each sentence (a full stop, colon or the like, then a capital letter)."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def help_text(text: str) -> str:
    """A help text in the run's language: the whole text's translation, else sentence by
    sentence (a help made of shared pieces, such as DAY_FORMS), each left English when missing."""
    whole = _(text)
    if not i18n.chinese():
        return whole
    if whole == text:
        parts = split_sentences(text)
        whole = "".join(_(p) for p in parts) if len(parts) > 1 else whole
    # Chinese has no spaces to wrap at: the example goes in a paragraph of its own, so the
    # command line is never cut in the middle of a word
    head, sep, example = whole.partition("示例：")
    return f"{head.rstrip()}\n\n{sep}{example}" if sep and head.strip() else whole


def _texts(obj, names: tuple[str, ...]) -> None:
    """Set each attribute in `names` of `obj` to the translation of its English text."""
    english = getattr(obj, _EN, None)
    if english is None:
        english = {n: getattr(obj, n, None) for n in names}
        setattr(obj, _EN, english)
    for name, text in english.items():
        if isinstance(text, str) and text:
            setattr(obj, name, help_text(text) if i18n.chinese() else text)


def translate_tree(command) -> None:
    """The help of `command`, its parameters and (for a group) every command under it, in the
    run's language. Idempotent; English puts back the English texts."""
    if getattr(command, "_receptionctl_lang", "en") == i18n.lang():  # untouched commands are English
        return
    _texts(command, ("help", "short_help", "epilog"))
    for param in getattr(command, "params", ()):
        _texts(param, ("help",))
    for child in getattr(command, "commands", {}).values():
        translate_tree(child)
    command._receptionctl_lang = i18n.lang()


def _columns(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def short_help(text: str, limit: int = 45) -> str:
    """A command's line in a listing, for a help without spaces between words (Chinese): its first
    sentence (to the first 。), cut to `limit` columns with "..."; click's rule splits on spaces and
    looks for a full stop, which leaves a Chinese help as "..." or several sentences long."""
    first = text.strip().split("\n\n", 1)[0]
    first = " ".join(first.split())
    end = first.find("。")
    if end != -1:
        first = first[:end + 1]
    if _columns(first) <= limit:
        return first
    out, used = [], 3
    for ch in first:
        used += _columns(ch)
        if used > limit:
            break
        out.append(ch)
    return "".join(out).rstrip() + "..."


def short_help_of(command, limit: int = 45) -> str | None:
    """A command's line in a listing when its help is Chinese and it has no short help of its own:
    cut the Chinese way (short_help); None otherwise (click's rule then, which cuts at spaces)."""
    text = command.help
    if command.short_help or not text or text.isascii() or not i18n.chinese():
        return None
    return short_help(text, limit)


# The notes typer adds after a parameter's help ("[default: 7; required]"): English, made without
# gettext; each note's message id, and its English pattern.
_NOTES = [
    (re.compile(r"^default: (?P<default>.*)$", re.DOTALL), N_("default: {default}")),
    (re.compile(r"^env var: (?P<var>.*)$", re.DOTALL), N_("env var: {var}")),
    (re.compile(r"^required$"), N_("required")),
    (re.compile(r"^(?:x[<>]=\S+|\S+<=x<=\S+)$"), None),  # a number range: no words
]


def _note(part: str) -> str | None:
    for pattern, msgid in _NOTES:
        m = pattern.match(part)
        if m:
            values = m.groupdict()
            if values.get("default") == "(dynamic)":
                values["default"] = _("(dynamic)")
            return _(msgid).format(**values) if msgid else part
    return None


def parser_notes(text: str) -> str:
    """A parameter's help with typer's notes at its end ("[default: 7; required]") in the run's
    language; any other text as it is."""
    if not text.endswith("]"):
        return text
    start = -1
    while True:
        start = text.find("[", start + 1)
        if start == -1:
            return text
        if start and not text[:start].endswith("  "):
            continue  # a bracket inside the help itself
        parts: list[str] = []
        for part in text[start + 1:-1].split("; "):
            if parts and parts[-1].startswith("default: ") and _note(part) is None:
                parts[-1] += "; " + part  # "; " inside a default value
            else:
                parts.append(part)
        notes = [_note(part) for part in parts]
        if None not in notes:
            return text[:start] + "[" + "; ".join(notes) + "]"


class HelpFormatter(typer.Context.formatter_class):
    """The help formatter of every context of the tool (cli/base.py's Context): the usage prefix,
    the headings, the help option's text and typer's notes after a parameter's help in the run's
    language (typer and its parser write them in English, without gettext)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_(heading)}{_(':')}\n")  # a full-width colon in Chinese

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        if i18n.lang() != "en":
            rows = [(a, _(b) if b == "Show this message and exit." else parser_notes(b)) for a, b in rows]
        super().write_dl(rows, col_max, col_spacing)


# the parser's words in every help page
N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit.")
N_(":"), N_("default: {default}"), N_("required"), N_("Missing command."), N_("Aborted!"), N_("env var: {var}")
N_("(dynamic)"), N_("No such command {name!r}.")
# the help of typer's own options on the root command
N_("Install completion for the current shell.")
N_("Show completion for the current shell, to copy it or customize the installation.")
