"""The tool's typer classes: every group and command of the command line is one of these.

Built only from typer's public surface: typer.Typer and typer.Context, typer.core's
TyperGroup, TyperCommand, TyperOption and TyperArgument, their public attributes
(`context_class`, `formatter_class`, `type_descriptor`) and methods (`get_params`,
`get_short_help_str`, `get_runtime_param`); nothing of typer's private `_click` or `_coercion`.

- `Typer` makes its groups `Group` and its commands `Command` unless told otherwise.
- Their contexts (`Context`) write help with the run's language's formatter (cli/translate.py).
- Their listings cut a Chinese help the Chinese way (translate.short_help).
- Their parameters coerce the common cases without typer's pydantic-based coercion (`Light`).
- An enum option takes its codes and their words in Chinese (`--kind 包裹` is `--kind parcel`;
  i18n.typed), shows those words in a Chinese help, and lists them when a value is wrong.
- An unknown option is answered with the nearest of the command's own options (`nearest_option`:
  a table of synonyms, a unique prefix, then string similarity), in the run's language.
- A required option a command asks for on a terminal (cli/ask.py) may be left out there.
- An option may take its value optionally (`--offsite` alone, or `--offsite fair`): a command made
  with `cls=optional_values(offsite="other")` reads the option alone as that value (typer's own
  `flag_value` is not kept by its OptionInfo, so this is done on the command's arguments).

Module level imports typer, the standard library, i18n and cli/translate.py only (cli/ask.py when a
required option is missing): start-up stays light.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, get_args

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from receptionctl import i18n
from receptionctl.cli.translate import HelpFormatter, short_help_of
from receptionctl.i18n import _


class Context(typer.Context):
    """A run's context: its help in the run's language."""

    formatter_class = HelpFormatter


# -- light coercion ---------------------------------------------------------------------------
# Typer coerces every parameter through a pydantic TypeAdapter, built on first use even for an
# option left out (and for --help): importing pydantic and building the adapters costs more than
# the rest of a command's start-up. The common cases (left out, a string, a flag, a parser of
# ours, an enum choice) are done here without it; anything else still goes through typer's own
# coercion, with its messages. tests/cli/test_startup.py checks the fast path.

_BOOL = {"true": True, "1": True, "yes": True, "y": True, "on": True, "t": True,
         "false": False, "0": False, "no": False, "n": False, "off": False, "f": False}


def _unwrap(annotation):
    """Optional[X] -> X."""
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in getattr(annotation, "__args__", ()) else annotation


def enum_of(annotation) -> type[Enum] | None:
    """The Enum of a parameter annotated X, Optional[X] or List[X] (None if it is none)."""
    annotation = _unwrap(annotation)
    args = get_args(annotation)
    if len(args) == 1:
        annotation = args[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, Enum) else None


def code_kind(param) -> str:
    """The kind of a parameter's codes in the catalogue (`code|KIND|VALUE`, as i18n.code shows
    them): its name, the last word of it: --role and --add-role are `role`, --purpose `purpose`."""
    name = (param.opts[0] if param.opts else param.name) or ""
    return name.lstrip("-").replace("_", "-").strip("-").rsplit("-", 1)[-1]


def choose(enum: type[Enum], value: Any, param, ctx) -> Enum:
    """The member of `enum` that `value` names: the member itself, its code (in any case when the
    parameter says so), or the code's words (i18n.typed: `包裹` is parcel, in any language).
    Else bad usage naming the value and the choices, in the run's language."""
    if isinstance(value, enum):
        return value
    text = str(value).strip()
    case_sensitive = param.type_descriptor.parameter_info.case_sensitive
    for member in enum:
        if member.value == text or (not case_sensitive and member.value.lower() == text.lower()):
            return member
    codes = [member.value for member in enum]
    found = i18n.typed(text, codes, code_kind(param))
    if found is not None:
        return enum(found)
    listed = i18n.choices(codes, code_kind(param)) if i18n.chinese() else ", ".join(map(repr, codes))
    raise typer.BadParameter(_("{value} is not one of {choices}.").format(value=repr(value), choices=listed),
                             ctx=ctx, param=param)


class Light:
    """A parameter's coercion: the common cases here, the rest by typer's own (`full`, a function
    that builds it on first need)."""

    def __init__(self, full) -> None:
        self.full = full

    def coerce(self, value: Any, param, ctx) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        desc = param.type_descriptor
        info, annotation = desc.parameter_info, _unwrap(desc.annotation)
        enum = enum_of(desc.annotation)
        if enum is not None and info.parser is None:
            if many and not isinstance(value, str):
                return [choose(enum, item, param, ctx) for item in value]
            if not many:
                return choose(enum, value, param, ctx)
        if not many:
            if info.parser is not None:
                return info.parser(value)
            if annotation in (str, bool) and isinstance(value, annotation):
                return value
            if annotation is bool and isinstance(value, str) and value.lower() in _BOOL:
                return _BOOL[value.lower()]
        return self.full().coerce(value, param=param, ctx=ctx)


def choices_shown(param) -> str | None:
    """An enum parameter's type in a Chinese help: its codes' words, `<VIP|重点|普通>`; None
    otherwise (typer's own, the codes)."""
    enum = enum_of(param.type_descriptor.annotation)
    if enum is None or not i18n.chinese():
        return None
    label = "|".join(i18n.code(member.value, code_kind(param)) or member.value for member in enum)
    return f"<{label}>..." if param.multiple or param.nargs == -1 else f"<{label}>"


def choices_missing(param) -> str | None:
    """What follows "Missing option '--kind'." for an enum parameter: its choices on the same
    line, in the run's language (typer lists them one a line, in English); None otherwise."""
    enum = enum_of(param.type_descriptor.annotation)
    if enum is None:
        return None
    return _("Choose from: {choices}.").format(choices=i18n.choices([m.value for m in enum], code_kind(param)))


class LightOption(TyperOption):
    def get_runtime_param(self):  # typer's hook for a parameter's coercion, built on first use
        return Light(super().get_runtime_param)

    def display_type(self, ctx) -> str:
        return choices_shown(self) or super().display_type(ctx)

    def get_missing_message(self, ctx) -> str:
        return choices_missing(self) or super().get_missing_message(ctx)

    def process_value(self, ctx, value):
        """A required option left out is the usual usage error, unless the command asks for it
        on this terminal (cli/ask.py): then it is None (or empty) until the command has asked."""
        if self.required and self.value_is_missing(value):
            from receptionctl.cli.ask import deferred

            if deferred(ctx, self.name):
                return () if self.multiple or self.nargs == -1 else None
        return super().process_value(ctx, value)


class LightArgument(TyperArgument):
    def get_runtime_param(self):
        return Light(super().get_runtime_param)

    def display_type(self, ctx) -> str:
        return choices_shown(self) or super().display_type(ctx)

    def get_missing_message(self, ctx) -> str:
        return choices_missing(self) or super().get_missing_message(ctx)


_LIGHT = {TyperOption: LightOption, TyperArgument: LightArgument}


def lighten(params: list) -> list:
    """`params` (typer makes them TyperOption and TyperArgument, with no hook to choose their
    class) made LightOption and LightArgument: the same objects, the subclass's coercion."""
    for param in params:
        light = _LIGHT.get(type(param))
        if light is not None:
            param.__class__ = light
    return params


# -- an unknown option: the nearest of the command's own -----------------------------------------
# The words people reach for, and the options that mean them, in order of preference: the first
# the command has is the one suggested (`case assign --owner` is --to, `incident add --what` --text).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "owner": ("to", "staff", "host", "person", "by"),
    "assignee": ("to", "owner", "staff", "host"),
    "assign": ("to", "staff"),
    "assigned-to": ("to", "owner", "staff"),
    "handler": ("to", "owner", "staff"),
    "person": ("to", "staff", "owner", "people"),
    "user": ("to", "staff", "owner", "person", "by"),
    "who": ("to", "staff", "owner", "by", "guest", "name"),
    "category": ("kind",),
    "type": ("kind",),
    "what": ("text", "summary", "title", "topic"),
    "note": ("text", "comment", "summary", "reason"),
    "notes": ("note", "text", "comment"),
    "comment": ("note", "text", "suggestion"),
    "remark": ("note", "text", "comment"),
    "remarks": ("note", "text", "comment"),
    "description": ("text", "summary", "title", "note"),
    "desc": ("text", "summary", "title", "note"),
    "details": ("text", "note", "summary"),
    "message": ("text", "note", "summary"),
    "msg": ("text", "note", "summary"),
    "content": ("text", "summary"),
    "subject": ("title", "topic", "text"),
    "date": ("at", "day", "due"),
    "day": ("date", "at"),
    "when": ("at", "date", "due"),
    "time": ("at", "date"),
    "datetime": ("at",),
    "start": ("at", "from"),
    "starts": ("at", "from"),
    "begin": ("at", "from"),
    "since": ("from", "at"),
    "end": ("until", "to"),
    "ends": ("until", "to"),
    "finish": ("until", "to"),
    "due": ("answer-by", "until"),
    "due-date": ("due", "answer-by", "until"),
    "deadline": ("due", "answer-by", "until"),
    "priority": ("severity", "urgent"),
    "urgency": ("severity", "urgent"),
    "customer": ("client",),
    "company": ("client",),
    "visitor": ("guest", "name"),
    "location": ("venue", "place"),
    "room": ("venue", "place"),
    "place": ("venue",),
    "venue": ("place",),
    "quantity": ("qty",),
    "count": ("qty", "headcount", "limit"),
    "number": ("qty", "headcount"),
    "people": ("headcount",),
    "guests": ("headcount",),
    "size": ("headcount",),
    "mobile": ("phone",),
    "tel": ("phone",),
    "mail": ("email",),
    "status": ("state",),
    "state": ("status",),
}


def nearest_option(name: str, options) -> str | None:
    """The option of `options` (long options, such as `--to`) nearest to the unknown `name`
    (`--owner`): the synonyms' first (SYNONYMS), else the one option it begins, else the most
    alike (difflib), else one a part of a compound name means (`--client-name` is --client)."""
    known = {o[2:]: o for o in options if o.startswith("--")}
    word = name.lstrip("-").lower().replace("_", "-")
    if not word:
        return None
    if word in known:
        return known[word]
    for target in SYNONYMS.get(word, ()):
        if target in known:
            return known[target]
    begun = [o for o in known if len(word) >= 2 and o.startswith(word)]
    if len(begun) == 1:
        return known[begun[0]]
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return known[close[0]]
    for part in word.split("-") if "-" in word else ():
        found = nearest_option(part, options)
        if found:
            return found
    return None


def _option_names(command, ctx) -> list[str]:
    return [opt for param in command.get_params(ctx) for opt in (*param.opts, *param.secondary_opts)
            if opt.startswith("--")]


def _value_takers(command, ctx) -> set[str]:
    """The command's options that take a value (the next word is theirs, not an option)."""
    return {opt for param in command.get_params(ctx) if param.param_type_name == "option"
            and not getattr(param, "is_flag", False) and not getattr(param, "count", False)
            for opt in param.opts}


def _strangers(args: list[str], names: set[str], takers: set[str], prefix: str):
    """The words of `args` that look like options (start with `prefix`) but are none of `names`,
    in order; a known option's value (the next word, for one of `takers`) is passed over, and
    nothing after `--` is looked at."""
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            return
        if not arg.startswith(prefix) or arg == prefix:
            continue
        name = arg.split("=", 1)[0]
        if name in names:
            skip = name in takers and "=" not in arg
        else:
            yield arg


def unknown_options(command, ctx, args: list[str]) -> list[str]:
    """The long options in `args` that `command` does not have, in order, each once."""
    found = (arg.split("=", 1)[0] for arg in
             _strangers(args, set(_option_names(command, ctx)), _value_takers(command, ctx), "--"))
    return list(dict.fromkeys(found))


_NEGATIVE = re.compile(r"-[0-9]+(\.[0-9]+)?")


def negative_values(command, ctx, args: list[str]) -> bool:
    """Whether `args` hold a negative number where a value goes (`policy set KEY -1`) and nothing
    else the command does not know: the number is then a value, not an unknown option (a word
    that is neither stays the parser's usage error)."""
    names = {opt for param in command.get_params(ctx) for opt in (*param.opts, *param.secondary_opts)}
    strangers = list(_strangers(args, names, _value_takers(command, ctx), "-"))
    return bool(strangers) and all(_NEGATIVE.fullmatch(arg) for arg in strangers)


def no_such_option(command, ctx, args: list[str], first: str) -> str | None:
    """The message for the unknown options on the line, with the nearest option of the command
    for each, in the run's language; None when none is near (the parser's own message then)."""
    unknown = unknown_options(command, ctx, args)
    unknown = unknown if first in unknown else [first, *unknown]
    options = _option_names(command, ctx)
    root = ctx.find_root()
    global_options = set(_option_names(root.command, root)) if root is not ctx else set()
    near = {name: nearest_option(name, options) for name in unknown}
    if len(unknown) == 1 and near[first]:
        return _("No such option: {name}. Did you mean {option}?").format(name=first, option=near[first])
    pieces = []
    for name in unknown:
        if near[name]:
            pieces.append(_("{name} (did you mean {option}?)").format(name=name, option=near[name]))
        elif name in global_options:
            pieces.append(_("{name} (an option of receptionctl itself: give it before the command)").format(name=name))
        else:
            pieces.append(name)
    if pieces == unknown:
        return None
    if len(pieces) == 1:
        return _("No such option: {name}").format(name=pieces[0])
    return _("No such options: {names}").format(names=("、" if i18n.chinese() else ", ").join(pieces))


# -- an option whose value may be left out -------------------------------------------------------
def fill_optional(args: list[str], alone: dict[str, str]) -> list[str]:
    """`args` with the value of each option of `alone` (`--offsite` -> "other") written in where the
    option stands alone: last on the line, or followed by another option (a word starting with -)
    or by a number (a record id: `visit edit --offsite 7`; the values are words). `--offsite fair`
    and `--offsite=fair` are left as they are; nothing after `--` is touched."""
    out: list[str] = []
    for i, arg in enumerate(args):
        out.append(arg)
        if arg == "--":
            out.extend(args[i + 1:])
            break
        if arg in alone and (i + 1 == len(args) or args[i + 1].startswith("-") or args[i + 1].isdigit()):
            out.append(alone[arg])
    return out


# -- groups and commands ------------------------------------------------------------------------
class _Tool:
    """What the tool's commands and groups add to typer's: light coercion, the help in the run's
    language, a Chinese listing cut the Chinese way, the nearest option for an unknown one."""

    context_class = Context
    optional_values: dict[str, str] = {}  # an option -> its value when it stands alone (optional_values())

    def get_params(self, ctx) -> list:
        return lighten(super().get_params(ctx))

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if self.optional_values:
            args = fill_optional(list(args), self.optional_values)
        given = list(args)  # the parser consumes the list it is given
        try:
            if isinstance(self, TyperCommand) and negative_values(self, ctx, given):
                # `policy set lead_working_days -1`: the -1 is the value, not an option; the parser
                # keeps what it does not know as an argument, and nothing else is unknown here
                keep, ctx.ignore_unknown_options = ctx.ignore_unknown_options, True
                try:
                    return super().parse_args(ctx, args)
                finally:
                    ctx.ignore_unknown_options = keep
            return super().parse_args(ctx, args)
        except typer.TyperException as exc:
            # the parser's NoSuchOption (not public): its public option_name, possibilities and message
            name = getattr(exc, "option_name", None)
            if type(exc).__name__ == "NoSuchOption" and isinstance(name, str) and name.startswith("--"):
                message = no_such_option(self, ctx, given, name)
                if message:
                    exc.message, exc.possibilities = message, None
            raise

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help_of(self, limit) or super().get_short_help_str(limit)


class Command(_Tool, TyperCommand):
    """A command of the tool."""


class Group(_Tool, TyperGroup):
    """A command group of the tool."""


def optional_values(**alone: str) -> type[Command]:
    """A Command class whose options named here take their value optionally: `offsite="other"`
    makes `--offsite` alone mean `--offsite other` (fill_optional). For `app.command(cls=...)`."""
    return type("Command", (Command,), {"optional_values": {"--" + k.replace("_", "-"): v for k, v in alone.items()}})


class Typer(typer.Typer):
    """typer.Typer whose groups are Group and whose commands are Command (unless `cls` says
    otherwise), with plain help (rich's help renderer costs more start-up than the rest of --help)."""

    def __init__(self, *, cls: type[TyperGroup] = Group, rich_markup_mode=None, **kwargs: Any) -> None:
        super().__init__(cls=cls, rich_markup_mode=rich_markup_mode, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] = Command, **kwargs: Any):
        return super().command(name, cls=cls, **kwargs)
