"""The command line in the run's language (issue 17): help texts, headings, the parser's errors.

The help texts in the code are English (each is its own message id in the catalogue); they are
translated in place, on the click commands, when a command group is first reached in a run whose
language is not English (`translate_tree`), and put back when a later run in the same process is
English (the tests run both). The metavariables go with them (`--at 时间`, `{来访编号}`, `[选项]`,
`命令 [参数]...`: `metavar|NAME` in the catalogue). The help formatter (HelpFormatter, every
context's: cli/base.py) translates the usage prefix, the headings, the value types (`<文本>`) and
typer's notes after a parameter's help, and wraps Chinese by display width (a character takes two
columns; a line may break between two characters, not before a closing mark). A command's line in
a listing is its short help, or its help's first sentence, never cut with "..." (short_help_of);
`usage_error` translates the command-line parser's own messages (missing option, no such
option, ...).
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


def metavar(text: str) -> str:
    """A metavariable in the run's language: its own entry `metavar|TEXT` in the catalogue, else
    each capitalised name in it that has one (`[VISIT]` → `[来访编号]`, `USER[,USER…]`); the rest
    (values typed as they are, formats such as YYYY-MM, punctuation) as it is."""
    if not i18n.chinese() or not text:
        return text
    whole = _("metavar|" + text)
    if whole != "metavar|" + text:
        return whole

    def one(m: re.Match) -> str:
        word = _("metavar|" + m.group())
        return m.group() if word.startswith("metavar|") else word

    return _NAME.sub(one, text)


_NAME = re.compile(r"(?<![\w-])[A-Z][A-Z_]*(?![\w-])")
# the names of the parser's own metavariables, and those of the tool's parameters
N_("metavar|OPTIONS"), N_("metavar|COMMAND"), N_("metavar|ARGS")


def _metavars(obj, names: tuple[str, ...]) -> None:
    """Set each metavariable attribute in `names` of `obj` to its translation (metavar)."""
    english = getattr(obj, _EN_METAVAR, None)
    if english is None:
        english = {n: getattr(obj, n, None) for n in names}
        setattr(obj, _EN_METAVAR, english)
    for name, text in english.items():
        if isinstance(text, str) and text:
            setattr(obj, name, metavar(text))


_EN_METAVAR = "_receptionctl_en_metavar"


def translate_tree(command) -> None:
    """The help of `command`, its parameters and (for a group) every command under it, in the
    run's language, metavariables included. Idempotent; English puts back the English texts."""
    if getattr(command, "_receptionctl_lang", "en") == i18n.lang():  # untouched commands are English
        return
    _texts(command, ("help", "short_help", "epilog"))
    _metavars(command, ("options_metavar", "subcommand_metavar"))
    for param in getattr(command, "params", ()):
        _texts(param, ("help",))
        _metavars(param, ("metavar",))
    for child in getattr(command, "commands", {}).values():
        translate_tree(child)
    command._receptionctl_lang = i18n.lang()


def _columns(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def first_sentence(text: str) -> str:
    """The first sentence of a help's first paragraph, on one line: to the first 。 in Chinese; in
    English to the first full stop that ends a sentence (one that closes the text, or is followed
    by a word that does not start in lower case: "vs." does not end one)."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = paragraph.find("。")
    if end != -1:
        return paragraph[:end + 1]
    words = paragraph.split(" ")
    for i, word in enumerate(words):
        if word.endswith(".") and (i == len(words) - 1 or not words[i + 1][:1].islower()):
            return " ".join(words[:i + 1])
    return paragraph


_PARENS = re.compile(r"\s*(?:\([^()]*\)|（[^（）]*）)")
_HEAD_END = re.compile(r":(?=\s)|;|：|；")


def summary(text: str, limit: int = 45) -> str:
    """A command's line in a listing, in `limit` display columns if it can be, and never cut in the
    middle of a sentence with "..." (click's rule cuts at `limit` and says "..."; in Chinese it
    finds no space to cut at): the help's first sentence when it fits; else that sentence without
    its parentheses; else its head, what comes before its first colon or semicolon (a listing's
    words: "Temporary passes for workers and contractors"); else the first sentence whole, which
    the listing wraps. A command whose first sentence has no such head gives a short_help."""
    first = first_sentence(text)
    if _columns(first) <= limit:
        return first
    bare = _PARENS.sub("", first)
    if _columns(bare) <= limit:
        return bare
    head = _HEAD_END.split(bare, 1)[0].strip()
    return head if head and _columns(head) <= limit else first


def short_help_of(command, limit: int = 45) -> str:
    """A command's line in a listing: its short help (written to fit), else the summary of its
    help (both already in the run's language: translate_tree)."""
    if command.short_help:
        return " ".join(command.short_help.split())
    return summary(command.help or "", limit)


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


# -- Chinese on a terminal: wrapped by display width ----------------------------------------------
# A Chinese line has no spaces to wrap at, and each character takes two columns: click's wrapping
# (at spaces, counting characters) leaves it running past the terminal's edge. A line may break
# between two Chinese characters, and at the spaces around a Latin word (an option, a value, a
# command line), never inside one; a closing mark stays at the end of its line and an opening one
# goes with what follows (the rules of Chinese typesetting).
_CLOSING = set("，。、；：？！）》」』】〉”’…%,.;:!?)]}")
_OPENING = set("（《「『【〈“‘([{")
_UNIT = re.compile(r"\s+|[A-Za-z0-9\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+|.")


def fill(text: str, width: int) -> list[str]:
    """`text` (one paragraph) in lines of at most `width` display columns, Chinese or not: a Latin
    word longer than a line has a line of its own; a closing mark that does not fit takes the
    word or character before it to the next line, an opening mark at a line's end goes to the next."""
    lines: list[str] = []
    line: list[str] = []  # the units of the line, a space its own unit
    for unit in _UNIT.findall(" ".join(text.split())):
        if unit == " ":
            if line:
                line.append(unit)
            continue
        if line and _columns("".join(line) + unit) > width:
            carry: list[str] = []
            if unit[0] in _CLOSING and line[-1] != " ":  # never first on a line: what it closes comes along
                k = len(line) - 1
                while k > 0 and line[k][0] in _CLOSING and line[k - 1] != " ":  # 日）、: 日 goes with them
                    k -= 1
                if k == 0:
                    line.append(unit)
                    continue
                carry = line[k:]
                del line[k:]
            while line and (line[-1].isspace() or line[-1] in _OPENING):
                unit_out = line.pop()
                if not unit_out.isspace():
                    carry.insert(0, unit_out)
            if line:
                lines.append("".join(line))
            line = carry
        line.append(unit)
    if line:
        lines.append("".join(line).rstrip())
    return lines or [""]


def _wide(text: str) -> bool:
    """Whether `text` holds a character that takes two columns (an English help shows the Chinese
    date forms: click would count them as one)."""
    return _columns(text) != len(text)


def _paragraphs(text: str, width: int) -> list[str]:
    """The lines of a help text of paragraphs (separated by a blank line; one that starts with
    click's "\b" is kept as it is written), each filled to `width`, a blank line between two."""
    out: list[str] = []
    for k, paragraph in enumerate(text.strip("\n").split("\n\n")):
        if k:
            out.append("")
        if paragraph.lstrip(" ").startswith("\b"):
            out += paragraph.lstrip(" ").split("\n")[1:]
        else:
            out += fill(paragraph, width)
    return out


# typer's names of a value's type after an option without a metavariable (`--client <str>`)
_TYPES = {"str": N_("type|text"), "int": N_("type|integer"), "float": N_("type|number"), "path": N_("type|path"),
          "file": N_("type|file"), "datetime": N_("type|time"), "bool": N_("type|yes or no")}
_TYPE = re.compile(r"<(%s)>" % "|".join(_TYPES))


def value_type(first: str) -> str:
    """The first column of a parameter's line (`--client <str>`) with typer's type in the run's
    language (`--client <文本>`)."""
    return _TYPE.sub(lambda m: f"<{i18n.label(_TYPES[m.group(1)])}>", first)


class HelpFormatter(typer.Context.formatter_class):
    """The help formatter of every context of the tool (cli/base.py's Context): the usage prefix,
    the headings, the help option's text, the value types and typer's notes after a parameter's
    help in the run's language (typer and its parser write them in English, without gettext); in
    Chinese, the text wrapped by display width (fill)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_(heading)}{_(':')}\n")  # a full-width colon in Chinese

    def write_text(self, text: str) -> None:
        if not i18n.chinese() and not _wide(text):
            return super().write_text(text)
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 11)
        self.write("\n".join(indent + line if line else "" for line in _paragraphs(text, width)) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        if i18n.lang() != "en":
            rows = [(value_type(a), _(b) if b == "Show this message and exit." else parser_notes(b)) for a, b in rows]
        rows = list(rows)
        if not i18n.chinese() and not any(_wide(a + b) for a, b in rows):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max((_columns(a) for a, _b in rows), default=0), col_max) + col_spacing
        margin = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _columns(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _columns(first)))
            else:
                self.write("\n" + margin)
            lines = _paragraphs(second, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n" + "".join(margin + line + "\n" if line else "\n" for line in lines[1:]))


# the parser's words in every help page
N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit.")
N_(":"), N_("default: {default}"), N_("required"), N_("Missing command."), N_("Aborted!"), N_("env var: {var}")
N_("(dynamic)"), N_("No such command {name!r}.")
# the help of typer's own options on the root command
N_("Install completion for the current shell.")
N_("Show completion for the current shell, to copy it or customize the installation.")
